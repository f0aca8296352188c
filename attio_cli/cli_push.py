"""The ``push`` command: map events, then print the requests (``--dry-run``) or send them to Attio."""

from __future__ import annotations

import os
import stat
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import orjson
import typer

from attio_cli.api_client import DEFAULT_BASE_URL, ApiError, AttioClient, check_base_url, resolve_token
from attio_cli.cli_options import (
    AllowInsecureOption,
    ApiOption,
    ApiStyle,
    DefaultCountryOption,
    SchemaOption,
    TokenOption,
    WarningPrinter,
    notice,
    record_checker,
    resolve_schema,
    warn,
)
from attio_cli.delivery.live import LiveSettings, deliver, open_state
from attio_cli.errors import ConfigError, InputError
from attio_cli.exit_status import ExitStatus
from attio_cli.identity import check_identity, read_identity
from attio_cli.mapping_file import load_mapping_files
from attio_cli.output import NdjsonWriter, PrettyWriter
from attio_cli.pipeline import Pipeline, PipelineOptions
from attio_cli.plan import Planner
from attio_cli.reader import STDIN, expand_inputs, iter_lines
from attio_cli.report import RejectsWriter
from attio_cli.schema import Schema
from attio_cli.schema_check import check_subscriptions
from attio_cli.schema_file import DEFAULT_SCHEMA_PATH
from attio_cli.schema_pull import pull_schema


class OutputFormat(str, Enum):
    ndjson = "ndjson"
    pretty = "pretty"


def push(
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(help="NDJSON event files, folders (every *.ndjson, *.jsonl, *.json, *.gz inside) or - for standard input.", show_default=False),
    ] = None,
    mapping: Annotated[
        list[str], typer.Option("--mapping", "-m", help="A YAML mapping file; repeat for several.", show_default=False)
    ] = [],  # noqa: B006 - Typer needs a list default
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the requests instead of sending them; needs no token.")] = False,
    api: ApiOption = ApiStyle.public,
    base_url: Annotated[str, typer.Option("--base-url", help="Attio API origin, without /v2.")] = DEFAULT_BASE_URL,
    output: Annotated[
        Optional[OutputFormat], typer.Option("--output", "-o", help="Dry-run output: ndjson (default for pipes) or pretty (default on a terminal).", show_default=False)
    ] = None,
    report_file: Annotated[Optional[Path], typer.Option("--report", help="Write the run report as JSON to this file.", dir_okay=False)] = None,
    rejects_file: Annotated[
        Optional[Path], typer.Option("--rejects", help="Write each invalid, rejected or failed event as an NDJSON line to this file.", dir_okay=False)
    ] = None,
    dedupe: Annotated[bool, typer.Option("--dedupe/--no-dedupe", help="Skip events whose messageId was already seen.")] = True,
    schema_file: SchemaOption = None,
    default_country: DefaultCountryOption = None,
    token: TokenOption = None,
    allow_insecure: AllowInsecureOption = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight at once.")] = 4,
    rate: Annotated[float, typer.Option("--rate", min=0, help="Writes per second at most; 0 means no limit. Attio allows 25.")] = 25.0,
    max_retries: Annotated[int, typer.Option("--max-retries", min=0, help="Retries of one request after a server error, timeout or lost connection.")] = 8,
    max_retry_time: Annotated[float, typer.Option("--max-retry-time", min=1, help="Seconds one request may keep being retried, 429 waits included.")] = 600.0,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds to wait for one response.")] = 30.0,
    state_file: Annotated[
        Optional[Path], typer.Option("--state", help="Record delivered events in this file as the run goes, for --resume.", dir_okay=False)
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip the events that the --state file records as delivered or rejected.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request (method, path, status, time) on stderr; never the token.")] = False,
) -> None:
    """Map events and assert the records in Attio (with --dry-run: print the requests)."""
    if not mapping:
        raise ConfigError("no mapping file given", hint="Pass one with -m, e.g. -m mappings/identify-user.yaml.")
    if resume and state_file is None:
        raise ConfigError("--resume needs the --state file of the earlier run", hint="Pass --state FILE with the same file.")
    if dry_run and state_file is not None:
        raise ConfigError("--state is for live runs; a dry run sends nothing to record", hint="Leave out --state, or --dry-run.")

    subscriptions = load_mapping_files(mapping)
    for subscription in subscriptions:
        for warning in subscription.warnings:
            warn(warning)
    files = expand_inputs(inputs or [STDIN])
    if state_file is not None:
        _check_trackable(files)
    claimed = files + list(mapping) + ([str(state_file)] if state_file else [])
    _check_output_paths(claimed, report_file, rejects_file)
    if report_file:
        _check_writable(report_file, "report")
    if STDIN in files and sys.stdin.isatty():
        notice("reading events from standard input; end with Ctrl-D, or pass files or folders")

    client: AttioClient | None = None
    fatal = None
    if dry_run:
        # A dry run sends nothing, so any URL that could be an API origin is fine to print.
        base_url = check_base_url(base_url, allow_insecure=True)
        schema = resolve_schema(schema_file)
    else:
        base_url = check_base_url(base_url, allow_insecure=allow_insecure)
        client = AttioClient(
            base_url, resolve_token(token), timeout=timeout, connections=concurrency, on_wait=notice, retry_time=max_retry_time
        )
        schema = _connect(client, schema_file)

    state = None
    try:
        checked = check_subscriptions(subscriptions, schema)
        checked.raise_errors()
        for warning in checked.warnings:
            warn(warning)
        checker = record_checker(schema, api.value, default_country)
        settings = LiveSettings(
            style=api.value,
            concurrency=concurrency,
            rate=rate,
            max_retries=max_retries,
            max_retry_time=max_retry_time,
            state_path=state_file,
            resume=resume,
            mapping_paths=list(mapping),
            verbose=verbose,
            fingerprint_settings={"dedupe": dedupe, "default_country": default_country, "schema": str(schema_file) if schema_file else None},
        )
        # The state file is checked before the rejects file is opened, so a rejected resume
        # leaves the earlier run's rejects alone. A resumed run appends to them.
        if not dry_run:
            state = open_state(settings, files, base_url)
        rejects = RejectsWriter(_open_for_writing(rejects_file, "rejects", append=resume) if rejects_file else None)
        warnings = WarningPrinter()
        pipeline = Pipeline(
            subscriptions=subscriptions,
            planner=Planner(api.value, schema),
            writer=None,  # set below
            rejects=rejects,
            options=PipelineOptions(dedupe=dedupe),
            on_notice=notice,
            checker=checker,
            on_warning=warnings,
        )
        if dry_run:
            read_error = _print_requests(pipeline, files, base_url, output, rejects)
            report = pipeline.report
            exit_status = ExitStatus.EVENTS_NOT_DELIVERED if report.invalid else ExitStatus.OK
            summary = report.summary()
        else:
            live = deliver(pipeline, client, files, settings, rejects, state)
            read_error, exit_status, fatal = live.read_error, live.exit_status, live.fatal
            report = pipeline.report
            summary = report.delivery_summary()
    finally:
        if client is not None:
            client.close()
        if state is not None:
            state.close()

    warnings.print_hidden()
    typer.echo(summary, err=True)
    if (report.invalid or report.rejected or report.failed) and not rejects_file:
        notice("pass --rejects FILE to keep the events that were not delivered, with their reasons")
    if report_file:
        _write_report(report_file, report.as_dict())
    if fatal is not None:
        error = ApiError(fatal.message, hint=fatal.hint)
        error.exit_status = fatal.exit_status
        raise error
    if read_error is not None:
        raise read_error
    raise typer.Exit(exit_status)


