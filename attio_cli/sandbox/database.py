"""The sandbox's SQLite file: records, counters and dropped batch assertions, kept across restarts.

The server keeps everything in memory and writes changes here in one transaction at a time (see
``Sandbox.flush``), so the file lags the server by at most one flush interval. ``dump`` and
``stats`` open the file read-only, which works while a server is writing it, because the file
uses SQLite's write-ahead log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from attio_cli.errors import ConfigError

FORMAT = "attio-cli-sandbox"
VERSION = "1"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,
    object_id TEXT NOT NULL,
    object_slug TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dropped_assertions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dropped_at TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    assertion BLOB NOT NULL
);
"""


class Database:
    """One open sandbox database file."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.connection = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, workspace_id: str) -> Database:
        """Open or create a database file for writing.

        Raises ConfigError when the file is not a sandbox database or cannot be opened.
        """
        try:
            connection = sqlite3.connect(path, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_TABLES)
            meta = dict(connection.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as error:
            raise ConfigError(f"cannot open the sandbox database {path}: {error}", hint="Pass a new file name with --db.") from None

        database = cls(connection, path)
        if not meta:
            database._write_meta({"format": FORMAT, "version": VERSION, "workspace_id": workspace_id})
        else:
            database._check_meta(meta)
        return database

    @classmethod
    def open_read_only(cls, path: Path) -> Database:
        """Open an existing database file for reading.

        Raises ConfigError when the file is missing or is not a sandbox database.
        """
        if not path.is_file():
            raise ConfigError(f"sandbox database {path} not found", hint="Start the sandbox with --db FILE to create it.")
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(connection.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as error:
            raise ConfigError(f"{path} is not a sandbox database: {error}") from None
        database = cls(connection, path)
        database._check_meta(meta)
        return database

    def _write_meta(self, meta: dict[str, str]) -> None:
        with self.connection:
            self.connection.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())

    def _check_meta(self, meta: dict[str, str]) -> None:
        if meta.get("format") != FORMAT:
            raise ConfigError(f"{self.path} is not a sandbox database", hint="Pass the file that `attio-cli sandbox --db` created.")
        if meta.get("version") != VERSION:
            raise ConfigError(
                f"sandbox database {self.path} has version {meta.get('version')}, but this attio-cli reads version {VERSION}",
                hint="Start the sandbox with a new --db file.",
            )

    # Reading -----------------------------------------------------------------------------------

    def read_records(self, object_key: str | None = None) -> Iterator[dict[str, Any]]:
        """Yield stored records in creation order, optionally of one object (by slug or id)."""
        query = "SELECT record FROM records"
        parameters: tuple[str, ...] = ()
        if object_key is not None:
            query += " WHERE object_slug = ? OR object_id = ?"
            parameters = (object_key, object_key.lower())
        for (record,) in self.connection.execute(query + " ORDER BY rowid", parameters):
            yield orjson.loads(record)

    def read_object_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (object slug, record) for every stored record in creation order."""
        for object_slug, record in self.connection.execute("SELECT object_slug, record FROM records ORDER BY rowid"):
            yield object_slug, orjson.loads(record)

    def object_counts(self) -> dict[str, int]:
        rows = self.connection.execute("SELECT object_slug, COUNT(*) FROM records GROUP BY object_slug ORDER BY MIN(rowid)")
        return dict(rows)

    def read_counters(self) -> dict[str, int]:
        return dict(self.connection.execute("SELECT name, value FROM counters"))

    def read_dropped(self) -> Iterator[dict[str, Any]]:
        rows = self.connection.execute("SELECT dropped_at, code, message, assertion FROM dropped_assertions ORDER BY id")
        for dropped_at, code, message, assertion in rows:
            yield {"dropped_at": dropped_at, "code": code, "message": message, "assertion": orjson.loads(assertion)}

    # Writing -----------------------------------------------------------------------------------

    def save(
        self,
        records: list[tuple[str, str, str, bytes]],
        counters: dict[str, int],
        dropped: list[tuple[str, str, str, bytes]],
    ) -> None:
        """Write changed records (id, object id, object slug, record JSON), all counters and new drops."""
        with self.connection:
            # An upsert keeps the row id of an existing record, so ORDER BY rowid stays creation order.
            self.connection.executemany(
                "INSERT INTO records (record_id, object_id, object_slug, record) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (record_id) DO UPDATE SET record = excluded.record",
                records,
            )
            self.connection.executemany("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", counters.items())
            self.connection.executemany(
                "INSERT INTO dropped_assertions (dropped_at, code, message, assertion) VALUES (?, ?, ?, ?)", dropped
            )

    def close(self) -> None:
        self.connection.close()
