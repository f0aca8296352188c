"""Number, currency and rating values."""

import math

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

COUNT = Attribute("employee_count", "number")
AMOUNT = Attribute("value", "currency", currency_code="USD")
AMOUNT_UNKNOWN_CODE = Attribute("value", "currency")
RATING = Attribute("fit", "rating")


# -- number -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 42, -7, 3.14, 1e21, -0.5, 2**60])
@pytest.mark.parametrize("style", ["public", "segment"])
def test_number_accepted(value, style):
    result = check_value(COUNT, value, style=style)
    assert result.error is None
    assert result.value == value


def test_number_object_form_public():
    result = check_value(COUNT, {"value": 12}, style="public")
    assert result.value == 12


NUMERIC_TEXT = [
    ("12", 12),
    (" 12 ", 12),
    ("-3", -3),
    ("+3", 3),
    ("1.5", 1.5),
    (".5", 0.5),
    ("1e3", 1000.0),
    ("12345678901234567890", 12345678901234567890),
]


@pytest.mark.parametrize(("text", "expected"), NUMERIC_TEXT)
def test_number_from_text_public(text, expected):
    result = check_value(COUNT, text, style="public")
    assert result.value == expected
    assert type(result.value) is type(expected)


def test_number_from_text_segment_rejected():
    result = check_value(COUNT, "12", style="segment")
    assert result.error == 'employee_count: expected a number but got the string "12"; the public style converts numeric strings'


@pytest.mark.parametrize("text", ["", "abc", "1,000", "0x10", "NaN", "Infinity", "1_000", "1e400", "12 apples"])
def test_number_invalid_text_public(text):
    result = check_value(COUNT, text, style="public")
    assert result.error == f'employee_count: "{text}" is not a valid number'


@pytest.mark.parametrize(("value", "described"), [(True, "the boolean true"), ({"value": [1]}, "a list [1]")])
def test_number_wrong_type_rejected(value, described):
    result = check_value(COUNT, value, style="public")
    assert result.error == f"employee_count: expected a number but got {described}"


