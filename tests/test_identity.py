"""whoami and the token checks that push runs before sending."""

import pytest

from attio_cli.api_client import ApiError
from attio_cli.identity import Identity, check_identity
from attio_cli.sandbox import run_sandbox
from test_cli import run_cli

FULL_SCOPES = ("record_permission:read-write", "object_configuration:read")


def _identity(active=True, scopes=FULL_SCOPES):
    return Identity(active=active, workspace_id="w1", workspace_name="Acme", workspace_slug="acme", scopes=scopes)


def test_active_token_with_scopes_passes():
    check_identity(_identity())


def test_read_write_scope_implies_read():
    check_identity(_identity(scopes=("record_permission:read-write", "object_configuration:read-write")))


def test_inactive_token_rejected():
    with pytest.raises(ApiError) as caught:
        check_identity(_identity(active=False))
    assert caught.value.message == "the token is not active: GET /v2/self returned active: false"
    assert caught.value.exit_status == 3


def test_missing_scope_named():
    with pytest.raises(ApiError) as caught:
        check_identity(_identity(scopes=("record_permission:read", "object_configuration:read")))
    assert caught.value.message == "the token lacks the scope record_permission:read-write"


def test_missing_scopes_listed():
    with pytest.raises(ApiError) as caught:
        check_identity(_identity(scopes=()))
    assert caught.value.message == "the token lacks the scopes record_permission:read-write, object_configuration:read"


def test_whoami_against_sandbox():
    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        result = run_cli("whoami", "--base-url", sandbox.base_url, "--token", sandbox.token)
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("workspace: Sandbox")
    assert lines[1] == "active: yes"
    assert "record_permission:read-write" in lines[2]


def test_whoami_wrong_token_exit_three():
    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        result = run_cli("whoami", "--base-url", sandbox.base_url, "--token", "not-the-token")
    assert result.returncode == 3
    assert b"not-the-token" not in result.stdout + result.stderr


def test_whoami_refuses_remote_plain_http():
    result = run_cli("whoami", "--base-url", "http://192.0.2.1", "--token", "x")
    assert result.returncode == 2
    assert b"plain http" in result.stderr
