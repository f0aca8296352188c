"""``attio-cli sandbox``: serve the sandbox, and inspect its database with ``dump`` and ``stats``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import orjson
import typer

from attio_cli.errors import CliError, ConfigError
from attio_cli.sandbox.database import Database
from attio_cli.sandbox.options import (
    DEFAULT_READ_RATE,
    DEFAULT_TOKEN,
    DEFAULT_WRITE_RATE,
    TOKEN_ENVIRONMENT_VARIABLE,
    SandboxOptions,
)
from attio_cli.sandbox.server import SandboxServer
from attio_cli.sandbox.service import stats_document

sandbox_app = typer.Typer(
    name="sandbox",
    help=(
        "Run a local server that responds like Attio's REST API, to rehearse a backfill with "
        "`attio-cli push --base-url`. Records stay in memory unless --db names a file."
    ),
    add_completion=False,
    pretty_exceptions_enable=False,
)


@sandbox_app.callback(invoke_without_command=True)
def serve(
    context: typer.Context,
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on; 0 picks a free port.")] = 0,
    host: Annotated[str, typer.Option("--host", help="Address to listen on. Only loopback addresses unless --allow-remote.")] = "127.0.0.1",
    port_file: Annotated[
        Optional[Path], typer.Option("--port-file", help="Write the bound port to this file once the server listens.", dir_okay=False)
    ] = None,
    db: Annotated[
        Optional[Path], typer.Option("--db", help="SQLite file that keeps records and counters across restarts; default: memory only.", dir_okay=False)
    ] = None,
    schema: Annotated[
        Optional[Path],
        typer.Option("--schema", help="Schema file from `attio-cli schema pull`; default: Attio's standard objects.", dir_okay=False),
    ] = None,
    token: Annotated[
        Optional[str],
        typer.Option(
            "--token",
            envvar=TOKEN_ENVIRONMENT_VARIABLE,
            help=f'Bearer token that clients must send; default "{DEFAULT_TOKEN}".',
            show_default=False,
        ),
    ] = None,
    write_rate: Annotated[
        int, typer.Option("--write-rate", help="Writes allowed per clock second before 429; 0 means no limit.")
    ] = DEFAULT_WRITE_RATE,
    read_rate: Annotated[
        int, typer.Option("--read-rate", help="Reads allowed per clock second before 429; 0 means no limit.")
    ] = DEFAULT_READ_RATE,
    fail_rate: Annotated[
        float, typer.Option("--fail-rate", help="Share of writes (0 to 1) that get 500 or 503 without being processed.")
    ] = 0.0,
    drop_rate: Annotated[
        float, typer.Option("--drop-rate", help="Share of writes (0 to 1) whose connection is closed without a response or processing.")
    ] = 0.0,
    latency: Annotated[float, typer.Option("--latency", help="Milliseconds to wait before sending each response.")] = 0.0,
    seed: Annotated[
        Optional[int], typer.Option("--seed", help="Seed for injected faults and record ids, to reproduce a run.", show_default=False)
    ] = None,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow a --host that is not a loopback address (plain HTTP, no TLS).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log only warnings and errors.")] = False,
) -> None:
    """Serve the sandbox until Ctrl-C or SIGTERM; the base URL goes to stderr."""
    if context.invoked_subcommand is not None:
        return

    # Imported here so that `dump` and `stats` do not load the server.
    from attio_cli.sandbox.runner import serve as serve_forever

    _configure_logging(logging.WARNING if quiet else logging.INFO)
    options = SandboxOptions(
        host=host,
        port=port,
        port_file=port_file,
        db=db,
        schema=schema,
        token=token if token is not None else DEFAULT_TOKEN,
        write_rate=write_rate,
        read_rate=read_rate,
        fail_rate=fail_rate,
        drop_rate=drop_rate,
        latency_ms=latency,
        seed=seed,
        allow_remote=allow_remote,
    )

    def announce(server: SandboxServer) -> None:
        typer.echo(f"attio-cli sandbox: listening on {server.base_url}", err=True)
        typer.echo(
            f"Push to it with: attio-cli push FILE -m MAPPING --base-url {server.base_url} "
            "(with the sandbox token in ATTIO_API_TOKEN). Stop with Ctrl-C.",
            err=True,
        )

    try:
        serve_forever(options, announce)
    except OSError as error:
        raise ConfigError(
            f"cannot listen on {host} port {port}: {error.strerror or error}",
            hint="Pick another --port, or --port 0 for any free port.",
        ) from None


@sandbox_app.command()
def dump(
    db: Annotated[Path, typer.Option("--db", help="Sandbox database file to read.", dir_okay=False)],
    object_key: Annotated[
        Optional[str], typer.Option("--object", help="Print only this object's records (slug or id).", show_default=False)
    ] = None,
    dropped: Annotated[
        bool, typer.Option("--dropped", help="Print the dropped batch assertions, with their error, instead of records.")
    ] = False,
) -> None:
    """Print stored records as NDJSON, in Attio's record shape and in creation order."""
    database = Database.open_read_only(db)
    try:
        lines = database.read_dropped() if dropped else database.read_records(object_key)
        _write_ndjson(lines)
    finally:
        database.close()


@sandbox_app.command()
def stats(
    db: Annotated[Path, typer.Option("--db", help="Sandbox database file to read.", dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as one JSON object.")] = False,
) -> None:
    """Print record counts per object, requests served, 429s, injected faults and dropped batch assertions."""
    database = Database.open_read_only(db)
    try:
        document = stats_document(database.object_counts(), database.read_counters())
    finally:
        database.close()
    if as_json:
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        typer.echo(format_stats(document))


def format_stats(document: dict[str, Any]) -> str:
    """Render the statistics as short lines of text."""
    records = document["records"]
    record_text = ", ".join(f"{slug} {count}" for slug, count in records.items()) or "none"
    statuses = ", ".join(f"{status}: {count}" for status, count in document["responses_by_status"].items()) or "none"
    lines = [
        f"records: {record_text}",
        f"requests served: {document['requests']} (reads {document['reads']}, writes {document['writes']}, "
        f"unauthorized {document['unauthorized']})",
        f"connections opened: {document['connections']}",
        f"responses by status: {statuses}",
        f"rate limited (429): {document['rate_limited']}",
        f"injected faults: {document['injected_failures']} got 500 or 503, {document['injected_drops']} connections dropped",
        f"batch requests: {document['batch_requests']}, assertions {document['batch_assertions']}, "
        f"dropped {document['batch_assertions_dropped']}",
    ]
    if document["server_errors"]:
        lines.append(f"sandbox errors (500): {document['server_errors']}")
    return "\n".join(lines)


def _write_ndjson(items: Any) -> None:
    stream = sys.stdout.buffer
    try:
        buffer: list[bytes] = []
        for item in items:
            buffer.append(orjson.dumps(item))
            if len(buffer) >= 512:
                stream.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
        if buffer:
            stream.write(b"\n".join(buffer) + b"\n")
        stream.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`), so stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each message, as test runners swap it."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_logging(level: int) -> None:
    logger = logging.getLogger("attio_cli.sandbox")
    if not logger.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("attio-cli sandbox: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)


def main() -> None:
    """Run the sandbox command on its own (``python -m attio_cli.sandbox``), printing errors as attio-cli does."""
    try:
        sandbox_app(prog_name="attio-cli sandbox")
    except CliError as error:
        typer.echo(f"error: {error.message}", err=True)
        if error.hint:
            typer.echo(f"hint: {error.hint}", err=True)
        sys.exit(error.exit_status)
