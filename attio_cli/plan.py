"""Plan stage: turn validated payloads into the HTTP requests of one request style.

``segment`` reproduces the requests of Segment's destination exactly. ``public`` uses Attio's
documented assert endpoint. That endpoint replaces multiselect values where Segment's appends
them, so the multiselect values (other than the matching attribute) follow in a PATCH on the
asserted record, which appends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from attio_cli.actions.assertions import RecordWrite, WriteRef, batch_assertion
from attio_cli.jsvalues import js_string
from attio_cli.requests import EventSource, PlannedRequest, RecordId, record_key
from attio_cli.schema import Schema

STYLES = ("public", "segment")
BATCH_PATH = "/v2/batch/records"


def utc_now_iso() -> str:
    """Return the time now as JavaScript's Date.toISOString() writes it."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def received_at_text(payload: dict[str, Any], clock: Callable[[], str]) -> str:
    """Return ``received_at`` as Segment's destination sends it: as text, or the time now if absent."""
    value = payload.get("received_at")
    if value is None:
        return clock()
    return value if isinstance(value, str) else js_string(value)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


class Planner:
    """Builds the requests for one event's payload in the chosen style."""

    def __init__(self, style: str = "public", schema: Schema | None = None, clock: Callable[[], str] = utc_now_iso):
        if style not in STYLES:
            raise ValueError(f"unknown request style {style!r}")
        self.style = style
        self.schema = schema or Schema.builtin()
        self.clock = clock
        self._paths: dict[tuple[str, str], tuple[str, str]] = {}

    def _public_paths(self, object_slug: str, matching_attribute: str) -> tuple[str, str]:
        """Return the assert and PATCH paths for an object, quoted once and then cached."""
        key = (object_slug, matching_attribute)
        paths = self._paths.get(key)
        if paths is None:
            object_path = quote(object_slug, safe="")
            paths = (
                f"/v2/objects/{object_path}/records?matching_attribute={quote(matching_attribute, safe='')}",
                f"/v2/objects/{object_path}/records/{{record_id}}",
            )
            self._paths[key] = paths
        return paths

    # Single mode -------------------------------------------------------------------------------

    def plan_writes(self, writes: list[RecordWrite], subscription: str, source: EventSource) -> list[PlannedRequest]:
        """Return the requests for one event's record writes, in the order they must be sent."""
        if self.style == "segment":
            return self._segment_requests(writes, subscription, source)
        return self._public_requests(writes, subscription, source)

    def _segment_requests(self, writes: list[RecordWrite], subscription: str, source: EventSource) -> list[PlannedRequest]:
        requests = []
        for index, write in enumerate(writes):
            values = {key: self._ref(value, writes, index) for key, value in write.values.items()}
            path = f"/v2/objects/{write.object}/records/simple?matching_attribute={write.matching_attribute}&append_to_existing_values=true"
            requests.append(
                PlannedRequest("PUT", path, {"data": {"values": values}}, subscription, [source], step=index + 1, record_key=_record_key(write))
            )
        return requests

    def _public_requests(self, writes: list[RecordWrite], subscription: str, source: EventSource) -> list[PlannedRequest]:
        requests: list[PlannedRequest] = []
        assert_steps: dict[int, int] = {}
        for index, write in enumerate(writes):
            assert_values: dict[str, Any] = {}
            append_values: dict[str, Any] = {}
            for slug, value in write.values.items():
                if isinstance(value, WriteRef):
                    target = writes[value.index]
                    assert_values[slug] = RecordId(assert_steps[value.index], target.object)
                elif not self.schema.is_multiselect(write.object, slug):
                    assert_values[slug] = value
                elif slug == write.matching_attribute or value is None:
                    # Assert adds to the matching attribute's values, and null clears the attribute.
                    assert_values[slug] = value if value is None else _as_list(value)
                else:
                    append_values[slug] = _as_list(value)
            assert_path, patch_path = self._public_paths(write.object, write.matching_attribute)
            record_key = _record_key(write)
            step = len(requests) + 1
            assert_steps[index] = step
            requests.append(
                PlannedRequest(
                    "PUT",
                    assert_path,
                    {"data": {"values": assert_values}},
                    subscription,
                    [source],
                    step=step,
                    record_key=record_key,
                )
            )
            if append_values:
                requests.append(
                    PlannedRequest(
                        "PATCH",
                        patch_path,
                        {"data": {"values": append_values}},
                        subscription,
                        [source],
                        step=len(requests) + 1,
                        path_record_id=RecordId(step, write.object),
                        record_key=record_key,
                    )
                )
        return requests

    def _ref(self, value: Any, writes: list[RecordWrite], index: int) -> Any:
        if isinstance(value, WriteRef):
            # In Segment's style every write is one request, so write index + 1 is the step.
            return RecordId(value.index + 1, writes[value.index].object)
        return value

    # Batch mode --------------------------------------------------------------------------------

    def batch_assertion(self, action: str, payload: dict[str, Any], writes: list[RecordWrite] | None = None) -> dict[str, Any]:
        """Return one event's assertion for the batch endpoint.

        In the public style, ``writes`` (the event's checked record writes) supply the normalised
        values, matched to the assertion and its nested assertion by object.
        """
        assertion = batch_assertion(action, payload, received_at_text(payload, self.clock))
        if self.style == "public":
            if writes is not None:
                _use_checked_values(assertion, {write.object: write.values for write in writes})
            self._multiselect_as_arrays(assertion)
        return assertion

    def _multiselect_as_arrays(self, assertion: dict[str, Any]) -> None:
        values = assertion["values"]
        for slug, value in values.items():
            if isinstance(value, dict) and "mode" in value and "values" in value:
                self._multiselect_as_arrays(value)
            elif value is not None and self.schema.is_multiselect(assertion["object"], slug):
                values[slug] = _as_list(value)


def _use_checked_values(assertion: dict[str, Any], checked: dict[str, dict[str, Any]]) -> None:
    values = assertion["values"]
    checked_values = checked.get(assertion["object"], {})
    for slug, value in values.items():
        if isinstance(value, dict) and "mode" in value and "values" in value:
            _use_checked_values(value, checked)
        elif slug in checked_values and not isinstance(checked_values[slug], WriteRef):
            values[slug] = checked_values[slug]


def _record_key(write: RecordWrite) -> tuple:
    return record_key(write.object, write.matching_attribute, write.values.get(write.matching_attribute))


class BatchCollector:
    """Collects batch assertions per subscription and emits a request whenever a batch is full."""

    def __init__(self) -> None:
        # Open batches by subscription key: (subscription name, assertions, sources).
        self._open: dict[str, tuple[str, list[dict[str, Any]], list[EventSource]]] = {}

    def add(self, key: str, subscription: str, batch_size: int, assertion: dict[str, Any], source: EventSource) -> PlannedRequest | None:
        """Add an assertion to the subscription's open batch; return the batch's request once it is full."""
        _, assertions, sources = self._open.setdefault(key, (subscription, [], []))
        assertions.append(assertion)
        sources.append(source)
        if len(assertions) >= batch_size:
            return self._close(key)
        return None

    def flush(self) -> list[PlannedRequest]:
        """Return the requests for every batch that is not yet full, in the order they were opened."""
        return [self._close(name) for name in list(self._open)]

    def _close(self, key: str) -> PlannedRequest:
        subscription, assertions, sources = self._open.pop(key)
        return PlannedRequest("PUT", BATCH_PATH, {"assertions": assertions}, subscription, sources, is_batch=True)
