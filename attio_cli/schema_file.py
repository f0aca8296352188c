"""Read and write schema files: a workspace's objects and attributes, saved by ``schema pull``.

The file is JSON, so that it can be read, diffed and kept in version control::

    {"format": "attio-cli-schema", "version": 1, "pulled_at": "...", "workspace": {...} | null,
     "objects": [{"id", "api_slug", "singular_noun", "plural_noun",
                  "attributes": [{"id", "api_slug", "title", "type", "is_multiselect", "is_unique",
                                  "is_writable", "is_required", "allowed_objects"?,
                                  "default_currency_code"?, "options"?: [{"id", "title"}]}]}]}

``allowed_objects`` contains object slugs (or object ids that no slug was found for), and
``options`` the active options of a select attribute or the active statuses of a status attribute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from attio_cli.errors import ConfigError
from attio_cli.schema import Attribute, ObjectSchema, Schema

FORMAT = "attio-cli-schema"
VERSION = 1
DEFAULT_SCHEMA_PATH = Path(".attio") / "schema.json"

ATTRIBUTE_TYPES = frozenset((
    "actor-reference", "checkbox", "currency", "date", "domain", "email-address", "interaction", "location",
    "number", "personal-name", "phone-number", "rating", "record-reference", "select", "status", "text", "timestamp",
))


class SchemaFileError(ConfigError):
    """A schema file is missing, is not JSON or does not have the expected shape."""


def _require(condition: bool, path: str, where: str, expected: str) -> None:
    if not condition:
        raise SchemaFileError(
            f"{path}: {where} is not valid: expected {expected}",
            hint="Write the file again with: attio-cli schema pull --out " + path,
        )


def _flag(item: dict, key: str, default: bool, path: str, where: str) -> bool:
    value = item.get(key, default)
    _require(type(value) is bool, path, f"{where}.{key}", "true or false")
    return value


def _attribute_from_file(item: Any, path: str, where: str) -> Attribute:
    _require(type(item) is dict, path, where, "an object")
    slug = item.get("api_slug")
    _require(type(slug) is str and bool(slug), path, f"{where}.api_slug", "a non-empty string")
    attribute_type = item.get("type")
    _require(
        type(attribute_type) is str and attribute_type in ATTRIBUTE_TYPES,
        path,
        f"{where}.type",
        f"one of Attio's attribute types ({', '.join(sorted(ATTRIBUTE_TYPES))}), but got {attribute_type!r}",
    )

    targets = item.get("allowed_objects")
    if targets is not None:
        _require(type(targets) is list and all(type(t) is str for t in targets), path, f"{where}.allowed_objects", "a list of object slugs")
        targets = tuple(targets)

    options = item.get("options")
    titles: tuple[str, ...] | None = None
    option_ids: tuple[str, ...] = ()
    if options is not None:
        _require(type(options) is list, path, f"{where}.options", "a list")
        for index, option in enumerate(options):
            _require(type(option) is dict and type(option.get("title")) is str, path, f"{where}.options[{index}]", 'an object with a "title"')
        titles = tuple(option["title"] for option in options)
        # Aligned with the titles; "" stands for an option without an id.
        option_ids = tuple(option["id"] if type(option.get("id")) is str else "" for option in options)
        if not any(option_ids):
            option_ids = ()

    currency_code = item.get("default_currency_code")
    _require(currency_code is None or type(currency_code) is str, path, f"{where}.default_currency_code", "a currency code or null")
    return Attribute(
        slug=slug,
        type=attribute_type,
        is_multiselect=_flag(item, "is_multiselect", False, path, where),
        is_unique=_flag(item, "is_unique", False, path, where),
        is_writable=_flag(item, "is_writable", True, path, where),
        is_required=_flag(item, "is_required", False, path, where),
        targets=targets,
        options=titles,
        option_ids=option_ids,
        currency_code=currency_code,
        id=item.get("id") if type(item.get("id")) is str else None,
        title=item.get("title") if type(item.get("title")) is str else None,
    )


def _object_from_file(item: Any, path: str, where: str) -> ObjectSchema:
    _require(type(item) is dict, path, where, "an object")
    slug = item.get("api_slug")
    _require(type(slug) is str and bool(slug), path, f"{where}.api_slug", "a non-empty string")
    attributes = item.get("attributes")
    _require(type(attributes) is list, path, f"{where}.attributes", "a list")
    parsed = {}
    for index, attribute_item in enumerate(attributes):
        attribute = _attribute_from_file(attribute_item, path, f"{where}.attributes[{index}]")
        _require(attribute.slug not in parsed, path, f"{where}.attributes[{index}].api_slug", f"a slug not used before, but {attribute.slug!r} repeats")
        parsed[attribute.slug] = attribute
    return ObjectSchema(
        slug=slug,
        attributes=parsed,
        singular_noun=item.get("singular_noun") if type(item.get("singular_noun")) is str else None,
        plural_noun=item.get("plural_noun") if type(item.get("plural_noun")) is str else None,
        id=item.get("id") if type(item.get("id")) is str else None,
        complete=True,
    )


def schema_from_document(document: Any, source: str) -> Schema:
    """Build a complete ``Schema`` from a parsed schema file; ``source`` names it in errors."""
    _require(type(document) is dict and document.get("format") == FORMAT, source, "the file", f'a JSON object with "format": "{FORMAT}"')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise SchemaFileError(
            f"{source}: schema file version {version!r} is not supported; this attio-cli reads version {VERSION}",
            hint=f"Write the file again with: attio-cli schema pull --out {source}",
        )
    objects = document.get("objects")
    _require(type(objects) is list, source, "objects", "a list")
    parsed: dict[str, ObjectSchema] = {}
    for index, item in enumerate(objects):
        schema_object = _object_from_file(item, source, f"objects[{index}]")
        _require(schema_object.slug not in parsed, source, f"objects[{index}].api_slug", f"a slug not used before, but {schema_object.slug!r} repeats")
        parsed[schema_object.slug] = schema_object
    workspace = document.get("workspace")
    name = workspace.get("name") if type(workspace) is dict and type(workspace.get("name")) is str else None
    return Schema(parsed, source=source, complete=True, workspace=name)


def load_schema_file(path: str | Path) -> Schema:
    """Read a schema file that ``attio-cli schema pull`` wrote.

    Raises SchemaFileError when the file cannot be read or has the wrong shape.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SchemaFileError(f"schema file {name} not found", hint=f"Write it with: attio-cli schema pull --out {name}") from None
    except OSError as error:
        raise SchemaFileError(f"cannot read schema file {name}: {error.strerror}") from None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise SchemaFileError(f"schema file {name} is not valid JSON: {error}", hint=f"Write it again with: attio-cli schema pull --out {name}") from None
    return schema_from_document(document, name)


