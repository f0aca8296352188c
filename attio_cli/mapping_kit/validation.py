"""Mapping validation with the rules and messages of Segment's ``mapping-kit/validate.ts``.

Segment checks a mapping before it looks at any event. Each message reads
``/<stack joined by "/"> <problem>.``, where the stack lists the object keys, directive names and
option names on the way down, so a ``@path`` with a boolean under ``name`` reads
``/name/@path should be a string or a mapping directive but it is a boolean.``

Segment's validator does not look at everything. It checks that an array is an array but not
its items, and it does not look inside the object given to ``@literal`` or ``@excludeWhenNull``.
Errors there surface only while events are transformed (see ``compiler.py``).

``validate_everything`` applies the same rules to those skipped places too, for callers that
want every mistake reported before the first event.

Each error is kept with two paths: the stack, which is printed in the message exactly as Segment
prints it, and the key path into the mapping, for pointing at a line. They differ only where
Segment's stack does: ``@arrayPath`` items are not numbered in it, and the items of
``@merge``'s ``objects`` are checked with an empty stack.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from attio_cli.jsvalues import MISSING, js_json_stringify, js_keys, js_length, js_type_of

# Segment's limits on @replace's pattern and replacement, in UTF-16 code units.
MAX_PATTERN_LENGTH = 10
MAX_REPLACEMENT_LENGTH = 10

Stack = tuple[str, ...]
KeyPath = tuple[Any, ...]
Validator = Callable[[Any, Stack, KeyPath], None]

# True while validate_everything runs: array items and @literal objects are checked too.
_CHECK_SKIPPED: ContextVar[bool] = ContextVar("check_skipped", default=False)


class Invalid(Exception):
    """One or more validation errors, each a ``(message, key_path)`` pair, in report order."""

    def __init__(self, errors: list[tuple[str, KeyPath]]):
        super().__init__("\n".join(message for message, _ in errors))
        self.errors = errors


def pointer(stack: Stack) -> str:
    """Format a stack as the ``/a/b`` prefix of a message."""
    return "/" + "/".join(str(part) for part in stack)


def _fail(problem: str, stack: Stack, key_path: KeyPath) -> None:
    raise Invalid([(f"{pointer(stack)} {problem}.", key_path)])


def _article(type_name: str) -> str:
    return "an" if type_name[:1] in ("a", "e", "i", "o", "u") else "a"


def _describe(type_name: str) -> str:
    return f"{_article(type_name)} {type_name}"


def type_or_directive(value: Any) -> str:
    """Return ``js_type_of(value)``, or ``directive`` for an object with any ``@`` key."""
    type_name = js_type_of(value)
    if type_name == "object" and any(type(key) is str and key.startswith("@") for key in value):
        return "directive"
    return type_name


def validate(mapping: Any, stack: Stack = (), key_path: KeyPath = ()) -> None:
    """Validate a mapping value; raise ``Invalid`` with every error found.

    A directive is checked by its rules and a plain object key by key. An array is only checked
    to be one, and any other value is a valid raw value.
    """
    kind = type_or_directive(mapping)
    if kind == "directive":
        _validate_directive(mapping, stack, key_path)
    elif kind == "object":
        _validate_object(mapping, stack, key_path)
    elif kind == "array" and _CHECK_SKIPPED.get():
        _validate_items(mapping, stack, key_path)


def validate_everything(mapping: Any, stack: Stack = (), key_path: KeyPath = ()) -> None:
    """Validate like ``validate``, and also inside array items and ``@literal`` and ``@excludeWhenNull`` objects.

    Meant to run after ``validate`` has passed, so every error it finds is in a place Segment
    only checks when an event reaches it.
    """
    token = _CHECK_SKIPPED.set(True)
    try:
        validate(mapping, stack, key_path)
    finally:
        _CHECK_SKIPPED.reset(token)


def _validate_items(items: list, stack: Stack, key_path: KeyPath) -> None:
    errors: list[tuple[str, KeyPath]] = []
    for position, item in enumerate(items):
        try:
            validate(item, stack + (str(position),), key_path + (position,))
        except Invalid as error:
            errors.extend(error.errors)
    if errors:
        raise Invalid(errors)


def _validate_directive(obj: dict, stack: Stack, key_path: KeyPath) -> None:
    keys = js_keys(obj)
    directive_keys = [key for key in keys if key.startswith("@")]
    if len(directive_keys) > 1:
        _fail(f"should only have one @-prefixed key but it has {len(directive_keys)} keys", stack, key_path)
    if any(not key.startswith("@") and key != "_metadata" for key in keys):
        # Segment counts every key here, not only the @-prefixed ones.
        _fail(f"should only have one @-prefixed key but it has {len(keys)} keys", stack, key_path)

    name = directive_keys[0]
    if name == "@liquid":
        raise Invalid([(liquid_message(stack), key_path + (name,))])
    validator = _DIRECTIVES.get(name)
    if validator is None:
        _fail(f"has an invalid directive: {name}", stack, key_path)
    validator(obj[name], stack + (name,), key_path + (name,))


def liquid_message(stack: Stack) -> str:
    """Return the error for a ``@liquid`` directive at ``stack``, which attio-cli does not run."""
    return f"{pointer(stack + ('@liquid',))} is not supported by attio-cli. Use @template instead."


def _validate_directive_or_raw(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack, key_path)
    elif kind in ("object", "array") and _CHECK_SKIPPED.get():
        validate(value, stack, key_path)
    elif kind not in ("object", "array", "boolean", "string", "number", "null"):
        _fail(f"should be a mapping directive or a JSON value but it is {_describe(kind)}", stack, key_path)


def _validate_directive_or_string(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack, key_path)
    elif kind != "string":
        _fail(f"should be a string or a mapping directive but it is {_describe(kind)}", stack, key_path)


def _validate_directive_or_object(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack, key_path)
    elif kind == "object":
        _validate_object(value, stack, key_path)
    else:
        # Segment's message reads "a object" whatever the article of the type.
        _fail(f"should be a object or a mapping directive but it is {_describe(kind)}", stack, key_path)


def _validate_string(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = type_or_directive(value)
    if kind != "string":
        _fail(f"should be a string but it is {_describe(kind)}", stack, key_path)


def _validate_boolean(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = type_or_directive(value)
    if kind != "boolean":
        _fail(f"should be a boolean but it is {_describe(kind)}", stack, key_path)


def _validate_array(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = js_type_of(value)
    if kind != "array":
        _fail(f"should be an array but it is {_describe(kind)}", stack, key_path)


def _string_length(minimum: int, maximum: int) -> Validator:
    def check(value: Any, stack: Stack, key_path: KeyPath) -> None:
        if isinstance(value, str) and js_length(value) < minimum:
            _fail(f"should be a string of length {minimum} or greater", stack, key_path)
        if isinstance(value, str) and js_length(value) > maximum:
            _fail(f"should be a string of length {maximum} or less", stack, key_path)

    return check


def _one_of(*allowed: str) -> Validator:
    # Segment compares in lower case, so "ENCODE" passes here but matches no mode at run time.
    def check(value: Any, stack: Stack, key_path: KeyPath) -> None:
        _validate_string(value, stack, key_path)
        if value.lower() not in allowed:
            _fail(f"should be one of {', '.join(allowed)} but it is {js_json_stringify(value)}", stack, key_path)

    return check


def _chain(*validators: Validator) -> Validator:
    def check(value: Any, stack: Stack, key_path: KeyPath) -> None:
        for validator in validators:
            validator(value, stack, key_path)

    return check


def _validate_object(value: Any, stack: Stack, key_path: KeyPath) -> None:
    kind = type_or_directive(value)
    if kind != "object":
        _fail(f"should be an object but it is {_describe(kind)}", stack, key_path)

    errors: list[tuple[str, KeyPath]] = []
    for key in js_keys(value):
        try:
            validate(value[key], stack + (key,), key_path + (key,))
        except Invalid as error:
            errors.extend(error.errors)
    if errors:
        raise Invalid(errors)


_Field = tuple[str, bool, Validator]


def _validate_fields(value: Any, fields: tuple[_Field, ...], stack: Stack, key_path: KeyPath) -> None:
    """Validate a directive's options: first as a plain object, then each declared field in order."""
    _validate_object(value, stack, key_path)

    errors: list[tuple[str, KeyPath]] = []
    for name, required, validator in fields:
        field = value.get(name, MISSING)
        try:
            if field is not MISSING:
                validator(field, stack + (name,), key_path + (name,))
            elif required:
                _fail(f"should have field {js_json_stringify(name)} but it doesn't", stack, key_path)
        except Invalid as error:
            errors.extend(error.errors)
    if errors:
        raise Invalid(errors)


