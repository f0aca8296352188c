"""Human-readable validation errors, worded as Segment's `@segment/ajv-human-errors` words them.

Each error names the field by its label, or, for a value without a label, by
"the root value" or "the value at <JSON pointer>". The first character of the
message is upper-cased and a full stop is appended. Segment joins the errors
of one payload with single spaces.
"""

from __future__ import annotations

from typing import Any

from attio_cli.jsvalues import js_json_stringify, js_number_to_string, js_type_of


def capitalize(text: str) -> str:
    """Upper-case only the first character, as JavaScript's `s[0].toUpperCase() + s.slice(1)` does."""
    return text[:1].upper() + text[1:]


def preamble(title: str | None, pointer: str) -> str:
    """Return the capitalised subject of a message: the field label, or where the value sits."""
    if title:
        return capitalize(title)
    if pointer == "":
        return "The root value"
    return f"The value at {pointer}"


def escape_pointer_token(key: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _indefinite_article(word: str) -> str:
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"


def humanize_list(items: list[str], conjunction: str) -> str:
    """Join items as English: "a", "a or b", "a, b, or c"."""
    if not items:
        return "nothing"
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


_TYPE_PHRASES = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "null": "null",
    "undefined": "undefined",
}


def describe_type(value: Any) -> str:
    """Name the JSON type of `value` with its article: "a string", "an array", "null" or "undefined".

    A value that is not JSON, such as a date, is named "an object".
    """
    return _TYPE_PHRASES.get(js_type_of(value), "an object")


def expected_types_text(types: tuple[str, ...]) -> str:
    """Return "a string or number" for ('string', 'number'): the article follows the first type."""
    joined = humanize_list(list(types), "or")
    return f"{_indefinite_article(joined)} {joined}"


def type_message(subject: str, types_text: str, value: Any) -> str:
    return f"{subject} must be {types_text} but it was {describe_type(value)}."


def required_message(subject: str, key: str) -> str:
    return f"{subject} is missing the required field '{key}'."


def format_message(subject: str, format_label: str) -> str:
    return f"{subject} must be a valid {format_label} string but it was not."


def enum_message(subject: str, choices: tuple[Any, ...]) -> str:
    allowed = humanize_list([js_json_stringify(choice) for choice in choices], "or")
    return f"{subject} must be one of: {allowed}."


def _characters(count: int) -> str:
    return "character" if count == 1 else "characters"


def min_length_message(subject: str, limit: float, actual: int) -> str:
    return (
        f"{subject} must be {js_number_to_string(limit)} {_characters(limit)} or more"
        f" but it was {actual} {_characters(actual)}."
    )


def max_length_message(subject: str, limit: float, actual: int) -> str:
    return (
        f"{subject} must be {js_number_to_string(limit)} {_characters(limit)} or fewer"
        f" but it was {actual} {_characters(actual)}."
    )


def minimum_message(subject: str, limit: float) -> str:
    return f"{subject} must be equal to or greater than {js_number_to_string(limit)}."


def maximum_message(subject: str, limit: float) -> str:
    return f"{subject} must be equal to or less than {js_number_to_string(limit)}."


class FieldError(str):
    """An error message that also records the JSON pointer of the value it is about.

    It compares equal to the plain message, so code that only needs the text can ignore it.
    """

    pointer: str

    def __new__(cls, message: str, pointer: str) -> FieldError:
        error = super().__new__(cls, message)
        error.pointer = pointer
        return error
