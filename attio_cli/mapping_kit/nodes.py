"""Compiled mapping values (``Node``) and the compile-time facts about where they sit (``Scope``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from attio_cli.jsvalues import MISSING
from attio_cli.mapping_kit.errors import DirectiveError

Run = Callable[[Any], Any]


class Node:
    """A compiled mapping value.

    ``run(payload)`` returns the resolved value. ``pure`` is true when that value never contains
    ``MISSING`` inside, and ``may_miss`` is true when the value itself can be ``MISSING``.
    ``is_const`` marks a raw scalar, whose ``value`` is returned unchanged.
    """

    __slots__ = ("run", "pure", "may_miss", "is_const", "value")

    def __init__(self, run: Run, *, pure: bool, may_miss: bool, is_const: bool = False, value: Any = MISSING):
        self.run = run
        self.pure = pure
        self.may_miss = may_miss
        self.is_const = is_const
        self.value = value


class Scope(NamedTuple):
    """Compile-time facts about the place a value is compiled for.

    ``keep`` is keep mode (objects keep ``MISSING`` values). ``payload_pure`` is true when the
    payload that paths read contains no ``MISSING``.
    """

    keep: bool = False
    payload_pure: bool = True


def const_node(value: Any) -> Node:
    """Return a node for a raw scalar (or ``MISSING``)."""
    return Node(lambda payload: value, pure=True, may_miss=value is MISSING, is_const=True, value=value)


def raise_node(message: str) -> Node:
    """Return a node that raises ``DirectiveError(message)`` whenever it is resolved."""

    def fail(payload: Any) -> Any:
        raise DirectiveError(message)

    return Node(fail, pure=True, may_miss=True)


def return_missing(payload: Any) -> Any:
    """Resolve to ``MISSING`` whatever the payload."""
    return MISSING
