"""Personal-name values: ``{"first_name", "last_name", "full_name"}`` or a ``"Last, First"`` string.

Attio's docs require all three keys of the object form. The ``public`` style fills a missing
``full_name`` from the other two and a missing first or last name with an empty string. A string
is split by Attio at its first comma; without a comma, all of it becomes the first name.
"""

from __future__ import annotations

from typing import Any

from attio_cli.values.base import InvalidValue, describe, quote_list, render
from attio_cli.schema import Attribute

NAME_KEYS = ("first_name", "last_name", "full_name")
_KEY_SET = frozenset(NAME_KEYS)
_KEY_LIST = quote_list(NAME_KEYS)


def _check_object(item: dict, public: bool) -> dict:
    for key, value in item.items():
        if key not in _KEY_SET:
            raise InvalidValue(f"unknown key {render(key)} in a personal name; the valid keys are {_KEY_LIST}")
        if value is not None and type(value) is not str:
            raise InvalidValue(f"{key} must be a string, but got {describe(value)}")

    if not public:
        missing = [key for key in NAME_KEYS if item.get(key) is None]
        if missing:
            raise InvalidValue(
                f"the personal name {render(item)} has no {quote_list(missing)}; Attio needs "
                f"{_KEY_LIST} (the public style fills in the missing ones)"
            )
        return item

    first = item.get("first_name") or ""
    last = item.get("last_name") or ""
    full = item.get("full_name")
    if full is None:
        full = " ".join(part for part in (first, last) if part)
    if not (first or last or full):
        raise InvalidValue(f"the personal name {render(item)} is empty; use null to unset the attribute")
    return {"first_name": first, "last_name": last, "full_name": full}


def check_personal_name(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    if type(item) is dict:
        return _check_object(item, public)

    if type(item) is not str:
        raise InvalidValue(f"expected a \"Last, First\" string or a name object but got {describe(item)}")
    if not item.strip():
        raise InvalidValue("an empty string is not a personal name; use null to unset the attribute")
    if "," not in item:
        warnings.append(
            f"{render(item)} has no comma, so Attio stores all of it as the first name; write names as "
            "\"Last, First\", for example with the template \"{{traits.last_name}}, {{traits.first_name}}\""
        )
    return item
