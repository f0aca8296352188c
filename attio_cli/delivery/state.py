"""Durable progress of a delivery run, so that ``push --resume`` skips the events already settled.

The state file is NDJSON. Line 1 is a header that stores the run's fingerprint, and each later line
records one settled event as ``{"i": input index, "l": line number, "o": "d" or "r"}``. Every record
reaches the operating system in one unbuffered write before ``record`` returns, so it survives the
process being killed. A background thread fsyncs about once a second, so a power loss drops at most
the last second of records. Those events are sent again on resume, which at-least-once delivery allows.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import orjson

from attio_cli.errors import CliError, ConfigError, InputError
from attio_cli.reader import STDIN

try:
    import fcntl
except ImportError:  # Windows: a second process on the same file is not detected there.
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

FORMAT_NAME = "attio-cli-state"
FORMAT_VERSION = 1
STDIN_NAME = "<stdin>"

Outcome = Literal["delivered", "rejected"]
DELIVERED: Outcome = "delivered"
REJECTED: Outcome = "rejected"
_CODE_BY_OUTCOME = {DELIVERED: b"d", REJECTED: b"r"}
_REJECTED_CODE = "r"
_CODES = frozenset(("d", "r"))

# Seconds between fsyncs of new records: the most that a power loss can drop.
SYNC_INTERVAL = 1.0

# Settled-line bitmaps drop their leading all-settled bytes once this many (8 lines each) pile up.
_TRIM_BYTES = 256
# Extra zero bytes added when a bitmap grows, so sequential lines do not grow it one byte at a time.
_GROW_BYTES = 64

SettingValue = str | int | float | bool | None

_RESUME_HINT = "Start the run without --resume to deliver every event again, or pass another --state file."


class StateFileError(CliError):
    """Writing or syncing the state file failed, so progress can no longer be recorded."""

    # NOTE: keeps CliError's exit status 2 (usage error), although events may already have been
    # delivered when this is raised mid-run.


# --- Fingerprint of a run ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputFingerprint:
    """One input by name, with size and mtime_ns when it is a regular file (None for pipes and stdin)."""

    name: str
    size: int | None = None
    mtime_ns: int | None = None

    @classmethod
    def from_path(cls, name: str) -> InputFingerprint:
        """Stat one input. The names ``-`` and ``<stdin>`` both mean standard input."""
        if name in (STDIN, STDIN_NAME):
            return cls(STDIN_NAME)
        try:
            info = os.stat(name)
        except OSError as error:
            raise InputError(f"cannot read input {name}: {error.strerror}") from error
        if not stat.S_ISREG(info.st_mode):
            # Pipes and devices have no size or time that would show a change.
            return cls(name)
        return cls(name, info.st_size, info.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class MappingFingerprint:
    """One mapping file: its name as given and the sha256 of its content."""

    name: str
    sha256: str

    @classmethod
    def from_path(cls, name: str) -> MappingFingerprint:
        """Hash one mapping file, or raise ConfigError when it cannot be read."""
        try:
            with open(name, "rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError as error:
            raise ConfigError(f"cannot read mapping file {name}: {error.strerror}") from error
        return cls(name, digest)


@dataclass(frozen=True, slots=True)
class RunFingerprint:
    """Identity of a run: the parts that a resumed run must share with the run that wrote the state file.

    Inputs are compared by name, size and mtime_ns (never by content, since they can be gigabytes),
    mapping files by content hash only, so a moved mapping file still matches. ``settings`` contains
    further options that change the requests (e.g. a default country), compared key by key. Nothing
    here is derived from the API token.
    """

    inputs: tuple[InputFingerprint, ...]
    mappings: tuple[MappingFingerprint, ...]
    style: str
    base_url: str
    settings: tuple[tuple[str, SettingValue], ...] = ()

    @classmethod
    def build(
        cls,
        inputs: Sequence[str],
        mapping_files: Sequence[str],
        *,
        style: str,
        base_url: str,
        settings: Mapping[str, SettingValue] | None = None,
    ) -> RunFingerprint:
        """Stat the inputs and hash the mapping files of the run about to start.

        ``inputs`` are the event files after folder expansion, with ``-`` for standard input.
        """
        return cls(
            inputs=tuple(InputFingerprint.from_path(name) for name in inputs),
            mappings=tuple(MappingFingerprint.from_path(name) for name in mapping_files),
            style=style,
            base_url=clean_base_url(base_url),
            settings=_settings_tuple(settings or {}),
        )

    def to_json(self) -> dict:
        """Return the fingerprint as a JSON object for the state file header."""
        inputs = []
        for item in self.inputs:
            entry: dict = {"name": item.name}
            if item.size is not None:
                entry["size"] = item.size
                entry["mtime_ns"] = item.mtime_ns
            inputs.append(entry)
        return {
            "inputs": inputs,
            "mappings": [{"name": item.name, "sha256": item.sha256} for item in self.mappings],
            "style": self.style,
            "base_url": self.base_url,
            "settings": dict(self.settings),
        }

    @classmethod
    def from_json(cls, value: object) -> RunFingerprint:
        """Parse a header fingerprint, or raise ValueError naming the first invalid field."""
        if not isinstance(value, dict):
            raise ValueError("fingerprint is not an object")
        inputs = tuple(_parse_input(item) for item in _list_field(value, "inputs"))
        mappings = tuple(_parse_mapping(item) for item in _list_field(value, "mappings"))
        style = _str_field(value, "style")
        base_url = _str_field(value, "base_url")
        settings = value.get("settings", {})
        if not isinstance(settings, dict):
            raise ValueError("fingerprint.settings is not an object")
        return cls(inputs, mappings, style, base_url, _settings_tuple(settings))

    def differences(self, stored: RunFingerprint, *, allow_changed_inputs: bool = False) -> list[str]:
        """List how this run differs from ``stored``, one phrase per difference, for an error message."""
        found = _input_differences(self.inputs, stored.inputs, allow_changed_inputs)
        found.extend(_mapping_differences(self.mappings, stored.mappings))
        if self.style != stored.style:
            found.append(f"the request style differs (state file: {stored.style}, this run: {self.style})")
        if self.base_url != stored.base_url:
            found.append(f"the base URL differs (state file: {stored.base_url}, this run: {self.base_url})")
        current_settings = dict(self.settings)
        stored_settings = dict(stored.settings)
        for key in sorted(current_settings.keys() | stored_settings.keys()):
            before = stored_settings.get(key)
            after = current_settings.get(key)
            if before != after:
                found.append(f"the setting {key} differs (state file: {before!r}, this run: {after!r})")
        return found


def clean_base_url(url: str) -> str:
    """Return the base URL without user info, query, fragment or trailing slash.

    User info and query are dropped because they could carry credentials, which the state file
    must never store.
    """
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def _settings_tuple(settings: Mapping[str, object]) -> tuple[tuple[str, SettingValue], ...]:
    for key, value in settings.items():
        if not isinstance(key, str):
            raise ValueError(f"setting name {key!r} is not a string")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise ValueError(f"setting {key} is a {type(value).__name__}, not a JSON scalar")
    return tuple(sorted(settings.items()))  # type: ignore[arg-type]


def _list_field(value: dict, key: str) -> list:
    items = value.get(key)
    if not isinstance(items, list):
        raise ValueError(f"fingerprint.{key} is missing or not a list")
    return items


def _str_field(value: dict, key: str) -> str:
    text = value.get(key)
    if not isinstance(text, str):
        raise ValueError(f"fingerprint.{key} is missing or not a string")
    return text


def _parse_input(item: object) -> InputFingerprint:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ValueError("an entry of fingerprint.inputs has no name")
    size = item.get("size")
    mtime_ns = item.get("mtime_ns")
    for number in (size, mtime_ns):
        if number is not None and type(number) is not int:
            raise ValueError(f"fingerprint input {item['name']} has a size or mtime_ns that is not an integer")
    return InputFingerprint(item["name"], size, mtime_ns)


def _parse_mapping(item: object) -> MappingFingerprint:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(item.get("sha256"), str):
        raise ValueError("an entry of fingerprint.mappings has no name or sha256")
    return MappingFingerprint(item["name"], item["sha256"])


def _summarise(names: Sequence[str], limit: int = 3) -> str:
    summary = ", ".join(names[:limit])
    if len(names) > limit:
        summary += f" and {len(names) - limit} more"
    return summary


def _input_differences(
    current: tuple[InputFingerprint, ...], stored: tuple[InputFingerprint, ...], allow_changed_inputs: bool
) -> list[str]:
    current_names = [item.name for item in current]
    stored_names = [item.name for item in stored]
    if current_names != stored_names:
        stored_set = set(stored_names)
        current_set = set(current_names)
        added = [name for name in current_names if name not in stored_set]
        missing = [name for name in stored_names if name not in current_set]
        if not added and not missing:
            return ["the inputs are the same files in another order or with other repeats"]
        parts = []
        if added:
            parts.append(f"not in the state file: {_summarise(added)}")
        if missing:
            parts.append(f"missing from this run: {_summarise(missing)}")
        return [f"the inputs differ ({', '.join(parts)})"]

    if allow_changed_inputs:
        return []
    changed = []
    for now, before in zip(current, stored):
        if now.size != before.size and now.size is not None and before.size is not None:
            changed.append(f"{now.name} (size {before.size} -> {now.size} bytes)")
        elif now.size != before.size:
            changed.append(f"{now.name} (no longer the same kind of file)")
        elif now.mtime_ns != before.mtime_ns:
            changed.append(f"{now.name} (modification time changed)")
    if not changed:
        return []
    return [f"input {_summarise(changed)} changed since the state file was written"]


def _mapping_differences(current: tuple[MappingFingerprint, ...], stored: tuple[MappingFingerprint, ...]) -> list[str]:
    if len(current) != len(stored):
        before = _summarise([item.name for item in stored])
        after = _summarise([item.name for item in current])
        return [f"the mapping files differ (state file: {before}, this run: {after})"]
    found = []
    for now, before in zip(current, stored):
        if now.sha256 == before.sha256:
            continue
        if now.name == before.name:
            found.append(f"mapping file {now.name} changed since the state file was written")
        else:
            found.append(f"mapping file {now.name} differs in content from {before.name} in the state file")
    return found


# --- Settled lines of one input ---------------------------------------------------------------


class SettledLines:
    """The settled line numbers of one input, and which of them Attio rejected.

    Lines 1..``watermark`` are all settled. Lines above it that settled early get one bit each in
    a bitmap, which is emptied whenever the watermark catches up with them, so in-order progress
    keeps it empty. A line that never settles (a blank input line, an event that failed) stops the
    watermark, and the bitmap then grows by one byte per 8 lines after it, dropping leading bytes
    that the watermark has passed. Rejected lines have their own bitmap from line 1, allocated on
    the first rejection.

    Not thread-safe: StateFile serialises access.
    """

    __slots__ = ("watermark", "_pending", "_base", "_bits", "_rejected")

    def __init__(self) -> None:
        self.watermark = 0
        # Number of settled lines above the watermark, which equals their set bits in _bits.
        self._pending = 0
        # Byte offset of _bits[0], which covers lines 8*_base+1 .. 8*_base+8. Bits of lines at or
        # below the watermark are stale and never read.
        self._base = 0
        self._bits = bytearray()
        self._rejected: bytearray | None = None

    @property
    def bitmap_size(self) -> int:
        """Bytes of the bitmap above the watermark (rejected lines not counted)."""
        return len(self._bits)

    def contains(self, line: int) -> bool:
        """Return whether a line (1-based) is settled."""
        if line <= self.watermark:
            return line >= 1
        position = line - 1
        index = (position >> 3) - self._base
        return index < len(self._bits) and bool(self._bits[index] >> (position & 7) & 1)

    def add(self, line: int, rejected: bool = False) -> bool:
        """Mark a line (1-based) settled, or return False if it already was, keeping its first outcome."""
        watermark = self.watermark
        if line <= watermark:
            return False
        if line == watermark + 1 and not self._pending:
            self.watermark = line
            if rejected:
                self._mark_rejected(line - 1)
            return True

        position = line - 1
        index = (position >> 3) - self._base
        bits = self._bits
        if index >= len(bits):
            bits.extend(bytes(index - len(bits) + _GROW_BYTES))
        mask = 1 << (position & 7)
        if bits[index] & mask:
            return False
        bits[index] |= mask
        if rejected:
            self._mark_rejected(position)
        if line == watermark + 1:
            self._advance()
        else:
            self._pending += 1
        return True

    def outcome(self, line: int) -> Outcome | None:
        """Return "delivered" or "rejected" for a settled line, None for any other."""
        if not self.contains(line):
            return None
        position = line - 1
        rejected = self._rejected
        if rejected is not None and (position >> 3) < len(rejected) and rejected[position >> 3] >> (position & 7) & 1:
            return REJECTED
        return DELIVERED

    def _mark_rejected(self, position: int) -> None:
        if self._rejected is None:
            self._rejected = bytearray()
        index = position >> 3
        if index >= len(self._rejected):
            self._rejected.extend(bytes(index - len(self._rejected) + _GROW_BYTES))
        self._rejected[index] |= 1 << (position & 7)

    def _advance(self) -> None:
        # The line just above the watermark has its bit set. Walk up to the first clear bit, which
        # is the first line still unsettled.
        bits = self._bits
        base = self._base
        start = self.watermark
        position = start
        index = (position >> 3) - base
        while index < len(bits):
            byte = bits[index]
            if byte == 0xFF and not position & 7:
                position += 8
                index += 1
                continue
            bit = position & 7
            while bit < 8 and byte >> bit & 1:
                bit += 1
            position = ((index + base) << 3) + bit
            if bit < 8:
                break
            index += 1
        # The line just added was not counted in _pending, the others passed here were.
        self._pending -= position - start - 1
        self.watermark = position

        if not self._pending:
            bits.clear()
            self._base = position >> 3
            return
        settled_bytes = (position >> 3) - base
        if settled_bytes >= _TRIM_BYTES:
            del bits[:settled_bytes]
            self._base = base + settled_bytes


# --- The state file -----------------------------------------------------------------------------


class StateFile:
    """An open state file: records settled events and reports which ones are settled.

    Create one with ``create`` or ``resume``, and close it with ``close`` or a ``with`` block.
    ``record`` and ``is_settled`` may be called from several threads.
    """

    def __init__(
        self,
        path: Path,
        fd: int,
        fingerprint: RunFingerprint,
        started_at: str,
        settled: list[SettledLines],
        *,
        sync_interval: float,
    ) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.started_at = started_at
        # True when resume dropped a last line cut off by a crash.
        self.ignored_torn_line = False
        self.delivered_count = 0
        self.rejected_count = 0

        self._fd = fd
        self._settled = settled
        self._index_by_name: dict[str, int] = {}
        for index, item in reversed(list(enumerate(fingerprint.inputs))):
            self._index_by_name[item.name] = index
        if STDIN_NAME in self._index_by_name:
            self._index_by_name[STDIN] = self._index_by_name[STDIN_NAME]
        self._settled_by_name = {name: settled[index] for name, index in self._index_by_name.items()}

        self._lock = threading.Lock()
        self._dirty = False
        self._failure: StateFileError | None = None
        self._closing = threading.Event()
        self._sync_interval = sync_interval
        self._sync_thread = threading.Thread(target=self._sync_loop, name="attio-cli-state-sync", daemon=True)
        self._sync_thread.start()

    # -- opening

    @classmethod
    def create(
        cls, path: str | os.PathLike, fingerprint: RunFingerprint, *, overwrite: bool = False, sync_interval: float = SYNC_INTERVAL
    ) -> StateFile:
        """Start a new state file with a header for ``fingerprint``.

        Raises ConfigError when the file exists (unless ``overwrite``), is in use by another
        process, or cannot be created.
        """
        path = Path(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if overwrite else os.O_EXCL)
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError:
            raise ConfigError(
                f"state file {path} already exists",
                hint="Pass --resume to continue the run it records, or pass another --state file.",
            ) from None
        except OSError as error:
            raise ConfigError(f"cannot create state file {path}: {error.strerror}") from error

        try:
            _lock_exclusive(fd, path)
            # Truncate only after taking the lock, so a file in use is never emptied.
            os.ftruncate(fd, 0)
            started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "fingerprint": fingerprint.to_json(), "started_at": started_at}
            _write_all(fd, orjson.dumps(header) + b"\n")
            os.fsync(fd)
            _sync_directory(path)
        except OSError as error:
            os.close(fd)
            raise ConfigError(f"cannot write state file {path}: {error.strerror}") from error
        except BaseException:
            os.close(fd)
            raise
        settled = [SettledLines() for _ in fingerprint.inputs]
        return cls(path, fd, fingerprint, started_at, settled, sync_interval=sync_interval)

    @classmethod
    def resume(
        cls,
        path: str | os.PathLike,
        fingerprint: RunFingerprint,
        *,
        allow_changed_inputs: bool = False,
        sync_interval: float = SYNC_INTERVAL,
    ) -> StateFile:
        """Load an existing state file for ``fingerprint`` and reopen it for appending.

        Raises ConfigError when the file is missing, in use, corrupt, or was written for a run with
        another fingerprint. A changed input (size or mtime_ns) is accepted only with
        ``allow_changed_inputs``. A last line cut off mid-write is dropped from the file.
        """
        path = Path(path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND)
        except FileNotFoundError:
            raise ConfigError(
                f"state file {path} not found",
                hint="Start the run without --resume to create it, or check the --state path.",
            ) from None
        except OSError as error:
            raise ConfigError(f"cannot open state file {path}: {error.strerror}") from error

        try:
            _lock_exclusive(fd, path)
            with open(fd, "rb", closefd=False) as stream:
                loaded = _load(stream, path, fingerprint, allow_changed_inputs)
            if loaded.torn_offset is not None:
                os.ftruncate(fd, loaded.torn_offset)
                os.fsync(fd)
                logger.warning("state file %s: dropped a last line cut off mid-write", path)
        except OSError as error:
            os.close(fd)
            raise ConfigError(f"cannot read state file {path}: {error.strerror}") from error
        except BaseException:
            os.close(fd)
            raise

        state = cls(path, fd, fingerprint, loaded.started_at, loaded.settled, sync_interval=sync_interval)
        state.ignored_torn_line = loaded.torn_offset is not None
        state.delivered_count = loaded.delivered_count
        state.rejected_count = loaded.rejected_count
        return state

    # -- per event

    def record(self, input: str, line: int, outcome: Outcome) -> None:
        """Append one settled event, writing it to the operating system before returning.

        ``outcome`` is "delivered" or "rejected". Recording an event that is already settled does
        nothing, so its first outcome stays. Raises StateFileError when a write or fsync failed.
        """
        code = _CODE_BY_OUTCOME.get(outcome)
        if code is None:
            raise ValueError(f"invalid outcome {outcome!r}: expected 'delivered' or 'rejected'")
        index = self._index_by_name.get(input)
        if index is None:
            raise ValueError(f"input {input!r} is not one of the inputs in the run's fingerprint")
        if line < 1:
            raise ValueError(f"invalid line number {line}: lines start at 1")
        settled = self._settled[index]
        data = b'{"i":%d,"l":%d,"o":"%b"}\n' % (index, line, code)

        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._fd < 0:
                raise ValueError(f"state file {self.path} is closed")
            if settled.contains(line):
                return
            try:
                _write_all(self._fd, data)
            except OSError as error:
                # A partial line may now end the file, and later appends would bury it mid-file.
                self._failure = StateFileError(
                    f"writing state file {self.path} failed: {error.strerror}",
                    hint="Fix the cause, then run again with --resume. Events settled after the last recorded one are sent again.",
                )
                raise self._failure from error
            settled.add(line, code == b"r")
            if code == b"r":
                self.rejected_count += 1
            else:
                self.delivered_count += 1
            self._dirty = True

    def is_settled(self, input: str, line: int) -> Outcome | None:
        """Return "delivered" or "rejected" for a settled event, None for one still to deliver."""
        settled = self._settled_by_name.get(input)
        if settled is None:
            raise ValueError(f"input {input!r} is not one of the inputs in the run's fingerprint")
        with self._lock:
            return settled.outcome(line)

    @property
    def settled_count(self) -> int:
        """Events settled so far, including those loaded on resume."""
        return self.delivered_count + self.rejected_count

    def watermark(self, input: str) -> int:
        """Return the line number up to which every line of ``input`` is settled."""
        with self._lock:
            return self._settled_by_name[input].watermark

    # -- syncing and closing

    def close(self) -> None:
        """Fsync and close the file. Calling it again does nothing."""
        if self._fd < 0:
            return
        self._closing.set()
        self._sync_thread.join()
        with self._lock:
            fd = self._fd
            self._fd = -1
            try:
                os.fsync(fd)
            except OSError as error:
                raise StateFileError(
                    f"syncing state file {self.path} failed: {error.strerror}",
                    hint="Events recorded in the last second may be lost after a power failure. They are sent again on resume.",
                ) from error
            finally:
                os.close(fd)
        if self._failure is not None:
            raise self._failure

    def __enter__(self) -> StateFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _sync_loop(self) -> None:
        while not self._closing.wait(self._sync_interval):
            self._sync_if_dirty()

    def _sync_if_dirty(self) -> None:
        with self._lock:
            if not self._dirty or self._failure is not None:
                return
            self._dirty = False
            fd = self._fd
        # Outside the lock, so records are not held up by a slow disk. close() joins this thread
        # before closing the descriptor.
        try:
            _fdatasync(fd)
        except OSError as error:
            logger.error("fsync of state file %s failed: %s", self.path, error.strerror)
            with self._lock:
                self._failure = StateFileError(
                    f"syncing state file {self.path} failed: {error.strerror}",
                    hint="Fix the cause, then run again with --resume. Events settled after the last synced one are sent again.",
                )


# --- Loading ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Loaded:
    started_at: str
    settled: list[SettledLines]
    delivered_count: int
    rejected_count: int
    # Length to cut the file to when its last line is incomplete, else None.
    torn_offset: int | None


def _load(stream, path: Path, fingerprint: RunFingerprint, allow_changed_inputs: bool) -> _Loaded:
    header_line = stream.readline()
    if not header_line.endswith(b"\n"):
        raise ConfigError(
            f"state file {path} has no complete header, so it records no events",
            hint="Start the run without --resume, or pass another --state file.",
        )
    stored, started_at = _parse_header(header_line, path)
    differences = fingerprint.differences(stored, allow_changed_inputs=allow_changed_inputs)
    if differences:
        raise ConfigError(
            f"cannot resume from state file {path}, which was written for another run: {', '.join(differences)}",
            hint=_RESUME_HINT,
        )

    input_count = len(stored.inputs)
    settled = [SettledLines() for _ in range(input_count)]
    delivered_count = 0
    rejected_count = 0
    offset = len(header_line)
    line_number = 1
    for raw in stream:
        line_number += 1
        if not raw.endswith(b"\n"):
            # The process died mid-write. That event was not acknowledged, so it is sent again.
            return _Loaded(started_at, settled, delivered_count, rejected_count, torn_offset=offset)
        try:
            record = orjson.loads(raw)
            index = record["i"]
            line = record["l"]
            code = record["o"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise _corrupt(path, line_number, "not a record with fields i, l and o") from None
        if type(index) is not int or not 0 <= index < input_count:
            raise _corrupt(path, line_number, f"input index {index!r} is not between 0 and {input_count - 1}")
        if type(line) is not int or line < 1:
            raise _corrupt(path, line_number, f"line number {line!r} is not a positive integer")
        if code not in _CODES:
            raise _corrupt(path, line_number, f"outcome {code!r} is not d or r")
        is_rejected = code == _REJECTED_CODE
        if settled[index].add(line, is_rejected):
            if is_rejected:
                rejected_count += 1
            else:
                delivered_count += 1
        offset += len(raw)
    return _Loaded(started_at, settled, delivered_count, rejected_count, torn_offset=None)


def _parse_header(header_line: bytes, path: Path) -> tuple[RunFingerprint, str]:
    try:
        header = orjson.loads(header_line)
    except orjson.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ConfigError(
            f"{path} is not an attio-cli state file",
            hint="Check the --state path, or start without --resume to create a new state file elsewhere.",
        )
    version = header.get("version")
    if version != FORMAT_VERSION:
        raise ConfigError(
            f"state file {path} has format version {version!r}, but this attio-cli reads version {FORMAT_VERSION}",
            hint="Resume with the attio-cli version that started the run, or start without --resume.",
        )
    try:
        stored = RunFingerprint.from_json(header.get("fingerprint"))
    except ValueError as error:
        raise _corrupt(path, 1, str(error)) from None
    started_at = header.get("started_at")
    return stored, started_at if isinstance(started_at, str) else ""


def _corrupt(path: Path, line_number: int, reason: str) -> ConfigError:
    return ConfigError(
        f"state file {path} is invalid at line {line_number}: {reason}",
        hint="Delete that line (its event is then sent again), or start without --resume to deliver every event again.",
    )


# --- Operating system helpers --------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fdatasync(fd: int) -> None:
    # fdatasync skips timestamps but still flushes the file size, which appends need.
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:
        os.fsync(fd)


def _sync_directory(path: Path) -> None:
    # Makes a new file's directory entry durable too. Not possible on Windows, which is fine there.
    try:
        directory_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory_fd)
    except OSError:
        pass
    finally:
        os.close(directory_fd)


def _lock_exclusive(fd: int, path: Path) -> None:
    if fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ConfigError(
            f"state file {path} is in use by another attio-cli run",
            hint="Wait for that run to finish, or pass another --state file.",
        ) from None


__all__ = [
    "DELIVERED",
    "REJECTED",
    "InputFingerprint",
    "MappingFingerprint",
    "Outcome",
    "RunFingerprint",
    "SettledLines",
    "StateFile",
    "StateFileError",
    "clean_base_url",
]
