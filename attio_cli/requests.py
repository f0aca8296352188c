"""The request plan: what attio-cli would send to Attio for an event, before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RecordId:
    """The record id that an earlier step of the same event's plan returns.

    A dry run cannot know it, so it prints as a placeholder; live delivery fills it in from
    that step's response.
    """

    step: int
    object: str

    def placeholder(self) -> str:
        return f"<record_id from step {self.step} ({self.object})>"


def record_key(object_slug: Any, matching_attribute: Any, value: Any) -> tuple:
    """Return the key that orders the requests writing one record: object, matching attribute, value.

    The value is case-folded, because Attio may match emails and domains without regard to case,
    and two keys for one record would let its requests overlap. A key shared by two records only
    costs some parallelism. A one-item list counts as its item.
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return (object_slug, matching_attribute, value.casefold() if isinstance(value, str) else repr(value))


@dataclass(frozen=True, slots=True)
class EventSource:
    """The origin of an event: input name, 1-based line and messageId."""

    input: str
    line: int
    message_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"input": self.input, "line": self.line, "message_id": self.message_id}


@dataclass(slots=True)
class PlannedRequest:
    """One HTTP request of the plan.

    ``path`` starts with ``/v2``. It may contain ``{record_id}``, filled from ``path_record_id``.
    The body may contain RecordId values. ``step`` numbers the requests of one event from 1.
    ``record_key`` is the (object, matching attribute, value) that the request writes. It keeps
    the requests for one record in order, and is None for batch requests.
    """

    method: str
    path: str
    body: dict[str, Any]
    subscription: str
    sources: list[EventSource]
    step: int = 1
    path_record_id: RecordId | None = None
    record_key: tuple | None = None
    is_batch: bool = False

    def resolved_path(self, record_ids: dict[int, str] | None = None) -> str:
        """Return the path with the record id filled in, or its placeholder when unknown."""
        if self.path_record_id is None:
            return self.path
        known = (record_ids or {}).get(self.path_record_id.step)
        return self.path.replace("{record_id}", known or self.path_record_id.placeholder())
