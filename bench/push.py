"""Benchmark: live push to the sandbox, as a user runs it.

Starts `python -m attio_cli.sandbox` in a subprocess and runs `attio-cli push` against it in
another, then reads the run report. Two workloads:

1. batch: identify events through the batch endpoint (`enable_batching: true`), with the
   sandbox's and the client's rate limits lifted; prints events/s.
2. paced: identify events in the public style at the default 25 writes/s, against a sandbox that
   enforces Attio's 25 writes/s. It prints the writes/s held and the number of 429 responses.

    python bench/push.py [--batch-events N] [--paced-events N] [--skip-batch] [--skip-paced]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
STARTUP_TIMEOUT_S = 30


def write_events(path: Path, count: int) -> None:
    """Write ``count`` identify events for ``count // 4`` users, so most users repeat."""
    users = max(count // 4, 1)
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            user = index % users
            event = {
                "type": "identify",
                "messageId": f"m-{index}",
                "userId": f"user-{user}",
                "receivedAt": "2024-05-24T10:00:00.000Z",
                "traits": {"email": f"user{user}@example.com", "title": f"title {index}"},
            }
            stream.write(json.dumps(event, separators=(",", ":")) + "\n")


def start_sandbox(folder: Path, *rate_options: str) -> tuple[subprocess.Popen, str]:
    port_file = folder / "port"
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "attio_cli.sandbox", "--port", "0", "--port-file", str(port_file), "--token", TOKEN, "-q", *rate_options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not port_file.exists():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("the sandbox did not start")
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text().strip()}"


def push(base_url: str, events: Path, mapping: Path, report: Path, *options: str) -> dict:
    env = dict(os.environ, ATTIO_API_TOKEN=TOKEN)
    command = [sys.executable, "-m", "attio_cli", "push", str(events), "-m", str(mapping), "--base-url", base_url, "--report", str(report), *options]
    completed = subprocess.run(command, env=env, capture_output=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"push failed with status {completed.returncode}: {completed.stderr.decode()[-2000:]}")
    return json.loads(report.read_text())


def run_batch(folder: Path, count: int) -> None:
    events = folder / "batch-events.ndjson"
    write_events(events, count)
    mapping = folder / "batch.yaml"
    mapping.write_text(
        "action: identify-user\nmapping:\n  enable_batching: true\n  batch_size: 1000\n"
        "  person_attributes:\n    job_title: $.traits.title\n"
    )
    sandbox, base_url = start_sandbox(folder, "--write-rate", "0", "--read-rate", "0")
    try:
        started = time.perf_counter()
        report = push(base_url, events, mapping, folder / "batch-report.json", "--rate", "0")
        wall = time.perf_counter() - started
    finally:
        sandbox.terminate()
        sandbox.wait()
    print(f"batch endpoint: {report['delivered']:,} events delivered in {report['requests']} requests")
    print(f"  delivery {report['elapsed_s']:.2f} s: {report['delivered'] / report['elapsed_s']:,.0f} events/s")
    print(f"  whole command {wall:.2f} s (start-up, schema read and mapping included): {report['delivered'] / wall:,.0f} events/s")


def run_paced(folder: Path, count: int) -> None:
    events = folder / "paced-events.ndjson"
    write_events(events, count)
    mapping = folder / "paced.yaml"
    mapping.write_text("action: identify-user\nmapping:\n  person_attributes:\n    job_title: $.traits.title\n")
    sandbox, base_url = start_sandbox(folder)  # Attio's limits: 25 writes/s, 100 reads/s
    try:
        report = push(base_url, events, mapping, folder / "paced-report.json")
    finally:
        sandbox.terminate()
        sandbox.wait()
    print(f"public style at the default --rate 25: {report['delivered']:,} events, {report['requests']:,} requests")
    print(f"  {report['requests'] / report['elapsed_s']:.1f} writes/s held over {report['elapsed_s']:.1f} s, {report['rate_limited']} answered 429")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-events", type=int, default=50_000, help="events for the batch run (default 50,000)")
    parser.add_argument("--paced-events", type=int, default=1_000, help="events for the paced run (default 1,000)")
    parser.add_argument("--skip-batch", action="store_true", help="skip the batch run")
    parser.add_argument("--skip-paced", action="store_true", help="skip the paced run")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if not args.skip_batch:
            run_batch(folder, args.batch_events)
        if not args.skip_paced:
            run_paced(folder, args.paced_events)


if __name__ == "__main__":
    main()