@pytest.mark.parametrize(("value", "rendered"), [(math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity")])
def test_number_not_finite_rejected(value, rendered):
    result = check_value(COUNT, value, style="segment")
    assert result.error == f"employee_count: {rendered} is not a finite number"


def test_number_overflow_rejected():
    result = check_value(COUNT, 10**400, style="segment")
    assert result.error.endswith("is too large for a 64-bit floating-point number")


def test_number_many_decimals_warns():
    result = check_value(COUNT, 3.14159, style="segment")
    assert result.error is None
    assert result.warnings == ["employee_count: 3.14159 has more than 4 decimal places, which Attio may round away"]


def test_number_four_decimals_no_warning():
    result = check_value(COUNT, 3.1415, style="public")
    assert result.warnings == []


# -- currency ------------------------------------------------------------------------------------

CURRENCY_PUBLIC = [
    (4.99, 4.99),
    (5, 5),
    (-12.5, -12.5),
    (0.0001, 0.0001),
    ("4.99", 4.99),
    (" 4.99 ", 4.99),
    ("4.9900000", 4.99),
    ("1000", 1000),
    ({"currency_value": 4.99}, 4.99),
    ({"currency_value": "4.99"}, 4.99),
    ({"currency_value": 4.99, "currency_code": "USD"}, 4.99),
    ({"currency_value": 4.99, "currency_code": "usd"}, 4.99),
]


@pytest.mark.parametrize(("value", "expected"), CURRENCY_PUBLIC)
def test_currency_public(value, expected):
    result = check_value(AMOUNT, value, style="public")
    assert result.error is None
    assert result.value == expected


@pytest.mark.parametrize("value", [4.99, "4.99", {"currency_value": 4.99}, [4.99]])
def test_currency_segment_unchanged(value):
    result = check_value(AMOUNT, value, style="segment")
    assert result.error is None
    assert result.value is value


@pytest.mark.parametrize(("value", "places"), [(4.99999, 5), ("4.99999", 5), ({"currency_value": 1e-05}, 5), ("0.123456", 6)])
def test_currency_too_many_decimals(value, places):
    result = check_value(AMOUNT, value, style="public")
    amount = value["currency_value"] if isinstance(value, dict) else value
    quoted = f'"{amount}"' if isinstance(amount, str) else repr(amount)
    assert result.error == (
        f"value: {quoted} has {places} decimal places, but Attio accepts at most 4 for a currency amount; "
        "round it in the mapping"
    )


def test_currency_padded_text_segment_rejected():
    result = check_value(AMOUNT, " 4.99", style="segment")
    assert result.error == 'value: " 4.99" is not a valid currency amount; expected a number such as 4.99'


@pytest.mark.parametrize("text", ["$4.99", "4,99", "abc", ""])
def test_currency_invalid_text(text):
    result = check_value(AMOUNT, text, style="public")
    assert result.error == f'value: "{text}" is not a valid currency amount; expected a number such as 4.99'


def test_currency_boolean_rejected():
    result = check_value(AMOUNT, True, style="public")
    assert result.error == "value: expected a currency amount such as 4.99 but got the boolean true"


def test_currency_other_code_rejected():
    result = check_value(AMOUNT, {"currency_value": 4.99, "currency_code": "EUR"}, style="segment")
    assert result.error == (
        'value: the currency code "EUR" differs from the attribute\'s currency "USD", and Attio cannot store '
        'another currency; convert the amount or remove "currency_code"'
    )


def test_currency_code_unknown_attribute_warns():
    result = check_value(AMOUNT_UNKNOWN_CODE, {"currency_value": 4.99, "currency_code": "EUR"}, style="public")
    assert result.value == 4.99
    assert result.warnings == [
        'value: the currency code "EUR" cannot be written and is not checked, because the attribute\'s currency '
        "is not known; Attio uses the attribute's default currency"
    ]


def test_currency_object_unknown_key():
    result = check_value(AMOUNT, {"amount": 4.99}, style="public")
    assert result.error == 'value: unknown key "amount" in {"amount": 4.99}; the object form is {"currency_value": 4.99}'


def test_currency_object_missing_value():
    result = check_value(AMOUNT, {"currency_code": "USD"}, style="public")
    assert result.error == 'value: {"currency_code": "USD"} has no "currency_value"'


# -- rating ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 1, 5, 3.0, {"value": 4}, [2]])
@pytest.mark.parametrize("style", ["public", "segment"])
def test_rating_accepted(value, style):
    result = check_value(RATING, value, style=style)
    assert result.error is None


@pytest.mark.parametrize(("value", "expected"), [(3.0, 3), ("3", 3), (" 5 ", 5), ({"value": "0"}, 0)])
def test_rating_normalised_public(value, expected):
    result = check_value(RATING, value, style="public")
    assert result.value == expected
    assert type(result.value) is int


def test_rating_text_segment_rejected():
    result = check_value(RATING, "3", style="segment")
    assert result.error == (
        'fit: expected a whole number from 0 to 5 but got the string "3"; the public style converts numeric strings'
    )


@pytest.mark.parametrize("value", [6, -1, 10.0, "7"])
def test_rating_out_of_range(value):
    result = check_value(RATING, value, style="public")
    rating = int(float(value)) if isinstance(value, str) else value
    assert result.error == f"fit: {rating} is not a valid rating; use a whole number from 0 to 5"


@pytest.mark.parametrize(
    ("value", "described"),
    [(2.5, "the number 2.5"), (True, "the boolean true"), ("3.5", 'the string "3.5"')],
)
def test_rating_not_whole_number(value, described):
    result = check_value(RATING, value, style="public")
    assert result.error == f"fit: expected a whole number from 0 to 5 but got {described}"
