"""Request pacing, retry decisions and error parsing for live delivery to Attio's REST API.

Attio allows 25 writes and 100 reads per second across the whole API. Over the limit it responds
with 429 and a ``Retry-After`` HTTP date, usually the next second, and does not process the request.
"""

from __future__ import annotations

import enum
import http
import logging
import math
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import orjson

from attio_cli.api_client import retry_after_seconds

logger = logging.getLogger(__name__)

# Shortest pause after a 429. Retry-After has one-second precision and the local clock may differ
# from Attio's, so a shorter pause risks a second 429 in the same window.
MIN_RATE_LIMITED_PAUSE_S = 1.0

# Waits are never shorter than this. Otherwise float rounding can leave the clock a hair before
# a deadline, and a fake clock would then advance by nothing and loop forever.
_MIN_WAIT_S = 1e-6

# A rate such as 25 * 0.8 * 0.8 comes out as 15.999999999999998, which must still allow 16.
_RATE_ROUNDING = 1e-9


def rate_limited_pause(retry_after_header: str | None, now: float | None = None) -> float:
    """Return the seconds to pause after a 429 with this ``Retry-After`` header.

    The header may be an HTTP date or a number of seconds. The result is at least
    MIN_RATE_LIMITED_PAUSE_S, which also applies when the header is missing or invalid.
    ``now`` is the wall-clock time (time.time()) to measure an HTTP date from.
    """
    seconds = retry_after_seconds(retry_after_header, now)
    if seconds is None:
        return MIN_RATE_LIMITED_PAUSE_S
    return max(MIN_RATE_LIMITED_PAUSE_S, seconds)


class Stopped(Exception):
    """The rate limiter was stopped before it granted the request."""


