"""RecordChecker: one event's record writes checked against a schema, as the pipeline runs it."""

import pytest

from attio_cli.actions.assertions import WriteRef, record_writes
from attio_cli.plan import Planner
from attio_cli.record_check import CheckOutcome, Problem, RecordChecker
from attio_cli.schema import Attribute, ObjectSchema, Schema

ENTERPRISE_ID = "0f3b6a52-8c1e-4d2a-9b7f-1a2b3c4d5e6f"
PERSON_ID = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
RECEIVED_AT = "2024-03-01T09:00:00.000Z"


def _complete_schema() -> Schema:
    """Return a pulled-style schema, which lists every object and attribute of the workspace."""
    companies = ObjectSchema(
        "companies",
        {
            "domains": Attribute("domains", "domain", is_multiselect=True, is_unique=True, id="attr-domains"),
            "name": Attribute("name", "text", id="attr-name"),
            "tier": Attribute("tier", "select", options=("Enterprise", "SMB", "Über Partner"), option_ids=(ENTERPRISE_ID,), id="attr-tier"),
            "tags": Attribute("tags", "select", is_multiselect=True, options=("B2B", "B2C"), id="attr-tags"),
            "parent": Attribute("parent", "record-reference", targets=("companies",), id="attr-parent"),
            "created_at": Attribute("created_at", "timestamp", is_writable=False, id="attr-created-at"),
            "last_interaction": Attribute("last_interaction", "interaction", is_writable=False, id="attr-last-interaction"),
        },
        singular_noun="Company",
        plural_noun="Companies",
        id="obj-companies",
        complete=True,
    )
    people = ObjectSchema(
        "people",
        {"email_addresses": Attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True)},
        singular_noun="Person",
        plural_noun="People",
        complete=True,
    )
    return Schema({"companies": companies, "people": people}, source="schema.json", complete=True)


def _company_writes(**attributes):
    payload = {"object": "companies", "matching_attribute": "domains", "attributes": {"domains": "acme.example", **attributes}}
    return record_writes("assert-record", payload)


def _identify_writes(email="ada@example.com", **person_attributes):
    payload = {"email_address": email, "user_id": "u-1", "person_attributes": person_attributes, "user_attributes": {}}
    return record_writes("identify-user", payload)


def _group_writes(domain="acme.example", **company_attributes):
    payload = {"domain": domain, "workspace_id": "ws-1", "user_id": "u-1", "company_attributes": company_attributes}
    return record_writes("group-workspace", payload)


def _run_check(checker: RecordChecker, writes) -> CheckOutcome:
    """Check ``writes``, with an empty outcome in place of the ``None`` of a clean check."""
    return checker.check(writes) or CheckOutcome()


def _messages(outcome) -> list[str]:
    return [str(problem) for problem in outcome.problems]


# Public style: values are normalised in place --------------------------------------------------


def test_public_normalises_in_place():
    writes = _group_writes(domain="https://www.Acme.example/pricing")
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert writes[0].values["domains"] == ["acme.example"]
    assert outcome.normalised == ["companies.domains"]
    assert outcome.problems == []


def test_public_warning_named_by_attribute():
    writes = _group_writes(domain="www.acme.example")
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert outcome.warnings == [("companies.domains", 'domains: "www.acme.example" was sent as "acme.example", without the leading "www."')]


def test_public_list_wrap_not_counted():
    writes = _identify_writes()
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert writes[0].values["email_addresses"] == ["ada@example.com"]
    assert outcome.normalised == []


def test_public_unchanged_list_not_counted():
    writes = _company_writes(domains=["acme.example"])
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["domains"] == ["acme.example"]
    assert outcome.normalised == []


def test_public_email_counted_per_attribute():
    writes = _identify_writes(email="Ada@EXAMPLE.com")
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert writes[0].values["email_addresses"] == ["Ada@example.com"]
    assert writes[1].values["primary_email_address"] == "Ada@example.com"
    assert writes[1].values["person"] == "Ada@example.com"
    assert outcome.normalised == ["people.email_addresses", "users.primary_email_address", "users.person"]


def test_public_duplicates_collapse_counted():
    writes = _company_writes(domains=["acme.example", "WWW.acme.example", None])
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["domains"] == ["acme.example"]
    assert outcome.normalised == ["companies.domains"]


def test_public_number_to_text_counted():
    writes = _company_writes(name=7)
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["name"] == "7"
    assert outcome.normalised == ["companies.name"]


