"""A progress bar on stderr for live runs, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import threading
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from attio_cli.report import RunReport

# Seconds between redraws; the counters are read without a lock, so a redraw may be a count behind.
_REFRESH_S = 0.25


class DeliveryProgress:
    """Draws bytes read (when the inputs are regular files), events settled, rate and errors."""

    def __init__(self, report: RunReport, total_bytes: int | None):
        self.report = report
        self.total_bytes = total_bytes
        self.bytes_read = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._progress: Progress | None = None

    @staticmethod
    def enabled() -> bool:
        """Tell whether stderr is a terminal, where a progress bar can be drawn."""
        return sys.stderr.isatty()

    def start(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("delivering", total=self.total_bytes, counts="")
        self._progress.start()
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._refresh, name="attio-progress", daemon=True)
        self._thread.start()

    def _refresh(self) -> None:
        while not self._stop.wait(_REFRESH_S):
            self._draw()

    def _draw(self) -> None:
        report = self.report
        settled = report.delivered + report.rejected + report.failed
        elapsed = max(time.monotonic() - self._started_at, 1e-6)
        counts = (
            f"{report.read} read, {report.delivered} delivered, {report.rejected} rejected, {report.failed} failed, "
            f"{report.invalid} invalid, {settled / elapsed:.0f} events/s"
        )
        self._progress.update(self._task, completed=self.bytes_read, counts=counts)

    def stop(self) -> None:
        if self._progress is None:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._draw()
        self._progress.stop()
