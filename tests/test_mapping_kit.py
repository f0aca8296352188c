"""Mapping kit: transform, every directive with its quirks, validation, the root directive and the shorthand."""

import copy
import datetime

import pytest

from attio_cli.mapping_kit import (
    MISSING,
    DirectiveError,
    MappingValidationError,
    compile_mapping,
    compile_template,
    expand_shorthand,
    flatten_object,
    render,
    transform,
)

EVENT = {
    "type": "identify",
    "userId": "u1",
    "email": "top@example.com",
    "foo": "bar",
    "bar": "baz",
    "receivedAt": "2024-05-24T10:00:00.000Z",
    "traits": {
        "name": "Peter Gibbons",
        "first_name": "Peter",
        "email": "Peter@Example.COM",
        "logins": 5,
        "score": 1.5,
        "big": 1e21,
        "active": True,
        "inactive": False,
        "zero": 0,
        "empty": "",
        "nil": None,
        "tags": ["a", "b", None],
        "german": "straße",
        "template": "{{traits.name}}",
        "x y": "spaced",
        "first-name": "P-dash",
        "json_str": '{"a":1,"b":[1,2],"c":null}',
        "address": {"city": "San Francisco", "zip": None, "geo": {"lat": 37.77}},
    },
    "properties": {
        "items": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
        "single": {"id": 7},
        "override": {"plan": "override-plan", "hey": "you"},
    },
}


def run(value, event=EVENT):
    """Map ``{"v": value}`` and return what lands under ``v`` (``MISSING`` when the key is removed)."""
    return transform({"v": value}, event).get("v", MISSING)


def run_loose(value, event=EVENT):
    """Like ``run``, compiled with ``strict=False`` to reach Segment's run-time behaviour in arrays."""
    return compile_mapping({"v": value}, strict=False).transform(event).get("v", MISSING)


def loose_runtime_error(value, event=EVENT):
    with pytest.raises(DirectiveError) as caught:
        run_loose(value, event)
    return str(caught.value)


def messages(mapping, **options):
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping(mapping, **options)
    return caught.value.messages


def runtime_error(value, event=EVENT):
    with pytest.raises(DirectiveError) as caught:
        run(value, event)
    return str(caught.value)


# --- transform ------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "type_name"), [([], "array"), (123, "number"), ("x", "string"), (None, "null"), (True, "boolean")])
def test_transform_rejects_non_object_data(data, type_name):
    with pytest.raises(DirectiveError, match=f"^data must be an object, got {type_name}$"):
        compile_mapping({}).transform(data)


def test_transform_without_data_uses_empty_object():
    assert compile_mapping({"v": {"@path": "$"}, "k": 1}).transform() == {"k": 1}


def test_transform_empty_mapping():
    assert transform({}, EVENT) == {}


def test_transform_raw_values():
    assert transform({"cool": True, "n": None, "s": "Hello {{traits.name}}", "f": 1.5}, EVENT) == {"cool": True, "n": None, "s": "Hello {{traits.name}}", "f": 1.5}


def test_transform_spreads_array_mapping():
    assert transform([1, {"@path": "$.userId"}], EVENT) == {"0": 1, "1": "u1"}


def test_transform_spreads_string_mapping():
    assert transform("ab", EVENT) == {"0": "a", "1": "b"}


def test_transform_number_mapping():
    assert transform(123, EVENT) == {}


def test_transform_null_mapping_rejected():
    assert messages(None) == ["/ should be an object but it is a null."]


def test_transform_removes_undefined_keys():
    mapping = {"x": {"y": {"z": {"@path": "$.nope"}}}, "foo": 1, "n": {"@path": "$.traits.nil"}, "e": {}}
    assert transform(mapping, EVENT) == {"x": {"y": {}}, "foo": 1, "n": None, "e": {}}


def test_transform_array_holes_become_none():
    assert run([{"@path": "$.userId"}, {"@path": "$.missing"}, "x"]) == ["u1", None, "x"]


def test_transform_array_objects_drop_missing_keys():
    assert run([{"a": {"@path": "$.nope"}, "b": 1}]) == [{"b": 1}]


def test_transform_top_level_directive():
    assert transform({"@path": "$.traits.name"}, EVENT) == "Peter Gibbons"


def test_transform_top_level_directive_missing():
    assert transform({"@path": "$.nope"}, EVENT) is MISSING


def test_transform_returns_fresh_objects():
    compiled = compile_mapping({"a": {"b": 1}, "c": [1]})
    first = compiled.transform(EVENT)
    first["a"]["b"] = 2
    first["c"].append(2)
    assert compiled.transform(EVENT) == {"a": {"b": 1}, "c": [1]}


def test_transform_does_not_mutate_event():
    event = copy.deepcopy(EVENT)
    transform({"v": {"@merge": {"objects": [{"@path": "$.traits"}, {"name": {"@path": "$.nope"}}], "direction": "right"}}}, event)
    assert event == EVENT


def test_transform_does_not_mutate_mapping():
    mapping = {"v": {"@replace": {"pattern": "a", "value": "abc"}}}
    before = copy.deepcopy(mapping)
    transform(mapping, EVENT)
    assert mapping == before


def test_transform_key_order_follows_javascript():
    assert list(transform({"b": 1, "2": 2, "a": 3, "1": 4}, EVENT)) == ["1", "2", "b", "a"]


def test_identify_default_mapping():
    mapping = {
        "email_address": {"@if": {"exists": {"@path": "$.traits.email"}, "then": {"@path": "$.traits.email"}, "else": {"@path": "$.email"}}},
        "user_id": {"@path": "$.userId"},
        "user_attributes": {"name": {"@path": "$.traits.name"}},
        "person_attributes": {},
        "received_at": {"@path": "$.receivedAt"},
    }
    assert compile_mapping(mapping).transform(EVENT) == {
        "email_address": "Peter@Example.COM",
        "user_id": "u1",
        "user_attributes": {"name": "Peter Gibbons"},
        "person_attributes": {},
        "received_at": "2024-05-24T10:00:00.000Z",
    }


# --- @path ------------------------------------------------------------------------------------


def test_path_simple():
    assert run({"@path": "$.traits.first_name"}) == "Peter"


def test_path_without_dollar_dot():
    assert run({"@path": "traits.first_name"}) == "Peter"


def test_path_root():
    assert run({"@path": "$."}, {"a": 1}) == {"a": 1}


def test_path_empty_is_root():
    assert run({"@path": ""}, {"a": 1}) == {"a": 1}


def test_path_nested_directive():
    assert run({"@path": {"@path": "$.foo"}}) == "baz"


