"""Unit tests for subscriptions: attio-cli's grammar, its evaluation, its warnings, and the Segment emulation."""

from __future__ import annotations

import pytest

from attio_cli.triggers import (
    SegmentEvaluationError,
    Trigger,
    TriggerSyntaxError,
    compile_trigger,
    segment_parse,
    segment_validate,
)

TYPE_ERROR = "Cannot read properties of undefined (reading 'type')"

ORDER = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u1",
    "anonymousId": "anon-1",
    "messageId": "m-1",
    "groupId": "g-1",
    "integrations": {"All": True, "Mixpanel": False},
    "properties": {
        "total": 500,
        "price": "100",
        "premium": True,
        "flag": "true",
        "plan": "Pro",
        "name": "Nike Air",
        "tags": ["a", "b"],
        "nested": {"zero": 0, "empty": "", "no": False, "nil": None, "deep": {"z": "deep"}},
        "product 1": {"price": 5},
        "a.b": "dotted key",
        "nil": None,
        "empty": "",
        "big": 9007199254740993,
    },
    "context": {"page": {"url": "https://shop.example.com/cart"}, "traits": {"email": "ctx@example.com"}},
}
IDENTIFY = {
    "type": "identify",
    "userId": "97980cfea0067",
    "traits": {"email": "peter@example.com", "logins": 5, "vip": False},
}
SCREEN = {"type": "screen", "name": "Home", "userId": True}


def matches(text: str, event: dict) -> bool:
    return compile_trigger(text).matches(event)


# ---------------------------------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('type = "track"', ORDER, True),
        ('type = "Track"', ORDER, False),
        ('event = "Order Completed"', ORDER, True),
        ('event = "order completed"', ORDER, False),
        ('properties.price = "100"', ORDER, True),
        ('properties.total = "500"', ORDER, False),
        ('properties.plan = Pro', ORDER, True),
        ("type = track", ORDER, True),
        ('properties.flag = "true"', ORDER, True),
        ('properties.premium = "true"', ORDER, False),
    ],
)
def test_equals_is_strict_string_equality(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('event != "Signed Up"', IDENTIFY, True),
        ('event != "Order Completed"', ORDER, False),
        ('properties.total != "500"', ORDER, True),
        ('properties.missing != "x"', ORDER, True),
        ('properties.nil != "x"', ORDER, True),
        ("properties.premium != true", ORDER, True),
        ("properties.flag != true", ORDER, False),
    ],
)
def test_not_equals_true_for_missing(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ("properties.total = 500", ORDER, True),
        ("properties.total = 500.0", ORDER, True),
        ("properties.price = 100", ORDER, False),
        ("properties.total != 400", ORDER, True),
        ("properties.price != 400", ORDER, False),
        ("properties.missing != 400", ORDER, False),
        ("properties.big = 9007199254740992", ORDER, True),
    ],
)
def test_number_equality_needs_a_number(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("properties.total > 100", True),
        ("properties.total >= 500", True),
        ("properties.total < 500", False),
        ("properties.total <= 500", True),
        ("properties.total > -5.5", True),
        ("properties.total > +5", True),
        ('properties.total > "100"', True),
        ('properties.total > "abc"', False),
        ("properties.price > 5", False),
        ("properties.missing < 5", False),
        ("properties.premium > 0", False),
        ("traits.logins >= 5", False),
    ],
)
def test_ordering_needs_a_number(text, expected):
    assert matches(text, ORDER) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ("properties.premium = true", ORDER, True),
        ("properties.flag = true", ORDER, False),
        ("traits.vip = false", IDENTIFY, True),
        ("traits.missing = false", IDENTIFY, False),
        ("userId = true", SCREEN, True),
        ("userId = true", ORDER, False),
        ("name = true", {"name": True}, False),
        ("name = true", {"name": "true"}, True),
    ],
)
def test_boolean_tests(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ("userId != null", ORDER, True),
        ("userId != null", {"userId": ""}, True),
        ("userId = null", {"userId": None}, True),
        ("userId = null", {}, True),
        ("properties.nil = null", ORDER, True),
        ("properties.empty != null", ORDER, True),
        ("properties.missing = null", ORDER, True),
        ("name != null", SCREEN, True),
        ("event = null", {"event": "null"}, False),
        ("event != null", {}, False),
        ("anonymousId != null", ORDER, True),
        ("groupId != null", IDENTIFY, False),
    ],
)
def test_null_tests_existence(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('contains(event, "Order")', ORDER, True),
        ('contains(event, "order")', ORDER, False),
        ('contains(event, "")', ORDER, True),
        ('contains(event, "")', IDENTIFY, False),
        ('contains(properties.total, "5")', ORDER, False),
        ("contains(properties.name, Nike)", ORDER, True),
        ('contains(properties.tags, "a")', ORDER, False),
        ('!contains(event, "Signed")', ORDER, True),
        ('!contains(event, "Signed")', IDENTIFY, False),
        ('contains(context.page.url, "shop")', ORDER, True),
        ('contains(type, "tra")', ORDER, True),
    ],
)
def test_contains_case_sensitive_strings_only(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('match(event, "Order*")', True),
        ('match(event, "order*")', False),
        ('match(event, "*Completed")', True),
        ('match(event, "*der Comp*")', True),
        ('match(event, "Order Completed")', True),
        ('match(event, "Order")', False),
        ('match(event, "O*C*d")', True),
        ('match(event, "O*X*d")', False),
        ('match(event, "*")', True),
        ('!match(event, "Order*")', False),
        ('!match(event, "*Started")', True),
        ('!match(event, "Order Completed")', False),
        ('!match(event, "O*X*d")', True),
        ('match(properties.total, "5*")', False),
        ('!match(properties.missing, "x*")', False),
    ],
)
def test_match_patterns(text, expected):
    assert matches(text, ORDER) is expected


