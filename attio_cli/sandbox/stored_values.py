"""Value objects as Attio returns them in a record, built from values that passed ``check_value``.

Every stored value carries ``active_from``, ``active_until`` (always null, because the sandbox keeps
only current values), ``created_by_actor`` and ``attribute_type``, plus the fields of its type. The
field names follow Attio's OpenAPI spec (e.g. ``phone_number`` for the E.164 form of a phone number).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import phonenumbers

from attio_cli.schema import Attribute
from attio_cli.values.locations import LOCATION_KEYS

# Second-level labels under which registrations sit one level deeper, as in "example.co.uk".
# NOTE: this approximates the public suffix list, which the sandbox does not ship. A root domain
# under a suffix missing here (e.g. "example.kawasaki.jp") comes out one label short.
_SECOND_LEVEL_LABELS = frozenset(("ac", "co", "com", "edu", "gob", "gov", "mil", "ne", "net", "or", "org"))
_NAME_KEYS = ("first_name", "last_name", "full_name")


def attio_timestamp(moment: datetime) -> str:
    """Format an aware datetime as Attio does: UTC with nine fraction digits and a "Z"."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond:06d}000Z"


def now_timestamp() -> str:
    return attio_timestamp(datetime.now(timezone.utc))


def widen_fraction(timestamp: str) -> str:
    """Turn a UTC timestamp from ``check_value`` ("...:SS[.f]Z") into Attio's nine-digit form."""
    body = timestamp[:-1]
    seconds, dot, fraction = body.partition(".")
    return f"{seconds}.{fraction.ljust(9, '0')}Z"


def root_domain(host: str) -> str:
    """Return the registrable part of a host name, e.g. "attio.com" for "app.attio.com"."""
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL_LABELS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@lru_cache(maxsize=16384)
def phone_country(e164: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 region of an E.164 number that ``check_value`` accepted."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))


def parse_personal_name(text: str) -> dict[str, str]:
    """Split a "Last, First" string at its first comma. Text without a comma is all first name."""
    last, comma, first = text.partition(",")
    if not comma:
        first, last = text, ""
    first = first.strip()
    last = last.strip()
    full = " ".join(part for part in (first, last) if part)
    return {"first_name": first, "last_name": last, "full_name": full}


def raw_text(item: Any, key: str) -> Any:
    """Return the text of a raw item written as a string or as ``{key: text}``."""
    if type(item) is dict:
        return item.get(key)
    if type(item) is int:
        return str(item)
    return item


def type_fields(attribute: Attribute, checked: Any, raw: Any) -> dict[str, Any]:
    """Return the type-specific fields for one checked item of a plain attribute type.

    ``checked`` is the item as ``check_value`` normalised it and ``raw`` the item as the request
    sent it. Select, status and reference types need the store and are built there.
    """
    kind = attribute.type
    if kind in ("text", "number", "checkbox", "date", "rating"):
        return {"value": checked}
    if kind == "timestamp":
        return {"value": widen_fraction(checked)}
    if kind == "currency":
        return {"currency_value": checked, "currency_code": attribute.currency_code}
    if kind == "email-address":
        local, _, domain = checked.rpartition("@")
        original = raw_text(raw, "email_address")
        return {
            "original_email_address": original.strip() if type(original) is str else checked,
            "email_address": checked,
            "email_domain": domain,
            "email_root_domain": root_domain(domain),
            "email_local_specifier": local,
        }
    if kind == "domain":
        return {"domain": checked, "root_domain": root_domain(checked)}
    if kind == "phone-number":
        original = raw_text(raw, "original_phone_number")
        return {
            "original_phone_number": original if type(original) is str else checked,
            "country_code": phone_country(checked),
            "phone_number": checked,
        }
    if kind == "location":
        if type(checked) is str:
            # NOTE: Attio parses a free-text address into its parts, but the sandbox keeps the
            # whole text as line_1.
            return {**dict.fromkeys(LOCATION_KEYS), "line_1": checked}
        return dict(checked)
    if kind == "personal-name":
        if type(checked) is str:
            return parse_personal_name(checked)
        return {key: checked[key] for key in _NAME_KEYS}
    raise ValueError(f"no stored form for attribute type {kind!r}")


def identity(attribute_type: str, value: dict[str, Any]) -> Hashable:
    """Return the key that identifies a stored value, for multiselect merging and uniqueness."""
    if attribute_type == "email-address":
        # NOTE: Attio does not document whether it matches email addresses case-insensitively.
        # The sandbox does, as mail servers treat nearly every address that way.
        return value["email_address"].casefold()
    if attribute_type == "domain":
        return value["domain"]
    if attribute_type == "phone-number":
        return value["phone_number"]
    if attribute_type == "record-reference":
        return (value["target_object"], value["target_record_id"])
    if attribute_type == "select":
        return value["option"]["id"]["option_id"]
    if attribute_type == "status":
        return value["status"]["id"]["status_id"]
    if attribute_type == "actor-reference":
        return (value["referenced_actor_type"], value["referenced_actor_id"])
    if attribute_type == "currency":
        return value["currency_value"]
    if attribute_type == "location":
        return tuple(value[key] for key in LOCATION_KEYS)
    if attribute_type == "personal-name":
        return tuple(value[key] for key in _NAME_KEYS)
    return value.get("value")
