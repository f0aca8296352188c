"""Payload validation: empty-value removal, Ajv-style coercion, error texts and their order.

The coercion table and the conformance vectors are results observed in
Segment's actions-core (Ajv 8.18 with `coerceTypes: 'array'`). The other
expected values follow from the same code paths.
"""

import json
from pathlib import Path

import pytest

from attio_cli.actions import messages
from attio_cli.actions.fields import ACTION_FIELDS, Field, canonical_action, default_mapping
from attio_cli.actions.payload import PayloadValidator, validate_payload
from attio_cli.jsvalues import MISSING

CONFORMANCE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"

# A value the payload must not contain after validation.
ABSENT = object()


def _validate(fields, payload, *, batch=False, exact=False):
    return PayloadValidator(fields).validate(payload, batch=batch, segment_exact_batch_empty_strings=exact)


def _single_field(field, value, *, batch=False):
    """Validate a payload holding one optional field; return (value or ABSENT, errors)."""
    result = _validate([field], {field.key: value}, batch=batch)
    return result.payload.get(field.key, ABSENT), result.errors


NUMBER = Field(key="n", label="N", type="number")
INTEGER = Field(key="i", label="I", type="integer")
STRING = Field(key="s", label="S", type="string")
BOOLEAN = Field(key="b", label="B", type="boolean")
OBJECT = Field(key="o", label="O", type="object")
MULTIPLE_STRING = Field(key="tags", label="Tags", type="string", multiple=True)
NULLABLE_STRING = Field(key="s", label="S", type="string", allow_null=True)
CHOICE = Field(key="ch", label="Ch", type="string", choices=("x", "y"))
ITEM = Field(key="k", label="K", type="string")
MULTIPLE_OBJECT = Field(key="list", label="List", type="object", multiple=True, properties=(ITEM,))


# -- coercion table -----------------------------------------------------------------------

COERCIONS = [
    ("number-from-text", NUMBER, "12", 12),
    ("number-from-true", NUMBER, True, 1),
    ("number-from-empty", NUMBER, "", ABSENT),
    ("number-from-null", NUMBER, None, ABSENT),
    ("number-from-one-item", NUMBER, [5], 5),
    ("number-from-padded-text", NUMBER, " 12 ", 12),
    ("number-from-hex-text", NUMBER, "0x10", 16),
    ("number-from-fraction-text", NUMBER, "1.5", 1.5),
    ("integer-from-text", INTEGER, "3", 3),
    ("string-from-number", STRING, 12, "12"),
    ("string-from-false", STRING, False, "false"),
    ("string-from-one-item", STRING, ["x"], "x"),
    ("string-from-big-number", STRING, 1e21, "1e+21"),
    ("string-from-float", STRING, 12.0, "12"),
    ("boolean-from-true-text", BOOLEAN, "true", True),
    ("boolean-from-false-text", BOOLEAN, "false", False),
    ("boolean-from-one", BOOLEAN, 1, True),
    ("boolean-from-zero", BOOLEAN, 0, False),
    ("boolean-from-empty", BOOLEAN, "", ABSENT),
    ("object-from-null", OBJECT, None, ABSENT),
    ("multiple-string-from-text", MULTIPLE_STRING, "x", ["x"]),
    ("multiple-string-from-number", MULTIPLE_STRING, 5, ["5"]),
    ("multiple-string-mixed-items", MULTIPLE_STRING, ["a", 5, True, None], ["a", "5", "true"]),
    ("multiple-object-from-object", MULTIPLE_OBJECT, {"k": "a"}, [{"k": "a"}]),
    ("multiple-object-null-item", MULTIPLE_OBJECT, [None, {"k": "x"}], [{"k": "x"}]),
    ("nullable-string-null", NULLABLE_STRING, None, None),
    ("object-without-properties", OBJECT, {"a": None, "b": ""}, {"a": None, "b": ""}),
]


