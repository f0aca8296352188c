"""Ordering of delivery jobs: jobs that write the same record run one at a time, in input order.

Each job names the records it writes by key (object, matching attribute, value). A job becomes
ready when it is first in line for every one of its keys. So two events for the same person never
overlap and arrive in input order, while jobs for other records run in parallel.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Stopped(Exception):
    """The queue was closed while a caller waited on it."""


class _Entry(Generic[T]):
    __slots__ = ("item", "keys", "started")

    def __init__(self, item: T, keys: tuple[Hashable, ...]):
        self.item = item
        self.keys = keys
        self.started = False


class OrderedJobQueue(Generic[T]):
    """A bounded queue that hands out jobs in input order per key, and in parallel across keys.

    ``window`` bounds the jobs that are submitted but not yet done, so that reading stops when
    delivery falls behind. Thread-safe: one producer calls ``submit``, workers call ``take`` and
    ``done``.
    """

    def __init__(self, window: int):
        if window < 1:
            raise ValueError("window must be at least 1")
        self.window = window
        self._lock = threading.Lock()
        self._has_room = threading.Condition(self._lock)
        self._has_ready = threading.Condition(self._lock)
        self._lines: dict[Hashable, deque[_Entry[T]]] = {}
        self._ready: deque[_Entry[T]] = deque()
        self._pending = 0
        self._closed = False
        self._no_more = False

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet done."""
        return self._pending

    def submit(self, item: T, keys: Iterable[Hashable]) -> None:
        """Queue a job behind the earlier jobs that share a key; block while the window is full.

        Raises Stopped when the queue is closed.
        """
        entry = _Entry(item, tuple(dict.fromkeys(keys)))
        with self._lock:
            while self._pending >= self.window and not self._closed:
                self._has_room.wait()
            if self._closed:
                raise Stopped
            self._pending += 1
            first_everywhere = True
            for key in entry.keys:
                line = self._lines.get(key)
                if line is None:
                    self._lines[key] = deque((entry,))
                else:
                    line.append(entry)
                    first_everywhere = False
            if first_everywhere:
                self._ready.append(entry)
                self._has_ready.notify()

    def take(self) -> tuple[T, tuple[Hashable, ...]] | None:
        """Return the next ready job and its keys; ``None`` once every job is handed out after ``finish``.

        Raises Stopped when the queue is closed.
        """
        with self._lock:
            while not self._ready:
                if self._closed:
                    raise Stopped
                if self._no_more and self._pending == 0:
                    return None
                self._has_ready.wait()
            entry = self._ready.popleft()
            entry.started = True
            return entry.item, entry.keys

    def done(self, keys: tuple[Hashable, ...]) -> None:
        """Mark the job with these keys as done, which may make the next job of each key ready."""
        with self._lock:
            for key in keys:
                line = self._lines[key]
                line.popleft()
                if not line:
                    del self._lines[key]
                    continue
                head = line[0]
                if all(self._lines[other][0] is head for other in head.keys):
                    self._ready.append(head)
                    self._has_ready.notify()
            self._pending -= 1
            self._has_room.notify()
            if self._no_more and self._pending == 0:
                self._has_ready.notify_all()

    def finish(self) -> None:
        """Say that no more jobs will be submitted; ``take`` returns ``None`` once all are done."""
        with self._lock:
            self._no_more = True
            self._has_ready.notify_all()

    def close(self) -> list[T]:
        """Stop handing out jobs; return the jobs that were submitted but never handed out.

        Jobs that are running still call ``done``, which stays safe after ``close``.
        """
        with self._lock:
            self._closed = True
            waiting: list[T] = []
            seen: set[int] = set()
            for entry in [*self._ready, *(entry for line in self._lines.values() for entry in line)]:
                if not entry.started and id(entry) not in seen:
                    seen.add(id(entry))
                    waiting.append(entry.item)
            self._ready.clear()
            self._has_ready.notify_all()
            self._has_room.notify_all()
            return waiting
