"""An approximation of V8's `Date.parse`, used only to decide whether a string is a valid date.

Segment's `date-like` format falls back to `new Date(s)` for strings that
dayjs does not parse itself, and V8 (Node 20) accepts far more than ISO 8601.
This module follows the structure of V8's date parser (src/date/dateparser):

1. The string is split into tokens: numbers, words, the symbols `: - + . )`,
   runs of whitespace, and anything else. Text in parentheses is skipped.
2. An ES5 ISO prefix (`[+-yy]yyyy[-MM[-DD]][THH:mm[:ss[.s+]][Z|±hh:mm|±hhmm]]`)
   is read first. Once a `T` has been read, any deviation makes the date invalid.
3. The remaining tokens go through the permissive legacy parser. Numbers
   followed by `:` are time parts and other numbers are day parts. Month names
   are recognised by their first three letters. `am`/`pm`, `UT`/`UTC`/`GMT`/`Z`
   and the US zone abbreviations are read as such, and other words are allowed
   only before the first number.
4. The day parts are read as Y-M-D when the first is not a valid day (1-31),
   otherwise as M-D-Y. A missing year is 1, read as 2001 like V8 does; years
   0-49 and 50-99 become 2000-2049 and 1950-1999.
5. The result must lie within ±8.64e15 ms of the epoch.

NOTE: the result is approximate. Local time is taken as UTC (Segment's vectors
ran with TZ=UTC), and V8 internals not visible from JavaScript, such as how it
rounds oversized numerals, are simplified.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from attio_cli.jsvalues import JS_WHITESPACE

_MAX_TIME_MS = 8.64e15
_MS_PER_DAY = 86_400_000
# V8 keeps the first nine significant digits of a numeral and skips the rest.
_MAX_SIGNIFICANT_DIGITS = 9

# Token kinds.
_NUMBER = 0
_SYMBOL = 1
_WORD = 2
_WHITESPACE = 3
_UNKNOWN = 4
_END = 5

# Word kinds.
_MONTH_NAME = "month"
_AM_PM = "am_pm"
_TIME_ZONE_NAME = "zone"
_TIME_SEPARATOR = "t"
_OTHER_WORD = "other"

_MONTH_PREFIXES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Words of at most three letters must match exactly. A longer word counts only
# as a month name, by its first three letters ("January", but also "Mayday").
_SHORT_WORDS: dict[str, tuple[str, int]] = {
    **{prefix: (_MONTH_NAME, number) for number, prefix in enumerate(_MONTH_PREFIXES, start=1)},
    "am": (_AM_PM, 0),
    "pm": (_AM_PM, 12),
    "ut": (_TIME_ZONE_NAME, 0),
    "utc": (_TIME_ZONE_NAME, 0),
    "z": (_TIME_ZONE_NAME, 0),
    "gmt": (_TIME_ZONE_NAME, 0),
    "cdt": (_TIME_ZONE_NAME, -5),
    "cst": (_TIME_ZONE_NAME, -6),
    "edt": (_TIME_ZONE_NAME, -4),
    "est": (_TIME_ZONE_NAME, -5),
    "mdt": (_TIME_ZONE_NAME, -6),
    "mst": (_TIME_ZONE_NAME, -7),
    "pdt": (_TIME_ZONE_NAME, -7),
    "pst": (_TIME_ZONE_NAME, -8),
    "t": (_TIME_SEPARATOR, 0),
}


class _Token(NamedTuple):
    kind: int
    value: int | str = 0  # a number's value, a symbol's character, or a word's kind
    length: int = 0  # characters in a number or word
    word_value: int = 0  # month number, hour offset or zone offset of a word


_END_TOKEN = _Token(_END)


def _is_whitespace(char: str) -> bool:
    return char in JS_WHITESPACE


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    size = len(text)
    while index < size:
        char = text[index]
        start = index

        if "0" <= char <= "9":
            while index < size and "0" <= text[index] <= "9":
                index += 1
            numeral = text[start:index].lstrip("0")
            value = int(numeral[:_MAX_SIGNIFICANT_DIGITS]) if numeral else 0
            tokens.append(_Token(_NUMBER, value, index - start))
        elif char in ":-+.)":
            tokens.append(_Token(_SYMBOL, char))
            index += 1
        elif char >= "A" and not _is_whitespace(char):
            # V8 reads every character from "A" upwards as part of a word,
            # including "_", "[" and all non-ASCII letters.
            while index < size and text[index] >= "A" and not _is_whitespace(text[index]):
                index += 1
            tokens.append(_classify_word(text[start:index]))
        elif _is_whitespace(char):
            while index < size and _is_whitespace(text[index]):
                index += 1
            tokens.append(_Token(_WHITESPACE))
        elif char == "(":
            depth = 0
            while True:
                if text[index] == ")":
                    depth -= 1
                elif text[index] == "(":
                    depth += 1
                index += 1
                if depth <= 0 or index >= size:
                    break
            tokens.append(_Token(_UNKNOWN))
        else:
            tokens.append(_Token(_UNKNOWN, char))
            index += 1

    tokens.append(_END_TOKEN)
    return tokens


def _classify_word(word: str) -> _Token:
    prefix = word[:3]
    # Only ASCII letters fold to lower case, because no other character can match a keyword.
    if prefix.isascii():
        prefix = prefix.lower()
    entry = _SHORT_WORDS.get(prefix)
    if entry is not None and (len(word) <= 3 or entry[0] == _MONTH_NAME):
        return _Token(_WORD, entry[0], len(word), entry[1])
    return _Token(_WORD, _OTHER_WORD, len(word))


def _is_month(n: int) -> bool:
    return 1 <= n <= 12


def _is_day(n: int) -> bool:
    return 1 <= n <= 31


def _is_hour(n: int) -> bool:
    return 0 <= n <= 23


def _is_minute(n: int) -> bool:
    return 0 <= n <= 59


def _is_second(n: int) -> bool:
    return 0 <= n <= 59


def _is_millisecond(n: int) -> bool:
    return 0 <= n <= 999


class _Day:
    """Up to three numeric date parts, plus a month given by name."""

    def __init__(self) -> None:
        self.parts: list[int] = []
        self.named_month: int | None = None
        self.is_iso = False

    def add(self, n: int) -> bool:
        if len(self.parts) >= 3:
            return False
        self.parts.append(n)
        return True

    def resolve(self) -> tuple[int, int, int] | None:
        """Return (year, month, day) or None when the parts are not a date."""
        if not self.parts:
            return None
        first, second, third = (self.parts + [1, 1])[:3]

        if self.named_month is None:
            if self.is_iso or not _is_day(first):
                year, month, day = first, second, third
            else:
                month, day, year = first, second, third
        else:
            month = self.named_month
            if not _is_day(first):
                year, day = first, second
            else:
                day, year = first, second

        if not self.is_iso:
            if 0 <= year <= 49:
                year += 2000
            elif 50 <= year <= 99:
                year += 1900

        if not _is_month(month) or not _is_day(day):
            return None
        return year, month, day


class _Time:
    """Hour, minute, second and millisecond, filled in order."""

    def __init__(self) -> None:
        self.parts: list[int] = []
        self.hour_offset: int | None = None

    def is_empty(self) -> bool:
        return not self.parts

    def add(self, n: int) -> bool:
        if len(self.parts) >= 4:
            return False
        self.parts.append(n)
        return True

    def add_final(self, n: int) -> None:
        if self.add(n):
            self.parts.extend([0] * (4 - len(self.parts)))

    def is_expecting(self, n: int) -> bool:
        filled = len(self.parts)
        return (
            (filled == 1 and _is_minute(n))
            or (filled == 2 and _is_second(n))
            or (filled == 3 and _is_millisecond(n))
        )

    def milliseconds(self) -> int | None:
        """Return the time of day in ms, or None when a part is out of range."""
        hour, minute, second, millisecond = (self.parts + [0, 0, 0, 0])[:4]
        if self.hour_offset is not None:
            if not 0 <= hour <= 12:
                return None
            hour = hour % 12 + self.hour_offset

        in_range = _is_hour(hour) and _is_minute(minute) and _is_second(second) and _is_millisecond(millisecond)
        # 24:00:00.000 is the end of the day.
        if not in_range and (hour, minute, second, millisecond) != (24, 0, 0, 0):
            return None
        return ((hour * 60 + minute) * 60 + second) * 1000 + millisecond


class _Zone:
    """UTC offset; `hour is None` means local time."""

    def __init__(self) -> None:
        self.sign: int | None = None
        self.hour: int | None = None
        self.minute: int | None = None

    def set_offset_hours(self, offset: int) -> None:
        self.sign = -1 if offset < 0 else 1
        self.hour = abs(offset)
        self.minute = 0

    def is_empty(self) -> bool:
        return self.hour is None

    def is_utc(self) -> bool:
        return self.hour == 0 and self.minute == 0

    def is_expecting(self, n: int) -> bool:
        return self.hour is not None and self.minute is None and _is_minute(n)

    def offset_ms(self) -> int:
        if self.sign is None:
            return 0  # local time, taken as UTC
        return self.sign * ((self.hour or 0) * 3600 + (self.minute or 0) * 60) * 1000


class _Scanner:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> _Token:
        return self.tokens[self.position]

    def next(self) -> _Token:
        token = self.tokens[self.position]
        if token.kind != _END:
            self.position += 1
        return token

    def skip_symbol(self, symbol: str) -> bool:
        token = self.tokens[self.position]
        if token.kind == _SYMBOL and token.value == symbol:
            self.position += 1
            return True
        return False

    def peek_is_number(self, length: int | None = None) -> bool:
        token = self.tokens[self.position]
        return token.kind == _NUMBER and (length is None or token.length == length)

    def peek_is_sign(self) -> bool:
        token = self.tokens[self.position]
        return token.kind == _SYMBOL and token.value in "+-"

    def peek_is_zulu(self) -> bool:
        token = self.tokens[self.position]
        return token.kind == _WORD and token.value == _TIME_ZONE_NAME and token.length == 1


# Marks an ES5 string that went wrong after its `T`: no legacy fallback then.
_INVALID = -1


def _parse_iso_prefix(scanner: _Scanner, day: _Day, time: _Time, zone: _Zone) -> int:
    """Read the ES5 ISO part; return the index of the first token left for the legacy parser.

    Returns len(tokens) - 1 (the end token) when the whole string was ISO, and
    _INVALID when the string cannot be a date at all.
    """
    end_index = len(scanner.tokens) - 1

    # Date: [+-]yyyyyy or yyyy, then optional -MM and -DD.
    if scanner.peek_is_sign():
        sign_index = scanner.position
        sign = -1 if scanner.next().value == "-" else 1
        if not scanner.peek_is_number(6):
            return sign_index
        year = int(scanner.next().value)
        if sign < 0 and year == 0:
            return sign_index
        day.add(sign * year)
    elif scanner.peek_is_number(4):
        day.add(int(scanner.next().value))
    else:
        return scanner.position

    if scanner.skip_symbol("-"):
        if not (scanner.peek_is_number(2) and _is_month(int(scanner.peek().value))):
            return scanner.position
        day.add(int(scanner.next().value))
        if scanner.skip_symbol("-"):
            if not (scanner.peek_is_number(2) and _is_day(int(scanner.peek().value))):
                return scanner.position
            day.add(int(scanner.next().value))

    token = scanner.peek()
    if not (token.kind == _WORD and token.value == _TIME_SEPARATOR):
        if token.kind != _END:
            return scanner.position
    elif not _parse_iso_time(scanner, time, zone):
        return _INVALID

    if zone.is_empty() and time.is_empty():
        zone.set_offset_hours(0)  # a date-only ISO string is UTC
    day.is_iso = True
    return end_index


def _parse_iso_time(scanner: _Scanner, time: _Time, zone: _Zone) -> bool:
    """Read `THH:mm[:ss[.s+]]` and an optional zone; False means invalid."""
    scanner.next()  # the "T"

    if not (scanner.peek_is_number(2) and 0 <= int(scanner.peek().value) <= 24):
        return False
    hour = int(scanner.next().value)
    hour_is_24 = hour == 24
    time.add(hour)

    if not scanner.skip_symbol(":"):
        return False
    if not _read_iso_minute_or_second(scanner, time, hour_is_24):
        return False

    if scanner.skip_symbol(":"):
        if not _read_iso_minute_or_second(scanner, time, hour_is_24):
            return False
        if scanner.skip_symbol("."):
            if not scanner.peek_is_number() or (hour_is_24 and int(scanner.peek().value) > 0):
                return False
            scanner.next()
            time.add(0)  # any number of fraction digits is accepted

    if scanner.peek_is_zulu():
        scanner.next()
        zone.set_offset_hours(0)
    elif scanner.peek_is_sign():
        zone.sign = -1 if scanner.next().value == "-" else 1
        if scanner.peek_is_number(4):
            hours_minutes = int(scanner.next().value)
            if not (_is_hour(hours_minutes // 100) and _is_minute(hours_minutes % 100)):
                return False
            zone.hour, zone.minute = divmod(hours_minutes, 100)
        else:
            if not (scanner.peek_is_number(2) and _is_hour(int(scanner.peek().value))):
                return False
            zone.hour = int(scanner.next().value)
            if not scanner.skip_symbol(":"):
                return False
            if not (scanner.peek_is_number(2) and _is_minute(int(scanner.peek().value))):
                return False
            zone.minute = int(scanner.next().value)

    return scanner.peek().kind == _END


def _read_iso_minute_or_second(scanner: _Scanner, time: _Time, hour_is_24: bool) -> bool:
    # Minutes and seconds share the range 00-59.
    if not (scanner.peek_is_number(2) and _is_minute(int(scanner.peek().value))):
        return False
    value = int(scanner.next().value)
    if hour_is_24 and value > 0:
        return False
    time.add(value)
    return True


def _parse_legacy(scanner: _Scanner, day: _Day, time: _Time, zone: _Zone) -> bool:
    """Read the tokens the ISO part left; False means the string is not a date."""
    has_read_number = bool(day.parts)

    while True:
        token = scanner.next()
        kind = token.kind
        if kind == _END:
            return True

        if kind == _NUMBER:
            has_read_number = True
            if not _read_legacy_number(scanner, int(token.value), day, time, zone):
                return False
        elif kind == _WORD:
            word_kind = token.value
            if word_kind == _AM_PM and not time.is_empty():
                time.hour_offset = token.word_value
            elif word_kind == _MONTH_NAME:
                day.named_month = token.word_value
                scanner.skip_symbol("-")
            elif word_kind == _TIME_ZONE_NAME and has_read_number:
                zone.set_offset_hours(token.word_value)
            else:
                # Unknown words may only come before the first number, and not
                # directly against it.
                if has_read_number or scanner.peek_is_number():
                    return False
        elif kind == _SYMBOL and token.value in "+-" and (zone.is_utc() or not time.is_empty()):
            has_read_number = True
            if not _read_legacy_offset(scanner, token, zone):
                return False
        elif kind == _SYMBOL and token.value in "+-)" and has_read_number:
            return False
        # Whitespace, other symbols and unknown characters are ignored.


def _read_legacy_number(scanner: _Scanner, n: int, day: _Day, time: _Time, zone: _Zone) -> bool:
    if scanner.skip_symbol(":"):
        if scanner.skip_symbol(":"):
            if not time.is_empty():
                return False
            time.add(n)
            time.add(0)
        else:
            if not time.add(n):
                return False
            scanner.skip_symbol(".")
        return True

    # V8 consumes a "." here even when the number does not turn out to be a time part.
    if scanner.skip_symbol(".") and time.is_expecting(n):
        time.add(n)
        if not scanner.peek_is_number():
            return False
        scanner.next()
        time.add_final(0)
        return True

    if zone.is_expecting(n):
        zone.minute = n
        return True

    if time.is_expecting(n):
        time.add_final(n)
        follower = scanner.peek()
        return (
            follower.kind in (_END, _WHITESPACE)
            or scanner.peek_is_zulu()
            or scanner.peek_is_sign()
        )

    if not day.add(n):
        return False
    scanner.skip_symbol("-")
    return True


def _read_legacy_offset(scanner: _Scanner, sign_token: _Token, zone: _Zone) -> bool:
    """Read a `+hh`, `+hhmm` or `+hh:` offset that follows a time or a UTC word."""
    zone.sign = -1 if sign_token.value == "-" else 1
    value = 0
    length = 0
    if scanner.peek_is_number():
        number = scanner.next()
        value = int(number.value)
        length = number.length

    token = scanner.peek()
    if token.kind == _SYMBOL and token.value == ":":
        zone.hour = value
        zone.minute = None
    elif length in (1, 2):
        zone.hour = value
        zone.minute = 0
    elif length in (3, 4):
        zone.hour, zone.minute = divmod(value, 100)
    else:
        return False
    return True


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date; `day` may exceed the month."""
    shifted_year = year - (month <= 2)
    era = shifted_year // 400
    year_of_era = shifted_year - era * 400
    shifted_month = (month + 9) % 12
    day_of_year = (153 * shifted_month + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


# Complete ES5 ISO date-times with a four-digit year and every part in range:
# the common case, always valid, so the tokenizer is skipped for them.
_PLAIN_ISO_DATE_TIME = re.compile(
    r"""
    [0-9]{4} (?: -(?:0[1-9]|1[0-2]) (?: -(?:0[1-9]|[12][0-9]|3[01]) )? )?
    [Tt] (?:[01][0-9]|2[0-3]) : [0-5][0-9] (?: : [0-5][0-9] (?: \.[0-9]+ )? )?
    (?: [Zz] | [+-] (?:[01][0-9]|2[0-3]) :? [0-5][0-9] )?
    """,
    re.VERBOSE,
)


def is_valid_v8_date(text: str) -> bool:
    """Return whether `new Date(text)` would be a valid date in Node 20 with TZ=UTC (approximate)."""
    if _PLAIN_ISO_DATE_TIME.fullmatch(text):
        return True

    scanner = _Scanner(_tokenize(text))
    day = _Day()
    time = _Time()
    zone = _Zone()

    start = _parse_iso_prefix(scanner, day, time, zone)
    if start == _INVALID:
        return False
    scanner.position = start
    if not _parse_legacy(scanner, day, time, zone):
        return False

    date = day.resolve()
    time_ms = time.milliseconds()
    if date is None or time_ms is None:
        return False

    timestamp = _days_from_civil(*date) * _MS_PER_DAY + time_ms - zone.offset_ms()
    return abs(timestamp) <= _MAX_TIME_MS
