"""Payload validation for the Attio actions, as Segment's actions-core runs it between mapping and perform.

For one mapped payload the pipeline is:

1. `removeEmptyValues`: drop nulls and empty strings that a field's type cannot
   take. In single-event mode every empty string at the root is dropped too,
   whatever the field's type; in batch mode root empty strings stay.
2. Unknown root keys are dropped (Ajv's `removeAdditional`), and a non-array
   value of a `multiple` field is wrapped in a list (`arrifyFields`).
3. Ajv-style validation with type coercion: first one "missing the required
   field" error per absent required field, in field order, then the errors of
   each present field, in field order.

attio-cli differs from Segment in one place: an empty string in a required
field counts as missing in batch mode too (Segment sends it, and Attio then
drops the record without an error). The same applies to a required field whose
value only becomes "" through coercion, such as [""]. Pass
`segment_exact_batch_empty_strings=True` for Segment's behaviour.
"""

from __future__ import annotations

from typing import Any

from attio_cli.actions import messages
from attio_cli.actions.fields import ACTION_FIELDS, SEGMENT_ACTION_NAMES, Field, canonical_action
from attio_cli.actions.json_schema import SchemaNode, compile_object, remove_empty_values, validate_value

_ROOT_SUBJECT = "The root value"


class ValidationResult:
    """The outcome of validating one payload.

    `payload` is the payload as Segment would pass it to `perform` or
    `performBatch` (in batch mode, the `sent` value of a multistatus entry):
    cleaned, coerced and without unknown keys. It may share nested objects with
    the input. When `errors` is not empty, the payload must not be sent.
    """

    __slots__ = ("payload", "errors")

    def __init__(self, payload: Any, errors: list[str]) -> None:
        self.payload = payload
        self.errors = errors

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        """All errors joined with single spaces, like Segment's AggregateAjvError.message."""
        return " ".join(self.errors)

    def __repr__(self) -> str:
        return f"ValidationResult(payload={self.payload!r}, errors={self.errors!r})"


class PayloadValidator:
    """Validator for the payloads of one action, compiled once from its fields."""

    def __init__(self, fields: list[Field] | tuple[Field, ...]) -> None:
        self.schema: SchemaNode = compile_object(tuple(fields))
        self._nodes: dict[str, SchemaNode] = self.schema.properties or {}
        self._required: tuple[str, ...] = self.schema.required
        self._required_set = frozenset(self._required)
        self._array_keys = frozenset(key for key, node in self._nodes.items() if node.types == ("array",))
        self._pointers = {key: "/" + messages.escape_pointer_token(key) for key in self._nodes}
        self._missing_messages = {key: messages.required_message(_ROOT_SUBJECT, key) for key in self._required}

    def validate(
        self, payload: Any, *, batch: bool, segment_exact_batch_empty_strings: bool = False
    ) -> ValidationResult:
        """Clean, coerce and validate one mapped payload; see the module docstring for the steps."""
        if type(payload) is not dict:
            return self._reject_non_object(payload)

        exact = segment_exact_batch_empty_strings
        cleaned = self._clean(payload, drop_root_blanks=not batch, drop_required_blanks=not exact)

        missing_keys = [key for key in self._required if key not in cleaned]
        property_errors: list[str] = []
        for key, node in self._nodes.items():
            if key not in cleaned:
                continue
            value = cleaned[key]
            kind = type(value)
            if kind in node.plain_types and (kind is not str or node.format_check is None or node.format_check(value)):
                continue  # valid as it is
            checked = validate_value(node, value, self._pointers[key], property_errors)
            if checked is not value:
                cleaned[key] = checked

        if not exact:
            became_blank = [key for key in self._required if cleaned.get(key) == "" and type(cleaned[key]) is str]
            if became_blank:
                for key in became_blank:
                    del cleaned[key]
                missing_keys = [key for key in self._required if key not in cleaned]

        errors = [self._missing_messages[key] for key in missing_keys]
        errors.extend(property_errors)
        return ValidationResult(cleaned, errors)

    def _clean(self, payload: dict[str, Any], *, drop_root_blanks: bool, drop_required_blanks: bool) -> dict[str, Any]:
        """Run removeEmptyValues and arrifyFields over the root, keeping the payload's key order."""
        nodes = self._nodes
        array_keys = self._array_keys
        cleaned: dict[str, Any] = {}
        for key, value in payload.items():
            node = nodes.get(key)
            if node is None:
                continue

            kind = type(value)
            if kind is list or kind is dict:
                value = remove_empty_values(value, node)
            elif value is None:
                if not node.allows_null:
                    continue
            elif kind is str and value == "":
                if not node.allows_string or drop_root_blanks:
                    continue
                if drop_required_blanks and key in self._required_set:
                    continue

            if key in array_keys and kind is not list:
                value = [value]
            cleaned[key] = value
        return cleaned

    def _reject_non_object(self, payload: Any) -> ValidationResult:
        # removeEmptyValues turns a null or "" root into undefined before Ajv validates it.
        if payload is None or payload == "":
            got = "undefined"
        else:
            got = messages.describe_type(payload)
        return ValidationResult(payload, [f"{_ROOT_SUBJECT} must be an object but it was {got}."])


_VALIDATORS: dict[str, PayloadValidator] = {name: PayloadValidator(fields) for name, fields in ACTION_FIELDS.items()}
_VALIDATORS.update({segment: _VALIDATORS[ours] for segment, ours in SEGMENT_ACTION_NAMES.items()})


def validator_for(action: str) -> PayloadValidator:
    """Return the precompiled validator of an action (`identify-user` or Segment's `identifyUser`)."""
    validator = _VALIDATORS.get(action)
    if validator is None:
        # canonical_action raises ValueError, listing the valid names, for an unknown action.
        return _VALIDATORS[canonical_action(action)]
    return validator


def validate_payload(
    payload: dict[str, Any], action: str, *, batch: bool, segment_exact_batch_empty_strings: bool = False
) -> ValidationResult:
    """Validate one mapped payload for `action` as Segment does before `perform` (batch=False) or `performBatch`.

    `action` is `identify-user`, `group-workspace` or `assert-record` (Segment's
    camel-case names work too); an unknown name raises ValueError. The input
    dict is not changed.
    """
    return validator_for(action).validate(
        payload, batch=batch, segment_exact_batch_empty_strings=segment_exact_batch_empty_strings
    )
