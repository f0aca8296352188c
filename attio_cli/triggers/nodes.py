"""The condition tree that attio-cli's subscription grammar produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Comparison:
    """One test of one field: ``keys`` is the path from the event root, e.g. ``("properties", "total")``.

    ``operator`` is one of Segment's operators (``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``,
    ``number_equals``, ``number_not_equals``, ``contains``, ``starts_with``, ``ends_with`` and their
    ``not_`` forms, ``exists``, ``not_exists``, ``is_true``, ``is_false``) or one of attio-cli's glob
    operators ``like`` and ``not_like`` for match() patterns that Segment cannot express.
    """

    keys: tuple[str, ...]
    operator: str
    value: Any = None  # None for operators without a value (exists, is_true, …)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Group:
    """Conditions joined by ``and`` or ``or``."""

    operator: str
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """``not X`` or ``!X``: true exactly when X is false."""

    child: Node


Node = Union[Comparison, Group, Negation]


@dataclass(frozen=True, slots=True)
class Construct:
    """A place in the text that Segment's parser reads differently, found while parsing.

    ``kind`` names the construct (e.g. ``"upper_case_conjunction"``) and ``details`` contains what its
    warning message needs. Whether a warning is shown depends on the reading of the whole
    subscription, which divergence.py decides.
    """

    kind: str
    column: int
    details: tuple[str, ...] = ()
