"""Live delivery: the request writer that sends planned requests to Attio.

The pipeline hands over one job at a time: the ordered steps of one event for one subscription,
or one batch request. Worker threads send the jobs, ``--concurrency`` at a time, in input order
per record (see ``ordering``), paced by the rate limiter and retried by the retry policy. The
ledger turns job results into event outcomes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from attio_cli.api_client import AttioClient
from attio_cli.delivery.ledger import DELIVERED, FAILED, REJECTED, EventLedger, JobOutcome
from attio_cli.delivery.ordering import OrderedJobQueue, Stopped
from attio_cli.delivery.pacing import Decision, RateLimiter, RetryPolicy, classify, parse_error, rate_limited_pause
from attio_cli.delivery.pacing import Stopped as LimiterStopped
from attio_cli.exit_status import ExitStatus
from attio_cli.report import RunReport, count_of
from attio_cli.requests import EventSource, PlannedRequest, RecordId, record_key

# How many jobs may wait per worker before reading the input pauses.
_WINDOW_PER_WORKER = 16
# Requests in a row that may fail after all their retries before the run stops as if Attio were
# unreachable. Without the stop, an outage would cost every remaining event its whole retry budget.
_MAX_FAILURES_IN_A_ROW = 10


class FatalDeliveryError(Exception):
    """Delivery cannot go on: the token was rejected, Attio stayed unreachable past the retries,
    or the state file cannot be written."""

    def __init__(self, message: str, hint: str | None = None, exit_status: int = ExitStatus.FATAL_API_ERROR):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_status = exit_status


@dataclass(slots=True)
class _Sent:
    """The end of one request after its retries."""

    outcome: str  # DELIVERED, REJECTED or FAILED
    body: Any = None
    reason: str | None = None
    answer: dict | None = None


@dataclass(slots=True)
class _Job:
    requests: list[PlannedRequest]
    subscription: str


def _record_key(request: PlannedRequest) -> tuple:
    return request.record_key or ("request", id(request))


def _batch_keys(request: PlannedRequest) -> list[tuple]:
    """Return the records a batch request writes, nested assertions included."""
    keys = []
    pending = list(request.body.get("assertions", []))
    while pending:
        assertion = pending.pop()
        values = assertion.get("values") or {}
        matching = assertion.get("matching_attribute")
        # The planner's key form, so batched and single jobs for one record stay in order.
        keys.append(record_key(assertion.get("object"), matching, values.get(matching)))
        pending.extend(value for value in values.values() if isinstance(value, dict) and "mode" in value and "values" in value)
    return keys


class LiveSender:
    """Sends jobs to Attio from worker threads; implements the pipeline's request writer.

    ``style`` decides how a record id from an earlier step is written: the public style sends a
    record reference object, the segment style the bare id, as Segment's destination does.
    """

    def __init__(
        self,
        client: AttioClient,
        *,
        style: str,
        report: RunReport,
        ledger: EventLedger,
        limiter: RateLimiter,
        policy: RetryPolicy,
        concurrency: int = 4,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.style = style
        self.report = report
        self.ledger = ledger
        self.limiter = limiter
        self.policy = policy
        self.concurrency = concurrency
        self.log = log
        self.clock = clock
        self.queue: OrderedJobQueue[_Job] = OrderedJobQueue(window=concurrency * _WINDOW_PER_WORKER)
        self.fatal: FatalDeliveryError | None = None
        self.stopping = threading.Event()
        self._counter_lock = threading.Lock()
        self._server_failures = 0
        self._workers = [threading.Thread(target=self._work, name=f"attio-delivery-{index}", daemon=True) for index in range(concurrency)]
        self._started = False

    # Request writer interface ------------------------------------------------------------------

    def start(self) -> None:
        for worker in self._workers:
            worker.start()
        self._started = True

    def write(self, requests: list[PlannedRequest]) -> None:
        """Queue one job; block while delivery is a window behind. After a stop the job fails at once."""
        job = _Job(requests, requests[0].subscription)
        sources = requests[0].sources
        self.ledger.open_job(sources)
        keys = _batch_keys(requests[0]) if requests[0].is_batch else [_record_key(request) for request in requests]
        try:
            self.queue.submit(job, keys)
        except Stopped:
            self._finish_job(job, JobOutcome(FAILED, self._stop_reason(), job.subscription))

    def begin_event(self, source: EventSource, event_json: bytes) -> None:
        self.ledger.begin_event(source, event_json)

    def end_event(self, source: EventSource, jobs: int, *, counted: bool, event_json: bytes) -> None:
        self.ledger.end_event(source, jobs, counted=counted, event_json=event_json)

    def close(self) -> None:
        """Wait until every queued job is delivered, or settle the unsent ones after a stop."""
        self.queue.finish()
        for worker in self._workers:
            if self._started:
                worker.join()
        self.ledger.settle_remaining(self._stop_reason())

    def stop(self, reason: FatalDeliveryError | None = None) -> None:
        """Stop delivery: no new request starts, and the jobs not yet started fail.

        Requests in flight finish. With a ``reason`` the stop is fatal (exit status 3).
        """
        if reason is not None and self.fatal is None:
            self.fatal = reason
        self.stopping.set()
        self.limiter.stop()
        for job in self.queue.close():
            self._finish_job(job, JobOutcome(FAILED, self._stop_reason(), job.subscription))

    @property
    def stopped(self) -> bool:
        return self.stopping.is_set()

    def _stop_reason(self) -> str:
        if self.fatal is not None:
            return f"not sent, because the run stopped: {self.fatal.message}"
        return "not sent, because the run was interrupted"

    # Workers ------------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            try:
                taken = self.queue.take()
            except Stopped:
                return
            if taken is None:
                return
            job, keys = taken
            try:
                self._run(job)
            except Exception as error:  # noqa: BLE001 - one broken job must not end the run silently
                self._finish_job(job, JobOutcome(FAILED, f"delivery failed: {type(error).__name__}: {error}", job.subscription))
            finally:
                self.queue.done(keys)

    def _run(self, job: _Job) -> None:
        first = job.requests[0]
        if first.is_batch:
            self._run_batch(job, first.body["assertions"], first.sources)
            return

        record_ids: dict[int, str] = {}
        for request in job.requests:
            body = self._resolve(request.body, record_ids)
            if body is None:
                self._finish_job(job, JobOutcome(FAILED, f"step {request.step} needs a record id that an earlier step did not return", job.subscription))
                return
            sent = self._send(request.method, request.resolved_path(record_ids), body)
            if sent.outcome != DELIVERED:
                reason = f"step {request.step} ({request.method} {request.resolved_path(record_ids)}): {sent.reason}"
                self._finish_job(job, JobOutcome(sent.outcome, reason, job.subscription, sent.answer))
                return
            record_id = _record_id(sent.body)
            if record_id is not None:
                record_ids[request.step] = record_id
        self._finish_job(job, JobOutcome(DELIVERED, subscription=job.subscription))

    def _run_batch(self, job: _Job, assertions: list[dict], sources: list[EventSource]) -> None:
        """Send a batch; when Attio rejects it, split it in halves until the bad assertions are alone."""
        sent = self._send("PUT", "/v2/batch/records", {"assertions": assertions})
        # Only a 400 can be about some of the assertions, because any other status is about the request.
        if sent.outcome == REJECTED and sent.answer is not None and sent.answer.get("status") == 400 and len(assertions) > 1:
            middle = len(assertions) // 2
            self._run_batch(job, assertions[:middle], sources[:middle])
            self._run_batch(job, assertions[middle:], sources[middle:])
            return
        outcome = JobOutcome(sent.outcome, None if sent.outcome == DELIVERED else f"batch request: {sent.reason}", job.subscription, sent.answer)
        self.ledger.job_done(sources, [outcome] * len(sources))

    def _finish_job(self, job: _Job, outcome: JobOutcome) -> None:
        sources = job.requests[0].sources
        self.ledger.job_done(sources, [outcome] * len(sources))

    def _resolve(self, value: Any, record_ids: dict[int, str]) -> Any:
        """Return the body with record ids from earlier steps in place, or None if one is missing."""
        if isinstance(value, RecordId):
            record_id = record_ids.get(value.step)
            if record_id is None:
                return None
            if self.style == "segment":
                return record_id
            return [{"target_object": value.object, "target_record_id": record_id}]
        if isinstance(value, dict):
            resolved = {}
            for key, item in value.items():
                checked = self._resolve(item, record_ids)
                if checked is None and item is not None:
                    return None
                resolved[key] = checked
            return resolved
        if isinstance(value, list):
            items = [self._resolve(item, record_ids) for item in value]
            if any(checked is None and item is not None for checked, item in zip(items, value)):
                return None
            return items
        return value

    # One request, with pacing and retries ---------------------------------------------------------

    def _count(self, field: str) -> None:
        with self._counter_lock:
            setattr(self.report, field, getattr(self.report, field) + 1)

    def _note_server_failure(self, what: str) -> None:
        """Stop the run when requests keep failing after all their retries: Attio is down."""
        with self._counter_lock:
            self._server_failures += 1
            failures = self._server_failures
        if failures >= _MAX_FAILURES_IN_A_ROW:
            self.stop(FatalDeliveryError(
                f"{failures} requests in a row failed after all their retries (last: {what}), so Attio looks down",
                hint="Run the same command with --resume later; add --state FILE if this run had none.",
            ))

    def _fatal(self, status: int | None, response: httpx.Response | None, error: BaseException | None) -> tuple[FatalDeliveryError, dict | None]:
        """Describe a response or error after which no request can succeed."""
        if response is None:
            # Never str(error): an error about a malformed request could quote its headers.
            return FatalDeliveryError(
                f"the request to {self.client.base_url} could not be sent: {type(error).__name__}",
                hint="Check --base-url and the token's characters.",
            ), None
        problem = parse_error(response.content, status)
        answer = _answer(status, problem)
        if status in (401, 403):
            message = f"Attio rejected the token: {_status_text(status, problem)}"
            hint = "Check ATTIO_API_TOKEN or --token, and that the token has record_permission:read-write and object_configuration:read."
        else:
            message = f"{self.client.base_url} returned HTTP {status}, which attio-cli does not follow"
            hint = "Check --base-url: it should be the API origin itself, e.g. https://api.attio.com, and answer without redirects."
        return FatalDeliveryError(message, hint=hint), answer

    def _send(self, method: str, path: str, body: Any) -> _Sent:
        content = orjson.dumps(body)
        started = self.clock()
        attempt = 0
        while True:
            if self.stopping.is_set():
                return _Sent(FAILED, reason=self._stop_reason())
            try:
                self.limiter.acquire()
            except LimiterStopped:
                return _Sent(FAILED, reason=self._stop_reason())

            sent_at = self.clock()
            response: httpx.Response | None = None
            error: BaseException | None = None
            try:
                response = self.client.send(method, path, content)
            except httpx.HTTPError as caught:
                error = caught
            self._count("requests")
            status = response.status_code if response is not None else None
            if self.log is not None:
                took = (self.clock() - sent_at) * 1000
                self.log(f"{method} {path} -> {status if status is not None else type(error).__name__} ({took:.0f} ms)")

            decision = classify(status, error)
            if decision is not Decision.RETRY and decision is not Decision.RATE_LIMITED:
                self._server_failures = 0
            if decision is Decision.SUCCESS:
                try:
                    return _Sent(DELIVERED, body=orjson.loads(response.content) if response.content else None)
                except orjson.JSONDecodeError:
                    return _Sent(DELIVERED)
            if decision is Decision.FATAL:
                fatal, answer = self._fatal(status, response, error)
                self.stop(fatal)
                return _Sent(FAILED, reason=fatal.message, answer=answer)
            if decision is Decision.REJECT:
                problem = parse_error(response.content, status)
                reason = f"Attio rejected it: {_status_text(status, problem)}"
                if problem.attribute:
                    reason += f" (attribute {problem.attribute})"
                return _Sent(REJECTED, reason=reason, answer=_answer(status, problem))

            if decision is Decision.RATE_LIMITED:
                self._count("rate_limited")
                pause = rate_limited_pause(response.headers.get("Retry-After"))
                if self.policy.rate_limited_delay(pause, started, self.clock()) is None:
                    reason = f"rate-limited, and the wait of {pause:.0f} s would pass --max-retry-time ({self.policy.max_elapsed_s:.0f} s)"
                    return _Sent(FAILED, reason=reason, answer=_answer(status, None))
                # The limiter keeps every worker waiting until the pause ends, this one included.
                self.limiter.on_rate_limited(pause)
                continue

            attempt += 1
            delay = self.policy.next_delay(attempt, started, self.clock())
            what = f"HTTP {status}" if status is not None else f"{type(error).__name__}: {error}"
            if delay is None:
                if status is None:
                    # No response at all for the whole retry budget: Attio is unreachable.
                    fatal = FatalDeliveryError(
                        f"{self.client.base_url} did not respond after {count_of(attempt, 'attempt')}: {what}",
                        hint="Check the network and --base-url, then run the same command with --resume.",
                    )
                    self.stop(fatal)
                self._note_server_failure(what)
                return _Sent(FAILED, reason=f"failed after {count_of(attempt, 'attempt')}: {what}", answer=_answer(status, None) if status else None)
            if self.stopping.wait(delay):
                return _Sent(FAILED, reason=self._stop_reason())
            self._count("retries")


def _status_text(status: int | None, problem: Any) -> str:
    code = f" {problem.code}" if problem.code else ""
    return f"HTTP {status}{code}: {problem.message}"


def _record_id(body: Any) -> str | None:
    data = body.get("data") if isinstance(body, dict) else None
    identifier = data.get("id") if isinstance(data, dict) else None
    record_id = identifier.get("record_id") if isinstance(identifier, dict) else None
    return record_id if isinstance(record_id, str) else None


def _answer(status: int | None, problem: Any) -> dict:
    answer: dict[str, Any] = {"status": status}
    if problem is not None:
        answer["code"] = problem.code
        answer["message"] = problem.message
        if problem.attribute:
            answer["attribute"] = problem.attribute
    return answer
