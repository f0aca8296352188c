"""The mapping-file shorthand of attio-cli: ``"$.traits.email"`` means ``{"@path": "$.traits.email"}``.

In a value position, a plain string that starts with ``$.`` is a path and any other string is
literal text. To write literal text that starts with ``$.``, use ``{"@literal": "$.x"}``:
nothing inside ``@literal`` is expanded.

Value positions are the values of plain objects, array items, and the directive options that
contain mapping values. Those options are ``@if``'s ``exists``, ``blank``, ``then`` and
``else``, the ``value`` of ``@case``, ``@replace``, ``@json`` and ``@flatten``, the argument of
``@excludeWhenNull``, the items of ``@merge``'s ``objects``, ``@transform``'s ``apply`` and
``mapping``, and the item shape of ``@arrayPath``. Strings that a directive reads as text are left alone: the argument of
``@path`` and ``@template``, the path of ``@arrayPath``, ``@replace``'s patterns and
replacements, ``@flatten``'s separator, ``@json``'s mode, ``@case``'s operator and
``@merge``'s direction. A directive given there as an object is expanded like any value.
"""

from __future__ import annotations

from typing import Any

PATH_PREFIX = "$."

# For each directive, the option keys that hold mapping values.
_VALUE_OPTIONS = {
    "@if": ("exists", "blank", "then", "else"),
    "@case": ("value",),
    "@replace": ("value",),
    "@json": ("value",),
    "@flatten": ("value",),
    "@transform": ("apply", "mapping"),
}

# For each directive, the option keys that Segment reads as text, expanded only when they are objects.
_TEXT_OPTIONS = {
    "@case": ("operator",),
    "@replace": ("pattern", "replacement", "pattern2", "replacement2"),
    "@json": ("mode",),
    "@flatten": ("separator",),
    "@merge": ("direction",),
}


def expand_shorthand(mapping: Any) -> Any:
    """Return a copy of a mapping with the ``$.`` path shorthand written out as ``@path`` directives."""
    return _expand_value(mapping)


def _expand_value(value: Any) -> Any:
    if isinstance(value, str):
        return {"@path": value} if value.startswith(PATH_PREFIX) else value
    if isinstance(value, list):
        return [_expand_value(item) for item in value]
    if isinstance(value, dict):
        name = next((key for key in value if isinstance(key, str) and key.startswith("@")), None)
        if name is None:
            return {key: _expand_value(item) for key, item in value.items()}
        return {key: (_expand_directive(name, item) if key == name else item) for key, item in value.items()}
    return value


def _expand_text(value: Any) -> Any:
    # Text stays as written; a directive that computes the text is expanded like any value.
    return value if isinstance(value, str) else _expand_value(value)


def _expand_directive(name: str, argument: Any) -> Any:
    if name == "@literal":
        return argument
    if name in ("@path", "@template"):
        return _expand_text(argument)
    if name == "@excludeWhenNull":
        return _expand_value(argument)
    if name == "@arrayPath":
        if not isinstance(argument, list):
            return argument
        expanded = list(argument)
        if expanded:
            expanded[0] = _expand_text(expanded[0])
        if len(expanded) > 1:
            expanded[1] = _expand_value(expanded[1])
        return expanded
    if not isinstance(argument, dict):
        return argument

    value_keys = _VALUE_OPTIONS.get(name, ())
    text_keys = _TEXT_OPTIONS.get(name, ())
    options = {}
    for key, option in argument.items():
        if key in value_keys:
            options[key] = _expand_value(option)
        elif key in text_keys:
            options[key] = _expand_text(option)
        elif name == "@merge" and key == "objects" and isinstance(option, list):
            options[key] = [_expand_value(item) for item in option]
        else:
            options[key] = option
    return options
