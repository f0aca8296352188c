"""Personal-name values: the three-key object and the "Last, First" string."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

NAME = Attribute("name", "personal-name")
FULL = {"first_name": "John", "last_name": "Smith", "full_name": "John Smith"}

NO_COMMA = (
    'name: "John Smith" has no comma, so Attio stores all of it as the first name; write names as '
    '"Last, First", for example with the template "{{traits.last_name}}, {{traits.first_name}}"'
)


@pytest.mark.parametrize("style", ["public", "segment"])
def test_name_full_object(style):
    result = check_value(NAME, FULL, style=style)
    assert result.error is None
    assert result.value == FULL


FILLED = [
    ({"first_name": "John", "last_name": "Smith"}, FULL),
    ({"first_name": "John"}, {"first_name": "John", "last_name": "", "full_name": "John"}),
    ({"last_name": "Smith", "full_name": None}, {"first_name": "", "last_name": "Smith", "full_name": "Smith"}),
    ({"full_name": "John Smith"}, {"first_name": "", "last_name": "", "full_name": "John Smith"}),
    (
        {"first_name": None, "last_name": "Smith", "full_name": "Dr Smith"},
        {"first_name": "", "last_name": "Smith", "full_name": "Dr Smith"},
    ),
]


@pytest.mark.parametrize(("value", "expected"), FILLED)
def test_name_filled_public(value, expected):
    result = check_value(NAME, value, style="public")
    assert result.error is None
    assert result.value == expected


def test_name_missing_keys_segment_rejected():
    result = check_value(NAME, {"first_name": "John", "last_name": "Smith"}, style="segment")
    assert result.error == (
        'name: the personal name {"first_name": "John", "last_name": "Smith"} has no "full_name"; Attio needs '
        '"first_name", "last_name", "full_name" (the public style fills in the missing ones)'
    )


def test_name_null_key_segment_rejected():
    result = check_value(NAME, {**FULL, "first_name": None}, style="segment")
    assert result.error == (
        'name: the personal name {"first_name": null, "last_name": "Smith", "full_name": "John Smith"} has no '
        '"first_name"; Attio needs "first_name", "last_name", "full_name" (the public style fills in the missing ones)'
    )


@pytest.mark.parametrize(
    ("value", "rendered"),
    [({}, "{}"), ({"first_name": "", "last_name": None}, '{"first_name": "", "last_name": null}')],
)
def test_name_empty_object_public_rejected(value, rendered):
    result = check_value(NAME, value, style="public")
    assert result.error == f"name: the personal name {rendered} is empty; use null to unset the attribute"


def test_name_unknown_key_rejected():
    result = check_value(NAME, {**FULL, "middle_name": "Q"}, style="public")
    assert result.error == (
        'name: unknown key "middle_name" in a personal name; the valid keys are "first_name", "last_name", "full_name"'
    )


def test_name_part_not_string_rejected():
    result = check_value(NAME, {"first_name": 7}, style="public")
    assert result.error == "name: first_name must be a string, but got the number 7"


@pytest.mark.parametrize("text", ["Smith, John", "Smith Jones, Mary Ann", "Smith, John, Jr."])
@pytest.mark.parametrize("style", ["public", "segment"])
def test_name_string_with_comma(text, style):
    result = check_value(NAME, text, style=style)
    assert result.error is None
    assert result.value == text
    assert result.warnings == []


@pytest.mark.parametrize("style", ["public", "segment"])
def test_name_string_without_comma_warns(style):
    result = check_value(NAME, "John Smith", style=style)
    assert result.value == "John Smith"
    assert result.error is None
    assert result.warnings == [NO_COMMA]


def test_name_empty_string_rejected():
    result = check_value(NAME, " ", style="segment")
    assert result.error == "name: an empty string is not a personal name; use null to unset the attribute"


def test_name_number_rejected():
    result = check_value(NAME, 5, style="public")
    assert result.error == 'name: expected a "Last, First" string or a name object but got the number 5'
