"""JavaScript value semantics: number text, String(), truthiness, loose equality, JSON and key order."""

import copy
import math
import pickle

import pytest

from attio_cli.mapping_kit import (
    MISSING,
    is_array_index,
    js_json_parse,
    js_json_stringify,
    js_key_order,
    js_keys,
    js_length,
    js_loose_equals_empty_string,
    js_number_to_string,
    js_string,
    js_truthy,
    js_type_of,
)
from attio_cli.mapping_kit.jsvalues import compile_literal_replace, js_code_units, js_trim


def test_missing_repr():
    assert repr(MISSING) == "MISSING"


def test_missing_is_falsy():
    assert not MISSING


def test_missing_is_not_none():
    assert MISSING is not None


def test_missing_survives_copy_and_pickle():
    assert copy.copy(MISSING) is MISSING
    assert copy.deepcopy(MISSING) is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1.0, "1"),
        (1, "1"),
        (0, "0"),
        (-0.0, "0"),
        (1.5, "1.5"),
        (-1.5, "-1.5"),
        (37.77, "37.77"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (0.0000015, "0.0000015"),
        (1e16, "10000000000000000"),
        (2**53, "9007199254740992"),
        (2**64, "18446744073709552000"),
        (10**21, "1e+21"),
        (-(10**22), "-1e+22"),
        (10**400, "Infinity"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (float("nan"), "NaN"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ],
)
def test_number_to_string(number, text):
    assert js_number_to_string(number) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("x", "x"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (MISSING, "undefined"),
        (1e21, "1e+21"),
        ([1, "x", None], "1,x,"),
        ([1, [2, [3, None]], MISSING], "1,2,3,,"),
        ([], ""),
        ({}, "[object Object]"),
        ({"a": 1}, "[object Object]"),
        ([{"a": 1}], "[object Object]"),
    ],
)
def test_js_string(value, text):
    assert js_string(value) == text


@pytest.mark.parametrize("value", [False, 0, 0.0, -0.0, float("nan"), "", None, MISSING])
def test_truthy_falsy_values(value):
    assert js_truthy(value) is False


@pytest.mark.parametrize("value", [True, 1, -1, 0.5, " ", "0", "false", {}, [], [0], {"a": None}])
def test_truthy_truthy_values(value):
    assert js_truthy(value) is True


@pytest.mark.parametrize("value", ["", 0, 0.0, False, [], [""], [None], [[]], [MISSING]])
def test_loose_equals_empty_string_true(value):
    assert js_loose_equals_empty_string(value) is True


@pytest.mark.parametrize("value", [None, MISSING, " ", "0", "false", True, 1, [0], ["", ""], {}, [{}]])
def test_loose_equals_empty_string_false(value):
    assert js_loose_equals_empty_string(value) is False


@pytest.mark.parametrize(
    ("value", "name"),
    [({}, "object"), ([], "array"), ("", "string"), (1, "number"), (1.5, "number"), (True, "boolean"), (None, "null"), (MISSING, "undefined")],
)
def test_type_of(value, name):
    assert js_type_of(value) == name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"street": "6th St", "zip": None, "geo": {"lat": 37.77}}, '{"street":"6th St","zip":null,"geo":{"lat":37.77}}'),
        ("bar", '"bar"'),
        (None, "null"),
        (1.0, "1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (-0.0, "0"),
        (float("nan"), "null"),
        (float("inf"), "null"),
        ([1, MISSING, None], "[1,null,null]"),
        ({"a": MISSING, "b": 1}, '{"b":1}'),
        ("é/ü", '"é/ü"'),
        ("\u2028", '"\u2028"'),
        ('q"\\\n\t\b\f\r\x01\x1f', '"q\\"\\\\\\n\\t\\b\\f\\r\\u0001\\u001f"'),
        ("\ud800", '"\\ud800"'),
        ("😀", '"😀"'),
        ({"b": 2, "2": "two", "a": 1, "1": "one"}, '{"1":"one","2":"two","b":2,"a":1}'),
        ([], "[]"),
        ({}, "{}"),
    ],
)
def test_json_stringify(value, text):
    assert js_json_stringify(value) == text


