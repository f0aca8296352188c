"""Record-reference and actor-reference values."""

import pytest

from attio_cli.schema import Attribute
from attio_cli.standard_objects import STANDARD_OBJECTS
from attio_cli.values import check_value

RECORD_ID = "99a03ff3-0435-47da-95cc-76b2caeb4dab"

COMPANY = STANDARD_OBJECTS["people"]["company"]
PERSON = STANDARD_OBJECTS["users"]["person"]
USERS = STANDARD_OBJECTS["workspaces"]["users"]
WORKSPACE = STANDARD_OBJECTS["users"]["workspace"]
UNKNOWN_TARGETS = Attribute("related", "record-reference")
DEAL = Attribute("deal", "record-reference", targets=("deals",))
PARTY = Attribute("party", "record-reference", targets=("people", "companies"))
OWNER = Attribute("owner", "actor-reference")


def test_standard_targets_from_schema():
    assert COMPANY.targets == ("companies",)


# -- bare strings --------------------------------------------------------------------------------

BARE_PUBLIC = [
    (COMPANY, "https://www.Acme.com/about", "acme.com"),
    (COMPANY, "acme.com", "acme.com"),
    (PERSON, " Jane@Example.COM", "Jane@example.com"),
    (USERS, "user-123", ["user-123"]),
    (WORKSPACE, "ws_9", ["ws_9"]),
    (UNKNOWN_TARGETS, "anything", "anything"),
]


@pytest.mark.parametrize(("spec", "value", "expected"), BARE_PUBLIC)
def test_reference_bare_string_public(spec, value, expected):
    result = check_value(spec, value, style="public")
    assert result.error is None
    assert result.value == expected


@pytest.mark.parametrize(("spec", "value"), [(COMPANY, "Acme.com"), (PERSON, "jane@example.com"), (USERS, ["u1", "u2"])])
def test_reference_bare_string_segment(spec, value):
    result = check_value(spec, value, style="segment")
    assert result.error is None
    assert result.value is value


def test_reference_bare_invalid_domain():
    result = check_value(COMPANY, "not a domain", style="public")
    assert result.error == (
        'company: domains: "not a domain" is not a valid domain; expected a host name such as "example.com"'
    )


def test_reference_bare_invalid_email():
    result = check_value(PERSON, "not-an-email", style="segment")
    assert result.error == 'person: email_addresses: "not-an-email" is not a valid email address'


def test_reference_bare_uuid_custom_target_public():
    result = check_value(DEAL, RECORD_ID, style="public")
    assert result.value == {"target_object": "deals", "target_record_id": RECORD_ID}


def test_reference_bare_string_custom_target_segment():
    result = check_value(DEAL, RECORD_ID, style="segment")
    assert result.error == (
        f'deal: "{RECORD_ID}" cannot stand for a deals record; a bare string works only for references to '
        'people, companies, users or workspaces, so write {"target_object": "deals", "target_record_id": "<record id>"}'
    )


def test_reference_bare_string_two_targets():
    result = check_value(PARTY, "acme.com", style="public")
    assert result.error == (
        'party: "acme.com" is ambiguous, because this attribute can point to "people", "companies"; '
        'write {"target_object": "<object>", ...} with a record id or a unique attribute'
    )


def test_reference_empty_string_rejected():
    result = check_value(COMPANY, "", style="public")
    assert result.error == "company: an empty string is not a record reference; use null to unset the attribute"


def test_reference_number_rejected():
    result = check_value(COMPANY, 5, style="public")
    assert result.error == "company: expected a record reference object or string but got the number 5"


# -- object form -----------------------------------------------------------------------------------

@pytest.mark.parametrize("style", ["public", "segment"])
def test_reference_record_id(style):
    value = {"target_object": "companies", "target_record_id": RECORD_ID}
    result = check_value(COMPANY, value, style=style)
    assert result.error is None
    assert result.value == value


def test_reference_record_id_invalid():
    result = check_value(COMPANY, {"target_object": "companies", "target_record_id": "42"}, style="public")
    assert result.error == 'company: target_record_id "42" is not a record id (a UUID)'


def test_reference_matching_attribute_normalised():
    value = {"target_object": "companies", "domains": [{"domain": "https://www.Acme.com"}, "Other.io"]}
    result = check_value(COMPANY, value, style="public")
    assert result.value == {"target_object": "companies", "domains": ["acme.com", "other.io"]}


def test_reference_matching_attribute_segment_unchanged():
    value = {"target_object": "people", "email_addresses": [{"email_address": "Jane@Example.com"}]}
    result = check_value(PERSON, value, style="segment")
    assert result.error is None
    assert result.value is value


def test_reference_matching_attribute_invalid():
    value = {"target_object": "people", "email_addresses": ["jane@example.com", "x"]}
    result = check_value(PERSON, value, style="public")
    assert result.error == 'person: email_addresses[1]: "x" is not a valid email address'


