"""Location values: free text, the ten-key object, coordinates and country codes."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value
from attio_cli.values.locations import LOCATION_KEYS

LOCATION = Attribute("primary_location", "location")

FULL = {
    "line_1": "1 Infinite Loop",
    "line_2": None,
    "line_3": None,
    "line_4": None,
    "locality": "Cupertino",
    "region": "CA",
    "postcode": "95014",
    "country_code": "US",
    "latitude": "37.331741",
    "longitude": "-122.030333",
}


def _location(**values):
    location = dict.fromkeys(LOCATION_KEYS)
    location.update(values)
    return location


@pytest.mark.parametrize("style", ["public", "segment"])
def test_location_string_passes(style):
    text = "1 Infinite Loop, Cupertino, CA, 95014, US"
    result = check_value(LOCATION, text, style=style)
    assert result.error is None
    assert result.value == text


@pytest.mark.parametrize("text", ["", "   "])
def test_location_empty_string_rejected(text):
    result = check_value(LOCATION, text, style="public")
    assert result.error == "primary_location: an empty string is not a location; use null to unset the attribute"


@pytest.mark.parametrize("style", ["public", "segment"])
def test_location_full_object(style):
    result = check_value(LOCATION, FULL, style=style)
    assert result.error is None
    assert result.value == FULL


def test_location_missing_keys_filled_public():
    result = check_value(LOCATION, {"locality": "Cupertino", "country_code": "US"}, style="public")
    assert result.value == _location(locality="Cupertino", country_code="US")


def test_location_empty_object_public():
    result = check_value(LOCATION, {}, style="public")
    assert result.value == _location()


def test_location_missing_keys_segment_rejected():
    result = check_value(LOCATION, {"locality": "Cupertino", "country_code": "US", "latitude": None}, style="segment")
    assert result.error == (
        'primary_location: the location object has no "line_1", "line_2", "line_3", "line_4", "region", '
        '"postcode", "longitude"; Attio needs all ten keys, with null for unknown ones (the public style fills them in)'
    )


@pytest.mark.parametrize("style", ["public", "segment"])
def test_location_unknown_key_rejected(style):
    result = check_value(LOCATION, {**FULL, "street": "Main St"}, style=style)
    assert result.error == (
        'primary_location: unknown key "street" in a location; the valid keys are "line_1", "line_2", "line_3", '
        '"line_4", "locality", "region", "postcode", "country_code", "latitude", "longitude"'
    )


COORDINATES_PUBLIC = [
    (37.331741, "37.331741"),
    (-45, "-45"),
    (0.0, "0"),
    (1e-05, "0.00001"),
    ("37.331741", "37.331741"),
    ("-90", "-90"),
]


@pytest.mark.parametrize(("value", "expected"), COORDINATES_PUBLIC)
def test_location_latitude_public(value, expected):
    result = check_value(LOCATION, {"latitude": value}, style="public")
    assert result.value["latitude"] == expected
    assert result.warnings == []


def test_location_coordinate_rounded_warns():
    result = check_value(LOCATION, {"longitude": 12.12345678912}, style="public")
    assert result.value["longitude"] == "12.123456789"
    assert result.warnings == [
        "primary_location: longitude 12.12345678912 was rounded to 9 decimal places: 12.123456789"
    ]


def test_location_coordinate_number_segment_rejected():
    result = check_value(LOCATION, {**FULL, "latitude": 37.3}, style="segment")
    assert result.error == (
        'primary_location: latitude must be a string such as "37.331741", but got the number 37.3; '
        "the public style converts numbers"
    )


@pytest.mark.parametrize(
    ("key", "value", "limit"),
    [
        ("latitude", "90.5", 90),
        ("latitude", "-91", 90),
        ("longitude", "180.1", 180),
        ("latitude", "1.1234567891", 90),
        ("longitude", "east", 180),
        ("latitude", "", 90),
    ],
)
def test_location_coordinate_invalid(key, value, limit):
    result = check_value(LOCATION, {**FULL, key: value}, style="segment")
    assert result.error == (
        f'primary_location: {key} "{value}" is not valid; expected decimal degrees from -{limit} to {limit} '
        "with at most 9 decimal places"
    )


def test_location_country_code_upper_cased_public():
    result = check_value(LOCATION, {"country_code": " us"}, style="public")
    assert result.value["country_code"] == "US"


@pytest.mark.parametrize("code", ["us", "USA", "1A", ""])
def test_location_country_code_invalid_segment(code):
    result = check_value(LOCATION, {**FULL, "country_code": code}, style="segment")
    assert result.error == f'primary_location: country_code "{code}" is not an ISO 3166-1 alpha-2 code such as "US"'


def test_location_numeric_postcode_public():
    result = check_value(LOCATION, {"postcode": 95014}, style="public")
    assert result.value["postcode"] == "95014"


def test_location_numeric_postcode_segment_rejected():
    result = check_value(LOCATION, {**FULL, "postcode": 95014}, style="segment")
    assert result.error == "primary_location: postcode must be a string or null, but got the number 95014"


def test_location_line_not_string_rejected():
    result = check_value(LOCATION, {"line_1": ["1 Infinite Loop"]}, style="public")
    assert result.error == 'primary_location: line_1 must be a string or null, but got a list ["1 Infinite Loop"]'


def test_location_number_rejected():
    result = check_value(LOCATION, 95014, style="public")
    assert result.error == "primary_location: expected an address string or a location object but got the number 95014"
