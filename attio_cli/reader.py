"""Read stage: stream NDJSON lines from files, folders and standard input.

Lines are read one at a time, so memory stays flat however large the input is. Gzip input is
recognised by its magic bytes, not by its file name, because exports are often renamed.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from attio_cli.errors import InputError

STDIN = "-"
FOLDER_SUFFIXES = (".ndjson", ".jsonl", ".json", ".gz")
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class SourceLine:
    """One non-blank input line and where it came from (1-based line number)."""

    input: str
    line: int
    text: bytes


class InvalidLine(ValueError):
    """A line that is not a JSON object."""


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Return the files to read: files as given, folders expanded to their event files, sorted.

    Raises InputError for a path that does not exist or a folder with no event files, before
    anything is read.
    """
    files: list[str] = []
    for name in inputs:
        if name == STDIN:
            files.append(STDIN)
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(FOLDER_SUFFIXES)
            )
            if not found:
                raise InputError(
                    f"folder {name} contains no event files",
                    hint="attio-cli reads *.ndjson, *.jsonl, *.json and *.gz files inside a folder.",
                )
            files.extend(found)
        elif path.exists():
            # Regular files, and also named pipes and devices such as <(zcat export.gz).
            files.append(name)
        else:
            raise InputError(f"input file not found: {name}", hint="Check the path, or pass - to read standard input.")
    if files.count(STDIN) > 1:
        raise InputError("standard input (-) is given more than once", hint="Pass - once; give files and folders by name.")
    return files


def _open_binary(name: str) -> BinaryIO:
    if name == STDIN:
        raw: BinaryIO = sys.stdin.buffer
    else:
        try:
            raw = open(name, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as error:
            raise InputError(f"cannot open {name}: {error.strerror}") from error
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    return buffered


def iter_lines(files: Iterable[str]) -> Iterator[SourceLine]:
    """Yield every non-blank line of every file, in order, with its 1-based line number."""
    for name in files:
        display_name = "<stdin>" if name == STDIN else name
        stream = _open_binary(name)
        try:
            line_number = 0
            try:
                for text in stream:
                    line_number += 1
                    if line_number == 1 and text.startswith(UTF8_BOM):
                        text = text[len(UTF8_BOM) :]
                    if text.isspace() or not text:
                        continue
                    yield SourceLine(display_name, line_number, text)
            except (OSError, EOFError, gzip.BadGzipFile) as error:
                raise InputError(
                    f"reading {display_name} failed after line {line_number}: {error}",
                    hint="The file may be truncated or corrupt. The lines before it were processed and are in the summary.",
                ) from error
        finally:
            if name != STDIN:
                stream.close()


def parse_event(source: SourceLine) -> dict:
    """Parse one line into an event object, or raise InvalidLine with the reason."""
    try:
        value = orjson.loads(source.text)
    except orjson.JSONDecodeError as error:
        raise InvalidLine(f"line is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidLine(f"line is a JSON {_json_type_name(value)}, not an event object")
    return value


def _json_type_name(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null"
