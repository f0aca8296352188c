import email.utils
import random
import threading
import time

import httpx
import pytest

from attio_cli.delivery.pacing import (
    MIN_RATE_LIMITED_PAUSE_S,
    ApiProblem,
    Decision,
    RateLimiter,
    RetryPolicy,
    Stopped,
    classify,
    parse_error,
    rate_limited_pause,
)


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps or a test sets it."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


def fake_limiter(rate, **options) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(rate, clock=clock, sleep=clock.sleep, **options), clock


def max_in_any_second(times: list[float]) -> int:
    """Return the largest number of times inside one half-open interval [a, a + 1)."""
    times = sorted(times)
    best = 0
    end = 0
    for start, moment in enumerate(times):
        while end < len(times) and times[end] < moment + 1.0:
            end += 1
        best = max(best, end - start)
    return best


def acquire_times(limiter: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        limiter.acquire()
        times.append(clock.now)
    return times


# RateLimiter: the per-second bound


def test_limiter_long_run_within_rate():
    limiter, clock = fake_limiter(25)
    times = acquire_times(limiter, clock, 3000)

    assert max_in_any_second(times) == 25
    assert times[-1] - times[0] <= 3000 / 25


def test_limiter_spaces_requests_evenly():
    limiter, clock = fake_limiter(25)
    times = acquire_times(limiter, clock, 200)

    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 1 / 25 - 1e-9
    assert max(gaps) <= 1 / 25 + 1e-6


@pytest.mark.parametrize(("rate", "bound"), [(25, 25), (12.5, 12), (100, 100), (3, 3), (1, 1)])
def test_limiter_bound_with_idle_gaps(rate, bound):
    limiter, clock = fake_limiter(rate)
    rng = random.Random(7)
    times = []
    for _ in range(2000):
        clock.now += rng.choice([0.0, 0.0, 0.0, 0.001, 0.013, 0.3, 0.97, 1.7])
        limiter.acquire()
        times.append(clock.now)

    assert max_in_any_second(times) <= bound


def test_limiter_fractional_rate_uses_floor():
    limiter, clock = fake_limiter(12.5)
    times = acquire_times(limiter, clock, 500)

    assert max_in_any_second(times) == 12


def test_limiter_rate_below_one():
    limiter, clock = fake_limiter(0.5)
    times = acquire_times(limiter, clock, 10)

    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 2.0 - 1e-9


@pytest.mark.parametrize("rate", [0, None])
def test_limiter_unlimited_never_waits(rate):
    limiter, clock = fake_limiter(rate)
    acquire_times(limiter, clock, 1000)

    assert clock.sleeps == []
    assert limiter.current_rate is None
    assert limiter.configured_rate is None


@pytest.mark.parametrize("rate", [-1, float("nan")])
def test_limiter_invalid_rate(rate):
    with pytest.raises(ValueError, match="invalid rate"):
        RateLimiter(rate)


# RateLimiter: 429 handling


def test_limiter_429_pauses_and_lowers_rate():
    limiter, clock = fake_limiter(25)
    limiter.acquire()
    reported_at = clock.now
    limiter.on_rate_limited(2.0)

    limiter.acquire()
    limiter.acquire()

    assert clock.now >= reported_at + 2.0
    assert limiter.current_rate == pytest.approx(20.0)
    assert limiter.rate_limited_count == 1


@pytest.mark.parametrize("retry_after", [None, 0.0, 0.2])
def test_limiter_429_pause_has_minimum(retry_after):
    limiter, clock = fake_limiter(25)
    reported_at = clock.now
    limiter.on_rate_limited(retry_after)

    limiter.acquire()

    assert clock.now == pytest.approx(reported_at + MIN_RATE_LIMITED_PAUSE_S)


def test_limiter_429s_during_pause_lower_once():
    limiter, clock = fake_limiter(25)
    limiter.on_rate_limited(1.0)
    clock.now += 0.1
    limiter.on_rate_limited(1.0)
    clock.now += 0.1
    limiter.on_rate_limited(1.0)

    assert limiter.current_rate == pytest.approx(20.0)
    assert limiter.rate_limited_count == 3

    limiter.acquire()
    resumed_at = clock.now
    limiter.on_rate_limited(1.0)

    assert resumed_at >= 1000.2 + 1.0
    assert limiter.current_rate == pytest.approx(16.0)


def test_limiter_429_rate_floor():
    limiter, clock = fake_limiter(25, min_rate=1.0)
    for _ in range(40):
        limiter.on_rate_limited(1.0)
        clock.now += 1.5

    assert limiter.current_rate == pytest.approx(1.0)
    assert limiter.rate_limited_count == 40


def test_limiter_bound_after_decrease():
    limiter, clock = fake_limiter(25, recovery_after_s=60.0)
    acquire_times(limiter, clock, 100)
    limiter.on_rate_limited(1.0)
    times = acquire_times(limiter, clock, 400)

    assert max_in_any_second(times) == 20


def test_limiter_429_when_unlimited_still_pauses():
    limiter, clock = fake_limiter(0)
    reported_at = clock.now
    limiter.on_rate_limited(3.0)

    limiter.acquire()

    assert clock.now == pytest.approx(reported_at + 3.0)
    assert limiter.current_rate is None


def test_limiter_recovery_after_quiet_period():
    limiter, clock = fake_limiter(25, recovery_after_s=10.0, recovery_step=0.1)
    start = clock.now
    limiter.on_rate_limited(1.0)
    pause_end = start + 1.0

    clock.now = pause_end + 9.9
    assert limiter.current_rate == pytest.approx(20.0)

    clock.now = pause_end + 10.0
    assert limiter.current_rate == pytest.approx(22.5)

    clock.now = pause_end + 20.0
    assert limiter.current_rate == pytest.approx(25.0)

    clock.now = pause_end + 500.0
    assert limiter.current_rate == pytest.approx(25.0)


def test_limiter_recovery_restarts_on_429():
    limiter, clock = fake_limiter(25, recovery_after_s=10.0)
    limiter.on_rate_limited(1.0)
    clock.now += 1.0 + 9.0
    limiter.on_rate_limited(1.0)

    clock.now += 1.0 + 9.0
    assert limiter.current_rate == pytest.approx(16.0)

    clock.now += 1.0
    assert limiter.current_rate == pytest.approx(18.5)


def test_limiter_pause_holds_every_thread():
    limiter = RateLimiter(0, min_pause_s=0.0)
    reported_at = time.monotonic()
    limiter.on_rate_limited(0.05)
    returned_at: list[float] = []

    def worker():
        limiter.acquire()
        returned_at.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert len(returned_at) == 4
    assert min(returned_at) >= reported_at + 0.05


# RateLimiter: stopping


def test_limiter_stop_wakes_blocked_threads():
    limiter = RateLimiter(1)
    limiter.on_rate_limited(60.0)
    outcomes: list[str] = []

    def worker():
        try:
            limiter.acquire()
            outcomes.append("granted")
        except Stopped:
            outcomes.append("stopped")

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    stop_started = time.monotonic()
    limiter.stop()
    for thread in threads:
        thread.join(timeout=5)

    assert not any(thread.is_alive() for thread in threads)
    assert outcomes == ["stopped"] * 3
    assert time.monotonic() - stop_started < 1.0


def test_limiter_acquire_after_stop():
    limiter = RateLimiter(25)
    limiter.close()

    with pytest.raises(Stopped):
        limiter.acquire()
    assert limiter.stopped


def test_limiter_stop_during_custom_sleep():
    clock = FakeClock()

    def sleep_then_stop(seconds):
        clock.sleep(seconds)
        limiter.stop()

    limiter = RateLimiter(1, clock=clock, sleep=sleep_then_stop)
    limiter.acquire()

    with pytest.raises(Stopped):
        limiter.acquire()


def test_limiter_real_threads_within_rate():
    rate = 200
    limiter = RateLimiter(rate)
    granted_at: list[float] = []
    record = threading.Lock()
    started = time.monotonic()
    deadline = started + 0.3

    def worker():
        while time.monotonic() < deadline:
            limiter.acquire()
            with record:
                granted_at.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    finished = time.monotonic()

    # Spacing of 1/rate allows at most one grant per 5 ms, plus the first one.
    assert len(granted_at) <= (finished - started) * rate + 1
    assert max_in_any_second(granted_at) <= rate
    assert len(granted_at) >= 10


# classify


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, Decision.SUCCESS),
        (201, Decision.SUCCESS),
        (204, Decision.SUCCESS),
        (429, Decision.RATE_LIMITED),
        (408, Decision.RETRY),
        (409, Decision.RETRY),
        (500, Decision.RETRY),
        (502, Decision.RETRY),
        (503, Decision.RETRY),
        (504, Decision.RETRY),
        (401, Decision.FATAL),
        (403, Decision.FATAL),
        (400, Decision.REJECT),
        (404, Decision.REJECT),
        (405, Decision.REJECT),
        (413, Decision.REJECT),
        (422, Decision.REJECT),
        (100, Decision.FATAL),
        (301, Decision.FATAL),
        (302, Decision.FATAL),
    ],
)
def test_classify_status(status, expected):
    assert classify(status, None) is expected


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.WriteTimeout("write timed out"),
        httpx.PoolTimeout("no free connection"),
        httpx.ReadError("connection reset"),
        httpx.WriteError("broken pipe"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ProxyError("proxy refused"),
        httpx.DecodingError("invalid gzip"),
        ConnectionResetError("reset by peer"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_classify_retryable_errors(error):
    assert classify(None, error) is Decision.RETRY


@pytest.mark.parametrize(
    "error",
    [
        httpx.LocalProtocolError("invalid header"),
        httpx.UnsupportedProtocol("ftp is not supported"),
        httpx.TooManyRedirects("redirect loop"),
        ValueError("bug"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_classify_fatal_errors(error):
    assert classify(None, error) is Decision.FATAL


def test_classify_error_wins_over_status():
    assert classify(200, httpx.ReadTimeout("read timed out")) is Decision.RETRY


def test_classify_needs_status_or_error():
    with pytest.raises(ValueError):
        classify(None, None)


# RetryPolicy


class UpperBoundRng:
    """Stands in for random.Random and always returns the top of the range."""

    def uniform(self, low, high):
        return high


def test_policy_backoff_growth_and_cap():
    policy = RetryPolicy(base_s=0.5, cap_s=30.0)

    ceilings = [policy.backoff_ceiling(attempt) for attempt in range(1, 9)]

    assert ceilings == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert policy.backoff_ceiling(10_000) == 30.0


def test_policy_delay_uses_full_ceiling():
    policy = RetryPolicy(rng=UpperBoundRng())

    assert policy.next_delay(1, started_at=0.0, now=0.0) == 0.5
    assert policy.next_delay(3, started_at=0.0, now=0.0) == 2.0
    assert policy.next_delay(8, started_at=0.0, now=0.0) == 30.0


def test_policy_jitter_bounds():
    policy = RetryPolicy(rng=random.Random(3))
    for attempt in range(1, 9):
        ceiling = policy.backoff_ceiling(attempt)
        delays = [policy.next_delay(attempt, started_at=0.0, now=0.0) for _ in range(300)]

        assert min(delays) >= 0.0
        assert max(delays) <= ceiling
        assert max(delays) - min(delays) > ceiling / 2


def test_policy_exhausted_by_count():
    policy = RetryPolicy(max_retries=3)

    assert policy.next_delay(3, started_at=0.0, now=1.0) is not None
    assert policy.next_delay(4, started_at=0.0, now=1.0) is None


def test_policy_no_retries():
    policy = RetryPolicy(max_retries=0)

    assert policy.next_delay(1, started_at=0.0, now=0.0) is None


def test_policy_exhausted_by_time():
    policy = RetryPolicy(max_elapsed_s=600.0, rng=UpperBoundRng())

    assert policy.next_delay(1, started_at=0.0, now=599.5) == 0.5
    assert policy.next_delay(1, started_at=0.0, now=599.6) is None
    assert policy.next_delay(1, started_at=0.0, now=700.0) is None


def test_policy_rejects_attempt_zero():
    with pytest.raises(ValueError, match="invalid attempt"):
        RetryPolicy().next_delay(0, started_at=0.0, now=0.0)


@pytest.mark.parametrize(
    "options",
    [{"max_retries": -1}, {"max_elapsed_s": 0}, {"base_s": 0}, {"base_s": 5.0, "cap_s": 1.0}],
)
def test_policy_invalid_options(options):
    with pytest.raises(ValueError):
        RetryPolicy(**options)


def test_policy_rate_limited_delay():
    policy = RetryPolicy()

    assert policy.rate_limited_delay(2.5, started_at=0.0, now=10.0) == 2.5
    assert policy.rate_limited_delay(0.2, started_at=0.0, now=10.0) == MIN_RATE_LIMITED_PAUSE_S
    assert policy.rate_limited_delay(None, started_at=0.0, now=10.0) == MIN_RATE_LIMITED_PAUSE_S


def test_policy_rate_limited_ignores_count():
    policy = RetryPolicy(max_retries=0)

    assert policy.rate_limited_delay(1.0, started_at=0.0, now=10.0) == 1.0


def test_policy_rate_limited_exhausted_by_time():
    policy = RetryPolicy(max_elapsed_s=600.0)

    assert policy.rate_limited_delay(1.0, started_at=0.0, now=599.0) == 1.0
    assert policy.rate_limited_delay(1.0, started_at=0.0, now=599.5) is None


# rate_limited_pause


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


def test_pause_from_http_date():
    reset_at = 1_684_852_921.0  # Tue, 23 May 2023 14:42:01 GMT
    header = http_date(reset_at + 2)

    assert rate_limited_pause(header, now=reset_at + 0.25) == pytest.approx(1.75)


def test_pause_next_second_gets_minimum():
    reset_at = 1_684_852_921.0
    header = http_date(reset_at)

    assert rate_limited_pause(header, now=reset_at - 0.4) == MIN_RATE_LIMITED_PAUSE_S


@pytest.mark.parametrize(("header", "expected"), [(None, 1.0), ("", 1.0), ("soon", 1.0), ("5", 5.0), ("0", 1.0)])
def test_pause_header_forms(header, expected):
    assert rate_limited_pause(header) == expected


# parse_error


def test_parse_rate_limit_body():
    body = (
        b'{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded",'
        b'"message":"Rate limit exceeded, please try again later"}'
    )

    problem = parse_error(body, 429)

    assert problem.status == 429
    assert problem.type == "rate_limit_error"
    assert problem.code == "rate_limit_exceeded"
    assert problem.message == "Rate limit exceeded, please try again later"
    assert problem.attribute is None
    assert problem.details == ()


@pytest.mark.parametrize(
    ("message", "attribute"),
    [
        (
            'An invalid value was passed to attribute with slug "phone_numbers". '
            '"Invalid phone number, possibly due to missing country information."',
            "phone_numbers",
        ),
        (
            'The value "{\\"email_address\\":\\"a@b.co\\"}" provided for attribute with ID '
            '"8d1a0f1e-2c4b-4e1a-9a3e-0f6f1a2b3c4d" conflicts with one already in the system.',
            "8d1a0f1e-2c4b-4e1a-9a3e-0f6f1a2b3c4d",
        ),
        ('No attribute was found for matching_attribute slug/ID "my_attribute".', "my_attribute"),
        ('Invalid object value for "primary_location". Expected an object, but got string.', "primary_location"),
        ("Multi-select attribute 'lead_type' expects an array but received a single value", "lead_type"),
        ("The matching attribute specified is not a unique attribute.", None),
    ],
)
def test_parse_attribute_from_message(message, attribute):
    body = httpx.Response(400, json={"status_code": 400, "type": "invalid_request_error", "code": "value_not_found", "message": message}).content

    problem = parse_error(body, 400)

    assert problem.attribute == attribute
    assert problem.message == message
    assert problem.code == "value_not_found"


def test_parse_validation_errors_path():
    body = (
        b'{"status_code":400,"type":"invalid_request_error","code":"validation_type",'
        b'"message":"Body payload validation error.","validation_errors":['
        b'{"code":"invalid_string","path":["data","values","email_addresses",0,"email_address"],"message":"Invalid email"}]}'
    )

    problem = parse_error(body, 400)

    assert problem.code == "validation_type"
    assert problem.attribute == "email_addresses"
    assert problem.details == ("data.values.email_addresses.0.email_address: Invalid email",)


def test_parse_validation_error_query_param():
    body = (
        b'{"status_code":400,"type":"invalid_request_error","code":"validation_type","message":"Query params validation error.",'
        b'"validation_errors":[{"code":"invalid_type","path":["matching_attribute"],"message":"Required",'
        b'"expected":"string","received":"undefined"}]}'
    )

    problem = parse_error(body, 400)

    assert problem.attribute is None
    assert problem.details == ("matching_attribute: Required",)


def test_parse_validation_path_as_string():
    body = b'{"code":"validation_type","message":"Invalid","validation_errors":[{"path":"data.values.name","code":"too_small"}]}'

    problem = parse_error(body, 400)

    assert problem.attribute == "name"
    assert problem.details == ("data.values.name: too_small",)


def test_parse_attribute_from_validation_message():
    body = (
        b'{"code":"validation_type","message":"Body payload validation error.",'
        b'"validation_errors":[{"path":[],"message":"Invalid value for \\"job_title\\""}]}'
    )

    problem = parse_error(body, 400)

    assert problem.attribute == "job_title"
    assert problem.details == ('(body): Invalid value for "job_title"',)


def test_parse_status_from_argument():
    problem = parse_error(b'{"status_code":500,"code":"x","message":"y"}', 400)

    assert problem.status == 400


@pytest.mark.parametrize(
    "body",
    [
        b"",
        None,
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b"null",
        b'"a string"',
        b'{"code": 5, "message": ["x"], "type": null}',
        b'{"validation_errors": "oops"}',
        b'{"validation_errors": [1, null, {"path": {"a": 1}, "message": 7}, {"path": [true, null]}]}',
        "text instead of bytes",
        12345,
    ],
)
def test_parse_garbage_never_raises(body):
    problem = parse_error(body, 400)

    assert isinstance(problem, ApiProblem)
    assert problem.status == 400
    assert problem.code is None
    assert problem.message == "Bad Request"


def test_parse_html_body():
    problem = parse_error(b"<html><body>502 Bad Gateway</body></html>", 502)

    assert problem.message == "Bad Gateway"
    assert problem.details == ("body: <html><body>502 Bad Gateway</body></html>",)


def test_parse_long_body_cut():
    problem = parse_error(b"x" * 5000, 503)

    assert len(problem.details[0]) < 250
    assert problem.details[0].endswith("...")


def test_parse_unknown_status_phrase():
    problem = parse_error(b"", 599)

    assert problem.message == "HTTP status 599"


def test_problem_str():
    body = b'{"code":"value_not_found","message":"An invalid value was passed to attribute with slug \\"phone_numbers\\"."}'

    text = str(parse_error(body, 400))

    assert text.startswith("HTTP 400 value_not_found: An invalid value")
    assert text.endswith("(attribute phone_numbers)")
