"""The push pipeline: read → route → map → validate → plan, then hand requests to a writer.

Each stage lives in its own module; this one only moves events between them and counts every
input line into exactly one outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import orjson

from attio_cli.actions.assertions import record_writes
from attio_cli.actions.payload import ValidationResult, validate_payload
from attio_cli.mapping_file import Subscription
from attio_cli.mapping_kit import DirectiveError
from attio_cli.output import RequestWriter
from attio_cli.plan import BatchCollector, Planner
from attio_cli.reader import InvalidLine, SourceLine, parse_event
from attio_cli.record_check import CheckOutcome, RecordChecker
from attio_cli.report import RejectsWriter, RunReport
from attio_cli.requests import EventSource, PlannedRequest
from attio_cli.values.base import render


@dataclass
class PipelineOptions:
    dedupe: bool = True
    # False stops after the checks: events are counted as planned but no request is built.
    plan: bool = True


@dataclass
class Pipeline:
    """Runs events through the stages and sends each planned request to ``writer``."""

    subscriptions: list[Subscription]
    planner: Planner
    writer: RequestWriter
    rejects: RejectsWriter
    options: PipelineOptions = field(default_factory=PipelineOptions)
    report: RunReport = field(default_factory=RunReport)
    on_notice: Callable[[str], None] = lambda message: None
    # Checks attribute values against the schema; without one, values go out as mapped.
    checker: RecordChecker | None = None
    # Called with the event's source, "object.attribute" and the message of each value warning.
    on_warning: Callable[[EventSource, str, str], None] = lambda source, name, message: None

    # Returns how an earlier run that this one resumes settled an event ("delivered" or
    # "rejected"), or None when it did not.
    settled_before: Callable[[EventSource], str | None] | None = None
    # Checked after each line; when it returns true, reading stops (e.g. after a fatal delivery error).
    should_stop: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        self._begin_event = None
        self._end_event = None
        self._seen_message_ids: set[str] = set()
        self._batches = BatchCollector()
        self._batch_notice_given = False

    def run(self, lines: Iterable[SourceLine]) -> RunReport:
        """Process every line until ``should_stop`` returns true.

        If reading fails part-way, the open batches are still emitted.
        """
        should_stop = self.should_stop
        # Live delivery needs to know how many jobs each event has; dry-run writers do not.
        self._begin_event = getattr(self.writer, "begin_event", None)
        self._end_event = getattr(self.writer, "end_event", None)
        try:
            for source_line in lines:
                self.process(source_line)
                if should_stop is not None and should_stop():
                    break
        finally:
            self.finish()
        return self.report

    def process(self, source_line: SourceLine) -> None:
        """Count one input line into exactly one outcome, planning its requests if it is valid."""
        report = self.report
        report.read += 1
        try:
            event = parse_event(source_line)
        except InvalidLine as error:
            report.invalid += 1
            self.rejects.write(
                input=source_line.input,
                line=source_line.line,
                message_id=None,
                stage="invalid",
                reason=str(error),
                event_json=orjson.dumps(source_line.text.decode("utf-8", errors="replace").strip()),
            )
            return

        message_id = event.get("messageId")
        if self.options.dedupe and isinstance(message_id, str) and message_id:
            if message_id in self._seen_message_ids:
                report.duplicate += 1
                return
            self._seen_message_ids.add(message_id)

        matched = [subscription for subscription in self.subscriptions if subscription.trigger.matches(event)]
        if not matched:
            report.unmatched += 1
            return
        report.matched += 1

        source = EventSource(source_line.input, source_line.line, message_id if isinstance(message_id, str) else None)
        if self.settled_before is not None:
            earlier = self.settled_before(source)
            if earlier is not None:
                if earlier == "rejected":
                    report.already_rejected += 1
                else:
                    report.already_delivered += 1
                return

        if self._begin_event is not None:
            self._begin_event(source, source_line.text)
        all_valid = True
        planned_jobs = 0
        for subscription in matched:
            reason = self._plan_for(subscription, event, source)
            if reason is None:
                planned_jobs += 1
            else:
                all_valid = False
                self.rejects.write(
                    input=source.input,
                    line=source.line,
                    message_id=source.message_id,
                    stage="invalid",
                    reason=reason,
                    event_json=source_line.text,
                    subscription=subscription.name,
                )
        if all_valid:
            report.planned += 1
        else:
            report.invalid += 1
        if self._end_event is not None:
            self._end_event(source, planned_jobs, counted=all_valid, event_json=source_line.text)

    def _plan_for(self, subscription: Subscription, event: dict, source: EventSource) -> str | None:
        """Plan one subscription's requests for an event; return the reason if the event is invalid."""
        try:
            return self._map_and_plan(subscription, event, source)
        except DirectiveError as error:
            return f"mapping failed: {error}"
        except (RecursionError, orjson.JSONEncodeError) as error:
            # Values nested hundreds of levels deep cannot be mapped or written as JSON.
            return f"the event cannot be mapped or written as JSON: {error}"

    def _map_and_plan(self, subscription: Subscription, event: dict, source: EventSource) -> str | None:
        payload = subscription.compiled.transform(event)
        result = validate_payload(payload, subscription.action, batch=subscription.enable_batching)
        if result.errors:
            return result.message + _values_in_error(result, payload)

        writes = record_writes(subscription.action, result.payload)
        if self.checker is not None:
            outcome = self.checker.check(writes)
            if outcome is not None:
                self._count_outcome(outcome, source, valid=not outcome.problems)
            if outcome is not None and outcome.problems:
                for problem in outcome.problems:
                    self.report.count_problem(problem.object, problem.attribute)
                return "; ".join(str(problem) for problem in outcome.problems)

        if not self.options.plan:
            return None
        if subscription.enable_batching:
            if not self._batch_notice_given:
                self._batch_notice_given = True
                self.on_notice("Attio applies batch requests asynchronously and does not report values it drops, so check the records afterwards.")
            assertion = self.planner.batch_assertion(subscription.action, result.payload, writes)
            # NOTE: an assertion that cannot be serialised fails the whole batch when it is written.
            full_batch = self._batches.add(subscription.location, subscription.name, subscription.batch_size, assertion, source)
            if full_batch is not None:
                self._emit([full_batch])
        else:
            self._emit(self.planner.plan_writes(writes, subscription.name, source))
        return None

    def _count_outcome(self, outcome: CheckOutcome, source: EventSource, *, valid: bool) -> None:
        for name, message in outcome.warnings:
            self.report.warnings += 1
            self.on_warning(source, name, message)
        if not valid:
            return
        normalised = self.report.normalised
        for name in outcome.normalised:
            normalised[name] = normalised.get(name, 0) + 1

    def _emit(self, requests: list[PlannedRequest]) -> None:
        self.writer.write(requests)
        self.report.planned_requests += len(requests)

    def finish(self) -> None:
        """Emit the batches that are not yet full."""
        for request in self._batches.flush():
            self._emit([request])


def _values_in_error(result: ValidationResult, payload: dict) -> str:
    """Name the fields and values that failed payload validation, e.g. ' Got email_address "x".'.

    Segment's messages name a field by its label but leave out the value, which is what a user
    needs to find the event's problem.
    """
    shown: list[str] = []
    for error in result.errors:
        pointer = getattr(error, "pointer", None)
        if not pointer:
            continue
        value: object = payload
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                break
        else:
            text = f"{pointer[1:]} {render(value)}"
            if text not in shown:
                shown.append(text)
    return f" Got {', '.join(shown)}." if shown else ""
