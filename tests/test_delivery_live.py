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


def _stale_schema(sandbox, tmp_path):
    """Pull the sandbox's schema and add an attribute the sandbox does not have."""
    path = tmp_path / "schema.json"
    subprocess.run(
        [sys.executable, "-m", "attio_cli", "schema", "pull", "--out", str(path), "--base-url", sandbox.base_url, "--token", sandbox.token],
        check=True, capture_output=True, cwd=REPO_ROOT,
    )
    document = json.loads(path.read_text())
    people = next(item for item in document["objects"] if item["api_slug"] == "people")
    people["attributes"].append(
        {"id": None, "api_slug": "legacy_score", "title": "Legacy score", "type": "text", "is_multiselect": False,
         "is_unique": False, "is_writable": True, "is_required": False}
    )
    path.write_text(json.dumps(document))
    return path


def test_batch_isolates_rejected_event(tmp_path):
    events = _identify_events(10, 10)
    events[3]["traits"]["legacy_score"] = "high"
    events_file = tmp_path / "events.ndjson"
    _write_events(events_file, events)
    mapping = tmp_path / "batch.yaml"
    mapping.write_text(
        "action: identify-user\nmapping:\n  enable_batching: true\n  batch_size: 10\n"
        "  person_attributes:\n    legacy_score: $.traits.legacy_score\n"
    )
    rejects = tmp_path / "rejects.ndjson"
    report_file = tmp_path / "report.json"
    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        schema = _stale_schema(sandbox, tmp_path)
        result = _push(
            str(events_file), "-m", str(mapping), "--schema", str(schema), "--base-url", sandbox.base_url,
            "--rejects", str(rejects), "--report", str(report_file),
        )
        users = {record["values"]["user_id"][0]["value"] for record in sandbox.records("users")}
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(report_file.read_text())
    assert report["delivered"] == 9
    assert report["rejected"] == 1
    [reject] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert reject["line"] == 4
    assert reject["stage"] == "rejected"
    assert "legacy_score" in reject["reason"]
    assert reject["answer"]["code"] == "value_not_found"
    assert reject["event"] == events[3]
    assert users == {f"user-{index}" for index in range(10)} - {"user-3"}


def test_unauthorized_exits_three_without_retries(tmp_path):
    secret = "wrong-secret-token-1234"
    with run_sandbox(write_rate=0, read_rate=0, token="the-right-token") as sandbox:
        result = _push("samples/", "-m", IDENTIFY, "--base-url", sandbox.base_url, "--verbose", token=secret)
        stats = sandbox.stats()
    assert result.returncode == 3
    assert stats["requests"] == 1
    assert stats["unauthorized"] == 1
    assert secret.encode() not in result.stdout + result.stderr
    assert b"HTTP 401" in result.stderr


def test_token_never_in_verbose_log(tmp_path):
    with run_sandbox(write_rate=0, read_rate=0, token="secret-token-5678") as sandbox:
        result = _push("samples/", "-m", IDENTIFY, "--base-url", sandbox.base_url, "--verbose", token="secret-token-5678")
    assert result.returncode == 0, result.stderr.decode()
    assert b"request: PUT /v2/objects/people/records" in result.stderr
    assert b"secret-token-5678" not in result.stdout + result.stderr


def _state_lines(path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_kill_and_resume_same_records(tmp_path):
    events = _identify_events(600, 150)
    events_file = tmp_path / "events.ndjson"
    _write_events(events_file, events)
    mapping = tmp_path / "titles.yaml"
    mapping.write_text(TITLE_MAPPING)
    state = tmp_path / "state.ndjson"
    args = [str(events_file), "-m", str(mapping), "--state", str(state), "--rate", "0", "--concurrency", "4"]
    with run_sandbox(write_rate=300, read_rate=0) as sandbox:
        env = {key: value for key, value in os.environ.items() if key != "ATTIO_API_TOKEN"}
        env["ATTIO_API_TOKEN"] = sandbox.token
        process = subprocess.Popen(
            [sys.executable, "-m", "attio_cli", "push", *args, "--base-url", sandbox.base_url],
            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _state_lines(state) < 150 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        settled_before = _state_lines(state) - 1
        assert 0 < settled_before < 600

        result = _push(*args, "--resume", "--base-url", sandbox.base_url, token=sandbox.token)
        titles = _titles(sandbox)
        stats = sandbox.stats()
    # A request that got a 429 was not processed, so it does not count as sent.
    writes = stats["writes"] - stats["rate_limited"]

    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert titles == _expected_titles(events)
    # Each event is two writes. Only the requests in flight at the kill (at most --concurrency
    # events) can be sent twice.
    assert writes - 2 * len(events) <= 2 * 4


def test_interrupt_stops_gracefully_then_resumes(tmp_path):
    events = _identify_events(400, 100)
    events_file = tmp_path / "events.ndjson"
    _write_events(events_file, events)
    mapping = tmp_path / "titles.yaml"
    mapping.write_text(TITLE_MAPPING)
    state = tmp_path / "state.ndjson"
    report_file = tmp_path / "report.json"
    args = [str(events_file), "-m", str(mapping), "--state", str(state), "--rate", "100", "--report", str(report_file)]
    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        env = {key: value for key, value in os.environ.items() if key != "ATTIO_API_TOKEN"}
        env["ATTIO_API_TOKEN"] = sandbox.token
        process = subprocess.Popen(
            [sys.executable, "-m", "attio_cli", "push", *args, "--base-url", sandbox.base_url],
            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while _state_lines(state) < 30 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        interrupted = json.loads(report_file.read_text())

        result = _push(*args, "--resume", "--base-url", sandbox.base_url, token=sandbox.token)
        titles = _titles(sandbox)
        resumed = json.loads(report_file.read_text())

    assert process.returncode == 130, stderr.decode()[-2000:]
    assert b"interrupted" in stderr
    assert b"events read:" in stderr
    assert interrupted["delivered"] + interrupted["failed"] == interrupted["read"]
    assert 0 < interrupted["delivered"] < 400
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert resumed["already_delivered"] == interrupted["delivered"]
    assert resumed["delivered"] + resumed["already_delivered"] == 400
    assert titles == _expected_titles(events)
