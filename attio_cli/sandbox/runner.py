"""Running a sandbox: in a background thread for tests (``run_sandbox``), or in the foreground for the CLI."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from attio_cli.sandbox.options import SandboxOptions
from attio_cli.sandbox.server import SandboxServer
from attio_cli.sandbox.service import Sandbox
from attio_cli.sandbox.store import Store

# Seconds to wait for the server thread to start or stop before giving up.
_THREAD_TIMEOUT = 30


class SandboxHandle:
    """A running sandbox, as ``run_sandbox`` yields it.

    ``base_url`` is the URL to pass as ``--base-url`` (no ``/v2``), and ``token`` the bearer token.
    """

    def __init__(self, server: SandboxServer):
        self._server = server
        self.sandbox = server.sandbox
        self.base_url = server.base_url
        self.port = server.port
        self.token = server.sandbox.options.token

    @property
    def headers(self) -> dict[str, str]:
        """Return the Authorization header for this sandbox's token."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def store(self) -> Store:
        """The record store; hold ``store.lock`` while reading it, because the server thread writes it."""
        return self.sandbox.store

    def stats(self) -> dict[str, Any]:
        """Return record counts per object and the request counters."""
        return self.sandbox.stats()

    def records(self, object_key: str) -> list[dict[str, Any]]:
        """Return copies of an object's records in Attio's shape, in creation order.

        Raises KeyError when the workspace has no such object.
        """
        store = self.sandbox.store
        with store.lock:
            model = self.sandbox.workspace.object(object_key)
            if model is None:
                raise KeyError(object_key)
            rendered = [store.render(record) for record in store.records[model.slug].values()]
            # A JSON round trip gives the caller its own copy of every nested value.
            return orjson.loads(orjson.dumps(rendered))

    def dropped_assertions(self) -> list[dict[str, Any]]:
        """Return the most recent batch assertions that were dropped, with their error code and message."""
        return self.sandbox.dropped_assertions()

    def flush(self) -> None:
        """Write pending changes to the ``db`` file now instead of at the next periodic flush."""
        self.sandbox.flush()


@contextmanager
def run_sandbox(**options: Any) -> Iterator[SandboxHandle]:
    """Run a sandbox server in a background thread for the duration of a ``with`` block.

    Takes the fields of ``SandboxOptions`` as keywords (``port=0`` picks a free port, and tests
    usually pass ``write_rate=0`` and ``read_rate=0`` to lift the limits). Yields a
    ``SandboxHandle``. On exit the server closes its connections and writes its database file.

        with run_sandbox(write_rate=0) as sandbox:
            httpx.get(f"{sandbox.base_url}/v2/self", headers=sandbox.headers)

    Raises ConfigError for invalid options and OSError when the port cannot be bound.
    """
    sandbox = Sandbox(SandboxOptions(**options))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="attio-cli-sandbox", daemon=True)
    thread.start()
    server = SandboxServer(sandbox)
    try:
        try:
            asyncio.run_coroutine_threadsafe(server.start(), loop).result(_THREAD_TIMEOUT)
        except BaseException:
            sandbox.close()
            raise
        try:
            yield SandboxHandle(server)
        finally:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(_THREAD_TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_THREAD_TIMEOUT)
        loop.close()


def serve(options: SandboxOptions, on_ready: Callable[[SandboxServer], None]) -> None:
    """Serve in the foreground until SIGINT or SIGTERM, then stop cleanly.

    ``on_ready`` runs once the socket is bound. Raises ConfigError for invalid options and OSError
    when the address cannot be bound.
    """
    sandbox = Sandbox(options)
    try:
        asyncio.run(_serve(sandbox, on_ready))
    finally:
        sandbox.close()


async def _serve(sandbox: Sandbox, on_ready: Callable[[SandboxServer], None]) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    # The handlers go in before the socket is bound, because a client may signal as soon as the
    # port file appears.
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    server = SandboxServer(sandbox)
    try:
        await server.start()
        on_ready(server)
        await stopping.wait()
    finally:
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signal_number)
        await server.stop()