def test_path_nested_directive_not_text():
    assert runtime_error({"@path": {"@path": "$.nope"}}) == "@path: expected string, got undefined"


def test_path_missing_removes_key():
    assert run({"@path": "$.traits.nope"}) is MISSING


def test_path_null_kept():
    assert run({"@path": "$.traits.nil"}) is None


def test_path_object_argument_invalid():
    assert messages({"@path": {}}) == ["/@path should be a string or a mapping directive but it is an object."]


def test_path_boolean_argument_invalid():
    assert messages({"v": {"@path": True}}) == ["/v/@path should be a string or a mapping directive but it is a boolean."]


def test_path_spaced_key():
    assert run({"@path": "$.traits.x y"}) == "spaced"


def test_path_extension():
    assert run({"@path": "$.properties.items[*].id"}) == [1, 2]


def test_path_extension_no_match():
    assert run({"@path": "$.properties.items[?(@.id > 5)].id"}) is MISSING


def test_path_extension_syntax_error():
    assert messages({"v": {"@path": "$.a[?(@.x >)]"}})[0].startswith("/v/@path is not a valid JSONPath:")


def test_path_extension_syntax_error_key_path():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"v": {"@path": "$.a[?(@.x >)]"}})
    assert caught.value.key_paths == [("v", "@path")]


def test_path_dynamic_extension():
    assert run({"@path": {"@literal": "$.properties.items[*].name"}}) == ["A", "B"]


# --- @template ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("{{traits.first_name}} Gibbons", "Peter Gibbons"),
        ("{{traits.active}}/{{traits.inactive}}/{{traits.zero}}", "true/false/0"),
        ("[{{traits.nil}}][{{traits.nope}}]", "[][]"),
        ("{{traits.tags}}", "a,b,"),
        ("{{traits.address}}", "[object Object]"),
        ("{{traits.score}} {{traits.big}}", "1.5 1e+21"),
        ("{{traits.first-name}}", "P-dash"),
        ("{{traits.x y}}", "spaced"),
        ("{{traits['x y']}}", "spaced"),
        ("{{ traits.first_name }}", "Peter"),
        ("{{$.traits.name}}", ""),
        ("{{ }}", "[object Object]"),
        ("{{}}", "{{}}"),
        ("{{traits.name", "{{traits.name"),
        ("{{foo}}}", "bar}"),
        ("{{{foo}}}", "bar"),
        ("{{{traits.template}}}", "Peter Gibbons"),
        ("{{traits.template}}", "{{traits.name}}"),
        ("plain", "plain"),
        ("$& $1", "$& $1"),
    ],
)
def test_template(template, text):
    assert run({"@template": template}) == text


def test_template_value_dollar_not_special():
    assert render("{{a}}", {"a": "$& $1"}) == "$& $1"


def test_template_no_escaping():
    assert render("{{a}}|{{{a}}}", {"a": "<b>\"Tom\" & Jerry's</b>"}) == "<b>\"Tom\" & Jerry's</b>|<b>\"Tom\" & Jerry's</b>"


def test_template_missing_nested():
    assert render("{{oops.yo}}", {}) == ""


def test_template_directive_argument():
    assert run({"@template": {"@path": "$.traits.template"}}) == "Peter Gibbons"


def test_template_directive_not_text():
    assert runtime_error({"@template": {"@path": "$.traits.logins"}}) == "@template: expected string, got number"


def test_template_number_argument_invalid():
    assert messages({"v": {"@template": 5}}) == ["/v/@template should be a string or a mapping directive but it is a number."]


def test_template_with_metadata():
    assert run({"@template": "{{userId}}", "_metadata": {"foo": "bar"}}) == "u1"


def test_template_has_no_jsonpath_extension():
    assert render("{{a[*]}}", {"a[*]": 1, "a": [2]}) == "1"


def test_template_compiled_once_renders_many():
    renderer = compile_template("Hi {{name}}")
    assert [renderer({"name": "a"}), renderer({"name": "b"})] == ["Hi a", "Hi b"]


# --- @literal -------------------------------------------------------------------------------


def test_literal_resolves_nested_directives():
    assert run({"@literal": {"a": {"@path": "$.foo"}, "b": {"@path": "$.nope"}}}) == {"a": "bar"}


@pytest.mark.parametrize("value", [None, False, "", 0, "{{x}}", "$.foo"])
def test_literal_scalars(value):
    assert run({"@literal": value}) == value


def test_literal_nested_unknown_directive_rejected():
    assert messages({"v": {"@literal": {"a": {"@oops": 1}}}}) == ["/v/@literal/a has an invalid directive: @oops."]


def test_literal_nested_unknown_directive_runtime_when_not_strict():
    compiled = compile_mapping({"v": {"@literal": {"a": {"@oops": 1}}}}, strict=False)
    with pytest.raises(DirectiveError, match="^@oops is not a valid directive, got undefined$"):
        compiled.transform(EVENT)


# --- @if --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "branch"),
    [
        ("$.traits.logins", "Y"),
        ("$.traits.zero", "Y"),
        ("$.traits.empty", "Y"),
        ("$.traits.inactive", "Y"),
        ("$.traits.tags", "Y"),
        ("$.traits.nil", "N"),
        ("$.traits.nope", "N"),
    ],
)
def test_if_exists(path, branch):
    assert run({"@if": {"exists": {"@path": path}, "then": "Y", "else": "N"}}) == branch


@pytest.mark.parametrize(
    ("value", "branch"),
    [
        (None, "N"),
        ("", "N"),
        (0, "N"),
        (False, "N"),
        ([], "N"),
        ([""], "N"),
        ([None], "N"),
        ([[]], "N"),
        (" ", "Y"),
        ("0", "Y"),
        ("false", "Y"),
        (True, "Y"),
        ([0], "Y"),
        (["", ""], "Y"),
        ({}, "Y"),
        (1, "Y"),
    ],
)
def test_if_blank(value, branch):
    assert run({"@if": {"blank": {"@path": "$.value"}, "then": "Y", "else": "N"}}, {"value": value}) == branch


def test_if_blank_missing():
    assert run({"@if": {"blank": {"@path": "$.nope"}, "then": "Y", "else": "N"}}) == "N"


@pytest.mark.parametrize("falsy_else", [False, 0, "", None])
def test_if_falsy_else_removes_key(falsy_else):
    assert run({"@if": {"exists": {"@path": "$.nope"}, "then": "Y", "else": falsy_else}}) is MISSING


@pytest.mark.parametrize("then", [False, None, 0, ""])
def test_if_falsy_then_kept(then):
    assert run({"@if": {"exists": {"@path": "$.userId"}, "then": then, "else": "N"}}) == then


