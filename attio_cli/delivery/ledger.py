"""The event ledger: which events are still being delivered, and how each one ended.

An event can need several jobs (one per subscription that planned it), and a batch job covers
many events. The ledger collects the job results per event and settles the event once the
pipeline has given its number of jobs and all of them have reported: delivered, rejected by
Attio, or failed after retries. Settled events are counted, written to the state file and, when
they were not delivered, to the rejects file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from attio_cli.report import RejectsWriter, RunReport
from attio_cli.requests import EventSource

DELIVERED = "delivered"
REJECTED = "rejected"
FAILED = "failed"

# A worse outcome wins when an event's jobs end differently.
_RANK = {DELIVERED: 0, REJECTED: 1, FAILED: 2}


@dataclass(slots=True)
class JobOutcome:
    """The end of one job for one of its events; ``reason`` is set unless it was delivered."""

    outcome: str
    reason: str | None = None
    subscription: str | None = None
    # Attio's HTTP status, error code and message, kept in the rejects file.
    answer: dict | None = None


@dataclass(slots=True)
class _Event:
    source: EventSource
    expected_jobs: int | None = None
    counted: bool = True
    event_json: bytes = b""
    results: list[JobOutcome] = field(default_factory=list)


class EventLedger:
    """Thread-safe accounting of events from their first job to their outcome.

    ``record_state`` is called with (input, line, outcome) for every event that is settled as
    delivered or rejected, so a resumed run skips it. Failed events are not recorded, so a resume
    tries them again.
    """

    def __init__(
        self,
        report: RunReport,
        rejects: RejectsWriter,
        record_state: Callable[[str, int, str], None] | None = None,
        on_settled: Callable[[str], None] = lambda outcome: None,
    ):
        self.report = report
        self.rejects = rejects
        self.record_state = record_state
        self.on_settled = on_settled
        # Re-entrant: settling an event can stop the run, which fails the queued jobs through
        # job_done on the same thread.
        self._lock = threading.RLock()
        self._events: dict[tuple[str, int], _Event] = {}

    def open_job(self, sources: list[EventSource]) -> None:
        """Note that a job for these events was handed to delivery."""
        with self._lock:
            for source in sources:
                key = (source.input, source.line)
                if key not in self._events:
                    self._events[key] = _Event(source)

    def begin_event(self, source: EventSource, event_json: bytes) -> None:
        """Note an event before its jobs are planned, so that a stop part-way still finds it."""
        with self._lock:
            key = (source.input, source.line)
            if key not in self._events:
                self._events[key] = _Event(source, event_json=event_json)

    def end_event(self, source: EventSource, jobs: int, *, counted: bool, event_json: bytes) -> None:
        """Say how many jobs the event has in all; ``counted`` is false for an event counted as invalid.

        An event that is invalid for one subscription but planned for another is delivered for
        the other, and its outcome is not counted again, because the report has it as invalid.
        """
        with self._lock:
            key = (source.input, source.line)
            event = self._events.get(key)
            if event is None:
                event = self._events[key] = _Event(source)
            if jobs == 0:
                # Every subscription found the event invalid; the pipeline has counted it.
                del self._events[key]
                return
            event.expected_jobs = jobs
            event.counted = counted
            event.event_json = event_json
            self._settle_if_complete(key, event)

    def job_done(self, sources: list[EventSource], outcomes: list[JobOutcome]) -> None:
        """Record a job's outcome for each of its events (``outcomes`` aligned with ``sources``)."""
        with self._lock:
            for source, outcome in zip(sources, outcomes):
                key = (source.input, source.line)
                event = self._events.get(key)
                if event is None:
                    continue
                event.results.append(outcome)
                self._settle_if_complete(key, event)

    def settle_remaining(self, reason: str) -> None:
        """Settle every event still open as failed with ``reason``; used when the run stops early."""
        with self._lock:
            for key, event in list(self._events.items()):
                if event.expected_jobs is None:
                    # The stop came while the pipeline was planning this event, so it never
                    # counted it; it counts as planned here, and then as failed.
                    self.report.planned += 1
                missing = (event.expected_jobs or len(event.results) + 1) - len(event.results)
                event.results.extend(JobOutcome(FAILED, reason) for _ in range(max(missing, 0)))
                event.expected_jobs = len(event.results)
                self._settle_if_complete(key, event)

    def _settle_if_complete(self, key: tuple[str, int], event: _Event) -> None:
        if event.expected_jobs is None or len(event.results) < event.expected_jobs:
            return
        del self._events[key]
        worst = max(event.results, key=lambda result: _RANK[result.outcome], default=JobOutcome(DELIVERED))
        for result in event.results:
            if result.outcome != DELIVERED:
                self._write_reject(event, result)

        if not event.counted:
            return
        report = self.report
        if worst.outcome == DELIVERED:
            report.delivered += 1
        elif worst.outcome == REJECTED:
            report.rejected += 1
        else:
            report.failed += 1
        if self.record_state is not None and worst.outcome != FAILED:
            self.record_state(event.source.input, event.source.line, worst.outcome)
        self.on_settled(worst.outcome)

    def _write_reject(self, event: _Event, result: JobOutcome) -> None:
        self.rejects.write(
            input=event.source.input,
            line=event.source.line,
            message_id=event.source.message_id,
            stage=result.outcome,
            reason=result.reason or result.outcome,
            event_json=event.event_json or b"null",
            subscription=result.subscription,
            answer=result.answer,
        )
