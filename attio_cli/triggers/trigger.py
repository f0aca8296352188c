"""Compiled subscriptions: parse once, then test events with plain closures."""

from __future__ import annotations

from attio_cli.triggers.divergence import describe_divergence
from attio_cli.triggers.evaluate import Predicate, compile_condition
from attio_cli.triggers.grammar import parse_subscription
from attio_cli.triggers.nodes import Node

__all__ = ["Trigger", "compile_trigger"]

_NO_FIELDS: dict = {}


class Trigger:
    """A compiled subscription.

    ``text`` is the subscription as written, ``condition`` the parsed condition tree, and
    ``warnings`` the messages about constructs that Segment reads differently (empty when Segment
    matches exactly the same events).
    """

    __slots__ = ("text", "condition", "warnings", "_predicate")

    def __init__(self, text: str, condition: Node, warnings: list[str], predicate: Predicate):
        self.text = text
        self.condition = condition
        self.warnings = warnings
        self._predicate = predicate

    def matches(self, event: dict) -> bool:
        """Return whether ``event`` satisfies the subscription; a non-object event has no fields."""
        if not isinstance(event, dict):
            event = _NO_FIELDS
        return self._predicate(event)

    def __repr__(self) -> str:
        return f"Trigger({self.text!r})"


def compile_trigger(text: str) -> Trigger:
    """Parse and compile a subscription.

    Raises TriggerSyntaxError, with a 1-based column and what was expected, when the text cannot be
    read, including when it is empty or blank.
    """
    if not isinstance(text, str):
        raise TypeError(f"a subscription must be a string, got {type(text).__name__}")
    condition, constructs = parse_subscription(text)
    warnings = describe_divergence(text, condition, constructs)
    return Trigger(text, condition, warnings, compile_condition(condition))
