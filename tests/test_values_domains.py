"""Domain values: URL stripping, case folding, "www." removal and host name validation."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.values import check_value

DOMAINS = Attribute("domains", "domain", is_multiselect=True, is_unique=True)
WEBSITE = Attribute("website", "domain")

NORMALISED = [
    ("example.com", "example.com"),
    ("https://www.Example.com/pricing", "example.com"),
    ("HTTP://EXAMPLE.COM", "example.com"),
    ("www.example.com", "example.com"),
    ("app.attio.com", "app.attio.com"),
    ("https://app.attio.com/path?q=1#top", "app.attio.com"),
    ("example.com/path", "example.com"),
    ("example.com?utm=1", "example.com"),
    ("example.com#frag", "example.com"),
    ("https://user:secret@example.com:8443/x", "example.com"),
    ("//cdn.example.com/lib.js", "cdn.example.com"),
    ("  example.com  ", "example.com"),
    ("example.com.", "example.com"),
    ("ftp://files.example.org", "files.example.org"),
    ("www.com", "www.com"),
    ("sub.www.example.com", "sub.www.example.com"),
    ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
    ("München.de", "münchen.de"),
    ("a-b.example.co.uk", "a-b.example.co.uk"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_domain_normalised_public(raw, expected):
    result = check_value(WEBSITE, raw, style="public")
    assert result.error is None
    assert result.value == expected


def test_domain_url_and_bare_agree():
    url = check_value(DOMAINS, "https://www.Example.com/pricing", style="public")
    bare = check_value(DOMAINS, "example.com", style="public")
    assert url.value == bare.value == ["example.com"]


def test_domain_object_form_unwrapped():
    result = check_value(WEBSITE, {"domain": "Example.com"}, style="public")
    assert result.value == "example.com"


def test_domain_www_removal_warns():
    result = check_value(WEBSITE, "https://www.Example.com/pricing", style="public")
    assert result.warnings == [
        'website: "https://www.Example.com/pricing" was sent as "example.com", without the leading "www."'
    ]


def test_domain_plain_change_no_warning():
    result = check_value(WEBSITE, "https://Example.com/pricing", style="public")
    assert result.warnings == []


@pytest.mark.parametrize("raw", ["https://www.Example.com/pricing", "Example.COM", "www.example.com"])
def test_domain_segment_unchanged(raw):
    result = check_value(WEBSITE, raw, style="segment")
    assert result.value == raw
    assert result.error is None
    assert result.warnings == []


def test_domain_segment_spaces_rejected():
    result = check_value(WEBSITE, " example.com", style="segment")
    assert result.error == (
        'website: " example.com" has leading or trailing spaces, which Attio may reject; '
        "trim it in the mapping or use the public style"
    )


REJECTED = [
    "localhost",
    "example",
    "192.168.0.1",
    "http://[::1]/",
    "example.com:port",
    "exa mple.com",
    "-example.com",
    "example-.com",
    "example..com",
    "example.c",
    "under_score.com",
    "",
    "https://",
    "a" * 64 + ".com",
]


@pytest.mark.parametrize("raw", REJECTED)
@pytest.mark.parametrize("style", ["public", "segment"])
def test_domain_rejected(raw, style):
    result = check_value(WEBSITE, raw, style=style)
    assert result.error == f'website: "{raw}" is not a valid domain; expected a host name such as "example.com"'


def test_domain_too_long_rejected():
    host = ".".join(["abcdefghij"] * 25) + ".com"
    result = check_value(WEBSITE, host, style="public")
    assert result.error.endswith('… is not a valid domain; expected a host name such as "example.com"')


def test_domain_not_string_rejected():
    result = check_value(WEBSITE, 42, style="public")
    assert result.error == 'website: 42 is not a valid domain; expected a string such as "example.com"'


def test_domain_object_unknown_key_rejected():
    result = check_value(WEBSITE, {"url": "example.com"}, style="public")
    assert result.error == 'website: {"url": "example.com"} is not a valid value; the object form is {"domain": ...}'
