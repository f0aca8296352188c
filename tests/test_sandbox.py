"""The sandbox server over real HTTP: record writes, errors, rate limits, faults and persistence."""

from __future__ import annotations

import json
import re
import socket
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from attio_cli.cli import app as cli_app
from attio_cli.errors import ConfigError
from attio_cli.sandbox import run_sandbox

PEOPLE_ASSERT = "/v2/objects/people/records?matching_attribute=email_addresses"
PEOPLE_SIMPLE = "/v2/objects/people/records/simple?matching_attribute=email_addresses&append_to_existing_values=true"
ERROR_KEYS = {"status_code", "type", "code", "message"}
# Limits lifted, for tests that are not about them.
UNLIMITED = {"write_rate": 0, "read_rate": 0}


class FrozenClock:
    """A clock for the rate limits that moves only when a test moves it."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sandbox():
    with run_sandbox(**UNLIMITED) as running:
        yield running


@pytest.fixture
def client(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers=sandbox.headers, timeout=10) as http:
        yield http


def values_body(**values) -> dict:
    return {"data": {"values": values}}


def stored(record: dict, slug: str, field: str) -> list:
    """Return one field of every stored value of an attribute."""
    return [value[field] for value in record["values"][slug]]


def assert_error_shape(response: httpx.Response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status
    assert set(body) >= ERROR_KEYS
    assert body["status_code"] == status
    assert body["code"] == code
    assert body["message"]
    return body


# Record writes -------------------------------------------------------------------------------------


def test_assert_creates_then_updates(client, sandbox):
    created = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Analyst"))
    updated = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Engineer"))

    assert created.status_code == 200
    assert updated.status_code == 200
    record_id = created.json()["data"]["id"]["record_id"]
    assert updated.json()["data"]["id"]["record_id"] == record_id
    assert stored(updated.json()["data"], "job_title", "value") == ["Engineer"]
    assert sandbox.stats()["records"]["people"] == 1


def test_assert_response_shape(client, sandbox):
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["Ada@Example.COM"], name="Lovelace, Ada"))

    record = response.json()["data"]
    assert set(record) == {"id", "created_at", "web_url", "values"}
    assert set(record["id"]) == {"workspace_id", "object_id", "record_id"}
    email = record["values"]["email_addresses"][0]
    assert email["attribute_type"] == "email-address"
    assert email["active_until"] is None
    assert email["created_by_actor"]["type"] == "api-token"
    assert email["email_address"] == "Ada@example.com"
    assert email["original_email_address"] == "Ada@Example.COM"
    assert email["email_domain"] == "example.com"
    assert email["email_local_specifier"] == "Ada"
    name = record["values"]["name"][0]
    assert (name["first_name"], name["last_name"], name["full_name"]) == ("Ada", "Lovelace", "Ada Lovelace")
    assert record["values"]["job_title"] == []
    assert stored(record, "created_at", "attribute_type") == ["timestamp"]


def test_stored_value_types(client):
    values = {
        "domains": ["https://www.Analytical.co.uk/pricing"],
        "name": "Analytical Engines",
        "funding_raised_usd": "1250.5",
        "foundation_date": "2023-01-02T23:00:00-10:00",
        "primary_location": {"locality": "London", "country_code": "gb"},
        "categories": ["B2B", "SaaS"],
    }
    response = client.put("/v2/objects/companies/records?matching_attribute=domains", json=values_body(**values))

    record = response.json()["data"]
    assert response.status_code == 200
    assert stored(record, "domains", "domain") == ["analytical.co.uk"]
    assert stored(record, "domains", "root_domain") == ["analytical.co.uk"]
    assert stored(record, "funding_raised_usd", "currency_value") == [1250.5]
    assert stored(record, "foundation_date", "value") == ["2023-01-03"]
    assert stored(record, "primary_location", "locality") == ["London"]
    assert stored(record, "primary_location", "country_code") == ["GB"]
    assert stored(record, "primary_location", "line_1") == [None]
    assert [option["title"] for option in stored(record, "categories", "option")] == ["B2B", "SaaS"]


def test_phone_number_shape(client):
    body = values_body(email_addresses=["grace@example.com"], phone_numbers=["+44 20 7946 0958"])
    record = client.put(PEOPLE_ASSERT, json=body).json()["data"]

    phone = record["values"]["phone_numbers"][0]
    assert phone["phone_number"] == "+442079460958"
    assert phone["original_phone_number"] == "+44 20 7946 0958"
    assert phone["country_code"] == "GB"


def test_email_match_ignores_case(client, sandbox):
    first = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["Ada@Example.com"]))
    second = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Analyst"))

    assert second.json()["data"]["id"] == first.json()["data"]["id"]
    assert sandbox.stats()["records"]["people"] == 1


def test_multiselect_replaced_by_assert(client):
    first = ["+442079460958", "+14155550132"]
    client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], phone_numbers=first))
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], phone_numbers=["+33142685300"]))

    assert stored(response.json()["data"], "phone_numbers", "phone_number") == ["+33142685300"]


def test_matching_attribute_values_added(client):
    client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"]))
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com", "ada@work.example"]))

    assert sorted(stored(response.json()["data"], "email_addresses", "email_address")) == ["ada@example.com", "ada@work.example"]


def test_multiselect_appended_by_simple(client):
    client.put(PEOPLE_SIMPLE, json=values_body(email_addresses="ada@example.com", phone_numbers="+442079460958"))
    response = client.put(PEOPLE_SIMPLE, json=values_body(email_addresses="ada@example.com", phone_numbers="+33142685300"))

    assert response.status_code == 200
    # Attio's spec of the appending update puts new values in front of the existing ones.
    assert stored(response.json()["data"], "phone_numbers", "phone_number") == ["+33142685300", "+442079460958"]


def test_simple_without_append_replaces(client):
    path = "/v2/objects/people/records/simple?matching_attribute=email_addresses"
    client.put(path, json=values_body(email_addresses="ada@example.com", phone_numbers="+442079460958"))
    response = client.put(path, json=values_body(email_addresses="ada@example.com", phone_numbers="+33142685300"))

    assert stored(response.json()["data"], "phone_numbers", "phone_number") == ["+33142685300"]


def test_patch_appends_put_overwrites(client):
    created = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], phone_numbers=["+442079460958"]))
    record_path = f"/v2/objects/people/records/{created.json()['data']['id']['record_id']}"

    patched = client.patch(record_path, json=values_body(phone_numbers=["+33142685300"]))
    overwritten = client.put(record_path, json=values_body(phone_numbers=["+14155550132"]))

    assert stored(patched.json()["data"], "phone_numbers", "phone_number") == ["+33142685300", "+442079460958"]
    assert stored(overwritten.json()["data"], "phone_numbers", "phone_number") == ["+14155550132"]


def test_patch_same_value_kept_once(client):
    created = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], phone_numbers=["+442079460958"]))
    record_path = f"/v2/objects/people/records/{created.json()['data']['id']['record_id']}"

    patched = client.patch(record_path, json=values_body(phone_numbers=["+44 20 7946 0958"]))

    assert stored(patched.json()["data"], "phone_numbers", "phone_number") == ["+442079460958"]
    assert stored(patched.json()["data"], "phone_numbers", "active_from") == stored(created.json()["data"], "phone_numbers", "active_from")


def test_null_unsets_attribute(client):
    client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Analyst"))
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title=None))

    assert response.json()["data"]["values"]["job_title"] == []


def test_create_record_endpoint(client):
    created = client.post("/v2/objects/people/records", json=values_body(email_addresses=["ada@example.com"]))
    duplicate = client.post("/v2/objects/people/records", json=values_body(email_addresses=["ada@example.com"]))

    assert created.status_code == 200
    assert_error_shape(duplicate, 400, "uniqueness_conflict")


def test_get_record(client):
    created = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"])).json()["data"]
    fetched = client.get(f"/v2/objects/people/records/{created['id']['record_id']}")
    by_object_id = client.get(f"/v2/objects/{created['id']['object_id']}/records/{created['id']['record_id']}")

    assert fetched.json()["data"] == created
    assert by_object_id.json()["data"] == created


def test_query_in_creation_order(client):
    for name in ("a", "b", "c"):
        client.put(PEOPLE_ASSERT, json=values_body(email_addresses=[f"{name}@example.com"]))

    everything = client.post("/v2/objects/people/records/query", json={})
    page = client.post("/v2/objects/people/records/query", json={"limit": 1, "offset": 1})
    filtered = client.post("/v2/objects/people/records/query", json={"filter": {"name": "x"}})

    emails = [stored(record, "email_addresses", "email_address")[0] for record in everything.json()["data"]]
    assert emails == ["a@example.com", "b@example.com", "c@example.com"]
    assert [stored(record, "email_addresses", "email_address")[0] for record in page.json()["data"]] == ["b@example.com"]
    assert_error_shape(filtered, 400, "filter_error")


# References and batches ----------------------------------------------------------------------------


def test_reference_by_email(client):
    person = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"])).json()["data"]
    user = client.put(
        "/v2/objects/users/records?matching_attribute=user_id",
        json=values_body(user_id="u-1", primary_email_address="ada@example.com", person="Ada@example.com"),
    )

    assert user.status_code == 200
    assert stored(user.json()["data"], "person", "target_record_id") == [person["id"]["record_id"]]
    assert stored(user.json()["data"], "person", "target_object") == ["people"]


def test_reference_by_bare_record_id(client):
    company = client.put("/v2/objects/companies/records?matching_attribute=domains", json=values_body(domains=["example.com"]))
    company_id = company.json()["data"]["id"]["record_id"]
    workspace = client.put(
        "/v2/objects/workspaces/records/simple?matching_attribute=workspace_id&append_to_existing_values=true",
        json=values_body(workspace_id="ws-1", company=company_id),
    )

    assert workspace.status_code == 200
    assert stored(workspace.json()["data"], "company", "target_record_id") == [company_id]


def test_reference_to_missing_record(client):
    missing_person = client.put(
        "/v2/objects/users/records?matching_attribute=user_id",
        json=values_body(user_id="u-1", primary_email_address="ada@example.com", person="ada@example.com"),
    )
    missing_id = client.put(
        "/v2/objects/people/records?matching_attribute=email_addresses",
        json=values_body(
            email_addresses=["ada@example.com"],
            company={"target_object": "companies", "target_record_id": "00000000-0000-4000-8000-000000000001"},
        ),
    )

    assert_error_shape(missing_person, 400, "value_not_found")
    assert_error_shape(missing_id, 400, "value_not_found")


def test_reference_by_matching_object(client):
    company = client.put("/v2/objects/companies/records?matching_attribute=domains", json=values_body(domains=["example.com"]))
    person = client.put(
        PEOPLE_ASSERT,
        json=values_body(email_addresses=["ada@example.com"], company={"target_object": "companies", "domains": [{"domain": "example.com"}]}),
    )

    assert stored(person.json()["data"], "company", "target_record_id") == [company.json()["data"]["id"]["record_id"]]


def test_batch_links_nested_person(client, sandbox):
    person = {
        "object": "people",
        "mode": "create-or-update",
        "matching_attribute": "email_addresses",
        "multiselect_values": "append",
        "values": {"email_addresses": ["ada@example.com"]},
        "received_at": "2024-03-01T09:00:00.000Z",
    }
    user = {
        "object": "users",
        "mode": "create-or-update",
        "matching_attribute": "user_id",
        "multiselect_values": "append",
        "values": {"user_id": "u-1", "primary_email_address": "ada@example.com", "person": person},
        "received_at": "2024-03-01T09:00:00.000Z",
    }
    response = client.put("/v2/batch/records", json={"assertions": [user]})

    assert response.status_code == 202
    people = sandbox.records("people")
    users = sandbox.records("users")
    assert len(people) == 1
    assert len(users) == 1
    assert stored(users[0], "person", "target_record_id") == [people[0]["id"]["record_id"]]
    assert stored(users[0], "user_id", "active_from") == ["2024-03-01T09:00:00.000000000Z"]


def test_batch_drops_invalid_silently(client, sandbox):
    good = {"object": "people", "matching_attribute": "email_addresses", "values": {"email_addresses": ["ada@example.com"]}}
    bad = {"object": "people", "matching_attribute": "email_addresses", "values": {"email_addresses": ["not an email"]}}
    response = client.put("/v2/batch/records", json={"assertions": [bad, good]})

    assert response.status_code == 202
    assert response.content == b""
    assert sandbox.stats()["records"]["people"] == 1
    assert sandbox.stats()["batch_assertions_dropped"] == 1
    assert sandbox.dropped_assertions()[0]["code"] == "validation_type"
    assert sandbox.dropped_assertions()[0]["assertion"] == bad


def test_batch_body_not_assertions(client):
    assert_error_shape(client.put("/v2/batch/records", json={"records": []}), 400, "validation_type")


# Errors --------------------------------------------------------------------------------------------


def test_unknown_attribute_slug(client):
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], favourite_colour="red"))

    body = assert_error_shape(response, 400, "value_not_found")
    assert body["type"] == "invalid_request_error"
    assert "favourite_colour" in body["message"]


def test_unknown_object_slug(client):
    response = client.put("/v2/objects/person/records?matching_attribute=email_addresses", json=values_body(email_addresses=["a@b.com"]))

    assert_error_shape(response, 404, "not_found")


def test_unknown_matching_attribute(client):
    response = client.put("/v2/objects/people/records?matching_attribute=emails", json=values_body(email_addresses=["a@b.com"]))

    assert_error_shape(response, 400, "value_not_found")


def test_matching_attribute_not_unique(client, sandbox):
    response = client.put("/v2/objects/companies/records?matching_attribute=name", json=values_body(name="Initech"))

    assert_error_shape(response, 400, "matching_attribute_definition_not_unique")
    assert sandbox.stats()["records"]["companies"] == 0


def test_matching_attribute_missing(client):
    without_parameter = client.put("/v2/objects/people/records", json=values_body(email_addresses=["a@b.com"]))
    without_value = client.put(PEOPLE_ASSERT, json=values_body(job_title="Analyst"))

    body = assert_error_shape(without_parameter, 400, "validation_type")
    assert body["validation_errors"][0]["path"] == ["matching_attribute"]
    assert_error_shape(without_value, 400, "missing_value")


def test_bad_email(client, sandbox):
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["not-an-email"]))

    body = assert_error_shape(response, 400, "validation_type")
    assert "not-an-email" in body["message"]
    assert sandbox.stats()["records"]["people"] == 0


def test_uniqueness_conflict(client):
    client.put("/v2/objects/users/records?matching_attribute=user_id", json=values_body(user_id="u-1", primary_email_address="ada@example.com"))
    response = client.put(
        "/v2/objects/users/records?matching_attribute=user_id",
        json=values_body(user_id="u-2", primary_email_address="ada@example.com"),
    )

    assert_error_shape(response, 400, "uniqueness_conflict")


def test_required_attribute_missing(client, sandbox):
    response = client.put("/v2/objects/users/records?matching_attribute=user_id", json=values_body(user_id="u-1"))

    assert_error_shape(response, 400, "missing_value")
    assert sandbox.stats()["records"]["users"] == 0


def test_read_only_attribute(client):
    response = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["a@b.com"], created_at="2024-01-01"))

    assert_error_shape(response, 400, "system_edit_unauthorized")


def test_failed_write_changes_nothing(client):
    client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Analyst"))
    failed = client.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Engineer", phone_numbers=["12"]))
    record = client.post("/v2/objects/people/records/query", json={}).json()["data"][0]

    assert failed.status_code == 400
    assert stored(record, "job_title", "value") == ["Analyst"]


def test_invalid_json_body(client):
    response = client.put(PEOPLE_ASSERT, content=b"{not json", headers={"content-type": "application/json"})

    assert_error_shape(response, 400, "validation_type")


def test_missing_values_object(client):
    response = client.put(PEOPLE_ASSERT, json={"data": {}})

    body = assert_error_shape(response, 400, "validation_type")
    assert body["validation_errors"][0]["path"] == ["data", "values"]


def test_unknown_route(client):
    assert_error_shape(client.get("/v2/nothing/here"), 404, "not_found")


def test_unknown_record(client):
    response = client.get("/v2/objects/people/records/00000000-0000-4000-8000-000000000001")

    assert_error_shape(response, 404, "not_found")


# Authentication ------------------------------------------------------------------------------------


def test_missing_token(sandbox):
    response = httpx.get(f"{sandbox.base_url}/v2/self")

    body = assert_error_shape(response, 401, "unauthorized")
    assert body["type"] == "auth_error"


def test_wrong_token(sandbox):
    response = httpx.get(f"{sandbox.base_url}/v2/self", headers={"Authorization": "Bearer not-the-token"})

    assert_error_shape(response, 401, "unauthorized")


def test_custom_token():
    with run_sandbox(token="s3cret", **UNLIMITED) as running:
        accepted = httpx.get(f"{running.base_url}/v2/self", headers={"Authorization": "Bearer s3cret"})
        default_rejected = httpx.get(f"{running.base_url}/v2/self", headers={"Authorization": "Bearer sandbox"})
        basic = httpx.get(f"{running.base_url}/v2/self", auth=("s3cret", ""))

    assert accepted.status_code == 200
    assert default_rejected.status_code == 401
    assert basic.status_code == 200


def test_unauthorized_not_processed(sandbox):
    response = httpx.put(f"{sandbox.base_url}{PEOPLE_ASSERT}", json=values_body(email_addresses=["a@b.com"]))

    assert response.status_code == 401
    assert sandbox.stats()["records"]["people"] == 0


# Schema endpoints ----------------------------------------------------------------------------------


def test_self_endpoint(client):
    body = client.get("/v2/self").json()

    assert body["active"] is True
    assert "record_permission:read-write" in body["scope"].split()
    assert "object_configuration:read" in body["scope"].split()
    assert body["workspace_id"] == body["sub"]
    assert body["workspace_name"] == "Sandbox"


def test_objects_endpoint(client):
    objects = client.get("/v2/objects").json()["data"]
    people = client.get("/v2/objects/people").json()["data"]
    by_id = client.get(f"/v2/objects/{people['id']['object_id']}").json()["data"]

    assert [item["api_slug"] for item in objects] == ["people", "companies", "users", "workspaces", "deals"]
    assert people["singular_noun"] == "Person"
    assert by_id == people


def test_ids_stable_across_runs():
    with run_sandbox(**UNLIMITED) as first:
        first_objects = httpx.get(f"{first.base_url}/v2/objects", headers=first.headers).json()
    with run_sandbox(**UNLIMITED) as second:
        second_objects = httpx.get(f"{second.base_url}/v2/objects", headers=second.headers).json()

    assert first_objects == second_objects


def test_attributes_endpoint(client):
    everything = client.get("/v2/objects/people/attributes").json()["data"]
    page = client.get("/v2/objects/people/attributes", params={"limit": 2, "offset": 1}).json()["data"]
    email = client.get("/v2/objects/people/attributes/email_addresses").json()["data"]
    by_id = client.get(f"/v2/objects/people/attributes/{email['id']['attribute_id']}").json()["data"]

    assert [item["api_slug"] for item in page] == [item["api_slug"] for item in everything[1:3]]
    assert email["type"] == "email-address"
    assert email["is_unique"] is True
    assert email["is_multiselect"] is True
    assert by_id == email


def test_attribute_reference_config(client):
    company_id = client.get("/v2/objects/companies").json()["data"]["id"]["object_id"]
    attribute = client.get("/v2/objects/people/attributes/company").json()["data"]

    assert attribute["config"]["record_reference"]["allowed_object_ids"] == [company_id]


def test_options_of_open_select(client):
    client.put("/v2/objects/companies/records?matching_attribute=domains", json=values_body(domains=["a.com"], categories=["B2B"]))
    options = client.get("/v2/objects/companies/attributes/categories/options").json()["data"]
    statuses = client.get("/v2/objects/companies/attributes/categories/statuses")

    assert [option["title"] for option in options] == ["B2B"]
    assert set(options[0]["id"]) == {"workspace_id", "object_id", "attribute_id", "option_id"}
    assert_error_shape(statuses, 404, "not_found")


# Schema files --------------------------------------------------------------------------------------


@pytest.fixture
def schema_path(tmp_path: Path) -> Path:
    document = {
        "format": "attio-cli-schema",
        "version": 1,
        "workspace": {"name": "Acme"},
        "objects": [
            {
                "id": "11111111-1111-4111-8111-111111111111",
                "api_slug": "accounts",
                "singular_noun": "Account",
                "plural_noun": "Accounts",
                "attributes": [
                    {"id": "22222222-2222-4222-8222-222222222222", "api_slug": "account_id", "title": "Account ID",
                     "type": "text", "is_unique": True, "is_required": True},
                    {"id": "33333333-3333-4333-8333-333333333333", "api_slug": "tier", "title": "Tier", "type": "select",
                     "options": [{"id": "44444444-4444-4444-8444-444444444444", "title": "Gold"},
                                 {"id": "55555555-5555-4555-8555-555555555555", "title": "Silver"}]},
                    {"api_slug": "stage", "type": "status", "options": [{"title": "Lead"}, {"title": "Customer"}]},
                ],
            }
        ],
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(document))
    return path


def test_schema_file_objects(schema_path):
    with run_sandbox(schema=schema_path, **UNLIMITED) as running:
        headers = running.headers
        objects = httpx.get(f"{running.base_url}/v2/objects", headers=headers).json()["data"]
        attribute = httpx.get(f"{running.base_url}/v2/objects/accounts/attributes/account_id", headers=headers).json()["data"]
        people = httpx.get(f"{running.base_url}/v2/objects/people", headers=headers)
        workspace_name = httpx.get(f"{running.base_url}/v2/self", headers=headers).json()["workspace_name"]

    assert [item["id"]["object_id"] for item in objects] == ["11111111-1111-4111-8111-111111111111"]
    assert attribute["id"]["attribute_id"] == "22222222-2222-4222-8222-222222222222"
    assert attribute["title"] == "Account ID"
    assert people.status_code == 404
    assert workspace_name == "Acme"


def test_schema_file_options(schema_path):
    path = "/v2/objects/accounts/records?matching_attribute=account_id"
    with run_sandbox(schema=schema_path, **UNLIMITED) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        by_title = http.put(path, json=values_body(account_id="a-1", tier="gold", stage="Lead"))
        by_id = http.put(path, json=values_body(account_id="a-2", tier={"option": "44444444-4444-4444-8444-444444444444"}))
        unknown = http.put(path, json=values_body(account_id="a-3", tier="Platinum"))
        statuses = http.get("/v2/objects/accounts/attributes/stage/statuses").json()["data"]

    tier = by_title.json()["data"]["values"]["tier"][0]["option"]
    assert tier["title"] == "Gold"
    assert tier["id"]["option_id"] == "44444444-4444-4444-8444-444444444444"
    assert by_title.json()["data"]["values"]["stage"][0]["status"]["title"] == "Lead"
    assert by_id.json()["data"]["values"]["tier"][0]["option"]["title"] == "Gold"
    assert_error_shape(unknown, 400, "value_not_found")
    assert [status["title"] for status in statuses] == ["Lead", "Customer"]


def test_schema_file_missing(tmp_path):
    with pytest.raises(ConfigError):
        with run_sandbox(schema=tmp_path / "absent.json"):
            pass


# Rate limits, faults and latency -------------------------------------------------------------------


def test_write_limit_429():
    clock = FrozenClock(1_700_000_000.25)
    with run_sandbox(clock=clock, read_rate=0) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        accepted = [http.put(PEOPLE_ASSERT, json=values_body(email_addresses=[f"p{index}@example.com"])) for index in range(25)]
        limited = http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["p25@example.com"]))
        count_while_limited = running.stats()["records"]["people"]
        clock.now += 1
        after_reset = http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["p25@example.com"]))
        stats = running.stats()

    assert [response.status_code for response in accepted] == [200] * 25
    body = assert_error_shape(limited, 429, "rate_limit_exceeded")
    assert body["type"] == "rate_limit_error"
    assert parsedate_to_datetime(limited.headers["retry-after"]).timestamp() == 1_700_000_001
    assert limited.headers["retry-after"].endswith(" GMT")
    assert count_while_limited == 25
    assert after_reset.status_code == 200
    assert stats["rate_limited"] == 1


def test_reads_limited_separately():
    clock = FrozenClock(1_700_000_000.0)
    with run_sandbox(clock=clock, read_rate=2, write_rate=1) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        write = http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["a@example.com"]))
        reads = [http.get("/v2/self").status_code for _ in range(3)]
        second_write = http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["b@example.com"]))

    assert write.status_code == 200
    assert reads == [200, 200, 429]
    assert second_write.status_code == 429


def test_fail_rate_one():
    with run_sandbox(fail_rate=1, seed=1, **UNLIMITED) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        writes = [http.put(PEOPLE_ASSERT, json=values_body(email_addresses=[f"p{index}@example.com"])) for index in range(6)]
        read = http.get("/v2/objects")
        stats = running.stats()

    assert {response.status_code for response in writes} <= {500, 503}
    assert all(set(response.json()) >= ERROR_KEYS for response in writes)
    assert read.status_code == 200
    assert stats["records"]["people"] == 0
    assert stats["injected_failures"] == 6


def test_faults_reproducible():
    def statuses() -> list[int]:
        with run_sandbox(fail_rate=0.5, seed=7, **UNLIMITED) as running:
            with httpx.Client(base_url=running.base_url, headers=running.headers) as http:
                return [http.put(PEOPLE_ASSERT, json=values_body(email_addresses=[f"p{index}@example.com"])).status_code for index in range(12)]

    first = statuses()
    assert first == statuses()
    assert 200 in first
    assert set(first) - {200}


def test_drop_rate_one():
    with run_sandbox(drop_rate=1, **UNLIMITED) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"]))
        read = http.get("/v2/self")
        stats = running.stats()

    assert read.status_code == 200
    assert stats["records"]["people"] == 0
    assert stats["injected_drops"] == 1


def test_latency_delays_response():
    with run_sandbox(latency_ms=150, **UNLIMITED) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        response = http.get("/v2/self")

    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.14


def test_invalid_options():
    for options in ({"host": "192.0.2.1"}, {"fail_rate": 2}, {"write_rate": -1}, {"token": "two words"}):
        with pytest.raises(ConfigError):
            with run_sandbox(**options):
                pass


# HTTP behaviour ------------------------------------------------------------------------------------


def test_keep_alive_reuses_connection(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers=sandbox.headers) as http:
        statuses = [http.get("/v2/self").status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert sandbox.stats()["connections"] == 1


def raw_exchange(sandbox, payload: bytes) -> bytes:
    """Send raw bytes on one connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as connection:
        connection.sendall(payload)
        chunks = []
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_pipelined_requests_in_order(sandbox):
    request = f"GET /v2/objects/{{}} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\n\r\n"
    closing = f"GET /v2/objects/nothing HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\nConnection: close\r\n\r\n"
    answer = raw_exchange(sandbox, (request.format("people") + request.format("users") + closing).encode())

    assert answer.count(b"HTTP/1.1 200") == 2
    assert answer.index(b'"api_slug":"people"') < answer.index(b'"api_slug":"users"')
    assert answer.rstrip().endswith(b"}")
    assert b"HTTP/1.1 404" in answer


