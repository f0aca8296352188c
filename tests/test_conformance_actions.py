"""Every action vector from Segment's own code, run through attio-cli's pipeline in the segment style.

Single-mode vectors check each event's requests or error. Batch vectors check the batch request
and the per-event outcome: the payload Segment validated, or the reason it was rejected.
"""

import io
import json
import re
from pathlib import Path

import pytest

from attio_cli.actions.payload import validate_payload
from attio_cli.mapping_file import compile_subscription
from attio_cli.mapping_kit import MappingValidationError
from attio_cli.output import request_record
from attio_cli.pipeline import Pipeline, PipelineOptions
from attio_cli.record_check import RecordChecker
from attio_cli.schema import Schema
from attio_cli.plan import Planner
from attio_cli.reader import SourceLine
from attio_cli.report import RejectsWriter
from attio_cli.requests import RecordId
from attio_cli.triggers import TriggerSyntaxError

CONFORMANCE_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "actions.ndjson"
VECTORS = [json.loads(line) for line in CONFORMANCE_FILE.open()] if CONFORMANCE_FILE.exists() else []

# The record id that the harness behind the vectors returned for every single assert.
STUB_RECORD_ID = "00000000-0000-4000-8000-00000000c0de"
FIXED_CLOCK = "2030-01-01T00:00:00.000Z"
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
NOT_SUBSCRIBED = "Payload is either invalid or does not match the subscription"

# Vectors where attio-cli deliberately differs from Segment, each with the product decision it follows.
DELIBERATE_DIFFERENCES = {
    "custom-identify-invalid-subscription-single": "A subscription Segment misreads (here `userId!=null`) gets its evident meaning and a warning.",
    "custom-identify-empty-subscription-single": "An unparseable (here empty) subscription is an error at load time.",
    "custom-identify-invalid-mapping-single": "A mapping with an error is rejected before any event is read.",
    "custom-record-mixed-batch": "An empty string in a required field is missing in batch mode too.",
}

# Events that Segment sends but Attio would reject, which attio-cli holds back as invalid in the
# segment style too (DECISIONS.md: invalid events are never sent). Keyed by vector id, then by
# line, with a part of the expected reason.
HELD_BACK = {
    "preset-assertRecord-single-ev23": {1: "the matching attribute has no value"},
    "preset-assertRecord-single-ev27": {1: "the matching attribute has no value"},
    "preset-assertRecord-batch-ev02": {1: "the matching attribute has no value"},
    "preset-assertRecord-batch-ev24": {1: "the matching attribute has no value"},
    "custom-identify-case-replace-if-batch": {
        1: 'people.phone_numbers: "+1(555)0109999" is not a valid phone number',
        2: 'people.phone_numbers: "" does not start with "+"',
    },
    "custom-identify-nested-objects-single": {1: "people.primary_location: the location object has no \"line_1\""},
    "custom-identify-track-events-single": {1: 'people.phone_numbers: "410-555-9412" does not start with "+"'},
    "custom-identify-track-events-batch": {1: 'people.phone_numbers: "410-555-9412" does not start with "+"'},
}


def _ids():
    return [vector["id"] for vector in VECTORS]


def _vector(vector_id):
    return next(vector for vector in VECTORS if vector["id"] == vector_id)


class _Collector:
    def __init__(self):
        self.requests = []

    def write(self, requests):
        self.requests.extend(requests)

    def close(self):
        pass


def _run(vector):
    """Run a vector's events through the pipeline; return (requests, rejects by line)."""
    subscription = compile_subscription(vector["action"], vector["subscribe"], vector["mapping"], name="vector")
    rejects_stream = io.BytesIO()
    rejects = RejectsWriter(rejects_stream)
    collector = _Collector()
    pipeline = Pipeline(
        subscriptions=[subscription],
        planner=Planner("segment", clock=lambda: FIXED_CLOCK),
        writer=collector,
        rejects=rejects,
        options=PipelineOptions(dedupe=False),
        checker=RecordChecker(Schema.builtin(), style="segment"),
    )
    lines = [SourceLine("vector", index + 1, json.dumps(event).encode()) for index, event in enumerate(vector["events"])]
    report = pipeline.run(lines)
    rejected = {}
    for line in rejects_stream.getvalue().splitlines():
        record = json.loads(line)
        rejected[record["line"]] = record["reason"]
    assert report.read == len(vector["events"])
    assert report.planned + report.unmatched + report.invalid + report.duplicate == report.read
    return collector.requests, rejected


def _segment_part(reason):
    """Return Segment's message from a reject reason, without the values attio-cli adds after it."""
    if reason is None:
        return None
    message, separator, values = reason.partition(" Got ")
    return message if separator and values.endswith(".") else reason


def _as_sent(request):
    """Return a request as the harness recorded it, with record ids from the stub."""
    record = request_record(request, "https://api.attio.com")
    body = json.loads(json.dumps(record["body"], default=lambda value: STUB_RECORD_ID if isinstance(value, RecordId) else value))
    return {"method": record["method"], "url": record["url"], "body": body}


def _normalise_clock(assertion, expected_assertion):
    """Accept any ISO timestamp where Segment used the clock, as the vectors' README allows."""
    for ours, theirs in ((assertion, expected_assertion), *_nested_pairs(assertion, expected_assertion)):
        if ours.get("received_at") == FIXED_CLOCK and ISO_TIMESTAMP.match(theirs.get("received_at", "")):
            ours["received_at"] = theirs["received_at"]