# ---------------------------------------------------------------------------------------------------
# Precedence, nesting and negation
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('type = "identify" or type = "track" and userId = null', ORDER, False),
        ('type = "identify" or type = "track" and userId != null', ORDER, True),
        ('(type = "identify" or type = "track") and userId = null', ORDER, False),
        ('type = "track" and event = "x" or event = "Order Completed"', ORDER, True),
        ('type = "track" and (event = "x" or (event = "y" or event = "Order Completed"))', ORDER, True),
        ('((type = "identify"))', IDENTIFY, True),
        ('type = "track" AND event = "Order Completed"', ORDER, True),
        ('type = "identify" OR type = "track"', ORDER, True),
        ('type = "identify"\tor\ntype = "track"', ORDER, True),
    ],
)
def test_precedence_and_nesting(text, event, expected):
    assert matches(text, event) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ('not type = "track"', ORDER, False),
        ('NOT type = "track"', IDENTIFY, True),
        ('!(type = "track")', ORDER, False),
        ('!(type = "track" or type = "page")', IDENTIFY, True),
        ('not type = "identify" and userId != null', ORDER, True),
        ('not (type = "identify" and userId != null)', IDENTIFY, False),
        ('not not type = "track"', ORDER, True),
        ('not contains(event, "x")', IDENTIFY, True),
        ('!contains(event, "x")', IDENTIFY, False),
    ],
)
def test_negation(text, event, expected):
    assert matches(text, event) is expected