@pytest.mark.parametrize(
    ("field", "value", "expected"), [case[1:] for case in COERCIONS], ids=[case[0] for case in COERCIONS]
)
def test_coercion_result(field, value, expected):
    result, errors = _single_field(field, value)
    assert errors == []
    assert result == expected
    assert type(result) is type(expected)


COERCION_ERRORS = [
    ("number-from-word", NUMBER, "abc", "N must be a number but it was a string."),
    ("number-from-empty-list", NUMBER, [], "N must be a number but it was an array."),
    ("integer-from-fraction", INTEGER, 1.5, "I must be an integer but it was a number."),
    ("string-from-two-items", STRING, ["x", "y"], "S must be a string but it was an array."),
    ("string-from-object", STRING, {"a": 1}, "S must be a string but it was an object."),
    ("boolean-from-yes", BOOLEAN, "yes", "B must be a boolean but it was a string."),
    ("object-from-text", OBJECT, "x", "O must be an object but it was a string."),
    ("object-from-list", OBJECT, [1], "O must be an object but it was an array."),
    ("choice-not-listed", CHOICE, "z", 'Ch must be one of: "x" or "y".'),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), [case[1:] for case in COERCION_ERRORS], ids=[case[0] for case in COERCION_ERRORS]
)
def test_coercion_error(field, value, message):
    _, errors = _single_field(field, value)
    assert errors == [message]


def test_coercion_unknown_root_key_removed():
    result = _validate([STRING], {"s": "a", "extra": {"x": 1}, "other": ""})
    assert result.errors == []
    assert result.payload == {"s": "a"}


def test_coercion_unknown_nested_key_removed():
    identifier = Field(key="id", label="Id", type="string")
    strict = Field(key="strict", label="Strict", type="object", properties=(identifier,))
    result = _validate([strict], {"strict": {"id": "1", "extra": 2}})
    assert result.payload == {"strict": {"id": "1"}}


def test_coercion_additional_properties_kept():
    loose = Field(key="attrs", label="Attrs", type="object", properties=(), additional_properties=True)
    result = _validate([loose], {"attrs": {"a": 1, "b": None, "c": ""}})
    assert result.payload == {"attrs": {"a": 1, "b": None, "c": ""}}


def test_coercion_one_item_list_reports_item_type():
    # Ajv unwraps a one-item list before it gives up, so the error names the item's type.
    _, errors = _single_field(STRING, [{"a": 1}])
    assert errors == ["S must be a string but it was an object."]


def test_coercion_datetime_from_boolean():
    # A boolean becomes "true", which then fails the date-like format.
    received_at = Field(key="received_at", label="Received at", type="datetime")
    _, errors = _single_field(received_at, True)
    assert errors == ["Received at must be a valid date-like string but it was not."]


def test_coercion_does_not_change_input():
    payload = {"list": [{"k": 5}], "tags": ["a", None]}
    snapshot = json.loads(json.dumps(payload))
    result = _validate([MULTIPLE_OBJECT, MULTIPLE_STRING], payload)
    assert result.payload == {"list": [{"k": "5"}], "tags": ["a"]}
    assert payload == snapshot


# -- removeEmptyValues: single versus batch ----------------------------------------------------

EMAIL = Field(key="email", label="Email", type="string", format="email", required=True)
NAME = Field(key="name", label="Name", type="string", required=True)
WHEN = Field(key="when", label="When", type="datetime")
COUNT = Field(key="count", label="Count", type="number", required=True)
REQUIRED_ID = Field(key="id", label="Id", type="string", required=True)


def test_empty_root_string_removed_in_single_mode():
    result = _validate([NAME], {"name": ""}, exact=True)
    assert result.errors == ["The root value is missing the required field 'name'."]


def test_empty_root_string_kept_in_exact_batch_mode():
    result = _validate([NAME], {"name": ""}, batch=True, exact=True)
    assert result.errors == []
    assert result.payload == {"name": ""}


