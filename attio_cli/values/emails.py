"""Email address values, checked against a strict subset of RFC 5322.

The local part must be a dot-atom (no quoted strings, comments or non-ASCII characters) of at most
64 characters. The domain must be a host name as domain values accept it, and the whole address at
most 254 characters. Attio validates both parts strictly but does not document its rules, so this
subset rejects the forms that real addresses rarely use. The ``public`` style trims the value and
lower-cases the domain; the local part keeps its case, because it may be case-sensitive.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from attio_cli.values.base import InvalidValue, render, unwrap
from attio_cli.values.domains import is_hostname
from attio_cli.schema import Attribute

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_MAX_LOCAL_PART = 64
_MAX_ADDRESS = 254


# Cached because one event often carries the same address into several attributes (a person's
# email_addresses, a user's primary_email_address and its person reference).
@lru_cache(maxsize=4096)
def normalise_email(text: str) -> str | None:
    """Return the address trimmed and with a lower-case domain, or ``None`` when it is invalid."""
    address = text.strip()
    local, at, domain = address.rpartition("@")
    if not at or len(address) > _MAX_ADDRESS or len(local) > _MAX_LOCAL_PART:
        return None
    if _LOCAL_PART.fullmatch(local) is None:
        return None

    domain = domain.lower()
    if not is_hostname(domain):
        return None
    return f"{local}@{domain}"


def check_email(item: Any, spec: Attribute, public: bool, region: str | None, warnings: list[str]) -> Any:
    text = unwrap(item, "email_address")
    if type(text) is not str:
        raise InvalidValue(f"{render(text)} is not a valid email address; expected a string")

    address = normalise_email(text)
    if address is None:
        raise InvalidValue(f"{render(text)} is not a valid email address")

    if public:
        return address
    if text != text.strip():
        raise InvalidValue(
            f"{render(text)} has leading or trailing spaces, which Attio may reject; "
            "trim it in the mapping or use the public style"
        )
    return text