def test_json_stringify_missing():
    assert js_json_stringify(MISSING) is MISSING


def test_json_stringify_rejects_unknown_types():
    with pytest.raises(TypeError):
        js_json_stringify(object())


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a":1,"b":[1,2],"c":null}', {"a": 1, "b": [1, 2], "c": None}),
        ("12", 12),
        ("null", None),
        ("1.0", 1),
        ("1.5", 1.5),
        ("12345678901234567890", 12345678901234567890.0),
        (" \t\n\r[true] ", [True]),
    ],
)
def test_json_parse(text, value):
    assert js_json_parse(text) == value


def test_json_parse_integral_float_is_int():
    assert type(js_json_parse("1.0")) is int


def test_json_parse_large_int_is_float():
    assert type(js_json_parse("12345678901234567890")) is float


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "{a:1}", "'x'", "", "\ufeff1", "[1,]", "01"])
def test_json_parse_rejects_what_javascript_rejects(text):
    with pytest.raises(ValueError):
        js_json_parse(text)


def test_json_parse_orders_keys():
    assert list(js_json_parse('{"b":1,"2":2,"a":3,"1":4}')) == ["1", "2", "b", "a"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [("0", True), ("1", True), ("10", True), ("4294967294", True), ("4294967295", False), ("01", False), ("-1", False), ("1.0", False), ("", False), ("a", False), ("١", False)],
)
def test_is_array_index(key, expected):
    assert is_array_index(key) is expected


def test_keys_in_javascript_order():
    assert js_keys({"b": 2, "2": "two", "a": 1, "1": "one", "01": 0}) == ["1", "2", "b", "a", "01"]


def test_key_order_returns_same_dict_when_ordered():
    ordered = {"1": 1, "b": 2}
    assert js_key_order(ordered) is ordered


def test_key_order_reorders():
    assert list(js_key_order({"b": 2, "10": 1, "9": 0})) == ["9", "10", "b"]


@pytest.mark.parametrize(("text", "length"), [("", 0), ("str", 3), ("straße", 6), ("😀", 2), ("a😀b", 4)])
def test_length_counts_utf16_code_units(text, length):
    assert js_length(text) == length


def test_code_units_split_astral_characters():
    assert js_code_units("a😀") == ["a", "\ud83d", "\ude00"]


def test_trim_uses_javascript_whitespace():
    assert js_trim("\ufeff\u00a0 x \u2028") == "x"


def test_trim_keeps_python_only_whitespace():
    assert js_trim("\x1cx\x85") == "\x1cx\x85"


@pytest.mark.parametrize(
    ("pattern", "replacement", "global_", "ignore_case", "text", "result"),
    [
        (" ", "_", True, False, "Peter Gibbons", "Peter_Gibbons"),
        ("+", "_", False, False, "many+different+things", "many_different+things"),
        (".", "", True, False, "a.b.c", "abc"),
        (".", "$&$&", True, False, "a.b", "a..b"),
        (".", "[$`]", True, False, "a.b", "a[a]b"),
        (".", "[$']", True, False, "a.b.c", "a[b.c]b[c]c"),
        ("b", "$$", True, False, "abc", "a$c"),
        ("b", "$1$<x>$", True, False, "abc", "a$1$<x>$c"),
        ("A", "x", True, True, "aAa", "xxx"),
        ("s", "x", True, True, "ſs", "ſx"),
        ("k", "x", True, True, "\u212ak", "\u212ax"),
        ("ß", "x", True, True, "ßẞ", "xẞ"),
        ("é", "e", True, True, "ÉtÉ", "ete"),
        ("zz", "x", True, False, "abc", "abc"),
    ],
)
def test_literal_replace(pattern, replacement, global_, ignore_case, text, result):
    assert compile_literal_replace(pattern, replacement, global_=global_, ignore_case=ignore_case)(text) == result


def test_number_to_string_rounds_big_ints_like_doubles():
    assert js_number_to_string(2**53 + 1) == "9007199254740992"


def test_number_to_string_matches_float_for_ints():
    assert js_number_to_string(12345) == js_number_to_string(12345.0)


def test_nan_is_not_equal_empty_string():
    assert js_loose_equals_empty_string(math.nan) is False
