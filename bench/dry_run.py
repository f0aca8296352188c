"""Benchmark: dry-run throughput of the push pipeline against jq doing the equivalent transform.

Generates N synthetic identify events (plus some track events that no subscription matches), runs
`attio-cli push --dry-run --output ndjson` over them, and, when jq is installed, a jq program that
writes the same two requests per identify event. Both run as separate processes on the same file in
the same run, so the ratio is meaningful even where absolute times drift.

    python bench/dry_run.py [--events N] [--repeat R] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MAPPING = REPO_ROOT / "mappings" / "identify-user.yaml"

# Two requests per identify event with an email, as the public style of identify-user plans them.
JQ_PROGRAM = r"""
select(.type == "identify")
| (if .traits.email != null then .traits.email else .email end) as $email
| select($email != null and .userId != null)
| {method: "PUT",
   url: "https://api.attio.com/v2/objects/people/records?matching_attribute=email_addresses",
   body: {data: {values: {email_addresses: [$email]}}},
   subscription: "Identify users", step: 1, input: input_filename, line: null, message_id: .messageId},
  {method: "PUT",
   url: "https://api.attio.com/v2/objects/users/records?matching_attribute=user_id",
   body: {data: {values: {primary_email_address: $email, person: $email, user_id: .userId}}},
   subscription: "Identify users", step: 2, input: input_filename, line: null, message_id: .messageId}
"""


def write_events(path: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` events: 90% identify with traits, 10% track events that do not match."""
    rng = random.Random(seed)
    plans = ["free", "pro", "team", "enterprise"]
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            user = rng.randrange(count // 4 + 1)
            if index % 10 == 9:
                event = {"type": "track", "event": "Page Viewed", "userId": f"user-{user}", "messageId": f"m-{index}", "properties": {"path": "/pricing"}}
            else:
                event = {
                    "type": "identify",
                    "messageId": f"m-{index}",
                    "userId": f"user-{user}",
                    "anonymousId": f"anon-{user}",
                    "receivedAt": "2024-05-24T10:00:00.000Z",
                    "timestamp": "2024-05-24T09:59:58.000Z",
                    "context": {"ip": "8.8.8.8", "library": {"name": "analytics.js", "version": "2.11.1"}},
                    "traits": {"email": f"user{user}@example.com", "name": f"User {user}", "plan": rng.choice(plans), "logins": rng.randrange(100)},
                }
            stream.write(json.dumps(event, separators=(",", ":")) + "\n")


def time_command(command: list[str], repeat: int) -> float:
    """Return the best wall time of ``repeat`` runs, in seconds; stdout is discarded."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - started
        if completed.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed with status {completed.returncode}: {completed.stderr.decode()[-2000:]}")
        best = min(best, elapsed)
    return best


def _pipeline(sink: io.BytesIO, *, check_values: bool):
    from attio_cli.mapping_file import load_mapping_files
    from attio_cli.output import NdjsonWriter
    from attio_cli.pipeline import Pipeline
    from attio_cli.plan import Planner
    from attio_cli.record_check import RecordChecker
    from attio_cli.report import RejectsWriter
    from attio_cli.schema import Schema

    checker = RecordChecker(Schema.builtin(), style="public") if check_values else None
    return Pipeline(
        load_mapping_files([str(MAPPING)]),
        Planner("public"),
        NdjsonWriter("https://api.attio.com", sink),
        RejectsWriter(None),
        checker=checker,
    )


def value_check_overhead(events_file: Path, repeat: int) -> None:
    """Print the in-process dry-run time with and without the attribute value checks.

    The command line always checks values, so the comparison runs the same pipeline in this
    process, alternating the two set-ups so that drift affects both alike.
    """
    from attio_cli.reader import iter_lines

    best = {False: float("inf"), True: float("inf")}
    for _ in range(repeat):
        for check_values in (False, True):
            pipeline = _pipeline(io.BytesIO(), check_values=check_values)
            started = time.perf_counter()
            pipeline.run(iter_lines([str(events_file)]))
            best[check_values] = min(best[check_values], time.perf_counter() - started)
    overhead = best[True] / best[False] - 1
    print(f"in-process without value checks: {best[False]:.2f} s")
    print(f"in-process with value checks:    {best[True]:.2f} s (+{overhead:.0%})")


def profile_in_process(events_file: Path) -> None:
    """Print the 25 functions with the most cumulative time for one in-process dry run."""
    from attio_cli.reader import iter_lines

    pipeline = _pipeline(io.BytesIO(), check_values=True)
    profiler = cProfile.Profile()
    profiler.enable()
    pipeline.run(iter_lines([str(events_file)]))
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000, help="number of events to generate (default 200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the best is kept (default 3)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one in-process run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        events_file = Path(folder) / "events.ndjson"
        write_events(events_file, args.events)
        size_mb = events_file.stat().st_size / 1e6
        print(f"{args.events:,} events, {size_mb:.1f} MB, {os.cpu_count()} cores, Python {sys.version.split()[0]}")

        cli = [sys.executable, "-m", "attio_cli", "push", str(events_file), "-m", str(MAPPING), "--dry-run", "--output", "ndjson"]
        cli_seconds = time_command(cli, args.repeat)
        cli_rate = args.events / cli_seconds
        print(f"attio-cli dry run: {cli_seconds:.2f} s, {cli_rate:,.0f} events/s")

        jq = shutil.which("jq")
        if jq:
            jq_seconds = time_command([jq, "-c", JQ_PROGRAM, str(events_file)], args.repeat)
            jq_rate = args.events / jq_seconds
            print(f"jq equivalent:     {jq_seconds:.2f} s, {jq_rate:,.0f} events/s")
            print(f"ratio attio-cli/jq: {cli_rate / jq_rate:.2f}x")
        else:
            print("jq not installed: no reference figure")

        value_check_overhead(events_file, args.repeat)
        if args.profile:
            profile_in_process(events_file)


if __name__ == "__main__":
    main()
