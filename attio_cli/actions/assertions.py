"""The records each action asserts, independent of the request style.

Both functions take a payload that passed validation. ``record_writes`` gives the writes of single
mode, in the order Segment's destination sends them; ``batch_assertion`` gives the nested
assertion that the batch endpoint takes. Key order follows Segment's request bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ASSERT_MODE = "create-or-update"
MULTISELECT_APPEND = "append"


@dataclass(frozen=True, slots=True)
class WriteRef:
    """The record id of an earlier write of the same event (0-based index)."""

    index: int


@dataclass(slots=True)
class RecordWrite:
    """Create or update one record of ``object`` matched on ``matching_attribute``."""

    object: str
    matching_attribute: str
    values: dict[str, Any]


def record_writes(action: str, payload: dict[str, Any]) -> list[RecordWrite]:
    """Return the single-mode writes of one event, in the order they must be sent."""
    if action == "identify-user":
        email = payload["email_address"]
        person = RecordWrite("people", "email_addresses", {"email_addresses": email, **(payload.get("person_attributes") or {})})
        user_values = {"primary_email_address": email, "person": email, "user_id": payload["user_id"]}
        user_values.update(payload.get("user_attributes") or {})
        return [person, RecordWrite("users", "user_id", user_values)]

    if action == "group-workspace":
        company = RecordWrite("companies", "domains", {"domains": payload["domain"], **(payload.get("company_attributes") or {})})
        workspace_values: dict[str, Any] = {"workspace_id": payload["workspace_id"], "company": WriteRef(0)}
        if payload.get("user_id"):
            workspace_values["users"] = [payload["user_id"]]
        workspace_values.update(payload.get("workspace_attributes") or {})
        return [company, RecordWrite("workspaces", "workspace_id", workspace_values)]

    if action == "assert-record":
        return [RecordWrite(payload["object"], payload["matching_attribute"], dict(payload.get("attributes") or {}))]

    raise ValueError(f"unknown action {action!r}")


def _assertion(object_slug: str, matching_attribute: str, values: dict[str, Any], received_at: str) -> dict[str, Any]:
    return {
        "object": object_slug,
        "mode": ASSERT_MODE,
        "matching_attribute": matching_attribute,
        "multiselect_values": MULTISELECT_APPEND,
        "values": values,
        "received_at": received_at,
    }


def batch_assertion(action: str, payload: dict[str, Any], received_at: str) -> dict[str, Any]:
    """Return the assertion for the batch endpoint, with the linked record nested inside it."""
    if action == "identify-user":
        email = payload["email_address"]
        person = _assertion("people", "email_addresses", {"email_addresses": email, **(payload.get("person_attributes") or {})}, received_at)
        values = {"primary_email_address": email, "user_id": payload["user_id"]}
        values.update(payload.get("user_attributes") or {})
        values["person"] = person
        return _assertion("users", "user_id", values, received_at)

    if action == "group-workspace":
        company = _assertion("companies", "domains", {"domains": payload["domain"], **(payload.get("company_attributes") or {})}, received_at)
        values = {"workspace_id": payload["workspace_id"]}
        if payload.get("user_id"):
            values["users"] = [payload["user_id"]]
        values.update(payload.get("workspace_attributes") or {})
        values["company"] = company
        return _assertion("workspaces", "workspace_id", values, received_at)

    if action == "assert-record":
        return _assertion(payload["object"], payload["matching_attribute"], dict(payload.get("attributes") or {}), received_at)

    raise ValueError(f"unknown action {action!r}")
