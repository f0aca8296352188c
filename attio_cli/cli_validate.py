"""The ``validate`` command: check mapping files against the schema, and events against both.

The report goes to stdout, because it is this command's output: one line per invalid event, then a
summary by attribute and reason. The exit status follows push: 0 when every event is valid (or
unmatched or a duplicate), 1 when some are invalid, 2 when a mapping is wrong.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Optional

import typer

from attio_cli.cli_options import ApiOption, ApiStyle, DefaultCountryOption, SchemaOption, WarningPrinter, record_checker, resolve_schema, warn
from attio_cli.errors import ConfigError
from attio_cli.exit_status import ExitStatus
from attio_cli.mapping_file import load_mapping_files
from attio_cli.pipeline import Pipeline, PipelineOptions
from attio_cli.plan import Planner
from attio_cli.reader import expand_inputs, iter_lines
from attio_cli.report import RunReport, count_of
from attio_cli.schema_check import check_subscriptions

# JSON strings and numbers inside a reason, masked so that reasons group across events.
_QUOTED_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])')
_ATTRIBUTE_PREFIX = re.compile(r"^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(?:\[\d+\])?: ")
_MAX_REASON_GROUPS = 50


def _reason_groups(reason: str) -> list[tuple[str, str]]:
    """Split a reject reason into (attribute, reason with values masked) pairs."""
    message, separator, values = reason.partition(" Got ")
    if separator and values.endswith("."):
        # A payload validation message from Segment's rules, with the field values after it.
        fields = re.findall(r"(\S+) (?:\"(?:[^\"\\]|\\.)*\"|\S+)(?:, |\.$)", values)
        return [(f"payload {field}", message) for field in fields] or [("payload", message)]

    groups = []
    for part in reason.split("; "):
        match = _ATTRIBUTE_PREFIX.match(part)
        if match is None:
            if groups:
                # The tail of a message that itself contains "; ".
                attribute, text = groups[-1]
                groups[-1] = (attribute, f"{text}; {_QUOTED_VALUE.sub('…', part)}")
                continue
            groups.append(("event", _QUOTED_VALUE.sub("…", part)))
            continue
        groups.append((match.group(1), _QUOTED_VALUE.sub("…", part[match.end():])))
    return groups


class ProblemPrinter:
    """Takes the place of the rejects file: prints each invalid event and groups the reasons."""

    def __init__(self) -> None:
        self.count = 0
        self.groups: dict[tuple[str, str], int] = {}

    def write(self, *, input: str, line: int, message_id: Any, stage: str, reason: str, event_json: bytes, subscription: str | None = None) -> None:
        self.count += 1
        label = f" [{subscription}]" if subscription else ""
        typer.echo(f"{input}:{line}:{label} {reason}")
        for group in _reason_groups(reason):
            self.groups[group] = self.groups.get(group, 0) + 1

    def close(self) -> None:
        pass

    def print_summary(self, report: RunReport) -> None:
        typer.echo("")
        typer.echo(
            f"{count_of(report.read, 'event')} read: {report.planned} valid, {report.invalid} invalid, "
            f"{report.unmatched} unmatched, {report.duplicate} duplicate"
        )
        if not self.groups:
            return
        typer.echo("Invalid values by attribute and reason:")
        ranked = sorted(self.groups.items(), key=lambda item: (-item[1], item[0]))
        for (attribute, reason), count in ranked[:_MAX_REASON_GROUPS]:
            typer.echo(f"  {count:>7}  {attribute}: {reason}")
        if len(ranked) > _MAX_REASON_GROUPS:
            typer.echo(f"  … and {len(ranked) - _MAX_REASON_GROUPS} more groups")


class _NoRequests:
    def write(self, requests: list) -> None:
        raise AssertionError("validate plans no requests")

    def close(self) -> None:
        pass


def validate(
    events: Annotated[
        Optional[list[str]],
        typer.Argument(help="NDJSON event files, folders or - for standard input. Without them only the mappings are checked.", show_default=False),
    ] = None,
    mapping: Annotated[
        list[str], typer.Option("--mapping", "-m", help="A YAML mapping file; repeat for several.", show_default=False)
    ] = [],  # noqa: B006 - Typer needs a list default
    schema_file: SchemaOption = None,
    api: ApiOption = ApiStyle.public,
    default_country: DefaultCountryOption = None,
    dedupe: Annotated[bool, typer.Option("--dedupe/--no-dedupe", help="Count events whose messageId was already seen as duplicates.")] = True,
) -> None:
    """Check mapping files against the workspace schema and, given events, every event's values."""
    if not mapping:
        raise ConfigError("no mapping file given", hint="Pass one with -m, e.g. -m mappings/identify-user.yaml.")

    subscriptions = load_mapping_files(mapping)
    schema = resolve_schema(schema_file)
    for subscription in subscriptions:
        for warning in subscription.warnings:
            warn(warning)
    checked = check_subscriptions(subscriptions, schema)
    for warning in checked.warnings:
        warn(warning)
    where = "Attio's standard objects" if not schema.complete else f"the schema {schema.source}"
    if checked.errors:
        for error in checked.errors:
            typer.echo(error)
        raise ConfigError(f"{count_of(len(checked.errors), 'mapping problem')} found against {where}", hint="Fix the lines above, then run validate again.")
    checker = record_checker(schema, api.value, default_country)
    typer.echo(f"{count_of(len(subscriptions), 'subscription')} in {count_of(len(mapping), 'mapping file')}: no problems found against {where}")
    if not events:
        raise typer.Exit(ExitStatus.OK)

    printer = ProblemPrinter()
    warnings = WarningPrinter()
    pipeline = Pipeline(
        subscriptions=subscriptions,
        planner=Planner(api.value, schema),
        writer=_NoRequests(),
        rejects=printer,
        options=PipelineOptions(dedupe=dedupe, plan=False),
        checker=checker,
        on_warning=warnings,
    )
    pipeline.run(iter_lines(expand_inputs(events)))
    warnings.print_hidden()
    printer.print_summary(pipeline.report)
    raise typer.Exit(ExitStatus.EVENTS_NOT_DELIVERED if pipeline.report.invalid else ExitStatus.OK)
