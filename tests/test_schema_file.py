"""Schema files: the JSON that `schema pull` writes and that push and validate read."""

import copy
import json

import pytest

from attio_cli.errors import ConfigError
from attio_cli.schema_file import (
    SchemaFileError,
    load_schema_file,
    schema_document,
    schema_from_document,
    write_schema_file,
)

ATTRIBUTE_TYPE_LIST = "actor-reference, checkbox, currency, date, domain, email-address, interaction, location, number, personal-name, phone-number, rating, record-reference, select, status, text, timestamp"

TIER_IDS = ("0f3b6a52-8c1e-4d2a-9b7f-1a2b3c4d5e6f", "7c9d8e1f-2a3b-4c5d-8e6f-0a1b2c3d4e5f")
HINT = "Write the file again with: attio-cli schema pull --out {path}"


def _attribute(slug, attribute_type, **extra):
    item = {
        "id": f"attr-{slug}",
        "api_slug": slug,
        "title": slug.replace("_", " ").title(),
        "type": attribute_type,
        "is_multiselect": False,
        "is_unique": False,
        "is_writable": True,
        "is_required": False,
    }
    item.update(extra)
    return item


def _document():
    """Return a small pulled schema, whose companies object has an attribute for each optional field."""
    companies = {
        "id": "obj-companies",
        "api_slug": "companies",
        "singular_noun": "Company",
        "plural_noun": "Companies",
        "attributes": [
            _attribute("domains", "domain", is_multiselect=True, is_unique=True),
            _attribute("name", "text"),
            _attribute(
                "tier",
                "select",
                options=[{"id": TIER_IDS[0], "title": "Enterprise"}, {"id": TIER_IDS[1], "title": "Über SMB"}],
            ),
            _attribute("parent", "record-reference", allowed_objects=["companies"]),
            _attribute("arr", "currency", default_currency_code="EUR"),
            _attribute("created_at", "timestamp", is_writable=False),
        ],
    }
    people = {
        "id": "obj-people",
        "api_slug": "people",
        "singular_noun": "Person",
        "plural_noun": "People",
        "attributes": [_attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True)],
    }
    return {
        "format": "attio-cli-schema",
        "version": 1,
        "pulled_at": "2024-03-01T09:00:00.000000000Z",
        "workspace": {"id": "ws-1", "name": "Acme", "slug": "acme"},
        "objects": [companies, people],
    }


