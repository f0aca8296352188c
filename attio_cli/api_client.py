"""A small HTTP client for Attio's v2 API, for the commands that read from a workspace.

The token goes only into the Authorization header of requests to the base URL. It is never part of
a message, and httpx's own errors carry the URL but not the headers.
"""

from __future__ import annotations

import email.utils
import ipaddress
import os
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from attio_cli import __version__
from attio_cli.errors import CliError, ConfigError
from attio_cli.exit_status import ExitStatus

TOKEN_ENV = "ATTIO_API_TOKEN"
DEFAULT_BASE_URL = "https://api.attio.com"

# Reads are retried on 429, 5xx and connection errors; after this many attempts the command stops.
MAX_READ_ATTEMPTS = 5
# The maximum wait before retrying a read after a 429.
MAX_READ_WAIT_S = 30.0


class ApiError(CliError):
    """Attio responded with an error, or could not be reached, so the command cannot go on."""

    exit_status = ExitStatus.FATAL_API_ERROR

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code


def resolve_token(option_value: str | None) -> str:
    """Return the token from ``--token`` or the environment; raise ConfigError when there is none."""
    token = option_value or os.environ.get(TOKEN_ENV)
    if not token or not token.strip():
        raise ConfigError(
            "no Attio API token given",
            hint=f"Set {TOKEN_ENV}, or pass --token. Create a token under Workspace settings > Developers.",
        )
    token = token.strip()
    # The token goes into an HTTP header, and an HTTP library's error about a bad header value
    # could quote it, so the characters are checked here, without printing the token.
    if not all(33 <= ord(character) <= 126 for character in token):
        raise ConfigError(
            "the Attio API token contains spaces, line breaks or characters outside printable ASCII",
            hint=f"Copy the token again into {TOKEN_ENV} or --token; Attio tokens are printable ASCII.",
        )
    return token


def is_loopback(host: str) -> bool:
    """Tell whether a host name or address is this machine (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str, *, allow_insecure: bool = False) -> str:
    """Return the base URL without a trailing slash, or raise ConfigError when it is not usable.

    Plain http is accepted only for loopback hosts (such as ``attio-cli sandbox``), because the
    token would otherwise cross the network unencrypted.
    """
    parsed = urlsplit(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"invalid --base-url {base_url!r}: expected http:// or https:// and a host", hint=f"For Attio use {DEFAULT_BASE_URL}.")
    if parsed.username is not None or parsed.password is not None:
        # Printing the URL would print the credentials, and the token is the only credential.
        raise ConfigError("invalid --base-url: it must not contain a user name or password", hint="Pass the token with --token or ATTIO_API_TOKEN.")
    if parsed.query or parsed.fragment:
        raise ConfigError(f"invalid --base-url {base_url!r}: it must not have a query or fragment")
    try:
        parsed.port
    except ValueError:
        raise ConfigError(f"invalid --base-url {base_url!r}: the port is not a number from 0 to 65535") from None
    if parsed.path.rstrip("/").endswith("/v2"):
        raise ConfigError(f"invalid --base-url {base_url!r}: leave out /v2, attio-cli adds it", hint=f"For Attio use {DEFAULT_BASE_URL}.")
    if parsed.scheme == "http" and not allow_insecure and not is_loopback(parsed.hostname):
        raise ConfigError(
            f"--base-url {base_url} is plain http, which would send the token unencrypted",
            hint="Use https, or pass --allow-insecure if the network is trusted.",
        )
    return base_url.rstrip("/")


def retry_after_seconds(header: str | None, now: float | None = None) -> float | None:
    """Return the wait that a ``Retry-After`` header requests: an HTTP date or a number of seconds."""
    if not header:
        return None
    header = header.strip()
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    current = now if now is not None else time.time()
    return max(0.0, moment.timestamp() - current)


def _error_fields(response: httpx.Response) -> tuple[str | None, str]:
    """Return Attio's error code and message from an error response, reading the body loosely."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        code = body.get("code") if isinstance(body.get("code"), str) else None
        message = body.get("message") if isinstance(body.get("message"), str) else None
        return code, message or response.reason_phrase
    return None, response.reason_phrase or f"HTTP {response.status_code}"


