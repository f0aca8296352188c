"""JavaScript value semantics that Segment's mapping-kit depends on.

Segment runs mapping-kit on Node, so text conversion, truthiness, ``JSON.stringify``, loose
equality and object key order follow ECMAScript rules. The functions here reproduce those rules
for JSON-like Python values (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``)
plus ``MISSING`` for ``undefined``.

JavaScript strings are sequences of UTF-16 code units, so ``length``, indexing and the length
limits of ``@replace`` count a character outside the Basic Multilingual Plane as two.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from attio_cli.mapping_kit.missing import MISSING

# Largest integer that a JavaScript number represents exactly (Number.MAX_SAFE_INTEGER + 1 is exact too).
_EXACT_INT_LIMIT = 2**53

# Property keys that JavaScript orders first, ascending: canonical integers below 2**32 - 1.
_MAX_ARRAY_INDEX = 2**32 - 2

# The characters String.prototype.trim() removes: WhiteSpace and LineTerminator in ECMAScript.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def js_type_of(value: Any) -> str:
    """Return the type name Segment's ``realTypeOf`` gives, as used in its error messages.

    The names are ``object``, ``array``, ``string``, ``number``, ``boolean``, ``null`` and
    ``undefined`` (for ``MISSING``). Any other Python object gets its lower-case class name.
    """
    kind = type(value)
    if kind is dict:
        return "object"
    if kind is str:
        return "string"
    if kind is list:
        return "array"
    if kind is bool:
        return "boolean"
    if kind is int or kind is float:
        return "number"
    if value is None:
        return "null"
    if value is MISSING:
        return "undefined"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    # Not a JSON value (a YAML date, say): name its class, as realTypeOf names a JavaScript Date "date".
    return type(value).__name__.lower()


def js_truthy(value: Any) -> bool:
    """Apply JavaScript truthiness: only ``false``, ``0``, ``NaN``, ``''``, ``null`` and ``undefined`` are falsy.

    Unlike Python, an empty ``{}`` or ``[]`` is truthy.
    """
    if value is None or value is MISSING or value is False:
        return False
    kind = type(value)
    if kind is str:
        return value != ""
    if kind is int or kind is float:
        return value != 0 and value == value
    return True


def js_number_to_string(number: int | float) -> str:
    """Format a number as JavaScript's ``Number.prototype.toString()`` does.

    Integral values print without ``.0``, magnitudes from 1e21 up and below 1e-6 use exponent
    form (``1e+21``, ``1e-7``), and ``-0`` prints as ``0``. Python integers beyond 2**53 are
    rounded to the nearest double first, because that is the value JavaScript would hold.
    """
    if type(number) is int and -_EXACT_INT_LIMIT <= number <= _EXACT_INT_LIMIT:
        return str(number)
    try:
        value = float(number)
    except OverflowError:
        return "Infinity" if number > 0 else "-Infinity"
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"

    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits

    exponent = point - 1
    exponent_text = ("e+" if exponent >= 0 else "e-") + str(abs(exponent))
    if count == 1:
        return sign + digits + exponent_text
    return sign + digits[0] + "." + digits[1:] + exponent_text


def _shortest_digits(value: float) -> tuple[str, int]:
    """Split a positive finite float into its shortest round-trip digits and decimal point position.

    The result ``(digits, point)`` means ``0.<digits> * 10**point``. ``repr`` already yields the
    shortest digit string that reads back to the same double, as ECMAScript requires.
    """
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    significant = digits.lstrip("0")
    point -= len(digits) - len(significant)
    return significant.rstrip("0"), point


def js_string(value: Any) -> str:
    """Convert a value to text as JavaScript's ``String()`` does.

    Arrays join their items with ``,`` and write ``null`` and ``undefined`` items as empty text,
    and objects become ``[object Object]``.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return js_number_to_string(value)
    if value is None:
        return "null"
    if value is MISSING:
        return "undefined"
    if kind is list or isinstance(value, (list, tuple)):
        return ",".join("" if item is None or item is MISSING else js_string(item) for item in value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (int, float)):
        return js_number_to_string(value)
    return "[object Object]"


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


def is_array_index(key: str) -> bool:
    """Tell whether a property key is an array index, i.e. a canonical integer below 2**32 - 1."""
    if not key or not key.isascii() or not key.isdigit():
        return False
    if key[0] == "0":
        return key == "0"
    return int(key) <= _MAX_ARRAY_INDEX


def js_keys(obj: dict) -> list:
    """List a dict's keys in JavaScript property order: array indexes ascending, then the rest in insertion order."""
    keys = list(obj)
    indexes = [key for key in keys if type(key) is str and key[:1].isdigit() and is_array_index(key)]
    if not indexes:
        return keys
    indexes.sort(key=int)
    index_set = set(indexes)
    return indexes + [key for key in keys if key not in index_set]


