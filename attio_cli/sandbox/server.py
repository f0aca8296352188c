"""HTTP/1.1 server for the sandbox: asyncio protocols with h11 parsing, keep-alive and pipelining.

Each connection responds to its requests in order. With ``--latency`` a response waits on a
timer, and the connection reads no further request until that response is sent, so pipelined
requests keep their order. Handling itself is synchronous (``SandboxApi.handle``), because every endpoint works
on memory only; the database file is written from a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import h11

from attio_cli.sandbox import errors
from attio_cli.sandbox.api import Response, SandboxApi, json_response
from attio_cli.sandbox.errors import ApiError
from attio_cli.sandbox.limits import DROP
from attio_cli.sandbox.service import CONNECTIONS, Sandbox

logger = logging.getLogger("attio_cli.sandbox")

# Request bodies above this size get 413. A batch of 10,000 assertions is about 5 MB.
# NOTE: Attio documents no request size limit, so this limit and its 413 are the sandbox's own.
MAX_BODY_BYTES = 64 * 1024 * 1024
_SERVER_HEADER = (b"server", b"attio-cli-sandbox")


class HttpConnection(asyncio.Protocol):
    """One client connection."""

    def __init__(self, server: SandboxServer):
        self.server = server
        self.api = server.api
        self.h11 = h11.Connection(h11.SERVER)
        self.transport: asyncio.Transport | None = None
        self.request: h11.Request | None = None
        self.body = bytearray()
        # True while a response waits for its latency timer, and after the connection is closed.
        self.busy = False
        self.timer: asyncio.TimerHandle | None = None

    # asyncio callbacks -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)
        sandbox = self.server.sandbox
        with sandbox.store.lock:
            sandbox.count(CONNECTIONS)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.busy = True
        if self.timer is not None:
            self.timer.cancel()

    def data_received(self, data: bytes) -> None:
        try:
            self.h11.receive_data(data)
        except RuntimeError:
            return  # data after the connection was closed on our side
        self._process()

    def eof_received(self) -> bool | None:
        try:
            self.h11.receive_data(b"")
        except RuntimeError:
            return None
        self._process()
        return None

    def pause_writing(self) -> None:
        # The client is not reading its responses, so stop reading its requests until it catches up.
        self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.transport.resume_reading()

    # Request handling --------------------------------------------------------------------------

    def _process(self) -> None:
        while not self.busy:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as error:
                self._reject_malformed(error)
                return

            if event is h11.NEED_DATA:
                if self.h11.they_are_waiting_for_100_continue:
                    self.transport.write(self.h11.send(h11.InformationalResponse(status_code=100, headers=[])))
                return
            if event is h11.PAUSED:
                return

            kind = type(event)
            if kind is h11.Request:
                self.request = event
                self.body.clear()
                if _declared_length(event) > MAX_BODY_BYTES:
                    self._reject_too_large()
                    return
            elif kind is h11.Data:
                self.body += event.data
                if len(self.body) > MAX_BODY_BYTES:
                    self._reject_too_large()
                    return
            elif kind is h11.EndOfMessage:
                self._respond()
            elif kind is h11.ConnectionClosed:
                self.transport.close()
                return

    def _respond(self) -> None:
        request = self.request
        response = self.api.handle(request.method.decode("ascii"), request.target, list(request.headers), bytes(self.body))
        self.body.clear()
        if response is DROP:
            # An injected fault: close without a response, as a failing proxy or server would.
            self.busy = True
            self.transport.close()
            return
        latency = self.server.latency
        if latency > 0:
            self.busy = True
            self.timer = asyncio.get_running_loop().call_later(latency, self._send_delayed, response)
        else:
            self._send(response)

    def _send_delayed(self, response: Response) -> None:
        self.timer = None
        if self.transport.is_closing():
            return
        self.busy = False
        self._send(response)
        self._process()

    def _send(self, response: Response, close: bool = False) -> None:
        headers = [(b"content-length", str(len(response.body)).encode()), _SERVER_HEADER, *response.headers]
        if close:
            headers.append((b"connection", b"close"))
        connection = self.h11
        data = connection.send(h11.Response(status_code=response.status, headers=headers))
        if response.body:
            data += connection.send(h11.Data(data=response.body))
        data += connection.send(h11.EndOfMessage())
        self.transport.write(data)

        if connection.our_state is h11.MUST_CLOSE or connection.their_state is not h11.DONE:
            self.busy = True
            self.transport.close()
            return
        connection.start_next_cycle()

    def _reject_too_large(self) -> None:
        self.busy = True
        logger.warning("rejected a request body over %d bytes from %s with 413", MAX_BODY_BYTES, self._peer())
        error = ApiError(413, errors.INVALID_REQUEST, "validation_type", f"The request body is larger than the sandbox's limit of {MAX_BODY_BYTES} bytes.")
        self._send(json_response(413, error.body()), close=True)

    def _reject_malformed(self, error: h11.RemoteProtocolError) -> None:
        self.busy = True
        logger.warning("rejected a malformed request from %s: %s", self._peer(), error)
        if self.h11.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            message = f"The request is not valid HTTP/1.1: {error}."
            body = ApiError(400, errors.INVALID_REQUEST, "validation_type", message).body()
            try:
                self._send(json_response(400, body), close=True)
                return
            except h11.LocalProtocolError:
                pass
        self.transport.close()

    def _peer(self) -> str:
        peer = self.transport.get_extra_info("peername")
        return f"{peer[0]}:{peer[1]}" if peer else "an unknown client"


def _declared_length(request: h11.Request) -> int:
    for name, value in request.headers:
        if name == b"content-length":
            return int(value)
    return 0


class SandboxServer:
    """Serves one ``Sandbox`` on a host and port, and writes its database file periodically."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.api = SandboxApi(sandbox)
        self.latency = sandbox.options.latency_ms / 1000
        # "localhost" may resolve to both 127.0.0.1 and ::1, and port 0 would then bind two
        # different ports. One IPv4 socket keeps the port file and the base URL unambiguous.
        self.host = "127.0.0.1" if sandbox.options.host == "localhost" else sandbox.options.host
        self.connections: set[HttpConnection] = set()
        self.port: int | None = None
        self._server: asyncio.base_events.Server | None = None
        self._flush_task: asyncio.Task | None = None

    @property
    def base_url(self) -> str:
        host = self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Bind the socket, write the port file and start the periodic flush.

        Raises OSError when the address cannot be bound.
        """
        options = self.sandbox.options
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: HttpConnection(self), self.host, options.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.sandbox.store.web_url_base = f"{self.base_url}/v2/objects"
        if options.port_file is not None:
            write_port_file(options.port_file, self.port)
        if self.sandbox.database is not None:
            self._flush_task = asyncio.create_task(self._flush_periodically(options.flush_interval))
        logger.info("serving %s (workspace %r from %s)", self.base_url, self.sandbox.workspace.name, self.sandbox.workspace.source)

    async def _flush_periodically(self, interval: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(interval)
            try:
                await loop.run_in_executor(None, self.sandbox.flush)
            except Exception:
                logger.exception("writing the sandbox database %s failed; the next flush tries again", self.sandbox.options.db)

    async def stop(self) -> None:
        """Stop accepting, close every connection, write the database file and close it."""
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections):
            if connection.transport is not None:
                connection.transport.close()
        if self._server is not None:
            await self._server.wait_closed()
        if self._flush_task is not None:
            self._flush_task.cancel()
            try:
                await self._flush_task
            except asyncio.CancelledError:
                pass
        self.sandbox.close()
        if self.port is not None:
            logger.info("stopped %s", self.base_url)


def write_port_file(path: Path, port: int) -> None:
    """Write the port to ``path`` through a temporary file and a rename, so readers never see half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(f"{port}\n", encoding="ascii")
    os.replace(temporary, path)
