"""The validate and objects commands, and the value counts of push --report, run as a user runs them."""

import json
import textwrap
from pathlib import Path

import pytest

from test_cli import ASSERT, GROUP, IDENTIFY, REPO_ROOT, ndjson, run_cli

SAMPLES = "samples/events.ndjson"
STANDARD_OBJECTS = ["people\tPeople", "companies\tCompanies", "users\tUsers", "workspaces\tWorkspaces", "deals\tDeals"]

TIERS_MAPPING = """\
name: Tiers
action: assert-record
subscribe: type = "group"
mapping:
  object: companies
  matching_attribute: domains
  attributes:
    domains: $.traits.website
    tier: $.traits.tier
"""

TIER_EVENTS = [
    {"type": "group", "messageId": "m1", "groupId": "g1", "traits": {"website": "acme.example", "tier": "Gold"}},
    {"type": "group", "messageId": "m2", "groupId": "g2", "traits": {"website": "not a domain", "tier": "SMB"}},
    {"type": "group", "messageId": "m3", "groupId": "g3", "traits": {"website": "b.example", "tier": "Platinum"}},
    {"type": "group", "messageId": "m4", "groupId": "g4", "traits": {"website": "c.example", "tier": "smb"}},
    {"type": "group", "messageId": "m5", "groupId": "g5", "traits": {"tier": "SMB"}},
    {"type": "track", "messageId": "m6", "event": "Signed Up"},
    {"type": "group", "messageId": "m4", "groupId": "g4", "traits": {"website": "c.example", "tier": "smb"}},
]


def _attribute(slug, attribute_type, **extra):
    item = {
        "id": f"attr-{slug}",
        "api_slug": slug,
        "title": slug.title(),
        "type": attribute_type,
        "is_multiselect": False,
        "is_unique": False,
        "is_writable": True,
        "is_required": False,
    }
    item.update(extra)
    return item


def _schema_document():
    companies = {
        "id": "obj-companies",
        "api_slug": "companies",
        "singular_noun": "Company",
        "plural_noun": "Companies",
        "attributes": [
            _attribute("domains", "domain", is_multiselect=True, is_unique=True),
            _attribute("name", "text"),
            _attribute("tier", "select", options=[{"id": None, "title": "Enterprise"}, {"id": None, "title": "SMB"}]),
            _attribute("tags", "select", is_multiselect=True, options=[{"id": None, "title": "B2B"}, {"id": None, "title": "B2C"}]),
        ],
    }
    people = {
        "id": "obj-people",
        "api_slug": "people",
        "singular_noun": "Person",
        "plural_noun": "People",
        "attributes": [_attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True)],
    }
    return {"format": "attio-cli-schema", "version": 1, "pulled_at": None, "workspace": None, "objects": [companies, people]}


def _write_schema(path: Path, document=None) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_schema_document() if document is None else document), encoding="utf-8")
    return str(path)


def _write_events(path: Path, events) -> str:
    path.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    return str(path)


def _write_mapping(path: Path, text: str) -> str:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def _lines(data: bytes) -> list[str]:
    return data.decode().splitlines()


@pytest.fixture(scope="module")
def tier_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiers")
    return {
        "schema": _write_schema(folder / "schema.json"),
        "mapping": _write_mapping(folder / "tiers.yaml", TIERS_MAPPING),
        "events": _write_events(folder / "events.ndjson", TIER_EVENTS),
    }


@pytest.fixture(scope="module")
def tier_run(tier_files):
    return run_cli("validate", "-m", tier_files["mapping"], "--schema", tier_files["schema"], tier_files["events"])


# Bundled samples and presets -------------------------------------------------------------------


@pytest.mark.parametrize(
    "mapping, summary",
    [
        (IDENTIFY, "8 events read: 3 valid, 0 invalid, 4 unmatched, 1 duplicate"),
        (GROUP, "8 events read: 2 valid, 0 invalid, 5 unmatched, 1 duplicate"),
        (ASSERT, "8 events read: 1 valid, 0 invalid, 6 unmatched, 1 duplicate"),
    ],
    ids=["identify-user", "group-workspace", "assert-record"],
)
def test_preset_on_samples(mapping, summary):
    result = run_cli("validate", "-m", mapping, SAMPLES)
    assert result.returncode == 0, result.stderr.decode()
    assert summary in _lines(result.stdout)
    assert "no problems found against Attio's standard objects" in _lines(result.stdout)[0]