class RateLimiter:
    """Thread-safe pacing of requests to at most ``rate`` per second, with back-off on 429.

    A request is granted only when both rules allow it:

    - at least 1/rate seconds have passed since the previous grant, and
    - fewer than floor(rate) grants fall in the last second (a sliding window).

    The window alone makes the bound exact. Any one-second interval, however it is aligned, holds
    at most floor(rate) grants, so Attio's windows (whole seconds of its clock) see no more either.
    A token bucket with a burst allowance does not give this: at 25/s, a bucket that holds one
    extra token can put 26 requests into one clock second. The spacing spreads requests evenly, so that they do not
    reach Attio in bunches that latency jitter could push into the same second.

    The bound holds for the moments that acquire() returns, not for the arrivals at Attio. The
    429s that latency differences still cause go to on_rate_limited(): every caller then waits
    until the Retry-After moment, and the rate drops by ``decrease_factor`` (never below
    ``min_rate``). After each ``recovery_after_s`` seconds without a 429 the rate rises again by
    ``recovery_step`` times the configured rate, until it reaches the configured rate.

    ``rate`` of 0 or None means unlimited: no pacing, but a 429 still pauses every caller.

    With ``sleep=None`` (the default) a caller waits on a condition variable, so stop() wakes it
    at once. A custom ``sleep`` (a fake clock in tests) is called for the whole wait without the
    lock held, and stop() takes effect when it returns.
    """

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
        min_rate: float = 1.0,
        decrease_factor: float = 0.8,
        recovery_after_s: float = 10.0,
        recovery_step: float = 0.1,
        min_pause_s: float = MIN_RATE_LIMITED_PAUSE_S,
    ):
        if rate is not None and not rate >= 0:
            raise ValueError(f"invalid rate {rate!r}: expected requests per second >= 0, or 0 for unlimited")
        if not min_rate > 0:
            raise ValueError(f"invalid min_rate {min_rate!r}: expected a number > 0")
        if not 0 < decrease_factor < 1:
            raise ValueError(f"invalid decrease_factor {decrease_factor!r}: expected a number between 0 and 1")
        if not recovery_after_s > 0 or not recovery_step > 0:
            raise ValueError(
                f"invalid recovery_after_s {recovery_after_s!r} or recovery_step {recovery_step!r}: expected numbers > 0"
            )
        if not min_pause_s >= 0:
            raise ValueError(f"invalid min_pause_s {min_pause_s!r}: expected a number >= 0")

        self._configured_rate: float | None = float(rate) if rate else None
        self._rate = self._configured_rate
        # A configured rate below min_rate is kept as it is, and 429s cannot lower it.
        self._min_rate = min(min_rate, self._configured_rate) if self._configured_rate else min_rate
        self._decrease_factor = decrease_factor
        self._recovery_after_s = recovery_after_s
        self._recovery_increment = recovery_step * (self._configured_rate or 0.0)
        self._min_pause_s = min_pause_s
        self._clock = clock
        self._sleep = sleep

        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._grants: deque[float] = deque()  # grant times within the last second, oldest first
        self._last_grant = -math.inf
        self._paused_until = -math.inf
        self._calm_since = clock()  # start of the current period without a 429
        self._rate_limited_count = 0
        self._stopped = False

    @property
    def configured_rate(self) -> float | None:
        """Requests per second that the limiter was created with, or None when unlimited."""
        return self._configured_rate

    @property
    def current_rate(self) -> float | None:
        """Requests per second allowed now, after 429 decreases and recovery, or None when unlimited."""
        with self._lock:
            if self._rate is not None:
                self._recover(self._clock())
            return self._rate

    @property
    def rate_limited_count(self) -> int:
        """Number of 429 responses reported through on_rate_limited()."""
        with self._lock:
            return self._rate_limited_count

    @property
    def stopped(self) -> bool:
        with self._lock:
            return self._stopped

    def acquire(self) -> None:
        """Block until the caller may send one request.

        Raises Stopped when stop() was called before or during the wait.
        """
        with self._lock:
            while True:
                if self._stopped:
                    raise Stopped("the rate limiter was stopped")
                delay = self._grant_or_delay(self._clock())
                if delay is None:
                    return
                self._wait(delay)

    def on_rate_limited(self, retry_after_s: float | None = None) -> None:
        """Pause every caller for ``retry_after_s`` seconds (at least ``min_pause_s``) and lower the rate.

        Several 429s usually arrive together, from requests that were already in flight. So a 429
        that arrives before the current pause ends extends the pause but does not lower the rate again.
        """
        pause = self._min_pause_s if retry_after_s is None else max(self._min_pause_s, retry_after_s)
        with self._lock:
            now = self._clock()
            self._rate_limited_count += 1
            starts_episode = now >= self._paused_until
            if self._rate is not None:
                self._recover(now)
            self._paused_until = max(self._paused_until, now + pause)
            self._calm_since = self._paused_until

            if starts_episode and self._rate is not None and self._rate > self._min_rate:
                self._rate = max(self._min_rate, self._rate * self._decrease_factor)
                logger.warning(
                    "Attio returned 429 Too Many Requests: pausing all requests for %.2f s and lowering the rate to %.2f/s",
                    pause,
                    self._rate,
                )
            elif starts_episode:
                logger.warning("Attio returned 429 Too Many Requests: pausing all requests for %.2f s", pause)
            self._wakeup.notify_all()

    def stop(self) -> None:
        """Stop the limiter: every blocked and later acquire() raises Stopped."""
        with self._lock:
            self._stopped = True
            self._wakeup.notify_all()

    close = stop

    def _grant_or_delay(self, now: float) -> float | None:
        """Record a grant at ``now`` and return None, or return the seconds until one may be possible."""
        if now < self._paused_until:
            return max(self._paused_until - now, _MIN_WAIT_S)
        if self._rate is None:
            return None

        self._recover(now)
        rate = self._rate
        grants = self._grants
        while grants and grants[0] + 1.0 <= now:
            grants.popleft()

        next_by_spacing = self._last_grant + 1.0 / rate
        if now < next_by_spacing:
            return max(next_by_spacing - now, _MIN_WAIT_S)

        per_window = max(1, math.floor(rate + _RATE_ROUNDING))
        if len(grants) >= per_window:
            # After a rate decrease the window may hold more grants than the new limit allows,
            # so the wait lasts until enough of the oldest leave it.
            oldest_to_leave = grants[len(grants) - per_window]
            return max(oldest_to_leave + 1.0 - now, _MIN_WAIT_S)

        grants.append(now)
        self._last_grant = now
        return None

    def _recover(self, now: float) -> None:
        """Raise the rate by one step for each quiet period that has passed since the last 429."""
        configured = self._configured_rate
        while self._rate < configured and now - self._calm_since >= self._recovery_after_s:
            self._rate = min(configured, self._rate + self._recovery_increment)
            self._calm_since += self._recovery_after_s
            if self._rate == configured:
                logger.info("no 429 for %.0f s: the rate is back at %.2f/s", self._recovery_after_s, self._rate)
            else:
                logger.debug("no 429 for %.0f s: raising the rate to %.2f/s", self._recovery_after_s, self._rate)

    def _wait(self, delay: float) -> None:
        """Wait ``delay`` seconds with the lock released. The caller holds the lock before and after."""
        if self._sleep is None:
            self._wakeup.wait(delay)
            return
        self._lock.release()
        try:
            self._sleep(delay)
        finally:
            self._lock.acquire()


class Decision(enum.Enum):
    """Outcome class of one request, which sets the next step for its event."""

    SUCCESS = "success"
    RATE_LIMITED = "rate_limited"  # 429: not processed, retry after the pause
    RETRY = "retry"  # transient failure, retry with backoff
    FATAL = "fatal"  # the run must stop, because every later request would fail the same way
    REJECT = "reject"  # Attio rejected this event, so report it and go on with the next


