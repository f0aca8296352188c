"""JavaScript rules that only mapping-kit's directives use: ``== ''`` for ``@if`` and literal ``replace`` for ``@replace``.

The rules the trigger language and payload validation share with mapping-kit (``String()``,
truthiness, ``JSON.stringify``, UTF-16 length and so on) are in ``attio_cli.jsvalues``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from attio_cli.jsvalues import MISSING, js_string


def js_loose_equals_empty_string(value: Any) -> bool:
    """Evaluate JavaScript's ``value == ''``, which ``@if`` with ``blank`` relies on.

    ``0``, ``false`` and arrays whose text is empty (``[]``, ``['']``, ``[null]``, ``[[]]``) are
    equal to ``''``. ``null`` and ``undefined`` are not, and neither is any object.
    """
    if value is None or value is MISSING:
        return False
    kind = type(value)
    if kind is str:
        return value == ""
    if kind is bool:
        return value is False
    if kind is int or kind is float:
        return value == 0
    if kind is list:
        return js_string(value) == ""
    return False


# --- String.prototype.replace with a literal pattern ----------------------------------------

_MATCH, _BEFORE, _AFTER = object(), object(), object()


def _parse_replacement(replacement: str) -> list | None:
    """Split a replacement string into text and the ``$&``, ``$``` and ``$'`` tokens.

    ``$$`` is a literal ``$``. Group references such as ``$1`` and ``$<name>`` stay literal text,
    because an escaped literal pattern has no groups. Returns ``None`` when nothing is special.
    """
    if "$" not in replacement:
        return None
    parts: list = []
    text: list[str] = []
    position = 0
    while position < len(replacement):
        char = replacement[position]
        following = replacement[position + 1 : position + 2]
        if char == "$" and following in ("$", "&", "`", "'"):
            if following == "$":
                text.append("$")
            else:
                if text:
                    parts.append("".join(text))
                    text = []
                parts.append({"&": _MATCH, "`": _BEFORE, "'": _AFTER}[following])
            position += 2
            continue
        text.append(char)
        position += 1
    if text:
        parts.append("".join(text))
    return parts


@lru_cache(maxsize=4096)
def _canonical_char(char: str) -> str:
    # The Canonicalize step of a non-Unicode JavaScript regex with the "i" flag.
    if ord(char) > 0xFFFF:
        return char
    upper = char.upper()
    if len(upper) != 1:
        return char
    if ord(char) >= 128 and ord(upper) < 128:
        return char
    return upper


def _canonical(text: str) -> str:
    return "".join(map(_canonical_char, text))


def compile_literal_replace(pattern: str, replacement: str, *, global_: bool, ignore_case: bool) -> Callable[[str], str]:
    """Build ``text.replace(new RegExp(escaped(pattern), flags), replacement)`` for a literal pattern.

    Segment escapes every regex metacharacter of the pattern, so it always matches literally.
    ``global_`` replaces every match instead of the first. ``ignore_case`` compares characters
    as JavaScript's ``i`` flag does without the ``u`` flag. The replacement keeps JavaScript's
    ``$&``, ``$```, ``$'`` and ``$$`` tokens.
    """
    tokens = _parse_replacement(replacement)
    count = -1 if global_ else 1
    if not ignore_case and tokens is None:
        return lambda text: text.replace(pattern, replacement, count)

    needle = _canonical(pattern) if ignore_case else pattern
    size = len(pattern)

    def replace(text: str) -> str:
        haystack = _canonical(text) if ignore_case else text
        out: list[str] = []
        start = 0
        found = haystack.find(needle)
        while found != -1:
            out.append(text[start:found])
            if tokens is None:
                out.append(replacement)
            else:
                out.extend(_expand_tokens(tokens, text, found, size))
            start = found + size
            if not global_:
                break
            found = haystack.find(needle, start)
        if not out:
            return text
        out.append(text[start:])
        return "".join(out)

    return replace


def _expand_tokens(tokens: Iterable, text: str, found: int, size: int) -> list[str]:
    expanded = []
    for token in tokens:
        if token is _MATCH:
            expanded.append(text[found : found + size])
        elif token is _BEFORE:
            expanded.append(text[:found])
        elif token is _AFTER:
            expanded.append(text[found + size :])
        else:
            expanded.append(token)
    return expanded
