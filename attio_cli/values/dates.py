"""Date and timestamp values in the ISO 8601 forms that Attio coerces.

Both types take ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and ``YYYY-MM-DDTHH:MM`` with optional
seconds, up to nine fraction digits and an offset (``Z``, ``±HH:MM``, ``±HHMM`` or ``±HH``).
Missing parts default to the first month, day and midnight, and a missing offset means UTC.
A date attribute keeps the calendar date in UTC, so ``2023-01-02T23:00:00-10:00`` becomes
``2023-01-03``. Both types end at 9999-12-31. Numbers (epoch seconds or milliseconds) are
rejected in both styles, because Attio documents only strings and the unit would be a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from attio_cli.values.base import InvalidValue, describe, render, unwrap
from attio_cli.schema import Attribute

_ISO = re.compile(
    r"""
    (?P<year>\d{4})
    (?:-(?P<month>\d{2})
      (?:-(?P<day>\d{2})
        (?:T(?P<hour>\d{2}):(?P<minute>\d{2})
          (?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?
          (?P<offset>Z|(?P<sign>[+-])(?P<offset_hours>\d{2})(?::?(?P<offset_minutes>\d{2}))?)?
        )?
      )?
    )?
    """,
    re.VERBOSE,
)
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_DATE_EXAMPLE = "expected an ISO 8601 date such as \"2023-01-02\""
_TIMESTAMP_EXAMPLE = "expected an ISO 8601 timestamp such as \"2023-01-02T13:00:00Z\""


def _parse(text: str, noun: str, example: str) -> tuple[datetime, str]:
    """Read an ISO 8601 string as a naive UTC datetime plus its fraction digits."""
    match = _ISO.fullmatch(text)
    if match is None:
        raise InvalidValue(f"{render(text)} is not a valid {noun}; {example}")

    parts = match.groupdict()
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
        )
    except ValueError:
        raise InvalidValue(f"{render(text)} is not a valid {noun}; {example}") from None

    if parts["sign"]:
        hours = int(parts["offset_hours"])
        minutes = int(parts["offset_minutes"] or 0)
        if hours > 23 or minutes > 59:
            raise InvalidValue(f"{render(text)} has an invalid UTC offset; {example}")
        offset = timedelta(hours=hours, minutes=minutes)
        try:
            moment = moment - offset if parts["sign"] == "+" else moment + offset
        except OverflowError:
            raise InvalidValue(f"{render(text)} is outside the years 1 to 9999 in UTC") from None

    return moment, parts["fraction"] or ""


def _text(item: Any, example: str) -> str:
    text = unwrap(item, "value")
    if type(text) is not str:
        raise InvalidValue(f"{example} but got {describe(text)}")
    return text


def check_date(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    text = _text(item, _DATE_EXAMPLE)

    # Fast path for plain dates, which need no offset arithmetic.
    if len(text) == 10 and _PLAIN_DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InvalidValue(f"{render(text)} is not a valid date; {_DATE_EXAMPLE}") from None
        return text

    moment, _ = _parse(text, "date", _DATE_EXAMPLE)
    return moment.date().isoformat() if public else item


def check_timestamp(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    text = _text(item, _TIMESTAMP_EXAMPLE)
    moment, fraction = _parse(text, "timestamp", _TIMESTAMP_EXAMPLE)
    if not public:
        return item
    # The offset is whole minutes, so the fraction digits carry over unchanged.
    if fraction:
        return f"{moment.isoformat()}.{fraction}Z"
    return f"{moment.isoformat()}Z"