def test_if_without_then_removes_key():
    assert run({"@if": {"exists": {"@path": "$.userId"}, "else": "N"}}) is MISSING


def test_if_without_else_removes_key():
    assert run({"@if": {"exists": {"@path": "$.nope"}, "then": "Y"}}) is MISSING


@pytest.mark.parametrize("condition", ["x", 1, {}, []])
def test_if_truthy_literal_condition_always_true(condition):
    assert run({"@if": {"exists": condition, "then": "Y", "else": "N"}}) == "Y"


@pytest.mark.parametrize("condition", [False, 0, "", None])
def test_if_falsy_literal_condition_fails(condition):
    assert runtime_error({"@if": {"exists": condition, "then": "Y"}}) == '@if requires an "exists" key or a "blank" key'


def test_if_without_condition_fails():
    assert runtime_error({"@if": {"then": "Y"}}) == '@if requires an "exists" key or a "blank" key'


def test_if_exists_wins_over_blank():
    assert run({"@if": {"exists": {"@path": "$.nope"}, "blank": {"@path": "$.userId"}, "then": "Y", "else": "N"}}) == "N"


def test_if_null_exists_still_wins_over_blank():
    assert run({"@if": {"exists": None, "blank": "x", "then": "Y", "else": "N"}}) == "N"


def test_if_branches_resolve_directives():
    assert run({"@if": {"exists": {"@path": "$.nope"}, "then": "Y", "else": {"@path": "$.email"}}}) == "top@example.com"


def test_if_not_object_invalid():
    assert messages({"v": {"@if": "x"}}) == ["/v/@if should be an object but it is a string."]


def test_if_directive_options_invalid():
    assert messages({"v": {"@if": {"@path": "$.x"}}}) == ["/v/@if should be an object but it is a directive."]


def test_if_nested_invalid_directive():
    assert messages({"@if": {"exists": 1, "then": {"@oops": 1}}}) == ["/@if/then has an invalid directive: @oops."]


def test_if_partial_is_valid():
    assert transform({"v": {"@if": {"exists": 1, "else": "N"}}}, EVENT) == {}


def test_if_not_object_at_runtime():
    assert loose_runtime_error([{"@if": "x"}]) == '@if requires an object with an "exists" key'


# --- @case ------------------------------------------------------------------------------------


def test_case_lower():
    assert run({"@case": {"operator": "lower", "value": {"@path": "$.traits.email"}}}) == "peter@example.com"


def test_case_upper_unicode():
    assert run({"@case": {"operator": "upper", "value": {"@path": "$.traits.german"}}}) == "STRASSE"


@pytest.mark.parametrize("path", ["$.traits.logins", "$.traits.nil", "$.traits.address", "$.traits.inactive"])
def test_case_non_text_unchanged(path):
    assert run({"@case": {"operator": "oops", "value": {"@path": path}}}) == EVENT["traits"][path.rsplit(".", 1)[1]]


def test_case_missing_value_removed():
    assert run({"@case": {"operator": "upper", "value": {"@path": "$.nope"}}}) is MISSING


@pytest.mark.parametrize("options", [{"operator": "upper"}, {"operator": "upper", "value": ""}, {"operator": "UPPER"}])
def test_case_falsy_value_removes_key(options):
    assert run({"@case": options}) is MISSING


@pytest.mark.parametrize("operator", ["UPPER", " lower", "title"])
def test_case_bad_operator_fails(operator):
    assert runtime_error({"@case": {"operator": operator, "value": "abc"}}) == 'operator key should have a value of "lower" or "upper"'


def test_case_without_operator_fails():
    assert runtime_error({"@case": {"value": "abc"}}) == '@case requires a "operator" key'


def test_case_not_object_invalid():
    assert messages({"@case": "not an object"}) == ["/@case should be an object but it is a string."]


def test_case_number_value_invalid():
    assert messages({"v": {"@case": {"operator": "upper", "value": 5}}}) == ["/v/@case/value should be a string or a mapping directive but it is a number."]


def test_case_operator_must_be_text():
    assert messages({"v": {"@case": {"operator": 5, "value": "a"}}}) == ["/v/@case/operator should be a string but it is a number."]


# --- @replace ---------------------------------------------------------------------------------


def replace(value, **options):
    return run({"@replace": {"value": value, **options}})


def test_replace_basic():
    assert replace({"@path": "$.traits.name"}, pattern=" ", replacement="_") == "Peter_Gibbons"


def test_replace_default_replacement_is_empty():
    assert replace("a.b.c", pattern=".") == "abc"


def test_replace_global_false():
    assert replace("many+different+things", pattern="+", replacement="_", **{"global": False}) == "many_different+things"


def test_replace_case_sensitive_by_default():
    assert replace("Aaa", pattern="a", replacement="x") == "Axx"


def test_replace_ignorecase():
    assert replace("Aaa", pattern="a", replacement="x", ignorecase=True) == "xxx"


def test_replace_boolean_true():
    options = {"pattern": "true", "replacement": "granted", "pattern2": "false", "replacement2": "denied"}
    assert replace({"@path": "$.traits.active"}, **options) == "granted"


def test_replace_boolean_false():
    options = {"pattern": "true", "replacement": "granted", "pattern2": "false", "replacement2": "denied"}
    assert replace({"@path": "$.traits.inactive"}, **options) == "denied"


def test_replace_number_uses_javascript_text():
    assert replace({"@path": "$.traits.big"}, pattern="+", replacement="p") == "1ep21"


def test_replace_second_pattern_default_replacement():
    assert replace("a-b_c", pattern="-", pattern2="_") == "abc"


@pytest.mark.parametrize("path", ["$.nope", "$.traits.nil", "$.traits.tags", "$.traits.address"])
def test_replace_non_text_gives_empty_string(path):
    assert replace({"@path": path}, pattern="a") == ""


def test_replace_falsy_value_removes_key():
    assert replace("", pattern="a") is MISSING


@pytest.mark.parametrize(
    ("replacement", "result"),
    [("$&$&", "a..b"), ("$$", "a$b"), ("[$`]", "a[a]b"), ("[$']", "a[b]b"), ("$1", "a$1b"), ("$<x>", "a$<x>b")],
)
def test_replace_tokens(replacement, result):
    assert replace("a.b", pattern=".", replacement=replacement) == result


@pytest.mark.parametrize("pattern", ["-", "[", "]", "{", "}", "(", ")", "*", "+", "?", ".", ",", "\\", "^", "$", "|", "#", " "])
def test_replace_pattern_is_literal(pattern):
    assert replace(f"x{pattern}y", pattern=pattern, replacement="_") == "x_y"


