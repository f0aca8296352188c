"""The sandbox's workspace: its objects and attributes, their stable ids and their API JSON.

Without a schema file the workspace has exactly Attio's standard objects from
``attio_cli.standard_objects``. With one, it has the objects of that file. Either way the sandbox
treats the workspace as complete, so an object or attribute it does not list does not exist.
Ids that the schema does not give are UUIDv5 values derived from the slugs, so two runs over the
same schema produce the same ids.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attio_cli.schema import Attribute, ObjectSchema, Schema
from attio_cli.standard_objects import STANDARD_OBJECTS
from attio_cli.values import ValueResult, value_checker

# A fixed namespace for the sandbox's UUIDv5 ids, so that the ids stay the same across runs.
SANDBOX_NAMESPACE = uuid.UUID("6f1c2a8e-3b5d-4e7a-9c0f-5d2b8a1e4c73")

DEFAULT_WORKSPACE_NAME = "Sandbox"
WORKSPACE_SLUG = "sandbox"
# The creation time reported for objects, attributes and options, which the sandbox does not track.
SCHEMA_CREATED_AT = "2024-01-01T00:00:00.000000000Z"


def stable_id(*parts: str) -> str:
    """Return a UUIDv5 derived from ``parts``, the same in every run."""
    return str(uuid.uuid5(SANDBOX_NAMESPACE, "/".join(parts)))


def default_title(slug: str) -> str:
    """Turn a snake_case slug into a title such as "Email addresses"."""
    return slug.replace("_", " ").capitalize()


class OptionSet:
    """The options of a select attribute, or the statuses of a status attribute.

    When the schema lists the options, the set is closed and a title outside it is an error. The
    built-in standard objects do not list them, because every workspace edits them. Then the set is
    open, and the sandbox adds a title (with an id derived from it) when a write that uses it succeeds.
    """

    def __init__(self, attribute_id: str, titles: tuple[str, ...] | None, ids: tuple[str, ...]):
        self.attribute_id = attribute_id
        self.is_open = titles is None
        self.title_by_id: dict[str, str] = {}
        self.id_by_title: dict[str, str] = {}
        titles = titles or ()
        use_given_ids = len(ids) == len(titles)
        for index, title in enumerate(titles):
            option_id = ids[index].lower() if use_given_ids else stable_id("option", attribute_id, title)
            self.title_by_id[option_id] = title
            self.id_by_title[title] = option_id

    def find(self, title_or_id: str, by_id: bool) -> tuple[str, str] | None:
        """Return (option id, title) for a title, or for an option id when ``by_id``.

        An open set also returns a new title, with the id that ``add`` will store for it.
        """
        if by_id:
            option_id = title_or_id.lower()
            title = self.title_by_id.get(option_id)
            return (option_id, title) if title is not None else None

        option_id = self.id_by_title.get(title_or_id)
        if option_id is not None:
            return option_id, title_or_id
        if not self.is_open:
            return None
        return stable_id("option", self.attribute_id, title_or_id), title_or_id

    def add(self, option_id: str, title: str) -> None:
        """Store an option of an open set; a closed set lists only the schema's options."""
        if self.is_open and title not in self.id_by_title:
            self.title_by_id[option_id] = title
            self.id_by_title[title] = option_id


@dataclasses.dataclass(slots=True)
class ObjectModel:
    """One object of the workspace, with everything a write needs prepared once.

    ``attributes`` keeps the schema's order, which is also the order of values in a record.
    ``checkers`` maps each writable attribute to its prepared public-style value check.
    """

    slug: str
    id: str
    singular_noun: str | None
    plural_noun: str | None
    schema: ObjectSchema
    attributes: dict[str, Attribute]
    attributes_by_id: dict[str, Attribute]
    checkers: dict[str, Callable[[Any], ValueResult]]
    options: dict[str, OptionSet]
    unique_slugs: tuple[str, ...]
    required_slugs: tuple[str, ...]
    system_slugs: frozenset[str]

    def attribute(self, slug_or_id: str) -> Attribute | None:
        attribute = self.attributes.get(slug_or_id)
        if attribute is None:
            attribute = self.attributes_by_id.get(slug_or_id.lower())
        return attribute


