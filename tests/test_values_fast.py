"""Fast paths for strings: wherever one returns a value, the full check returns the same value."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.standard_objects import STANDARD_OBJECTS
from attio_cli.values import check_value
from attio_cli.values.fast import fast_string_check
from attio_cli.values.scalars import SAFE_TEXT_CHARACTERS

SPECS = [
    STANDARD_OBJECTS["people"]["email_addresses"],
    STANDARD_OBJECTS["users"]["primary_email_address"],
    STANDARD_OBJECTS["companies"]["domains"],
    STANDARD_OBJECTS["users"]["user_id"],
    STANDARD_OBJECTS["users"]["person"],
    STANDARD_OBJECTS["people"]["company"],
    STANDARD_OBJECTS["workspaces"]["users"],
    STANDARD_OBJECTS["users"]["workspace"],
    Attribute("notes", "text", is_multiselect=True),
]

STRINGS = [
    "ada@example.com",
    "Ada@Example.COM",
    " ada@example.com ",
    "ada@@example.com",
    "ada@localhost",
    "ada@bücher.de",
    "example.com",
    "www.example.com",
    "https://www.Example.com/pricing?x=1#top",
    "HTTP://EXAMPLE.COM",
    "www.com",
    "192.168.0.1",
    "user-123",
    "   ",
    "",
    "not a domain",
    "x" * (SAFE_TEXT_CHARACTERS + 1),
]


@pytest.mark.parametrize("style", ["public", "segment"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.slug)
def test_fast_path_agrees_with_full_check(spec, style):
    fast = fast_string_check(spec, style == "public")
    assert fast is not None
    for text in STRINGS:
        checked = fast(text)
        if checked is None:
            continue
        full = check_value(spec, text, style=style)
        assert full.error is None, text
        assert full.warnings == [], text
        if style == "segment":
            assert full.value == text, text
        elif spec.is_multiselect:
            assert full.value == [checked], text
        else:
            assert full.value == checked, text


def test_fast_path_takes_common_values():
    fast = fast_string_check(STANDARD_OBJECTS["people"]["email_addresses"], True)
    assert fast("Ada@Example.COM") == "Ada@example.com"


def test_fast_path_leaves_www_to_full_check():
    fast = fast_string_check(STANDARD_OBJECTS["companies"]["domains"], True)
    assert fast("www.example.com") is None


def test_no_fast_path_for_other_types():
    assert fast_string_check(Attribute("phone", "phone-number"), True) is None