def test_replace_second_pattern_too_long_fails():
    assert runtime_error({"@replace": {"pattern": "a", "pattern2": "01234567890", "value": "abc"}}) == '@replace requires a "pattern" less than 10 characters'


def test_replace_second_replacement_too_long_fails():
    options = {"pattern": "a", "pattern2": "b", "replacement2": "01234567890", "value": "abc"}
    assert runtime_error({"@replace": options}) == '@replace requires a "replacement" less than 10 characters'


def test_replace_length_limit_checked_only_for_text():
    assert run({"@replace": {"pattern": "a", "pattern2": "01234567890", "value": {"@path": "$.nope"}}}) == ""


def test_replace_ten_characters_allowed():
    assert replace("0123456789x", pattern="0123456789", replacement="abcdefghij") == "abcdefghijx"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"value": "x"}, '/v/@replace should have field "pattern" but it doesn\'t.'),
        ({"pattern": "a"}, '/v/@replace should have field "value" but it doesn\'t.'),
        ({"pattern": "01234567890", "value": "a"}, "/v/@replace/pattern should be a string of length 10 or less."),
        ({"pattern": "", "value": "a"}, "/v/@replace/pattern should be a string of length 1 or greater."),
        ({"pattern": "a", "replacement": "01234567890", "value": "a"}, "/v/@replace/replacement should be a string of length 10 or less."),
        ({"pattern": "a", "global": "yes", "value": "a"}, "/v/@replace/global should be a boolean but it is a string."),
        ({"pattern": "a", "ignorecase": "yes", "value": "a"}, "/v/@replace/ignorecase should be a boolean but it is a string."),
        ({"pattern": 5, "value": "a"}, "/v/@replace/pattern should be a string but it is a number."),
    ],
)
def test_replace_invalid(options, message):
    assert messages({"v": {"@replace": options}}) == [message]


def test_replace_errors_in_field_order():
    assert messages({"v": {"@replace": {"global": "x", "pattern": ""}}}) == [
        "/v/@replace/pattern should be a string of length 1 or greater.",
        '/v/@replace should have field "value" but it doesn\'t.',
        "/v/@replace/global should be a boolean but it is a string.",
    ]


def test_replace_wrong_types_unvalidated_give_empty_string():
    assert run_loose([{"@replace": {"pattern": "a", "replacement": 5, "value": "abc"}}]) == [""]


# --- @arrayPath -------------------------------------------------------------------------------


def test_array_path_simple():
    assert run({"@arrayPath": ["$.properties.items"]}) == EVENT["properties"]["items"]


def test_array_path_shape():
    shape = {"product_id": {"@path": "$.id"}, "title": {"@path": "name"}, "fixed": "lit"}
    assert run({"@arrayPath": ["$.properties.items", shape]}) == [
        {"product_id": 1, "title": "A", "fixed": "lit"},
        {"product_id": 2, "title": "B", "fixed": "lit"},
    ]


def test_array_path_event_root_unreachable():
    assert run({"@arrayPath": ["$.properties.items", {"uid": {"@path": "$.userId"}}]}) == [{}, {}]


def test_array_path_single_object():
    assert run({"@arrayPath": ["$.properties.single", {"id": {"@path": "$.id"}}]}) == [{"id": 7}]


def test_array_path_directive_shape():
    assert run({"@arrayPath": ["$.properties.items", {"@path": "$.id"}]}) == [1, 2]


def test_array_path_directive_shape_holes():
    assert run({"@arrayPath": ["$.properties.items", {"@path": "$.nope"}]}) == [None, None]


def test_array_path_non_object_items():
    shape = {"id": {"@path": "$.id"}, "k": "lit"}
    assert run({"@arrayPath": [{"@literal": [1, "x", None]}, shape]}) == [{"k": "lit"}, {"k": "lit"}, {"id": None, "k": "lit"}]


def test_array_path_missing_root_removed():
    assert run({"@arrayPath": ["$.nope", {"id": {"@path": "$.id"}}]}) is MISSING


def test_array_path_null_root():
    assert run({"@arrayPath": ["$.traits.nil", {"id": {"@path": "$.id"}}]}) is None


def test_array_path_string_root():
    assert run({"@arrayPath": ["$.userId", {"id": {"@path": "$.id"}}]}) == "u1"


def test_array_path_empty_shape():
    assert run({"@arrayPath": ["$.properties.items", {}]}) == EVENT["properties"]["items"]


def test_array_path_not_an_array():
    assert run({"@arrayPath": ["$.products", {"neat": {"@path": "$.nope"}}]}, {"products": {"notAnArray": True}}) == [{}]


def test_array_path_directive_root():
    root = {"@if": {"exists": {"@path": "$.nope"}, "then": {"@path": "$.nope"}, "else": {"@path": "$.properties.items"}}}
    assert run({"@arrayPath": [root, {"n": {"@path": "$.name"}}]}) == [{"n": "A"}, {"n": "B"}]


def test_array_path_nested():
    inner = {"@arrayPath": ["$.tags", {"t": {"@path": "$"}}]}
    event = {"items": [{"id": 1, "tags": ["x"]}, {"id": 2, "tags": []}]}
    assert run({"@arrayPath": ["$.items", {"id": {"@path": "$.id"}, "tags": inner}]}, event) == [{"id": 1, "tags": [{}]}, {"id": 2, "tags": []}]


def test_array_path_extension_root():
    assert run({"@arrayPath": ["$.properties.items[?(@.id > 1)]", {"n": {"@path": "$.name"}}]}) == [{"n": "B"}]


def test_array_path_not_array_invalid():
    assert messages({"@arrayPath": "$.x"}) == ["/@arrayPath should be an array but it is a string."]


def test_array_path_empty_invalid():
    assert messages({"v": {"@arrayPath": []}}) == ["/v/@arrayPath should be a string or a mapping directive but it is an undefined."]


def test_array_path_key_paths_number_items():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"v": {"@arrayPath": ["$.x", {"a": {"@path": 1}}]}})
    assert caught.value.key_paths == [("v", "@arrayPath", 1, "a", "@path")]


def test_array_path_shape_message_has_no_index():
    assert messages({"v": {"@arrayPath": ["$.x", {"a": {"@path": 1}}]}}) == ["/v/@arrayPath/a/@path should be a string or a mapping directive but it is a number."]


# --- @json --------------------------------------------------------------------------------------