def test_presets_segment_style():
    result = run_cli("validate", "-m", IDENTIFY, "-m", GROUP, "-m", ASSERT, "--api", "segment", SAMPLES)
    assert result.returncode == 0, result.stderr.decode()
    assert "8 events read: 5 valid, 0 invalid, 2 unmatched, 1 duplicate" in _lines(result.stdout)


def test_mappings_only():
    result = run_cli("validate", "-m", IDENTIFY, "-m", GROUP)
    assert result.returncode == 0, result.stderr.decode()
    assert len(_lines(result.stdout)) == 1
    assert _lines(result.stdout)[0].endswith("no problems found against Attio's standard objects")


def test_events_from_stdin():
    event = {"type": "identify", "userId": "u1", "traits": {"email": "bad"}}
    result = run_cli("validate", "-m", IDENTIFY, "-", stdin=json.dumps(event).encode() + b"\n")
    assert result.returncode == 1
    assert _lines(result.stdout)[1] == '<stdin>:1: [Identify users] Email address must be a valid email address string but it was not. Got email_address "bad".'


def test_mapping_count_singular():
    result = run_cli("validate", "-m", IDENTIFY)
    assert _lines(result.stdout) == ["1 subscription in 1 mapping file: no problems found against Attio's standard objects"]


# Invalid events: exit status 1, one line per event, a summary by attribute and reason -----------


def test_invalid_events_exit_one(tier_run):
    assert tier_run.returncode == 1, tier_run.stderr.decode()


def test_invalid_event_lines(tier_run, tier_files):
    events = tier_files["events"]
    assert _lines(tier_run.stdout)[1:5] == [
        f'{events}:1: [Tiers] companies.tier: "Gold" is not a select option of this attribute; valid titles: "Enterprise", "SMB"',
        f'{events}:2: [Tiers] companies.domains: "not a domain" is not a valid domain; expected a host name such as "example.com"',
        f'{events}:3: [Tiers] companies.tier: "Platinum" is not a select option of this attribute; valid titles: "Enterprise", "SMB"',
        f"{events}:5: [Tiers] companies.domains: the matching attribute has no value, so no companies record can be found "
        "or created; map a value to domains in the attributes",
    ]


def test_invalid_events_summary(tier_run):
    assert _lines(tier_run.stdout)[5:] == [
        "",
        "7 events read: 1 valid, 4 invalid, 1 unmatched, 1 duplicate",
        "Invalid values by attribute and reason:",
        "        2  companies.tier: … is not a select option of this attribute; valid titles: …, …",
        "        1  companies.domains: the matching attribute has no value, so no companies record can be found or created; "
        "map a value to domains in the attributes",
        "        1  companies.domains: … is not a valid domain; expected a host name such as …",
    ]


def test_mapping_line_names_schema(tier_run, tier_files):
    assert _lines(tier_run.stdout)[0].endswith(f": no problems found against the schema {tier_files['schema']}")


def test_case_warning_on_stderr(tier_run, tier_files):
    assert (
        f'warning: {tier_files["events"]}:4: companies.tier: "smb" was sent as "SMB", the select option title it matches '
        "apart from case and spaces"
    ) in _lines(tier_run.stderr)


def test_segment_case_mismatch_invalid(tier_files):
    result = run_cli("validate", "-m", tier_files["mapping"], "--schema", tier_files["schema"], "--api", "segment", tier_files["events"])
    assert result.returncode == 1
    assert f'{tier_files["events"]}:4: [Tiers] companies.tier: "smb" is not a select option of this attribute, but "SMB" is; ' \
        "titles must match exactly (the public style corrects case and spaces)" in _lines(result.stdout)
    assert "7 events read: 0 valid, 5 invalid, 1 unmatched, 1 duplicate" in _lines(result.stdout)


def test_payload_problems_grouped(tmp_path):
    events = _write_events(
        tmp_path / "events.ndjson",
        [
            {"type": "identify", "userId": "u1", "traits": {"email": "bad"}},
            {"type": "identify", "userId": "u2", "traits": {"email": "also bad"}},
            {"type": "identify", "traits": {"email": "a@example.com"}},
        ],
    )
    result = run_cli("validate", "-m", IDENTIFY, events)
    assert result.returncode == 1
    assert _lines(result.stdout)[-3:] == [
        "Invalid values by attribute and reason:",
        "        2  payload email_address: Email address must be a valid email address string but it was not.",
        "        1  event: The root value is missing the required field 'user_id'.",
    ]


