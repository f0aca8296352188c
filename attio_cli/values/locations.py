"""Location values: a free-text address, or an object with Attio's ten location keys.

Attio replaces a location as a whole, so the object form must carry every key, with ``null`` where
a part is unknown. The ``public`` style fills in the missing keys. Latitude and longitude are
strings of at most nine decimal places, and the ``public`` style converts numbers to such strings.
"""

from __future__ import annotations

import re
from typing import Any

from attio_cli.values.base import InvalidValue, describe, quote_list, render
from attio_cli.schema import Attribute

LOCATION_KEYS = (
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "locality",
    "region",
    "postcode",
    "country_code",
    "latitude",
    "longitude",
)
_KEY_SET = frozenset(LOCATION_KEYS)
_KEY_LIST = quote_list(LOCATION_KEYS)
_EMPTY_LOCATION = dict.fromkeys(LOCATION_KEYS)

# NOTE: Attio does not publish its latitude and longitude patterns. These accept up to nine
# decimal places, as Attio documents, and the ranges are checked separately.
_COORDINATE = re.compile(r"[+-]?\d{1,3}(?:\.\d{1,9})?")
_COORDINATE_LIMITS = {"latitude": 90.0, "longitude": 180.0}
_MAX_COORDINATE_DECIMALS = 9
# NOTE: only the shape of an ISO 3166-1 alpha-2 code is checked, not that the country exists.
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def _coordinate(key: str, value: Any, public: bool, warnings: list[str]) -> str:
    if public and type(value) in (int, float):
        text = f"{value:.{_MAX_COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
        if float(text) != value:
            warnings.append(f"{key} {render(value)} was rounded to {_MAX_COORDINATE_DECIMALS} decimal places: {text}")
        value = text
    elif type(value) is not str:
        hint = "; the public style converts numbers" if type(value) in (int, float) else ""
        raise InvalidValue(f"{key} must be a string such as \"37.331741\", but got {describe(value)}{hint}")

    if _COORDINATE.fullmatch(value) is None or abs(float(value)) > _COORDINATE_LIMITS[key]:
        limit = _COORDINATE_LIMITS[key]
        raise InvalidValue(
            f"{key} {render(value)} is not valid; expected decimal degrees from -{limit:g} to {limit:g} "
            f"with at most {_MAX_COORDINATE_DECIMALS} decimal places"
        )
    return value


def _field(key: str, value: Any, public: bool, warnings: list[str]) -> Any:
    if value is None:
        return None
    if key in _COORDINATE_LIMITS:
        return _coordinate(key, value, public, warnings)

    if type(value) is not str:
        if public and type(value) is int and key == "postcode":
            return str(value)
        raise InvalidValue(f"{key} must be a string or null, but got {describe(value)}")

    if key == "country_code":
        code = value.strip().upper() if public else value
        if _COUNTRY_CODE.fullmatch(code) is None:
            raise InvalidValue(f"country_code {render(value)} is not an ISO 3166-1 alpha-2 code such as \"US\"")
        return code
    return value


def check_location(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    if type(item) is str:
        # Attio parses a free-text address itself.
        if not item.strip():
            raise InvalidValue("an empty string is not a location; use null to unset the attribute")
        return item

    if type(item) is not dict:
        raise InvalidValue(f"expected an address string or a location object but got {describe(item)}")

    for key in item:
        if key not in _KEY_SET:
            raise InvalidValue(f"unknown key {render(key)} in a location; the valid keys are {_KEY_LIST}")

    if not public and len(item) < len(LOCATION_KEYS):
        missing = quote_list(key for key in LOCATION_KEYS if key not in item)
        raise InvalidValue(
            f"the location object has no {missing}; Attio needs all ten keys, with null for unknown "
            "ones (the public style fills them in)"
        )

    location = dict(_EMPTY_LOCATION)
    for key, value in item.items():
        location[key] = _field(key, value, public, warnings)
    return location