def test_empty_email_fails_format_in_exact_batch_mode():
    result = _validate([EMAIL], {"email": ""}, batch=True, exact=True)
    assert result.errors == ["Email must be a valid email address string but it was not."]


def test_empty_datetime_fails_format_in_batch_mode():
    result = _validate([WHEN], {"when": ""}, batch=True)
    assert result.errors == ["When must be a valid date-like string but it was not."]


def test_empty_datetime_removed_in_single_mode():
    result = _validate([WHEN], {"when": ""})
    assert result.errors == []
    assert result.payload == {}


def test_empty_number_missing_in_batch_mode():
    result = _validate([COUNT], {"count": ""}, batch=True, exact=True)
    assert result.errors == ["The root value is missing the required field 'count'."]


@pytest.mark.parametrize("batch", [False, True])
def test_null_required_field_missing(batch):
    result = _validate([NAME], {"name": None}, batch=batch, exact=True)
    assert result.errors == ["The root value is missing the required field 'name'."]


def test_nested_empty_string_kept_when_required():
    strict = Field(key="strict", label="S", type="object", properties=(REQUIRED_ID,))
    result = _validate([strict], {"strict": {"id": ""}})
    assert result.errors == []
    assert result.payload == {"strict": {"id": ""}}


def test_nested_null_property_missing():
    strict = Field(key="strict", label="S", type="object", properties=(REQUIRED_ID,))
    result = _validate([strict], {"strict": {"id": None}})
    assert result.errors == ["S is missing the required field 'id'."]


@pytest.mark.parametrize("batch", [False, True])
def test_object_without_properties_sent_as_is(batch):
    result = validate_payload(
        {"email_address": "a@b.co", "user_id": "u", "person_attributes": {"nil": None, "empty": "", "n": 0}},
        "identify-user",
        batch=batch,
    )
    assert result.payload["person_attributes"] == {"nil": None, "empty": "", "n": 0}


def test_array_items_kept_uncleaned():
    # removeEmptyValues keeps the original item, so its null property reaches Ajv, which coerces it to "".
    result = _validate([MULTIPLE_OBJECT], {"list": [{"k": None}]})
    assert result.payload == {"list": [{"k": ""}]}


# -- messages ----------------------------------------------------------------------------------


def test_message_required_root():
    result = validate_payload({"user_id": "u"}, "identify-user", batch=False)
    assert result.message == "The root value is missing the required field 'email_address'."


def test_message_type_of_label():
    result = validate_payload({"email_address": "a@b.co", "user_id": {"id": "x"}}, "identify-user", batch=False)
    assert result.message == "ID must be a string but it was an object."


def test_message_type_of_union():
    result = validate_payload(
        {"email_address": "a@b.co", "user_id": "u", "received_at": {"t": 1}}, "identify-user", batch=False
    )
    assert result.message == "Received at must be a string or number but it was an object."


def test_message_email_format():
    result = validate_payload({"email_address": 12345, "user_id": "u"}, "identify-user", batch=False)
    assert result.message == "Email address must be a valid email address string but it was not."


def test_message_date_like_format():
    payload = {"object": "people", "matching_attribute": "x", "received_at": "now"}
    result = validate_payload(payload, "assert-record", batch=True)
    assert result.message == "Received at must be a valid date-like string but it was not."


def test_message_type_of_boolean_field():
    payload = {"object": "people", "matching_attribute": "x", "enable_batching": "yes"}
    result = validate_payload(payload, "assert-record", batch=False)
    assert result.message == "Batch events must be a boolean but it was a string."


def test_message_type_of_number_field():
    payload = {"object": "people", "matching_attribute": "x", "batch_size": "many"}
    result = validate_payload(payload, "assert-record", batch=False)
    assert result.message == "Batch Size must be a number but it was a string."


