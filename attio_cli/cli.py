"""Command-line interface. Data goes to stdout; summaries, warnings and errors go to stderr."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import orjson
import typer

from attio_cli import __version__
from attio_cli.api_client import DEFAULT_BASE_URL, check_base_url
from attio_cli.cli_options import (
    ApiOption,
    ApiStyle,
    DefaultCountryOption,
    SchemaOption,
    WarningPrinter,
    notice,
    record_checker,
    resolve_schema,
    warn,
)
from attio_cli.cli_schema import objects, schema_app
from attio_cli.cli_validate import validate
from attio_cli.errors import CliError, ConfigError, InputError
from attio_cli.exit_status import ExitStatus
from attio_cli.mapping_file import load_mapping_files
from attio_cli.output import NdjsonWriter, PrettyWriter
from attio_cli.pipeline import Pipeline, PipelineOptions
from attio_cli.plan import Planner
from attio_cli.reader import STDIN, expand_inputs, iter_lines
from attio_cli.report import RejectsWriter
from attio_cli.schema_check import check_subscriptions

app = typer.Typer(
    name="attio-cli",
    help="Replay Segment events into Attio: map them like Segment's Attio (Actions) destination, then dry-run or send.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    ndjson = "ndjson"
    pretty = "pretty"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"attio-cli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Replay Segment events into Attio."""


@app.command()
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
    base_url: Annotated[str, typer.Option("--base-url", help="Attio API base URL.")] = DEFAULT_BASE_URL,
    output: Annotated[
        Optional[OutputFormat], typer.Option("--output", "-o", help="Dry-run output: ndjson (default for pipes) or pretty (default on a terminal).", show_default=False)
    ] = None,
    report_file: Annotated[Optional[Path], typer.Option("--report", help="Write the run report as JSON to this file.", dir_okay=False)] = None,
    rejects_file: Annotated[
        Optional[Path], typer.Option("--rejects", help="Write each invalid event as an NDJSON line to this file.", dir_okay=False)
    ] = None,
    dedupe: Annotated[bool, typer.Option("--dedupe/--no-dedupe", help="Skip events whose messageId was already seen.")] = True,
    schema_file: SchemaOption = None,
    default_country: DefaultCountryOption = None,
) -> None:
    """Map events and assert the records in Attio (with --dry-run: print the requests)."""
    if not mapping:
        raise ConfigError("no mapping file given", hint="Pass one with -m, e.g. -m mappings/identify-user.yaml.")
    if not dry_run:
        # TODO: live delivery (client, pacing, retries, state) is not built yet.
        raise ConfigError("sending to Attio is not available in this version", hint="Run with --dry-run to print the requests.")

    subscriptions = load_mapping_files(mapping)
    for subscription in subscriptions:
        for warning in subscription.warnings:
            warn(warning)
    schema = resolve_schema(schema_file)
    checked = check_subscriptions(subscriptions, schema)
    checked.raise_errors()
    for warning in checked.warnings:
        warn(warning)
    checker = record_checker(schema, api.value, default_country)
    files = expand_inputs(inputs or [STDIN])
    # A dry run sends nothing, so any URL that could be an API origin is fine to print.
    base_url = check_base_url(base_url, allow_insecure=True)
    _check_output_paths(files + list(mapping), report_file, rejects_file)
    if sys.stdout is None:
        raise ConfigError("standard output is closed", hint="Redirect it to a file or to /dev/null.")
    if STDIN in files and sys.stdin.isatty():
        notice("reading events from standard input; end with Ctrl-D, or pass files or folders")

    output_format = output or (OutputFormat.pretty if sys.stdout.isatty() else OutputFormat.ndjson)
    writer = PrettyWriter(base_url) if output_format is OutputFormat.pretty else NdjsonWriter(base_url)
    if report_file:
        _check_writable(report_file, "report")
    rejects = RejectsWriter(_open_for_writing(rejects_file, "rejects") if rejects_file else None)
    warnings = WarningPrinter()

    pipeline = Pipeline(
        subscriptions=subscriptions,
        planner=Planner(api.value, schema),
        writer=writer,
        rejects=rejects,
        options=PipelineOptions(dedupe=dedupe),
        on_notice=notice,
        checker=checker,
        on_warning=warnings,
    )
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

    report = pipeline.report
    warnings.print_hidden()
    typer.echo(report.summary(), err=True)
    if report.invalid and not rejects_file:
        notice("pass --rejects FILE to keep the invalid events with their reasons")
    if report_file:
        _write_report(report_file, report.as_dict())
    if read_error is not None:
        raise read_error
    raise typer.Exit(ExitStatus.EVENTS_NOT_DELIVERED if report.invalid else ExitStatus.OK)


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
            raise ConfigError(f"{option} {path} is also an input; writing it would destroy it", hint="Write the file somewhere else.")
        claimed_paths[resolved] = option


def _open_for_writing(path: Path, what: str):
    try:
        return open(path, "wb")  # noqa: SIM115 - closed by RejectsWriter
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


app.command()(validate)
app.command()(objects)
app.add_typer(schema_app, name="schema")


def main() -> None:
    """Run the CLI with one central handler that turns attio-cli's errors into messages and exit statuses.

    Typer itself reports usage errors (exit status 2) and Ctrl-C.
    """
    try:
        app()
    except CliError as error:
        typer.echo(f"error: {error.message}", err=True)
        if error.hint:
            typer.echo(f"hint: {error.hint}", err=True)
        sys.exit(error.exit_status)
