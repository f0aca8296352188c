"""schema pull and objects --live against the sandbox: real HTTP on 127.0.0.1."""

import json

import pytest

from attio_cli.sandbox import run_sandbox
from attio_cli.schema_file import load_schema_file
from attio_cli.standard_objects import STANDARD_OBJECTS
from test_cli import run_cli


@pytest.fixture(scope="module")
def sandbox():
    with run_sandbox(write_rate=0, read_rate=0) as running:
        yield running


def _pull(sandbox, tmp_path, *extra, token=None):
    out = tmp_path / "schema.json"
    result = run_cli("schema", "pull", "--out", str(out), "--base-url", sandbox.base_url, "--token", token or sandbox.token, *extra)
    return result, out


def test_pull_writes_schema_file(sandbox, tmp_path):
    result, out = _pull(sandbox, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    schema = load_schema_file(out)
    assert set(schema.objects) == set(STANDARD_OBJECTS)


def test_pulled_schema_is_complete(sandbox, tmp_path):
    _, out = _pull(sandbox, tmp_path)
    schema = load_schema_file(out)
    assert schema.complete
    assert schema.object("people").complete


def test_pulled_attribute_flags(sandbox, tmp_path):
    _, out = _pull(sandbox, tmp_path)
    email = load_schema_file(out).attribute("people", "email_addresses")
    assert email.type == "email-address"
    assert email.is_unique
    assert email.is_multiselect
    assert email.id is not None


def test_pulled_reference_targets_as_slugs(sandbox, tmp_path):
    _, out = _pull(sandbox, tmp_path)
    assert load_schema_file(out).attribute("users", "person").targets == ("people",)


def test_pull_summary_on_stderr(sandbox, tmp_path):
    result, out = _pull(sandbox, tmp_path)
    assert result.stdout == b""
    assert f"to {out}: 5 objects".encode() in result.stderr


def test_pull_to_stdout(sandbox, tmp_path):
    result = run_cli("schema", "pull", "--out", "-", "--base-url", sandbox.base_url, "--token", sandbox.token)
    assert result.returncode == 0
    assert json.loads(result.stdout)["format"] == "attio-cli-schema"


def test_pull_wrong_token_exit_three(sandbox, tmp_path):
    result, out = _pull(sandbox, tmp_path, token="wrong-token-value")
    assert result.returncode == 3
    assert b"HTTP 401" in result.stderr
    assert b"wrong-token-value" not in result.stderr
    assert not out.exists()


def test_pull_without_token_usage_error(sandbox, tmp_path, monkeypatch):
    monkeypatch.delenv("ATTIO_API_TOKEN", raising=False)
    out = tmp_path / "schema.json"
    result = run_cli("schema", "pull", "--out", str(out), "--base-url", sandbox.base_url)
    assert result.returncode == 2
    assert b"no Attio API token given" in result.stderr


def test_pulled_schema_drives_push(sandbox, tmp_path):
    _, out = _pull(sandbox, tmp_path)
    event = {"type": "identify", "userId": "u1", "traits": {"email": "ada@example.com", "colour": "red"}}
    mapping = tmp_path / "colour.yaml"
    mapping.write_text("action: identify-user\nmapping:\n  person_attributes:\n    favourite_colour: $.traits.colour\n")
    result = run_cli("push", "-", "-m", str(mapping), "--schema", str(out), "--dry-run", stdin=json.dumps(event).encode())
    assert result.returncode == 2
    assert b'people has no attribute "favourite_colour"' in result.stderr


def test_objects_live(sandbox):
    result = run_cli("objects", "--live", "--base-url", sandbox.base_url, "--token", sandbox.token)
    assert result.returncode == 0, result.stderr.decode()
    assert b"people\tPeople\n" in result.stdout


def test_objects_from_builtin():
    result = run_cli("objects")
    assert result.stdout.splitlines()[0] == b"people\tPeople"
