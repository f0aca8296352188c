"""The `attio-cli sandbox` command line: serving in a subprocess, and the `dump` and `stats` commands."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from attio_cli.errors import ConfigError
from attio_cli.sandbox import run_sandbox
from attio_cli.sandbox.cli import sandbox_app

REPO_ROOT = Path(__file__).resolve().parents[1]
PEOPLE_ASSERT = "/v2/objects/people/records?matching_attribute=email_addresses"
# Seconds a subprocess may take to start or stop before the test fails.
PROCESS_TIMEOUT = 20


def start_process(tmp_path: Path, *arguments: str, token: str = "cli-token") -> tuple[subprocess.Popen, int]:
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "attio_cli.sandbox", "--port-file", str(port_file), *arguments]
    environment = {**os.environ, "ATTIO_SANDBOX_TOKEN": token}
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
            pytest.fail(f"the sandbox did not start: {stderr.decode()}")
        time.sleep(0.02)
    return process, int(port_file.read_text())


def stop_process(process: subprocess.Popen, signal_number: int) -> tuple[int, str, str]:
    process.send_signal(signal_number)
    try:
        stdout, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_serve_until_signal(tmp_path, signal_number):
    process, port = start_process(tmp_path, "--db", str(tmp_path / "db.sqlite"))
    base_url = f"http://127.0.0.1:{port}"
    response = httpx.get(f"{base_url}/v2/self", headers={"Authorization": "Bearer cli-token"})
    status, stdout, stderr = stop_process(process, signal_number)

    assert response.status_code == 200
    assert status == 0
    assert stdout == ""
    assert base_url in stderr
    assert "cli-token" not in stderr
    assert "stopped" in stderr


def test_serve_token_from_environment(tmp_path):
    process, port = start_process(tmp_path, "--quiet", token="from-env")
    try:
        accepted = httpx.get(f"http://127.0.0.1:{port}/v2/self", headers={"Authorization": "Bearer from-env"})
        rejected = httpx.get(f"http://127.0.0.1:{port}/v2/self", headers={"Authorization": "Bearer sandbox"})
    finally:
        stop_process(process, signal.SIGTERM)

    assert accepted.status_code == 200
    assert rejected.status_code == 401


def test_serve_rejects_remote_host(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "attio_cli.sandbox", "--host", "0.0.0.0"],
        cwd=REPO_ROOT, capture_output=True, timeout=PROCESS_TIMEOUT,
    )

    assert result.returncode == 2
    assert b"not a loopback address" in result.stderr
    assert b"--allow-remote" in result.stderr


def test_serve_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(sandbox_app, ["--port", str(port), "--quiet"])

    assert isinstance(result.exception, ConfigError)
    assert str(port) in result.exception.message


@pytest.fixture
def filled_db(tmp_path) -> Path:
    """A database with two people, one user, one dropped batch assertion and one 429."""
    database = tmp_path / "db.sqlite"
    with run_sandbox(db=database, write_rate=5, read_rate=0, clock=lambda: 1_700_000_000.0) as running:
        with httpx.Client(base_url=running.base_url, headers=running.headers) as http:
            http.put(PEOPLE_ASSERT, json={"data": {"values": {"email_addresses": ["ada@example.com"]}}})
            http.put(PEOPLE_ASSERT, json={"data": {"values": {"email_addresses": ["grace@example.com"]}}})
            http.put(
                "/v2/objects/users/records?matching_attribute=user_id",
                json={"data": {"values": {"user_id": "u-1", "primary_email_address": "ada@example.com", "person": "ada@example.com"}}},
            )
            bad = {"object": "people", "matching_attribute": "email_addresses", "values": {"email_addresses": ["nope"]}}
            http.put("/v2/batch/records", json={"assertions": [bad]})
            http.put(PEOPLE_ASSERT, json={"data": {"values": {"email_addresses": ["x@example.com"]}}})
            http.put(PEOPLE_ASSERT, json={"data": {"values": {"email_addresses": ["y@example.com"]}}})
    return database


def test_dump_records(filled_db):
    result = CliRunner().invoke(sandbox_app, ["dump", "--db", str(filled_db)])
    records = [json.loads(line) for line in result.stdout.splitlines()]

    assert result.exit_code == 0
    # Creation order across objects: two people, the user, then the third person (the sixth write got 429).
    assert [record["web_url"].split("/")[-3] for record in records] == ["people", "people", "users", "people"]
    assert set(records[0]) == {"id", "created_at", "web_url", "values"}
    assert records[0]["values"]["email_addresses"][0]["email_address"] == "ada@example.com"
    assert records[2]["values"]["person"][0]["target_record_id"] == records[0]["id"]["record_id"]


def test_dump_one_object(filled_db):
    result = CliRunner().invoke(sandbox_app, ["dump", "--db", str(filled_db), "--object", "users"])
    records = [json.loads(line) for line in result.stdout.splitlines()]

    assert result.exit_code == 0
    assert [record["values"]["user_id"][0]["value"] for record in records] == ["u-1"]


def test_dump_dropped(filled_db):
    result = CliRunner().invoke(sandbox_app, ["dump", "--db", str(filled_db), "--dropped"])
    dropped = [json.loads(line) for line in result.stdout.splitlines()]

    assert len(dropped) == 1
    assert dropped[0]["code"] == "validation_type"
    assert dropped[0]["assertion"]["values"] == {"email_addresses": ["nope"]}


def test_stats_json(filled_db):
    result = CliRunner().invoke(sandbox_app, ["stats", "--db", str(filled_db), "--json"])
    stats = json.loads(result.stdout)

    assert result.exit_code == 0
    assert stats["records"] == {"people": 3, "users": 1}
    assert stats["requests"] == 6
    assert stats["writes"] == 6
    assert stats["rate_limited"] == 1
    assert stats["batch_assertions"] == 1
    assert stats["batch_assertions_dropped"] == 1
    assert stats["responses_by_status"] == {"200": 4, "202": 1, "429": 1}


def test_stats_text(filled_db):
    result = CliRunner().invoke(sandbox_app, ["stats", "--db", str(filled_db)])

    assert result.exit_code == 0
    assert "records: people 3, users 1" in result.stdout
    assert "rate limited (429): 1" in result.stdout
    assert "dropped 1" in result.stdout


def test_stats_missing_db(tmp_path):
    result = CliRunner().invoke(sandbox_app, ["stats", "--db", str(tmp_path / "absent.sqlite")])

    assert isinstance(result.exception, ConfigError)
    assert "not found" in result.exception.message


def test_dump_not_a_database(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = CliRunner().invoke(sandbox_app, ["dump", "--db", str(path)])

    assert isinstance(result.exception, ConfigError)