def _nested_pairs(assertion, expected_assertion):
    for key, value in assertion["values"].items():
        if isinstance(value, dict) and "mode" in value:
            yield value, expected_assertion["values"][key]


@pytest.mark.parametrize("vector_id", _ids())
def test_action_vector(vector_id):
    vector = _vector(vector_id)
    if vector_id in DELIBERATE_DIFFERENCES:
        _check_deliberate_difference(vector)
        return
    if vector["mode"] == "single":
        _check_single(vector)
    else:
        _check_batch(vector)


def _check_single(vector):
    requests, rejected = _run(vector)
    by_line = {}
    for request in requests:
        by_line.setdefault(request.sources[0].line, []).append(_as_sent(request))

    held_back = HELD_BACK.get(vector["id"], {})
    for index, expected in enumerate(vector["expected"]["per_event"]):
        line = index + 1
        if line in held_back:
            assert line not in by_line
            assert held_back[line] in rejected.get(line, "")
        elif expected == "not subscribed":
            assert line not in by_line
            assert line not in rejected
        elif "error" in expected:
            assert line not in by_line
            assert _segment_part(rejected.get(line)) == expected["error"]["message"]
        else:
            assert line not in rejected, rejected.get(line)
            assert by_line.get(line, []) == expected["requests"]


def _check_batch(vector):
    requests, rejected = _run(vector)
    expected = vector["expected"]
    subscription = compile_subscription(vector["action"], vector["subscribe"], vector["mapping"], name="vector")

    if expected.get("output") == "not subscribed":
        assert requests == []
        assert rejected == {}
        return

    held_back = HELD_BACK.get(vector["id"], {})
    expected_requests = _without_held_back(expected, held_back)
    sent_requests = [_as_sent(request) for request in requests]
    assert len(sent_requests) == len(expected_requests)
    if sent_requests:
        ours, theirs = sent_requests[0], expected_requests[0]
        assert ours["method"] == theirs["method"]
        assert ours["url"] == theirs["url"]
        assert len(ours["body"]["assertions"]) == len(theirs["body"]["assertions"])
        for assertion, expected_assertion in zip(ours["body"]["assertions"], theirs["body"]["assertions"]):
            _normalise_clock(assertion, expected_assertion)
            assert assertion == expected_assertion

    for index, status in enumerate(expected["multistatus"]):
        line = index + 1
        event = vector["events"][index]
        if line in held_back:
            assert held_back[line] in rejected.get(line, "")
        elif status["status"] == 202:
            assert line not in rejected, rejected.get(line)
            payload = subscription.compiled.transform(event)
            assert validate_payload(payload, subscription.action, batch=True).payload == status["sent"]
        elif status["errormessage"] == NOT_SUBSCRIBED:
            assert not subscription.trigger.matches(event)
        else:
            assert _segment_part(rejected.get(line)) == status["errormessage"]


def _without_held_back(expected, held_back):
    """Return Segment's batch requests without the assertions of held-back events."""
    if not held_back:
        return expected["requests"]
    sent_lines = [index + 1 for index, status in enumerate(expected["multistatus"]) if status["status"] == 202]
    assertions = [
        assertion
        for line, assertion in zip(sent_lines, expected["requests"][0]["body"]["assertions"])
        if line not in held_back
    ]
    if not assertions:
        return []
    request = expected["requests"][0]
    return [{**request, "body": {**request["body"], "assertions": assertions}}]


def _check_deliberate_difference(vector):
    vector_id = vector["id"]
    if vector_id == "custom-identify-empty-subscription-single":
        # Segment returns a "failed to validate" output for every event; attio-cli stops at load.
        with pytest.raises(TriggerSyntaxError):
            compile_subscription(vector["action"], vector["subscribe"], vector["mapping"], name="vector")
    elif vector_id == "custom-identify-invalid-subscription-single":
        # Segment rejects the subscription and sends nothing; attio-cli reads `userId != null` and warns.
        subscription = compile_subscription(vector["action"], vector["subscribe"], vector["mapping"], name="vector")
        assert any("Segment rejects this subscription" in warning for warning in subscription.trigger.warnings)
        requests, rejected = _run(vector)
        assert sorted({request.sources[0].line for request in requests}) == [1, 2]
        assert rejected == {}
    elif vector_id == "custom-identify-invalid-mapping-single":
        with pytest.raises(MappingValidationError) as caught:
            compile_subscription(vector["action"], vector["subscribe"], vector["mapping"], name="vector")
        assert caught.value.messages == vector["expected"]["per_event"][0]["error"]["errors"]
    elif vector_id == "custom-record-mixed-batch":
        requests, rejected = _run(vector)
        # Segment sends the event whose object is "", and Attio drops it silently. attio-cli rejects it.
        empty_object_line = next(i + 1 for i, event in enumerate(vector["events"]) if event.get("traits", {}).get("object") == "")
        assert rejected[empty_object_line] == "The root value is missing the required field 'object'."
        # The other events map no value to the matching attribute, so Attio would reject them
        # too, and attio-cli does not send them either.
        sent_lines = [index + 1 for index, status in enumerate(vector["expected"]["multistatus"]) if status["status"] == 202]
        for line in sent_lines:
            if line != empty_object_line:
                assert "the matching attribute has no value" in rejected[line]
        assert requests == []
    else:
        raise AssertionError(f"no check written for deliberate difference {vector_id}")


def test_vectors_present():
    if not CONFORMANCE_FILE.exists():
        pytest.skip(f"conformance vectors not found at {CONFORMANCE_FILE}")
    assert len(VECTORS) >= 50
