"""Domain values: host names, normalised from URLs in the ``public`` style.

Attio trims paths and query strings from domain values itself. Whether it also strips a scheme,
folds case or removes ``www.`` is not documented, so the ``public`` style does all of that on this
side. ``companies.domains`` is the key companies are matched on, so ``https://www.Example.com/pricing``
and ``example.com`` must give the same value.
"""

from __future__ import annotations

import re
from typing import Any

from attio_cli.values.base import InvalidValue, render, unwrap
from attio_cli.schema import Attribute

# Lower-case LDH labels of at most 63 characters, at least two labels, and a top-level label of
# letters (or an IDNA "xn--" label), so IP addresses and single names like "localhost" fail.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME_PATTERN = re.compile(rf"(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})")
_MAX_HOSTNAME = 253

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")
_HOST_END = re.compile(r"[/?#\\]")


def is_hostname(host: str) -> bool:
    """Return whether a lower-case host name is a valid DNS name; non-ASCII names are checked as IDNA."""
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return len(host) <= _MAX_HOSTNAME and HOSTNAME_PATTERN.fullmatch(host) is not None


def normalise_domain(text: str) -> tuple[str | None, bool]:
    """Reduce a domain or URL to its lower-case host name without a leading ``www.``.

    Returns the host (``None`` when the text has no valid host name) and whether a ``www.`` was
    removed.
    """
    # Fast path: most values are already a bare lower-case host name.
    if HOSTNAME_PATTERN.fullmatch(text) and not text.startswith("www.") and len(text) <= _MAX_HOSTNAME:
        return text, False

    host = text.strip()
    scheme = _SCHEME.match(host)
    if scheme:
        host = host[scheme.end() :]
    elif host.startswith("//"):
        host = host[2:]

    end = _HOST_END.search(host)
    if end:
        host = host[: end.start()]
    host = host.rpartition("@")[2]  # credentials, as in user:password@host

    host, colon, port = host.partition(":")
    if colon and not port.isdigit():
        return None, False

    host = host.lower()
    if host.endswith("."):
        host = host[:-1]

    removed_www = False
    # "www.com" keeps its "www", because "com" alone is not a domain.
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
        removed_www = True

    if not is_hostname(host):
        return None, False
    return host, removed_www


def check_domain(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    text = unwrap(item, "domain")
    if type(text) is not str:
        raise InvalidValue(f"{render(text)} is not a valid domain; expected a string such as \"example.com\"")

    host, removed_www = normalise_domain(text)
    if host is None:
        raise InvalidValue(f"{render(text)} is not a valid domain; expected a host name such as \"example.com\"")

    if not public:
        if text != text.strip():
            raise InvalidValue(
                f"{render(text)} has leading or trailing spaces, which Attio may reject; "
                "trim it in the mapping or use the public style"
            )
        return text

    if removed_www:
        warnings.append(f"{render(text)} was sent as {render(host)}, without the leading \"www.\"")
    return host