# ---------------------------------------------------------------------------------------------------
# Paths and values
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("properties.nested.zero.x != null", True),
        ("properties.nested.zero.x = 0", True),
        ('properties.nested.empty.x = ""', True),
        ("properties.nested.no.x = false", True),
        ("properties.nested.nil.x = null", True),
        ('properties.nested.deep.z = "deep"', True),
        ("properties.nested.missing.z = null", True),
    ],
)
def test_falsy_intermediate_is_the_result(text, expected):
    assert matches(text, ORDER) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('properties.tags.0 = "a"', True),
        ('properties.tags[1] = "b"', True),
        ('properties.tags.\\0 = "a"', True),
        ("properties.tags.length = 2", True),
        ('properties.plan.0 = "P"', True),
        ("properties.plan.length = 3", True),
        ("properties.tags.5 = null", True),
        ('properties.product\\ 1.price = 5', True),
        ('properties["product 1"].price = 5', True),
        ('properties.a\\.b = "dotted key"', True),
        ('properties["a.b"] = "dotted key"', True),
        ('context.page.url = "https://shop.example.com/cart"', True),
        ('context.traits.email = "ctx@example.com"', True),
        ("integrations.All = true", True),
        ('messageId = "m-1"', True),
        ('groupId = "g-1"', True),
        ('anonymousId = "anon-1"', True),
    ],
)
def test_field_paths(text, expected):
    assert matches(text, ORDER) is expected


def test_non_ascii_digits_not_an_index():
    # JavaScript reads list["1١"] as a property that arrays do not have; only ASCII digits index.
    event = {"properties": {"list": ["a"] * 11 + ["x"]}}
    assert matches('properties.list.1١ = "x"', event) is False


def test_non_ascii_digits_not_a_number():
    # Number("١٢") is NaN in JavaScript, so no comparison with it holds.
    assert matches('properties.n > "١٢"', {"properties": {"n": 20}}) is False


def test_traits_ignore_context_traits():
    assert matches("traits.email != null", ORDER) is False


def test_traits_read_top_level():
    assert matches('traits.email = "peter@example.com"', IDENTIFY) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type = 5", True),
        ("type = 5.0", True),
        ('type = "5"', True),
        ("userId = 42", False),
        ('userId = "42"', False),
    ],
)
def test_text_fields_compare_numbers_as_text(text, expected):
    assert matches(text, {"type": "5", "userId": 42}) is expected


@pytest.mark.parametrize("event", [None, [], "track", 5])
def test_non_object_event_has_no_fields(event):
    trigger = compile_trigger('type != "track" and userId = null')
    assert trigger.matches(event) is True


def test_missing_field_fails_positive_tests():
    trigger = compile_trigger('properties.x = "a" or properties.x > 1 or contains(properties.x, "a")')
    assert trigger.matches({"properties": {}}) is False


def test_empty_event():
    assert matches('type = "identify"', {}) is False


def test_trigger_keeps_text():
    trigger = compile_trigger('type = "identify"')
    assert isinstance(trigger, Trigger)
    assert trigger.text == 'type = "identify"'
    assert trigger.warnings == []


