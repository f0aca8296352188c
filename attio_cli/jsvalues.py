"""JavaScript value semantics shared by the mapping-kit port, the trigger language and payload validation.

Segment runs all three on Node, so text conversion, number parsing, truthiness, property access,
``JSON.stringify`` and object key order follow ECMAScript rules. The functions here reproduce
those rules for JSON-like Python values (``dict``, ``list``, ``str``, ``int``, ``float``,
``bool``, ``None``) plus ``MISSING`` for ``undefined``.

JavaScript has one number type, the IEEE double. A Python ``int`` stands for the double with the
same value, so integers beyond 2**53 are rounded as ``JSON.parse`` would round them.

JavaScript strings are sequences of UTF-16 code units, so ``length`` and indexing count a
character outside the Basic Multilingual Plane as two.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final

# --- undefined ------------------------------------------------------------------------------


class _MissingType:
    """Type of ``MISSING``, JavaScript's ``undefined``: an absent value, as distinct from JSON ``null``."""

    __slots__ = ()

    def __new__(cls) -> _MissingType:
        # Code compares with ``is``, so a second instance would silently read as a present value.
        raise TypeError("MISSING is the only instance of its type")

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    # Copies and unpickled values must stay the singleton, because code compares with ``is``.
    def __copy__(self) -> _MissingType:
        return self

    def __deepcopy__(self, memo: dict) -> _MissingType:
        return self

    def __reduce__(self) -> str:
        return "MISSING"


# The one stand-in for ``undefined`` in the program. ``None`` already means ``null``. Like
# ``undefined``, it is falsy.
MISSING: Final = object.__new__(_MissingType)

# Largest integer that a JavaScript number represents exactly (Number.MAX_SAFE_INTEGER + 1 is exact too).
_EXACT_INT_LIMIT = 2**53

# Property keys that JavaScript orders first, ascending: canonical integers below 2**32 - 1.
_MAX_ARRAY_INDEX = 2**32 - 2

# The characters String.prototype.trim() removes and Number() ignores around a number:
# WhiteSpace and LineTerminator in ECMAScript. Python's str.isspace() differs, because it
# accepts U+001C..U+001F and U+0085 and rejects U+FEFF.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


# --- typeof, truthiness and String() --------------------------------------------------------


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


# --- numbers --------------------------------------------------------------------------------


def to_double(value: int | float) -> float:
    """Convert a JSON number to the IEEE double that JavaScript's ``JSON.parse`` would produce.

    An integer too large for a double becomes an infinity, as it does in JavaScript.
    """
    if type(value) is float:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number_value(number: float) -> int | float:
    """Return a double in the Python type that prints and serialises like the JavaScript number.

    JavaScript writes an integral double without a fraction ("12", not "12.0"), so integral values
    up to 2**53 become ``int``. This also turns ``-0`` into ``0``, which ``JSON.stringify`` writes
    as "0". Larger or fractional values, NaN and the infinities stay ``float``.
    """
    if math.isfinite(number) and number.is_integer() and -_EXACT_INT_LIMIT <= number <= _EXACT_INT_LIMIT:
        return int(number)
    return number


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


# StrDecimalLiteral of ECMAScript's StringToNumber, after trimming. JavaScript digits are ASCII
# only, so [0-9] and not \d, which would also accept "١٢".
_DECIMAL_LITERAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
# NonDecimalIntegerLiteral: hexadecimal, octal and binary, without a sign.
_RADIX_LITERAL = re.compile(r"0(?:[xX](?P<hex>[0-9a-fA-F]+)|[oO](?P<oct>[0-7]+)|[bB](?P<bin>[01]+))")


def js_string_to_number(text: str) -> float:
    """Convert text to a double as JavaScript's ``Number(text)`` does, giving NaN for text that is not numeric.

    Surrounding JavaScript whitespace is ignored and empty text is 0. ``'0x10'`` is 16, while
    ``'1_000'``, ``'inf'`` and ``'-0x10'`` are NaN. Digits that overflow a double give an infinity.
    """
    stripped = text.strip(JS_WHITESPACE)
    if not stripped:
        return 0.0

    if _DECIMAL_LITERAL.fullmatch(stripped):
        return float(stripped)

    match = _RADIX_LITERAL.fullmatch(stripped)
    if match:
        if match["hex"] is not None:
            return to_double(int(match["hex"], 16))
        if match["oct"] is not None:
            return to_double(int(match["oct"], 8))
        return to_double(int(match["bin"], 2))

    return math.nan


def js_to_number(value: Any) -> float:
    """Convert a value to a double as JavaScript's ``Number(value)`` does."""
    kind = type(value)
    if kind is int or kind is float:
        return to_double(value)
    if value is True:
        return 1.0
    if value is False or value is None:
        return 0.0
    if kind is str:
        return js_string_to_number(value)
    if isinstance(value, list):
        # Number([]) is 0 and Number([x]) is Number(String(x)); longer arrays are NaN.
        return js_string_to_number(js_string(value)) if len(value) <= 1 else math.nan
    return math.nan