def test_public_invalid_value_kept():
    writes = _company_writes(name={"text": "Acme"})
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["name"] == {"text": "Acme"}
    assert outcome.normalised == []
    assert len(outcome.problems) == 1


def test_public_unicode_domain_lower_cased():
    writes = _company_writes(domains="Bücher.Example")
    _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["domains"] == ["bücher.example"]


def test_public_list_unwrap_not_counted():
    writes = _company_writes(name=["Acme"])
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert outcome.normalised == []


def test_clean_writes_return_none():
    assert RecordChecker(Schema.builtin(), style="public").check(_group_writes()) is None


def test_repeated_value_reported_each_event():
    checker = RecordChecker(Schema.builtin(), style="public")
    outcomes = [_run_check(checker, _group_writes(domain="www.acme.example")) for _ in range(2)]
    assert [outcome.normalised for outcome in outcomes] == [["companies.domains"], ["companies.domains"]]
    assert [len(outcome.warnings) for outcome in outcomes] == [1, 1]


def test_repeated_invalid_value_reported_each_event():
    checker = RecordChecker(Schema.builtin(), style="segment")
    outcomes = [_run_check(checker, _group_writes(domain="not a domain")) for _ in range(2)]
    assert [len(outcome.problems) for outcome in outcomes] == [1, 1]


# Segment style: values stay as mapped ----------------------------------------------------------


def test_segment_keeps_value_object():
    writes = _group_writes(domain="https://www.Acme.example/pricing")
    original = writes[0].values["domains"]
    outcome = _run_check(RecordChecker(Schema.builtin(), style="segment"), writes)
    assert writes[0].values["domains"] is original
    assert outcome.normalised == []
    assert outcome.problems == []


def test_segment_keeps_list_object():
    writes = _company_writes(tags=["B2B"])
    original = writes[0].values["tags"]
    _run_check(RecordChecker(_complete_schema(), style="segment"), writes)
    assert writes[0].values["tags"] is original


def test_segment_reports_invalid_value():
    writes = _group_writes(domain="not a domain")
    outcome = _run_check(RecordChecker(Schema.builtin(), style="segment"), writes)
    assert _messages(outcome) == ['companies.domains: "not a domain" is not a valid domain; expected a host name such as "example.com"']
    assert writes[0].values["domains"] == "not a domain"


def test_segment_rejects_null_in_list():
    writes = _company_writes(domains=["acme.example", None])
    outcome = _run_check(RecordChecker(_complete_schema(), style="segment"), writes)
    assert _messages(outcome) == [
        "companies.domains[1]: null is not allowed inside a list; remove it in the mapping or use the public style"
    ]


# Objects and attributes the schema does not list -----------------------------------------------


def test_builtin_unknown_object_noted_once():
    names: list[str] = []
    checker = RecordChecker(Schema.builtin(), style="public", on_unchecked=names.append)
    payload = {"object": "invoices", "matching_attribute": "number", "attributes": {"number": "INV-1"}}
    for _ in range(3):
        outcome = _run_check(checker, record_writes("assert-record", payload))
        assert outcome.problems == []
    assert names == ['object "invoices"']


def test_builtin_unknown_object_values_untouched():
    payload = {"object": "invoices", "matching_attribute": "number", "attributes": {"number": 7, "tags": "x"}}
    writes = record_writes("assert-record", payload)
    _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert writes[0].values == {"number": 7, "tags": "x"}


def test_builtin_unknown_object_suggestion():
    names: list[str] = []
    payload = {"object": "person", "matching_attribute": "email_addresses", "attributes": {"email_addresses": "a@example.com"}}
    _run_check(RecordChecker(Schema.builtin(), style="public", on_unchecked=names.append), record_writes("assert-record", payload))
    assert names == ['object "person"; did you mean "people"?']


def test_builtin_unknown_attribute_noted_once():
    names: list[str] = []
    checker = RecordChecker(Schema.builtin(), style="public", on_unchecked=names.append)
    for index in range(3):
        outcome = _run_check(checker, _identify_writes(email=f"a{index}@example.com", favourite_colour="red", shoe_size=42))
        assert outcome.problems == []
    assert names == ["attribute people.favourite_colour", "attribute people.shoe_size"]


def test_builtin_unknown_attribute_unchanged():
    writes = _identify_writes(favourite_colour=["  Red ", None])
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert writes[0].values["favourite_colour"] == ["  Red ", None]
    assert outcome.normalised == []