def test_json_encode_object():
    result = run({"@json": {"mode": "encode", "value": {"@path": "$.traits.address"}}})
    assert result == '{"city":"San Francisco","zip":null,"geo":{"lat":37.77}}'


@pytest.mark.parametrize(
    ("path", "text"),
    [("$.foo", '"bar"'), ("$.traits.nil", "null"), ("$.traits.score", "1.5"), ("$.traits.big", "1e+21"), ("$.traits.tags", '["a","b",null]')],
)
def test_json_encode(path, text):
    assert run({"@json": {"mode": "encode", "value": {"@path": path}}}) == text


def test_json_encode_integral_float():
    assert run({"@json": {"mode": "encode", "value": {"@path": "$.n"}}}, {"n": 1.0}) == "1"


def test_json_encode_unescaped_text():
    assert run({"@json": {"mode": "encode", "value": {"@path": "$.s"}}}, {"s": "é/ü"}) == '"é/ü"'


def test_json_encode_holes_and_missing_keys():
    value = {"@literal": {"a": [1, {"@path": "$.nope"}], "b": {"@path": "$.nope"}}}
    assert run({"@json": {"mode": "encode", "value": value}}) == '{"a":[1,null]}'


def test_json_encode_missing_removed():
    assert run({"@json": {"mode": "encode", "value": {"@path": "$.nope"}}}) is MISSING


def test_json_decode_object():
    assert run({"@json": {"mode": "decode", "value": {"@path": "$.traits.json_str"}}}) == {"a": 1, "b": [1, 2], "c": None}


@pytest.mark.parametrize(("text", "value"), [("12", 12), ("null", None), ("{a:1}", "{a:1}"), ("NaN", "NaN"), ('"x"', "x")])
def test_json_decode(text, value):
    assert run({"@json": {"mode": "decode", "value": {"@path": "$.s"}}}, {"s": text}) == value


def test_json_decode_non_text_unchanged():
    assert run({"@json": {"mode": "decode", "value": {"@path": "$.traits.logins"}}}) == 5


@pytest.mark.parametrize("mode", ["ENCODE", "Decode"])
def test_json_other_case_mode_removes_key(mode):
    assert run({"@json": {"mode": mode, "value": {"@path": "$.foo"}}}) is MISSING


@pytest.mark.parametrize("value", [False, 0, ""])
def test_json_falsy_value_fails(value):
    assert runtime_error({"@json": {"mode": "encode", "value": value}}) == '@json requires a "value" key'


def test_json_mode_invalid():
    assert messages({"v": {"@json": {"mode": "oops", "value": 1}}}) == ['/v/@json/mode should be one of encode, decode but it is "oops".']


def test_json_mode_missing_invalid():
    assert messages({"v": {"@json": {"value": 1}}}) == ['/v/@json should have field "mode" but it doesn\'t.']


# --- @flatten -----------------------------------------------------------------------------------


def flatten(value, **options):
    return run({"@flatten": {"value": value, "separator": ".", **options}})


def test_flatten_objects():
    assert flatten({"@literal": {"bar": "baz", "aces": {"a": 1, "b": 2}}}) == {"bar": "baz", "aces.a": 1, "aces.b": 2}


def test_flatten_array_of_objects():
    assert flatten({"@literal": [{"fazz": "bar", "fizz": "baz"}]}) == {"0.fazz": "bar", "0.fizz": "baz"}


def test_flatten_nested_arrays():
    assert flatten({"@literal": {"a": [1, [2, 3]]}}) == {"a.0": 1, "a.1.0": 2, "a.1.1": 3}


def test_flatten_omit_arrays():
    assert flatten({"@literal": {"a": [1, [2, 3]], "b": {"c": 1}}}, omitArrays=True) == {"a": [1, [2, 3]], "b.c": 1}


def test_flatten_omit_arrays_coerced():
    assert flatten({"@literal": {"a": [1]}}, omitArrays="yes") == {"a": [1]}


def test_flatten_empty_children():
    assert flatten({"@literal": {"a": {}, "b": [], "c": 1}}) == {"c": 1}


def test_flatten_missing_value_gives_empty_object():
    assert flatten({"@path": "$.nope"}) == {}


def test_flatten_null_value():
    assert flatten({"@path": "$.traits.nil"}) == {"": None}


def test_flatten_string_value():
    assert flatten("str") == {"": "str"}


def test_flatten_null_leaves_kept():
    assert run({"@flatten": {"value": {"@path": "$.traits.address"}, "separator": "_"}}) == {"city": "San Francisco", "zip": None, "geo_lat": 37.77}


def test_flatten_missing_leaf_overwrites_equal_key():
    assert flatten({"@literal": {"a.b": 1, "a": {"b": {"@path": "$.nope"}}}}) == {}


def test_flatten_without_separator_fails():
    assert runtime_error({"@flatten": {"value": 1}}) == '@flatten requires a "separator" key'


def test_flatten_directive_separator_invalid():
    assert messages({"v": {"@flatten": {"value": 1, "separator": {"@path": "$.s"}}}}) == ["/v/@flatten/separator should be a string but it is a directive."]


def test_flatten_directive_separator_not_text_at_runtime():
    assert loose_runtime_error([{"@flatten": {"value": 1, "separator": {"@path": "$.traits.logins"}}}]) == "@flatten requires a string separator"


def test_flatten_value_missing_invalid():
    assert messages({"v": {"@flatten": {"separator": "."}}}) == ['/v/@flatten should have field "value" but it doesn\'t.']


def test_flatten_object_function():
    assert flatten_object({"a": {"b": {"c": 1}}, "d": [{"e": 2}]}, "/", False) == {"a/b/c": 1, "d/0/e": 2}


def test_flatten_object_root_array():
    assert flatten_object([{"a": [{"b": [{"c": 1}]}]}], ".", False) == {"0.a.0.b.0.c": 1}


# --- @merge -------------------------------------------------------------------------------------


def merge(objects, direction="right"):
    return run({"@merge": {"objects": objects, "direction": direction}})


def test_merge_right():
    assert merge([{"cool": True}, {"cool": "you bet"}]) == {"cool": "you bet"}


def test_merge_left():
    assert merge([{"cool": True}, {"cool": "you bet"}], "left") == {"cool": True}


def test_merge_right_with_path():
    assert merge([{"cool": True, "hey": "there"}, {"@path": "$.properties.override"}]) == {"cool": True, "hey": "you", "plan": "override-plan"}


def test_merge_left_with_path():
    assert merge([{"cool": True, "hey": "there"}, {"@path": "$.properties.override"}], "left") == {"plan": "override-plan", "hey": "there", "cool": True}


def test_merge_empty_objects():
    assert merge([]) == {}


