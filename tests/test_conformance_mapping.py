"""Every mapping-kit vector produced by Segment's own code, run through our transform.

An ``output`` row must match exactly, including key order (the vectors were written from
JavaScript objects, and ``undefined`` array items appear as ``null``). An ``error`` row must
raise the matching error with Segment's exact message: ``AggregateError`` is a
``MappingValidationError`` whose messages are the vector's ``errors``, and ``Error`` is a
``DirectiveError``. Rows where attio-cli deliberately differs are listed in ``DELIBERATE``
with the product decision they follow, and their tests check attio-cli's behaviour instead.
"""

import json
from pathlib import Path

import pytest

from attio_cli.mapping_kit import DirectiveError, MappingValidationError, compile_mapping, transform

VECTORS_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "mapping.ndjson"
VECTORS = [json.loads(line) for line in VECTORS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()] if VECTORS_FILE.exists() else []

pytestmark = pytest.mark.skipif(not VECTORS_FILE.exists(), reason=f"conformance vectors not found at {VECTORS_FILE}")

LIQUID_DECISION = "@liquid is not supported: a mapping that uses it is rejected before any event is read, with a pointer to @template."

DELIBERATE = {
    "map-liquid-empty": LIQUID_DECISION,
    "map-liquid-invalid-number": LIQUID_DECISION,
    "map-literal-nested-invalid-directive-runtime": (
        "An unknown directive is an error in the mapping file, rejected before any event is read, "
        "even inside @literal where Segment's validator does not look and each event fails instead."
    ),
}

# What attio-cli raises for each deliberate row.
DELIBERATE_MESSAGES = {
    "map-liquid-empty": ["/v/@liquid is not supported by attio-cli. Use @template instead."],
    "map-liquid-invalid-number": ["/v/@liquid is not supported by attio-cli. Use @template instead."],
    "map-literal-nested-invalid-directive-runtime": ["/v/@literal/a has an invalid directive: @oops."],
}

MATCHED = [vector for vector in VECTORS if vector["id"] not in DELIBERATE]
DIFFERENT = [vector for vector in VECTORS if vector["id"] in DELIBERATE]


def _ids(vectors):
    return [vector["id"] for vector in vectors]


def test_vector_ids_unique():
    assert len(set(_ids(VECTORS))) == len(VECTORS)


def test_deliberate_rows_exist():
    assert set(DELIBERATE) <= set(_ids(VECTORS))


@pytest.mark.parametrize("vector", MATCHED, ids=_ids(MATCHED))
def test_vector(vector):
    expected = vector["expected"]
    if "output" in expected:
        result = transform(vector["mapping"], vector["event"])
        assert result == expected["output"]
        assert json.dumps(result) == json.dumps(expected["output"])
        return

    if expected["error_name"] == "AggregateError":
        with pytest.raises(MappingValidationError) as caught:
            transform(vector["mapping"], vector["event"])
        assert caught.value.messages == expected["errors"]
        assert str(caught.value) == expected["error"]
        return

    assert expected["error_name"] == "Error"
    with pytest.raises(DirectiveError) as caught:
        transform(vector["mapping"], vector["event"])
    assert str(caught.value) == expected["error"]


@pytest.mark.parametrize("vector", DIFFERENT, ids=_ids(DIFFERENT))
def test_deliberate_difference(vector):
    with pytest.raises(MappingValidationError) as caught:
        transform(vector["mapping"], vector["event"])
    assert caught.value.messages == DELIBERATE_MESSAGES[vector["id"]]


def test_literal_oops_not_strict():
    vector = next(vector for vector in VECTORS if vector["id"] == "map-literal-nested-invalid-directive-runtime")
    compiled = compile_mapping(vector["mapping"], strict=False)
    with pytest.raises(DirectiveError) as caught:
        compiled.transform(vector["event"])
    assert str(caught.value) == vector["expected"]["error"]


@pytest.mark.parametrize("vector", [v for v in DIFFERENT if v["id"].startswith("map-liquid-")], ids=lambda v: v["id"])
def test_liquid_rejected_when_not_strict(vector):
    with pytest.raises(MappingValidationError):
        compile_mapping(vector["mapping"], strict=False)
