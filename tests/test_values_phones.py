"""Phone number values: E.164 formatting, default country, and numbers Attio rejects."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

PHONES = Attribute("phone_numbers", "phone-number", is_multiselect=True)
MOBILE = Attribute("mobile", "phone-number")

NO_COUNTRY = (
    'mobile: "410-555-9412" has no country code; write it with "+" and the country code '
    "(for example +14105559412) or pass --default-country (for example --default-country US)"
)


def _public(value, country=None, spec=MOBILE):
    return check_value(spec, value, style="public", default_country=country)


def _segment(value, country=None, spec=MOBILE):
    return check_value(spec, value, style="segment", default_country=country)


NORMALISED = [
    ("410-555-9412", "US", "+14105559412"),
    ("(410) 555-9412", "US", "+14105559412"),
    ("+1 (410) 555-9412", None, "+14105559412"),
    ("+14105559412", None, "+14105559412"),
    ("+44 7777 777777", None, "+447777777777"),
    ("07777 777777", "GB", "+447777777777"),
    ("+44 7777 777777", "US", "+447777777777"),
    (" +14105559412 ", None, "+14105559412"),
    ("030 123456", "DE", "+4930123456"),
]


@pytest.mark.parametrize(("raw", "country", "expected"), NORMALISED)
def test_phone_normalised_public(raw, country, expected):
    result = _public(raw, country)
    assert result.error is None
    assert result.value == expected


def test_phone_multiselect_listed():
    result = _public("410-555-9412", "US", spec=PHONES)
    assert result.value == ["+14105559412"]


def test_phone_integer_public():
    result = _public(4105559412, "US")
    assert result.value == "+14105559412"


def test_phone_national_without_country():
    result = _public("410-555-9412")
    assert result.error == NO_COUNTRY


def test_phone_object_form_public():
    result = _public({"original_phone_number": "410-555-9412", "country_code": "US"})
    assert result.value == "+14105559412"


def test_phone_object_lower_case_country_public():
    result = _public({"original_phone_number": "410-555-9412", "country_code": "us"})
    assert result.value == "+14105559412"


def test_phone_object_null_country_uses_default():
    result = _public({"original_phone_number": "410-555-9412", "country_code": None}, "US")
    assert result.value == "+14105559412"


def test_phone_object_null_country_with_plus():
    result = _segment({"original_phone_number": "+14105559412", "country_code": None})
    assert result.error is None


def test_phone_object_without_country_key():
    result = _public({"original_phone_number": "+447777777777"})
    assert result.value == "+447777777777"


def test_phone_extension_dropped_with_warning():
    result = _public("+1 410-555-9412 ext. 123")
    assert result.value == "+14105559412"
    assert result.warnings == [
        'mobile: "+1 410-555-9412 ext. 123" has the extension "123", which E.164 cannot hold, so it is dropped'
    ]


# -- segment style ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["+14105559412", "+1 (410) 555-9412", "+447777777777"])
def test_phone_segment_unchanged(raw):
    result = _segment(raw)
    assert result.value == raw
    assert result.error is None


def test_phone_segment_object_unchanged():
    value = {"original_phone_number": "4105559412", "country_code": "US"}
    result = _segment(value)
    assert result.value is value
    assert result.error is None


def test_phone_segment_national_rejected():
    result = _segment("410-555-9412", "US")
    assert result.error == (
        'mobile: "410-555-9412" does not start with "+" and a country code, which Attio requires for a phone '
        "number string; write it in E.164 form (for example +14105559412) or use the public style "
        "with --default-country"
    )


def test_phone_segment_leading_space_rejected():
    result = _segment(" +14105559412")
    assert result.error == (
        'mobile: " +14105559412" has leading spaces, which Attio may reject; '
        "trim it in the mapping or use the public style"
    )


def test_phone_segment_object_lower_case_country_rejected():
    result = _segment({"original_phone_number": "4105559412", "country_code": "us"})
    assert result.error == (
        'mobile: the country code "us" in {"original_phone_number": "4105559412", "country_code": "us"} '
        "must be upper-case"
    )


def test_phone_segment_object_national_null_country():
    result = _segment({"original_phone_number": "4105559412", "country_code": None}, "US")
    assert result.error == (
        'mobile: {"original_phone_number": "4105559412", "country_code": null} has no country code; '
        'write it with "+" and the country code (for example +14105559412) or pass --default-country '
        "(for example --default-country US)"
    )


# -- rejected numbers ----------------------------------------------------------------------------

REJECTED = [
    ("+15551234567", None, 'is not a valid phone number, because it is in no number range in use for country code +1'),
    ("555-123-4567", "US", 'is not a valid phone number, because it is in no number range in use for country code +1'),
    ("+1410555941", None, "is not a valid phone number, because it is too short"),
    ("+1410555941222", None, "is not a valid phone number, because it is too long"),
    ("+999123456", None, "is not a valid phone number, because its country code is unknown"),
    ("call me", "US", "is not a valid phone number, because it is not a phone number"),
    ("+", None, "is not a valid phone number, because it is not a phone number"),
]


@pytest.mark.parametrize(("raw", "country", "reason"), REJECTED)
def test_phone_rejected_public(raw, country, reason):
    result = _public(raw, country)
    assert result.error == f'mobile: "{raw}" {reason}'


@pytest.mark.parametrize("raw", ["+15551234567", "+1410555941"])
def test_phone_rejected_segment(raw):
    result = _segment(raw)
    assert result.error.startswith(f'mobile: "{raw}" is not a valid phone number, because')


def test_phone_not_string_rejected():
    result = _segment(4105559412)
    assert result.error == 'mobile: 4105559412 is not a valid phone number; expected a string such as "+14105559412"'


def test_phone_object_unknown_key_rejected():
    result = _public({"number": "+14105559412"})
    assert result.error == (
        'mobile: unknown key "number" in {"number": "+14105559412"}; the valid keys are '
        '"original_phone_number" and "country_code"'
    )


def test_phone_object_unknown_country_rejected():
    result = _public({"original_phone_number": "4105559412", "country_code": "XX"})
    assert result.error == (
        'mobile: "XX" in {"original_phone_number": "4105559412", "country_code": "XX"} '
        "is not a known ISO 3166-1 alpha-2 country code"
    )


def test_phone_object_number_not_string_rejected():
    result = _public({"original_phone_number": 4105559412, "country_code": "US"})
    assert result.error == (
        'mobile: "original_phone_number" must be a string, but '
        '{"original_phone_number": 4105559412, "country_code": "US"} has the number 4105559412'
    )


def test_phone_object_invalid_number_rejected():
    result = _public({"original_phone_number": "555-123-4567", "country_code": "US"})
    assert result.error == (
        'mobile: {"original_phone_number": "555-123-4567", "country_code": "US"} is not a valid phone number, '
        "because it is in no number range in use for country code +1"
    )