# Failures where no response arrived, or it arrived garbled, and a later attempt may succeed.
# DecodingError means the body could not be decompressed.
# NOTE: Attio may have processed the request before any of these failures. A retried assert
# converges to the same record, but a retried PATCH that appends multiselect values may add them twice.
_RETRY_ERRORS: tuple[type[BaseException], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
    httpx.DecodingError,
    OSError,
)


def classify(status: int | None, error: BaseException | None) -> Decision:
    """Classify one request's outcome by its HTTP status or by the exception it raised.

    ``error`` wins when both are given. Transport errors (timeouts, refused or dropped connections,
    a server that closed the connection without a response) are RETRY. Any other exception is
    FATAL: a local protocol error, an unsupported URL scheme, a redirect loop or a bug would recur
    on every request. Statuses: 2xx SUCCESS, 429 RATE_LIMITED, 408, 409 and 5xx RETRY, 401 and
    403 FATAL (the token is invalid or lacks a scope), other 4xx REJECT. A 1xx or 3xx status is
    FATAL, because a redirect from the API means the base URL is wrong for every request.
    """
    if error is not None:
        if isinstance(error, _RETRY_ERRORS):
            return Decision.RETRY
        return Decision.FATAL
    if status is None:
        raise ValueError("classify needs an HTTP status or an exception, and got neither")

    if 200 <= status <= 299:
        return Decision.SUCCESS
    if status == 429:
        return Decision.RATE_LIMITED
    if status in (408, 409) or 500 <= status <= 599:
        return Decision.RETRY
    if status in (401, 403):
        return Decision.FATAL
    if 400 <= status <= 499:
        return Decision.REJECT
    return Decision.FATAL


class RetryPolicy:
    """Backoff and limits for retrying one event.

    Errors (Decision.RETRY) use exponential backoff with full jitter: the wait before retry n is
    uniform in [0, min(cap_s, base_s * 2**(n-1))]. Full jitter needs no state per event, so one
    policy serves every worker thread. An event gets at most ``max_retries`` error retries.

    429s (Decision.RATE_LIMITED) do not use up that count, because they are expected at full rate
    and Attio did not process the request. They wait for Retry-After instead of the backoff. Both
    kinds count toward ``max_elapsed_s``, measured from the event's first attempt, so an event
    cannot wait forever. No retry is granted whose wait would end after that limit.
    """

    def __init__(
        self,
        max_retries: int = 8,
        max_elapsed_s: float = 600.0,
        base_s: float = 0.5,
        cap_s: float = 30.0,
        rng: random.Random | None = None,
    ):
        if max_retries < 0:
            raise ValueError(f"invalid max_retries {max_retries!r}: expected an integer >= 0")
        if not max_elapsed_s > 0 or not base_s > 0 or not cap_s >= base_s:
            raise ValueError(
                f"invalid retry timing (max_elapsed_s={max_elapsed_s!r}, base_s={base_s!r}, cap_s={cap_s!r}): "
                "expected max_elapsed_s > 0 and 0 < base_s <= cap_s"
            )
        self.max_retries = max_retries
        self.max_elapsed_s = max_elapsed_s
        self.base_s = base_s
        self.cap_s = cap_s
        self._rng = rng if rng is not None else random.Random()
        # Past this exponent base_s * 2**n exceeds cap_s, and a huge n would overflow the float.
        self._max_exponent = max(0, math.ceil(math.log2(cap_s / base_s)))

    def backoff_ceiling(self, attempt: int) -> float:
        """Return the maximum wait in seconds after failed attempt number ``attempt`` (1-based)."""
        exponent = min(attempt - 1, self._max_exponent)
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def next_delay(self, attempt: int, started_at: float, now: float) -> float | None:
        """Return the seconds to wait before attempt ``attempt + 1``, or None when retries are exhausted.

        ``attempt`` is the number of this event's attempts that ended in Decision.RETRY so far,
        including the one that just failed, so it is 1 after the first failure. 429s are not
        counted. ``started_at`` (the first attempt) and ``now`` come from the same monotonic clock.
        """
        if attempt < 1:
            raise ValueError(f"invalid attempt {attempt!r}: expected the 1-based number of the failed attempt")
        if attempt > self.max_retries:
            return None
        delay = self._rng.uniform(0.0, self.backoff_ceiling(attempt))
        if now + delay - started_at > self.max_elapsed_s:
            return None
        return delay

    def rate_limited_delay(self, retry_after_s: float | None, started_at: float, now: float) -> float | None:
        """Return the seconds to wait before retrying after a 429, or None when the time limit would pass.

        The wait is ``retry_after_s``, at least MIN_RATE_LIMITED_PAUSE_S. A caller that goes
        through RateLimiter.acquire() after reporting the 429 with on_rate_limited() needs no
        extra sleep, because acquire() already waits out the pause.
        """
        delay = MIN_RATE_LIMITED_PAUSE_S if retry_after_s is None else max(MIN_RATE_LIMITED_PAUSE_S, retry_after_s)
        if now + delay - started_at > self.max_elapsed_s:
            return None
        return delay