def test_builtin_mixed_case_slug_unchecked():
    names: list[str] = []
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public", on_unchecked=names.append), _identify_writes(Job_Title="CTO"))
    assert outcome.problems == []
    assert names == ["attribute people.Job_Title"]


def test_complete_unknown_attribute_problem():
    names: list[str] = []
    outcome = _run_check(RecordChecker(_complete_schema(), style="public", on_unchecked=names.append), _company_writes(nmae="Acme"))
    assert _messages(outcome) == ['companies.nmae: companies has no attribute "nmae"; did you mean "name"?']
    assert names == []


def test_complete_attribute_no_suggestion():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(employee_count=12))
    assert _messages(outcome) == ['companies.employee_count: companies has no attribute "employee_count"']


def test_complete_mixed_case_slug_problem():
    outcome = _run_check(RecordChecker(_complete_schema(), style="segment"), _company_writes(Name="Acme"))
    assert _messages(outcome) == ['companies.Name: companies has no attribute "Name"; did you mean "name"?']


def test_complete_unknown_object_problem():
    names: list[str] = []
    payload = {"object": "compnies", "matching_attribute": "domains", "attributes": {"domains": "acme.example"}}
    outcome = _run_check(RecordChecker(_complete_schema(), style="public", on_unchecked=names.append), record_writes("assert-record", payload))
    assert _messages(outcome) == ['the object "compnies" is not in the workspace schema (schema.json); did you mean "companies"?']
    assert outcome.problems[0].attribute is None
    assert names == []


def test_complete_unknown_object_from_noun():
    payload = {"object": "person", "matching_attribute": "email_addresses", "attributes": {"email_addresses": "a@example.com"}}
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), record_writes("assert-record", payload))
    assert _messages(outcome) == ['the object "person" is not in the workspace schema (schema.json); did you mean "people"?']


def test_complete_identify_without_users():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _identify_writes())
    assert _messages(outcome) == ['the object "users" is not in the workspace schema (schema.json)']


# Ids in place of slugs -------------------------------------------------------------------------


def test_object_and_attribute_by_id_checked():
    payload = {"object": "obj-companies", "matching_attribute": "attr-domains", "attributes": {"attr-domains": "www.acme.example", "attr-tier": "Gold"}}
    writes = record_writes("assert-record", payload)
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["attr-domains"] == ["acme.example"]
    assert _messages(outcome) == ['obj-companies.tier: "Gold" is not a select option of this attribute; valid titles: "Enterprise", "SMB", "Über Partner"']


def test_matching_by_id_value_by_slug():
    payload = {"object": "companies", "matching_attribute": "attr-domains", "attributes": {"domains": "acme.example"}}
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), record_writes("assert-record", payload))
    assert outcome.problems == []


# The matching attribute ------------------------------------------------------------------------


def test_matching_not_unique():
    payload = {"object": "companies", "matching_attribute": "name", "attributes": {"name": "Acme"}}
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), record_writes("assert-record", payload))
    assert _messages(outcome) == ["companies.name: cannot be the matching attribute, because it is not unique on companies"]


def test_matching_not_unique_complete():
    payload = {"object": "companies", "matching_attribute": "tier", "attributes": {"tier": "SMB"}}
    outcome = _run_check(RecordChecker(_complete_schema(), style="segment"), record_writes("assert-record", payload))
    assert _messages(outcome) == ["companies.tier: cannot be the matching attribute, because it is not unique on companies"]


def test_matching_value_missing():
    payload = {"object": "companies", "matching_attribute": "domains", "attributes": {"name": "Acme"}}
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), record_writes("assert-record", payload))
    assert _messages(outcome) == [
        "companies.domains: the matching attribute has no value, so no companies record can be found or created; "
        "map a value to domains in the attributes"
    ]


@pytest.mark.parametrize("style", ["public", "segment"])
def test_matching_value_null(style):
    outcome = _run_check(RecordChecker(Schema.builtin(), style=style), _company_writes(domains=None))
    assert [problem.attribute for problem in outcome.problems] == ["domains"]
    assert "the matching attribute has no value" in outcome.problems[0].message


def test_matching_missing_unknown_object():
    payload = {"object": "invoices", "matching_attribute": "number", "attributes": {"total": 5}}
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), record_writes("assert-record", payload))
    assert _messages(outcome) == [
        "invoices.number: the matching attribute has no value, so no invoices record can be found or created; "
        "map a value to number in the attributes"
    ]


