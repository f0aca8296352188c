"""The API client's pure parts: base URL checks, token lookup and Retry-After parsing."""

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from attio_cli.api_client import check_base_url, resolve_token, retry_after_seconds
from attio_cli.errors import ConfigError


@pytest.mark.parametrize("url", ["https://api.attio.com", "https://api.attio.com/", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"])
def test_base_url_accepted(url):
    assert check_base_url(url) == url.rstrip("/")


def test_plain_http_remote_rejected():
    with pytest.raises(ConfigError) as caught:
        check_base_url("http://api.example.com")
    assert caught.value.message == "--base-url http://api.example.com is plain http, which would send the token unencrypted"
    assert caught.value.hint == "Use https, or pass --allow-insecure if the network is trusted."


def test_plain_http_remote_allowed_when_insecure():
    assert check_base_url("http://api.example.com", allow_insecure=True) == "http://api.example.com"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://api.attio.com", "expected http:// or https:// and a host"),
        ("https://", "expected http:// or https:// and a host"),
        ("https://api.attio.com?x=1", "it must not have a query or fragment"),
        ("https://api.attio.com/v2", "leave out /v2, attio-cli adds it"),
    ],
)
def test_base_url_rejected(url, problem):
    with pytest.raises(ConfigError) as caught:
        check_base_url(url)
    assert caught.value.message == f"invalid --base-url {url!r}: {problem}"


def test_token_from_option_wins(monkeypatch):
    monkeypatch.setenv("ATTIO_API_TOKEN", "from-env")
    assert resolve_token("from-option") == "from-option"


def test_token_from_environment(monkeypatch):
    monkeypatch.setenv("ATTIO_API_TOKEN", " from-env\n")
    assert resolve_token(None) == "from-env"


def test_token_missing(monkeypatch):
    monkeypatch.delenv("ATTIO_API_TOKEN", raising=False)
    with pytest.raises(ConfigError) as caught:
        resolve_token(None)
    assert caught.value.message == "no Attio API token given"


def test_retry_after_seconds():
    assert retry_after_seconds("3") == 3.0


def test_retry_after_http_date():
    now = datetime(2023, 5, 23, 14, 42, 0, tzinfo=timezone.utc).timestamp()
    assert retry_after_seconds("Tue, 23 May 2023 14:42:01 GMT", now=now) == 1.0


def test_retry_after_past_date_is_zero():
    now = datetime(2023, 5, 23, 14, 43, 0, tzinfo=timezone.utc).timestamp()
    assert retry_after_seconds(format_datetime(datetime(2023, 5, 23, 14, 42, 1, tzinfo=timezone.utc), usegmt=True), now=now) == 0.0


@pytest.mark.parametrize("header", [None, "", "soon", "Tue, 99 Foo 2023"])
def test_retry_after_unreadable(header):
    assert retry_after_seconds(header) is None