def js_key_order(obj: dict) -> dict:
    """Return the dict with its keys in JavaScript property order (the same object if already ordered)."""
    keys = js_keys(obj)
    if keys == list(obj):
        return obj
    return {key: obj[key] for key in keys}


def js_length(text: str) -> int:
    """Return JavaScript's ``text.length``: the number of UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def js_code_units(text: str) -> list[str]:
    """Split text into UTF-16 code units, as JavaScript indexing and spreading see it.

    A character outside the Basic Multilingual Plane becomes two lone surrogates.
    """
    if text.isascii() or not _ASTRAL.search(text):
        return list(text)
    encoded = text.encode("utf-16-le", "surrogatepass")
    return [encoded[i : i + 2].decode("utf-16-le", "surrogatepass") for i in range(0, len(encoded), 2)]


def js_code_unit_at(text: str, index: int) -> Any:
    """Return ``text[index]`` as JavaScript reads it (one UTF-16 code unit), or ``MISSING`` past the end."""
    if text.isascii() or not _ASTRAL.search(text):
        return text[index] if index < len(text) else MISSING
    units = js_code_units(text)
    return units[index] if index < len(units) else MISSING


def js_trim(text: str) -> str:
    """Strip the whitespace that JavaScript's ``String.prototype.trim()`` strips."""
    return text.strip(JS_WHITESPACE)


# --- JSON.stringify -------------------------------------------------------------------------

_JSON_ESCAPE = re.compile('[\\x00-\\x1f"\\\\\ud800-\udfff]')
_JSON_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_escape_char(match: re.Match) -> str:
    char = match.group()
    return _JSON_SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _json_quote(text: str) -> str:
    # Lone surrogates are escaped as JSON.stringify does since ES2019; non-ASCII and "/" are not.
    return '"' + _JSON_ESCAPE.sub(_json_escape_char, text) + '"'


def js_json_stringify(value: Any) -> Any:
    """Serialise a value as JavaScript's ``JSON.stringify(value)`` with no indentation.

    Object keys come in JavaScript order, keys whose value is ``MISSING`` are left out, ``MISSING``
    array items become ``null``, ``NaN`` and infinities become ``null``, and numbers use
    JavaScript formatting. Returns ``MISSING`` for a ``MISSING`` value, as ``JSON.stringify``
    returns ``undefined``.
    """
    if value is MISSING:
        return MISSING
    parts: list[str] = []
    _json_encode(value, parts)
    return "".join(parts)


def _json_encode(value: Any, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        parts.append(_json_quote(value))
    elif value is None or value is MISSING:
        parts.append("null")
    elif kind is bool:
        parts.append("true" if value else "false")
    elif kind is int or kind is float:
        parts.append(_json_number(value))
    elif isinstance(value, dict):
        parts.append("{")
        first = True
        for key in js_keys(value):
            item = value[key]
            if item is MISSING:
                continue
            if not first:
                parts.append(",")
            first = False
            parts.append(_json_quote(key if type(key) is str else js_string(key)))
            parts.append(":")
            _json_encode(item, parts)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for position, item in enumerate(value):
            if position:
                parts.append(",")
            _json_encode(item, parts)
        parts.append("]")
    elif isinstance(value, str):
        parts.append(_json_quote(str(value)))
    elif isinstance(value, (int, float)):
        parts.append(_json_number(value))
    else:
        raise TypeError(f"cannot encode a {type(value).__name__} value as JSON")


def _json_number(number: int | float) -> str:
    if type(number) is float and not math.isfinite(number):
        return "null"
    text = js_number_to_string(number)
    return "null" if text in ("Infinity", "-Infinity") else text


# --- JSON.parse -----------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON.parse rejects them.
    raise ValueError(f"invalid JSON constant {name}")


def _js_int(text: str) -> int | float:
    number = int(text)
    if -_EXACT_INT_LIMIT <= number <= _EXACT_INT_LIMIT:
        return number
    return float(text)


def _js_float(text: str) -> int | float:
    # JavaScript has one number type, so 1.0 is the integer 1 and prints as "1".
    number = float(text)
    if number.is_integer() and -_EXACT_INT_LIMIT <= number <= _EXACT_INT_LIMIT:
        return int(number)
    return number


def _js_object(pairs: list[tuple[str, Any]]) -> dict:
    return js_key_order(dict(pairs))


_JSON_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant,
    parse_int=_js_int,
    parse_float=_js_float,
    object_pairs_hook=_js_object,
)


def js_json_parse(text: str) -> Any:
    """Parse text as JavaScript's ``JSON.parse`` does; raise ``ValueError`` where it throws.

    Numbers become ``int`` when they are integral and exact as a double, and ``float`` otherwise.
    """
    return _JSON_DECODER.decode(text)


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
