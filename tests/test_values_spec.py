"""AttributeSpec: building from schema attributes and the option lookups."""

from attio_cli.schema import STANDARD_OBJECTS, Attribute
from attio_cli.values import ITEM_CHECKERS, AttributeSpec


def test_spec_from_attribute_copies_flags():
    spec = AttributeSpec.from_attribute(STANDARD_OBJECTS["people"]["email_addresses"])
    assert spec == AttributeSpec("email_addresses", "email-address", is_multiselect=True, is_unique=True)


def test_spec_from_attribute_standard_targets():
    spec = AttributeSpec.from_attribute(STANDARD_OBJECTS["workspaces"]["company"], object_slug="workspaces")
    assert spec.targets == ("companies",)


def test_spec_from_attribute_explicit_targets_win():
    attribute = STANDARD_OBJECTS["people"]["company"]
    spec = AttributeSpec.from_attribute(attribute, object_slug="people", targets=("companies", "partners"))
    assert spec.targets == ("companies", "partners")


def test_spec_from_attribute_without_object():
    spec = AttributeSpec.from_attribute(STANDARD_OBJECTS["people"]["company"])
    assert spec.targets is None


def test_spec_from_attribute_extras():
    attribute = Attribute("stage", "status")
    spec = AttributeSpec.from_attribute(attribute, is_required=True, options=("Lead",), currency_code=None)
    assert spec.is_required
    assert spec.options == ("Lead",)


def test_spec_folded_options():
    spec = AttributeSpec("tier", "select", options=("Gold", " Silver  Plus "))
    assert spec.folded_options == {"gold": "Gold", "silver plus": " Silver  Plus "}


def test_spec_option_ids_lower_cased():
    spec = AttributeSpec("tier", "select", options=(), option_ids=("ABCDEF00-0000-4000-8000-000000000000",))
    assert spec.option_id_set == frozenset({"abcdef00-0000-4000-8000-000000000000"})


def test_spec_hashable_and_equal():
    first = AttributeSpec("tier", "select", options=("Gold",))
    second = AttributeSpec("tier", "select", options=("Gold",))
    assert first == second
    assert hash(first) == hash(second)


def test_standard_attribute_types_have_checkers():
    types = {attribute.type for attributes in STANDARD_OBJECTS.values() for attribute in attributes.values()}
    assert types <= set(ITEM_CHECKERS)
