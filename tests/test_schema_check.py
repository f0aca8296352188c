"""Load-time checks of mapping files against a schema, through load_mapping_file as push runs them."""

import textwrap

import pytest

from attio_cli.errors import ConfigError
from attio_cli.mapping_file import load_mapping_file
from attio_cli.schema import Attribute, ObjectSchema, Schema
from attio_cli.schema_check import SchemaCheckResult, check_subscriptions


def _complete_schema(*, with_users: bool = True) -> Schema:
    """Return a pulled-style schema of people and companies, plus users when ``with_users`` is true."""
    people = ObjectSchema(
        "people",
        {
            "email_addresses": Attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True),
            "name": Attribute("name", "personal-name"),
            "created_at": Attribute("created_at", "timestamp", is_writable=False),
        },
        singular_noun="Person",
        plural_noun="People",
        complete=True,
    )
    companies = ObjectSchema(
        "companies",
        {
            "domains": Attribute("domains", "domain", is_multiselect=True, is_unique=True, id="attr-domains"),
            "name": Attribute("name", "text", id="attr-name"),
            "external_id": Attribute("external_id", "text", is_unique=True, id="attr-external-id"),
            "first_interaction": Attribute("first_interaction", "interaction", is_writable=False),
        },
        singular_noun="Company",
        plural_noun="Companies",
        id="obj-companies",
        complete=True,
    )
    objects = {"people": people, "companies": companies}
    if with_users:
        objects["users"] = ObjectSchema(
            "users",
            {
                "user_id": Attribute("user_id", "text", is_unique=True, is_required=True),
                "primary_email_address": Attribute("primary_email_address", "email-address", is_unique=True),
                "person": Attribute("person", "record-reference", targets=("people",)),
            },
            complete=True,
        )
    return Schema(objects, source="schema.json", complete=True)


def _check(tmp_path, text: str, schema: Schema) -> tuple[SchemaCheckResult, str]:
    path = tmp_path / "mapping.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return check_subscriptions(load_mapping_file(str(path)), schema), str(path)


COMPANIES_BY_NAME = """\
    name: By name
    action: assert-record
    subscribe: type = "group"
    mapping:
      object: companies
      matching_attribute: name
      attributes:
        name: $.traits.name
    """


def test_companies_by_name_rejected(tmp_path):
    result, path = _check(tmp_path, COMPANIES_BY_NAME, Schema.builtin())
    assert result.errors == [
        f'{path}:6: By name: companies.name cannot be the matching attribute, because it is not unique; '
        'match on a unique attribute such as "domains"'
    ]
    assert result.warnings == []


def test_companies_by_name_lists_unique(tmp_path):
    result, path = _check(tmp_path, COMPANIES_BY_NAME, _complete_schema())
    assert result.errors == [
        f'{path}:6: By name: companies.name cannot be the matching attribute, because it is not unique; '
        'match on a unique attribute such as "domains", "external_id"'
    ]


def test_companies_by_unique_custom_attribute(tmp_path):
    text = COMPANIES_BY_NAME.replace("matching_attribute: name", "matching_attribute: external_id")
    result, _ = _check(tmp_path, text, _complete_schema())
    assert result.errors == []


def test_raise_errors_lists_all(tmp_path):
    text = COMPANIES_BY_NAME.replace("name: $.traits.name", "name: $.traits.name\n        created_at: $.timestamp")
    result, path = _check(tmp_path, text, Schema.builtin())
    with pytest.raises(ConfigError) as caught:
        result.raise_errors()
    assert caught.value.message == result.errors[0]
    assert caught.value.hint == f"Also: {result.errors[1]}"
    assert result.errors[1] == (
        f"{path}:9: By name: companies.created_at cannot be written, because Attio sets it itself; remove it from the mapping"
    )


def test_raise_errors_without_errors():
    SchemaCheckResult(warnings=["only a warning"]).raise_errors()


def test_unknown_attribute_complete_suggested(tmp_path):
    text = """\
    name: Accounts
    action: assert-record
    subscribe: type = "group"
    mapping:
      object: companies
      matching_attribute: domains
      attributes:
        domains: $.traits.website
        nmae: $.traits.name
    """
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [f'{path}:9: Accounts: companies has no attribute "nmae"; did you mean "name"?']


def test_unknown_attribute_no_suggestion(tmp_path):
    text = COMPANIES_BY_NAME.replace("matching_attribute: name", "matching_attribute: domains").replace(
        "name: $.traits.name", "employee_count: $.traits.employees"
    )
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [f'{path}:8: By name: companies has no attribute "employee_count"']


def test_mixed_case_matching_attribute_suggested(tmp_path):
    text = COMPANIES_BY_NAME.replace("matching_attribute: name", "matching_attribute: Domains")
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [f'{path}:6: By name: companies has no attribute "Domains"; did you mean "domains"?']


def test_unknown_object_complete(tmp_path):
    text = COMPANIES_BY_NAME.replace("object: companies", "object: compnies")
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [f'{path}:5: By name: the object "compnies" is not in the workspace schema (schema.json); did you mean "companies"?']


def test_unknown_object_no_suggestion(tmp_path):
    text = COMPANIES_BY_NAME.replace("object: companies", "object: invoices")
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [f'{path}:5: By name: the object "invoices" is not in the workspace schema (schema.json)']


def test_unknown_object_skips_attributes(tmp_path):
    text = COMPANIES_BY_NAME.replace("object: companies", "object: invoices")
    result, _ = _check(tmp_path, text, _complete_schema())
    assert len(result.errors) == 1


def test_builtin_unknown_attribute_passes(tmp_path):
    text = """\
    action: assert-record
    subscribe: type = "identify"
    mapping:
      object: people
      matching_attribute: email_addresses
      attributes:
        email_addresses: $.traits.email
        favourite_colour: $.traits.colour
    """
    result, _ = _check(tmp_path, text, Schema.builtin())
    assert result.errors == []
    assert result.warnings == []


