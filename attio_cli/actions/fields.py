"""Field definitions of the three Attio actions, as data.

The definitions match Segment's "Attio (Actions)" destination in
`@segment/action-destinations` 3.517.0: keys, labels, types, formats,
`required` flags and default mappings. Labels matter at run time because
validation errors start with them ("Email address must be a valid email
address string but it was not.").
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

FieldType = Literal["string", "text", "password", "number", "integer", "boolean", "datetime", "object"]

FIELD_TYPES: frozenset[str] = frozenset(
    ("string", "text", "password", "number", "integer", "boolean", "datetime", "object")
)


class _NoDefault:
    """Marker type for a field that has no default mapping (distinct from a `None` default)."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True, slots=True)
class Field:
    """One input field of an action, with the attributes that payload validation reads.

    `properties` is `None` for an object field without a property list. An empty
    tuple is a property list with no entries, which Segment treats differently:
    the field then gets a nested schema, and `additional_properties` decides
    whether unknown keys survive. `choices` contains the allowed values only.
    `minimum` and `maximum` bound a `number` field, or the length of a `string`
    field, and are ignored when 0, as in Segment.
    """

    key: str
    label: str
    type: FieldType
    format: str | None = None
    required: bool = False
    multiple: bool = False
    allow_null: bool = False
    properties: tuple[Field, ...] | None = None
    additional_properties: bool = False
    choices: tuple[Any, ...] | None = None
    default: Any = NO_DEFAULT
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.key!r}: unknown type {self.type!r}; expected one of {sorted(FIELD_TYPES)}")
        if self.properties is not None and self.type != "object":
            raise ValueError(f"field {self.key!r}: only an object field can have properties")

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


def _path(path: str) -> dict[str, str]:
    return {"@path": path}


def _path_or_else(first: str, fallback: str) -> dict[str, Any]:
    """Build Segment's "first path if it exists, else the fallback path" default."""
    return {"@if": {"exists": _path(first), "then": _path(first), "else": _path(fallback)}}


# Fields shared by the three actions, appended after each action's own fields.
COMMON_FIELDS: tuple[Field, ...] = (
    Field(key="enable_batching", label="Batch events", type="boolean", default=False),
    Field(key="batch_size", label="Batch Size", type="number", default=1000),
    Field(key="received_at", label="Received at", type="datetime", default=_path("$.receivedAt")),
)

IDENTIFY_USER_FIELDS: tuple[Field, ...] = (
    Field(
        key="email_address",
        label="Email address",
        type="string",
        format="email",
        required=True,
        default=_path_or_else("$.traits.email", "$.email"),
    ),
    Field(key="user_id", label="ID", type="string", format="text", required=True, default=_path("$.userId")),
    Field(
        key="user_attributes",
        label="Additional User attributes",
        type="object",
        properties=(),
        additional_properties=True,
        default={},
    ),
    Field(key="person_attributes", label="Additional Person attributes", type="object", default={}),
    *COMMON_FIELDS,
)

GROUP_WORKSPACE_FIELDS: tuple[Field, ...] = (
    Field(
        key="domain",
        label="Domain",
        type="string",
        format="text",
        required=True,
        default=_path_or_else("$.traits.website", "$.website"),
    ),
    Field(
        key="workspace_id",
        label="ID",
        type="string",
        format="text",
        required=True,
        default=_path_or_else("$.groupId", "$.context.group_id"),
    ),
    # Segment labels this field "ID" too, so its errors read like workspace_id's.
    Field(key="user_id", label="ID", type="string", format="text", default=_path("$.userId")),
    Field(key="company_attributes", label="Additional Company attributes", type="object", default={}),
    Field(key="workspace_attributes", label="Additional Workspace attributes", type="object", default={}),
    *COMMON_FIELDS,
)

ASSERT_RECORD_FIELDS: tuple[Field, ...] = (
    Field(key="object", label="Attio Object", type="string", required=True, default="person"),
    Field(
        key="matching_attribute",
        label="Matching Attribute",
        type="string",
        required=True,
        default="email_addresses",
    ),
    Field(
        key="attributes",
        label="Attributes",
        type="object",
        properties=(),
        additional_properties=True,
        default={},
    ),
    *COMMON_FIELDS,
)

ACTION_FIELDS: dict[str, list[Field]] = {
    "identify-user": list(IDENTIFY_USER_FIELDS),
    "group-workspace": list(GROUP_WORKSPACE_FIELDS),
    "assert-record": list(ASSERT_RECORD_FIELDS),
}

# Segment's action names, accepted as aliases of ours.
SEGMENT_ACTION_NAMES: dict[str, str] = {
    "identifyUser": "identify-user",
    "groupWorkspace": "group-workspace",
    "assertRecord": "assert-record",
}


def canonical_action(action: str) -> str:
    """Return attio-cli's name for `action`, which may also be Segment's camel-case name.

    Raises ValueError for an unknown name, listing the valid ones.
    """
    if action in ACTION_FIELDS:
        return action
    try:
        return SEGMENT_ACTION_NAMES[action]
    except KeyError:
        valid = ", ".join([*ACTION_FIELDS, *SEGMENT_ACTION_NAMES])
        raise ValueError(f"unknown action {action!r}; valid actions: {valid}") from None


def default_mapping(action: str) -> dict[str, Any]:
    """Build the mapping that Segment's `defaultValues(fields)` gives for `action`.

    Every field with a default contributes `key: default`, in field order. The
    result is a fresh deep copy, so callers may change it.
    """
    fields = ACTION_FIELDS[canonical_action(action)]
    return {field.key: copy.deepcopy(field.default) for field in fields if field.has_default}
