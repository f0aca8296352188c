"""Check one attribute value against its Attio type: nulls, lists and the per-type item checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attio_cli.values.base import PUBLIC, SEGMENT, STYLES, InvalidValue, ValueResult, describe
from attio_cli.values.dates import check_date, check_timestamp
from attio_cli.values.domains import check_domain
from attio_cli.values.emails import check_email
from attio_cli.values.locations import check_location
from attio_cli.values.names import check_personal_name
from attio_cli.values.numeric import check_currency, check_number, check_rating
from attio_cli.values.phones import check_phone, normalise_region
from attio_cli.values.references import check_actor_reference, check_record_reference
from attio_cli.values.scalars import check_checkbox, check_text
from attio_cli.values.selects import check_select, check_status
from attio_cli.schema import Attribute

ItemChecker = Callable[[Any, Attribute, bool, str | None, list], Any]

# One checker per writable Attio attribute type. "interaction" is missing on purpose: only Attio
# writes interaction values.
ITEM_CHECKERS: dict[str, ItemChecker] = {
    "actor-reference": check_actor_reference,
    "checkbox": check_checkbox,
    "currency": check_currency,
    "date": check_date,
    "domain": check_domain,
    "email-address": check_email,
    "location": check_location,
    "number": check_number,
    "personal-name": check_personal_name,
    "phone-number": check_phone,
    "rating": check_rating,
    "record-reference": check_record_reference,
    "select": check_select,
    "status": check_status,
    "text": check_text,
    "timestamp": check_timestamp,
}

# Attio does not let a currency value be unset with null.
_NULL_REJECTED_TYPES = frozenset(("currency",))


def _pass_through(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list) -> Any:
    return item


def _prefix(warnings: list[str], start: int, label: str) -> None:
    for index in range(start, len(warnings)):
        warnings[index] = f"{label}: {warnings[index]}"


def _check_null(spec: Attribute) -> ValueResult:
    if spec.type in _NULL_REJECTED_TYPES:
        return ValueResult(None, f"{spec.slug}: null is not allowed, because Attio cannot unset a {spec.type} value; "
                                 "leave the attribute out of the mapping instead", [])
    if spec.is_required:
        return ValueResult(None, f"{spec.slug}: null is not allowed, because the attribute is required", [])
    return ValueResult(None, None, [])


def _check_items(spec: Attribute, checker: ItemChecker, values: list, public: bool, region: str | None) -> ValueResult:
    warnings: list[str] = []
    checked: list[Any] = []
    seen: set[str] = set()
    for index, item in enumerate(values):
        if item is None:
            if public:
                continue  # a hole in the list, e.g. from an array path
            return ValueResult(values, f"{spec.slug}[{index}]: null is not allowed inside a list; "
                                       "remove it in the mapping or use the public style", warnings)

        start = len(warnings)
        try:
            result = checker(item, spec, public, region, warnings)
        except InvalidValue as exc:
            _prefix(warnings, start, f"{spec.slug}[{index}]")
            return ValueResult(values, f"{spec.slug}[{index}]: {exc}", warnings)
        if len(warnings) > start:
            _prefix(warnings, start, f"{spec.slug}[{index}]")

        if public:
            # Two inputs can normalise to the same value (e.g. "www.a.com" and "a.com"); send it once.
            if type(result) is str:
                if result in seen:
                    continue
                seen.add(result)
            checked.append(result)

    return ValueResult(checked if public else values, None, warnings)


def _check(spec: Attribute, checker: ItemChecker, value: Any, public: bool, region: str | None) -> ValueResult:
    if value is None:
        return _check_null(spec)

    item = value
    if type(value) is list:
        if spec.is_multiselect:
            return _check_items(spec, checker, value, public, region)
        if len(value) != 1:
            return ValueResult(value, f"{spec.slug}: expected one value but got {describe(value)}; "
                                      "the attribute is not multiselect", [])
        item = value[0]
        if item is None:
            if public:
                return _check_null(spec)
            message = f"{spec.slug}: null is not allowed inside a list; use null without the list"
            return ValueResult(value, message, [])

    warnings: list[str] = []
    try:
        result = checker(item, spec, public, region, warnings)
    except InvalidValue as exc:
        _prefix(warnings, 0, spec.slug)
        return ValueResult(value, f"{spec.slug}: {exc}", warnings)
    if warnings:
        _prefix(warnings, 0, spec.slug)

    if not public:
        return ValueResult(value, None, warnings)
    return ValueResult([result] if spec.is_multiselect else result, None, warnings)


def _item_checker(spec: Attribute) -> ItemChecker | None:
    """Return the item checker for the attribute's type, or ``None`` when it cannot be written."""
    if not spec.is_writable or spec.type == "interaction":
        return None
    return ITEM_CHECKERS.get(spec.type, _pass_through)


def _read_only(spec: Attribute, value: Any) -> ValueResult:
    if spec.type == "interaction":
        reason = "interaction attributes cannot be written, because only Attio creates their values"
    else:
        reason = "the attribute cannot be written, because Attio sets it itself"
    return ValueResult(value, f"{spec.slug}: {reason}; remove it from the mapping", [])


def _is_public(style: str) -> bool:
    if style == PUBLIC:
        return True
    if style == SEGMENT:
        return False
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")


def check_value(spec: Attribute, value: Any, *, style: str, default_country: str | None = None) -> ValueResult:
    """Check one attribute value against the attribute's Attio type.

    In the ``public`` style the result's value is the normalised value, and always a list for a
    multiselect attribute. In the ``segment`` style it is ``value`` itself. ``default_country``
    is the ISO 3166-1 alpha-2 region for phone numbers written without "+". ``None`` unsets the
    attribute and passes, except for currency and required attributes. Values of types that are not
    known here pass unchanged.

    Raises ValueError for an unknown ``style`` or ``default_country``.
    """
    public = _is_public(style)
    region = normalise_region(default_country)
    checker = _item_checker(spec)
    if checker is None:
        return _read_only(spec, value)
    return _check(spec, checker, value, public, region)


def value_checker(spec: Attribute, *, style: str, default_country: str | None = None) -> Callable[[Any], ValueResult]:
    """Prepare ``check_value`` for one attribute, so that each call only checks the value.

    Raises ValueError for an unknown ``style`` or ``default_country``.
    """
    public = _is_public(style)
    region = normalise_region(default_country)
    checker = _item_checker(spec)
    if checker is None:
        return lambda value: _read_only(spec, value)

    def check(value: Any) -> ValueResult:
        return _check(spec, checker, value, public, region)

    return check
