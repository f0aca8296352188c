"""Segment's real requests from the conformance vectors, replayed against the sandbox.

Each vector's requests go to a fresh sandbox in the order Segment sent them. Single mode stops an
event at its first failed request, as Segment's destination does. Users that a Group Workspace
request links by user_id are created first, because in a real workspace the Identify User events
create them. The test pins which requests the sandbox rejects and with which codes. Every
rejection below is one that a workspace with only Attio's standard objects makes too.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from attio_cli.sandbox.api import SandboxApi
from attio_cli.sandbox.options import SandboxOptions
from attio_cli.sandbox.service import Sandbox

CONFORMANCE_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "actions.ndjson"
VECTORS = {vector["id"]: vector for vector in map(orjson.loads, CONFORMANCE_FILE.read_bytes().splitlines())} if CONFORMANCE_FILE.exists() else {}
pytestmark = pytest.mark.skipif(not VECTORS, reason=f"conformance vectors not found at {CONFORMANCE_FILE}")

AUTHORIZATION = [(b"authorization", b"Bearer sandbox")]
# The record id that the recording stub returned for every single-mode request.
STUB_RECORD_ID = "00000000-0000-4000-8000-00000000c0de"

# Rejection codes per vector id, with the reason each is correct.
EXPECTED_REJECTIONS: dict[str, dict[str, int]] = {
    # Segment's Assert Record default object is "person", but Attio's object slug is "people".
    "preset-assertRecord-single-ev23": {"not_found": 1},
    "preset-assertRecord-single-ev27": {"not_found": 1},
    "preset-assertRecord-batch-ev02": {"value_not_found": 1},
    "preset-assertRecord-batch-ev24": {"value_not_found": 1},
    # The batch also writes users.plan_upper (not a standard attribute), and an unknown slug fails
    # the whole batch request before any value is checked.
    "custom-identify-case-replace-if-batch": {"value_not_found": 1},
    # The mappings write attributes that the standard objects do not have
    # (people.street, people.categories, users.name, users.address, users.logins_str, ...).
    "custom-identify-arraypath-json-flatten-batch": {"value_not_found": 1},
    "custom-identify-json-decode-object-field-batch": {"value_not_found": 1},
    "custom-identify-exclude-when-null-single": {"value_not_found": 1},
    "custom-identify-exclude-when-null-batch": {"value_not_found": 1},
    "custom-identify-nested-objects-single": {"value_not_found": 1},
    "custom-identify-numbers-for-strings-single": {"value_not_found": 4},
    "custom-group-attributes-batch": {"value_not_found": 1},
    "custom-group-user-id-literal-and-object-attrs-single": {"value_not_found": 1},
    "custom-record-flatten-properties-batch": {"value_not_found": 1},
    # Sixteen users share one email address, and users.primary_email_address is unique.
    "custom-identify-received-at-date-like-batch": {"uniqueness_conflict": 15},
    # "410-555-9412" has no country code, so the person (and in single mode its user) fails.
    "custom-identify-track-events-single": {"validation_type": 1},
    "custom-identify-track-events-batch": {"validation_type": 1},
    # An assertion with an empty object slug fails the whole batch request.
    "custom-record-mixed-batch": {"value_not_found": 1},
}


def linked_user_ids(value: Any) -> set[str]:
    """Collect the user_id strings that workspace values link under "users"."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "users" and isinstance(item, list):
                found.update(entry for entry in item if isinstance(entry, str))
            else:
                found |= linked_user_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= linked_user_ids(item)
    return found


def send(api: SandboxApi, request: dict[str, Any], body: Any):
    path = request["url"].split("https://api.attio.com", 1)[1]
    return api.handle(request["method"], path.encode(), AUTHORIZATION, orjson.dumps(body))


def replay(vector: dict[str, Any]) -> Counter:
    """Replay one vector's requests; return the codes of rejected requests and dropped assertions."""
    api = SandboxApi(Sandbox(SandboxOptions(write_rate=0, read_rate=0)))
    expected = vector["expected"]
    if vector["mode"] == "single":
        events = [entry["requests"] for entry in expected["per_event"] if isinstance(entry, dict) and entry.get("requests")]
    else:
        events = [expected["requests"]] if expected.get("requests") else []

    for user_id in sorted(linked_user_ids(events)):
        seed = {"method": "PUT", "url": "https://api.attio.com/v2/objects/users/records?matching_attribute=user_id"}
        send(api, seed, {"data": {"values": {"user_id": user_id, "primary_email_address": f"{user_id}@seeded.example"}}})

    codes: Counter = Counter()
    for requests in events:
        record_id = STUB_RECORD_ID
        for request in requests:
            # The second request of an event names the first one's record by the id in its response.
            body = orjson.loads(orjson.dumps(request["body"]).replace(STUB_RECORD_ID.encode(), record_id.encode()))
            response = send(api, request, body)
            if response.status == 200:
                record_id = orjson.loads(response.body)["data"]["id"]["record_id"]
            elif response.status != 202:
                codes[orjson.loads(response.body)["code"]] += 1
                break
    for dropped in api.sandbox.dropped_assertions():
        codes[dropped["code"]] += 1
    return codes


@pytest.mark.parametrize("vector_id", list(VECTORS) or ["none"])
def test_segment_requests(vector_id):
    rejections = replay(VECTORS[vector_id])

    assert dict(rejections) == EXPECTED_REJECTIONS.get(vector_id, {})


def test_expected_ids_exist():
    assert set(EXPECTED_REJECTIONS) <= set(VECTORS)