# ---------------------------------------------------------------------------------------------------
# Syntax errors
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 1, 'expected a condition, such as type = "identify", but the subscription is empty'),
        (" \t\n", 1, 'expected a condition, such as type = "identify", but the subscription is empty'),
        ("type = ", 8, "expected a value after '=' but found end of input"),
        ("type = and", 8, "expected a value after '=' but found 'and'"),
        ("typo", 5, "expected an operator (=, !=, <, <=, >, >=) after 'typo' but found end of input"),
        ('type * "32456"', 6, "expected an operator (=, !=, <, <=, >, >=) after 'type' but found '*'"),
        ('type = "track" and', 19, "expected a condition but found end of input"),
        ('and type = "track"', 1, "expected a condition but found 'and'"),
        ("()", 2, "expected a condition after '(' but found ')'"),
        ('(type = "track"', 16, "expected 'and', 'or' or ')' but found end of input"),
        ('type = "track")', 15, "expected 'and', 'or' or end of input but found ')'"),
        (
            'type = "track" && event = "A"',
            16,
            "expected 'and', 'or' or end of input but found '&&'; write 'and' instead of '&&'",
        ),
        (
            'type = "track" || event = "A"',
            16,
            "expected 'and', 'or' or end of input but found '||'; write 'or' instead of '||'",
        ),
        (
            'event = "x" event = "y"',
            13,
            "expected 'and', 'or' or end of input but found 'event'; join conditions with 'and' or 'or'",
        ),
        (
            'properties.x = "unterminated',
            29,
            'expected a closing " for the string that starts at column 16 but found end of input',
        ),
        ("userId = 019abc", 10, "invalid number '019abc'; write text in double quotes, such as \"019abc\""),
        ("properties. = 1", 12, "expected a name after '.' but found ' ' (escape other characters with '\\')"),
        ("properties.x\\", 14, "expected a character after '\\' but found end of input"),
        ("properties.tags[x] = 1", 17, "expected an array index or a quoted key after '[' but found 'x'"),
        ("properties.tags[0 = 1", 18, "expected ']' but found ' '"),
        ("properties.total > abc", 20, "expected a number after '>' but found 'abc'"),
        ("properties.total < null", 20, "expected a number after '<' but found null"),
        ("contains(event)", 15, "expected ',' after 'event' but found ')'"),
        ('contains(, "x")', 10, "expected a field after 'contains(' but found ','"),
        ("contains(event, null)", 17, "expected a value after ',' but found null"),
        ('contains(event, "x"', 20, "expected ')' to close contains( but found end of input"),
        (
            "match(event, Signed)",
            14,
            'expected a quoted pattern, such as "Signed*", after \',\' but found \'Signed\'',
        ),
        ("!", 2, "expected a condition but found end of input"),
    ],
)
def test_syntax_errors(text, column, message):
    with pytest.raises(TriggerSyntaxError) as caught:
        compile_trigger(text)
    assert caught.value.column == column
    assert caught.value.message == message
    assert str(caught.value) == f"column {column}: {message}"


def test_syntax_error_brief_example():
    with pytest.raises(TriggerSyntaxError) as caught:
        compile_trigger('properties.plan = ')
    assert str(caught.value) == "column 19: expected a value after '=' but found end of input"


def test_non_string_subscription():
    with pytest.raises(TypeError):
        compile_trigger(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------------

UI_SUBSCRIPTIONS = [
    'type = "identify"',
    'type = "identify" or type = "group"',
    'type = "track" and event = "Signed Up"',
    'event != "Signed Up"',
    "name != null",
    "userId = null",
    "userId = true",
    "properties.total > 100",
    "properties.total >= -5.5",
    "properties.total != 500",
    'properties.premium = "true"',
    "properties.premium = false",
    "traits.email != null",
    'contains(event, "Sign")',
    '!contains(traits.name, "Nike")',
    'match(event, "Signed*")',
    'match(event, "*Up")',
    '!match(event, "Signed*")',
    'contains(context.page.url, "shop")',
    'context.traits.email != null',
    'type = "track" and (event = "Signed Up" or event = "Signed In")',
    '(event = "A" and properties.total >= 500) or (event = "B" and properties.type = "organic")',
    'type = "track" and (event = "A" or contains(event, "B"))',
    "properties.product\\ 1.price = 5",
    "type = identify",
    'type ="identify"',
    'type = "track" AND event = "Signed Up"',
    'type = "track"\tor type = "page"',
]


@pytest.mark.parametrize("text", UI_SUBSCRIPTIONS)
def test_no_warning_when_segment_agrees(text):
    assert compile_trigger(text).warnings == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'type = "track" OR type = "identify"',
            [
                "Segment reads this subscription as 'type = \"track\" and type = \"identify\"', but attio-cli reads "
                "it as 'type = \"track\" or type = \"identify\"'. Write 'type = \"track\" or type = \"identify\"' "
                "to get the same result in both.",
                "column 16: Segment ignores 'OR' because it recognises only lower-case 'or'; write 'or'.",
            ],
        ),
        (
            'anonymousId != null and type = "identify"',
            [
                "Segment reads this subscription as 'type = \"identify\"', but attio-cli reads it as "
                "'anonymousId != null and type = \"identify\"'. attio-cli found no way to write this condition "
                "that Segment reads the same way.",
                "column 1: Segment does not support the field 'anonymousId' and drops the condition on it; it "
                "supports only type, event, name, userId, properties.*, traits.* and context.*.",
            ],
        ),
        (
            "properties.total>100",
            [
                "Segment rejects this subscription (\"Invalid subscription : Cannot read properties of undefined "
                "(reading 'type')\") and sends no event through it, while attio-cli reads it as "
                "'properties.total > 100'. Write 'properties.total > 100' to get the same result in both.",
                "column 17: Segment rejects '>' directly after the field name 'properties.total'; add a space "
                "before '>'.",
            ],
        ),
        (
            'type = "identify" or type = "track" and userId != null',
            [
                "Segment reads this subscription as 'type = \"identify\" and type = \"track\" and userId != null', "
                "but attio-cli reads it as 'type = \"identify\" or (type = \"track\" and userId != null)'. Write "
                "'type = \"identify\" or (type = \"track\" and userId != null)' to get the same result in both.",
                "column 19: 'and' and 'or' are mixed without parentheses. attio-cli gives 'and' precedence, but "
                "Segment applies the last 'and' or 'or' of a level to every condition on that level; add "
                "parentheses.",
            ],
        ),
    ],
)
def test_warning_full_text(text, expected):
    assert compile_trigger(text).warnings == expected