# --- strings as UTF-16 ----------------------------------------------------------------------


def js_trim(text: str) -> str:
    """Strip the whitespace that JavaScript's ``String.prototype.trim()`` strips."""
    return text.strip(JS_WHITESPACE)


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


# --- property keys --------------------------------------------------------------------------


def is_array_index(key: str) -> bool:
    """Tell whether a property key is an array index, i.e. a canonical integer below 2**32 - 1."""
    if not key or not key.isascii() or not key.isdigit():
        return False
    if key[0] == "0":
        return key == "0"
    return int(key) <= _MAX_ARRAY_INDEX


def array_index(key: str) -> int | None:
    """Return the index that ``key`` names on a JavaScript array or string, or ``None`` if it names none."""
    return int(key) if is_array_index(key) else None


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


# --- property access: `prev && prev[key]` ---------------------------------------------------
# Segment's mapping-kit `get` and its subscription `validate` both walk a path with this step.
# Only JSON-visible keys exist here, so prototype members such as `constructor` read as MISSING.


def js_property_step(obj: Any, key: str, index: int | None) -> Any:
    """Evaluate JavaScript's ``obj && obj[key]`` for any value.

    ``index`` is ``array_index(key)``, computed once when the path is compiled. A falsy ``obj``
    is the result as it is. A dict gives its own key, a list takes an index or ``length``, a
    string takes an index (one UTF-16 code unit) or ``length``, and any other value gives ``MISSING``.
    """
    kind = type(obj)
    if kind is dict:
        return obj.get(key, MISSING)
    if kind is list:
        if index is not None:
            return obj[index] if index < len(obj) else MISSING
        return len(obj) if key == "length" else MISSING
    if kind is str:
        if not obj:
            return obj
        if index is not None:
            return js_code_unit_at(obj, index)
        return js_length(obj) if key == "length" else MISSING
    if obj is None or obj is MISSING or obj is False:
        return obj
    if kind is int or kind is float:
        # 0 and NaN are falsy, so the walk stops on them; other numbers have no JSON keys.
        return obj if obj == 0 or obj != obj else MISSING
    if isinstance(obj, dict):
        return obj.get(key, MISSING)
    if isinstance(obj, (list, tuple)):
        return js_property_step(list(obj), key, index)
    if isinstance(obj, str):
        return js_property_step(str(obj), key, index)
    return MISSING


def compile_property_walk(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    """Compile ``keys.reduce((prev, key) => prev && prev[key], obj)`` into ``walk(obj)``.

    Array indexes are parsed once here, and the common paths of one to three keys are unrolled
    so that reading from nested dicts costs a type check and a ``dict.get`` per key.
    """
    steps = tuple((key, array_index(key)) for key in keys)
    if not steps:
        # Segment's reduce over no keys returns the object itself.
        return lambda obj: obj

    step = js_property_step
    if len(steps) == 1:
        ((key0, index0),) = steps

        def walk1(obj: Any) -> Any:
            if type(obj) is dict:
                return obj.get(key0, MISSING)
            return step(obj, key0, index0)

        return walk1

    if len(steps) == 2:
        (key0, index0), (key1, index1) = steps

        def walk2(obj: Any) -> Any:
            obj = obj.get(key0, MISSING) if type(obj) is dict else step(obj, key0, index0)
            if type(obj) is dict:
                return obj.get(key1, MISSING)
            return step(obj, key1, index1)

        return walk2

    if len(steps) == 3:
        (key0, index0), (key1, index1), (key2, index2) = steps

        def walk3(obj: Any) -> Any:
            obj = obj.get(key0, MISSING) if type(obj) is dict else step(obj, key0, index0)
            obj = obj.get(key1, MISSING) if type(obj) is dict else step(obj, key1, index1)
            if type(obj) is dict:
                return obj.get(key2, MISSING)
            return step(obj, key2, index2)

        return walk3

    def walk(obj: Any) -> Any:
        for key, index in steps:
            obj = obj.get(key, MISSING) if type(obj) is dict else step(obj, key, index)
        return obj

    return walk


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
    # JSON forbids leading zeros, so more than 16 digits is always beyond 2**53. Such text goes
    # straight to float, which also avoids int()'s limit of 4300 digits.
    if len(text) - text.startswith("-") > 16:
        return float(text)
    number = int(text)
    if -_EXACT_INT_LIMIT <= number <= _EXACT_INT_LIMIT:
        return number
    return float(number)


def _js_float(text: str) -> int | float:
    # JavaScript has one number type, so 1.0 is the integer 1 and prints as "1".
    return js_number_value(float(text))


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