def test_reference_matching_text_attribute():
    value = {"target_object": "users", "user_id": "u-1"}
    result = check_value(USERS, [value], style="public")
    assert result.value == [value]


def test_reference_matching_text_attribute_empty():
    result = check_value(USERS, {"target_object": "users", "user_id": ""}, style="public")
    assert result.error == 'users: user_id: expected a non-empty string but got the string ""'


def test_reference_matching_not_unique_rejected():
    result = check_value(COMPANY, {"target_object": "companies", "name": "Acme"}, style="public")
    assert result.error == "company: companies.name is not a unique attribute, so Attio cannot find a record by it"


def test_reference_matching_custom_attribute_passes():
    value = {"target_object": "people", "crm_id": "C-1"}
    result = check_value(PERSON, value, style="public")
    assert result.error is None
    assert result.value == value


def test_reference_custom_object_passes():
    spec = Attribute("project", "record-reference", targets=("projects",))
    value = {"target_object": "projects", "project_code": "P-7"}
    result = check_value(spec, value, style="public")
    assert result.error is None
    assert result.value is value


def test_reference_target_not_allowed():
    result = check_value(COMPANY, {"target_object": "people", "target_record_id": RECORD_ID}, style="segment")
    assert result.error == 'company: this attribute cannot point to "people" records; the allowed objects are "companies"'


def test_reference_target_object_id_passes():
    value = {"target_object": "97052eb9-e65e-443f-a297-f2d9a4a7f795", "target_record_id": RECORD_ID}
    result = check_value(COMPANY, value, style="segment")
    assert result.error is None


def test_reference_without_target_object():
    result = check_value(COMPANY, {"target_record_id": RECORD_ID}, style="public")
    assert result.error == (
        f'company: {{"target_record_id": "{RECORD_ID}"}} has no "target_object"; name the object of the referenced record'
    )


def test_reference_without_record():
    result = check_value(COMPANY, {"target_object": "companies"}, style="public")
    assert result.error == (
        'company: {"target_object": "companies"} names no record; add "target_record_id" or a unique attribute of companies'
    )


def test_reference_two_matchers_rejected():
    value = {"target_object": "companies", "target_record_id": RECORD_ID, "domains": ["acme.com"]}
    result = check_value(COMPANY, value, style="public")
    assert result.error.endswith('names the record in more than one way ("target_record_id", "domains"); keep one')


# -- actor references ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    [
        "owner@example.com",
        {"workspace_member_email_address": "owner@example.com"},
        {"referenced_actor_type": "workspace-member", "referenced_actor_id": RECORD_ID},
    ],
)
@pytest.mark.parametrize("style", ["public", "segment"])
def test_actor_accepted(value, style):
    result = check_value(OWNER, value, style=style)
    assert result.error is None
    assert result.value == value


def test_actor_email_normalised_public():
    result = check_value(OWNER, {"workspace_member_email_address": "Owner@EXAMPLE.com "}, style="public")
    assert result.value == {"workspace_member_email_address": "Owner@example.com"}


def test_actor_multiselect_listed():
    spec = Attribute("reviewers", "actor-reference", is_multiselect=True)
    result = check_value(spec, "a@example.com", style="public")
    assert result.value == ["a@example.com"]


def test_actor_invalid_email():
    result = check_value(OWNER, "owner", style="public")
    assert result.error == 'owner: "owner" is not a valid email address'


def test_actor_other_type_rejected():
    value = {"referenced_actor_type": "api-token", "referenced_actor_id": RECORD_ID}
    result = check_value(OWNER, value, style="public")
    assert result.error == 'owner: the actor type "api-token" cannot be written; only "workspace-member" actors can'


def test_actor_invalid_id():
    value = {"referenced_actor_type": "workspace-member", "referenced_actor_id": "me"}
    result = check_value(OWNER, value, style="segment")
    assert result.error == 'owner: referenced_actor_id "me" is not a workspace member id (a UUID)'


def test_actor_unknown_shape():
    result = check_value(OWNER, {"email": "owner@example.com"}, style="public")
    assert result.error == (
        'owner: {"email": "owner@example.com"} is not a valid actor reference; write '
        '{"workspace_member_email_address": ...} or {"referenced_actor_type": "workspace-member", '
        '"referenced_actor_id": "<id>"}'
    )


def test_actor_number_rejected():
    result = check_value(OWNER, 7, style="public")
    assert result.error == "owner: expected a workspace member's email address or an actor object but got the number 7"


def test_bare_record_id_for_company_public():
    result = check_value(COMPANY, RECORD_ID, style="public")
    assert result.error is None
    assert result.value == {"target_object": "companies", "target_record_id": RECORD_ID}


def test_bare_record_id_for_company_segment():
    result = check_value(COMPANY, RECORD_ID, style="segment")
    assert result.error is None
    assert result.value == RECORD_ID