def test_merge_shallow():
    assert merge([{"a": {"x": 1}}, {"a": {"y": 2}}]) == {"a": {"y": 2}}


def test_merge_undefined_override_removes_key():
    assert merge([{"a": "default", "b": "keep"}, {"a": {"@path": "$.nope"}}]) == {"b": "keep"}


def test_merge_missing_source_skipped():
    assert merge([{"a": "default"}, {"@path": "$.nope"}, {"@path": "$.traits.nil"}]) == {"a": "default"}


def test_merge_exclude_when_null_override_removes_key():
    assert merge([{"a": "x", "b": 1}, {"@excludeWhenNull": {"a": None}}]) == {"b": 1}


def test_merge_flatten_missing_leaf_overrides():
    assert merge([{"a.b": "x"}, {"@flatten": {"value": {"a": {"b": {"@path": "$.nope"}}}, "separator": "."}}]) == {}


def test_merge_nested_merge_missing_overrides():
    inner = {"@merge": {"objects": [{"a": {"@path": "$.nope"}}], "direction": "right"}}
    assert merge([{"a": "x"}, inner]) == {}


def test_merge_upper_case_left_acts_as_right():
    assert merge([{"cool": True}, {"cool": "you bet"}], "LEFT") == {"cool": "you bet"}


def test_merge_string_source_spreads():
    assert run_loose([{"@merge": {"objects": ["str"], "direction": "right"}}]) == [{"0": "s", "1": "t", "2": "r"}]


def test_merge_array_source_holes_override():
    assert merge([{"0": "a", "1": "b"}, {"@literal": [{"@path": "$.nope"}]}]) == {"1": "b"}


def test_merge_numeric_key_order():
    assert list(merge([{"b": 2, "2": "two", "a": 1, "1": "one"}])) == ["1", "2", "b", "a"]


def test_merge_without_direction_fails():
    assert runtime_error({"@merge": {"objects": [{"cool": True}]}}) == '@merge requires a "direction" key'


def test_merge_objects_not_array_at_runtime():
    assert loose_runtime_error([{"@merge": {"objects": "x", "direction": "right"}}]) == "@merge: expected opts.array, got string"


def test_merge_direction_invalid():
    assert messages({"v": {"@merge": {"objects": [{"cool": True}], "direction": "up"}}}) == ['/v/@merge/direction should be one of left, right but it is "up".']


def test_merge_objects_not_array_invalid():
    assert messages({"v": {"@merge": {"objects": {"a": 1}, "direction": "right"}}}) == ["/v/@merge/objects should be an array but it is an object."]


def test_merge_item_invalid_has_empty_stack():
    assert messages({"v": {"@merge": {"objects": [{"a": 1}, None, 5], "direction": "right"}}}) == ["/ should be a object or a mapping directive but it is a null."]


def test_merge_item_key_path():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"v": {"@merge": {"objects": [{"a": 1}, None], "direction": "right"}}})
    assert caught.value.key_paths == [("v", "@merge", "objects", 1)]


def test_merge_item_nested_invalid():
    assert messages({"v": {"@merge": {"objects": [{"a": {"@oops": 1}}], "direction": "right"}}}) == ["/a has an invalid directive: @oops."]


# --- @transform ---------------------------------------------------------------------------------


def test_transform_directive():
    assert run({"@transform": {"apply": {"foo": {"@path": "$.traits.logins"}}, "mapping": {"cool": {"@path": "$.foo"}}}}) == {"cool": 5}


def test_transform_mapping_sees_only_new_payload():
    assert run({"@transform": {"apply": {"foo": 1}, "mapping": {"uid": {"@path": "$.userId"}, "foo": {"@path": "$.foo"}}}}) == {"foo": 1}


def test_transform_apply_directive_string():
    assert run({"@transform": {"apply": {"@path": "$.traits.name"}, "mapping": {"a": {"@path": "$.a"}, "k": "lit"}}}) == {"k": "lit"}


def test_transform_apply_missing_payload_is_empty_object():
    nested = {"@transform": {"apply": {"x": 1}, "mapping": {"x": {"@path": "$.x"}}}}
    outer = {"@transform": {"apply": {"@path": "$.nope"}, "mapping": {"inner": nested}}}
    assert run(outer) == {"inner": {"x": 1}}


def test_transform_with_flatten():
    apply = {"properties": {"@flatten": {"value": {"@path": "$.traits.address"}, "separator": "_"}}, "topLevel": "special"}
    result = run({"@transform": {"apply": apply, "mapping": {"p": {"@path": "$.properties"}, "t": {"@path": "$.topLevel"}}}})
    assert result == {"p": {"city": "San Francisco", "zip": None, "geo_lat": 37.77}, "t": "special"}


def test_transform_apply_removes_missing_before_mapping():
    apply = {"obj": {"@merge": {"objects": [{"a": {"@path": "$.nope"}, "b": 1}], "direction": "right"}}}
    mapping = {"@merge": {"objects": [{"a": "default"}, {"@path": "$.obj"}], "direction": "right"}}
    assert run({"@transform": {"apply": apply, "mapping": mapping}}) == {"a": "default", "b": 1}


def test_transform_non_object_item_payload_fails():
    inner = {"@transform": {"apply": {"x": {"@path": "$.id"}}, "mapping": {"y": {"@path": "$.x"}}}}
    assert runtime_error({"@arrayPath": [{"@literal": [1]}, {"t": inner}]}) == "data must be an object, got number"


def test_transform_missing_apply_invalid():
    assert messages({"v": {"@transform": {"mapping": {}}}}) == ['/v/@transform should have field "apply" but it doesn\'t.']


def test_transform_apply_not_object_invalid():
    assert messages({"v": {"@transform": {"apply": "x", "mapping": {}}}}) == ["/v/@transform/apply should be a object or a mapping directive but it is a string."]


def test_transform_unvalidated_apply_strict():
    mapping = {"v": [{"@transform": {"apply": {"a": {"@path": True}}, "mapping": {}}}]}
    assert messages(mapping) == ["/v/0/@transform/apply/a/@path should be a string or a mapping directive but it is a boolean."]


def test_transform_unvalidated_apply_not_strict():
    mapping = {"v": [{"@transform": {"apply": {"a": {"@path": True}}, "mapping": {}}}]}
    compiled = compile_mapping(mapping, strict=False)
    with pytest.raises(MappingValidationError) as caught:
        compiled.transform(EVENT)
    assert caught.value.messages == ["/a/@path should be a string or a mapping directive but it is a boolean."]


# --- root directive -----------------------------------------------------------------------------


