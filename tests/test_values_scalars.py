"""Text and checkbox values."""

import math

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value
from attio_cli.values.scalars import MAX_TEXT_BYTES

TITLE = Attribute("job_title", "text")
ACTIVE = Attribute("is_active", "checkbox")


# -- text ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["CTO", "", "Zürich ✓", "a\nb"])
@pytest.mark.parametrize("style", ["public", "segment"])
def test_text_accepted(value, style):
    result = check_value(TITLE, value, style=style)
    assert result.error is None
    assert result.value == value


def test_text_object_form_public():
    result = check_value(TITLE, {"value": "CTO"}, style="public")
    assert result.value == "CTO"


CONVERTED = [(42, "42"), (12.0, "12"), (1e21, "1e+21"), (0.000001, "0.000001"), (-1.5, "-1.5"), (True, "true"), (False, "false")]


@pytest.mark.parametrize(("value", "expected"), CONVERTED)
def test_text_from_scalar_public(value, expected):
    result = check_value(TITLE, value, style="public")
    assert result.value == expected
    assert result.warnings == []


@pytest.mark.parametrize(("value", "described"), [(42, "the number 42"), (False, "the boolean false")])
def test_text_from_scalar_segment_rejected(value, described):
    result = check_value(TITLE, value, style="segment")
    assert result.error == (
        f"job_title: expected a string but got {described}; the public style converts numbers and booleans to text"
    )


@pytest.mark.parametrize(("value", "described"), [({"value": {"a": 1}}, 'an object {"a": 1}'), ({"value": [1]}, "a list [1]")])
def test_text_structure_rejected(value, described):
    result = check_value(TITLE, value, style="public")
    assert result.error == f"job_title: expected a string but got {described}"


def test_text_object_unknown_key_rejected():
    result = check_value(TITLE, {"text": "CTO"}, style="public")
    assert result.error == 'job_title: {"text": "CTO"} is not a valid value; the object form is {"value": ...}'


def test_text_nan_rejected():
    result = check_value(TITLE, math.nan, style="public")
    assert result.error == "job_title: NaN is not a finite number, so it cannot be written as text"


def test_text_at_limit_accepted():
    result = check_value(TITLE, "a" * MAX_TEXT_BYTES, style="segment")
    assert result.error is None


def test_text_over_limit_rejected():
    text = "é" * (MAX_TEXT_BYTES // 2 + 1)
    result = check_value(TITLE, text, style="segment")
    assert result.error == (
        f"job_title: the text is {MAX_TEXT_BYTES + 2} bytes long, more than Attio's limit of {MAX_TEXT_BYTES} bytes"
    )


# -- checkbox ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("false", False), ({"value": True}, True), ([False], False)],
)
@pytest.mark.parametrize("style", ["public", "segment"])
def test_checkbox_accepted(value, expected, style):
    result = check_value(ACTIVE, value, style=style)
    assert result.error is None
    assert result.value == (expected if style == "public" else value)


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), (" False ", False)])
def test_checkbox_folded_public(value, expected):
    result = check_value(ACTIVE, value, style="public")
    assert result.value is expected


@pytest.mark.parametrize("value", ["TRUE", " false"])
def test_checkbox_folded_segment_rejected(value):
    result = check_value(ACTIVE, value, style="segment")
    assert result.error == f'is_active: "{value}" is not a valid checkbox value; use true or false'


@pytest.mark.parametrize(("value", "rendered"), [(1, "1"), (0, "0"), ("yes", '"yes"'), ({"value": "on"}, '"on"')])
def test_checkbox_rejected(value, rendered):
    result = check_value(ACTIVE, value, style="public")
    assert result.error == f"is_active: {rendered} is not a valid checkbox value; use true or false"