def test_builtin_singular_object_warning(tmp_path):
    text = """\
    name: People
    action: assert-record
    subscribe: type = "identify"
    mapping:
      object: person
      matching_attribute: email_addresses
      attributes: $.traits
    """
    result, path = _check(tmp_path, text, Schema.builtin())
    assert result.errors == []
    assert result.warnings == [
        f'{path}:5: People: "person" is not a standard Attio object slug; did you mean "people"? '
        "Pull the workspace schema to check custom objects."
    ]


def test_builtin_mixed_case_object_warning(tmp_path):
    text = COMPANIES_BY_NAME.replace("object: companies", "object: Companies").replace("matching_attribute: name", "matching_attribute: domains")
    result, path = _check(tmp_path, text, Schema.builtin())
    assert result.warnings == [
        f'{path}:5: By name: "Companies" is not a standard Attio object slug; did you mean "companies"? '
        "Pull the workspace schema to check custom objects."
    ]


def test_builtin_custom_object_silent(tmp_path):
    text = COMPANIES_BY_NAME.replace("object: companies", "object: invoices")
    result, _ = _check(tmp_path, text, Schema.builtin())
    assert result.errors == []
    assert result.warnings == []


def test_read_only_attribute(tmp_path):
    text = """\
    name: People
    action: assert-record
    subscribe: type = "identify"
    mapping:
      object: people
      matching_attribute: email_addresses
      attributes:
        email_addresses: $.traits.email
        created_at: $.timestamp
    """
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [
        f"{path}:9: People: people.created_at cannot be written, because Attio sets it itself; remove it from the mapping"
    ]


def test_interaction_attribute(tmp_path):
    text = COMPANIES_BY_NAME.replace("matching_attribute: name", "matching_attribute: domains").replace(
        "name: $.traits.name", "first_interaction: $.timestamp"
    )
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors == [
        f"{path}:8: By name: companies.first_interaction cannot be written, because Attio sets it itself; remove it from the mapping"
    ]


def test_read_only_person_attribute(tmp_path):
    text = """\
    name: Identify
    action: identify-user
    mapping:
      person_attributes:
        name: $.traits.name
        last_interaction: $.timestamp
    """
    result, path = _check(tmp_path, text, Schema.builtin())
    assert result.errors == [
        f"{path}:6: Identify: people.last_interaction cannot be written, because Attio sets it itself; remove it from the mapping"
    ]


@pytest.mark.parametrize("attributes", ["$.properties", '{"@path": "$.properties"}'], ids=["shorthand", "directive"])
def test_dynamic_attributes_not_checked(tmp_path, attributes):
    text = f"""\
    action: assert-record
    subscribe: type = "track"
    mapping:
      object: companies
      matching_attribute: domains
      attributes: {attributes}
    """
    result, _ = _check(tmp_path, text, _complete_schema())
    assert result.errors == []
    assert result.warnings == []


def test_dynamic_object_not_checked(tmp_path):
    text = """\
    action: assert-record
    subscribe: type = "track"
    mapping:
      object: $.properties.object
      matching_attribute: $.properties.matching
      attributes: $.properties.values
    """
    result, _ = _check(tmp_path, text, _complete_schema())
    assert result.errors == []


def test_identify_without_users_object(tmp_path):
    text = """\
    name: Identify
    action: identify-user
    mapping:
      person_attributes: {}
    """
    result, path = _check(tmp_path, text, _complete_schema(with_users=False))
    assert result.errors == [f'{path}:3: Identify: the object "users" is not in the workspace schema (schema.json)']


def test_identify_preset_without_mapping_key(tmp_path):
    result, path = _check(tmp_path, "action: identify-user\n", _complete_schema(with_users=False))
    assert result.errors == [f'{path}:1: identify-user ({path}:1): the object "users" is not in the workspace schema (schema.json)']


def test_identify_complete_schema_passes(tmp_path):
    result, _ = _check(tmp_path, "action: identify-user\n", _complete_schema())
    assert result.errors == []


def test_group_without_workspaces_object(tmp_path):
    result, path = _check(tmp_path, "name: Groups\naction: group-workspace\n", _complete_schema())
    assert result.errors == [f'{path}:1: Groups: the object "workspaces" is not in the workspace schema (schema.json)']


def test_object_and_attributes_by_id(tmp_path):
    text = """\
    action: assert-record
    subscribe: type = "group"
    mapping:
      object: obj-companies
      matching_attribute: attr-domains
      attributes:
        attr-domains: $.traits.website
        attr-name: $.traits.name
    """
    result, _ = _check(tmp_path, text, _complete_schema())
    assert result.errors == []


def test_matching_by_id_not_unique(tmp_path):
    text = COMPANIES_BY_NAME.replace("matching_attribute: name", "matching_attribute: attr-name")
    result, path = _check(tmp_path, text, _complete_schema())
    assert result.errors[0].startswith(f"{path}:6: By name: companies.name cannot be the matching attribute, because it is not unique")


def test_errors_from_several_subscriptions(tmp_path):
    text = """\
    subscriptions:
      - name: First
        action: assert-record
        subscribe: type = "group"
        mapping:
          object: companies
          matching_attribute: name
      - name: Second
        action: assert-record
        subscribe: type = "identify"
        mapping:
          object: people
          matching_attribute: email_addresses
          attributes:
            created_at: $.timestamp
    """
    result, path = _check(tmp_path, text, Schema.builtin())
    assert [error.split(": ", 2)[:2] for error in result.errors] == [[f"{path}:7", "First"], [f"{path}:15", "Second"]]