def test_message_enum_three_choices():
    field = Field(key="c", label="C", type="string", choices=("a", "b", "c"))
    _, errors = _single_field(field, "d")
    assert errors == ['C must be one of: "a", "b", or "c".']


def test_message_enum_with_null():
    field = Field(key="c", label="C", type="string", choices=("a", "b"), allow_null=True)
    _, errors = _single_field(field, "d")
    assert errors == ['C must be one of: "a", "b", or null.']


def test_message_nullable_type():
    _, errors = _single_field(NULLABLE_STRING, {"a": 1})
    assert errors == ["S must be a string or null but it was an object."]


def test_message_min_length():
    field = Field(key="code", label="Code", type="string", minimum=2)
    _, errors = _single_field(field, "a")
    assert errors == ["Code must be 2 characters or more but it was 1 character."]


def test_message_max_length():
    field = Field(key="code", label="Code", type="string", maximum=1)
    _, errors = _single_field(field, "abc")
    assert errors == ["Code must be 1 character or fewer but it was 3 characters."]


def test_message_minimum():
    field = Field(key="size", label="Size", type="number", minimum=1.5)
    _, errors = _single_field(field, 1)
    assert errors == ["Size must be equal to or greater than 1.5."]


def test_message_maximum():
    field = Field(key="size", label="Size", type="number", maximum=10)
    _, errors = _single_field(field, "11")
    assert errors == ["Size must be equal to or less than 10."]


def test_message_zero_bound_ignored():
    field = Field(key="size", label="Size", type="number", minimum=0)
    _, errors = _single_field(field, -5)
    assert errors == []


def test_message_enum_choices_as_json():
    # Choices print as JSON.stringify writes them: compact, keys in JavaScript order.
    message = messages.enum_message("C", ({"b": [1, 2.5], "1": None}, "x"))
    assert message == 'C must be one of: {"1":null,"b":[1,2.5]} or "x".'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("x", "a string"),
        (1.5, "a number"),
        (True, "a boolean"),
        ([], "an array"),
        ({}, "an object"),
        (None, "null"),
        (MISSING, "undefined"),
    ],
)
def test_message_type_names(value, text):
    assert messages.describe_type(value) == text


def test_coercion_overflowing_hex_like_overflowing_decimal():
    assert _single_field(NUMBER, "0x" + "f" * 300) == _single_field(NUMBER, "1e400")


def test_message_array_item_required():
    required_item = Field(key="k", label="K", type="string", required=True)
    field = Field(key="list", label="List", type="object", multiple=True, properties=(required_item,))
    _, errors = _single_field(field, [{"k": "a"}, {"j": "b"}])
    assert errors == ["The value at /list/1 is missing the required field 'k'."]


def test_message_array_item_type():
    _, errors = _single_field(MULTIPLE_STRING, ["a", {"b": 1}])
    assert errors == ["The value at /tags/1 must be a string but it was an object."]


def test_message_pointer_escaped():
    field = Field(key="a/b~c", label="", type="string", multiple=True)
    _, errors = _single_field(field, [{}])
    assert errors == ["The value at /a~1b~0c/0 must be a string but it was an object."]


def test_message_label_capitalized():
    field = Field(key="e", label="email", type="string", format="email")
    _, errors = _single_field(field, "x")
    assert errors == ["Email must be a valid email address string but it was not."]


def test_message_joined_with_spaces():
    result = validate_payload({"user_id": ["a", "b"]}, "identify-user", batch=False)
    assert result.message == (
        "The root value is missing the required field 'email_address'. ID must be a string but it was an array."
    )


# -- error order -------------------------------------------------------------------------------


def test_order_required_before_property_errors():
    result = _validate([EMAIL, NAME], {"email": "bad"})
    assert result.errors == [
        "The root value is missing the required field 'name'.",
        "Email must be a valid email address string but it was not.",
    ]


