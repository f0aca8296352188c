"""Subscriptions ("triggers"): which events an action receives.

``compile_trigger`` reads a subscription with attio-cli's own grammar (see grammar.py for the exact
syntax and meaning) and returns a Trigger whose ``matches(event)`` runs compiled closures.
``Trigger.warnings`` lists where Segment's parser reads the same text differently.
``segment_parse`` and ``segment_validate`` emulate Segment's own parser and evaluator exactly, for
conformance tests and for those warnings.
"""

from attio_cli.triggers.grammar import TriggerSyntaxError
from attio_cli.triggers.segment_fql import SegmentEvaluationError, segment_parse, segment_validate
from attio_cli.triggers.trigger import Trigger, compile_trigger

__all__ = [
    "SegmentEvaluationError",
    "Trigger",
    "TriggerSyntaxError",
    "compile_trigger",
    "segment_parse",
    "segment_validate",
]
