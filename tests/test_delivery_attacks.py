"""Live push against servers that misbehave: odd responses, stalls, signals, odd tokens and resumes.

Every server here listens on 127.0.0.1 only. Tests marked xfail reproduce known bugs, and each
reason states the wrong behaviour.
"""

import gzip
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from attio_cli.cli import app
from attio_cli.delivery.ledger import EventLedger
from attio_cli.delivery.pacing import RateLimiter, RetryPolicy
from attio_cli.delivery.sender import LiveSender
from attio_cli.errors import ConfigError
from attio_cli.report import RejectsWriter, RunReport
from attio_cli.requests import EventSource, PlannedRequest
from attio_cli.sandbox import run_sandbox
from attio_cli.schema import Schema
from attio_cli.schema_file import schema_document

REPO_ROOT = Path(__file__).resolve().parents[1]
IDENTIFY = str(REPO_ROOT / "mappings" / "identify-user.yaml")
GROUP = str(REPO_ROOT / "mappings" / "group-workspace.yaml")
TOKEN = "attack-token-Qx7"

TITLE_MAPPING = """\
action: identify-user
mapping:
  person_attributes:
    job_title: $.traits.title
"""


# A fake Attio API ---------------------------------------------------------------------------------


class FakeAttio:
    """A threaded HTTP server on 127.0.0.1 that responds to GET /v2/self itself and to writes with ``respond``.

    ``respond(handler, method, path, body)`` must send a response with the helpers below, or close
    the connection. ``requests`` lists (method, path, Authorization header) in arrival order.
    """

    def __init__(self, respond, respond_self=None):
        self.respond = respond
        self.respond_self = respond_self
        self.requests: list[tuple[str, str, str | None]] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll interval, because shutdown() waits for the next poll.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="fake-attio", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def writes(self) -> list[tuple[str, str, str | None]]:
        with self._lock:
            return [request for request in self.requests if request[0] != "GET"]

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Without it, a reply split into headers and body waits on delayed ACKs (about 40 ms).
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _dispatch(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append((self.command, self.path, self.headers.get("Authorization")))
                if self.command == "GET" and self.path == "/v2/self":
                    if fake.respond_self is not None:
                        fake.respond_self(self)
                    else:
                        reply(self, 200, {"active": True, "scope": "record_permission:read-write object_configuration:read", "workspace_name": "Fake"})
                    return
                fake.respond(self, self.command, self.path, body)

            do_GET = do_PUT = do_PATCH = do_POST = _dispatch

        return Handler


def reply(handler, status: int, body=b"", headers=()):
    """Send one complete response. A dict or list body is sent as JSON."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def record_reply(handler):
    reply(handler, 200, {"data": {"id": {"record_id": f"rec-{time.monotonic_ns()}"}, "values": {}}})


def drop_connection(handler):
    """Close the connection without any response, as a crashed proxy would."""
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def respond_ok(handler, method, path, body):
    record_reply(handler)


def respond_bad_email(handler, method, path, body):
    """Reject writes that carry an address at bad.example with a 400, and accept the rest."""
    if b"@bad.example" in body:
        reply(handler, 400, {"status_code": 400, "type": "invalid_request_error", "code": "validation_type", "message": "bad value"})
    else:
        record_reply(handler)


# Helpers --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    """Attio's standard objects as a schema file, so that push does not read the schema from the fake."""
    path = tmp_path_factory.mktemp("schema") / "schema.json"
    path.write_text(json.dumps(schema_document(Schema.builtin())))
    return str(path)


def identify_line(index: int, email: str, title: str = "t", user: str | None = None) -> str:
    user_id = user or f"u-{index}"
    event = {"type": "identify", "messageId": f"m-{index}", "userId": user_id, "traits": {"email": email, "title": title}}
    return json.dumps(event) + "\n"


def write_identify(path: Path, emails: list[str]) -> Path:
    path.write_text("".join(identify_line(index, email) for index, email in enumerate(emails)))
    return path


def push_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "attio_cli", "push", *args]


def push_environment(token: str | None = TOKEN) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "ATTIO_API_TOKEN"}
    if token is not None:
        env["ATTIO_API_TOKEN"] = token
    return env


def run_push(*args: str, token: str | None = TOKEN, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        push_command(*args), input=stdin, capture_output=True, cwd=REPO_ROOT, env=push_environment(token), timeout=timeout, check=False
    )