def test_order_follows_fields_not_payload():
    fields = [
        Field(key="e", label="E", type="string", format="email"),
        Field(key="c", label="C", type="number"),
        Field(key="ch", label="Ch", type="string", choices=("x", "y")),
    ]
    result = _validate(fields, {"ch": "z", "c": "abc", "e": "bad"})
    assert result.errors == [
        "E must be a valid email address string but it was not.",
        "C must be a number but it was a string.",
        'Ch must be one of: "x" or "y".',
    ]


def test_order_required_in_field_order():
    result = validate_payload({}, "group-workspace", batch=True)
    assert result.errors == [
        "The root value is missing the required field 'domain'.",
        "The root value is missing the required field 'workspace_id'.",
    ]


def test_order_type_before_enum():
    _, errors = _single_field(CHOICE, {"a": 1})
    assert errors == ["Ch must be a string but it was an object.", 'Ch must be one of: "x" or "y".']


def test_order_keeps_payload_key_order():
    payload = {"user_id": 7, "email_address": "a@b.co", "batch_size": "5"}
    result = validate_payload(payload, "identify-user", batch=False)
    assert list(result.payload) == ["user_id", "email_address", "batch_size"]
    assert result.payload == {"user_id": "7", "email_address": "a@b.co", "batch_size": 5}


# -- empty strings in required fields (deliberate difference from Segment) ---------------------


def test_blank_required_missing_in_batch_mode():
    result = validate_payload({"object": "", "matching_attribute": "email_addresses"}, "assert-record", batch=True)
    assert result.errors == ["The root value is missing the required field 'object'."]


def test_blank_required_kept_with_exact_flag():
    result = validate_payload(
        {"object": "", "matching_attribute": "email_addresses"},
        "assert-record",
        batch=True,
        segment_exact_batch_empty_strings=True,
    )
    assert result.errors == []
    assert result.payload == {"object": "", "matching_attribute": "email_addresses"}


def test_blank_email_missing_not_malformed():
    result = validate_payload({"email_address": "", "user_id": "u"}, "identify-user", batch=True)
    assert result.errors == ["The root value is missing the required field 'email_address'."]


def test_blank_optional_field_kept_in_batch_mode():
    result = validate_payload({"domain": "a.io", "workspace_id": "w", "user_id": ""}, "group-workspace", batch=True)
    assert result.errors == []
    assert result.payload["user_id"] == ""


def test_blank_optional_field_removed_in_single_mode():
    result = validate_payload({"domain": "a.io", "workspace_id": "w", "user_id": ""}, "group-workspace", batch=False)
    assert "user_id" not in result.payload


@pytest.mark.parametrize("batch", [False, True])
def test_blank_after_coercion_missing(batch):
    result = validate_payload({"email_address": "a@b.co", "user_id": [""]}, "identify-user", batch=batch)
    assert result.errors == ["The root value is missing the required field 'user_id'."]


@pytest.mark.parametrize("batch", [False, True])
def test_blank_after_coercion_kept_with_exact_flag(batch):
    result = validate_payload(
        {"email_address": "a@b.co", "user_id": [None]},
        "identify-user",
        batch=batch,
        segment_exact_batch_empty_strings=True,
    )
    assert result.errors == []
    assert result.payload["user_id"] == ""


# -- the Attio actions' fields -----------------------------------------------------------------


def test_fields_received_at_optional():
    result = validate_payload({"email_address": "a@b.co", "user_id": "u"}, "identify-user", batch=True)
    assert result.errors == []


def test_fields_default_mapping_identify():
    assert default_mapping("identify-user") == {
        "email_address": {
            "@if": {
                "exists": {"@path": "$.traits.email"},
                "then": {"@path": "$.traits.email"},
                "else": {"@path": "$.email"},
            }
        },
        "user_id": {"@path": "$.userId"},
        "user_attributes": {},
        "person_attributes": {},
        "enable_batching": False,
        "batch_size": 1000,
        "received_at": {"@path": "$.receivedAt"},
    }


