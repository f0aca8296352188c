"""Command-line interface. Data goes to stdout; summaries, warnings and errors go to stderr.

Each command lives in its own module. This one registers them and contains the central error handler.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from attio_cli import __version__
from attio_cli.cli_push import push
from attio_cli.cli_schema import objects, schema_app, whoami
from attio_cli.cli_validate import validate
from attio_cli.errors import CliError
from attio_cli.sandbox.cli import sandbox_app

app = typer.Typer(
    name="attio-cli",
    help="Replay Segment events into Attio: map them like Segment's Attio (Actions) destination, then dry-run or send.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


app.command()(push)
app.command()(validate)
app.command()(objects)
app.command()(whoami)
app.add_typer(schema_app, name="schema")
app.add_typer(sandbox_app, name="sandbox")


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
