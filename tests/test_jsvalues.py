"""JavaScript value semantics: undefined, numbers, String(), truthiness, UTF-16, property walks, JSON and key order."""

import copy
import math
import pickle

import pytest

from attio_cli import mapping_kit
from attio_cli.actions.fields import Field
from attio_cli.actions.json_schema import compile_field, remove_empty_values
from attio_cli.jsvalues import (
    JS_WHITESPACE,
    MISSING,
    array_index,
    compile_property_walk,
    is_array_index,
    js_code_unit_at,
    js_code_units,
    js_json_parse,
    js_json_stringify,
    js_key_order,
    js_keys,
    js_length,
    js_number_to_string,
    js_number_value,
    js_property_step,
    js_string,
    js_string_to_number,
    js_to_number,
    js_trim,
    js_truthy,
    js_type_of,
    to_double,
)
from attio_cli.mapping_kit.jsvalues import compile_literal_replace, js_loose_equals_empty_string


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


def test_missing_type_has_one_instance():
    with pytest.raises(TypeError):
        type(MISSING)()


def test_missing_reexported_by_mapping_kit():
    assert mapping_kit.MISSING is MISSING


def test_missing_is_payload_validation_undefined():
    node = compile_field(Field(key="name", label="Name", type="string"))
    assert remove_empty_values(None, node) is MISSING


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
        (123456789012345680000, "123456789012345680000"),
        (12345678901234567890, "12345678901234567000"),
        (1.5e300, "1.5e+300"),
        (10**21, "1e+21"),
        (-(10**22), "-1e+22"),
        (10**400, "Infinity"),
        (-(10**400), "-Infinity"),
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
        ([1, None, "x"], "1,,x"),
        ([1, [2, [3, None]], MISSING], "1,2,3,,"),
        ([], ""),
        ({}, "[object Object]"),
        ({"a": 1}, "[object Object]"),
        ([{"a": 1}], "[object Object]"),
    ],
)
def test_js_string(value, text):
    assert js_string(value) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12.0),
        (" 12\n", 12.0),
        ("\ufeff\u00a0 7 \u2028", 7.0),
        ("", 0.0),
        (" ", 0.0),
        ("0x10", 16.0),
        ("0X1f", 31.0),
        ("0o17", 15.0),
        ("0b11", 3.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("-.5e-3", -0.0005),
        ("1E+5", 100000.0),
        ("Infinity", math.inf),
        ("+Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("1e400", math.inf),
        ("0x" + "f" * 300, math.inf),
        ("0b" + "1" * 1100, math.inf),
    ],
)
def test_string_to_number(text, number):
    assert js_string_to_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        *("abc", "1_000", "inf", "nan", "NaN", "infinity", "1e", "-0x10", "+0x10", "0x", "1,000", ".", "-"),
        # Python's float() and str.strip() accept these, JavaScript does not.
        *("\x1c5", "\x855", "١٢", "1١", "４"),
    ],
)
def test_string_to_number_nan(text):
    assert math.isnan(js_string_to_number(text))


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (True, 1.0),
        (False, 0.0),
        (None, 0.0),
        (7, 7.0),
        (10**400, math.inf),
        (" 7 ", 7.0),
        ([], 0.0),
        (["5"], 5.0),
        ([[5]], 5.0),
        ([None], 0.0),
    ],
)
def test_to_number(value, number):
    assert js_to_number(value) == number


@pytest.mark.parametrize("value", [MISSING, {}, [1, 2], ["x"], "1_0"])
def test_to_number_nan(value):
    assert math.isnan(js_to_number(value))


def test_to_double_int_is_float():
    assert type(to_double(5)) is float


@pytest.mark.parametrize(
    ("number", "value"),
    [(12.0, 12), (-0.0, 0), (2.0**53, 2**53), (2.0**53 + 2, 2.0**53 + 2), (1.5, 1.5), (math.inf, math.inf)],
)
def test_number_value(number, value):
    result = js_number_value(number)
    assert result == value
    assert type(result) is type(value)


def test_number_value_keeps_nan():
    assert math.isnan(js_number_value(math.nan))


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
        ("9007199254740993", 9007199254740992.0),
        ("-9007199254740992", -(2**53)),
        ("1" + "0" * 5000, math.inf),
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


@pytest.mark.parametrize(
    ("key", "index"),
    [("0", 0), ("42", 42), ("4294967294", 4294967294), ("4294967295", None), ("01", None), ("1١", None), ("length", None)],
)
def test_array_index(key, index):
    assert array_index(key) == index


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


@pytest.mark.parametrize(
    ("text", "index", "unit"),
    [("abc", 1, "b"), ("abc", 3, MISSING), ("a😀", 1, "\ud83d"), ("a😀", 2, "\ude00"), ("a😀", 3, MISSING)],
)
def test_code_unit_at(text, index, unit):
    assert js_code_unit_at(text, index) == unit


def test_code_units_split_astral_characters():
    assert js_code_units("a😀") == ["a", "\ud83d", "\ude00"]


def test_trim_uses_javascript_whitespace():
    assert js_trim("\ufeff\u00a0 x \u2028") == "x"


def test_trim_keeps_python_only_whitespace():
    assert js_trim("\x1cx\x85") == "\x1cx\x85"


def test_whitespace_is_ecmascript_set():
    # WhiteSpace plus LineTerminator, as listed in ECMAScript: 25 code points.
    expected = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff")
    expected |= {chr(code) for code in range(0x2000, 0x200B)}
    assert set(JS_WHITESPACE) == expected


@pytest.mark.parametrize(
    ("obj", "key", "value"),
    [
        ({"a": 1}, "a", 1),
        ({"a": 1}, "constructor", MISSING),
        ([10, 20], "1", 20),
        ([10, 20], "2", MISSING),
        ([10, 20], "length", 2),
        ([10, 20], "map", MISSING),
        ("a😀", "length", 3),
        ("a😀", "1", "\ud83d"),
        ("", "length", ""),
        (0, "x", 0),
        (5, "x", MISSING),
        (True, "x", MISSING),
        (False, "x", False),
        (None, "x", None),
        (MISSING, "x", MISSING),
        ((10, 20), "0", 10),
    ],
)
def test_property_step(obj, key, value):
    assert js_property_step(obj, key, array_index(key)) == value


def test_property_step_nan_is_result():
    assert math.isnan(js_property_step(math.nan, "x", None))


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        ((), {"s": "a😀", "list": [{"id": 7}], "deep": {"a": {"b": {"c": {"d": 4}}}}}),
        (("s",), "a😀"),
        (("s", "length"), 3),
        (("list", "0", "id"), 7),
        (("list", "1", "id"), MISSING),
        (("deep", "a", "b", "c", "d"), 4),
        (("deep", "a", "x", "c", "d"), MISSING),
        (("missing", "x"), MISSING),
    ],
)
def test_property_walk(keys, value):
    data = {"s": "a😀", "list": [{"id": 7}], "deep": {"a": {"b": {"c": {"d": 4}}}}}
    assert compile_property_walk(keys)(data) == value


def test_property_walk_stops_at_falsy_value():
    assert compile_property_walk(("a", "b", "c"))({"a": {"b": 0}}) == 0


def test_property_walk_from_non_dict_root():
    assert compile_property_walk(("0", "k"))([{"k": "v"}]) == "v"


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