class AttioClient:
    """Sends authenticated requests to one Attio base URL, reusing connections."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        sleep=time.sleep,
        connections: int = 10,
        on_wait=None,
        retry_time: float = 600.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # Seconds that one read may spend waiting between its attempts.
        self.retry_time = retry_time
        self._sleep = sleep
        # Called with a message before each wait between attempts of a read.
        self._on_wait = on_wait
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": f"attio-cli/{__version__}", "Accept": "application/json"},
            timeout=timeout,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            # Redirects could carry the token to another host, and Attio's API does not redirect.
            follow_redirects=False,
        )

    def send(self, method: str, path: str, body: bytes) -> httpx.Response:
        """Send one JSON request without retrying; httpx's transport errors propagate.

        Raises httpx.ReadTimeout when no complete response arrives within the timeout. Safe to
        call from several threads, which share the client's connection pool.
        """
        return self._within_deadline(lambda: self._http.request(method, path, content=body, headers={"Content-Type": "application/json"}))

    def _within_deadline(self, request: Callable[[], httpx.Response]) -> httpx.Response:
        """Run a request in a helper thread and give up on it after ``timeout`` seconds in all.

        httpx's timeout bounds each socket read, so a server that sends a byte now and then could
        hold a request forever. A request given up on keeps its thread and its pooled connection
        until the server closes it.
        """
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["response"] = request()
            except BaseException as error:  # noqa: BLE001 - handed over to the calling thread
                outcome["error"] = error

        worker = threading.Thread(target=run, name="attio-request", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise httpx.ReadTimeout(f"no complete response within {self.timeout:.0f} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["response"]

    def __enter__(self) -> AttioClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and return the parsed JSON body, retrying rate limits and server errors.

        Raises ApiError for an error response, an unreachable server or a body that is not JSON.
        """
        started = time.monotonic()
        for attempt in range(1, MAX_READ_ATTEMPTS + 1):
            try:
                response = self._within_deadline(lambda: self._http.get(path, params=params))
            except httpx.TransportError as error:
                wait = self._backoff(attempt)
                if attempt == MAX_READ_ATTEMPTS or time.monotonic() - started + wait > self.retry_time:
                    raise ApiError(
                        f"cannot reach {self.base_url}: {type(error).__name__}: {error}",
                        hint="Check --base-url and the network, then try again.",
                    ) from None
                if self._on_wait is not None:
                    self._on_wait(f"GET {path} failed ({type(error).__name__}); trying again in {wait:.1f} s")
                self._sleep(wait)
                continue

            if response.status_code == 429 or response.status_code >= 500:
                if attempt == MAX_READ_ATTEMPTS:
                    break
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if response.status_code == 429:
                    # At least a second, because the date has one-second precision and clocks
                    # differ; at most MAX_READ_WAIT_S, so a far-off date cannot stall the command.
                    wait = min(max(1.0, wait if wait is not None else 1.0), MAX_READ_WAIT_S)
                else:
                    wait = self._backoff(attempt)
                if time.monotonic() - started + wait > self.retry_time:
                    break
                if self._on_wait is not None:
                    self._on_wait(f"GET {path} returned HTTP {response.status_code}; trying again in {wait:.0f} s")
                self._sleep(wait)
                continue
            if response.is_success:
                try:
                    return orjson.loads(response.content)
                except orjson.JSONDecodeError:
                    raise ApiError(f"GET {path} returned a body that is not JSON", status=response.status_code) from None
            break
        raise self._error(path, response)

    def _backoff(self, attempt: int) -> float:
        return min(8.0, 0.5 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)

    def _error(self, path: str, response: httpx.Response) -> ApiError:
        code, message = _error_fields(response)
        status = response.status_code
        detail = f"GET {path} failed with HTTP {status}" + (f" {code}" if code else "") + f": {message}"
        if status == 401:
            return ApiError(detail, status=status, code=code, hint=f"Check the token in {TOKEN_ENV} or --token; it may be revoked.")
        if status == 403:
            return ApiError(detail, status=status, code=code, hint="Give the token the object_configuration:read scope under Workspace settings > Developers.")
        if status == 404:
            return ApiError(detail, status=status, code=code, hint="Check --base-url; it should be the API origin, e.g. https://api.attio.com.")
        return ApiError(detail, status=status, code=code)


def utc_timestamp() -> str:
    """Return the time now in ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
