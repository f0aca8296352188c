"""The CLI as a user runs it: a real process, real files, real pipes."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_SAMPLES = REPO_ROOT.parent / "shared" / "samples" / "segment-docs-events.ndjson"
IDENTIFY = str(REPO_ROOT / "mappings" / "identify-user.yaml")
GROUP = str(REPO_ROOT / "mappings" / "group-workspace.yaml")
ASSERT = str(REPO_ROOT / "mappings" / "assert-record.yaml")


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attio_cli", *args], input=stdin, capture_output=True, cwd=cwd, check=False)


def ndjson(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def test_bundled_samples_dry_run():
    result = run_cli("push", "samples/", "-m", IDENTIFY, "-m", GROUP, "-m", ASSERT, "--dry-run")
    assert result.returncode == 0, result.stderr.decode()
    requests = ndjson(result.stdout)
    assert {request["method"] for request in requests} == {"PUT", "PATCH"}
    assert all(request["url"].startswith("https://api.attio.com/v2/") for request in requests)
    assert b"1 duplicate" in result.stderr


@pytest.mark.skipif(not SHARED_SAMPLES.exists(), reason="shared samples not present")
def test_segment_docs_identify_events():
    result = run_cli("push", str(SHARED_SAMPLES), "-m", IDENTIFY, "--dry-run", "--output", "ndjson", "--no-dedupe")
    events = [json.loads(line) for line in SHARED_SAMPLES.read_text().splitlines()]
    with_email = [
        index + 1
        for index, event in enumerate(events)
        if event.get("type") == "identify" and (event.get("traits", {}).get("email") or event.get("email")) and event.get("userId")
    ]
    requests = ndjson(result.stdout)
    assert sorted({request["line"] for request in requests}) == with_email
    for line in with_email:
        urls = [request["url"] for request in requests if request["line"] == line]
        assert urls == [
            "https://api.attio.com/v2/objects/people/records?matching_attribute=email_addresses",
            "https://api.attio.com/v2/objects/users/records?matching_attribute=user_id",
        ]
    # Identify events without an email are invalid (exit 1), with their reasons on the rejects file.
    assert result.returncode == 1


@pytest.mark.skipif(not SHARED_SAMPLES.exists(), reason="shared samples not present")
def test_segment_docs_rejects_and_report(tmp_path):
    rejects = tmp_path / "rejects.ndjson"
    report = tmp_path / "report.json"
    result = run_cli("push", str(SHARED_SAMPLES), "-m", IDENTIFY, "--dry-run", "--rejects", str(rejects), "--report", str(report))
    counts = json.loads(report.read_text())
    assert set(counts) >= {"read", "matched", "unmatched", "invalid", "duplicate", "planned_requests"}
    assert counts["read"] == 30
    assert counts["planned"] + counts["unmatched"] + counts["duplicate"] + counts["invalid"] == 30
    rejected = ndjson(rejects.read_bytes())
    assert len(rejected) == counts["invalid"]
    for record in rejected:
        assert set(record) == {"input", "line", "message_id", "stage", "reason", "subscription", "event"}
        assert record["stage"] == "invalid"
        assert record["event"] == json.loads(SHARED_SAMPLES.read_text().splitlines()[record["line"] - 1])
    reasons = [record["reason"] for record in rejected]
    assert any("missing the required field 'email_address'" in reason for reason in reasons)
    assert result.returncode == 1


def test_stdin_is_default_input():
    event = b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n'
    result = run_cli("push", "-m", IDENTIFY, "--dry-run", stdin=event)
    assert result.returncode == 0, result.stderr.decode()
    requests = ndjson(result.stdout)
    assert [request["input"] for request in requests] == ["<stdin>", "<stdin>"]
    assert requests[0]["body"] == {"data": {"values": {"email_addresses": ["a@example.com"]}}}


def test_gzip_on_stdin():
    event = gzip.compress(b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n')
    result = run_cli("push", "-", "-m", IDENTIFY, "--dry-run", stdin=event)
    assert result.returncode == 0, result.stderr.decode()
    assert len(ndjson(result.stdout)) == 2


def test_segment_style_requests():
    event = b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n'
    result = run_cli("push", "-m", IDENTIFY, "--dry-run", "--api", "segment", stdin=event)
    requests = ndjson(result.stdout)
    assert [request["url"] for request in requests] == [
        "https://api.attio.com/v2/objects/people/records/simple?matching_attribute=email_addresses&append_to_existing_values=true",
        "https://api.attio.com/v2/objects/users/records/simple?matching_attribute=user_id&append_to_existing_values=true",
    ]
    assert requests[1]["body"] == {"data": {"values": {"primary_email_address": "a@example.com", "person": "a@example.com", "user_id": "u1"}}}


def test_base_url_option():
    event = b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n'
    result = run_cli("push", "-m", IDENTIFY, "--dry-run", "--base-url", "http://127.0.0.1:8080/", stdin=event)
    assert ndjson(result.stdout)[0]["url"].startswith("http://127.0.0.1:8080/v2/objects/people/records")


def test_group_workspace_placeholder():
    event = b'{"type":"group","userId":"u1","groupId":"g1","traits":{"website":"acme.example","name":"Acme"}}\n'
    result = run_cli("push", "-m", GROUP, "--dry-run", stdin=event)
    requests = ndjson(result.stdout)
    assert [request["method"] for request in requests] == ["PUT", "PUT", "PATCH"]
    assert requests[1]["body"]["data"]["values"]["company"] == "<record_id from step 1 (companies)>"
    assert requests[2]["url"] == "https://api.attio.com/v2/objects/workspaces/records/<record_id from step 2 (workspaces)>"
    assert requests[2]["body"] == {"data": {"values": {"users": ["u1"]}}}


def test_bad_lines_counted_invalid(tmp_path):
    events = tmp_path / "events.ndjson"
    events.write_bytes(b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\nnot json\n[1,2]\n')
    rejects = tmp_path / "rejects.ndjson"
    result = run_cli("push", str(events), "-m", IDENTIFY, "--dry-run", "--rejects", str(rejects))
    assert result.returncode == 1
    rejected = ndjson(rejects.read_bytes())
    assert [(record["line"], record["event"]) for record in rejected] == [(2, "not json"), (3, "[1,2]")]
    assert rejected[0]["reason"].startswith("line is not valid JSON")
    assert b"3 events read: 1 planned, 0 unmatched, 0 duplicate, 2 invalid" in result.stderr


def test_duplicates_skipped_unless_no_dedupe(tmp_path):
    line = b'{"type":"identify","messageId":"m1","userId":"u1","traits":{"email":"a@example.com"}}\n'
    events = tmp_path / "events.ndjson"
    events.write_bytes(line * 3 + b'{"type":"identify","userId":"u2","traits":{"email":"b@example.com"}}\n' * 2)
    deduped = run_cli("push", str(events), "-m", IDENTIFY, "--dry-run")
    assert len(ndjson(deduped.stdout)) == 2 * 3
    assert b"2 duplicate" in deduped.stderr
    everything = run_cli("push", str(events), "-m", IDENTIFY, "--dry-run", "--no-dedupe")
    assert len(ndjson(everything.stdout)) == 2 * 5


def test_exit_2_on_broken_mapping(tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("action: identify-usr\n")
    result = run_cli("push", "-m", str(mapping), "--dry-run", stdin=b"{}\n")
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"unknown action 'identify-usr'" in result.stderr
    assert b"hint: Did you mean 'identify-user'?" in result.stderr


def test_exit_2_on_missing_input():
    result = run_cli("push", "nowhere.ndjson", "-m", IDENTIFY, "--dry-run")
    assert result.returncode == 2
    assert b"input file not found: nowhere.ndjson" in result.stderr


def test_exit_2_on_unknown_option():
    result = run_cli("push", "--frobnicate", "-m", IDENTIFY, "--dry-run")
    assert result.returncode == 2


def test_exit_2_without_mapping():
    result = run_cli("push", "--dry-run", stdin=b"{}\n")
    assert result.returncode == 2
    assert b"no mapping file given" in result.stderr


def test_live_push_needs_token(monkeypatch):
    monkeypatch.delenv("ATTIO_API_TOKEN", raising=False)
    result = run_cli("push", "-m", IDENTIFY, stdin=b"{}\n")
    assert result.returncode == 2
    assert b"error: no Attio API token given" in result.stderr


def test_pretty_output():
    event = b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n'
    result = run_cli("push", "-m", IDENTIFY, "--dry-run", "--output", "pretty", stdin=event)
    text = result.stdout.decode()
    assert "PUT https://api.attio.com/v2/objects/people/records?matching_attribute=email_addresses" in text
    assert '"email_addresses"' in text
    assert "<stdin>:1, step 1" in text


def test_batching_mapping(tmp_path):
    mapping = tmp_path / "batch.yaml"
    mapping.write_text("action: identify-user\nmapping:\n  enable_batching: true\n  batch_size: 2\n")
    events = b"".join(
        b'{"type":"identify","userId":"u%d","receivedAt":"2024-01-01T00:00:00.000Z","traits":{"email":"u%d@example.com"}}\n' % (i, i) for i in range(5)
    )
    result = run_cli("push", "-m", str(mapping), "--dry-run", stdin=events)
    assert result.returncode == 0, result.stderr.decode()
    requests = ndjson(result.stdout)
    assert [len(request["body"]["assertions"]) for request in requests] == [2, 2, 1]
    assert [event["line"] for request in requests for event in request["events"]] == [1, 2, 3, 4, 5]
    assert requests[0]["url"] == "https://api.attio.com/v2/batch/records"
    assert requests[0]["body"]["assertions"][0]["values"]["person"]["values"]["email_addresses"] == ["u0@example.com"]
    assert b"asynchronously" in result.stderr


def test_broken_pipe_is_quiet(tmp_path):
    events = tmp_path / "events.ndjson"
    events.write_bytes(b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n' * 20000)
    command = f'"{sys.executable}" -m attio_cli push "{events}" -m "{IDENTIFY}" --dry-run --no-dedupe | head -n 1'
    result = subprocess.run(command, shell=True, capture_output=True, cwd=REPO_ROOT, check=False)
    assert len(result.stdout.splitlines()) == 1
    assert b"Traceback" not in result.stderr


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith(b"attio-cli ")


def test_rejects_path_equal_to_input_refused(tmp_path):
    events = tmp_path / "events.ndjson"
    events.write_bytes(b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n')
    result = run_cli("push", str(events), "-m", IDENTIFY, "--dry-run", "--rejects", str(events))
    assert result.returncode == 2
    assert b"is also an input" in result.stderr
    assert events.read_bytes().startswith(b'{"type":"identify"')


def test_report_and_rejects_same_file_refused(tmp_path):
    result = run_cli("push", "-m", IDENTIFY, "--dry-run", "--rejects", str(tmp_path / "x"), "--report", str(tmp_path / "x"), stdin=b"{}\n")
    assert result.returncode == 2
    assert b"--report and --rejects name the same file" in result.stderr


@pytest.mark.parametrize("url", ["api.attio.com", "ftp://x.example", "https://api.attio.com/v2", "https://x.example/?a=b"])
def test_invalid_base_url_refused(url):
    result = run_cli("push", "-m", IDENTIFY, "--dry-run", "--base-url", url, stdin=b"{}\n")
    assert result.returncode == 2
    assert b"invalid --base-url" in result.stderr


def test_truncated_gzip_reports_what_was_read(tmp_path):
    line = b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n'
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(line * 5000)[:-200])
    report = tmp_path / "report.json"
    result = run_cli("push", str(cut), "-m", IDENTIFY, "--dry-run", "--no-dedupe", "--report", str(report))
    assert result.returncode == 2
    counts = json.loads(report.read_text())
    assert counts["planned"] > 0
    assert len(ndjson(result.stdout)) == counts["planned_requests"]
    assert b"may be truncated" in result.stderr


def test_named_pipe_input(tmp_path):
    line = b'{"type":"identify","userId":"u1","traits":{"email":"a@example.com"}}\n'
    source = tmp_path / "events.ndjson"
    source.write_bytes(line)
    command = f'"{sys.executable}" -m attio_cli push <(cat "{source}") -m "{IDENTIFY}" --dry-run'
    result = subprocess.run(["bash", "-c", command], capture_output=True, cwd=REPO_ROOT, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert len(ndjson(result.stdout)) == 2


def test_deeply_nested_event_is_invalid_not_fatal(tmp_path):
    deep = {"v": 1}
    for _ in range(300):
        deep = {"a": deep}
    events = tmp_path / "events.ndjson"
    events.write_text(
        json.dumps({"type": "identify", "userId": "u0", "traits": {"email": "a@example.com"}})
        + "\n"
        + json.dumps({"type": "identify", "userId": "u1", "traits": {"email": "b@example.com", "deep": deep}})
        + "\n"
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text("action: identify-user\nmapping:\n  user_attributes:\n    t: $.traits\n")
    rejects = tmp_path / "rejects.ndjson"
    result = run_cli("push", str(events), "-m", str(mapping), "--dry-run", "--rejects", str(rejects))
    assert result.returncode == 1
    assert len(ndjson(result.stdout)) == 2
    [rejected] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert rejected["line"] == 2
    assert rejected["reason"].startswith("the event cannot be mapped or written as JSON")


def test_rejects_keep_original_event_text(tmp_path):
    events = tmp_path / "events.ndjson"
    events.write_bytes(b'{"type":"identify","userId":"u1","traits":{"email":"bad","n":1.0}}\n')
    rejects = tmp_path / "rejects.ndjson"
    run_cli("push", str(events), "-m", IDENTIFY, "--dry-run", "--rejects", str(rejects))
    assert rejects.read_bytes().endswith(b',"event":{"type":"identify","userId":"u1","traits":{"email":"bad","n":1.0}}}\n')
