"""Check stage: the attribute values of each record write, checked against the workspace schema.

This runs after payload validation and before planning. In the ``public`` style each value is
replaced by its normalised form. In the ``segment`` style values stay as Segment would send them,
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
from attio_cli.values import PUBLIC, STYLES, ValueResult, value_checker
from attio_cli.values.fast import fast_string_check
from attio_cli.values.base import render

# A prepared check of one attribute, or a marker for an attribute that passes unchecked.
_UNCHECKED = None
_NOT_PREPARED = object()


# An attribute, its prepared value check, the fast path for strings (or None), and whether the
# public style sends the attribute's value as a list.
_Prepared = tuple[Attribute, Callable[[Any], ValueResult], "Callable[[str], str | None] | None", bool]


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


def _checked(check: Callable[[Any], ValueResult], attribute: Attribute, value: Any, public: bool) -> tuple[ValueResult, bool]:
    """Check one value; also return whether the public style changed it.

    Wrapping a single value in a list for a multiselect attribute does not count as a change.
    """
    result = check(value)
    if not public or result.error is not None or result.value is value:
        return result, False
    if attribute.is_multiselect:
        unchanged = [value] if value is not None and type(value) is not list else value
    else:
        # Attio reads a one-item list as its item, so unwrapping it changes nothing.
        unchanged = value[0] if type(value) is list and len(value) == 1 else value
    return result, result.value != unchanged


def _has_value(write: RecordWrite, slug: str) -> bool:
    """Tell whether the write has a value for its matching attribute, keyed by slug or by id."""
    value = write.values.get(slug)
    if value is None and slug != write.matching_attribute:
        value = write.values.get(write.matching_attribute)
    if type(value) is list:
        return any(item is not None for item in value)
    return value is not None


def _missing_matching_value(write: RecordWrite) -> Problem:
    # Attio finds the record by this value, so the assert fails without it.
    slug = write.matching_attribute
    return Problem(
        write.object,
        slug,
        f"{slug}: the matching attribute has no value, so no {write.object} record can be found or created; "
        f"map a value to {slug} in the attributes",
    )


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
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
        self.schema = schema
        self.style = style
        self.public = style == PUBLIC
        self.default_country = default_country
        self.on_unchecked = on_unchecked
        # Prepared checks by object slug, then attribute slug.
        self._checks: dict[str, dict[str, _Prepared | Problem | None]] = {}
        self._objects: dict[str, Problem | bool] = {}
        # (object, matching attribute) → the slug its value is keyed by, and its problem if any.
        self._matching: dict[tuple[str, str], tuple[str, Problem | None]] = {}

    def check(self, writes: list[RecordWrite]) -> CheckOutcome | None:
        """Check every value of ``writes``, replacing values by their normalised form in the public style.

        Returns ``None`` when every value passed without a warning or a change worth counting.
        """
        outcome: CheckOutcome | None = None
        for write in writes:
            known = self._objects.get(write.object)
            if known is None:
                known = self._objects[write.object] = self._look_up_object(write.object)
            if known is not True and known is not False:
                outcome = outcome or CheckOutcome()
                outcome.problems.append(known)
                continue

            key = (write.object, write.matching_attribute)
            matching = self._matching.get(key)
            if matching is None:
                matching = self._matching[key] = self._check_matching(write.object, write.matching_attribute) if known else (write.matching_attribute, None)
            slug, problem = matching
            if problem is not None:
                outcome = outcome or CheckOutcome()
                outcome.problems.append(problem)
            if (problem is None or problem.attribute == slug) and not _has_value(write, slug):
                outcome = outcome or CheckOutcome()
                outcome.problems.append(_missing_matching_value(write))
            if known:
                outcome = self._check_values(write, outcome)
        return outcome

    def _check_values(self, write: RecordWrite, outcome: CheckOutcome | None) -> CheckOutcome | None:
        object_slug = write.object
        checks = self._checks.get(object_slug)
        if checks is None:
            checks = self._checks[object_slug] = {}
        public = self.public
        values = write.values
        for slug, value in values.items():
            prepared = checks.get(slug, _NOT_PREPARED)
            if prepared is _NOT_PREPARED:
                prepared = checks[slug] = self._prepare(object_slug, slug)
            if prepared is None or type(value) is WriteRef:
                continue
            if type(prepared) is Problem:
                outcome = outcome or CheckOutcome()
                outcome.problems.append(prepared)
                continue

            attribute, check, fast, as_list = prepared
            if fast is not None and type(value) is str:
                checked = fast(value)
                if checked is not None:
                    # The common case: a valid string that needs no warning.
                    if public:
                        values[slug] = [checked] if as_list else checked
                        if checked != value:
                            outcome = outcome or CheckOutcome()
                            outcome.normalised.append(f"{object_slug}.{slug}")
                    continue

            result, changed = _checked(check, attribute, value, public)
            if result.error is not None:
                outcome = outcome or CheckOutcome()
                outcome.problems.append(Problem(object_slug, slug, result.error))
                continue
            if public:
                # Replacing the value of an existing key is safe while iterating over the dict.
                values[slug] = result.value
            if result.warnings or changed:
                outcome = outcome or CheckOutcome()
                name = f"{object_slug}.{slug}"
                outcome.warnings.extend((name, warning) for warning in result.warnings)
                if changed:
                    outcome.normalised.append(name)
        return outcome

    def _check_matching(self, object_slug: str, matching_attribute: str) -> tuple[str, Problem | None]:
        """Return the slug that the matching attribute's value is keyed by, and its problem if any.

        The problem's ``attribute`` is the slug when the attribute exists but is not unique, and
        ``None`` when the attribute does not exist.
        """
        checks = self._checks.setdefault(object_slug, {})
        prepared = checks.get(matching_attribute, _NOT_PREPARED)
        if prepared is _NOT_PREPARED:
            prepared = checks[matching_attribute] = self._prepare(object_slug, matching_attribute)
        if type(prepared) is Problem:
            return matching_attribute, Problem(object_slug, None, f"{object_slug}.{prepared.message}")
        if prepared is None:
            return matching_attribute, None
        attribute = prepared[0]
        if not attribute.is_unique:
            return attribute.slug, self._not_unique(object_slug, attribute)
        return attribute.slug, None

    def _look_up_object(self, object_slug: str) -> Problem | bool:
        if self.schema.object(object_slug) is not None:
            return True
        if self.schema.complete:
            return Problem(object_slug, None, self.schema.unknown_object_message(object_slug))
        suggestion = self.schema.suggest_object(object_slug)
        hint = f"; did you mean {render(suggestion)}?" if suggestion else ""
        self.on_unchecked(f"object {render(object_slug)}{hint}")
        return False

    def _prepare(self, object_slug: str, slug: str) -> _Prepared | Problem | None:
        schema_object = self.schema.object(object_slug)
        attribute = schema_object.attribute(slug) if schema_object else None
        if attribute is not None:
            check = value_checker(attribute, style=self.style, default_country=self.default_country)
            fast = fast_string_check(attribute, self.public) if attribute.is_writable else None
            return (attribute, check, fast, self.public and attribute.is_multiselect)
        if schema_object is not None and schema_object.complete:
            return Problem(object_slug, slug, f"{slug}: {schema_object.unknown_attribute_message(slug)}")
        self.on_unchecked(f"attribute {object_slug}.{slug}")
        return _UNCHECKED

    @staticmethod
    def _not_unique(object_slug: str, attribute: Attribute) -> Problem:
        return Problem(
            object_slug,
            attribute.slug,
            f"{attribute.slug}: cannot be the matching attribute, because it is not unique on {object_slug}",
        )
