"""Number, currency and rating values.

The ``public`` style turns numeric strings into numbers. The ``segment`` style accepts them only
for currency, the one numeric type for which Attio documents that it parses strings.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from attio_cli.values.base import InvalidValue, describe, render, unwrap
from attio_cli.schema import Attribute

# A decimal number as JSON writes it, with an optional sign, fraction and exponent; no "NaN",
# "Infinity", hexadecimal or digit separators.
_NUMERIC_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_TEXT = re.compile(r"[+-]?\d+")

# Attio keeps at most four decimal places of a number or currency value.
MAX_DECIMALS = 4
_CURRENCY_KEYS = frozenset(("currency_value", "currency_code"))
_MAX_RATING = 5


def decimal_places(number: int | float) -> int:
    """Count the decimal places in the shortest text that reads back as ``number``."""
    if type(number) is int or number.is_integer():
        return 0
    exponent = Decimal(repr(number)).as_tuple().exponent
    return -exponent if exponent < 0 else 0


def _parse_number(text: str) -> int | float | None:
    """Return the number a numeric string stands for, or ``None``; integers stay exact."""
    if _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if _NUMERIC_TEXT.fullmatch(text):
        number = float(text)
        return number if math.isfinite(number) else None
    return None


def _finite(number: int | float, value: Any) -> int | float:
    if type(number) is float and not math.isfinite(number):
        raise InvalidValue(f"{render(value)} is not a finite number")
    if type(number) is int and abs(number) > 1.7976931348623157e308:
        raise InvalidValue(f"{render(value)} is too large for a 64-bit floating-point number")
    return number


def check_number(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    number = unwrap(item, "value")
    kind = type(number)
    if kind is str and public:
        parsed = _parse_number(number.strip())
        if parsed is None:
            raise InvalidValue(f"{render(number)} is not a valid number")
        number = parsed
    elif kind is not int and kind is not float:
        hint = "; the public style converts numeric strings" if kind is str else ""
        raise InvalidValue(f"expected a number but got {describe(number)}{hint}")

    number = _finite(number, number)
    if type(number) is float and decimal_places(number) > MAX_DECIMALS:
        warnings.append(f"{render(number)} has more than {MAX_DECIMALS} decimal places, which Attio may round away")
    return number


def _currency_number(amount: Any, public: bool) -> int | float:
    kind = type(amount)
    if kind is int or kind is float:
        number = _finite(amount, amount)
        places = decimal_places(number)
    elif kind is str:
        text = amount.strip() if public else amount
        number = _parse_number(text)
        if number is None:
            raise InvalidValue(f"{render(amount)} is not a valid currency amount; expected a number such as 4.99")
        # Trailing zeros do not count: "4.9900" is 4.99.
        places = max(0, -Decimal(text).normalize().as_tuple().exponent)
    else:
        raise InvalidValue(f"expected a currency amount such as 4.99 but got {describe(amount)}")

    if places > MAX_DECIMALS:
        raise InvalidValue(
            f"{render(amount)} has {places} decimal places, but Attio accepts at most {MAX_DECIMALS} "
            "for a currency amount; round it in the mapping"
        )
    return number


def check_currency(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    if type(item) is not dict:
        return _currency_number(item, public)

    for key in item:
        if key not in _CURRENCY_KEYS:
            raise InvalidValue(f"unknown key {render(key)} in {render(item)}; the object form is {{\"currency_value\": 4.99}}")
    if "currency_value" not in item:
        raise InvalidValue(f"{render(item)} has no \"currency_value\"")

    code = item.get("currency_code")
    if code is not None:
        # Attio takes the currency from the attribute's configuration; a different code would
        # silently store the amount in the wrong currency.
        if spec.currency_code is None:
            warnings.append(
                f"the currency code {render(code)} cannot be written and is not checked, because "
                "the attribute's currency is not known; Attio uses the attribute's default currency"
            )
        elif type(code) is not str or code.upper() != spec.currency_code.upper():
            raise InvalidValue(
                f"the currency code {render(code)} differs from the attribute's currency "
                f"{render(spec.currency_code)}, and Attio cannot store another currency; "
                "convert the amount or remove \"currency_code\""
            )

    return _currency_number(item["currency_value"], public)


def check_rating(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    rating = unwrap(item, "value")
    kind = type(rating)
    if kind is str and public:
        text = rating.strip()
        rating = int(text) if text.isdigit() and text.isascii() else rating
        kind = type(rating)

    if kind is int or (kind is float and rating.is_integer()):
        if 0 <= rating <= _MAX_RATING:
            return int(rating)
        raise InvalidValue(f"{render(rating)} is not a valid rating; use a whole number from 0 to {_MAX_RATING}")

    hint = "; the public style converts numeric strings" if kind is str and not public else ""
    raise InvalidValue(f"expected a whole number from 0 to {_MAX_RATING} but got {describe(rating)}{hint}")