# Mapping problems: exit status 2, every problem listed -----------------------------------------

BROKEN_MAPPINGS = """\
subscriptions:
  - name: By name
    action: assert-record
    subscribe: type = "group"
    mapping:
      object: companies
      matching_attribute: name
      attributes:
        nme: $.traits.name
  - name: Accounts
    action: assert-record
    subscribe: type = "track"
    mapping:
      object: acounts
      matching_attribute: domains
      attributes: $.properties
  - name: Users
    action: identify-user
"""


def test_mapping_problems_exit_two(tmp_path):
    mapping = _write_mapping(tmp_path / "broken.yaml", BROKEN_MAPPINGS)
    schema = _write_schema(tmp_path / "schema.json")
    events = _write_events(tmp_path / "events.ndjson", TIER_EVENTS)
    result = run_cli("validate", "-m", mapping, "--schema", schema, events)
    assert result.returncode == 2
    assert _lines(result.stdout) == [
        f'{mapping}:7: By name: companies.name cannot be the matching attribute, because it is not unique; match on a unique attribute such as "domains"',
        f'{mapping}:9: By name: companies has no attribute "nme"; did you mean "name"?',
        f'{mapping}:14: Accounts: the object "acounts" is not in the workspace schema ({schema})',
        f'{mapping}:17: Users: the object "users" is not in the workspace schema ({schema})',
    ]
    assert _lines(result.stderr) == [
        f"error: 4 mapping problems found against the schema {schema}",
        "hint: Fix the lines above, then run validate again.",
    ]


def test_mapping_problem_builtin_exit_two(tmp_path):
    mapping = _write_mapping(tmp_path / "broken.yaml", BROKEN_MAPPINGS)
    result = run_cli("validate", "-m", mapping, SAMPLES)
    assert result.returncode == 2
    assert _lines(result.stdout) == [
        f'{mapping}:7: By name: companies.name cannot be the matching attribute, because it is not unique; match on a unique attribute such as "domains"',
    ]
    assert _lines(result.stderr)[0].startswith("error: 1 mapping problem")
    assert _lines(result.stderr)[0].endswith(" found against Attio's standard objects")


def test_broken_schema_file_exit_two(tmp_path):
    document = _schema_document()
    document["objects"][0]["attributes"][1]["type"] = "string"
    schema = _write_schema(tmp_path / "schema.json", document)
    result = run_cli("validate", "-m", IDENTIFY, "--schema", schema)
    assert result.returncode == 2
    assert _lines(result.stderr)[0] == f"error: {schema}: objects[0].attributes[1].type is not valid: expected one of Attio's attribute types (actor-reference, checkbox, currency, date, domain, email-address, interaction, location, number, personal-name, phone-number, rating, record-reference, select, status, text, timestamp), but got 'string'"


def test_without_mapping_exit_two():
    result = run_cli("validate", SAMPLES)
    assert result.returncode == 2
    assert _lines(result.stderr)[0] == "error: no mapping file given"


def test_unknown_default_country_exit_two():
    result = run_cli("validate", "-m", IDENTIFY, "--default-country", "ZZ", SAMPLES)
    assert result.returncode == 2
    assert "error: --default-country 'ZZ' is not a country code that phone numbers use" in _lines(result.stderr)


# objects ---------------------------------------------------------------------------------------