def _write(tmp_path, document, name="schema.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _load_error(tmp_path, document) -> tuple[SchemaFileError, str]:
    path = _write(tmp_path, document)
    with pytest.raises(SchemaFileError) as caught:
        load_schema_file(path)
    return caught.value, str(path)


# Round trip ------------------------------------------------------------------------------------


def test_document_round_trip():
    schema = schema_from_document(_document(), "schema.json")
    dumped = schema_document(schema, pulled_at="2024-03-01T09:00:00.000000000Z", workspace=_document()["workspace"])
    again = schema_from_document(dumped, "schema.json")
    assert again.objects == schema.objects
    assert schema_document(again, pulled_at=dumped["pulled_at"], workspace=dumped["workspace"]) == dumped


def test_document_round_trip_keeps_input():
    assert schema_document(schema_from_document(_document(), "x"), pulled_at=_document()["pulled_at"], workspace=_document()["workspace"]) == _document()


def test_file_round_trip(tmp_path):
    path = tmp_path / "nested" / ".attio" / "schema.json"
    write_schema_file(path, _document())
    loaded = load_schema_file(path)
    assert loaded.objects == schema_from_document(_document(), str(path)).objects
    assert json.loads(path.read_text(encoding="utf-8")) == _document()


def test_file_write_leaves_no_temporary(tmp_path):
    path = tmp_path / "schema.json"
    write_schema_file(path, _document())
    assert sorted(item.name for item in tmp_path.iterdir()) == ["schema.json"]


def test_file_write_keeps_unicode(tmp_path):
    path = tmp_path / "schema.json"
    write_schema_file(path, _document())
    assert "Über SMB" in path.read_text(encoding="utf-8")
    assert load_schema_file(path).attribute("companies", "tier").options == ("Enterprise", "Über SMB")


def test_file_write_failure(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(ConfigError) as caught:
        write_schema_file(blocker / "schema.json", _document())
    assert caught.value.message.startswith(f"cannot write the schema file {blocker / 'schema.json'}: ")


# What a loaded file contains -------------------------------------------------------------------


def test_loaded_schema_complete(tmp_path):
    schema = load_schema_file(_write(tmp_path, _document()))
    assert schema.complete
    assert all(schema_object.complete for schema_object in schema.objects.values())


def test_loaded_schema_source_and_workspace(tmp_path):
    path = _write(tmp_path, _document())
    schema = load_schema_file(path)
    assert schema.source == str(path)
    assert schema.workspace == "Acme"


def test_loaded_object_fields():
    companies = schema_from_document(_document(), "x").object("companies")
    assert (companies.id, companies.singular_noun, companies.plural_noun) == ("obj-companies", "Company", "Companies")
    assert list(companies.attributes) == ["domains", "name", "tier", "parent", "arr", "created_at"]


def test_loaded_select_options():
    tier = schema_from_document(_document(), "x").attribute("companies", "tier")
    assert tier.options == ("Enterprise", "Über SMB")
    assert tier.option_ids == TIER_IDS


def test_loaded_reference_targets():
    assert schema_from_document(_document(), "x").attribute("companies", "parent").targets == ("companies",)


def test_loaded_currency_code():
    assert schema_from_document(_document(), "x").attribute("companies", "arr").currency_code == "EUR"


def test_loaded_flags():
    schema = schema_from_document(_document(), "x")
    domains = schema.attribute("companies", "domains")
    assert domains.is_multiselect
    assert domains.is_unique
    assert not schema.attribute("companies", "created_at").is_writable


def test_missing_optional_fields_default():
    document = _document()
    document["objects"][0]["attributes"][1] = {"api_slug": "name", "type": "text"}
    name = schema_from_document(document, "x").attribute("companies", "name")
    assert name.is_writable
    assert not name.is_unique
    assert not name.is_multiselect
    assert not name.is_required
    assert name.id is None
    assert name.title is None
    assert name.options is None
    assert name.targets is None


def test_missing_nouns_and_ids():
    document = _document()
    document["objects"][1] = {"api_slug": "people", "attributes": []}
    people = schema_from_document(document, "x").object("people")
    assert (people.id, people.singular_noun, people.plural_noun) == (None, None, None)


def test_workspace_not_an_object_ignored():
    document = _document()
    document["workspace"] = "Acme"
    assert schema_from_document(document, "x").workspace is None


def test_options_without_ids():
    document = _document()
    document["objects"][0]["attributes"][2]["options"] = [{"title": "Enterprise"}, {"title": "SMB"}]
    tier = schema_from_document(document, "x").attribute("companies", "tier")
    assert tier.options == ("Enterprise", "SMB")
    assert tier.option_ids == ()


def test_empty_options_known():
    document = _document()
    document["objects"][0]["attributes"][2]["options"] = []
    assert schema_from_document(document, "x").attribute("companies", "tier").options == ()


# Lookups by id ---------------------------------------------------------------------------------


def test_object_by_id():
    assert schema_from_document(_document(), "x").object("obj-people").slug == "people"


def test_attribute_by_id():
    assert schema_from_document(_document(), "x").attribute("companies", "attr-tier").slug == "tier"


def test_attribute_by_both_ids():
    assert schema_from_document(_document(), "x").attribute("obj-companies", "attr-domains").slug == "domains"


def test_unknown_id_not_found():
    schema = schema_from_document(_document(), "x")
    assert schema.object("obj-deals") is None
    assert schema.attribute("companies", "attr-nothing") is None


def test_multiselect_by_both_ids():
    assert schema_from_document(_document(), "x").is_multiselect("obj-companies", "attr-domains")


def test_multiselect_by_attribute_id():
    assert schema_from_document(_document(), "x").is_multiselect("companies", "attr-domains")


# Shape errors: each names the file and the key path --------------------------------------------


def _set(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


SHAPE_ERRORS = [
    ("format missing", _delete(("format",)), "the file", 'a JSON object with "format": "attio-cli-schema"'),
    ("format wrong", _set(("format",), "attio-schema"), "the file", 'a JSON object with "format": "attio-cli-schema"'),
    ("objects missing", _delete(("objects",)), "objects", "a list"),
    ("objects mapping", _set(("objects",), {"companies": {}}), "objects", "a list"),
    ("object text", _set(("objects", 1), "people"), "objects[1]", "an object"),
    ("object slug missing", _delete(("objects", 0, "api_slug")), "objects[0].api_slug", "a non-empty string"),
    ("object slug empty", _set(("objects", 0, "api_slug"), ""), "objects[0].api_slug", "a non-empty string"),
    ("object slug number", _set(("objects", 0, "api_slug"), 7), "objects[0].api_slug", "a non-empty string"),
    ("attributes missing", _delete(("objects", 1, "attributes")), "objects[1].attributes", "a list"),
    ("attributes null", _set(("objects", 1, "attributes"), None), "objects[1].attributes", "a list"),
    ("attribute list", _set(("objects", 0, "attributes", 1), ["name"]), "objects[0].attributes[1]", "an object"),
    ("attribute slug missing", _delete(("objects", 0, "attributes", 2, "api_slug")), "objects[0].attributes[2].api_slug", "a non-empty string"),
    ("type missing", _delete(("objects", 0, "attributes", 2, "type")), "objects[0].attributes[2].type", f"one of Attio's attribute types ({ATTRIBUTE_TYPE_LIST}), but got None"),
    ("type unknown", _set(("objects", 0, "attributes", 2, "type"), "json"), "objects[0].attributes[2].type", f"one of Attio's attribute types ({ATTRIBUTE_TYPE_LIST}), but got 'json'"),
    ("type upper case", _set(("objects", 0, "attributes", 2, "type"), "Select"), "objects[0].attributes[2].type", f"one of Attio's attribute types ({ATTRIBUTE_TYPE_LIST}), but got 'Select'"),
    ("flag text", _set(("objects", 0, "attributes", 0, "is_unique"), "true"), "objects[0].attributes[0].is_unique", "true or false"),
    ("flag number", _set(("objects", 0, "attributes", 0, "is_multiselect"), 1), "objects[0].attributes[0].is_multiselect", "true or false"),
    ("flag null", _set(("objects", 0, "attributes", 5, "is_writable"), None), "objects[0].attributes[5].is_writable", "true or false"),
    ("required flag text", _set(("objects", 0, "attributes", 1, "is_required"), "no"), "objects[0].attributes[1].is_required", "true or false"),
    ("targets text", _set(("objects", 0, "attributes", 3, "allowed_objects"), "companies"), "objects[0].attributes[3].allowed_objects", "a list of object slugs"),
    ("targets numbers", _set(("objects", 0, "attributes", 3, "allowed_objects"), [1]), "objects[0].attributes[3].allowed_objects", "a list of object slugs"),
    ("options mapping", _set(("objects", 0, "attributes", 2, "options"), {"Enterprise": TIER_IDS[0]}), "objects[0].attributes[2].options", "a list"),
    ("option text", _set(("objects", 0, "attributes", 2, "options"), ["Enterprise"]), "objects[0].attributes[2].options[0]", 'an object with a "title"'),
    ("option title missing", _set(("objects", 0, "attributes", 2, "options"), [{"title": "A"}, {"id": TIER_IDS[1]}]), "objects[0].attributes[2].options[1]", 'an object with a "title"'),
    ("option title null", _set(("objects", 0, "attributes", 2, "options"), [{"title": None}]), "objects[0].attributes[2].options[0]", 'an object with a "title"'),
    ("currency number", _set(("objects", 0, "attributes", 4, "default_currency_code"), 978), "objects[0].attributes[4].default_currency_code", "a currency code or null"),
]


@pytest.mark.parametrize("change, where, expected", [case[1:] for case in SHAPE_ERRORS], ids=[case[0] for case in SHAPE_ERRORS])
def test_shape_error_message(tmp_path, change, where, expected):
    document = copy.deepcopy(_document())
    change(document)
    error, path = _load_error(tmp_path, document)
    assert error.message == f"{path}: {where} is not valid: expected {expected}"


@pytest.mark.parametrize("change", [case[1] for case in SHAPE_ERRORS[:4]], ids=[case[0] for case in SHAPE_ERRORS[:4]])
def test_shape_error_hint(tmp_path, change):
    document = copy.deepcopy(_document())
    change(document)
    error, path = _load_error(tmp_path, document)
    assert error.hint == HINT.format(path=path)


@pytest.mark.parametrize("document", [None, [], "attio-cli-schema", 1], ids=["null", "list", "text", "number"])
def test_top_level_not_object(tmp_path, document):
    error, path = _load_error(tmp_path, document)
    assert error.message == f'{path}: the file is not valid: expected a JSON object with "format": "attio-cli-schema"'


def test_schema_file_error_is_config_error():
    assert issubclass(SchemaFileError, ConfigError)


def test_error_in_second_object_named(tmp_path):
    document = _document()
    document["objects"][1]["attributes"][0]["type"] = "email"
    error, path = _load_error(tmp_path, document)
    assert error.message == f"{path}: objects[1].attributes[0].type is not valid: expected one of Attio's attribute types ({ATTRIBUTE_TYPE_LIST}), but got 'email'"


# Version ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_version_mismatch(tmp_path, version):
    document = _document()
    document["version"] = version
    error, path = _load_error(tmp_path, document)
    assert error.message == f"{path}: schema file version {version!r} is not supported; this attio-cli reads version 1"
    assert error.hint == f"Write the file again with: attio-cli schema pull --out {path}"


def test_version_missing(tmp_path):
    document = _document()
    del document["version"]
    error, path = _load_error(tmp_path, document)
    assert error.message == f"{path}: schema file version None is not supported; this attio-cli reads version 1"


def test_version_true_rejected(tmp_path):
    document = _document()
    document["version"] = True
    with pytest.raises(SchemaFileError):
        load_schema_file(_write(tmp_path, document))


# Files that cannot be read ---------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "absent.json"
    with pytest.raises(SchemaFileError) as caught:
        load_schema_file(path)
    assert caught.value.message == f"schema file {path} not found"
    assert caught.value.hint == f"Write it with: attio-cli schema pull --out {path}"


def test_missing_file_as_text_path(tmp_path):
    path = str(tmp_path / "absent.json")
    with pytest.raises(SchemaFileError) as caught:
        load_schema_file(path)
    assert caught.value.message == f"schema file {path} not found"


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(SchemaFileError) as caught:
        load_schema_file(tmp_path)
    assert caught.value.message == f"cannot read schema file {tmp_path}: Is a directory"


@pytest.mark.parametrize("text", ['{"format": "attio-cli-schema",', "", "\ufeff{}", "{'format': 'attio-cli-schema'}"], ids=["cut", "empty", "bom", "single quotes"])
def test_invalid_json(tmp_path, text):
    path = tmp_path / "schema.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaFileError) as caught:
        load_schema_file(path)
    assert caught.value.message.startswith(f"schema file {path} is not valid JSON: ")
    assert caught.value.hint == f"Write it again with: attio-cli schema pull --out {path}"


# Files that load but lose information ------------------------------------------------------------


def test_duplicate_attribute_slug_rejected(tmp_path):
    document = _document()
    document["objects"][0]["attributes"].append(_attribute("name", "number"))
    with pytest.raises(SchemaFileError):
        load_schema_file(_write(tmp_path, document))


def test_duplicate_object_slug_rejected(tmp_path):
    document = _document()
    document["objects"].append({"api_slug": "companies", "attributes": []})
    with pytest.raises(SchemaFileError):
        load_schema_file(_write(tmp_path, document))


def test_partial_option_ids_round_trip():
    document = _document()
    document["objects"][0]["attributes"][2]["options"] = [{"id": TIER_IDS[0], "title": "Enterprise"}, {"title": "SMB"}]
    dumped = schema_document(schema_from_document(document, "x"))
    assert dumped["objects"][0]["attributes"][2]["options"][0]["id"] == TIER_IDS[0]
