"""Record-reference and actor-reference values.

A record reference names its target record by id (``{"target_object", "target_record_id"}``) or
by a unique attribute of the target (``{"target_object", "domains": [...]}``). When the attribute
can point to exactly one of the standard objects people, companies, users or workspaces, a bare
string works too and stands for that object's email address, domain, user id or workspace id.
Attio never creates the target record.
"""

from __future__ import annotations

from typing import Any

from attio_cli.standard_objects import STANDARD_OBJECTS
from attio_cli.values.base import UUID_PATTERN, InvalidValue, describe, quote_list, render
from attio_cli.values.domains import check_domain
from attio_cli.values.emails import check_email
from attio_cli.schema import Attribute

_ITEM_CHECKERS = {"email-address": check_email, "domain": check_domain}

# Matching attributes whose values can never have the shape of a UUID.
_NEVER_UUIDS = frozenset(("email_addresses", "domains"))

# The unique attribute that a bare string is matched on, per standard target object.
BARE_STRING_ATTRIBUTES = {
    "people": "email_addresses",
    "companies": "domains",
    "users": "user_id",
    "workspaces": "workspace_id",
}


def _check_unique_text(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    if type(item) is dict and len(item) == 1 and "value" in item:
        item = item["value"]
    if type(item) is not str or not item:
        raise InvalidValue(f"expected a non-empty string but got {describe(item)}")
    return item


def _unique_attributes() -> dict[str, dict[str, Attribute]]:
    """Collect the unique attributes of the standard objects, which references can match on."""
    table: dict[str, dict[str, Attribute]] = {}
    for object_slug, attributes in STANDARD_OBJECTS.items():
        table[object_slug] = {
            attribute.slug: attribute
            for attribute in attributes.values()
            if attribute.is_unique
        }
    return table


_UNIQUE_ATTRIBUTES = _unique_attributes()


def _check_matching_value(target: str, key: str, value: Any, public: bool, region: str | None, warnings: list[str]) -> Any:
    """Check the value of unique attribute ``key`` of a standard ``target`` object."""
    unique = _UNIQUE_ATTRIBUTES[target].get(key)
    if unique is None:
        if key in STANDARD_OBJECTS[target]:
            raise InvalidValue(f"{target}.{key} is not a unique attribute, so Attio cannot find a record by it")
        return value  # a custom attribute, unknown here

    checker = _ITEM_CHECKERS.get(unique.type, _check_unique_text)
    if type(value) is not list:
        try:
            return checker(value, unique, public, region, warnings)
        except InvalidValue as exc:
            raise InvalidValue(f"{key}: {exc}") from None

    checked = []
    for index, item in enumerate(value):
        try:
            checked.append(checker(item, unique, public, region, warnings))
        except InvalidValue as exc:
            raise InvalidValue(f"{key}[{index}]: {exc}") from None
    return checked


def _check_bare_string(text: str, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    targets = spec.targets
    if targets is None:
        return text  # the allowed objects are not known, so neither is the meaning of the string

    if len(targets) == 1:
        target = targets[0]
        key = BARE_STRING_ATTRIBUTES.get(target)
        if key in _NEVER_UUIDS and UUID_PATTERN.fullmatch(text):
            # No email address or domain looks like a UUID, so this is a record id, as Segment's
            # destination sends for a workspace's company.
            return {"target_object": target, "target_record_id": text} if public else text
        if key is not None:
            return _check_matching_value(target, key, text, public, region, warnings)
        if public and UUID_PATTERN.fullmatch(text):
            return {"target_object": target, "target_record_id": text}
        raise InvalidValue(
            f"{render(text)} cannot stand for a {target} record; a bare string works only for references "
            f"to people, companies, users or workspaces, so write {{\"target_object\": \"{target}\", "
            "\"target_record_id\": \"<record id>\"}"
        )

    raise InvalidValue(
        f"{render(text)} is ambiguous, because this attribute can point to {quote_list(targets)}; "
        "write {\"target_object\": \"<object>\", ...} with a record id or a unique attribute"
    )


def check_record_reference(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    if type(item) is str:
        if not item.strip():
            raise InvalidValue("an empty string is not a record reference; use null to unset the attribute")
        return _check_bare_string(item, spec, public, region, warnings)
    if type(item) is not dict:
        raise InvalidValue(f"expected a record reference object or string but got {describe(item)}")

    target = item.get("target_object")
    if type(target) is not str or not target:
        raise InvalidValue(f"{render(item)} has no \"target_object\"; name the object of the referenced record")
    if spec.targets is not None and target not in spec.targets and not UUID_PATTERN.fullmatch(target):
        raise InvalidValue(
            f"this attribute cannot point to {render(target)} records; the allowed objects are {quote_list(spec.targets)}"
        )

    keys = [key for key in item if key != "target_object"]
    if not keys:
        raise InvalidValue(f"{render(item)} names no record; add \"target_record_id\" or a unique attribute of {target}")
    if len(keys) > 1:
        raise InvalidValue(f"{render(item)} names the record in more than one way ({quote_list(keys)}); keep one")

    key = keys[0]
    value = item[key]
    if key == "target_record_id":
        if type(value) is not str or UUID_PATTERN.fullmatch(value) is None:
            raise InvalidValue(f"target_record_id {render(value)} is not a record id (a UUID)")
        return item

    if target not in _UNIQUE_ATTRIBUTES:
        return item  # a custom object, whose unique attributes are unknown here
    checked = _check_matching_value(target, key, value, public, region, warnings)
    return {"target_object": target, key: checked} if public else item


_ACTOR_ID_KEYS = frozenset(("referenced_actor_type", "referenced_actor_id"))


def check_actor_reference(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    if type(item) is str:
        return check_email(item, spec, public, region, warnings)
    if type(item) is not dict:
        raise InvalidValue(f"expected a workspace member's email address or an actor object but got {describe(item)}")

    if len(item) == 1 and "workspace_member_email_address" in item:
        address = check_email(item["workspace_member_email_address"], spec, public, region, warnings)
        return {"workspace_member_email_address": address} if public else item

    if item.keys() != _ACTOR_ID_KEYS:
        raise InvalidValue(
            f"{render(item)} is not a valid actor reference; write {{\"workspace_member_email_address\": ...}} "
            "or {\"referenced_actor_type\": \"workspace-member\", \"referenced_actor_id\": \"<id>\"}"
        )
    actor_type = item["referenced_actor_type"]
    if actor_type != "workspace-member":
        raise InvalidValue(f"the actor type {render(actor_type)} cannot be written; only \"workspace-member\" actors can")
    actor_id = item["referenced_actor_id"]
    if type(actor_id) is not str or UUID_PATTERN.fullmatch(actor_id) is None:
        raise InvalidValue(f"referenced_actor_id {render(actor_id)} is not a workspace member id (a UUID)")
    return item