@pytest.mark.parametrize(
    ("text", "construct_warning"),
    [
        (
            'type = "track"\r',
            "column 15: Segment rejects the carriage return character (\\r); remove it, e.g. by saving the file "
            "with Unix line endings.",
        ),
        (
            "type = 'identify'",
            "column 8: Segment keeps single quotes as part of a value, so it reads 'identify' with the quotes; "
            'write "identify" in double quotes.',
        ),
        (
            "type = 'say \"hi\"'",
            "column 8: Segment keeps single quotes as part of a value, so it reads 'say \"hi\"' with the quotes; "
            "Segment has no way to write a value that contains a double quote.",
        ),
        (
            'type = "a"and event = "b"',
            "column 10: Segment needs a space, ',' or ')' after a closing quote and otherwise reads the quote as "
            "the start of another string; add a space after it.",
        ),
        (
            "properties.total !=500",
            "column 18: Segment rejects '!=' unless a space, ',' or ')' follows it; add a space after '!='.",
        ),
        (
            "properties.total >=500",
            "column 18: Segment reads '>=' followed directly by a value as '>' with the value '=', which never "
            "matches; add a space after '>='.",
        ),
        (
            "properties.total<5",
            "column 17: Segment rejects '<' directly after the field name 'properties.total'; add a space before "
            "'<'.",
        ),
        (
            'traits.prénom = "x"',
            "column 10: Segment rejects the character 'é' in a field name unless it is escaped; write '\\é'.",
        ),
        (
            'type = "a" or(event = "b")',
            "column 12: Segment reads 'or' followed directly by '(' as a field name and ignores it; add a space "
            "after 'or'.",
        ),
        (
            '! contains(event, "x")',
            "column 1: Segment rejects '!' unless a letter or '(' follows it directly; remove the space after '!'.",
        ),
        (
            '!(type = "track")',
            "column 1: Segment ignores '!' except directly before contains( or match(, so it reads the condition "
            "that follows without the negation.",
        ),
        (
            'not type = "track"',
            "column 1: Segment ignores 'not', so it reads the condition that follows without the negation.",
        ),
        (
            'type = "a" and (event = "b" or (event = "c"))',
            "column 32: Segment rejects parentheses inside parentheses.",
        ),
        (
            'type == "track"',
            "column 6: Segment reads '==' as '=' followed by the value '=', which never matches; write '='.",
        ),
        (
            "event = null",
            "column 1: Segment has no null test for 'event' and compares it with the text \"null\", so "
            "'event = null' is true only when event is the text \"null\".",
        ),
        (
            "type != null",
            "column 1: Segment has no null test for 'type' and compares it with the text \"null\", so "
            "'type != null' is also true when type is missing.",
        ),
        (
            'type = "a" and (contains(event, "x") or event = "b")',
            "column 17: Segment ends a parenthesised group at the ')' that closes contains(...), so what follows "
            "it falls outside the group; put contains(...) last inside the parentheses.",
        ),
        (
            'match(event, "*Signed*")',
            "column 14: Segment reads the pattern \"*Signed*\" as 'starts with \"*Signed\"', because it treats a "
            "pattern that ends in '*' as 'starts with' and otherwise drops the first character and reads 'ends "
            "with'; write 'contains(event, \"Signed\")'.",
        ),
        (
            'match(event, "Signed Up")',
            "column 14: Segment reads the pattern \"Signed Up\" as 'ends with \"igned Up\"', because it treats a "
            "pattern that ends in '*' as 'starts with' and otherwise drops the first character and reads 'ends "
            "with'; write 'event = \"Signed Up\"'.",
        ),
        (
            'match(event, "S*U*p")',
            "column 14: Segment reads the pattern \"S*U*p\" as 'ends with \"*U*p\"', because it treats a pattern "
            "that ends in '*' as 'starts with' and otherwise drops the first character and reads 'ends with'; "
            "Segment supports one '*' only, at the start or at the end.",
        ),
        (
            'contains(type, "ident")',
            "column 10: Segment's contains() does not support 'type' and drops the condition.",
        ),
        (
            'type.kind = "x"',
            "column 1: Segment reads 'type.kind' as 'type' and ignores the rest of the name.",
        ),
        (
            "traits = null",
            "column 1: Segment reads 'traits' on its own as the field traits.traits, not as the whole traits "
            "object.",
        ),
        (
            'properties.tags[0] = "a"',
            "column 16: Segment rejects '[' after a field name; write the key as a name segment, '.\\0'.",
        ),
        (
            'properties["a b"] = "x"',
            "column 11: Segment rejects '[' after a field name; write the key as a name segment, '.a\\ b'.",
        ),
        (
            'properties.tags.0 = "a"',
            "column 17: Segment reads a name segment that starts with a digit ('.0') as a number and breaks the "
            "field name; escape the first digit: '.\\0'.",
        ),
        (
            'properties.a\\.b = "x"',
            "column 12: Segment splits field names at '.', '[' and ']', so it cannot read the key 'a.b'.",
        ),
    ],
)
def test_construct_warning(text, construct_warning):
    assert construct_warning in compile_trigger(text).warnings


