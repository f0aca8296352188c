"""Benchmark: requests per second of the sandbox server, with its rate limits lifted.

Starts `python -m attio_cli.sandbox` in a subprocess (so client and server do not share a GIL),
then measures two workloads over keep-alive connections:

1. single public asserts (`PUT /v2/objects/people/records?matching_attribute=email_addresses`),
   each creating a person, from several concurrent connections;
2. batch requests (`PUT /v2/batch/records`) of Identify User assertions, each a user with a
   nested person, reported as assertions per second.

The client speaks raw HTTP/1.1 over asyncio streams, because an HTTP library's own overhead
would cap the figure below what the server can do.

    python bench/sandbox.py [--requests N] [--connections C] [--batches B] [--batch-size S] [--db FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
# Every network wait gives up after this many seconds, so a hung server cannot hang the benchmark.
IO_TIMEOUT = 60


class Connection:
    """A minimal keep-alive HTTP/1.1 client connection that reads Content-Length bodies."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int):
        self.reader = reader
        self.writer = writer
        self.prefix = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), IO_TIMEOUT)
        return cls(reader, writer, port)

    async def request(self, method: str, path: str, body: bytes) -> int:
        head = f"{method} {path} HTTP/1.1\r\n{self.prefix}Content-Length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode() + body)
        header_block = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), IO_TIMEOUT)
        lines = header_block.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length:
            await asyncio.wait_for(self.reader.readexactly(length), IO_TIMEOUT)
        return status

    def close(self) -> None:
        self.writer.close()


def start_server(db: Path | None) -> tuple[subprocess.Popen, int]:
    port_file = Path(tempfile.mkdtemp(prefix="sandbox-bench-")) / "port"
    command = [
        sys.executable, "-m", "attio_cli.sandbox", "--port", "0", "--port-file", str(port_file),
        "--write-rate", "0", "--read-rate", "0", "--quiet",
    ]
    if db is not None:
        command += ["--db", str(db)]
    environment = {**os.environ, "ATTIO_SANDBOX_TOKEN": TOKEN}
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment)
    deadline = time.monotonic() + 30
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("the sandbox did not start within 30 seconds")
        time.sleep(0.05)
    return process, int(port_file.read_text())


async def run_asserts(port: int, total: int, connections: int) -> tuple[float, dict[int, int]]:
    """Send ``total`` public asserts over ``connections`` connections; return (seconds, status counts)."""
    statuses: dict[int, int] = {}
    per_connection = total // connections
    path = "/v2/objects/people/records?matching_attribute=email_addresses"

    async def worker(number: int) -> None:
        connection = await Connection.open(port)
        try:
            for index in range(per_connection):
                name = f"bench-{number}-{index}"
                body = json.dumps({"data": {"values": {"email_addresses": [f"{name}@example.com"], "name": f"Bench, {name}"}}})
                status = await connection.request("PUT", path, body.encode())
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(number) for number in range(connections)))
    return time.perf_counter() - started, statuses


def batch_body(batch: int, size: int) -> bytes:
    assertions = []
    for index in range(size):
        email = f"batch-{batch}-{index}@example.com"
        person = {
            "object": "people", "mode": "create-or-update", "matching_attribute": "email_addresses",
            "multiselect_values": "append", "values": {"email_addresses": [email]}, "received_at": "2024-03-01T09:00:00.000Z",
        }
        assertions.append({
            "object": "users", "mode": "create-or-update", "matching_attribute": "user_id", "multiselect_values": "append",
            "values": {"user_id": f"user-{batch}-{index}", "primary_email_address": email, "person": person},
            "received_at": "2024-03-01T09:00:00.000Z",
        })
    return json.dumps({"assertions": assertions}).encode()


async def run_batches(port: int, batches: int, size: int) -> tuple[float, dict[int, int]]:
    bodies = [batch_body(batch, size) for batch in range(batches)]
    statuses: dict[int, int] = {}
    connection = await Connection.open(port)
    try:
        started = time.perf_counter()
        for body in bodies:
            status = await connection.request("PUT", "/v2/batch/records", body)
            statuses[status] = statuses.get(status, 0) + 1
        return time.perf_counter() - started, statuses
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="public asserts to send (default 20000)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--batches", type=int, default=10, help="batch requests to send (default 10)")
    parser.add_argument("--batch-size", type=int, default=1000, help="assertions per batch request (default 1000)")
    parser.add_argument("--db", type=Path, help="run the sandbox with this --db file (default: memory only)")
    arguments = parser.parse_args()

    process, port = start_server(arguments.db)
    try:
        seconds, statuses = asyncio.run(run_asserts(port, arguments.requests, arguments.connections))
        sent = sum(statuses.values())
        print(f"public asserts: {sent} in {seconds:.2f} s = {sent / seconds:,.0f} requests/s "
              f"over {arguments.connections} connections; statuses {statuses}")

        seconds, statuses = asyncio.run(run_batches(port, arguments.batches, arguments.batch_size))
        assertions = arguments.batches * arguments.batch_size
        print(f"batch endpoint: {assertions} assertions (each a user with a nested person) in {seconds:.2f} s = "
              f"{assertions / seconds:,.0f} assertions/s; statuses {statuses}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    main()