def test_pipelined_with_latency():
    with run_sandbox(latency_ms=30, **UNLIMITED) as running:
        request = f"GET /v2/objects/{{}} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {running.token}\r\n\r\n"
        closing = request.format("users").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
        answer = raw_exchange(running, (request.format("people") + closing).encode())

    assert answer.count(b"HTTP/1.1 200") == 2
    assert answer.index(b'"api_slug":"people"') < answer.index(b'"api_slug":"users"')


def test_expect_continue(sandbox):
    body = json.dumps(values_body(email_addresses=["ada@example.com"])).encode()
    head = (
        f"PUT {PEOPLE_ASSERT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as connection:
        connection.sendall(head.encode())
        interim = connection.recv(65536)
        connection.sendall(body)
        final = connection.recv(65536)

    assert interim.startswith(b"HTTP/1.1 100")
    assert final.startswith(b"HTTP/1.1 200")


def test_body_too_large(sandbox):
    head = f"PUT {PEOPLE_ASSERT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\nContent-Length: 999999999\r\n\r\n"
    answer = raw_exchange(sandbox, head.encode())

    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"status_code":413' in answer


def test_malformed_request(sandbox):
    answer = raw_exchange(sandbox, b"NOT HTTP AT ALL\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 400")


# Persistence ---------------------------------------------------------------------------------------


def test_db_survives_restart(tmp_path):
    database = tmp_path / "sandbox.sqlite"
    with run_sandbox(db=database, **UNLIMITED) as first, httpx.Client(base_url=first.base_url, headers=first.headers) as http:
        created = http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Analyst")).json()["data"]
        http.put("/v2/objects/people/records?matching_attribute=nope", json=values_body(email_addresses=["ada@example.com"]))

    with run_sandbox(db=database, **UNLIMITED) as second, httpx.Client(base_url=second.base_url, headers=second.headers) as http:
        fetched = http.get(f"/v2/objects/people/records/{created['id']['record_id']}").json()["data"]
        updated = http.put(PEOPLE_ASSERT, json=values_body(email_addresses=["ada@example.com"], job_title="Engineer")).json()["data"]
        stats = second.stats()

    assert fetched["values"] == created["values"]
    assert updated["id"] == created["id"]
    assert stats["records"]["people"] == 1
    assert stats["requests"] == 4
    assert stats["responses_by_status"] == {"200": 3, "400": 1}


def test_db_keeps_creation_order(tmp_path):
    database = tmp_path / "sandbox.sqlite"
    emails = [f"p{index}@example.com" for index in range(5)]
    with run_sandbox(db=database, **UNLIMITED) as first, httpx.Client(base_url=first.base_url, headers=first.headers) as http:
        for email in emails:
            http.put(PEOPLE_ASSERT, json=values_body(email_addresses=[email]))
        # An update of the first record must not move it behind the others.
        http.put(PEOPLE_ASSERT, json=values_body(email_addresses=[emails[0]], job_title="Analyst"))

    with run_sandbox(db=database, **UNLIMITED) as second:
        records = second.records("people")

    assert [stored(record, "email_addresses", "email_address")[0] for record in records] == emails


def test_seeded_record_ids_repeat(tmp_path):
    def first_record_id() -> str:
        with run_sandbox(seed=3, **UNLIMITED) as running:
            response = httpx.put(f"{running.base_url}{PEOPLE_ASSERT}", json=values_body(email_addresses=["a@b.com"]), headers=running.headers)
            return response.json()["data"]["id"]["record_id"]

    assert first_record_id() == first_record_id()


# Requests that attio-cli plans ---------------------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"<record_id from step (\d+) \([a-z_]+\)>")


def planned_requests(mappings: list[Path], api: str) -> list[dict]:
    arguments = ["push", str(REPO_ROOT / "samples" / "events.ndjson"), "--dry-run", "-o", "ndjson", "--api", api]
    for mapping in mappings:
        arguments += ["-m", str(mapping)]
    result = CliRunner().invoke(cli_app, arguments)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def replay_plan(http: httpx.Client, requests: list[dict]) -> list[int]:
    """Send planned requests, filling each record-id placeholder from the response of its step."""
    record_ids: dict[tuple, str] = {}
    statuses = []
    for request in requests:
        event = (request.get("input"), request.get("line"))
        text = PLACEHOLDER.sub(lambda match: record_ids[(event, int(match.group(1)))], json.dumps(request))
        request = json.loads(text)
        path = request["url"].removeprefix("https://api.attio.com")
        response = http.request(request["method"], path, json=request["body"])
        statuses.append(response.status_code)
        if response.status_code == 200 and "step" in request:
            record_ids[(event, request["step"])] = response.json()["data"]["id"]["record_id"]
    return statuses


def batch_mapping(tmp_path: Path, name: str) -> Path:
    text = (REPO_ROOT / "mappings" / name).read_text()
    path = tmp_path / name
    path.write_text(text.replace("\nmapping:\n", "\nmapping:\n  enable_batching: true\n  batch_size: 10\n"))
    return path


@pytest.mark.parametrize("api", ["public", "segment"])
def test_planned_single_requests(api):
    mappings = [REPO_ROOT / "mappings" / name for name in ("identify-user.yaml", "group-workspace.yaml", "assert-record.yaml")]
    requests = planned_requests(mappings, api)
    with run_sandbox(**UNLIMITED) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        statuses = replay_plan(http, requests)
        workspaces = running.records("workspaces")
        stats = running.stats()

    assert statuses == [200] * len(requests)
    assert stats["records"] == {"people": 3, "companies": 2, "users": 3, "workspaces": 2, "deals": 0}
    assert [len(workspace["values"]["users"]) for workspace in workspaces] == [1, 1]
    assert [len(workspace["values"]["company"]) for workspace in workspaces] == [1, 1]


@pytest.mark.parametrize("api", ["public", "segment"])
def test_planned_batch_requests(api, tmp_path):
    mappings = [batch_mapping(tmp_path, "identify-user.yaml"), batch_mapping(tmp_path, "group-workspace.yaml")]
    requests = planned_requests(mappings, api)
    with run_sandbox(**UNLIMITED) as running, httpx.Client(base_url=running.base_url, headers=running.headers) as http:
        statuses = replay_plan(http, requests)
        users = running.records("users")
        stats = running.stats()

    assert statuses == [202, 202]
    assert stats["batch_assertions_dropped"] == 0
    assert stats["records"] == {"people": 3, "companies": 2, "users": 3, "workspaces": 2, "deals": 0}
    assert all(len(user["values"]["person"]) == 1 for user in users)


def test_failed_write_adds_no_option(client):
    failed = client.put(
        "/v2/objects/companies/records?matching_attribute=domains",
        json=values_body(domains=["a.com"], categories=["B2B"], funding_raised_usd="not money"),
    )
    options = client.get("/v2/objects/companies/attributes/categories/options").json()["data"]

    assert failed.status_code == 400
    assert options == []


def test_db_with_other_schema(schema_path, tmp_path):
    database = tmp_path / "sandbox.sqlite"
    with run_sandbox(db=database, schema=schema_path, **UNLIMITED) as running:
        path = f"{running.base_url}/v2/objects/accounts/records?matching_attribute=account_id"
        httpx.put(path, json=values_body(account_id="a-1"), headers=running.headers)

    with pytest.raises(ConfigError, match="accounts"):
        with run_sandbox(db=database, **UNLIMITED):
            pass