def test_fields_default_mapping_is_a_copy():
    mapping = default_mapping("assert-record")
    mapping["attributes"]["x"] = 1
    assert default_mapping("assert-record")["attributes"] == {}


def test_fields_segment_names_accepted():
    assert canonical_action("groupWorkspace") == "group-workspace"
    assert validate_payload({"object": "people", "matching_attribute": "x"}, "assertRecord", batch=False).valid


def test_fields_unknown_action_rejected():
    with pytest.raises(ValueError, match="unknown action 'identify'"):
        validate_payload({}, "identify", batch=False)


def test_fields_group_user_id_label():
    result = validate_payload({"domain": "a.io", "workspace_id": "w", "user_id": {}}, "group-workspace", batch=False)
    assert result.message == "ID must be a string but it was an object."


def test_fields_unsupported_format_rejected():
    with pytest.raises(ValueError, match="unsupported format 'uri'"):
        PayloadValidator([Field(key="u", label="U", type="string", format="uri")])


# -- conformance vectors whose payloads are easy to build by hand ------------------------------
# The mapping stage is not part of this unit. Each payload below is written out
# in Python from the vector's mapping, which uses only plain paths and
# "@if exists" fallbacks. The full pipeline has its own conformance test.


def _vectors():
    path = CONFORMANCE_DIR / "actions.ndjson"
    if not path.exists():
        pytest.skip(f"conformance vectors not found at {path}")
    with path.open(encoding="utf-8") as stream:
        return {vector["id"]: vector for vector in map(json.loads, stream)}


def _put(payload, key, value):
    # A path to a missing key leaves the mapped key out.
    if value is not ABSENT:
        payload[key] = value


def _first_existing(*values):
    """Segment's `@if exists` fallback: the first value that is neither missing nor null."""
    for value in values[:-1]:
        if value is not ABSENT and value is not None:
            return value
    return values[-1]


def _identify_payload(event, *, enable_batching, received_at=ABSENT):
    traits = event.get("traits", {})
    payload = {}
    _put(payload, "email_address", _first_existing(traits.get("email", ABSENT), event.get("email", ABSENT)))
    _put(payload, "user_id", event.get("userId", ABSENT))
    payload.update(user_attributes={}, person_attributes={}, enable_batching=enable_batching, batch_size=1000)
    _put(payload, "received_at", event.get("receivedAt", ABSENT) if received_at is ABSENT else received_at)
    return payload


def _group_payload(event):
    traits = event.get("traits", {})
    context = event.get("context", {})
    payload = {}
    _put(payload, "domain", _first_existing(traits.get("website", ABSENT), event.get("website", ABSENT)))
    _put(payload, "workspace_id", _first_existing(event.get("groupId", ABSENT), context.get("group_id", ABSENT)))
    _put(payload, "user_id", event.get("userId", ABSENT))
    payload.update(company_attributes={}, workspace_attributes={}, enable_batching=False, batch_size=1000)
    _put(payload, "received_at", event.get("receivedAt", ABSENT))
    return payload


def _record_payload(event):
    traits = event.get("traits", {})
    payload = {}
    _put(payload, "object", traits.get("object", ABSENT))
    payload["matching_attribute"] = "email_addresses"
    attributes = {}
    _put(attributes, "name", traits.get("name", ABSENT))
    _put(attributes, "website", traits.get("website", ABSENT))
    payload.update(attributes=attributes, enable_batching=True, batch_size=1000)
    _put(payload, "received_at", event.get("receivedAt", ABSENT))
    return payload


def _assert_entry(result, entry):
    """Compare one validation result with a multistatus entry of a batch vector."""
    if entry["status"] == 400:
        assert result.message == entry["errormessage"]
    else:
        assert result.errors == []
        assert result.payload == entry["sent"]