def _options(*fields: _Field) -> Validator:
    def check(value: Any, stack: Stack, key_path: KeyPath) -> None:
        _validate_fields(value, fields, stack, key_path)

    return check


def _validate_array_path(value: Any, stack: Stack, key_path: KeyPath) -> None:
    _validate_array(value, stack, key_path)
    _validate_directive_or_string(value[0] if value else MISSING, stack, key_path + (0,))
    validate(value[1] if len(value) > 1 else MISSING, stack, key_path + (1,))


def _validate_merge(value: Any, stack: Stack, key_path: KeyPath) -> None:
    _validate_fields(
        value,
        (("direction", False, _one_of("left", "right")), ("objects", True, _validate_array)),
        stack,
        key_path,
    )
    # Segment checks the items with an empty stack and stops at the first bad one.
    for position, item in enumerate(value["objects"]):
        _validate_directive_or_object(item, (), key_path + ("objects", position))


_DIRECTIVES: dict[str, Validator] = {
    "@if": _options(
        ("exists", False, _validate_directive_or_raw),
        ("then", False, _validate_directive_or_raw),
        ("else", False, _validate_directive_or_raw),
    ),
    "@case": _options(
        ("operator", False, _validate_string),
        ("value", False, _validate_directive_or_string),
    ),
    "@replace": _options(
        ("pattern", True, _chain(_validate_string, _string_length(1, MAX_PATTERN_LENGTH))),
        ("replacement", False, _chain(_validate_string, _string_length(0, MAX_REPLACEMENT_LENGTH))),
        ("value", True, _validate_directive_or_string),
        ("ignorecase", False, _validate_boolean),
        ("global", False, _validate_boolean),
    ),
    "@arrayPath": _validate_array_path,
    "@path": _validate_directive_or_string,
    "@json": _options(
        ("value", True, _validate_directive_or_raw),
        ("mode", True, _one_of("encode", "decode")),
    ),
    "@flatten": _options(
        ("separator", False, _validate_string),
        ("value", True, _validate_directive_or_raw),
    ),
    "@merge": _validate_merge,
    "@template": _validate_directive_or_string,
    "@literal": _validate_directive_or_raw,
    "@transform": _options(
        ("apply", True, _validate_directive_or_object),
        ("mapping", True, _validate_directive_or_object),
    ),
    "@excludeWhenNull": _validate_directive_or_raw,
}

#: Every directive name that attio-cli runs. ``@liquid`` is Segment's too but is rejected.
DIRECTIVE_NAMES = frozenset(_DIRECTIVES)
