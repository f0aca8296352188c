"""Schema lookups, the built-in standard objects and the option lookups of an attribute."""

from attio_cli.schema import Attribute, ObjectSchema, Schema
from attio_cli.standard_objects import STANDARD_OBJECTS
from attio_cli.values import ITEM_CHECKERS


def test_builtin_email_addresses_unique_multiselect():
    attribute = Schema.builtin().attribute("people", "email_addresses")
    assert attribute.type == "email-address"
    assert attribute.is_unique
    assert attribute.is_multiselect


def test_builtin_reference_targets():
    assert STANDARD_OBJECTS["workspaces"]["company"].targets == ("companies",)
    assert STANDARD_OBJECTS["users"]["person"].targets == ("people",)


def test_builtin_is_partial():
    schema = Schema.builtin()
    assert not schema.complete
    assert not schema.object("people").complete


def test_builtin_companies_name_not_unique():
    assert not Schema.builtin().attribute("companies", "name").is_unique


def test_standard_attribute_types_have_checkers():
    types = {attribute.type for attributes in STANDARD_OBJECTS.values() for attribute in attributes.values()}
    assert types - {"interaction"} <= set(ITEM_CHECKERS)


def test_folded_options():
    attribute = Attribute("tier", "select", options=("Gold", " Silver  Plus "))
    assert attribute.folded_options == {"gold": "Gold", "silver plus": " Silver  Plus "}


def test_folded_options_ambiguous():
    attribute = Attribute("tier", "select", options=("Gold", "GOLD"))
    assert attribute.folded_options == {"gold": None}


def test_option_ids_lower_cased():
    attribute = Attribute("tier", "select", options=(), option_ids=("ABCDEF00-0000-4000-8000-000000000000",))
    assert attribute.option_id_set == frozenset({"abcdef00-0000-4000-8000-000000000000"})


def test_attribute_hashable_and_equal():
    first = Attribute("tier", "select", options=("Gold",))
    second = Attribute("tier", "select", options=("Gold",))
    assert first == second
    assert hash(first) == hash(second)


def _custom_schema() -> Schema:
    plan = Attribute("plan", "select", is_multiselect=True, id="attr-plan", options=("Free",))
    account = ObjectSchema("accounts", {"plan": plan}, id="obj-accounts", complete=True)
    return Schema({"accounts": account}, source="schema.json", complete=True)


def test_lookup_by_ids():
    schema = _custom_schema()
    assert schema.object("obj-accounts").slug == "accounts"
    assert schema.attribute("accounts", "attr-plan").slug == "plan"


def test_multiselect_by_ids():
    assert _custom_schema().is_multiselect("obj-accounts", "attr-plan")


def test_suggest_attribute():
    assert _custom_schema().object("accounts").suggest("plna") == "plan"


def test_suggest_object():
    assert Schema.builtin().suggest_object("person") == "people"