def test_root_directive_transform():
    mapping = {"__segment_internal_directive": {"@transform": {"apply": {"nm": {"@path": "$.traits.name"}}}}, "out": {"@path": "$.nm"}, "fixed": "x"}
    assert transform(mapping, EVENT) == {"out": "Peter Gibbons", "fixed": "x"}


def test_root_directive_replaces_mapping_option():
    mapping = {"__segment_internal_directive": {"@transform": {"apply": {"a": 1}, "mapping": {"old": 1}}}, "new": {"@path": "$.a"}}
    assert transform(mapping, EVENT) == {"new": 1}


def test_root_directive_two_keys():
    assert messages({"__segment_internal_directive": {"@transform": {}, "@path": "x"}}) == ["The root mapping must only have a single directive object"]


@pytest.mark.parametrize("root", [{}, "x", 5, None, {"@path": "x"}])
def test_root_directive_not_object(root):
    assert messages({"__segment_internal_directive": root}) == ["The root directive must be an object"]


def test_root_directive_key_paths_point_at_user_keys():
    mapping = {"__segment_internal_directive": {"@transform": {"apply": {"a": {"@path": True}}}}, "out": {"@path": 5}}
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping(mapping)
    assert caught.value.key_paths == [("__segment_internal_directive", "@transform", "apply", "a", "@path"), ("out", "@path")]


def test_root_directive_messages_use_segment_stack():
    mapping = {"__segment_internal_directive": {"@transform": {"apply": {}}}, "out": {"@path": 5}}
    assert messages(mapping) == ["/@transform/mapping/out/@path should be a string or a mapping directive but it is a number."]


# --- @excludeWhenNull ---------------------------------------------------------------------------


def test_exclude_when_null_nested():
    event = {"foo": {"bar": None, "aces": {"a": 1, "b": 2, "c": None, "d": {"a": None, "b": None}}}}
    assert run({"@excludeWhenNull": {"@path": "$.foo"}}, event) == {"aces": {"a": 1, "b": 2, "d": {}}}


def test_exclude_when_null_literal_object():
    assert run({"@excludeWhenNull": {"a": {"@path": "$.traits.nil"}, "b": {"@path": "$.userId"}, "c": {"d": None}}}) == {"b": "u1", "c": {}}


def test_exclude_when_null_null_removed():
    assert run({"@excludeWhenNull": {"@path": "$.traits.nil"}}) is MISSING


def test_exclude_when_null_arrays_unchanged():
    assert run({"@excludeWhenNull": {"@literal": [1, "x", None, {"b": None}]}}) == [1, "x", None, {"b": None}]


def test_exclude_when_null_empty_string_kept():
    assert run({"@excludeWhenNull": ""}) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"@template": "{{traits.nil}}"}, ""),
        ({"@json": {"mode": "encode", "value": {"@path": "$.traits.nil"}}}, "null"),
        ({"@replace": {"pattern": "a", "value": {"@path": "$.traits.nil"}}}, ""),
        ({"@path": "$.traits.nil"}, MISSING),
        ({"@literal": None}, MISSING),
        ({"@case": {"operator": "lower", "value": {"@path": "$.traits.nil"}}}, MISSING),
    ],
)
def test_exclude_when_null_composed(value, expected):
    assert run({"@excludeWhenNull": value}) == expected


# --- validation ---------------------------------------------------------------------------------


def test_validation_two_directive_keys():
    assert messages({"v": {"@path": "$.userId", "@template": "x"}}) == ["/v should only have one @-prefixed key but it has 2 keys."]


def test_validation_directive_mixed_with_raw_key():
    assert messages({"@path": "$.foo", "bar": "baz"}) == ["/ should only have one @-prefixed key but it has 2 keys."]


def test_validation_unknown_directive():
    assert messages({"a": {"b": {"@oops": 1}}}) == ["/a/b has an invalid directive: @oops."]


def test_validation_multiple_errors_in_order():
    mapping = {"a": {"@path": True}, "b": {"c": {"@oops": 1}}, "d": {"@template": 5}}
    assert messages(mapping) == [
        "/a/@path should be a string or a mapping directive but it is a boolean.",
        "/b/c has an invalid directive: @oops.",
        "/d/@template should be a string or a mapping directive but it is a number.",
    ]


def test_validation_key_paths():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"user_attributes": {"name": {"@path": True}}})
    assert caught.value.key_paths == [("user_attributes", "name", "@path")]


def test_validation_error_text_joins_messages():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"a": {"@path": True}, "b": {"@path": 1}})
    assert str(caught.value) == "\n".join(caught.value.messages)


def test_validation_array_item_invalid_argument_fails_at_runtime():
    compiled = compile_mapping({"v": [{"@path": True}]}, strict=False)
    with pytest.raises(DirectiveError, match="^@path: expected string, got boolean$"):
        compiled.transform(EVENT)


def test_validation_unknown_directive_in_array_rejected():
    assert messages({"v": [{"@oops": 1}]}) == ["/v/0 has an invalid directive: @oops."]


def test_validation_unknown_directive_in_array_key_path():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"v": [1, {"@oops": 1}]})
    assert caught.value.key_paths == [("v", 1)]


def test_validation_valid_fixtures():
    for mapping in [{"@if": {"exists": 1, "else": "x"}}, {"@template": "x", "_metadata": {"a": 1}}, [1, 2], "raw", {"a": {"_metadata": 1}}]:
        assert compile_mapping(mapping) is not None


def test_validation_non_json_value_invalid():
    assert messages({"v": {"@literal": datetime.date(2024, 1, 1)}}) == ["/v/@literal should be a mapping directive or a JSON value but it is a date."]


def test_validation_integer_keys_become_text():
    assert transform({1: {"@path": "$.userId"}}, EVENT) == {"1": "u1"}


# --- @liquid ------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["", "{{ traits.name | upcase }}", 5])
def test_liquid_rejected(template):
    assert messages({"v": {"@liquid": template}}) == ["/v/@liquid is not supported by attio-cli. Use @template instead."]


def test_liquid_rejected_key_path():
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"v": {"@liquid": ""}})
    assert caught.value.key_paths == [("v", "@liquid")]


def test_liquid_rejected_inside_array_when_not_strict():
    assert messages({"v": [{"@liquid": ""}]}, strict=False) == ["/v/0/@liquid is not supported by attio-cli. Use @template instead."]


# --- shorthand ----------------------------------------------------------------------------------


def test_shorthand_path_string():
    assert expand_shorthand({"email": "$.traits.email"}) == {"email": {"@path": "$.traits.email"}}


