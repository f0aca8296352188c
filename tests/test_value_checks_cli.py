"""Attribute value checks as a user meets them through push: invalid events, normalised values."""

import json

from test_cli import ASSERT, GROUP, IDENTIFY, ndjson, run_cli

TRIAL_EVENT = {
    "type": "track",
    "userId": "u1",
    "event": "Trial Started",
    "properties": {"trial_end_date": "2018-09-20T04:09:47Z", "phone": "410-555-9412"},
}

TRIAL_MAPPING = """\
name: Trials
action: assert-record
subscribe: type = "track" and event = "Trial Started"
mapping:
  object: users
  matching_attribute: user_id
  attributes:
    user_id: $.userId
    trial_end: $.properties.trial_end_date
    phone_numbers: $.properties.phone
"""


def _attribute(slug, attribute_type, **flags):
    return {
        "id": f"attr-{slug}",
        "api_slug": slug,
        "title": slug,
        "type": attribute_type,
        "is_multiselect": flags.get("is_multiselect", False),
        "is_unique": flags.get("is_unique", False),
        "is_writable": True,
        "is_required": False,
    }


def _users_schema(tmp_path):
    document = {
        "format": "attio-cli-schema",
        "version": 1,
        "pulled_at": None,
        "workspace": None,
        "objects": [
            {
                "id": "obj-users",
                "api_slug": "users",
                "singular_noun": "User",
                "plural_noun": "Users",
                "attributes": [
                    _attribute("user_id", "text", is_unique=True),
                    _attribute("trial_end", "date"),
                    _attribute("phone_numbers", "phone-number", is_multiselect=True),
                ],
            }
        ],
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(document))
    return path


def _trial_run(tmp_path, *options):
    mapping = tmp_path / "trial.yaml"
    mapping.write_text(TRIAL_MAPPING)
    rejects = tmp_path / "rejects.ndjson"
    result = run_cli(
        "push", "-", "-m", str(mapping), "--schema", str(_users_schema(tmp_path)), "--dry-run", "-o", "ndjson",
        "--rejects", str(rejects), *options,
        stdin=json.dumps(TRIAL_EVENT).encode(),
    )
    return result, ndjson(rejects.read_bytes()) if rejects.exists() else []


def test_invalid_email_names_field_and_value(tmp_path):
    rejects = tmp_path / "rejects.ndjson"
    event = {"type": "identify", "userId": "u4", "traits": {"email": "not-an-email"}}
    result = run_cli("push", "-", "-m", IDENTIFY, "--dry-run", "--rejects", str(rejects), stdin=json.dumps(event).encode())
    assert result.returncode == 1
    assert result.stdout == b""
    [reject] = ndjson(rejects.read_bytes())
    assert reject["stage"] == "invalid"
    assert "email_address" in reject["reason"]
    assert '"not-an-email"' in reject["reason"]