@dataclass(frozen=True, slots=True)
class ApiProblem:
    """Attio's error response, read loosely. A field that the body lacks is None."""

    status: int
    code: str | None
    message: str
    type: str | None = None
    attribute: str | None = None  # slug or ID of the attribute the error names, if any
    details: tuple[str, ...] = ()  # one "path: message" line per validation error

    def __str__(self) -> str:
        text = f"HTTP {self.status}"
        if self.code:
            text += f" {self.code}"
        text += f": {self.message}"
        if self.attribute:
            text += f" (attribute {self.attribute})"
        if self.details:
            text += " [" + "; ".join(self.details) + "]"
        return text


# Attio's messages name attributes in several forms, e.g. 'attribute with slug "phone_numbers"',
# 'matching_attribute slug/ID "x"', 'Invalid object value for "primary_location"' and
# "Multi-select attribute 'lead_type' expects an array".
_ATTRIBUTE_PATTERNS = (
    re.compile(r'attribute (?:with )?(?:slug/ID|slug|ID|id) "([^"]+)"'),
    re.compile(r'value for "([^"]+)"'),
    re.compile(r"attribute '([^']+)'"),
)

# Enough of a body that is not Attio's JSON (a proxy's HTML page, say) to recognise it.
_MAX_BODY_SNIPPET = 200


def parse_error(response_body: bytes | str | None, status: int) -> ApiProblem:
    """Parse Attio's error body into an ApiProblem, and never raise.

    Attio's body is ``{status_code, type, code, message}``, sometimes with ``validation_errors``
    whose ``path`` lists the keys to the invalid value. The attribute comes from the first path
    through ``values`` (``["data", "values", "phone_numbers", 0]``), else from the message. A body
    that is not such JSON gives the HTTP reason phrase as message and a snippet of the body as detail.
    """
    try:
        body = orjson.loads(response_body) if response_body else None
    except (orjson.JSONDecodeError, TypeError):
        body = None

    if not isinstance(body, dict):
        snippet = _body_snippet(response_body)
        return ApiProblem(status=status, code=None, message=_reason_phrase(status), details=(f"body: {snippet}",) if snippet else ())

    message = _text_field(body, "message") or _reason_phrase(status)
    details: list[str] = []
    attribute = None
    validation_messages: list[str] = []
    validation_errors = body.get("validation_errors")
    if isinstance(validation_errors, list):
        for entry in validation_errors:
            if not isinstance(entry, dict):
                continue
            path = _path_parts(entry.get("path"))
            entry_message = _text_field(entry, "message") or _text_field(entry, "code") or "invalid"
            details.append(f"{'.'.join(path) or '(body)'}: {entry_message}")
            validation_messages.append(entry_message)
            if attribute is None:
                attribute = _attribute_in_path(path)

    if attribute is None:
        for text in (message, *validation_messages):
            attribute = _attribute_in_message(text)
            if attribute is not None:
                break

    return ApiProblem(
        status=status,
        code=_text_field(body, "code"),
        message=message,
        type=_text_field(body, "type"),
        attribute=attribute,
        details=tuple(details),
    )


def _text_field(mapping: dict, key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) and value else None


def _path_parts(path: object) -> list[str]:
    if isinstance(path, str):
        return [part for part in path.split(".") if part]
    if isinstance(path, list):
        return [str(part) for part in path if isinstance(part, (str, int)) and not isinstance(part, bool)]
    return []


def _attribute_in_path(path: list[str]) -> str | None:
    """Return the key after ``values`` in a validation error path, as in data.values.<slug>."""
    for index, part in enumerate(path[:-1]):
        if part == "values":
            return path[index + 1]
    return None


def _attribute_in_message(message: str) -> str | None:
    for pattern in _ATTRIBUTE_PATTERNS:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP status {status}"


def _body_snippet(response_body: object) -> str:
    if not response_body:
        return ""
    if isinstance(response_body, (bytes, bytearray, memoryview)):
        text = bytes(response_body).decode("utf-8", errors="replace")
    else:
        text = str(response_body)
    text = " ".join(text.split())
    if len(text) > _MAX_BODY_SNIPPET:
        text = text[:_MAX_BODY_SNIPPET] + "..."
    return text
