"""Options that several commands share, and the set-up they drive (schema, value checker, messages)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from attio_cli.errors import ConfigError
from attio_cli.record_check import RecordChecker
from attio_cli.requests import EventSource
from attio_cli.schema import Schema
from attio_cli.schema_file import DEFAULT_SCHEMA_PATH, load_schema_file
from attio_cli.values.phones import normalise_region

class ApiStyle(str, Enum):
    public = "public"
    segment = "segment"


ApiOption = Annotated[ApiStyle, typer.Option("--api", help="Request style: Attio's documented API, or exactly Segment's requests.")]
SchemaOption = Annotated[
    Optional[Path],
    typer.Option(
        "--schema",
        help=f"Workspace schema file written by 'attio-cli schema pull'. Default: {DEFAULT_SCHEMA_PATH} when it exists, else Attio's standard objects.",
        dir_okay=False,
        show_default=False,
    ),
]
TokenOption = Annotated[
    Optional[str],
    typer.Option("--token", help="Attio API token. Default: the ATTIO_API_TOKEN environment variable.", show_default=False),
]
BaseUrlOption = Annotated[str, typer.Option("--base-url", help="Attio API origin, without /v2.")]
AllowInsecureOption = Annotated[
    bool, typer.Option("--allow-insecure", help="Allow plain http to a host that is not loopback; the token then travels unencrypted.")
]
DefaultCountryOption = Annotated[
    Optional[str],
    typer.Option(
        "--default-country",
        help="Country (ISO 3166-1 alpha-2, e.g. US) of phone numbers written without +; the public style converts them to E.164.",
        show_default=False,
    ),
]

# Value warnings printed per object.attribute before the rest are only counted.
MAX_WARNINGS_SHOWN = 5


def notice(message: str) -> None:
    typer.echo(f"note: {message}", err=True)


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def resolve_schema(schema_path: Path | None) -> Schema:
    """Return the schema to check values with: the given file, the default file, or the built-in one."""
    if schema_path is not None:
        return load_schema_file(schema_path)
    if DEFAULT_SCHEMA_PATH.is_file():
        schema = load_schema_file(DEFAULT_SCHEMA_PATH)
        notice(f"checking values against the workspace schema in {DEFAULT_SCHEMA_PATH}")
        return schema
    return Schema.builtin()


def checked_region(default_country: str | None) -> str | None:
    """Return the region code for ``--default-country``, or raise ConfigError if it is unknown."""
    try:
        return normalise_region(default_country)
    except ValueError:
        raise ConfigError(
            f"--default-country {default_country!r} is not a country code that phone numbers use",
            hint="Use an ISO 3166-1 alpha-2 code such as US, GB or DE.",
        ) from None


def record_checker(schema: Schema, style: str, default_country: str | None) -> RecordChecker:
    """Build the value checker, with a note the first time an object or attribute passes unchecked."""
    region = checked_region(default_country)
    built_in = not schema.complete

    def on_unchecked(name: str) -> None:
        where = "Attio's standard objects" if built_in else f"the schema {schema.source}"
        hint = "; pull the workspace schema with 'attio-cli schema pull' to check it" if built_in else ""
        notice(f"{name} is not in {where}, so its values pass unchecked{hint}")

    return RecordChecker(schema, style=style, default_country=region, on_unchecked=on_unchecked)


class WarningPrinter:
    """Prints value warnings on stderr with the event's file and line, a few per attribute."""

    def __init__(self, limit: int = MAX_WARNINGS_SHOWN):
        self.limit = limit
        self.counts: dict[str, int] = {}

    def __call__(self, source: EventSource, name: str, message: str) -> None:
        count = self.counts.get(name, 0) + 1
        self.counts[name] = count
        if count <= self.limit:
            warn(f"{source.input}:{source.line}: {name.split('.', 1)[0]}.{message}")

    def print_hidden(self) -> None:
        """Say how many warnings per attribute were counted but not printed."""
        for name, count in self.counts.items():
            if count > self.limit:
                warn(f"{count - self.limit} more warnings for {name}; the report counts them all")
