"""Compile a condition tree into a predicate over events.

Everything that depends only on the subscription (paths, expected values, number conversions, glob
patterns) is worked out here once, so a compiled predicate does plain dict reads and comparisons per
event. The operators mean exactly what they mean in Segment's ``validate``:

- ``=`` is strict string equality (``properties.x = "5"`` does not match the number 5). ``!=`` is
  its negation, so it is true when the field is missing, null or not a string.
- ``number_equals``, ``number_not_equals``, ``<``, ``<=``, ``>`` and ``>=`` are false unless the field
  is a number. A numeric string does not count.
- ``contains``, ``starts_with``, ``ends_with`` and their ``not_`` forms are case-sensitive. All six,
  the ``not_`` forms included, are false unless the field is a string.
- ``exists`` means neither missing nor null. ``is_true`` and ``is_false`` need a JSON boolean.
- ``like`` and ``not_like`` (attio-cli's own) test a glob pattern and need a string too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from attio_cli.jsvalues import MISSING, compile_property_walk, js_string, js_to_number, to_double
from attio_cli.triggers.nodes import Comparison, Negation, Node

Predicate = Callable[[dict], bool]
Reader = Callable[[dict], Any]

__all__ = ["Predicate", "compile_condition"]


def _never(event: dict) -> bool:
    return False


def _number_test(read: Reader, operator: str, expected: float) -> Predicate:
    compare = {
        "number_equals": lambda actual: actual == expected,
        "number_not_equals": lambda actual: actual != expected,
        "<": lambda actual: actual < expected,
        "<=": lambda actual: actual <= expected,
        ">": lambda actual: actual > expected,
        ">=": lambda actual: actual >= expected,
    }[operator]

    def predicate(event: dict) -> bool:
        actual = read(event)
        kind = type(actual)
        if kind is float:
            return compare(actual)
        if kind is int:
            return compare(to_double(actual))
        return False

    return predicate


def _text_test(read: Reader, operator: str, needle: str) -> Predicate:
    if operator == "contains":
        def predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and needle in actual
    elif operator == "not_contains":
        def predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and needle not in actual
    elif operator == "starts_with":
        def predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and actual.startswith(needle)
    elif operator == "not_starts_with":
        def predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and not actual.startswith(needle)
    elif operator == "ends_with":
        def predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and actual.endswith(needle)
    else:
        def predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and not actual.endswith(needle)
    return predicate


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a match() pattern in which '*' stands for any run of characters (including none)."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _compile_comparison(condition: Comparison) -> Predicate:
    read = compile_property_walk(condition.keys)
    operator = condition.operator

    if operator in ("=", "!="):
        expected = js_string(condition.value)
        # Only a str can equal a str among JSON values, so `==` is strict string equality here.
        if len(condition.keys) == 1:
            # The most common subscriptions test one top-level field (`type = "identify"`), so
            # they skip the path reader.
            key = condition.keys[0]
            if operator == "=":
                return lambda event: event.get(key) == expected
            return lambda event: event.get(key) != expected
        if operator == "=":
            return lambda event: read(event) == expected
        return lambda event: read(event) != expected

    if operator in ("number_equals", "number_not_equals", "<", "<=", ">", ">="):
        expected_number = js_to_number(condition.value)
        if math.isnan(expected_number):
            # NaN compares false, except that every number differs from it.
            if operator != "number_not_equals":
                return _never
        return _number_test(read, operator, expected_number)

    if operator in ("contains", "not_contains", "starts_with", "not_starts_with", "ends_with", "not_ends_with"):
        return _text_test(read, operator, js_string(condition.value))

    if operator in ("like", "not_like"):
        regex = glob_regex(js_string(condition.value))
        expect_match = operator == "like"

        def glob_predicate(event: dict) -> bool:
            actual = read(event)
            return type(actual) is str and (regex.fullmatch(actual) is not None) is expect_match

        return glob_predicate

    if operator == "exists":
        return lambda event: (actual := read(event)) is not MISSING and actual is not None
    if operator == "not_exists":
        return lambda event: (actual := read(event)) is MISSING or actual is None
    if operator == "is_true":
        return lambda event: read(event) is True
    if operator == "is_false":
        return lambda event: read(event) is False
    return _never


def compile_condition(node: Node) -> Predicate:
    """Compile a condition tree into ``predicate(event_dict) -> bool``."""
    if isinstance(node, Comparison):
        return _compile_comparison(node)

    if isinstance(node, Negation):
        inner = compile_condition(node.child)
        return lambda event: not inner(event)

    children = tuple(compile_condition(child) for child in node.children)
    if len(children) == 2:
        left, right = children
        if node.operator == "and":
            return lambda event: left(event) and right(event)
        return lambda event: left(event) or right(event)

    if node.operator == "and":
        def every(event: dict) -> bool:
            for child in children:
                if not child(event):
                    return False
            return True

        return every

    def some(event: dict) -> bool:
        for child in children:
            if child(event):
                return True
        return False

    return some
