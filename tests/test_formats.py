"""The `email` and `date-like` formats.

The tables combine results observed in Segment's Node runtime with cases that
follow from the same patterns. Cases marked "approximate" go through the
approximation of V8's `Date` parser. They pin the set attio-cli accepts, which
agrees with V8 on these inputs but is not promised to agree on every input.
"""

import pytest

from attio_cli.actions.formats import is_date_like, is_valid_email
from attio_cli.actions.v8_date import is_valid_v8_date

# -- email ---------------------------------------------------------------------------

VALID_EMAILS = ["a@b.co", "a+b@c.io", "a.b@c-d.io", "A@B.CO", "a@b.c", "o'neil@example.com", "x@1.2.3.4"]

INVALID_EMAILS = [
    "a@b",  # no dot in the domain
    "user@localhost",
    "a..b@c.io",
    "a@b_c.io",
    "a@-b.io",
    '"q"@b.io',
    "é@b.co",
    " a@b.co",  # no trimming
    "a@b.io ",
    "a@b.io\n",  # JavaScript's $ does not match before a final newline
    "",
    "@b.io",
    "a@b.io.",
    "a@b-.io",
]


@pytest.mark.parametrize("value", VALID_EMAILS)
def test_email_valid(value):
    assert is_valid_email(value)


@pytest.mark.parametrize("value", INVALID_EMAILS)
def test_email_invalid(value):
    assert not is_valid_email(value)


@pytest.mark.parametrize("value", ["ſ@b.co", "a@\u212aelvin.io"])
def test_email_case_folding_is_ascii_only(value):
    # Python's re.IGNORECASE alone would match the long s to "s" and the Kelvin sign to "k".
    assert not is_valid_email(value)


# -- date-like: exact cases ------------------------------------------------------------
# Canonical number strings (Unix seconds) and the strings dayjs parses with its
# own pattern do not depend on V8.

DATE_LIKE_EXACT_VALID = [
    "2024",
    "2024-1-5",
    "20240105",
    "2024-02-30",
    "2024-13-45",
    "2024/01/05",
    "2024-01-05T10:00:00",
    "2024-01-05 10:00:00.123",
    "1700000000",
    "12.5",
    "0",
    "-1",
    "8640000000000",  # the last second a JavaScript Date can hold
]

DATE_LIKE_EXACT_INVALID = [
    "NaN",
    "Infinity",
    "-Infinity",
    "8640000000001",
    "1e+21",
]


@pytest.mark.parametrize("value", DATE_LIKE_EXACT_VALID)
def test_date_like_exact_valid(value):
    assert is_date_like(value)


@pytest.mark.parametrize("value", DATE_LIKE_EXACT_INVALID)
def test_date_like_exact_invalid(value):
    assert not is_date_like(value)


# -- date-like: approximate cases (V8's Date parser) -------------------------------------

DATE_LIKE_APPROXIMATE_VALID = [
    "05.01.2024",
    "12/31",
    "01/02/2024",
    "Jan 2 2024",
    "5 January 2024",
    "Tue, 02 Jan 2024 10:00:00 GMT",
    "2024-01-05T10:00:00+02:00",
    "2024-01-05T10:00:00.123456789Z",
    "foo 2024",
    " 12",
    "2024-01-05T24:00:00Z",
    "2024-01-05 10:00 +0200",
    "Jan 2 2024 10:00 PM",
    "(note) Jan 2 2024",
    "+002024-01-05T00:00:00Z",
    "Feb 30 2024",
]

DATE_LIKE_APPROXIMATE_INVALID = [
    "abc",
    "abc123",
    "now",
    "Monday",
    "1e3",
    "0x10",
    "1,000",
    "",
    " ",
    "true",
    "2024-01-05T25:61:00Z",
    "2024-01-05T24:00:01Z",
    "2024-01-05T10:00:00 junk",
    "Jan 2 2024 13:00 PM",
    "10 am",
    "Jan 1 300000",
    "-000000-01-01T00:00:00Z",
]


@pytest.mark.parametrize("value", DATE_LIKE_APPROXIMATE_VALID)
def test_date_like_approximate_valid(value):
    assert is_date_like(value)


@pytest.mark.parametrize("value", DATE_LIKE_APPROXIMATE_INVALID)
def test_date_like_approximate_invalid(value):
    assert not is_date_like(value)


def test_v8_date_iso_fast_path_agrees():
    # The regex shortcut for plain ISO date-times must agree with the full parser.
    assert is_valid_v8_date("2015-02-23T22:28:55.387Z")
    assert is_valid_v8_date("2015-02-23T22:28:55.387+0100")
    assert not is_valid_v8_date("2015-02-23T22:28:60Z")
    assert not is_valid_v8_date("2015-13-23T22:28:00Z")