def _check_trackable(files: list[str]) -> None:
    """Refuse --state for inputs that are not regular files.

    Lines are recorded by number, and nothing can tell whether a second pipe carries the same
    events as the first.
    """
    for name in files:
        if name == STDIN or not stat.S_ISREG(os.stat(name).st_mode):
            shown = "standard input" if name == STDIN else f"{name}, which is not a regular file,"
            raise ConfigError(f"--state cannot track {shown}", hint="Write the events to a file and push that file.")


def _connect(client: AttioClient, schema_file: Path | None) -> Schema:
    """Check the token once, and return the schema: from a file, or read from the workspace once."""
    identity = read_identity(client)
    check_identity(identity)
    workspace = identity.workspace_name or identity.workspace_slug or identity.workspace_id or "the workspace"
    notice(f"sending to {workspace} at {client.base_url}")
    if schema_file is not None or DEFAULT_SCHEMA_PATH.is_file():
        return resolve_schema(schema_file)
    started = time.monotonic()
    schema, _ = pull_schema(client)
    notice(f"read the workspace schema in {time.monotonic() - started:.1f} s; save it with 'attio-cli schema pull' to skip this")
    return schema


def _print_requests(pipeline: Pipeline, files: list[str], base_url: str, output: OutputFormat | None, rejects: RejectsWriter) -> InputError | None:
    """Run a dry run, printing the requests on stdout; return a read error that stopped it part-way."""
    if sys.stdout is None:
        raise ConfigError("standard output is closed", hint="Redirect it to a file or to /dev/null.")
    output_format = output or (OutputFormat.pretty if sys.stdout.isatty() else OutputFormat.ndjson)
    writer = PrettyWriter(base_url) if output_format is OutputFormat.pretty else NdjsonWriter(base_url)
    pipeline.writer = writer
    # A read error part-way (e.g. a truncated gzip file) still flushes and reports what was
    # planned before it, then stops with that error.
    read_error: InputError | None = None
    try:
        try:
            pipeline.run(iter_lines(files))
        except InputError as error:
            read_error = error
        writer.close()
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`): stop quietly, as Unix tools do. Point
        # stdout at /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(ExitStatus.BROKEN_PIPE) from None
    except OSError as error:
        raise ConfigError(f"writing the requests to standard output failed: {error.strerror}") from None
    finally:
        rejects.close()
    return read_error


def _check_output_paths(inputs: list[str], report_file: Path | None, rejects_file: Path | None) -> None:
    """Refuse an output file that is also an input or the other output, before anything is written."""
    if report_file and rejects_file and report_file.resolve() == rejects_file.resolve():
        raise ConfigError("--report and --rejects name the same file", hint="Give each its own file.")
    claimed_paths = {Path(name).resolve(): name for name in inputs if name != STDIN}
    for option, path in (("--rejects", rejects_file), ("--report", report_file)):
        if path is None:
            continue
        resolved = path.resolve()
        if resolved in claimed_paths:
            raise ConfigError(f"{option} {path} is also an input, a mapping or the --state file; writing it would destroy it", hint="Write the file somewhere else.")
        claimed_paths[resolved] = option


def _open_for_writing(path: Path, what: str, *, append: bool = False):
    try:
        return open(path, "ab" if append else "wb")  # noqa: SIM115 - closed by RejectsWriter
    except OSError as error:
        raise ConfigError(f"cannot write the {what} file {path}: {error.strerror}") from None


def _check_writable(path: Path, what: str) -> None:
    """Fail before reading any event if a file that is written at the end cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigError(f"cannot write the {what} file {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"cannot write the {what} file {path}: permission denied")


def _write_report(path: Path, data: dict) -> None:
    try:
        path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    except OSError as error:
        raise ConfigError(f"cannot write the report file {path}: {error.strerror}") from None

