"""Compiled field schemas and the checks Segment's Ajv setup applies to a single value.

A `SchemaNode` is what Segment's `fieldsToJsonSchema` makes of one field (or of
an array item, or of an object with properties). The checks follow Ajv 8.18 as
Segment configures it: `coerceTypes: 'array'`, `allErrors`, `removeAdditional`,
`strictNumbers`, no defaults applied. Errors are appended to a list in the
order Ajv reports them. The type error (after any coercion) comes first, then
the `enum` error. Then come the keywords of the value's own type: bounds for a
number, length and format for a string, items for an array, and for an object
`required` followed by its properties in schema order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field as dataclass_field
from typing import Any

from attio_cli.actions import messages
from attio_cli.actions.messages import FieldError
from attio_cli.actions.fields import Field
from attio_cli.actions.formats import FORMAT_CHECKS, FORMAT_LABELS
from attio_cli.jsvalues import MISSING, js_number_to_string, js_number_value, js_string_to_number


_COERCIBLE_TYPES = frozenset(("string", "number", "integer", "boolean", "null", "array"))


@dataclass(slots=True, eq=False)
class SchemaNode:
    """The JSON Schema of one value, reduced to the keywords Segment's field schemas use."""

    types: tuple[str, ...]
    title: str | None = None
    enum: tuple[Any, ...] | None = None
    format: str | None = None
    min_length: float | None = None
    max_length: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    items: SchemaNode | None = None
    properties: dict[str, SchemaNode] | None = None
    required: tuple[str, ...] = ()
    additional_properties: bool = False

    # Derived once by finish().
    allows_null: bool = dataclass_field(default=False, init=False)
    allows_string: bool = dataclass_field(default=False, init=False)
    coerce_to: tuple[str, ...] = dataclass_field(default=(), init=False)
    matches: Callable[[Any], bool] = dataclass_field(default=None, init=False)  # type: ignore[assignment]
    format_check: Callable[[str], bool] | None = dataclass_field(default=None, init=False)
    type_text: str = dataclass_field(default="", init=False)
    titled_subject: str | None = dataclass_field(default=None, init=False)
    # Python types whose values pass with at most a format check: no coercion,
    # enum, bounds or nested schema apply to them.
    plain_types: frozenset[type] = dataclass_field(default=frozenset(), init=False)

    def finish(self) -> SchemaNode:
        """Derive the lookup fields; call once after the schema keywords are set."""
        self.allows_null = "null" in self.types
        self.allows_string = "string" in self.types
        self.coerce_to = tuple(t for t in self.types if t in _COERCIBLE_TYPES)
        self.matches = _type_predicate(self.types)
        self.type_text = messages.expected_types_text(self.types)
        self.titled_subject = messages.capitalize(self.title) if self.title else None
        self.plain_types = self._find_plain_types()
        if self.format is not None:
            try:
                self.format_check = FORMAT_CHECKS[self.format]
            except KeyError:
                supported = ", ".join(sorted(FORMAT_CHECKS))
                raise ValueError(f"unsupported format {self.format!r}; supported formats: {supported}") from None
        return self

    def _find_plain_types(self) -> frozenset[type]:
        has_bounds = any(
            bound is not None for bound in (self.min_length, self.max_length, self.minimum, self.maximum)
        )
        if self.enum is not None or has_bounds:
            return frozenset()
        plain: set[type] = set()
        for json_type in self.types:
            if json_type == "string":
                plain.add(str)
            elif json_type in ("number", "integer"):
                plain.add(int)  # floats may be non-finite or fractional, so they take the full check
            elif json_type == "boolean":
                plain.add(bool)
            elif json_type == "null":
                plain.add(type(None))
            elif json_type == "object" and not self._checks_object_keys():
                plain.add(dict)
            elif json_type == "array" and self.items is None:
                plain.add(list)
        return frozenset(plain)

    def _checks_object_keys(self) -> bool:
        # With no property list anything goes. An empty list that allows
        # additional properties accepts anything too.
        if self.properties is None:
            return False
        return bool(self.properties) or not self.additional_properties

    def subject(self, pointer: str) -> str:
        if self.titled_subject is not None:
            return self.titled_subject
        return messages.preamble(None, pointer)


# -- compiling fields ---------------------------------------------------------------


def _json_types(field: Field) -> tuple[str, ...]:
    if field.type in ("string", "text", "password"):
        return ("string",)
    if field.type == "datetime":
        return ("string", "number")
    return (field.type,)


