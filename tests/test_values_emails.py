"""Email address values: strict validation, trimming and lower-casing of the domain only."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

EMAILS = Attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True)
PRIMARY = Attribute("primary_email_address", "email-address", is_unique=True)

ACCEPTED = [
    "jane@example.com",
    "Jane.Doe@example.com",
    "a+tag@example.io",
    "o'brien@example.ie",
    "x_y-z@sub.example.co.uk",
    "!#$%&'*+/=?^_`{|}~-@example.com",
    "user@xn--mnchen-3ya.de",
    "user@münchen.de",
    "a" * 64 + "@example.com",
]


@pytest.mark.parametrize("address", ACCEPTED)
@pytest.mark.parametrize("style", ["public", "segment"])
def test_email_accepted(address, style):
    result = check_value(PRIMARY, address, style=style)
    assert result.error is None
    assert result.value == address


NORMALISED = [
    (" Jane@Example.COM ", "Jane@example.com"),
    ("JANE@EXAMPLE.COM", "JANE@example.com"),
    ("jane@Example.com\n", "jane@example.com"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_email_normalised_public(raw, expected):
    result = check_value(PRIMARY, raw, style="public")
    assert result.value == expected
    assert result.warnings == []


def test_email_upper_case_domain_segment():
    result = check_value(PRIMARY, "Jane@Example.COM", style="segment")
    assert result.value == "Jane@Example.COM"
    assert result.error is None


def test_email_spaces_segment_rejected():
    result = check_value(PRIMARY, " jane@example.com", style="segment")
    assert result.error == (
        'primary_email_address: " jane@example.com" has leading or trailing spaces, which Attio may reject; '
        "trim it in the mapping or use the public style"
    )


def test_email_object_form():
    result = check_value(EMAILS, [{"email_address": "Jane@EXAMPLE.com"}], style="public")
    assert result.value == ["Jane@example.com"]


REJECTED = [
    "not-an-email",
    "",
    "@example.com",
    "jane@",
    "jane@localhost",
    "jane@example",
    "jane@example.c",
    "jane@@example.com",
    "jane..doe@example.com",
    ".jane@example.com",
    "jane.@example.com",
    "jane doe@example.com",
    "jané@example.com",
    "jane@exam_ple.com",
    "jane@-example.com",
    "jane@192.168.0.1",
    "jane@[192.168.0.1]",
    "Jane Doe <jane@example.com>",
    "a" * 65 + "@example.com",
]


@pytest.mark.parametrize("address", REJECTED)
@pytest.mark.parametrize("style", ["public", "segment"])
def test_email_rejected(address, style):
    result = check_value(PRIMARY, address, style=style)
    assert result.error == f'primary_email_address: "{address}" is not a valid email address'


def test_email_quoted_local_part_rejected():
    result = check_value(PRIMARY, '"jane doe"@example.com', style="public")
    assert result.error == 'primary_email_address: "\\"jane doe\\"@example.com" is not a valid email address'


def test_email_too_long_rejected():
    address = "jane@" + ".".join(["abcdefghij"] * 24) + ".com"
    result = check_value(PRIMARY, address, style="public")
    assert result.error.endswith("… is not a valid email address")


def test_email_not_string_rejected():
    result = check_value(PRIMARY, 12, style="public")
    assert result.error == "primary_email_address: 12 is not a valid email address; expected a string"


def test_email_object_unknown_key_rejected():
    result = check_value(PRIMARY, {"email": "a@b.co"}, style="public")
    assert result.error == (
        'primary_email_address: {"email": "a@b.co"} is not a valid value; the object form is {"email_address": ...}'
    )


def test_email_long_value_cut_in_message():
    address = "x" * 300
    result = check_value(PRIMARY, address, style="public")
    assert result.error == 'primary_email_address: "' + "x" * 78 + '… is not a valid email address'