def test_warning_summary_comes_first():
    warnings = compile_trigger('not type = "track"').warnings
    assert warnings[0].startswith("Segment reads this subscription as 'type = \"track\"'")
    assert warnings[0].endswith("Write 'type != \"track\"' to get the same result in both.")


def test_rewrite_for_not_uses_de_morgan():
    warnings = compile_trigger('not (type = "a" or event = "b")').warnings
    assert "Write 'type != \"a\" and event != \"b\"' to get the same result in both." in warnings[0]


def test_rewrite_moves_function_last_in_group():
    trigger = compile_trigger('type = "a" and (contains(event, "x") or event = "b")')
    assert "Write 'type = \"a\" and (event = \"b\" or contains(event, \"x\"))'" in trigger.warnings[0]


def test_rewrite_reads_the_same_in_segment():
    rewrite = 'type = "a" and (event = "b" or contains(event, "x"))'
    assert compile_trigger(rewrite).warnings == []


@pytest.mark.parametrize(
    "text",
    [
        'type = "track" OR type = "identify"',
        "properties.total>100",
        '!(type = "track")',
        'match(event, "*Signed*")',
        "match(event, 'Signed*')",
        'properties.tags[0] = "a"',
        'traits.prénom = "x"',
    ],
)
def test_rewrites_agree_with_original(text):
    trigger = compile_trigger(text)
    rewrite = trigger.warnings[0].split(" Write '", 1)[1].rsplit("' to get the same result in both.", 1)[0]
    rewritten = compile_trigger(rewrite)
    events = [ORDER, IDENTIFY, SCREEN, {}, {"type": "track", "event": "Signed Up", "traits": {"prénom": "x"}}]
    assert rewritten.warnings == []
    assert [rewritten.matches(event) for event in events] == [trigger.matches(event) for event in events]