def test_vector_identify_batch_all30():
    vector = _vectors()["preset-identifyUser-batch-all30"]
    checked = 0
    for event, entry in zip(vector["events"], vector["expected"]["multistatus"]):
        if event.get("type") != "identify":
            continue
        result = validate_payload(_identify_payload(event, enable_batching=True), "identify-user", batch=True)
        _assert_entry(result, entry)
        checked += 1
    assert checked == 5


def test_vector_identify_date_like_batch():
    vector = _vectors()["custom-identify-received-at-date-like-batch"]
    for event, entry in zip(vector["events"], vector["expected"]["multistatus"]):
        payload = _identify_payload(event, enable_batching=True, received_at=event["traits"]["received"])
        result = validate_payload(payload, "identify-user", batch=True)
        _assert_entry(result, entry)


def test_vector_identify_null_objects_batch():
    vector = _vectors()["custom-identify-object-fields-null-batch"]
    event = vector["events"][0]
    payload = _identify_payload(event, enable_batching=True)
    payload.update(user_attributes=event["traits"]["nickname"], person_attributes=None)
    result = validate_payload(payload, "identify-user", batch=True)
    _assert_entry(result, vector["expected"]["multistatus"][0])


# Vectors where attio-cli gives a different result on purpose, by (vector id, event index).
DELIBERATE_DIFFERENCES = {
    ("custom-record-mixed-batch", 5): "An empty string in a required field is missing in batch mode too.",
}


def test_vector_record_mixed_batch():
    vector = _vectors()["custom-record-mixed-batch"]
    for index, (event, entry) in enumerate(zip(vector["events"], vector["expected"]["multistatus"])):
        if event["type"] not in ("identify", "group"):
            continue
        payload = _record_payload(event)
        if (vector["id"], index) in DELIBERATE_DIFFERENCES:
            ours = validate_payload(payload, "assert-record", batch=True)
            assert ours.message == "The root value is missing the required field 'object'."
            segment = validate_payload(payload, "assert-record", batch=True, segment_exact_batch_empty_strings=True)
            _assert_entry(segment, entry)
        else:
            _assert_entry(validate_payload(payload, "assert-record", batch=True), entry)


def _assert_single_outcome(result, outcome):
    if "error" in outcome:
        assert result.message == outcome["error"]["message"]
    else:
        assert result.errors == []


@pytest.mark.parametrize(
    "vector_id", ["custom-identify-missing-required-single", "custom-identify-numbers-for-strings-single"]
)
def test_vector_identify_single(vector_id):
    # One of these mappings fills user_attributes with directives; left empty here,
    # because user_attributes accepts any content and never changes the outcome.
    vector = _vectors()[vector_id]
    for event, outcome in zip(vector["events"], vector["expected"]["per_event"]):
        payload = _identify_payload(event, enable_batching=False)
        _assert_single_outcome(validate_payload(payload, "identify-user", batch=False), outcome)


def test_vector_group_single():
    vector = _vectors()["custom-group-default-mapping-single"]
    for event, outcome in zip(vector["events"], vector["expected"]["per_event"]):
        _assert_single_outcome(validate_payload(_group_payload(event), "group-workspace", batch=False), outcome)


def test_vector_default_mappings():
    for vector in _vectors().values():
        if vector["id"].startswith("preset-") and vector["mode"] == "single":
            assert vector["mapping"] == default_mapping(vector["action"]), vector["id"]


def test_vector_batch_sent_is_stable():
    # A payload Segment sent passes again unchanged (idempotence of cleaning and coercion).
    for vector in _vectors().values():
        for entry in vector["expected"].get("multistatus", []):
            if "sent" not in entry:
                continue
            result = validate_payload(
                entry["sent"], vector["action"], batch=True, segment_exact_batch_empty_strings=True
            )
            assert result.payload == entry["sent"], vector["id"]


def test_action_fields_keys():
    assert list(ACTION_FIELDS) == ["identify-user", "group-workspace", "assert-record"]