def test_objects_builtin(tmp_path):
    result = run_cli("objects", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert _lines(result.stdout) == STANDARD_OBJECTS
    assert _lines(result.stderr) == [
        "note: listing Attio's standard objects; pass --schema, pull the schema, or use --live for the workspace's own"
    ]


def test_objects_schema_file(tmp_path):
    schema = _write_schema(tmp_path / "schema.json")
    result = run_cli("objects", "--schema", schema, cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert _lines(result.stdout) == ["companies\tCompanies", "people\tPeople"]
    assert result.stderr == b""


def test_objects_default_schema_file(tmp_path):
    _write_schema(tmp_path / ".attio" / "schema.json")
    result = run_cli("objects", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert _lines(result.stdout) == ["companies\tCompanies", "people\tPeople"]
    assert _lines(result.stderr) == ["note: checking values against the workspace schema in .attio/schema.json"]


def test_objects_without_nouns(tmp_path):
    document = _schema_document()
    document["objects"][0].update(plural_noun=None)
    document["objects"][1].update(plural_noun=None, singular_noun=None)
    schema = _write_schema(tmp_path / "schema.json", document)
    result = run_cli("objects", "--schema", schema)
    assert _lines(result.stdout) == ["companies\tCompany", "people\t"]


def test_objects_missing_schema_file(tmp_path):
    schema = tmp_path / "absent.json"
    result = run_cli("objects", "--schema", str(schema))
    assert result.returncode == 2
    assert _lines(result.stderr) == [
        f"error: schema file {schema} not found",
        f"hint: Write it with: attio-cli schema pull --out {schema}",
    ]


# push --report ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tier_report(tier_files, tmp_path_factory):
    report = tmp_path_factory.mktemp("report") / "report.json"
    result = run_cli(
        "push", tier_files["events"], "-m", tier_files["mapping"], "--schema", tier_files["schema"],
        "--dry-run", "-o", "ndjson", "--report", str(report),
    )
    return result, json.loads(report.read_text())


def test_report_exit_status(tier_report):
    result, _ = tier_report
    assert result.returncode == 1


def test_report_normalised(tier_report):
    _, report = tier_report
    assert report["normalised"] == {"companies.tier": 1}


def test_report_warnings(tier_report):
    _, report = tier_report
    assert report["warnings"] == 1


def test_report_invalid_values(tier_report):
    _, report = tier_report
    assert report["invalid_values"] == {"companies.tier": 2, "companies.domains": 2}


def test_report_rejected_zero(tier_report):
    _, report = tier_report
    assert report["rejected"] == 0


def test_report_event_counts(tier_report):
    _, report = tier_report
    assert (report["read"], report["planned"], report["invalid"], report["unmatched"], report["duplicate"]) == (7, 1, 4, 1, 1)


def test_report_normalised_value_sent(tier_report):
    result, _ = tier_report
    [request] = ndjson(result.stdout)
    assert request["body"]["data"]["values"] == {"domains": ["c.example"], "tier": "SMB"}


def test_report_clean_run(tmp_path):
    report = tmp_path / "report.json"
    result = run_cli("push", SAMPLES, "-m", IDENTIFY, "--dry-run", "-o", "ndjson", "--report", str(report))
    assert result.returncode == 0, result.stderr.decode()
    counts = json.loads(report.read_text())
    assert (counts["normalised"], counts["warnings"], counts["invalid_values"], counts["rejected"]) == ({}, 0, {}, 0)


def test_schema_multiselect_appended(tmp_path):
    mapping = _write_mapping(
        tmp_path / "tags.yaml",
        TIERS_MAPPING.replace("tier: $.traits.tier", "tags: $.traits.tags"),
    )
    event = {"type": "group", "groupId": "g1", "traits": {"website": "acme.example", "tags": ["B2B"]}}
    result = run_cli(
        "push", "-", "-m", mapping, "--schema", _write_schema(tmp_path / "schema.json"), "--dry-run", "-o", "ndjson",
        stdin=json.dumps(event).encode(),
    )
    requests = ndjson(result.stdout)
    assert [request["method"] for request in requests] == ["PUT", "PATCH"]
    assert requests[1]["body"] == {"data": {"values": {"tags": ["B2B"]}}}


def test_builtin_multiselect_appended(tmp_path):
    mapping = _write_mapping(tmp_path / "categories.yaml", TIERS_MAPPING.replace("tier: $.traits.tier", "categories: $.traits.tags"))
    event = {"type": "group", "groupId": "g1", "traits": {"website": "acme.example", "tags": "B2B"}}
    result = run_cli("push", "-", "-m", mapping, "--dry-run", "-o", "ndjson", stdin=json.dumps(event).encode(), cwd=REPO_ROOT)
    requests = ndjson(result.stdout)
    assert [request["method"] for request in requests] == ["PUT", "PATCH"]
    assert requests[1]["body"] == {"data": {"values": {"categories": ["B2B"]}}}
