"""One live run: wire the pipeline to the sender, the state file and the progress bar, then run it."""

from __future__ import annotations

import os
import signal
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer

from attio_cli.api_client import AttioClient
from attio_cli.delivery.ledger import EventLedger
from attio_cli.delivery.pacing import RateLimiter, RetryPolicy
from attio_cli.delivery.progress import DeliveryProgress
from attio_cli.delivery.sender import FatalDeliveryError, LiveSender
from attio_cli.delivery.state import RunFingerprint, StateFile, StateFileError
from attio_cli.errors import InputError
from attio_cli.exit_status import ExitStatus
from attio_cli.pipeline import Pipeline
from attio_cli.reader import STDIN, SourceLine, iter_lines
from attio_cli.report import RejectsWriter


@dataclass(slots=True)
class LiveSettings:
    """The options of a live run that are not part of the pipeline."""

    style: str
    concurrency: int
    rate: float
    max_retries: int
    max_retry_time: float
    state_path: Path | None
    resume: bool
    mapping_paths: list[str]
    verbose: bool
    # Options that change which events are sent or what they contain; a resume must keep them.
    fingerprint_settings: dict[str, object] | None = None


@dataclass(slots=True)
class LiveResult:
    """The end of a live run: its exit status, and the error to print after the summary, if any."""

    exit_status: int
    read_error: InputError | None = None
    fatal: FatalDeliveryError | None = None


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM (e.g. from a job scheduler) stops the run the same way as Ctrl-C.
    raise KeyboardInterrupt


def _log(message: str) -> None:
    typer.echo(f"request: {message}", err=True)


def _total_bytes(files: list[str]) -> int | None:
    """Return the size of all inputs when every one is a regular file, for the progress bar."""
    total = 0
    for name in files:
        if name == STDIN:
            return None
        try:
            info = os.stat(name)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        total += info.st_size
    return total


def _counted(lines: Iterator[SourceLine], progress: DeliveryProgress) -> Iterator[SourceLine]:
    for source_line in lines:
        progress.bytes_read += len(source_line.text) + 1
        yield source_line


def open_state(settings: LiveSettings, files: list[str], base_url: str) -> StateFile | None:
    """Create or resume the --state file; raises ConfigError when it cannot be used."""
    if settings.state_path is None:
        return None
    fingerprint = RunFingerprint.build(files, settings.mapping_paths, style=settings.style, base_url=base_url, settings=settings.fingerprint_settings)
    if settings.resume:
        return StateFile.resume(settings.state_path, fingerprint)
    return StateFile.create(settings.state_path, fingerprint)


def deliver(
    pipeline: Pipeline, client: AttioClient, files: list[str], settings: LiveSettings, rejects: RejectsWriter, state: StateFile | None
) -> LiveResult:
    """Run the pipeline with live delivery and return how the run ended.

    Ctrl-C (or SIGTERM) stops reading, lets the requests in flight finish, fails the events not
    yet sent, saves the state and returns exit status 130. A second Ctrl-C while waiting stops at
    once. The caller closes ``state``.
    """
    report = pipeline.report
    sender: LiveSender | None = None

    def record_state(input_name: str, line: int, outcome: str) -> None:
        try:
            state.record(input_name, line, outcome)
        except StateFileError as error:
            # Delivery without a working state file could not be resumed, so it stops here.
            sender.stop(FatalDeliveryError(f"the state file cannot be written: {error.message}", exit_status=ExitStatus.USAGE_ERROR))

    ledger = EventLedger(report, rejects, record_state=record_state if state is not None else None)
    sender = LiveSender(
        client,
        style=settings.style,
        report=report,
        ledger=ledger,
        limiter=RateLimiter(settings.rate or 0),
        policy=RetryPolicy(max_retries=settings.max_retries, max_elapsed_s=settings.max_retry_time),
        concurrency=settings.concurrency,
        log=_log if settings.verbose else None,
    )
    pipeline.writer = sender
    pipeline.should_stop = lambda: sender.stopped
    if state is not None and settings.resume:
        pipeline.settled_before = lambda source: state.is_settled(source.input, source.line)

    progress = DeliveryProgress(report, _total_bytes(files)) if DeliveryProgress.enabled() and not settings.verbose else None
    lines = iter_lines(files)
    if progress is not None:
        lines = _counted(lines, progress)

    started = time.monotonic()
    result = LiveResult(ExitStatus.OK)
    interrupted = False
    sender.start()
    if progress is not None:
        progress.start()
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            pipeline.run(lines)
        except InputError as error:
            result.read_error = error
        except KeyboardInterrupt:
            interrupted = True
            typer.echo("note: interrupted; waiting for the requests in flight (press Ctrl-C again to stop at once)", err=True)
            sender.stop()
        try:
            sender.close()
        except KeyboardInterrupt:
            interrupted = True
            sender.stop()
            sender.ledger.settle_remaining("not confirmed, because the run was interrupted")
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        if progress is not None:
            progress.stop()
        report.elapsed_s = round(time.monotonic() - started, 3)
        if state is not None:
            state.close()
        rejects.close()

    result.fatal = sender.fatal
    if sender.fatal is not None:
        result.exit_status = sender.fatal.exit_status
    elif interrupted:
        result.exit_status = ExitStatus.INTERRUPTED
    elif report.invalid or report.rejected or report.failed or report.already_rejected:
        result.exit_status = ExitStatus.EVENTS_NOT_DELIVERED
    return result
