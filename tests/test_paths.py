"""Path lookup: Segment's get for Segment syntax, and the jsonpath-ng extension."""

import pytest

from attio_cli.mapping_kit import MISSING, PathSyntaxError, compile_path, get, is_extension_path, split_segments

DATA = {
    "properties": {
        "arr": [{"id": 1}, {"id": 2}],
        "sp ace": "spaced",
        "dot.key": "dotted",
        "a": 0,
        "b": "",
        "c": None,
        "d": False,
        "s": "str",
        "a[b]": "bracket-literal",
        "nested": [[1, 2]],
    },
    "it's": "apostrophe",
    "its": "no-apostrophe",
    "prénom": "Pierre",
    "integrations": {"Actions Amplitude": {"session_id": 7}},
    "traits": {"name": "Peter"},
    "emoji": "a😀b",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.properties.arr[1].id", 2),
        ("$.properties.arr.1.id", 2),
        ("properties.arr[1].id", 2),
        ("$.properties.nested[0][1]", 2),
        ("$.properties.arr[5].id", MISSING),
        ("$.properties.arr[-1]", MISSING),
        ("$.properties.arr[ 0 ]", MISSING),
        ("$.properties.arr[01]", MISSING),
        ('$.properties["sp ace"]', "spaced"),
        ("['properties'].s", "str"),
        ("$['properties'].s", MISSING),
        ("$.properties['sp ace']", "spaced"),
        ("$.properties.sp ace", "spaced"),
        ("$.integrations.Actions Amplitude.session_id", 7),
        ("$.properties['dot.key']", MISSING),
        ("$.it's", "no-apostrophe"),
        ("$.properties.a[b]", "bracket-literal"),
        ("$.properties.s.", "str"),
        ("$.properties..s", "str"),
        ("$.properties.a.zz", 0),
        ("$.properties.b.zz", ""),
        ("$.properties.c.zz", None),
        ("$.properties.d.zz", False),
        ("$.properties.s.length", 3),
        ("$.properties.arr.length", 2),
        ("$.properties.s[0]", "s"),
        ("$.properties.s.2", "r"),
        ("$.properties.s[3]", MISSING),
        ("$.properties.s.x", MISSING),
        ("$.emoji.length", 4),
        ("$.emoji[1]", "\ud83d"),
        ("$.emoji[3]", "b"),
        ("$", MISSING),
        ("$.constructor", MISSING),
        ("$.traits.toString", MISSING),
        ("$.traits.name.constructor", MISSING),
        ("$.properties.arr.map", MISSING),
        ("$.properties.arr.1.id.zz", MISSING),
        ("$.prénom", "Pierre"),
        ("$.PRÉNOM", MISSING),
        ("$.traits.$.name", MISSING),
        ("traits.$.name", "Peter"),
        ("$..traits.name", "Peter"),
    ],
)
def test_segment_syntax(path, expected):
    assert compile_path(path)(DATA) == expected


@pytest.mark.parametrize("path", ["", ".", "$.", "$..", ".."])
def test_root_paths(path):
    assert compile_path(path)(DATA) is DATA


def test_missing_result_is_missing_sentinel():
    assert compile_path("$.nope.deeper")(DATA) is MISSING


def test_own_constructor_key_is_read():
    assert compile_path("$.constructor")({"constructor": "own"}) == "own"


def test_walk_through_missing_array_item():
    assert compile_path("$.a.0.b")({"a": [MISSING]}) is MISSING


def test_walk_from_non_object_payload():
    assert compile_path("$.id")(1) is MISSING


def test_walk_from_null_payload():
    assert compile_path("$.id")(None) is None


def test_walk_from_string_payload():
    assert compile_path("$.length")("abc") == 3


def test_nan_stops_walk():
    result = compile_path("$.a.b")({"a": float("nan")})
    assert result != result


def test_number_has_no_keys():
    assert compile_path("$.a.b")({"a": 5}) is MISSING