def _attribute_document(attribute: Attribute) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": attribute.id,
        "api_slug": attribute.slug,
        "title": attribute.title,
        "type": attribute.type,
        "is_multiselect": attribute.is_multiselect,
        "is_unique": attribute.is_unique,
        "is_writable": attribute.is_writable,
        "is_required": attribute.is_required,
    }
    if attribute.targets is not None:
        item["allowed_objects"] = list(attribute.targets)
    if attribute.currency_code is not None:
        item["default_currency_code"] = attribute.currency_code
    if attribute.options is not None:
        ids = attribute.option_ids if len(attribute.option_ids) == len(attribute.options) else ("",) * len(attribute.options)
        item["options"] = [{"id": option_id or None, "title": title} for option_id, title in zip(ids, attribute.options)]
    return item


def schema_document(schema: Schema, *, pulled_at: str | None = None, workspace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the schema file document for ``schema``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "pulled_at": pulled_at,
        "workspace": workspace,
        "objects": [
            {
                "id": schema_object.id,
                "api_slug": schema_object.slug,
                "singular_noun": schema_object.singular_noun,
                "plural_noun": schema_object.plural_noun,
                "attributes": [_attribute_document(attribute) for attribute in schema_object.attributes.values()],
            }
            for schema_object in schema.objects.values()
        ],
    }


def write_schema_file(path: Path, document: dict[str, Any]) -> None:
    """Write a schema document atomically, creating the folder if needed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        temporary.replace(path)
    except OSError as error:
        raise ConfigError(f"cannot write the schema file {path}: {error.strerror}") from None
