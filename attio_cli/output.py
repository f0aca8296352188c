"""Dry-run output: the planned requests as NDJSON for pipes, or readably for a terminal."""

from __future__ import annotations

import sys
from typing import IO, Any, Protocol

import orjson

from attio_cli.requests import PlannedRequest, RecordId

from attio_cli.api_client import DEFAULT_BASE_URL  # noqa: F401 - re-exported for writers


def _json_default(value: Any) -> Any:
    if isinstance(value, RecordId):
        return value.placeholder()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> bytes:
    """Serialise to compact JSON, writing record-id placeholders as text."""
    # NOTE: floats follow Python's formatting (1.0, 1e+21 as 1e21), not JavaScript's; the
    # numbers are equal, but the text can differ from Segment's request body.
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_PASSTHROUGH_DATACLASS)


def request_record(request: PlannedRequest, base_url: str) -> dict[str, Any]:
    """Return the output object for one planned request."""
    record: dict[str, Any] = {
        "method": request.method,
        "url": base_url.rstrip("/") + request.resolved_path(),
        "body": request.body,
        "subscription": request.subscription,
    }
    if request.is_batch:
        record["events"] = [source.as_dict() for source in request.sources]
    else:
        source = request.sources[0]
        record["step"] = request.step
        record["input"] = source.input
        record["line"] = source.line
        record["message_id"] = source.message_id
    return record


class RequestWriter(Protocol):
    """Receives the requests of one event (or one batch) at a time, all or none."""

    def write(self, requests: list[PlannedRequest]) -> None: ...

    def close(self) -> None: ...


class NdjsonWriter:
    """Writes one JSON object per line, buffered, for pipes and files."""

    def __init__(self, base_url: str, stream: IO[bytes] | None = None):
        self.base_url = base_url
        self.stream = stream if stream is not None else sys.stdout.buffer
        self._buffer: list[bytes] = []

    def write(self, requests: list[PlannedRequest]) -> None:
        # Serialise every request before buffering any, so a value that cannot be written
        # leaves none of the event's requests behind.
        encoded = [dumps(request_record(request, self.base_url)) for request in requests]
        self._buffer.extend(encoded)
        if len(self._buffer) >= 512:
            self._drain()

    def _drain(self) -> None:
        if self._buffer:
            self.stream.write(b"\n".join(self._buffer) + b"\n")
            self._buffer.clear()

    def close(self) -> None:
        self._drain()
        self.stream.flush()


class PrettyWriter:
    """Writes each request as a heading and indented, highlighted JSON body (for terminals)."""

    def __init__(self, base_url: str, console: Any = None):
        from rich.console import Console

        self.base_url = base_url
        self.console = console or Console(soft_wrap=True)

    def write(self, requests: list[PlannedRequest]) -> None:
        bodies = [dumps(request.body).decode() for request in requests]
        for request, body in zip(requests, bodies):
            self._write_one(request, body)

    def _write_one(self, request: PlannedRequest, body: str) -> None:
        from rich.json import JSON
        from rich.text import Text

        record = request_record(request, self.base_url)
        heading = Text()
        heading.append(f"{record['method']} ", style="bold cyan")
        heading.append(record["url"], style="bold")
        if request.is_batch:
            where = f"{len(request.sources)} events, from {request.sources[0].input}:{request.sources[0].line}"
        else:
            where = f"{record['input']}:{record['line']}, step {record['step']}"
            if record["message_id"]:
                where += f", messageId {record['message_id']}"
        heading.append(f"  # {record['subscription']}: {where}", style="dim")
        self.console.print(heading)
        self.console.print(JSON(body))

    def close(self) -> None:
        pass