class Workspace:
    """The objects of the sandbox workspace, looked up by slug or id."""

    def __init__(self, schema: Schema, *, name: str | None = None):
        self.id = stable_id("workspace")
        self.name = name or schema.workspace or DEFAULT_WORKSPACE_NAME
        self.slug = WORKSPACE_SLUG
        self.source = schema.source
        self.objects: dict[str, ObjectModel] = {}
        self._objects_by_id: dict[str, ObjectModel] = {}

        object_ids = {slug: (item.id or stable_id("object", slug)).lower() for slug, item in schema.objects.items()}
        slug_by_object_id = {object_id: slug for slug, object_id in object_ids.items()}
        for slug, item in schema.objects.items():
            model = _object_model(item, object_ids[slug], slug_by_object_id, schema.source == "built-in")
            self.objects[slug] = model
            self._objects_by_id[model.id] = model

    @classmethod
    def builtin(cls) -> Workspace:
        return cls(Schema.builtin())

    @classmethod
    def from_schema_file(cls, path: str | Path) -> Workspace:
        """Build the workspace from a schema file that ``attio-cli schema pull`` wrote.

        Raises ConfigError (SchemaFileError) when the file cannot be read or has the wrong shape.
        """
        from attio_cli.schema_file import load_schema_file

        return cls(load_schema_file(path))

    def object(self, slug_or_id: str) -> ObjectModel | None:
        return self.objects.get(slug_or_id) or self._objects_by_id.get(slug_or_id.lower())

    # API JSON ------------------------------------------------------------------------------------

    def render_object(self, model: ObjectModel) -> dict[str, Any]:
        return {
            "id": {"workspace_id": self.id, "object_id": model.id},
            "api_slug": model.slug,
            "singular_noun": model.singular_noun,
            "plural_noun": model.plural_noun,
            "created_at": SCHEMA_CREATED_AT,
        }

    def render_attribute(self, model: ObjectModel, attribute: Attribute) -> dict[str, Any]:
        allowed_ids = None
        if attribute.type == "record-reference":
            allowed_ids = []
            for target in attribute.targets or ():
                target_model = self.object(target)
                allowed_ids.append(target_model.id if target_model else target)
        return {
            "id": {"workspace_id": self.id, "object_id": model.id, "attribute_id": attribute.id},
            "title": attribute.title or default_title(attribute.slug),
            "description": None,
            "api_slug": attribute.slug,
            "type": attribute.type,
            "is_system_attribute": attribute.slug in model.system_slugs,
            "is_writable": attribute.is_writable,
            "is_required": attribute.is_required,
            "is_unique": attribute.is_unique,
            "is_multiselect": attribute.is_multiselect,
            "is_default_value_enabled": False,
            "is_archived": False,
            "default_value": None,
            "relationship": None,
            "created_at": SCHEMA_CREATED_AT,
            "config": {
                "currency": {
                    "default_currency_code": attribute.currency_code,
                    "display_type": "symbol" if attribute.currency_code else None,
                },
                "record_reference": {"allowed_object_ids": allowed_ids},
            },
        }

    def option_id_block(self, model: ObjectModel, attribute: Attribute, key: str, option_id: str) -> dict[str, str]:
        return {"workspace_id": self.id, "object_id": model.id, "attribute_id": attribute.id, key: option_id}

    def render_option(self, model: ObjectModel, attribute: Attribute, option_id: str, title: str) -> dict[str, Any]:
        if attribute.type == "status":
            return {
                "id": self.option_id_block(model, attribute, "status_id", option_id),
                "title": title,
                "is_archived": False,
                "celebration_enabled": False,
                "target_time_in_status": None,
            }
        return {"id": self.option_id_block(model, attribute, "option_id", option_id), "title": title, "is_archived": False}


def _object_model(item: ObjectSchema, object_id: str, slug_by_object_id: dict[str, str], builtin: bool) -> ObjectModel:
    standard_slugs = STANDARD_OBJECTS.get(item.slug, {})
    attributes: dict[str, Attribute] = {}
    for slug, attribute in item.attributes.items():
        attribute_id = (attribute.id or stable_id("attribute", object_id, slug)).lower()
        targets = attribute.targets
        if targets is not None:
            # A pulled schema may name a target object by id, but the value checks expect slugs.
            targets = tuple(slug_by_object_id.get(target.lower(), target) for target in targets)
        attributes[slug] = dataclasses.replace(attribute, id=attribute_id, targets=targets)

    checkers = {
        slug: value_checker(attribute, style="public")
        for slug, attribute in attributes.items()
        if attribute.is_writable and attribute.type != "interaction"
    }
    options = {
        slug: OptionSet(attribute.id, attribute.options, attribute.option_ids)
        for slug, attribute in attributes.items()
        if attribute.type in ("select", "status")
    }
    # Attributes of the standard table are Attio's own, so they count as system attributes.
    system_slugs = frozenset(attributes) if builtin else frozenset(slug for slug in attributes if slug in standard_slugs)
    return ObjectModel(
        slug=item.slug,
        id=object_id,
        singular_noun=item.singular_noun,
        plural_noun=item.plural_noun,
        schema=dataclasses.replace(item, attributes=attributes, id=object_id, complete=True),
        attributes=attributes,
        attributes_by_id={attribute.id: attribute for attribute in attributes.values()},
        checkers=checkers,
        options=options,
        unique_slugs=tuple(slug for slug, attribute in attributes.items() if attribute.is_unique),
        required_slugs=tuple(slug for slug, attribute in attributes.items() if attribute.is_required),
        system_slugs=system_slugs,
    )
