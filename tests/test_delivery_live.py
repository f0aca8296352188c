"""Live push against the sandbox on 127.0.0.1: records end up right, and nothing is lost."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from attio_cli.sandbox import run_sandbox
from test_cli import IDENTIFY, REPO_ROOT

TITLE_MAPPING = """\
name: Identify users with titles
action: identify-user
mapping:
  person_attributes:
    job_title: $.traits.title
"""


def _identify_events(count: int, users: int) -> list[dict]:
    return [
        {
            "type": "identify",
            "messageId": f"m-{index}",
            "userId": f"user-{index % users}",
            "traits": {"email": f"user{index % users}@example.com", "title": f"title {index}"},
        }
        for index in range(count)
    ]


def _write_events(path, events):
    path.write_text("".join(json.dumps(event) + "\n" for event in events))


def _push(*args, token="sandbox", env_extra=None, **kwargs):
    env = {key: value for key, value in os.environ.items() if key != "ATTIO_API_TOKEN"}
    if token is not None:
        env["ATTIO_API_TOKEN"] = token
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "attio_cli", "push", *args], capture_output=True, cwd=REPO_ROOT, env=env, check=False, **kwargs)


def _titles(sandbox) -> dict[str, str]:
    """Return each person's email and job title as the sandbox stores them."""
    titles = {}
    for record in sandbox.records("people"):
        values = record["values"]
        email = values["email_addresses"][0]["email_address"]
        titles[email] = values["job_title"][0]["value"] if values.get("job_title") else None
    return titles


def _expected_titles(events) -> dict[str, str]:
    last = {}
    for event in events:
        last[event["traits"]["email"]] = event["traits"]["title"]
    return last


def test_samples_delivered(tmp_path):
    report = tmp_path / "report.json"
    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        result = _push("samples/", "-m", IDENTIFY, "--base-url", sandbox.base_url, "--report", str(report))
        people = sandbox.records("people")
        users = sandbox.records("users")
    assert result.returncode == 0, result.stderr.decode()
    counts = json.loads(report.read_text())
    assert counts["delivered"] == 3
    assert len(people) == 3
    assert len(users) == 3


def test_faults_and_rate_limits_lose_nothing(tmp_path):
    events = _identify_events(2000, 500)
    events_file = tmp_path / "events.ndjson"
    _write_events(events_file, events)
    mapping = tmp_path / "titles.yaml"
    mapping.write_text(TITLE_MAPPING)
    report_file = tmp_path / "report.json"
    with run_sandbox(write_rate=250, read_rate=0, fail_rate=0.1, drop_rate=0.02, seed=7) as sandbox:
        result = _push(
            str(events_file), "-m", str(mapping), "--base-url", sandbox.base_url, "--rate", "0", "--concurrency", "16",
            "--report", str(report_file),
        )
        titles = _titles(sandbox)
        users = {record["values"]["user_id"][0]["value"] for record in sandbox.records("users")}
        stats = sandbox.stats()
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    report = json.loads(report_file.read_text())
    assert report["delivered"] == 2000
    assert report["read"] == report["delivered"] + report["rejected"] + report["failed"] + report["invalid"] + report["unmatched"] + report["duplicate"]
    assert report["rate_limited"] > 0
    assert report["retries"] > 0
    assert titles == _expected_titles(events)
    assert users == {f"user-{index}" for index in range(500)}
    assert stats is not None
