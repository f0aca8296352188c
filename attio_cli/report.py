"""Run report (counts for every input line) and the rejects file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import IO, Any

import orjson


@dataclass
class RunReport:
    """Counts of one run.

    Every non-blank input line is counted exactly once in ``planned + unmatched + duplicate +
    invalid``. ``matched`` counts the events that matched a subscription, whether they were then
    planned or found invalid. ``invalid`` events were held back by attio-cli and never sent;
    ``rejected`` counts events that Attio refused, which only a live run can have.

    ``warnings`` counts value warnings, ``normalised`` the values that the public style changed
    per object.attribute, and ``invalid_values`` the invalid values per object.attribute (an
    event can have several).
    """

    read: int = 0
    matched: int = 0
    unmatched: int = 0
    invalid: int = 0
    duplicate: int = 0
    planned: int = 0
    rejected: int = 0
    planned_requests: int = 0
    warnings: int = 0
    normalised: dict[str, int] = field(default_factory=dict)
    invalid_values: dict[str, int] = field(default_factory=dict)

    def count_problem(self, object_slug: str, attribute: str | None) -> None:
        name = f"{object_slug}.{attribute}" if attribute else object_slug
        self.invalid_values[name] = self.invalid_values.get(name, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        text = (
            f"{count_of(self.read, 'event')} read: {self.planned} planned, {self.unmatched} unmatched, "
            f"{self.duplicate} duplicate, {self.invalid} invalid; {count_of(self.planned_requests, 'request')} planned"
        )
        normalised = sum(self.normalised.values())
        if normalised or self.warnings:
            text += f"; {count_of(normalised, 'value')} normalised, {count_of(self.warnings, 'value warning')}"
        return text


def count_of(number: int, noun: str) -> str:
    """Return e.g. "1 event" or "2 events"; ``noun`` is singular and takes a plain "s"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class RejectsWriter:
    """Writes one NDJSON line per invalid event, with the original event so it can be fixed and replayed."""

    def __init__(self, stream: IO[bytes] | None):
        self.stream = stream
        self.count = 0

    def write(
        self,
        *,
        input: str,
        line: int,
        message_id: Any,
        stage: str,
        reason: str,
        event_json: bytes,
        subscription: str | None = None,
    ) -> None:
        """Write one reject. ``event_json`` is the event exactly as the input had it (JSON text)."""
        self.count += 1
        if self.stream is None:
            return
        record = {"input": input, "line": line, "message_id": message_id, "stage": stage, "reason": reason}
        if subscription is not None:
            record["subscription"] = subscription
        # The original bytes are spliced in, not re-serialised, so the event comes back unchanged.
        self.stream.write(orjson.dumps(record)[:-1] + b',"event":' + event_json.strip() + b"}\n")

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