# ---------------------------------------------------------------------------------------------------
# Segment emulation
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", TYPE_ERROR),
        ("typo", TYPE_ERROR),
        ("type", "Value token is missing"),
        ('type * "32456"', TYPE_ERROR),
        ("properties.total>100", TYPE_ERROR),
        ('type = "a" and (event = "b" or (event = "c"))', TYPE_ERROR),
        ('(type = "a"', TYPE_ERROR),
        ("contains", "contains() is missing a 1st argument"),
        ("match(event", "match() is missing a 2nd argument"),
        ("()", TYPE_ERROR),
    ],
)
def test_segment_parse_errors(text, error):
    assert segment_parse(text) == {"error": error}


def _and(*children):
    return {"type": "group", "operator": "and", "children": list(children)}


@pytest.mark.parametrize(
    ("text", "ast"),
    [
        ("type = ", _and({"type": "event-type", "operator": "=", "value": "eos"})),
        ("type = an", _and({"type": "event-type", "operator": "=", "value": "a"})),
        ("properties.x >=5", _and({"type": "event-property", "name": "x", "operator": ">", "value": "="})),
        (
            'type = "a" or type = "b" and type = "c"',
            {
                "type": "group",
                "operator": "and",
                "children": [
                    {"type": "event-type", "operator": "=", "value": "a"},
                    {"type": "event-type", "operator": "=", "value": "b"},
                    {"type": "event-type", "operator": "=", "value": "c"},
                ],
            },
        ),
        (
            'type = "track" and (contains(event, "A") or event = "B")',
            {
                "type": "group",
                "operator": "or",
                "children": [
                    {"type": "event-type", "operator": "=", "value": "track"},
                    {"type": "event", "operator": "contains", "value": "A"},
                    {"type": "event", "operator": "=", "value": "B"},
                ],
            },
        ),
        ('type = "a" and ()', _and({"type": "event-type", "operator": "=", "value": "a"}, None)),
        ("constructor = 5 and userId = 5", _and({"type": "userId", "operator": "=", "value": "5"})),
        (
            "contains(propertiesX.y, 5)",
            _and({"type": "event-property", "name": "propertiesX.y", "operator": "contains", "value": "5"}),
        ),
    ],
)
def test_segment_parse_quirks(text, ast):
    assert segment_parse(text) == ast


def test_segment_validate_throws_on_empty_group():
    ast = segment_parse('type = "a" or ()')
    with pytest.raises(SegmentEvaluationError) as caught:
        segment_validate(ast, {"type": "b"})
    assert caught.value.message == TYPE_ERROR


def test_segment_validate_short_circuits_before_empty_group():
    ast = segment_parse('type = "a" or ()')
    assert segment_validate(ast, {"type": "a"}) is True


def test_segment_validate_null_event_throws():
    with pytest.raises(SegmentEvaluationError) as caught:
        segment_validate(segment_parse('type = "a"'), None)
    assert caught.value.message == "Cannot read properties of null (reading 'type')"


def test_segment_validate_error_ast_is_false():
    assert segment_validate({"error": TYPE_ERROR}, {"type": "a"}) is False


def test_segment_validate_missing_event_is_false():
    assert segment_validate(segment_parse('type != "a"')) is False


def test_segment_parse_exact_integer_literal_is_int():
    value = segment_parse("properties.n = 9007199254740992")["children"][0]["value"]
    assert value == 2**53
    assert type(value) is int