def compile_field(field: Field) -> SchemaNode:
    """Build the schema of one field, as Segment's `fieldsToJsonSchema` does."""
    base_types = _json_types(field)
    node = SchemaNode(types=base_types, title=field.label, format=field.format)

    if field.type == "datetime":
        node.format = "date-like"
    elif field.type in ("text", "password"):
        node.format = field.type
    elif field.type == "number":
        # Segment copies the bounds only when they are truthy, so 0 means "no bound".
        node.minimum = field.minimum or None
        node.maximum = field.maximum or None
    elif field.type == "string":
        node.min_length = field.minimum or None
        node.max_length = field.maximum or None

    if field.choices is not None:
        node.enum = tuple(field.choices)

    if field.allow_null:
        node.types = (*base_types, "null")
        if node.enum is not None:
            node.enum = (*node.enum, None)

    if field.multiple:
        # The enum moves to the items; the items get neither format nor bounds
        # nor "null", so `allow_null` has no effect on a multiple field.
        node.items = SchemaNode(types=base_types, enum=node.enum).finish()
        node.types = ("array",)
        node.enum = None

    if field.type == "object" and field.properties is not None:
        nested = compile_object(field.properties, additional_properties=field.additional_properties)
        if field.multiple:
            node.items = nested
        else:
            # The nested schema's `type: 'object'` replaces the field's type, "null" included.
            node.types = nested.types
            node.properties = nested.properties
            node.required = nested.required
            node.additional_properties = nested.additional_properties

    return node.finish()


def compile_object(
    fields: tuple[Field, ...] | list[Field], *, additional_properties: bool = False, title: str | None = None
) -> SchemaNode:
    """Build the object schema for a list of fields: the root of a payload, or a nested object."""
    properties: dict[str, SchemaNode] = {}
    for field in fields:
        if field.key in properties:
            raise ValueError(f"duplicate field key {field.key!r}")
        properties[field.key] = compile_field(field)

    return SchemaNode(
        types=("object",),
        title=title,
        properties=properties,
        required=tuple(field.key for field in fields if field.required),
        additional_properties=additional_properties,
    ).finish()


# -- types and coercion ---------------------------------------------------------------


def _is_number(value: Any) -> bool:
    # Ajv's strictNumbers: NaN and Infinity are not numbers.
    return type(value) in (int, float) and math.isfinite(value)


def _is_integer(value: Any) -> bool:
    return type(value) is int or (type(value) is float and math.isfinite(value) and value.is_integer())


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: type(value) is str,
    "number": _is_number,
    "integer": _is_integer,
    "boolean": lambda value: type(value) is bool,
    "null": lambda value: value is None,
    "array": lambda value: type(value) is list,
    "object": lambda value: type(value) is dict,
}


def _type_predicate(types: tuple[str, ...]) -> Callable[[Any], bool]:
    tests = tuple(_TYPE_TESTS[t] for t in types)
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _to_string(value: Any) -> Any:
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind in (int, float):
        return js_number_to_string(value)
    if value is None:
        return ""
    return MISSING


def _number_from_text(value: Any, *, integer: bool) -> Any:
    # Ajv coerces a non-empty string that JavaScript reads as a number ("12", " 12 ", "0x10", "1e3").
    if not value:
        return MISSING
    number = js_string_to_number(value)
    if math.isnan(number):
        return MISSING
    if integer and not (math.isinf(number) or number.is_integer()):
        return MISSING
    return js_number_value(number)


def _numeric_coercion(integer: bool) -> Callable[[Any], Any]:
    """Return Ajv's coercion to a number (or an integer): booleans to 1/0, null to 0, numeric text."""

    def coerce(value: Any) -> Any:
        kind = type(value)
        if kind is bool:
            return int(value)
        if value is None:
            return 0
        if kind is str:
            return _number_from_text(value, integer=integer)
        return MISSING

    return coerce


_to_number = _numeric_coercion(integer=False)
_to_integer = _numeric_coercion(integer=True)


def _to_boolean(value: Any) -> Any:
    kind = type(value)
    if value == "false" or value is None or (kind in (int, float) and value == 0):
        return False
    if value == "true" or (kind in (int, float) and value == 1):
        return True
    return MISSING


def _to_null(value: Any) -> Any:
    kind = type(value)
    if value == "" or value is False or (kind in (int, float) and value == 0):
        return None
    return MISSING


def _to_array(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return [value]
    return MISSING


_COERCERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "number": _to_number,
    "integer": _to_integer,
    "boolean": _to_boolean,
    "null": _to_null,
    "array": _to_array,
}


def _coerce(node: SchemaNode, value: Any) -> tuple[Any, Any]:
    """Coerce a value of the wrong type; return (coerced value or MISSING, value as Ajv last saw it).

    With `coerceTypes: 'array'`, a one-item array stands for its item: the item
    is kept if its type fits, and otherwise coerced in its place. The tried
    types go in schema order and the first applicable conversion wins.
    """
    if type(value) is list and len(value) == 1:
        value = value[0]
        if node.matches(value):
            return value, value

    for target in node.coerce_to:
        coerced = _COERCERS[target](value)
        if coerced is not MISSING:
            return coerced, value
    return MISSING, value


# -- removeEmptyValues ----------------------------------------------------------------


