"""JavaScript value semantics that Segment's subscription code relies on.

Segment evaluates subscriptions in JavaScript, so a faithful port needs JavaScript's idea of a missing
value, of truthiness, of ``String(x)``, of ``Number(x)`` and of property access on arrays and strings.
The rules follow the ECMAScript specification; only JSON-visible values are modelled, so prototype
members such as ``constructor`` or ``toString`` read as missing.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any


class _Missing:
    """The JavaScript ``undefined``: a key that is absent, as distinct from JSON ``null``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

# StrWhiteSpaceChar of ECMAScript: what Number("…") trims before parsing.
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL_LITERAL = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_INFINITY_LITERAL = re.compile(r"[+-]?Infinity")
_RADIX_LITERALS = (
    (re.compile(r"0[xX][0-9a-fA-F]+"), 16),
    (re.compile(r"0[oO][0-7]+"), 8),
    (re.compile(r"0[bB][01]+"), 2),
)
_ARRAY_INDEX = re.compile(r"0|[1-9]\d*")
_MAX_ARRAY_INDEX = 2**32 - 2


def is_js_number(value: Any) -> bool:
    """Return whether ``typeof value === 'number'`` would hold (bool is not a number)."""
    kind = type(value)
    return kind is int or kind is float


def js_truthy(value: Any) -> bool:
    """Return JavaScript truthiness: empty objects and arrays are truthy, unlike in Python."""
    if value is MISSING or value is None or value is False:
        return False
    kind = type(value)
    if kind is str:
        return value != ""
    if kind is int or kind is float:
        return value != 0 and value == value
    return True


def to_double(value: int | float) -> float:
    """Convert a JSON number to the IEEE double that JavaScript's JSON.parse would produce."""
    if type(value) is float:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number_to_string(value: float | int) -> str:
    """Format a number as JavaScript's ``Number.prototype.toString()`` does."""
    number = to_double(value)
    if number != number:
        return "NaN"
    if number in (math.inf, -math.inf):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    # repr() gives the shortest digits that round-trip, which is also what JavaScript picks.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len("".join(map(str, digit_tuple))) - len(digits)
    count = len(digits)
    point = exponent + count  # position of the decimal point relative to the digits
    if count <= point <= 21:
        text = digits + "0" * (point - count)
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * (-point) + digits
    else:
        power = point - 1
        mantissa = digits if count == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text


def js_string(value: Any) -> str:
    """Convert a JSON value to text as JavaScript's ``String(value)`` does."""
    if type(value) is str:
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if value is MISSING:
        return "undefined"
    if is_js_number(value):
        return js_number_to_string(value)
    if isinstance(value, list):
        return ",".join("" if item is None or item is MISSING else js_string(item) for item in value)
    return "[object Object]"


def js_to_number(value: Any) -> float:
    """Convert a value to a double as JavaScript's ``Number(value)`` does."""
    if is_js_number(value):
        return to_double(value)
    if value is True:
        return 1.0
    if value is False or value is None:
        return 0.0
    if type(value) is str:
        return _string_to_number(value)
    if isinstance(value, list):
        # Number([]) is 0 and Number([x]) is Number(String(x)); longer arrays are NaN.
        return _string_to_number(js_string(value)) if len(value) <= 1 else math.nan
    return math.nan


def _string_to_number(text: str) -> float:
    text = text.strip(_JS_WHITESPACE)
    if text == "":
        return 0.0
    if _DECIMAL_LITERAL.fullmatch(text):
        return float(text)
    if _INFINITY_LITERAL.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    for pattern, base in _RADIX_LITERALS:
        if pattern.fullmatch(text):
            return to_double(int(text[2:], base))
    return math.nan


def array_index(key: str) -> int | None:
    """Return the index that ``key`` names on a JavaScript array or string, or None if it names none."""
    if _ARRAY_INDEX.fullmatch(key):
        index = int(key)
        if index <= _MAX_ARRAY_INDEX:
            return index
    return None


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _utf16_unit(text: str, index: int) -> Any:
    if all(ord(char) <= 0xFFFF for char in text):
        return text[index] if index < len(text) else MISSING
    encoded = text.encode("utf-16-le", "surrogatepass")
    if index * 2 >= len(encoded):
        return MISSING
    return encoded[index * 2 : index * 2 + 2].decode("utf-16-le", "surrogatepass")


def read_property(container: Any, key: str, index: int | None) -> Any:
    """Read ``container[key]`` as JavaScript does for a truthy JSON value.

    ``index`` is ``array_index(key)``, passed in so callers can compute it once. For arrays and
    strings an index reads an element and ``length`` reads the size. Strings are indexed by UTF-16
    code unit, as in JavaScript.
    """
    if isinstance(container, dict):
        return container.get(key, MISSING)
    if isinstance(container, list):
        if index is not None:
            return container[index] if index < len(container) else MISSING
        return len(container) if key == "length" else MISSING
    if type(container) is str:
        if index is not None:
            return _utf16_unit(container, index)
        return _utf16_length(container) if key == "length" else MISSING
    return MISSING


def walk_path(value: Any, keys: tuple[str, ...]) -> Any:
    """Follow ``keys`` from ``value`` with JavaScript's ``prev && prev[key]``.

    A falsy value part-way along the path (``0``, ``''``, ``false``, ``null``) is returned as it is
    instead of giving a missing value, because that is what the ``&&`` walk does.
    """
    for key in keys:
        if not js_truthy(value):
            return value
        value = read_property(value, key, array_index(key))
    return value
