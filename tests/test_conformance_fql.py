"""Subscription vectors produced by Segment's own parseFql + validate.

Each vector is checked twice: the Segment emulation must reproduce Segment's result (and AST)
exactly, and attio-cli's own trigger must give the same result unless a product decision makes
it differ. Those vectors are listed below with the decision they follow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attio_cli.triggers import (
    SegmentEvaluationError,
    TriggerSyntaxError,
    compile_trigger,
    segment_parse,
    segment_validate,
)

CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
VECTOR_FILE = CONFORMANCE / "fql.ndjson"

pytestmark = pytest.mark.skipif(
    not VECTOR_FILE.exists(), reason=f"conformance vectors not found at {VECTOR_FILE}"
)


def _load_vectors() -> list[dict]:
    if not VECTOR_FILE.exists():
        return []
    with VECTOR_FILE.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


VECTORS = _load_vectors()
VECTORS_BY_ID = {vector["id"]: vector for vector in VECTORS}

# The product decisions that make attio-cli differ from Segment on purpose.
EVIDENT_MEANING = (
    "Where Segment's parser silently drops or misreads part of a subscription, attio-cli gives the "
    "construct its evident meaning and warns that Segment reads it differently"
)
PROPER_GRAMMAR = "The grammar is a proper one: 'and' binds tighter than 'or' and parentheses nest"
UNPARSEABLE = "An unparseable subscription is an error at load time, with the column"

SYNTAX_ERROR = "TriggerSyntaxError"

# id -> (decision, what Segment does differently, attio-cli's result or SYNTAX_ERROR)
DELIBERATE = {
    "fql-058-track_signed_up": (PROPER_GRAMMAR, "the last conjunction wins: 'a or b and c' is read as all-and", True),
    "fql-061-identify_min": (EVIDENT_MEANING, "upper-case 'OR' is ignored, so 'and' joins the conditions", True),
    "fql-064-identify_min": (EVIDENT_MEANING, "the unknown field 'anonymousId' is dropped", False),
    "fql-072-order": (EVIDENT_MEANING, "'x>5' without spaces is rejected by Segment's lexer", True),
    "fql-075-order": (EVIDENT_MEANING, "'x!=500' without spaces is rejected by Segment's lexer", False),
    "fql-077-order": (EVIDENT_MEANING, "'userId!=null' without spaces is rejected by Segment's lexer", True),
    "fql-079-track_signed_up": (UNPARSEABLE, "'&&' is not an operator; Segment rejects it too", SYNTAX_ERROR),
    "fql-080-track_signed_up": (PROPER_GRAMMAR, "Segment rejects nested parentheses", True),
    "fql-080-track_signed_in": (PROPER_GRAMMAR, "Segment rejects nested parentheses", True),
    "fql-082-identify_min": (EVIDENT_MEANING, "'!( … )' is read without the negation", True),
    "fql-083-track_anon": (EVIDENT_MEANING, "'not' is ignored, so the condition is not negated", False),
    "fql-083-identify_min": (EVIDENT_MEANING, "'not' is ignored, so the condition is not negated", True),
    "fql-085-track_signed_up": (EVIDENT_MEANING, "the pattern '*Signed*' is read as 'starts with *Signed'", True),
    "fql-086-track_signed_up": (EVIDENT_MEANING, "single quotes stay part of the pattern", True),
    "fql-087-identify_min": (EVIDENT_MEANING, "contains() on 'type' is dropped, leaving no condition", True),
    "fql-091-track_null_event": (EVIDENT_MEANING, "'event = null' compares with the text \"null\"", False),
    "fql-092-track_null_event": (EVIDENT_MEANING, "'event != null' compares with the text \"null\"", True),
    "fql-104-track_anon": (EVIDENT_MEANING, "a carriage return makes Segment's lexer reject the subscription", True),
    "fql-111-identify_min": (UNPARSEABLE, "a bare field with no operator; Segment rejects it too", SYNTAX_ERROR),
    "fql-113-identify_min": (UNPARSEABLE, "no value after '='; Segment compares with the text \"eos\"", SYNTAX_ERROR),
    "fql-115-identify_min": (UNPARSEABLE, "a trailing 'and'; Segment ignores it", SYNTAX_ERROR),
    "fql-121-track_null_event": (UNPARSEABLE, "an unterminated string; Segment rejects it too", SYNTAX_ERROR),
}

# Vectors where Segment reads the subscription differently but happens to give the same result for
# this event: attio-cli must still warn.
READ_DIFFERENTLY_SAME_RESULT = {
    "fql-058-track_anon": "the last conjunction wins",
    "fql-059-track_signed_up": "the last conjunction wins",
    "fql-059-track_signed_in": "the last conjunction wins",
    "fql-064-track_course": "the unknown field 'anonymousId' is dropped",
    "fql-078-identify_min": "'==' is read as '=' with the value '='",
    "fql-084-track_lower": "a pattern without '*' is read as 'ends with' minus its first character",
    "fql-088-track_null_event": "contains() on 'type' is dropped",
    "fql-093-identify_min": "'type != null' compares with the text \"null\"",
}

VECTOR_IDS = [vector["id"] for vector in VECTORS]


def _segment_outcome(vector: dict):
    ast = segment_parse(vector["subscribe"])
    if "error" in ast:
        return {"error": ast["error"], "stage": "parse"}, ast
    try:
        return segment_validate(ast, vector["event"]), ast
    except SegmentEvaluationError as error:
        return {"error": error.message, "stage": "validate"}, ast


@pytest.mark.parametrize("vector_id", VECTOR_IDS)
def test_segment_emulation_result(vector_id):
    vector = VECTORS_BY_ID[vector_id]
    outcome, _ = _segment_outcome(vector)
    assert outcome == vector["expected"]


@pytest.mark.parametrize("vector_id", [vector["id"] for vector in VECTORS if "ast" in vector])
def test_segment_emulation_ast(vector_id):
    vector = VECTORS_BY_ID[vector_id]
    assert segment_parse(vector["subscribe"]) == vector["ast"]


@pytest.mark.parametrize("vector_id", VECTOR_IDS)
def test_product_result(vector_id):
    vector = VECTORS_BY_ID[vector_id]
    if vector_id in DELIBERATE:
        _, _, expected = DELIBERATE[vector_id]
        if expected == SYNTAX_ERROR:
            with pytest.raises(TriggerSyntaxError):
                compile_trigger(vector["subscribe"])
            return
        assert compile_trigger(vector["subscribe"]).matches(vector["event"]) is expected
        return

    assert isinstance(vector["expected"], bool), f"Segment fails on {vector_id} and no decision covers it"
    assert compile_trigger(vector["subscribe"]).matches(vector["event"]) is vector["expected"]


@pytest.mark.parametrize("vector_id", VECTOR_IDS)
def test_product_warnings(vector_id):
    vector = VECTORS_BY_ID[vector_id]
    deliberate = DELIBERATE.get(vector_id)
    if deliberate is not None and deliberate[2] == SYNTAX_ERROR:
        pytest.skip("attio-cli rejects this subscription, so it has no warnings")
    warnings = compile_trigger(vector["subscribe"]).warnings
    if deliberate is not None or vector_id in READ_DIFFERENTLY_SAME_RESULT:
        assert warnings, "Segment reads this subscription differently, so a warning is expected"
    else:
        assert warnings == []


def test_deliberate_entries_differ_from_segment():
    for vector_id, (_, _, expected) in DELIBERATE.items():
        vector = VECTORS_BY_ID[vector_id]
        assert expected != vector["expected"], f"{vector_id} agrees with Segment; remove it from DELIBERATE"


def test_same_result_entries_agree_with_segment():
    for vector_id in READ_DIFFERENTLY_SAME_RESULT:
        vector = VECTORS_BY_ID[vector_id]
        assert compile_trigger(vector["subscribe"]).matches(vector["event"]) is vector["expected"]


def test_listed_ids_exist():
    listed = set(DELIBERATE) | set(READ_DIFFERENTLY_SAME_RESULT)
    assert listed <= set(VECTORS_BY_ID)


def test_rewrites_agree_with_segment():
    # Where a warning proposes a rewrite, Segment must read that rewrite as attio-cli reads the original.
    for vector in VECTORS:
        try:
            trigger = compile_trigger(vector["subscribe"])
        except TriggerSyntaxError:
            continue
        summary = trigger.warnings[0] if trigger.warnings else ""
        marker = " Write '"
        if marker not in summary:
            continue
        rewrite = summary.split(marker, 1)[1].rsplit("' to get the same result in both.", 1)[0]
        ast = segment_parse(rewrite)
        assert "error" not in ast, rewrite
        assert segment_validate(ast, vector["event"]) is trigger.matches(vector["event"]), rewrite
        assert compile_trigger(rewrite).warnings == [], rewrite
