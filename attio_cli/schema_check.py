"""Load-time checks of mapping files against the workspace schema, before any event is read.

Only what a mapping fixes can be checked here: the objects that the action writes, a literal
``object`` and ``matching_attribute``, and the attribute slugs of a literal attributes object such
as ``person_attributes: {name: ...}``. Slugs that come from the events (``attributes:
$.properties``) are checked per event by ``attio_cli.record_check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from attio_cli.errors import ConfigError
from attio_cli.mapping_file import Subscription
from attio_cli.schema import Schema
from attio_cli.values.base import render


@dataclass(frozen=True, slots=True)
class _StaticWrite:
    """A record that a subscription writes, as far as its mapping fixes it."""

    object: str | None  # None when the mapping takes the object from the event
    object_key: tuple | None  # mapping key path of a literal object, for line numbers
    matching_attribute: str | None
    matching_key: tuple | None
    fixed_slugs: tuple[str, ...]  # attributes the action itself writes
    attributes_key: str  # the mapping field with the user's attribute values


# The records each action writes: object, matching attribute, the attributes the action sets
# itself, and the mapping field that contains further attributes.
_ACTION_WRITES = {
    "identify-user": (
        ("people", "email_addresses", ("email_addresses",), "person_attributes"),
        ("users", "user_id", ("user_id", "primary_email_address", "person"), "user_attributes"),
    ),
    "group-workspace": (
        ("companies", "domains", ("domains",), "company_attributes"),
        ("workspaces", "workspace_id", ("workspace_id", "company", "users"), "workspace_attributes"),
    ),
}


def _is_literal_object(value: Any) -> bool:
    """Tell whether a mapping value is an object literal (its keys are slugs), not a directive."""
    return isinstance(value, dict) and not any(isinstance(key, str) and key.startswith("@") for key in value)


def _static_writes(subscription: Subscription) -> list[_StaticWrite]:
    fixed = _ACTION_WRITES.get(subscription.action)
    if fixed is not None:
        return [_StaticWrite(obj, None, matching, None, slugs, key) for obj, matching, slugs, key in fixed]

    mapping = subscription.mapping
    object_value = mapping.get("object")
    matching_value = mapping.get("matching_attribute")
    object_slug = object_value if isinstance(object_value, str) and object_value else None
    matching = matching_value if isinstance(matching_value, str) and matching_value else None
    return [
        _StaticWrite(
            object_slug,
            ("object",) if object_slug else None,
            matching,
            ("matching_attribute",) if matching else None,
            (),
            "attributes",
        )
    ]


@dataclass
class SchemaCheckResult:
    """Problems found in the mappings: ``errors`` stop the run, ``warnings`` do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def raise_errors(self) -> None:
        """Raise one ConfigError with the first problem as its message and the rest in the hint."""
        if not self.errors:
            return
        rest = self.errors[1:]
        raise ConfigError(self.errors[0], hint="Also: " + " | ".join(rest) if rest else None)


class _Checker:
    def __init__(self, schema: Schema, result: SchemaCheckResult):
        self.schema = schema
        self.result = result

    def check(self, subscription: Subscription) -> None:
        for write in _static_writes(subscription):
            if write.object is None:
                continue
            where = subscription.mapping_location(write.object_key or ())
            schema_object = self.schema.object(write.object)
            if schema_object is None:
                self._unknown_object(subscription, write, where)
                continue

            for slug in write.fixed_slugs:
                self._check_attribute(subscription, write.object, slug, ())
            if write.matching_attribute is not None:
                self._check_matching(subscription, write, schema_object)
            attributes = subscription.mapping.get(write.attributes_key)
            if _is_literal_object(attributes):
                for slug in attributes:
                    self._check_attribute(subscription, write.object, str(slug), (write.attributes_key, slug))

    def _unknown_object(self, subscription: Subscription, write: _StaticWrite, where: str) -> None:
        if self.schema.complete:
            self.result.errors.append(f"{where}: {subscription.name}: {self.schema.unknown_object_message(write.object)}")
            return
        suggestion = self.schema.suggest_object(write.object)
        hint = f"; did you mean {render(suggestion)}?" if suggestion else ""
        if suggestion:
            self.result.warnings.append(
                f"{where}: {subscription.name}: {render(write.object)} is not a standard Attio object slug{hint} "
                "Pull the workspace schema to check custom objects."
            )

    def _check_matching(self, subscription: Subscription, write: _StaticWrite, schema_object) -> None:
        attribute = schema_object.attribute(write.matching_attribute)
        where = subscription.mapping_location(write.matching_key or ())
        if attribute is None:
            if write.matching_key is not None:
                self._check_attribute(subscription, write.object, write.matching_attribute, write.matching_key)
        elif not attribute.is_unique:
            unique = [candidate.slug for candidate in schema_object.attributes.values() if candidate.is_unique]
            hint = f"; match on a unique attribute such as {', '.join(render(slug) for slug in unique)}" if unique else ""
            self.result.errors.append(
                f"{where}: {subscription.name}: {write.object}.{attribute.slug} cannot be the matching attribute, "
                f"because it is not unique{hint}"
            )

    def _check_attribute(self, subscription: Subscription, object_slug: str, slug: str, key_path: tuple) -> None:
        schema_object = self.schema.object(object_slug)
        attribute = schema_object.attribute(slug)
        where = subscription.mapping_location(key_path)
        if attribute is None:
            if schema_object.complete:
                self.result.errors.append(f"{where}: {subscription.name}: {schema_object.unknown_attribute_message(slug)}")
            return
        if not attribute.is_writable or attribute.type == "interaction":
            self.result.errors.append(
                f"{where}: {subscription.name}: {object_slug}.{slug} cannot be written, because Attio sets it itself; "
                "remove it from the mapping"
            )


def check_subscriptions(subscriptions: list[Subscription], schema: Schema) -> SchemaCheckResult:
    """Check every subscription against ``schema``; return the errors and warnings found."""
    result = SchemaCheckResult()
    checker = _Checker(schema, result)
    for subscription in subscriptions:
        checker.check(subscription)
    return result
