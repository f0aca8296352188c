"""Commands that read the workspace: ``whoami``, ``schema pull`` and ``objects``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import orjson
import typer

from attio_cli.api_client import DEFAULT_BASE_URL, AttioClient, check_base_url, resolve_token
from attio_cli.cli_options import AllowInsecureOption, BaseUrlOption, SchemaOption, TokenOption, notice, resolve_schema
from attio_cli.identity import REQUIRED_SCOPES, check_identity, read_identity
from attio_cli.schema import Schema
from attio_cli.schema_file import DEFAULT_SCHEMA_PATH, write_schema_file
from attio_cli.schema_pull import pull_schema

schema_app = typer.Typer(help="Read the workspace schema that attribute values are checked against.", no_args_is_help=True)


@schema_app.command("pull")
def pull(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Schema file to write; - writes it to standard output.", dir_okay=False)
    ] = DEFAULT_SCHEMA_PATH,
    token: TokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    allow_insecure: AllowInsecureOption = False,
) -> None:
    """Save the workspace's objects, attributes, select options and statuses to a schema file.

    push and validate read the file from its default location without a token.
    """
    base_url = check_base_url(base_url, allow_insecure=allow_insecure)
    with AttioClient(base_url, resolve_token(token), on_wait=notice) as client:
        schema, document = pull_schema(client, on_object=lambda slug: notice(f"reading the attributes of {slug}"))

    attributes = sum(len(schema_object.attributes) for schema_object in schema.objects.values())
    if str(out) == "-":
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        destination = "standard output"
    else:
        write_schema_file(out, document)
        destination = str(out)
    workspace = f" of workspace {schema.workspace!r}" if schema.workspace else ""
    typer.echo(f"wrote the schema{workspace} to {destination}: {len(schema.objects)} objects, {attributes} attributes", err=True)


def _object_rows(schema: Schema) -> list[tuple[str, str]]:
    return [(schema_object.slug, schema_object.plural_noun or schema_object.singular_noun or "") for schema_object in schema.objects.values()]


def objects(
    schema_file: SchemaOption = None,
    token: TokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    allow_insecure: AllowInsecureOption = False,
    live: Annotated[bool, typer.Option("--live", help="Read the objects from the workspace instead of a schema file.")] = False,
) -> None:
    """List the objects that records can be asserted in: slug and name, one per line, tab-separated.

    The list comes from the schema file, from the workspace with --live, or else from Attio's
    standard objects.
    """
    if live:
        base_url = check_base_url(base_url, allow_insecure=allow_insecure)
        with AttioClient(base_url, resolve_token(token), on_wait=notice) as client:
            body = client.get_json("/v2/objects")
        items = body.get("data") if isinstance(body, dict) else None
        rows = [
            (item.get("api_slug") or "", item.get("plural_noun") or item.get("singular_noun") or "")
            for item in items or []
            if isinstance(item, dict)
        ]
    else:
        schema = resolve_schema(schema_file)
        if not schema.complete:
            notice("listing Attio's standard objects; pass --schema, pull the schema, or use --live for the workspace's own")
        rows = _object_rows(schema)

    for slug, name in rows:
        typer.echo(f"{slug}\t{name}")


def whoami(
    token: TokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    allow_insecure: AllowInsecureOption = False,
) -> None:
    """Print the token's workspace and scopes, and check that it can push records.

    Exits with 3 when the token is refused, inactive, or lacks a scope that push needs.
    """
    base_url = check_base_url(base_url, allow_insecure=allow_insecure)
    with AttioClient(base_url, resolve_token(token), on_wait=notice) as client:
        identity = read_identity(client)
    typer.echo(f"workspace: {identity.workspace_name or '-'} (slug {identity.workspace_slug or '-'}, id {identity.workspace_id or '-'})")
    typer.echo(f"active: {'yes' if identity.active else 'no'}")
    typer.echo(f"scopes: {' '.join(identity.scopes) or '-'}")
    check_identity(identity)
    typer.echo(f"ok: the token can push records ({', '.join(REQUIRED_SCOPES)})", err=True)
