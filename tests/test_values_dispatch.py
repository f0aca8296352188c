"""check_value and value_checker: styles, nulls, lists, read-only attributes and message prefixes."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import ITEM_CHECKERS, ValueResult, check_value, value_checker

EMAILS = Attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True)
JOB_TITLE = Attribute("job_title", "text")
NAME = Attribute("name", "personal-name")
VALUE = Attribute("value", "currency")
ALL_TYPES = (
    "actor-reference checkbox currency date domain email-address location number personal-name "
    "phone-number rating record-reference select status text timestamp"
).split()


def test_dispatch_covers_writable_types():
    assert sorted(ITEM_CHECKERS) == sorted(ALL_TYPES)


def test_style_unknown():
    with pytest.raises(ValueError, match="unknown style 'attio'"):
        check_value(JOB_TITLE, "x", style="attio")


def test_style_unknown_in_value_checker():
    with pytest.raises(ValueError, match="unknown style"):
        value_checker(JOB_TITLE, style="")


def test_default_country_unknown():
    with pytest.raises(ValueError, match="unknown default country 'XX'"):
        check_value(JOB_TITLE, "x", style="public", default_country="XX")


def test_default_country_lower_case():
    result = check_value(
        Attribute("phone_numbers", "phone-number", is_multiselect=True),
        "410-555-9412",
        style="public",
        default_country="us",
    )
    assert result.value == ["+14105559412"]


def test_result_ok_property():
    assert ValueResult("x").ok
    assert not ValueResult("x", "bad").ok


# -- null ---------------------------------------------------------------------------------

@pytest.mark.parametrize("style", ["public", "segment"])
def test_null_unsets(style):
    result = check_value(JOB_TITLE, None, style=style)
    assert result == ValueResult(None, None, [])


@pytest.mark.parametrize("style", ["public", "segment"])
def test_null_multiselect_passes(style):
    result = check_value(EMAILS, None, style=style)
    assert result.value is None
    assert result.error is None


@pytest.mark.parametrize("style", ["public", "segment"])
def test_null_currency_rejected(style):
    result = check_value(VALUE, None, style=style)
    assert result.error == (
        "value: null is not allowed, because Attio cannot unset a currency value; "
        "leave the attribute out of the mapping instead"
    )


def test_null_required_rejected():
    spec = Attribute("user_id", "text", is_required=True)
    result = check_value(spec, None, style="segment")
    assert result.error == "user_id: null is not allowed, because the attribute is required"


# -- single-select attributes and lists ------------------------------------------------------

def test_single_one_item_list_unwrapped_public():
    result = check_value(JOB_TITLE, ["CTO"], style="public")
    assert result.value == "CTO"


def test_single_one_item_list_kept_segment():
    value = ["CTO"]
    result = check_value(JOB_TITLE, value, style="segment")
    assert result.value is value
    assert result.error is None


@pytest.mark.parametrize("style", ["public", "segment"])
def test_single_two_item_list_rejected(style):
    result = check_value(JOB_TITLE, ["CTO", "CEO"], style=style)
    assert result.error == 'job_title: expected one value but got a list ["CTO", "CEO"]; the attribute is not multiselect'


def test_single_empty_list_rejected():
    result = check_value(JOB_TITLE, [], style="public")
    assert result.error == "job_title: expected one value but got a list []; the attribute is not multiselect"


def test_single_list_of_null_public_unsets():
    result = check_value(JOB_TITLE, [None], style="public")
    assert result == ValueResult(None, None, [])


def test_single_list_of_null_segment_rejected():
    result = check_value(JOB_TITLE, [None], style="segment")
    assert result.error == "job_title: null is not allowed inside a list; use null without the list"


def test_single_item_error_keeps_value():
    value = [42]
    result = check_value(JOB_TITLE, value, style="segment")
    assert result.value is value
    assert result.error == (
        "job_title: expected a string but got the number 42; "
        "the public style converts numbers and booleans to text"
    )


# -- multiselect attributes --------------------------------------------------------------------

def test_multiselect_bare_value_listed_public():
    result = check_value(EMAILS, "a@example.com", style="public")
    assert result.value == ["a@example.com"]


def test_multiselect_bare_value_kept_segment():
    result = check_value(EMAILS, "a@example.com", style="segment")
    assert result.value == "a@example.com"


def test_multiselect_list_segment_identity():
    value = ["a@example.com", "b@example.com"]
    result = check_value(EMAILS, value, style="segment")
    assert result.value is value
    assert result.error is None


def test_multiselect_empty_list():
    result = check_value(EMAILS, [], style="public")
    assert result == ValueResult([], None, [])


def test_multiselect_item_error_names_index():
    result = check_value(EMAILS, ["a@example.com", "not-an-email"], style="public")
    assert result.error == 'email_addresses[1]: "not-an-email" is not a valid email address'


def test_multiselect_item_error_keeps_value():
    value = ["a@example.com", "not-an-email"]
    result = check_value(EMAILS, value, style="public")
    assert result.value is value


def test_multiselect_null_item_dropped_public():
    result = check_value(EMAILS, [None, "a@example.com"], style="public")
    assert result.value == ["a@example.com"]
    assert result.error is None


def test_multiselect_null_item_rejected_segment():
    result = check_value(EMAILS, ["a@example.com", None], style="segment")
    assert result.error == (
        "email_addresses[1]: null is not allowed inside a list; remove it in the mapping or use the public style"
    )


def test_multiselect_duplicates_sent_once():
    result = check_value(EMAILS, ["a@Example.com", " a@example.COM", "b@example.com"], style="public")
    assert result.value == ["a@example.com", "b@example.com"]


def test_multiselect_warning_names_index():
    domains = Attribute("domains", "domain", is_multiselect=True)
    result = check_value(domains, ["a.com", "www.b.com"], style="public")
    assert result.warnings == ['domains[1]: "www.b.com" was sent as "b.com", without the leading "www."']


def test_single_warning_names_slug():
    result = check_value(NAME, "John Smith", style="segment")
    assert result.warnings[0].startswith('name: "John Smith" has no comma')


# -- read-only and unknown types -------------------------------------------------------------------

@pytest.mark.parametrize("value", ["x", None, [1]])
def test_interaction_always_rejected(value):
    spec = Attribute("last_email_interaction", "interaction")
    result = check_value(spec, value, style="public")
    assert result.error == (
        "last_email_interaction: interaction attributes cannot be written, because only Attio creates "
        "their values; remove it from the mapping"
    )


def test_interaction_rejected_by_value_checker():
    check = value_checker(Attribute("first_calendar_interaction", "interaction"), style="segment")
    assert check("x").error.startswith("first_calendar_interaction: interaction attributes cannot be written")


def test_not_writable_rejected():
    spec = Attribute("twitter_follower_count", "number", is_writable=False)
    result = check_value(spec, 5, style="segment")
    assert result.error == (
        "twitter_follower_count: the attribute cannot be written, because Attio sets it itself; "
        "remove it from the mapping"
    )


def test_unknown_type_passes_unchanged():
    value = {"anything": [1, 2]}
    result = check_value(Attribute("future", "hologram"), value, style="public")
    assert result.value is value
    assert result.error is None


# -- value_checker matches check_value ----------------------------------------------------------------

CASES = [
    (EMAILS, " A@Example.COM"),
    (EMAILS, ["x"]),
    (JOB_TITLE, 12.0),
    (NAME, "Smith"),
    (VALUE, None),
    (Attribute("phone_numbers", "phone-number", is_multiselect=True), "(410) 555-9412"),
]


@pytest.mark.parametrize("style", ["public", "segment"])
@pytest.mark.parametrize(("spec", "value"), CASES)
def test_value_checker_same_result(spec, value, style):
    check = value_checker(spec, style=style, default_country="US")
    assert check(value) == check_value(spec, value, style=style, default_country="US")