def test_true_has_no_keys():
    assert compile_path("$.a.b")({"a": True}) is MISSING


def test_long_path():
    data = {"a": {"b": {"c": {"d": {"e": 5}}}}}
    assert compile_path("$.a.b.c.d.e")(data) == 5


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("properties.arr[1].id", ("properties", "arr", "1", "id")),
        ("a[0][1]", ("a", "0", "1")),
        ("arr[-1]", ("arr[-1",)),
        ("arr[ 0 ]", ("arr[ 0 ]",)),
        ("arr[01]", ("arr", "01")),
        ("[]", ("[]",)),
        ("['a'].b", ("a", "b")),
        ('a["b"]', ("a", "b")),
        ("a[b]", ("a[b]",)),
        ("it's", ("its",)),
        ("a..b.", ("a", "b")),
        ("$", ("$",)),
        ('a[""]', ("a", "")),
    ],
)
def test_split_segments(path, segments):
    assert split_segments(path) == segments


def test_template_mode_keeps_dollar_dot():
    assert compile_path("$.traits.name", strip_dollar_dot=False)(DATA) is MISSING


def test_template_mode_root():
    assert compile_path("", strip_dollar_dot=False)(DATA) is DATA


def test_plain_path_is_tuple_walk():
    getter = compile_path("$.traits.name")
    assert getter.is_extension is False
    assert getter.segments == ("traits", "name")


def test_get_helper():
    assert get(DATA, "$.traits.name") == "Peter"


# --- JSONPath extension ---------------------------------------------------------------------

PRODUCTS = {"products": [{"id": 1, "price": 5, "tags": ["a"]}, {"id": 2, "price": 0}, {"id": 3, "price": 12}], "single": {"x": 1, "y": 2}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.products[*].id", [1, 2, 3]),
        ("products[*].id", [1, 2, 3]),
        ("$.products[?(@.price > 1)].id", [1, 3]),
        ("$.products[?price > 10].id", [3]),
        ("$.products[1:].id", [2, 3]),
        ("$.products[0,2].id", [1, 3]),
        ("$.single.*", [1, 2]),
        ("$.products[?(@.price > 100)].id", MISSING),
        ("$.nope[*]", MISSING),
        ("$.products[?(@.id == 2)].price", [0]),
    ],
)
def test_extension_paths(path, expected):
    assert compile_path(path)(PRODUCTS) == expected


def test_extension_single_match_is_list():
    assert compile_path("$.products[?(@.id == 3)].id")(PRODUCTS) == [3]


def test_extension_on_missing_payload():
    assert compile_path("$.products[*].id")(MISSING) is MISSING


def test_extension_flag():
    assert compile_path("$.products[*].id").is_extension is True


@pytest.mark.parametrize(
    "path",
    ["$.a[*]", "$.a[ * ]", "$.a.*", "$.*", "$.a.*.b", "$.a[?(@.x)]", "$.a[?x > 1]", "$.a[1:]", "$.a[:2]", "$.a[0:4:2]", "$.a[0,1]"],
)
def test_extension_detected(path):
    assert is_extension_path(path) is True


@pytest.mark.parametrize(
    "path",
    ["$.a.b", "$.a[0]", "$.a.0", "$.a['b c']", "a.b", "$..a", "$.a[-1]", "$.a[01]", "$.a['*']", "$.a.*b", "$.a[b]", "$.a b"],
)
def test_segment_syntax_detected(path):
    assert is_extension_path(path) is False


def test_quoted_star_is_a_key():
    assert compile_path("$.a['*']")({"a": {"*": 1}}) == 1


def test_recursive_descent_follows_segment():
    assert compile_path("$..a")({"a": 1, "b": {"a": 2}}) == 1


def test_extension_syntax_error():
    with pytest.raises(PathSyntaxError, match="is not a valid JSONPath"):
        compile_path("$.a[?(@.x >)]")


def test_extension_disabled_reads_segment_syntax():
    assert compile_path("$.a[*]", extensions=False)({"a[*]": 1}) == 1