def remove_empty_values(value: Any, node: SchemaNode | None) -> Any:
    """Drop nulls and empty strings the schema cannot take; return MISSING when `value` itself goes.

    This is Segment's `removeEmptyValues` below the root. Values without a
    schema (unknown keys, objects without properties) are kept whole. In an
    array, an item is dropped when it would become MISSING, but the kept
    items are the original ones, not cleaned copies. Objects with properties
    are cleaned key by key into a new dict.
    """
    if node is None:
        return value

    kind = type(value)
    if kind is list:
        if node.items is None:
            return value
        item_node = node.items
        return [item for item in value if remove_empty_values(item, item_node) is not MISSING]

    if kind is dict:
        properties = node.properties
        if not properties:
            return value
        cleaned = {}
        for key, item in value.items():
            item = remove_empty_values(item, properties.get(key))
            if item is not MISSING:
                cleaned[key] = item
        return cleaned

    if value is None:
        return value if node.allows_null else MISSING
    if value == "" and kind is str:
        return value if node.allows_string else MISSING
    return value


# -- validation ---------------------------------------------------------------------


def validate_value(node: SchemaNode, value: Any, pointer: str, errors: list[str]) -> Any:
    """Validate and coerce one value against `node`; return the value to store in its parent.

    Error messages are appended to `errors`. The input containers are not
    changed: a dict or list that needs a change is copied first.
    """
    checked = value
    if not node.matches(value):
        coerced = MISSING
        if node.coerce_to:
            coerced, checked = _coerce(node, value)
        if coerced is MISSING:
            errors.append(FieldError(messages.type_message(node.subject(pointer), node.type_text, checked), pointer))
        else:
            value = checked = coerced

    if node.enum is not None and not _in_enum(checked, node.enum):
        errors.append(FieldError(messages.enum_message(node.subject(pointer), node.enum), pointer))

    kind = type(checked)
    if kind is str:
        _check_string(node, checked, pointer, errors)
    elif kind in (int, float):
        if math.isfinite(checked):
            _check_number(node, checked, pointer, errors)
    elif kind is list:
        if node.items is not None and checked is value:
            value = _check_items(node.items, value, pointer, errors)
    elif kind is dict:
        if node.properties is not None and checked is value:
            value = check_object(node, value, pointer, errors)
    return value


def _in_enum(value: Any, choices: tuple[Any, ...]) -> bool:
    # JavaScript's ===: true is not 1, and 1 equals 1.0.
    kind = type(value)
    for choice in choices:
        choice_kind = type(choice)
        if choice_kind is kind or (choice_kind in (int, float) and kind in (int, float)):
            if choice == value:
                return True
    return False


def _check_string(node: SchemaNode, value: str, pointer: str, errors: list[str]) -> None:
    if node.max_length is not None and len(value) > node.max_length:
        errors.append(FieldError(messages.max_length_message(node.subject(pointer), node.max_length, len(value)), pointer))
    if node.min_length is not None and len(value) < node.min_length:
        errors.append(FieldError(messages.min_length_message(node.subject(pointer), node.min_length, len(value)), pointer))
    if node.format_check is not None and not node.format_check(value):
        label = FORMAT_LABELS.get(node.format or "", node.format or "")
        errors.append(FieldError(messages.format_message(node.subject(pointer), label), pointer))


def _check_number(node: SchemaNode, value: float, pointer: str, errors: list[str]) -> None:
    if node.maximum is not None and value > node.maximum:
        errors.append(FieldError(messages.maximum_message(node.subject(pointer), node.maximum), pointer))
    if node.minimum is not None and value < node.minimum:
        errors.append(FieldError(messages.minimum_message(node.subject(pointer), node.minimum), pointer))


def _check_items(item_node: SchemaNode, items: list[Any], pointer: str, errors: list[str]) -> list[Any]:
    result = items
    for index, item in enumerate(items):
        checked = validate_value(item_node, item, f"{pointer}/{index}", errors)
        if checked is not item:
            if result is items:
                result = list(items)
            result[index] = checked
    return result


def check_object(node: SchemaNode, obj: dict[str, Any], pointer: str, errors: list[str]) -> dict[str, Any]:
    """Apply `required`, `additionalProperties` removal and the property schemas to a dict.

    Returns `obj` itself when nothing changed, otherwise a changed copy.
    """
    properties = node.properties or {}
    for key in node.required:
        if key not in obj:
            errors.append(FieldError(messages.required_message(node.subject(pointer), key), pointer + "/" + messages.escape_pointer_token(key)))

    result = obj
    if not node.additional_properties:
        extra = [key for key in obj if key not in properties]
        if extra:
            result = {key: item for key, item in obj.items() if key in properties}

    for key, child in properties.items():
        if key not in result:
            continue
        item = result[key]
        checked = validate_value(child, item, f"{pointer}/{messages.escape_pointer_token(key)}", errors)
        if checked is not item:
            if result is obj:
                result = dict(obj)
            result[key] = checked
    return result

