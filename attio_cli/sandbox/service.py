"""The sandbox without its HTTP layer: workspace, records, counters, limits and the database file."""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from typing import Any

import orjson

from attio_cli.errors import ConfigError
from attio_cli.sandbox.database import Database
from attio_cli.sandbox.errors import ApiError
from attio_cli.sandbox.limits import FaultInjector, RateLimiter
from attio_cli.sandbox.options import SandboxOptions
from attio_cli.sandbox.store import Store
from attio_cli.sandbox.stored_values import now_timestamp
from attio_cli.sandbox.workspace import Workspace

logger = logging.getLogger("attio_cli.sandbox")

# Counter names, as `attio-cli sandbox stats` and `Sandbox.stats()` report them.
CONNECTIONS = "connections"
REQUESTS = "requests"
READS = "reads"
WRITES = "writes"
UNAUTHORIZED = "unauthorized"
RATE_LIMITED = "rate_limited"
INJECTED_FAILURES = "injected_failures"
INJECTED_DROPS = "injected_drops"
BATCH_REQUESTS = "batch_requests"
BATCH_ASSERTIONS = "batch_assertions"
BATCH_ASSERTIONS_DROPPED = "batch_assertions_dropped"
SERVER_ERRORS = "server_errors"
COUNTER_NAMES = (
    CONNECTIONS, REQUESTS, READS, WRITES, UNAUTHORIZED, RATE_LIMITED, INJECTED_FAILURES, INJECTED_DROPS,
    BATCH_REQUESTS, BATCH_ASSERTIONS, BATCH_ASSERTIONS_DROPPED, SERVER_ERRORS,
)
STATUS_PREFIX = "status_"

# Dropped assertions kept in memory for `Sandbox.dropped_assertions()`. The database keeps all of them.
_RECENT_DROPS = 1000
# Dropped assertions logged one by one before the log switches to every 1000th.
_LOGGED_DROPS = 20


def stats_document(object_counts: dict[str, int], counters: dict[str, int]) -> dict[str, Any]:
    """Return the statistics as one JSON-ready object, from object counts and raw counters."""
    document: dict[str, Any] = {"records": dict(object_counts)}
    for name in COUNTER_NAMES:
        document[name] = counters.get(name, 0)
    statuses = {
        name[len(STATUS_PREFIX):]: count for name, count in sorted(counters.items()) if name.startswith(STATUS_PREFIX)
    }
    document["responses_by_status"] = statuses
    return document


class Sandbox:
    """The state behind one sandbox server.

    Callers of ``count`` and ``record_dropped`` hold ``store.lock``, and the other methods take it
    themselves.
    """

    def __init__(self, options: SandboxOptions):
        options.validate()
        self.options = options
        workspace = Workspace.from_schema_file(options.schema) if options.schema else Workspace.builtin()
        self.workspace = workspace
        self.store = Store(workspace, seed=options.seed)
        self.counters: Counter[str] = Counter()
        self.read_limiter = RateLimiter(options.read_rate, options.clock)
        self.write_limiter = RateLimiter(options.write_rate, options.clock)
        self.faults = FaultInjector(options.fail_rate, options.drop_rate, options.seed)
        self._recent_drops: deque[dict[str, Any]] = deque(maxlen=_RECENT_DROPS)
        self._pending_drops: list[tuple[str, str, str, bytes]] = []
        self._flush_lock = threading.Lock()
        self.database = self._open_database() if options.db else None

    def _open_database(self) -> Database:
        database = Database.open(self.options.db, self.workspace.id)
        rows = []
        for object_slug, record in database.read_object_records():
            object_key = record["id"]["object_id"]
            if self.workspace.object(object_key) is None:
                # A pulled schema may give an object another id than the built-in table, so match the slug.
                object_key = object_slug
            rows.append((record["id"]["record_id"], object_key, record["created_at"], record["values"]))
        try:
            self.store.load(rows)
        except KeyError as error:
            database.close()
            raise ConfigError(
                f"sandbox database {self.options.db} has records of object {error.args[0]}, which this workspace does not have",
                hint="Start the sandbox with the --schema it was created with, or with a new --db file.",
            ) from None
        self.counters.update(database.read_counters())
        logger.info("opened %s with %d records", self.options.db, len(rows))
        return database

    # Counters and dropped assertions -----------------------------------------------------------

    def count(self, name: str, amount: int = 1) -> None:
        self.counters[name] += amount

    def record_dropped(self, assertion: Any, error: ApiError) -> None:
        """Keep a dropped batch assertion for stats, the database and the log."""
        self.counters[BATCH_ASSERTIONS_DROPPED] += 1
        entry = {"dropped_at": now_timestamp(), "code": error.code, "message": error.message, "assertion": assertion}
        self._recent_drops.append(entry)
        if self.database is not None:
            self._pending_drops.append((entry["dropped_at"], error.code, error.message, orjson.dumps(assertion)))
        total = self.counters[BATCH_ASSERTIONS_DROPPED]
        if total <= _LOGGED_DROPS or total % 1000 == 0:
            logger.warning("batch assertion dropped (%d so far): %s: %s", total, error.code, error.message)

    def dropped_assertions(self) -> list[dict[str, Any]]:
        """Return the most recent dropped batch assertions with their error code and message."""
        with self.store.lock:
            return list(self._recent_drops)

    def stats(self) -> dict[str, Any]:
        with self.store.lock:
            object_counts = {slug: self.store.count(model) for slug, model in self.workspace.objects.items()}
            return stats_document(object_counts, self.counters)

    # Persistence -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write changed records, the counters and new dropped assertions to the database file.

        Raises sqlite3.Error when the write fails. The changes then stay queued for the next flush.
        """
        if self.database is None:
            return
        with self._flush_lock:
            with self.store.lock:
                store = self.store
                dirty_ids = list(store.dirty)
                rows = []
                for record_id in dirty_ids:
                    record = store.records_by_id[record_id]
                    rows.append((record.id, record.model.id, record.model.slug, orjson.dumps(store.render(record))))
                store.dirty.clear()
                counters = dict(self.counters)
                drops, self._pending_drops = self._pending_drops, []
            try:
                self.database.save(rows, counters, drops)
            except Exception:
                with self.store.lock:
                    # Put the failed records first again, so new records are still written in creation order.
                    store.dirty = {**dict.fromkeys(dirty_ids), **store.dirty}
                    self._pending_drops[:0] = drops
                raise

    def close(self) -> None:
        """Flush and close the database file."""
        if self.database is not None:
            self.flush()
            self.database.close()
            self.database = None

