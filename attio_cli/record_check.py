"""Check stage: the attribute values of each record write, checked against the workspace schema.

This runs after payload validation and before planning. In the ``public`` style each value is
replaced by its normalised form; in the ``segment`` style values stay as Segment would send them
and the check only finds the ones Attio would reject. An object or attribute that the schema does
not list passes unchecked when the schema is partial (the built-in standard objects), and is an
error when the schema is complete (a pulled schema).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from attio_cli.actions.assertions import RecordWrite, WriteRef
from attio_cli.schema import Attribute, Schema
from attio_cli.values import ValueResult, value_checker
from attio_cli.values.base import render

# A prepared check of one attribute, or a marker for an attribute that passes unchecked.
_UNCHECKED = None


@dataclass(slots=True)
class Problem:
    """One invalid value: where it is and why Attio would reject it."""

    object: str
    attribute: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.object}.{self.message}" if self.attribute else self.message


@dataclass(slots=True)
class CheckOutcome:
    """The result of checking one event's writes.

    ``warnings`` are (object.attribute, message) pairs. ``normalised`` lists the object.attribute
    names whose value the public style changed (other than wrapping a single value in a list).
    """

    problems: list[Problem] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)


def _lifted(value: Any, attribute: Attribute) -> Any:
    """Return ``value`` as the public style sends it when nothing changes, for change detection."""
    if attribute.is_multiselect and value is not None and type(value) is not list:
        return [value]
    return value


class RecordChecker:
    """Checks and normalises the values of record writes; one instance per run.

    ``on_unchecked`` is called once per object or object.attribute name that passes unchecked.
    """

    def __init__(
        self,
        schema: Schema,
        *,
        style: str,
        default_country: str | None = None,
        on_unchecked: Callable[[str], None] = lambda name: None,
    ):
        self.schema = schema
        self.style = style
        self.public = style == "public"
        self.default_country = default_country
        self.on_unchecked = on_unchecked
        self._checks: dict[tuple[str, str], tuple[Attribute, Callable[[Any], ValueResult]] | Problem | None] = {}
        self._objects: dict[str, Problem | bool] = {}

    def check(self, writes: list[RecordWrite]) -> CheckOutcome:
        """Check every value of ``writes``, replacing values by their normalised form in the public style."""
        outcome = CheckOutcome()
        for write in writes:
            if write.values.get(write.matching_attribute) is None:
                # Attio finds the record by this value, so the assert fails without it.
                outcome.problems.append(Problem(
                    write.object,
                    write.matching_attribute,
                    f"{write.matching_attribute}: the matching attribute has no value, so no {write.object} record can be found or created; "
                    f"map a value to {write.matching_attribute} in the attributes",
                ))
            known = self._object_known(write.object)
            if isinstance(known, Problem):
                outcome.problems.append(known)
                continue
            if not known:
                continue
            matching = self._prepared(write.object, write.matching_attribute)
            if type(matching) is tuple and not matching[0].is_unique:
                outcome.problems.append(self._not_unique(write.object, matching[0]))
            self._check_values(write, outcome)
        return outcome

    def _check_values(self, write: RecordWrite, outcome: CheckOutcome) -> None:
        values = write.values
        for slug, value in values.items():
            if type(value) is WriteRef:
                continue
            prepared = self._prepared(write.object, slug)
            if prepared is None:
                continue
            if isinstance(prepared, Problem):
                outcome.problems.append(prepared)
                continue

            attribute, check = prepared
            result = check(value)
            if result.error is not None:
                outcome.problems.append(Problem(write.object, slug, result.error))
                continue
            name = f"{write.object}.{slug}"
            for warning in result.warnings:
                outcome.warnings.append((name, warning))
            if self.public and result.value is not value:
                if result.value != _lifted(value, attribute):
                    outcome.normalised.append(name)
                values[slug] = result.value

    def _object_known(self, object_slug: str) -> Problem | bool:
        known = self._objects.get(object_slug)
        if known is None:
            known = self._look_up_object(object_slug)
            self._objects[object_slug] = known
        return known

    def _look_up_object(self, object_slug: str) -> Problem | bool:
        if self.schema.object(object_slug) is not None:
            return True
        suggestion = self.schema.suggest_object(object_slug)
        hint = f"; did you mean {render(suggestion)}?" if suggestion else ""
        if self.schema.complete:
            return Problem(object_slug, None, f"the object {render(object_slug)} is not in the workspace schema ({self.schema.source}){hint}")
        self.on_unchecked(f"object {render(object_slug)}{hint}" if hint else f"object {render(object_slug)}")
        return False

    def _prepared(self, object_slug: str, slug: str) -> tuple[Attribute, Callable[[Any], ValueResult]] | Problem | None:
        key = (object_slug, slug)
        try:
            return self._checks[key]
        except KeyError:
            pass
        schema_object = self.schema.object(object_slug)
        attribute = schema_object.attribute(slug) if schema_object else None
        prepared: tuple[Attribute, Callable[[Any], ValueResult]] | Problem | None
        if attribute is not None:
            prepared = (attribute, value_checker(attribute, style=self.style, default_country=self.default_country))
        elif schema_object is not None and schema_object.complete:
            suggestion = schema_object.suggest(slug)
            hint = f"; did you mean {render(suggestion)}?" if suggestion else ""
            prepared = Problem(object_slug, slug, f"{slug}: {object_slug} has no attribute {render(slug)}{hint}")
        else:
            self.on_unchecked(f"attribute {object_slug}.{slug}")
            prepared = _UNCHECKED
        self._checks[key] = prepared
        return prepared

    @staticmethod
    def _not_unique(object_slug: str, attribute: Attribute) -> Problem:
        return Problem(
            object_slug,
            attribute.slug,
            f"{attribute.slug}: cannot be the matching attribute, because it is not unique on {object_slug}",
        )
