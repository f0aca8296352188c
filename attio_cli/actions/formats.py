"""The string formats that Segment's payload validation checks: `email`, `date-like`, `text`.

`email` is ajv-formats 2.1.1 in "full" mode. `date-like` is Segment's own
format, built on dayjs 1.10.7 and the JavaScript `Date` parser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from attio_cli.actions.v8_date import is_valid_v8_date
from attio_cli.jsvalues import JS_WHITESPACE, js_number_to_string, js_string_to_number

# ajv-formats' full email pattern: dot-separated runs of RFC 5322 atom characters,
# "@", then one or more dot-terminated host labels and a final label. Labels are
# letters and digits with inner hyphens. Matching is case-insensitive for ASCII
# letters only (JavaScript's /i without /u), hence re.ASCII.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:{_HOST_LABEL}\.)+{_HOST_LABEL}",
    re.ASCII | re.IGNORECASE,
)

_WS = re.escape(JS_WHITESPACE)
# The strings dayjs 1.10.7 parses itself, all of them valid because month, day
# and time may overflow. They are four digits of year, then optional month,
# day, hours, minutes, seconds and fraction, with "-" or "/" in the date and
# "T" or whitespace before the time. dayjs skips this step for strings ending in "Z".
_DAYJS_FORMAT = re.compile(
    rf"""
    [0-9]{{4}}
    [-/]? (?:[0-9]{{1,2}})?
    [-/]? [0-9]{{0,2}}
    [Tt{_WS}]*
    (?:[0-9]{{1,2}})? :?
    (?:[0-9]{{1,2}})? :?
    (?:[0-9]{{1,2}})?
    [.:]? (?:[0-9]+)?
    """,
    re.VERBOSE,
)

# The strings that `String(Number(s))` can give back unchanged; only these
# need the round-trip check.
_NUMBER_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?|Infinity)|NaN")

# A JavaScript Date can represent at most 8.64e15 ms either side of the epoch.
_MAX_TIME_MS = 8.64e15


def is_valid_email(value: str) -> bool:
    """Return whether `value` passes ajv-formats' full `email` check; no trimming or lower-casing."""
    return _EMAIL.fullmatch(value) is not None


def is_date_like(value: str) -> bool:
    """Return whether `value` passes Segment's `date-like` format.

    A canonical number string (one that `String(Number(s))` reproduces, such as
    "1700000000", "-1" or "12.5") is read as Unix seconds and is valid when the
    result is a representable date. Other strings are valid when dayjs parses
    them, either with its own pattern (see _DAYJS_FORMAT) or through JavaScript's
    `new Date(s)`. The last step is an approximation of V8's parser.
    """
    if _NUMBER_TEXT.fullmatch(value):
        number = js_string_to_number(value)
        if js_number_to_string(number) == value:
            return math.isfinite(number) and abs(number * 1000) <= _MAX_TIME_MS

    if value[-1:] not in ("Z", "z") and _DAYJS_FORMAT.fullmatch(value):
        return True
    return is_valid_v8_date(value)


def _always_valid(value: str) -> bool:
    return True


# Format checkers by JSON Schema `format` name. `text` and `password` only
# decide how Segment's UI shows a field, so every string passes.
FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "email": is_valid_email,
    "date-like": is_date_like,
    "text": _always_valid,
    "password": _always_valid,
}

# The noun that Segment's error messages use for each format.
FORMAT_LABELS: dict[str, str] = {
    "email": "email address",
    "date-like": "date-like",
}
