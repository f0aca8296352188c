"""Run report (counts for every input line) and the rejects file."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import IO, Any

import orjson


@dataclass
class RunReport:
    """Counts of one run.

    Every non-blank input line is counted exactly once in ``planned + unmatched + duplicate +
    invalid + already_delivered + already_rejected``. ``matched`` counts the events that matched
    a subscription, whether they were then planned or found invalid. ``invalid`` events were held back by
    attio-cli and never sent. In a live run every planned event ends as ``delivered``,
    ``rejected`` (Attio refused it) or ``failed`` (no answer after the retries), and
    ``already_delivered`` and ``already_rejected`` count the events that a resumed run skipped
    because the earlier run settled them. ``requests`` counts HTTP
    requests sent, ``retries`` the repeated ones and ``rate_limited`` the 429 responses.

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
    delivered: int = 0
    rejected: int = 0
    failed: int = 0
    already_delivered: int = 0
    already_rejected: int = 0
    planned_requests: int = 0
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    elapsed_s: float = 0.0
    warnings: int = 0
    normalised: dict[str, int] = field(default_factory=dict)
    invalid_values: dict[str, int] = field(default_factory=dict)

    def count_problem(self, object_slug: str, attribute: str | None) -> None:
        name = f"{object_slug}.{attribute}" if attribute else object_slug
        self.invalid_values[name] = self.invalid_values.get(name, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def delivery_summary(self) -> str:
        """Return the summary of a live run."""
        text = (
            f"{count_of(self.read, 'event')} read: {self.delivered} delivered, {self.rejected} rejected, "
            f"{self.failed} failed, {self.invalid} invalid, {self.unmatched} unmatched, {self.duplicate} duplicate"
        )
        if self.already_delivered or self.already_rejected:
            text += f", {self.already_delivered} already delivered, {self.already_rejected} already rejected"
        text += (
            f"; {count_of(self.requests, 'request')} in {self.elapsed_s:.1f} s"
            f" ({self.retries} retried, {self.rate_limited} rate-limited)"
        )
        return text

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
        # Delivery workers write rejects from their own threads.
        self._lock = threading.Lock()

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
        answer: dict[str, Any] | None = None,
    ) -> None:
        """Write one reject. ``event_json`` is the event exactly as the input had it (JSON text).

        ``answer`` is Attio's response to a rejected or failed request: status, code and message.
        """
        record = {"input": input, "line": line, "message_id": message_id, "stage": stage, "reason": reason}
        if subscription is not None:
            record["subscription"] = subscription
        if answer is not None:
            record["answer"] = answer
        # The original bytes are spliced in, not re-serialised, so the event comes back unchanged.
        data = orjson.dumps(record)[:-1] + b',"event":' + event_json.strip() + b"}\n"
        with self._lock:
            self.count += 1
            if self.stream is not None:
                self.stream.write(data)
                # Flushed at once, so a run that is killed keeps every reject it wrote.
                self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
