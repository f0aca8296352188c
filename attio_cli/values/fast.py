"""Fast paths for the most common value: a string that passes its check without change or warning.

A backfill checks millions of emails, domains and ids, and the full checkers spend most of their
time on set-up that such a string does not need. Each fast path returns the value to send, or
``None`` to leave the decision (and any error or warning message) to the full checker. A fast path
returns a value only where the full checker returns the same one; tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable

from attio_cli.schema import Attribute
from attio_cli.values.domains import normalise_domain
from attio_cli.values.emails import normalise_email
from attio_cli.values.references import BARE_STRING_ATTRIBUTES
from attio_cli.values.scalars import SAFE_TEXT_CHARACTERS

FastCheck = Callable[[str], "str | None"]


def _email(public: bool) -> FastCheck:
    if public:
        return normalise_email

    def check(text: str) -> str | None:
        return text if text == text.strip() and normalise_email(text) is not None else None

    return check


def _domain(public: bool) -> FastCheck:
    def check(text: str) -> str | None:
        host, removed_www = normalise_domain(text)
        if host is None or removed_www:
            return None  # invalid, or a warning to give
        if public:
            return host
        return text if text == text.strip() else None

    return check


def _text(public: bool) -> FastCheck:
    def check(text: str) -> str | None:
        return text if len(text) <= SAFE_TEXT_CHARACTERS else None

    return check


def _unique_text(public: bool) -> FastCheck:
    def check(text: str) -> str | None:
        return text if text.strip() else None

    return check


# The fast path of a bare string in a reference, per the unique attribute it is matched on.
_REFERENCE_KEYS = {"email_addresses": _email, "domains": _domain, "user_id": _unique_text, "workspace_id": _unique_text}


def _record_reference(spec: Attribute, public: bool) -> FastCheck | None:
    if spec.targets is None or len(spec.targets) != 1:
        return None
    key = BARE_STRING_ATTRIBUTES.get(spec.targets[0])
    make = _REFERENCE_KEYS.get(key) if key else None
    if make is None:
        return None
    inner = make(public)

    def check(text: str) -> str | None:
        return inner(text) if text.strip() else None

    return check


def fast_string_check(spec: Attribute, public: bool) -> FastCheck | None:
    """Return the fast path for string values of ``spec``'s type, or ``None`` when it has none."""
    if spec.type == "email-address":
        return _email(public)
    if spec.type == "domain":
        return _domain(public)
    if spec.type == "text":
        return _text(public)
    if spec.type == "record-reference":
        return _record_reference(spec, public)
    return None