def test_shorthand_other_strings_literal():
    assert expand_shorthand({"a": "hello", "b": "$x", "c": "traits.email", "d": ""}) == {"a": "hello", "b": "$x", "c": "traits.email", "d": ""}


def test_shorthand_scalars_unchanged():
    assert expand_shorthand({"a": 1, "b": None, "c": True}) == {"a": 1, "b": None, "c": True}


def test_shorthand_nested_objects_and_arrays():
    assert expand_shorthand({"a": {"b": ["$.x", "y"]}}) == {"a": {"b": [{"@path": "$.x"}, "y"]}}


def test_shorthand_literal_untouched():
    mapping = {"a": {"@literal": "$.x"}, "b": {"@literal": {"c": "$.y"}}}
    assert expand_shorthand(mapping) == mapping


def test_shorthand_literal_result():
    assert transform(expand_shorthand({"a": {"@literal": "$.x"}}), EVENT) == {"a": "$.x"}


def test_shorthand_path_argument_untouched():
    assert expand_shorthand({"a": {"@path": "$.x"}}) == {"a": {"@path": "$.x"}}


def test_shorthand_template_argument_untouched():
    assert expand_shorthand({"a": {"@template": "$.x"}}) == {"a": {"@template": "$.x"}}


def test_shorthand_if_options():
    mapping = {"a": {"@if": {"exists": "$.traits.email", "then": "$.traits.email", "else": "$.email"}}}
    expected = {"a": {"@if": {"exists": {"@path": "$.traits.email"}, "then": {"@path": "$.traits.email"}, "else": {"@path": "$.email"}}}}
    assert expand_shorthand(mapping) == expected


def test_shorthand_if_blank():
    assert expand_shorthand({"@if": {"blank": "$.a"}}) == {"@if": {"blank": {"@path": "$.a"}}}


def test_shorthand_replace():
    mapping = {"@replace": {"pattern": "$.", "replacement": "$.", "pattern2": "$.", "replacement2": "$.", "value": "$.a"}}
    expected = {"@replace": {"pattern": "$.", "replacement": "$.", "pattern2": "$.", "replacement2": "$.", "value": {"@path": "$.a"}}}
    assert expand_shorthand(mapping) == expected


def test_shorthand_case():
    assert expand_shorthand({"@case": {"operator": "$.x", "value": "$.a"}}) == {"@case": {"operator": "$.x", "value": {"@path": "$.a"}}}


def test_shorthand_json():
    assert expand_shorthand({"@json": {"mode": "$.m", "value": "$.a"}}) == {"@json": {"mode": "$.m", "value": {"@path": "$.a"}}}


def test_shorthand_flatten():
    assert expand_shorthand({"@flatten": {"separator": "$.", "value": "$.a"}}) == {"@flatten": {"separator": "$.", "value": {"@path": "$.a"}}}


def test_shorthand_exclude_when_null():
    assert expand_shorthand({"@excludeWhenNull": "$.a"}) == {"@excludeWhenNull": {"@path": "$.a"}}


def test_shorthand_merge():
    mapping = {"@merge": {"objects": ["$.traits", {"a": "$.b"}], "direction": "$.d"}}
    expected = {"@merge": {"objects": [{"@path": "$.traits"}, {"a": {"@path": "$.b"}}], "direction": "$.d"}}
    assert expand_shorthand(mapping) == expected


def test_shorthand_transform():
    mapping = {"@transform": {"apply": {"n": "$.traits.name"}, "mapping": {"out": "$.n"}}}
    expected = {"@transform": {"apply": {"n": {"@path": "$.traits.name"}}, "mapping": {"out": {"@path": "$.n"}}}}
    assert expand_shorthand(mapping) == expected


def test_shorthand_array_path():
    mapping = {"@arrayPath": ["$.items", {"id": "$.id", "k": "x"}]}
    expected = {"@arrayPath": ["$.items", {"id": {"@path": "$.id"}, "k": "x"}]}
    assert expand_shorthand(mapping) == expected


def test_shorthand_directive_in_text_position_expanded():
    mapping = {"@path": {"@if": {"exists": "$.a", "then": "$.b"}}}
    assert expand_shorthand(mapping) == {"@path": {"@if": {"exists": {"@path": "$.a"}, "then": {"@path": "$.b"}}}}


def test_shorthand_metadata_untouched():
    assert expand_shorthand({"@template": "x", "_metadata": {"a": "$.b"}}) == {"@template": "x", "_metadata": {"a": "$.b"}}


def test_shorthand_root_directive():
    mapping = {"__segment_internal_directive": {"@transform": {"apply": {"n": "$.traits.name"}}}, "out": "$.n"}
    assert transform(expand_shorthand(mapping), EVENT) == {"out": "Peter Gibbons"}


def test_shorthand_does_not_mutate_input():
    mapping = {"a": "$.x", "b": {"@if": {"exists": "$.y"}}}
    before = copy.deepcopy(mapping)
    expand_shorthand(mapping)
    assert mapping == before


def test_shorthand_identify_mapping_result():
    mapping = expand_shorthand({"email_address": {"@if": {"exists": "$.traits.email", "then": "$.traits.email", "else": "$.email"}}, "user_id": "$.userId", "source": "backfill"})
    assert transform(mapping, EVENT) == {"email_address": "Peter@Example.COM", "user_id": "u1", "source": "backfill"}


# --- strict checks of the places Segment's validator skips ------------------------------------


def test_strict_checks_array_items():
    assert messages({"v": [1, {"@path": True}]}) == ["/v/1/@path should be a string or a mapping directive but it is a boolean."]


def test_strict_checks_literal_objects():
    assert messages({"v": {"@literal": {"a": {"@case": "x"}}}}) == ["/v/@literal/a/@case should be an object but it is a string."]


def test_strict_checks_exclude_when_null_objects():
    assert messages({"v": {"@excludeWhenNull": {"a": [{"@oops": 1}]}}}) == ["/v/@excludeWhenNull/a/0 has an invalid directive: @oops."]


def test_strict_reports_segment_errors_first():
    assert messages({"v": [{"@path": True}], "w": {"@path": 1}}) == ["/w/@path should be a string or a mapping directive but it is a number."]


def test_strict_checks_nested_arrays_in_merge_items():
    mapping = {"v": {"@merge": {"objects": [{"a": [{"@oops": 1}]}], "direction": "right"}}}
    assert messages(mapping) == ["/v/@merge/objects/0/a/0 has an invalid directive: @oops."]


def test_not_strict_leaves_array_items_to_runtime():
    assert compile_mapping({"v": [{"@oops": 1}], "k": 1}, strict=False) is not None