def read_ndjson(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def state_records(path: Path) -> list[dict]:
    """Return the settled-event records of a state file, without its header."""
    return read_ndjson(path)[1:]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# Known bugs -----------------------------------------------------------------------------------------


def respond_gzip(handler, method, path, body):
    """Accept every write, with the JSON response compressed as gzip."""
    content = gzip.compress(json.dumps({"data": {"id": {"record_id": "rec-1"}, "values": {}}}).encode())
    reply(handler, 200, content, headers=[("Content-Encoding", "gzip"), ("Content-Type", "application/json")])


def test_gzip_response_delivered(tmp_path, schema_file):
    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    with FakeAttio(respond_gzip) as fake:
        result = run_push(str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--max-retries", "1")
        writes = fake.writes()

    assert result.returncode == 0, result.stderr.decode()
    assert b"1 delivered" in result.stderr
    # One write per step. A second write would mean that a processed request was sent again.
    assert len(writes) == 2


def trickle_bytes(handler, data: bytes, stopping: threading.Event):
    """Send ``data`` again every 0.3 s until the test ends or the client goes away."""
    while not stopping.wait(0.3):
        try:
            handler.wfile.write(data)
        except OSError:
            return


def test_trickled_headers_time_out(tmp_path, schema_file):
    def respond(handler, method, path, body):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        trickle_bytes(handler, b"X-Padding: x\r\n", fake.stopping)

    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    with FakeAttio(respond) as fake:
        args = (str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        result = run_push(*args, "--timeout", "1", "--max-retries", "0", "--max-retry-time", "1", timeout=4)

    assert result.returncode == 3


def test_trickled_token_check_times_out(schema_file):
    def respond_self(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        trickle_bytes(handler, b" ", fake.stopping)

    with FakeAttio(respond_ok, respond_self) as fake:
        args = ("samples/", "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        result = run_push(*args, "--timeout", "1", "--max-retries", "0", "--max-retry-time", "1", timeout=4)

    assert result.returncode == 3


def feed_fifo(path: Path, data: bytes, stop: threading.Event) -> threading.Thread:
    """Write ``data`` into a named pipe once a reader opens it, or give up when ``stop`` is set."""

    def feed():
        while not stop.is_set():
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                # ENXIO: no reader yet.
                stop.wait(0.02)
                continue
            os.set_blocking(descriptor, True)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            return

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def run_push_from_fifo(pipe: Path, data: bytes, *args: str) -> subprocess.CompletedProcess:
    """Run push with ``data`` arriving through the named pipe, which is also one of ``args``."""
    stop = threading.Event()
    feeder = feed_fifo(pipe, data, stop)
    try:
        return run_push(*args, timeout=20)
    finally:
        stop.set()
        feeder.join(5)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need os.mkfifo")
def test_resume_pipe_changed_events(tmp_path, schema_file):
    pipe = tmp_path / "events.pipe"
    os.mkfifo(pipe)
    first_events = (identify_line(1, "a@example.com") + identify_line(2, "b@example.com")).encode()
    other_events = (identify_line(3, "c@example.com") + identify_line(4, "d@example.com")).encode()
    state = tmp_path / "run.state"
    report_file = tmp_path / "report.json"
    with FakeAttio(respond_ok) as fake:
        args = [str(pipe), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--state", str(state), "--report", str(report_file)]
        run_push_from_fifo(pipe, first_events, *args)
        resumed = run_push_from_fifo(pipe, other_events, *args, "--resume")

    # Rejecting --state for a pipe, as for standard input, also passes, because both runs then exit with 2.
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    skipped_silently = resumed.returncode == 0 and report.get("already_delivered", 0) > 0
    assert not skipped_silently


def test_reject_reason_without_code(tmp_path, schema_file):
    def respond(handler, method, path, body):
        reply(handler, 400)

    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    rejects = tmp_path / "rejects.ndjson"
    with FakeAttio(respond) as fake:
        result = run_push(str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--rejects", str(rejects))

    [row] = read_ndjson(rejects)
    assert result.returncode == 1
    assert "HTTP 400: Bad Request" in row["reason"]


# Verified behaviour ---------------------------------------------------------------------------------


def test_redirect_not_blamed_on_token(tmp_path, schema_file):
    def respond(handler, method, path, body):
        reply(handler, 302, headers=[("Location", "http://127.0.0.1:9/elsewhere")])

    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    with FakeAttio(respond) as fake:
        result = run_push(str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        writes = fake.writes()

    assert result.returncode == 3
    assert b"HTTP 302" in result.stderr
    assert b"rejected the token" not in result.stderr
    # The redirect is not followed, so the token never reaches the Location.
    assert len(writes) == 1


@pytest.mark.parametrize(
    "token",
    ["first-line\nsecret-second-line", "secret-with space", "secret-t\u00f6ken"],
    ids=["line-break", "space", "non-ascii"],
)
def test_odd_token_rejected_unprinted(schema_file, token):
    with FakeAttio(respond_ok) as fake:
        result = run_push("samples/", "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, token=token)
        requests = list(fake.requests)

    assert result.returncode == 2, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert b"secret" not in result.stdout + result.stderr
    assert requests == []


def test_base_url_credentials_rejected(schema_file):
    with FakeAttio(respond_ok) as fake:
        base_url = fake.base_url.replace("http://", "http://admin:url-secret-9@")
        result = run_push("samples/", "-m", IDENTIFY, "--schema", schema_file, "--base-url", base_url)
        requests = list(fake.requests)

    assert result.returncode == 2
    assert b"url-secret-9" not in result.stdout + result.stderr
    assert requests == []


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:abc", "http://127.0.0.1:99999"], ids=["letters", "too-large"])
def test_base_url_invalid_port(base_url):
    result = run_push("samples/", "-m", IDENTIFY, "--base-url", base_url, timeout=20)

    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"port" in result.stderr


def test_max_retry_time_zero_usage_error():
    result = run_push("samples/", "-m", IDENTIFY, "--base-url", "http://127.0.0.1:9", "--max-retry-time", "0")

    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"--max-retry-time" in result.stderr


def test_trickled_body_times_out(tmp_path, schema_file):
    def respond(handler, method, path, body):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        trickle_bytes(handler, b" ", fake.stopping)

    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    with FakeAttio(respond) as fake:
        args = (str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        result = run_push(*args, "--timeout", "1", "--max-retries", "0", "--max-retry-time", "1", timeout=20)

    assert result.returncode == 3
    assert b"ReadTimeout" in result.stderr


def test_token_check_429_bounded(schema_file):
    def respond_self(handler):
        reply(handler, 429, {"code": "rate_limit_exceeded", "message": "slow down"}, headers=[("Retry-After", "3600")])

    with FakeAttio(respond_ok, respond_self) as fake:
        args = ("samples/", "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        started = time.monotonic()
        result = run_push(*args, "--max-retries", "0", "--max-retry-time", "2", timeout=30)
        took = time.monotonic() - started

    assert result.returncode == 3
    assert b"HTTP 429" in result.stderr
    assert took < 15


class _RaisingClient:
    """An AttioClient stand-in whose every request raises a non-transport httpx error."""

    base_url = "http://127.0.0.1:1"

    def send(self, method, path, body):
        raise httpx.LocalProtocolError("illegal header value")


def test_sender_fatal_error_stops_run():
    report = RunReport()
    rejects_stream = io.BytesIO()
    rejects = RejectsWriter(rejects_stream)
    sender = LiveSender(
        _RaisingClient(),
        style="public",
        report=report,
        ledger=EventLedger(report, rejects),
        limiter=RateLimiter(0),
        policy=RetryPolicy(max_retries=1),
        concurrency=1,
    )
    source = EventSource("events.ndjson", 1, "m-1")
    request = PlannedRequest("PUT", "/v2/objects/people/records?matching_attribute=email_addresses", {"data": {"values": {}}}, "sub", [source])

    sender.start()
    sender.write([request])
    sender.end_event(source, 1, counted=True, event_json=b"{}")
    sender.close()

    assert sender.fatal is not None
    assert report.failed == 1
    assert b"AttributeError" not in rejects_stream.getvalue()


def test_resume_keeps_earlier_rejects(tmp_path, schema_file):
    broken = threading.Event()
    broken.set()

    def respond(handler, method, path, body):
        if b"@bad.example" in body:
            reply(handler, 400, {"code": "validation_type", "message": "bad value"})
        elif broken.is_set():
            drop_connection(handler)
        else:
            record_reply(handler)

    events = write_identify(tmp_path / "events.ndjson", ["x@bad.example", "b@example.com", "c@example.com"])
    rejects = tmp_path / "rejects.ndjson"
    state = tmp_path / "run.state"
    with FakeAttio(respond) as fake:
        args = [str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--state", str(state)]
        args += ["--rejects", str(rejects), "--concurrency", "1", "--max-retries", "0", "--rate", "0"]
        # The first run stops at line 2 because the connection drops, after Attio rejected line 1.
        stopped = run_push(*args)
        broken.clear()
        resumed = run_push(*args, "--resume")

    stages = [(row["line"], row["stage"]) for row in read_ndjson(rejects)]
    assert stopped.returncode == 3, stopped.stderr.decode()
    # Line 1 stays rejected from the first run, so the resumed run still reports an event that
    # was not delivered.
    assert resumed.returncode == 1, resumed.stderr.decode()
    assert b"1 already rejected" in resumed.stderr
    assert (1, "rejected") in stages


def test_refused_run_keeps_rejects_file(tmp_path, schema_file):
    events = write_identify(tmp_path / "events.ndjson", ["x@bad.example", "b@example.com"])
    rejects = tmp_path / "rejects.ndjson"
    state = tmp_path / "run.state"
    with FakeAttio(respond_bad_email) as fake:
        args = [str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--state", str(state), "--rejects", str(rejects)]
        first = run_push(*args)
        written = rejects.read_bytes()
        # Run the same command again without --resume, which push rejects because the state file exists.
        second = run_push(*args)

    assert first.returncode == 1, first.stderr.decode()
    assert b"already exists" in second.stderr
    assert rejects.read_bytes() == written


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_signal_keeps_recorded_rejects(tmp_path, schema_file, signal_number):
    def respond(handler, method, path, body):
        time.sleep(0.05)
        respond_bad_email(handler, method, path, body)

    emails = [f"p{index}@bad.example" if index % 2 else f"p{index}@example.com" for index in range(60)]
    events = write_identify(tmp_path / "events.ndjson", emails)
    rejects = tmp_path / "rejects.ndjson"
    state = tmp_path / "run.state"
    args = [str(events), "-m", IDENTIFY, "--schema", schema_file, "--state", str(state), "--rejects", str(rejects)]
    args += ["--concurrency", "2", "--rate", "0"]
    with FakeAttio(respond) as fake:
        process = subprocess.Popen(
            push_command(*args, "--base-url", fake.base_url),
            cwd=REPO_ROOT, env=push_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            assert wait_for(lambda: any(record["o"] == "r" for record in state_records(state)), 20)
            process.send_signal(signal_number)
            process.wait(20)
        finally:
            process.kill()
            process.wait()

    recorded = {record["l"] for record in state_records(state) if record["o"] == "r"}
    written = {row["line"] for row in read_ndjson(rejects) if row["stage"] == "rejected"}
    assert recorded
    assert recorded <= written


def test_interrupt_counts_add_up(tmp_path, schema_file):
    def respond(handler, method, path, body):
        time.sleep(0.2)
        record_reply(handler)

    events = write_identify(tmp_path / "events.ndjson", [f"p{index}@example.com" for index in range(200)])
    rejects = tmp_path / "rejects.ndjson"
    report_file = tmp_path / "report.json"
    state = tmp_path / "run.state"
    args = [str(events), "-m", IDENTIFY, "--schema", schema_file, "--state", str(state), "--rejects", str(rejects)]
    args += ["--report", str(report_file), "--concurrency", "4", "--rate", "0"]
    with FakeAttio(respond) as fake:
        process = subprocess.Popen(
            push_command(*args, "--base-url", fake.base_url),
            cwd=REPO_ROOT, env=push_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            # By the first settled event the reader has filled the queue and waits for room in it,
            # so the interrupt lands in the middle of handing an event over.
            assert wait_for(lambda: len(state_records(state)) >= 1, 20)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
            process.wait()

    report = json.loads(report_file.read_text())
    rows = read_ndjson(rejects)
    assert process.returncode == 130, stderr.decode()
    assert report["planned"] == report["delivered"] + report["rejected"] + report["failed"]
    assert report["read"] == report["planned"]
    assert len(rows) == report["failed"]
    assert [row["line"] for row in rows if row["event"] is None] == []


def test_state_with_stdin_rejected(tmp_path, schema_file):
    state = tmp_path / "run.state"
    with FakeAttio(respond_ok) as fake:
        args = ["-", "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--state", str(state)]
        result = run_push(*args, stdin=identify_line(1, "a@example.com").encode())
        requests = list(fake.requests)

    assert result.returncode == 2
    assert b"standard input" in result.stderr
    assert requests == []
    assert not state.exists()


def test_plain_http_remote_rejected_offline(monkeypatch):
    """Push must stop on plain http to a remote host before it opens any connection."""
    connections = []

    def refuse_connect(*args, **kwargs):
        connections.append(args)
        raise AssertionError("push opened a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse_connect)
    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setenv("ATTIO_API_TOKEN", TOKEN)
    monkeypatch.chdir(REPO_ROOT)

    result = CliRunner().invoke(app, ["push", "samples/", "-m", IDENTIFY, "--base-url", "http://192.0.2.1"])

    assert connections == []
    assert isinstance(result.exception, ConfigError)
    assert "plain http" in result.exception.message


def test_dropped_connections_exit_three(tmp_path, schema_file):
    def respond(handler, method, path, body):
        drop_connection(handler)

    events = write_identify(tmp_path / "events.ndjson", ["a@example.com", "b@example.com", "c@example.com"])
    rejects = tmp_path / "rejects.ndjson"
    with FakeAttio(respond) as fake:
        args = (str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--rejects", str(rejects))
        result = run_push(*args, "--max-retries", "1", "--max-retry-time", "5")

    rows = read_ndjson(rejects)
    assert result.returncode == 3
    assert b"did not respond after 2 attempts" in result.stderr
    assert b"--resume" in result.stderr
    assert sorted(row["line"] for row in rows) == [1, 2, 3]
    assert {row["stage"] for row in rows} == {"failed"}


def test_garbage_retry_after_fails_in_time(tmp_path, schema_file):
    def respond(handler, method, path, body):
        reply(handler, 429, {"code": "rate_limit_exceeded", "message": "slow down"}, headers=[("Retry-After", "soon")])

    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    rejects = tmp_path / "rejects.ndjson"
    report_file = tmp_path / "report.json"
    with FakeAttio(respond) as fake:
        args = (str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        started = time.monotonic()
        result = run_push(*args, "--rejects", str(rejects), "--report", str(report_file), "--max-retry-time", "1.2", timeout=20)
        took = time.monotonic() - started

    report = json.loads(report_file.read_text())
    [row] = read_ndjson(rejects)
    assert result.returncode == 1, result.stderr.decode()
    assert report["failed"] == 1
    assert report["rate_limited"] >= 1
    assert "rate-limited" in row["reason"]
    assert row["answer"]["status"] == 429
    assert took < 10


def test_missing_record_id_fails_event(tmp_path, schema_file):
    def respond(handler, method, path, body):
        reply(handler, 200, {"data": {}})

    events = tmp_path / "groups.ndjson"
    group = {"type": "group", "messageId": "g-1", "userId": "u-1", "groupId": "ws-1", "traits": {"website": "acme.example"}}
    events.write_text(json.dumps(group) + "\n")
    rejects = tmp_path / "rejects.ndjson"
    with FakeAttio(respond) as fake:
        result = run_push(str(events), "-m", GROUP, "--schema", schema_file, "--base-url", fake.base_url, "--rejects", str(rejects))
        writes = fake.writes()

    [row] = read_ndjson(rejects)
    assert result.returncode == 1
    # Step 2 needs the company's record id from step 1, so it is never sent.
    assert len(writes) == 1
    assert row["stage"] == "failed"
    assert "record id" in row["reason"]
    assert row["event"] == group


def test_token_option_never_written(tmp_path, schema_file):
    events = write_identify(tmp_path / "events.ndjson", ["x@bad.example", "b@example.com"])
    outputs = {name: tmp_path / name for name in ("rejects.ndjson", "report.json", "run.state")}
    with FakeAttio(respond_bad_email) as fake:
        args = [str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--verbose"]
        args += ["--rejects", str(outputs["rejects.ndjson"]), "--report", str(outputs["report.json"]), "--state", str(outputs["run.state"])]
        result = run_push(*args, "--token", TOKEN, token="env-token-loses")
        authorizations = {authorization for _, _, authorization in fake.requests}

    assert result.returncode == 1, result.stderr.decode()
    assert authorizations == {f"Bearer {TOKEN}"}
    assert TOKEN.encode() not in result.stdout + result.stderr
    for name, path in outputs.items():
        assert TOKEN.encode() not in path.read_bytes(), name


def test_revoked_token_stops_run(tmp_path, schema_file):
    def respond(handler, method, path, body):
        if len(fake.writes()) > 4:
            reply(handler, 401, {"code": "unauthorized", "message": "token revoked"})
        else:
            record_reply(handler)

    events = write_identify(tmp_path / "events.ndjson", [f"p{index}@example.com" for index in range(10)])
    rejects = tmp_path / "rejects.ndjson"
    with FakeAttio(respond) as fake:
        args = (str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url, "--rejects", str(rejects))
        result = run_push(*args, "--concurrency", "1", "--rate", "0")
        writes = fake.writes()

    reasons = [row["reason"] for row in read_ndjson(rejects)]
    assert result.returncode == 3
    assert b"HTTP 401" in result.stderr
    # Two events of two writes each, then the refused write: nothing after it.
    assert len(writes) == 5
    assert len(reasons) == 8
    assert sum("not sent, because the run stopped" in reason for reason in reasons) == 7


def test_mixed_outcomes_add_up(tmp_path, schema_file):
    lines = [
        identify_line(1, "a@example.com"),
        identify_line(2, "x@bad.example"),
        identify_line(1, "a@example.com"),
        json.dumps({"type": "track", "messageId": "t-1", "event": "Clicked"}) + "\n",
        "{not json\n",
        identify_line(5, "not-an-email"),
        "\n",
    ]
    events = tmp_path / "events.ndjson"
    events.write_text("".join(lines))
    rejects = tmp_path / "rejects.ndjson"
    report_file = tmp_path / "report.json"
    with FakeAttio(respond_bad_email) as fake:
        args = (str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        result = run_push(*args, "--rejects", str(rejects), "--report", str(report_file))

    report = json.loads(report_file.read_text())
    outcomes = ("delivered", "rejected", "failed", "invalid", "unmatched", "duplicate", "already_delivered")
    stages = {row["line"]: row["stage"] for row in read_ndjson(rejects)}
    assert result.returncode == 1
    assert report["read"] == 6
    assert sum(report[name] for name in outcomes) == report["read"]
    assert (report["delivered"], report["rejected"], report["invalid"], report["unmatched"], report["duplicate"]) == (1, 1, 2, 1, 1)
    assert stages == {2: "rejected", 5: "invalid", 6: "invalid"}


def test_empty_input_sends_nothing(tmp_path, schema_file):
    events = tmp_path / "empty.ndjson"
    events.write_text("")
    with FakeAttio(respond_ok) as fake:
        result = run_push(str(events), "-m", IDENTIFY, "--schema", schema_file, "--base-url", fake.base_url)
        writes = fake.writes()

    assert result.returncode == 0, result.stderr.decode()
    assert b"0 events read" in result.stderr
    assert writes == []


def test_resume_rejects_changed_mapping(tmp_path, schema_file):
    mapping = tmp_path / "titles.yaml"
    mapping.write_text(TITLE_MAPPING)
    events = write_identify(tmp_path / "events.ndjson", ["a@example.com"])
    state = tmp_path / "run.state"
    with FakeAttio(respond_ok) as fake:
        args = [str(events), "-m", str(mapping), "--schema", schema_file, "--base-url", fake.base_url, "--state", str(state)]
        first = run_push(*args)
        mapping.write_text(TITLE_MAPPING.replace("job_title", "description"))
        resumed = run_push(*args, "--resume")
        writes = fake.writes()

    assert first.returncode == 0, first.stderr.decode()
    assert resumed.returncode == 2
    assert f"mapping file {mapping} changed".encode() in resumed.stderr
    assert len(writes) == 2


def _titles_by_email(sandbox) -> dict[str, str]:
    titles = {}
    for record in sandbox.records("people"):
        values = record["values"]
        titles[values["email_addresses"][0]["email_address"]] = values["job_title"][0]["value"]
    return titles


@pytest.mark.parametrize("batch_size", [None, 1], ids=["single", "batch-of-one"])
def test_segment_style_last_value_wins(tmp_path, batch_size):
    events = tmp_path / "events.ndjson"
    # Users own a unique primary email address, so each email keeps one user id.
    lines = [identify_line(index, f"user{index % 6}@example.com", f"title {index}", f"u-{index % 6}") for index in range(120)]
    events.write_text("".join(lines))
    expected = {}
    for line in lines:
        event = json.loads(line)
        expected[event["traits"]["email"]] = event["traits"]["title"]
    mapping = tmp_path / "titles.yaml"
    batching = f"  enable_batching: true\n  batch_size: {batch_size}\n" if batch_size else ""
    mapping.write_text(TITLE_MAPPING.replace("mapping:\n", "mapping:\n" + batching))

    with run_sandbox(write_rate=0, read_rate=0) as sandbox:
        args = (str(events), "-m", str(mapping), "--api", "segment", "--base-url", sandbox.base_url, "--concurrency", "8", "--rate", "0")
        result = run_push(*args, token=sandbox.token)
        titles = _titles_by_email(sandbox)

    assert result.returncode == 0, result.stderr.decode()
    assert b"120 delivered" in result.stderr
    assert titles == expected