def test_website_shapes_assert_same_domain():
    events = [
        {"type": "group", "groupId": "g1", "traits": {"website": "https://www.example.com/pricing"}},
        {"type": "group", "groupId": "g1", "traits": {"website": "example.com"}},
    ]
    stdin = b"".join(json.dumps(event).encode() + b"\n" for event in events)
    result = run_cli("push", "-", "-m", GROUP, "--dry-run", "-o", "ndjson", stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    companies = [request for request in ndjson(result.stdout) if "/objects/companies/" in request["url"]]
    assert [request["body"]["data"]["values"]["domains"] for request in companies] == [["example.com"], ["example.com"]]


def test_website_normalisation_counted_in_report(tmp_path):
    report = tmp_path / "report.json"
    event = {"type": "group", "groupId": "g1", "traits": {"website": "https://www.example.com/pricing"}}
    result = run_cli("push", "-", "-m", GROUP, "--dry-run", "--report", str(report), stdin=json.dumps(event).encode())
    assert result.returncode == 0
    assert json.loads(report.read_text())["normalised"] == {"companies.domains": 1}
    assert b'warning: <stdin>:1: companies.domains: "https://www.example.com/pricing" was sent as "example.com"' in result.stderr


def test_trial_date_cut_to_utc_day(tmp_path):
    result, _ = _trial_run(tmp_path, "--default-country", "US")
    assert result.returncode == 0, result.stderr.decode()
    assert_request = ndjson(result.stdout)[0]
    assert assert_request["body"]["data"]["values"]["trial_end"] == "2018-09-20"


def test_phone_invalid_without_default_country(tmp_path):
    result, rejects = _trial_run(tmp_path)
    assert result.returncode == 1
    assert result.stdout == b""
    assert rejects[0]["reason"].startswith('users.phone_numbers: "410-555-9412" has no country code')


def test_phone_e164_with_default_country(tmp_path):
    result, _ = _trial_run(tmp_path, "--default-country", "US")
    # phone_numbers is multiselect, so the public style appends it after the assert.
    assert_request, append_request = ndjson(result.stdout)
    assert append_request["method"] == "PATCH"
    assert append_request["body"]["data"]["values"]["phone_numbers"] == ["+14105559412"]


def test_unknown_default_country_is_usage_error(tmp_path):
    result, _ = _trial_run(tmp_path, "--default-country", "XX")
    assert result.returncode == 2
    assert b"--default-country 'XX' is not a country code" in result.stderr


def test_companies_matching_on_name_rejected(tmp_path):
    mapping = tmp_path / "by-name.yaml"
    mapping.write_text(
        "action: assert-record\nsubscribe: type = \"group\"\nmapping:\n  object: companies\n"
        "  matching_attribute: name\n  attributes:\n    name: $.traits.name\n"
    )
    result = run_cli("push", "-", "-m", str(mapping), "--dry-run", stdin=b"")
    assert result.returncode == 2
    assert f"{mapping}:5:".encode() in result.stderr
    assert b"companies.name cannot be the matching attribute, because it is not unique" in result.stderr


def test_unchecked_attribute_noted_once(tmp_path):
    mapping = tmp_path / "custom.yaml"
    mapping.write_text(
        "action: assert-record\nsubscribe: type = \"identify\"\nmapping:\n  object: people\n"
        "  matching_attribute: email_addresses\n  attributes:\n    email_addresses: $.traits.email\n"
        "    favourite_colour: $.traits.colour\n"
    )
    events = b"".join(
        json.dumps({"type": "identify", "traits": {"email": f"a{index}@example.com", "colour": "red"}}).encode() + b"\n"
        for index in range(3)
    )
    result = run_cli("push", "-", "-m", str(mapping), "--dry-run", "-o", "ndjson", stdin=events)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.count(b"people.favourite_colour is not in Attio's standard objects") == 1


def test_segment_style_keeps_values(tmp_path):
    event = {"type": "group", "groupId": "g1", "traits": {"website": "https://www.example.com/pricing"}}
    result = run_cli("push", "-", "-m", GROUP, "--dry-run", "-o", "ndjson", "--api", "segment", stdin=json.dumps(event).encode())
    assert result.returncode == 0
    company = ndjson(result.stdout)[0]
    assert company["body"]["data"]["values"]["domains"] == "https://www.example.com/pricing"


def test_segment_style_holds_back_invalid(tmp_path):
    rejects = tmp_path / "rejects.ndjson"
    event = {"type": "group", "groupId": "g1", "traits": {"website": "not a domain"}}
    result = run_cli(
        "push", "-", "-m", GROUP, "--dry-run", "--api", "segment", "--rejects", str(rejects), stdin=json.dumps(event).encode()
    )
    assert result.returncode == 1
    assert result.stdout == b""
    [reject] = ndjson(rejects.read_bytes())
    assert reject["reason"].startswith("companies.domains:")


def test_validate_bundled_samples_exit_zero():
    result = run_cli("validate", "-m", IDENTIFY, "-m", GROUP, "-m", ASSERT, "samples/events.ndjson")
    assert result.returncode == 0, result.stderr.decode()
    assert b"8 events read: 5 valid, 0 invalid, 2 unmatched, 1 duplicate" in result.stdout
