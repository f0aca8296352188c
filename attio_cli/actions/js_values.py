"""JavaScript conversions between numbers and strings, as ECMAScript defines them.

Segment's validation runs in Node. A number coerced to a string must read the
way JavaScript's `String(n)` writes it (`1e+21`, `0.000001`, `1e-7`). A string
coerced to a number must follow `Number(s)`: `' 12 '` is 12, `'0x10'` is 16,
and `'1_000'` and `'inf'` are NaN.
"""

from __future__ import annotations

import math
import re

# ECMAScript WhiteSpace and LineTerminator code points. Python's str.isspace()
# differs: it accepts U+001C..U+001F and U+0085 and rejects U+FEFF.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# StrDecimalLiteral of ECMAScript's StringToNumber, after trimming.
_DECIMAL_LITERAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
# NonDecimalIntegerLiteral: hexadecimal, octal and binary, without a sign.
_RADIX_LITERAL = re.compile(r"0(?:[xX](?P<hex>[0-9a-fA-F]+)|[oO](?P<oct>[0-7]+)|[bB](?P<bin>[01]+))")

# Integers up to 2**53 are exact doubles, so they print the same in both languages.
MAX_SAFE_INTEGER = 2**53


def js_string_to_number(text: str) -> float:
    """Convert `text` as JavaScript's `Number(text)` does; NaN when it is not numeric."""
    stripped = text.strip(JS_WHITESPACE)
    if not stripped:
        return 0.0

    if _DECIMAL_LITERAL.fullmatch(stripped):
        return float(stripped)

    match = _RADIX_LITERAL.fullmatch(stripped)
    if match:
        if match["hex"] is not None:
            return float(int(match["hex"], 16))
        if match["oct"] is not None:
            return float(int(match["oct"], 8))
        return float(int(match["bin"], 2))

    return math.nan


def js_number_to_string(value: int | float) -> str:
    """Format `value` as JavaScript's `String(value)` does (Number::toString, radix 10).

    A Python int above 2**53 is first rounded to a double, as `JSON.parse`
    would have done with the same digits.
    """
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return str(value)
        value = float(value)

    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"  # also for -0

    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    return sign + _layout_digits(digits, point)


def _shortest_digits(value: float) -> tuple[str, int]:
    """Split a positive finite double into its shortest round-trip digits and decimal exponent.

    Returns `(digits, n)` with value == 0.digits × 10**n, digits without leading
    or trailing zeros. Python's repr and JavaScript both print the shortest
    digit string that round-trips, so the digits agree.
    """
    mantissa, _, exponent_text = repr(value).partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    integer_part, _, fraction = mantissa.partition(".")
    digits = integer_part + fraction
    point = len(integer_part) + exponent

    significant = digits.lstrip("0")
    point -= len(digits) - len(significant)
    return significant.rstrip("0"), point


def _layout_digits(digits: str, point: int) -> str:
    """Place the decimal point or an exponent the way Number::toString does."""
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits

    exponent = point - 1
    exponent_text = f"e+{exponent}" if exponent >= 0 else f"e-{-exponent}"
    if count == 1:
        return digits + exponent_text
    return digits[0] + "." + digits[1:] + exponent_text


def js_number_value(value: float) -> int | float:
    """Return a coerced JavaScript number in the Python type that serialises like it.

    JSON.stringify writes an integral double without a fraction ("12", not
    "12.0"), so integral values up to 2**53 become ints (this also turns -0
    into 0, which JSON.stringify writes as "0"). Larger or fractional values and
    non-finite ones stay floats.
    """
    if math.isfinite(value) and value.is_integer() and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return int(value)
    return value