@pytest.mark.parametrize("value", [[], [None]], ids=["empty", "only null"])
def test_matching_value_empty_list(value):
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), _company_writes(domains=value))
    assert [problem.attribute for problem in outcome.problems] == ["domains"]


def test_matching_unknown_attribute_suggested():
    payload = {"object": "companies", "matching_attribute": "domain", "attributes": {"domains": "acme.example"}}
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), record_writes("assert-record", payload))
    assert any('did you mean "domains"?' in message for message in _messages(outcome))


# Attribute rules -------------------------------------------------------------------------------


def test_not_writable_attribute():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(created_at="2024-01-01T00:00:00Z"))
    assert _messages(outcome) == [
        "companies.created_at: the attribute cannot be written, because Attio sets it itself; remove it from the mapping"
    ]


def test_not_writable_builtin_attribute():
    outcome = _run_check(RecordChecker(Schema.builtin(), style="segment"), _identify_writes(created_by="ada@example.com"))
    assert _messages(outcome) == [
        "people.created_by: the attribute cannot be written, because Attio sets it itself; remove it from the mapping"
    ]


def test_interaction_attribute():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(last_interaction=None))
    assert _messages(outcome) == [
        "companies.last_interaction: interaction attributes cannot be written, because only Attio "
        "creates their values; remove it from the mapping"
    ]


def test_select_not_an_option():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(tier="Gold"))
    assert _messages(outcome) == ['companies.tier: "Gold" is not a select option of this attribute; valid titles: "Enterprise", "SMB", "Über Partner"']


def test_select_multiselect_item_not_an_option():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(tags=["B2B", "D2C"]))
    assert _messages(outcome) == ['companies.tags[1]: "D2C" is not a select option of this attribute; valid titles: "B2B", "B2C"']


def test_select_case_mismatch_public_warning():
    writes = _company_writes(tier="smb")
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert outcome.problems == []
    assert outcome.warnings == [("companies.tier", 'tier: "smb" was sent as "SMB", the select option title it matches apart from case and spaces')]
    assert writes[0].values["tier"] == "SMB"
    assert outcome.normalised == ["companies.tier"]


def test_select_unicode_case_public():
    writes = _company_writes(tier="  über   partner ")
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["tier"] == "Über Partner"
    assert len(outcome.warnings) == 1


def test_select_case_mismatch_segment_problem():
    writes = _company_writes(tier="smb")
    outcome = _run_check(RecordChecker(_complete_schema(), style="segment"), writes)
    assert _messages(outcome) == [
        'companies.tier: "smb" is not a select option of this attribute, but "SMB" is; titles must match '
        "exactly (the public style corrects case and spaces)"
    ]
    assert outcome.warnings == []
    assert writes[0].values["tier"] == "smb"


def test_select_option_id_public():
    writes = _company_writes(tier=ENTERPRISE_ID)
    _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert writes[0].values["tier"] == {"option": ENTERPRISE_ID}


def test_reference_target_not_allowed():
    parent = {"target_object": "people", "target_record_id": PERSON_ID}
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(parent=parent))
    assert _messages(outcome) == ['companies.parent: this attribute cannot point to "people" records; the allowed objects are "companies"']


def test_reference_builtin_target_not_allowed():
    company = {"target_object": "deals", "target_record_id": PERSON_ID}
    outcome = _run_check(RecordChecker(Schema.builtin(), style="segment"), _identify_writes(company=company))
    assert _messages(outcome) == ['people.company: this attribute cannot point to "deals" records; the allowed objects are "companies"']


def test_write_ref_skipped():
    writes = _group_writes()
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert writes[1].values["company"] == WriteRef(0)
    assert outcome.problems == []


def test_write_ref_skipped_segment():
    writes = _group_writes()
    outcome = _run_check(RecordChecker(Schema.builtin(), style="segment"), writes)
    assert writes[1].values["company"] == WriteRef(0)
    assert outcome.problems == []


def test_null_unsets_attribute():
    writes = _company_writes(name=None, tier=None)
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert outcome.problems == []
    assert writes[0].values["name"] is None


def test_null_currency_rejected():
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), _group_writes(funding_raised_usd=None))
    assert _messages(outcome) == [
        "companies.funding_raised_usd: null is not allowed, because Attio cannot unset a currency "
        "value; leave the attribute out of the mapping instead"
    ]


# Messy values ----------------------------------------------------------------------------------


