"""Date and timestamp values: partial forms, UTC conversion, limits and rejected strings."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

FOUNDED = Attribute("foundation_date", "date")
SEEN = Attribute("last_seen", "timestamp")

DATES = [
    ("2023-01-02", "2023-01-02"),
    ("2023", "2023-01-01"),
    ("2023-01", "2023-01-01"),
    ("2023-01-02T13:00", "2023-01-02"),
    ("2023-01-02T14:00:00", "2023-01-02"),
    ("2023-01-02T15:00:00.000000000", "2023-01-02"),
    ("2023-01-02T15:00:00.000000000+02:00", "2023-01-02"),
    ("2023-01-02T23:00:00-10:00", "2023-01-03"),
    ("2018-09-20T04:09:47Z", "2018-09-20"),
    ("2023-01-02T01:00:00+0200", "2023-01-01"),
    ("2023-01-02T01:00:00+02", "2023-01-01"),
    ("2024-02-29", "2024-02-29"),
    ("9999-12-31", "9999-12-31"),
    ("0001-01-01", "0001-01-01"),
    ("9999-12-31T23:00:00+05:00", "9999-12-31"),
]


@pytest.mark.parametrize(("raw", "expected"), DATES)
def test_date_normalised_public(raw, expected):
    result = check_value(FOUNDED, raw, style="public")
    assert result.error is None
    assert result.value == expected


@pytest.mark.parametrize(("raw", "expected"), DATES)
def test_date_unchanged_segment(raw, expected):
    result = check_value(FOUNDED, raw, style="segment")
    assert result.error is None
    assert result.value == raw


def test_date_object_form():
    result = check_value(FOUNDED, {"value": "2023-01-02T23:00:00-10:00"}, style="public")
    assert result.value == "2023-01-03"


def test_date_object_form_segment_unchanged():
    value = {"value": "2023-01"}
    result = check_value(FOUNDED, value, style="segment")
    assert result.value is value


def test_date_one_item_list():
    result = check_value(FOUNDED, ["2023-01-02"], style="public")
    assert result.value == "2023-01-02"


INVALID_DATES = [
    "2023-02-30",
    "2023-13-01",
    "2023-00-10",
    "2023-1-5",
    "20230102",
    "23-01-02",
    "2023/01/02",
    "02.01.2023",
    "Jan 2 2023",
    "2023-01-02T25:00",
    "2023-01-02T13",
    "2023-01-02T13:00:60",
    "2023-01-02 13:00",
    "2023-01-02T13:00:00.1234567890Z",
    "0000-01-01",
    "2023-01-02Z",
    "",
    "now",
]


@pytest.mark.parametrize("raw", INVALID_DATES)
@pytest.mark.parametrize("style", ["public", "segment"])
def test_date_rejected(raw, style):
    result = check_value(FOUNDED, raw, style=style)
    assert result.error == f'foundation_date: "{raw}" is not a valid date; expected an ISO 8601 date such as "2023-01-02"'


def test_date_offset_out_of_range():
    result = check_value(FOUNDED, "2023-01-02T13:00:00+24:00", style="public")
    assert result.error == (
        'foundation_date: "2023-01-02T13:00:00+24:00" has an invalid UTC offset; '
        'expected an ISO 8601 date such as "2023-01-02"'
    )


def test_date_after_9999_in_utc():
    result = check_value(FOUNDED, "9999-12-31T23:00:00-10:00", style="public")
    assert result.error == 'foundation_date: "9999-12-31T23:00:00-10:00" is outside the years 1 to 9999 in UTC'


def test_date_number_rejected():
    result = check_value(FOUNDED, 1700000000, style="public")
    assert result.error == (
        'foundation_date: expected an ISO 8601 date such as "2023-01-02" but got the number 1700000000'
    )


# -- timestamps -----------------------------------------------------------------------------

TIMESTAMPS = [
    ("2023", "2023-01-01T00:00:00Z"),
    ("2023-01", "2023-01-01T00:00:00Z"),
    ("2023-01-02", "2023-01-02T00:00:00Z"),
    ("2023-01-02T13:00", "2023-01-02T13:00:00Z"),
    ("2023-01-02T13:00:00", "2023-01-02T13:00:00Z"),
    ("2023-01-02T13:00:00.000000000", "2023-01-02T13:00:00.000000000Z"),
    ("2023-01-02T15:00:00.000000000+02:00", "2023-01-02T13:00:00.000000000Z"),
    ("2018-09-20T04:09:47.123Z", "2018-09-20T04:09:47.123Z"),
    ("2023-01-02T23:30:00-10:00", "2023-01-03T09:30:00Z"),
    ("2023-01-02T00:15+0530", "2023-01-01T18:45:00Z"),
    ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"),
]


@pytest.mark.parametrize(("raw", "expected"), TIMESTAMPS)
def test_timestamp_normalised_public(raw, expected):
    result = check_value(SEEN, raw, style="public")
    assert result.error is None
    assert result.value == expected


@pytest.mark.parametrize(("raw", "expected"), TIMESTAMPS)
def test_timestamp_unchanged_segment(raw, expected):
    result = check_value(SEEN, raw, style="segment")
    assert result.error is None
    assert result.value == raw


def test_timestamp_object_form():
    result = check_value(SEEN, {"value": "2023-01-02T15:00:00+02:00"}, style="public")
    assert result.value == "2023-01-02T13:00:00Z"


@pytest.mark.parametrize("raw", INVALID_DATES)
def test_timestamp_rejected(raw):
    result = check_value(SEEN, raw, style="segment")
    assert result.error == (
        f'last_seen: "{raw}" is not a valid timestamp; expected an ISO 8601 timestamp such as "2023-01-02T13:00:00Z"'
    )


def test_timestamp_after_9999_in_utc():
    result = check_value(SEEN, "9999-12-31T23:59:59-01:00", style="segment")
    assert result.error == 'last_seen: "9999-12-31T23:59:59-01:00" is outside the years 1 to 9999 in UTC'


def test_timestamp_before_year_1_in_utc():
    result = check_value(SEEN, "0001-01-01T00:30:00+01:00", style="public")
    assert result.error == 'last_seen: "0001-01-01T00:30:00+01:00" is outside the years 1 to 9999 in UTC'


@pytest.mark.parametrize(
    ("value", "described"),
    [
        (1700000000, "the number 1700000000"),
        (1.7e12, "the number 1700000000000.0"),
        (True, "the boolean true"),
        ({"value": 5}, "the number 5"),
    ],
)
def test_timestamp_not_string_rejected(value, described):
    result = check_value(SEEN, value, style="public")
    assert result.error == f'last_seen: expected an ISO 8601 timestamp such as "2023-01-02T13:00:00Z" but got {described}'


def test_timestamp_object_unknown_key_rejected():
    result = check_value(SEEN, {"at": "2023"}, style="public")
    assert result.error == 'last_seen: {"at": "2023"} is not a valid value; the object form is {"value": ...}'
