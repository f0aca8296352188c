"""Pieces that every value checker shares: the result, the rejection and how values are quoted.

Every item checker has the signature ``check(item, spec, public, region, warnings)``:

- ``item`` is one value (never a list and never ``None``).
- ``public`` is true in the ``public`` style, where the checker returns the normalised value.
  In the ``segment`` style the caller sends the original value and ignores the return value.
- ``region`` is the default country for phone numbers (ISO 3166-1 alpha-2) or ``None``.
- ``warnings`` collects messages without the attribute prefix; the dispatcher adds it.

A checker raises ``InvalidValue`` when Attio would reject the item. The message leaves out the
attribute slug, which the dispatcher puts in front.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
SEGMENT = "segment"
STYLES = (PUBLIC, SEGMENT)

# Attio record, object and actor ids are UUIDs in the 8-4-4-4-12 hex form.
UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Values longer than this are cut in messages, so that a 10 MB text does not end up in a log line.
_MAX_RENDERED = 80


@dataclass(slots=True)
class ValueResult:
    """The outcome of checking one attribute value.

    ``value`` is what to send: the normalised value in the ``public`` style, the original object
    in the ``segment`` style, and the original object whenever ``error`` is set.
    """

    value: Any
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


class InvalidValue(Exception):
    """An item that Attio would reject; the message names the value but not the attribute."""


def render(value: Any) -> str:
    """Quote a value as JSON for a message, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _MAX_RENDERED:
        return text[: _MAX_RENDERED - 1] + "…"
    return text


def describe(value: Any) -> str:
    """Name a value's JSON type and quote it, e.g. ``the number 42`` or ``an object {"a": 1}``."""
    if isinstance(value, bool):
        kind = "the boolean"
    elif isinstance(value, (int, float)):
        kind = "the number"
    elif isinstance(value, str):
        kind = "the string"
    elif isinstance(value, dict):
        kind = "an object"
    elif isinstance(value, (list, tuple)):
        kind = "a list"
    else:
        kind = "a " + type(value).__name__
    return f"{kind} {render(value)}"


def unwrap(item: Any, key: str) -> Any:
    """Return the inner value of Attio's one-key object form ``{key: value}``; other items unchanged.

    Raises InvalidValue when the object has any key other than ``key``.
    """
    if type(item) is not dict:
        return item
    if len(item) == 1 and key in item:
        return item[key]
    raise InvalidValue(f"{render(item)} is not a valid value; the object form is {{{json.dumps(key)}: ...}}")


def reject_unknown_keys(item: dict, allowed: frozenset[str], allowed_text: str) -> None:
    """Raise InvalidValue naming the first key of ``item`` that is not in ``allowed``."""
    for key in item:
        if key not in allowed:
            raise InvalidValue(f"unknown key {render(key)} in {render(item)}; the valid keys are {allowed_text}")


def quote_list(names: Any) -> str:
    """Join names as ``"a", "b", "c"`` for a message."""
    return ", ".join(json.dumps(name, ensure_ascii=False) for name in names)