def test_nested_list_single_attribute():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(name=[["Acme"]]))
    assert _messages(outcome) == ['companies.name: expected a string but got a list ["Acme"]']


def test_nested_list_multiselect():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(tags=[["B2B"]]))
    assert _messages(outcome) == ['companies.tags[0]: expected a select option title but got a list ["B2B"]']


def test_two_values_single_attribute():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(name=["Acme", "Acme Inc"]))
    assert _messages(outcome) == ['companies.name: expected one value but got a list ["Acme", "Acme Inc"]; the attribute is not multiselect']


def test_huge_text_short_message():
    writes = _company_writes(name="x" * 10_000_001)
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert _messages(outcome) == ["companies.name: the text is 10000001 bytes long, more than Attio's limit of 10000000 bytes"]
    assert len(writes[0].values["name"]) == 10_000_001


def test_huge_option_value_cut_in_message():
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), _company_writes(tier="G" * 5000))
    [message] = _messages(outcome)
    assert len(message) < 300


def test_every_problem_listed():
    writes = _company_writes(domains="not a domain", tier="Gold", nmae="Acme")
    outcome = _run_check(RecordChecker(_complete_schema(), style="public"), writes)
    assert [problem.attribute for problem in outcome.problems] == ["domains", "tier", "nmae"]


def test_problems_across_writes():
    writes = _identify_writes(email="ada@example.com", phone_numbers="12")
    writes[1].values["primary_email_address"] = "not an email"
    outcome = _run_check(RecordChecker(Schema.builtin(), style="public"), writes)
    assert [(problem.object, problem.attribute) for problem in outcome.problems] == [
        ("people", "phone_numbers"),
        ("users", "primary_email_address"),
    ]


def test_problem_text_without_attribute():
    assert str(Problem("invoices", None, "the object is unknown")) == "the object is unknown"


def test_problem_text_with_attribute():
    assert str(Problem("companies", "name", "name: too long")) == "companies.name: too long"


def test_unknown_style_rejected_up_front():
    with pytest.raises(ValueError):
        RecordChecker(Schema.builtin(), style="Public")


# Batch assertions (enable_batching) take the checked values ------------------------------------


def _identify_batch_payload():
    return {
        "email_address": "Ada@EXAMPLE.com",
        "user_id": "u-1",
        "person_attributes": {"phone_numbers": "+1 (410) 555-9412"},
        "user_attributes": {"workspace": "ws-1"},
        "received_at": RECEIVED_AT,
    }


def _group_batch_payload():
    return {
        "domain": "https://www.Acme.example/about",
        "workspace_id": "ws-1",
        "user_id": "u-1",
        "company_attributes": {"name": 7},
        "workspace_attributes": {"name": 7},
        "received_at": RECEIVED_AT,
    }


def _batch(action, payload, style):
    writes = record_writes(action, payload)
    outcome = _run_check(RecordChecker(Schema.builtin(), style=style), writes)
    return Planner(style).batch_assertion(action, payload, writes), outcome


def test_batch_public_outer_values_normalised():
    assertion, _ = _batch("identify-user", _identify_batch_payload(), "public")
    assert assertion["values"]["primary_email_address"] == "Ada@example.com"
    assert assertion["values"]["workspace"] == ["ws-1"]


def test_batch_public_nested_values_normalised():
    assertion, _ = _batch("identify-user", _identify_batch_payload(), "public")
    person = assertion["values"]["person"]
    assert person["object"] == "people"
    assert person["values"]["email_addresses"] == ["Ada@example.com"]
    assert person["values"]["phone_numbers"] == ["+14105559412"]


def test_batch_public_group_nested_company():
    assertion, outcome = _batch("group-workspace", _group_batch_payload(), "public")
    company = assertion["values"]["company"]
    assert company["values"] == {"domains": ["acme.example"], "name": "7"}
    assert assertion["values"]["name"] == "7"
    assert outcome.normalised == ["companies.domains", "companies.name", "workspaces.name"]


def test_batch_segment_values_unchanged():
    assertion, outcome = _batch("group-workspace", _group_batch_payload(), "segment")
    assert assertion["values"]["company"]["values"] == {"domains": "https://www.Acme.example/about", "name": 7}
    assert _messages(outcome) == [
        "companies.name: expected a string but got the number 7; the public style converts numbers and booleans to text",
        "workspaces.name: expected a string but got the number 7; the public style converts numbers and booleans to text",
    ]
