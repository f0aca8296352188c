"""The objects and attributes of a workspace, as attio-cli sees them.

A ``Schema`` comes either from the built-in table of Attio's standard objects (see
``attio_cli.standard_objects``) or from a schema file that ``attio-cli schema pull`` wrote. The
built-in objects are partial: a workspace can add attributes to them, so an attribute that the
table does not list passes unchecked. An object read from a schema file is complete, so there an
unknown attribute is an error.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _did_you_mean(suggestion: str | None) -> str:
    return f"; did you mean {_quoted(suggestion)}?" if suggestion else ""


def fold_title(title: str) -> str:
    """Fold an option title for a loose match: no surrounding spaces, single inner spaces, no case."""
    return " ".join(title.split()).casefold()


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of an Attio object.

    ``targets`` lists the objects (slugs, or object ids that no slug was found for) that a
    record-reference attribute may point to. ``options`` lists the active option titles of a select
    attribute or the active status titles of a status attribute, and ``option_ids`` their ids.
    ``None`` means not known, and then that part of a value check is skipped. ``currency_code`` is
    the attribute's default currency (ISO 4217). ``id`` and ``title`` come from a pulled schema.
    """

    slug: str
    type: str
    is_multiselect: bool = False
    is_unique: bool = False
    is_writable: bool = True
    is_required: bool = False
    targets: tuple[str, ...] | None = None
    options: tuple[str, ...] | None = None
    option_ids: tuple[str, ...] = ()
    currency_code: str | None = None
    id: str | None = None
    title: str | None = None

    # Lookups built once from `options`, because select values are checked per event.
    option_titles: frozenset[str] = field(init=False, repr=False, compare=False)
    folded_options: dict[str, str | None] = field(init=False, repr=False, compare=False)
    option_id_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        titles = self.options or ()
        folded: dict[str, str | None] = {}
        for title in titles:
            key = fold_title(title)
            # Two titles that fold to the same text are ambiguous, so neither is suggested.
            folded[key] = None if key in folded and folded[key] != title else title
        object.__setattr__(self, "option_titles", frozenset(titles))
        object.__setattr__(self, "folded_options", folded)
        object.__setattr__(self, "option_id_set", frozenset(option_id.lower() for option_id in self.option_ids if option_id))


@dataclass(frozen=True, slots=True)
class ObjectSchema:
    """One Attio object and its attributes, keyed by slug.

    ``complete`` is true when ``attributes`` lists every attribute of the object, as in a pulled
    schema. The built-in standard objects are not complete.
    """

    slug: str
    attributes: dict[str, Attribute]
    singular_noun: str | None = None
    plural_noun: str | None = None
    id: str | None = None
    complete: bool = False

    def attribute(self, slug_or_id: str) -> Attribute | None:
        """Return the attribute with this slug, or with this attribute id."""
        attribute = self.attributes.get(slug_or_id)
        if attribute is not None or not self.complete:
            return attribute
        for candidate in self.attributes.values():
            if candidate.id is not None and candidate.id == slug_or_id:
                return candidate
        return None

    def suggest(self, slug: str) -> str | None:
        """Return the attribute slug closest to ``slug``, if one is close enough to be a typo."""
        matches = difflib.get_close_matches(slug, list(self.attributes), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def unknown_attribute_message(self, slug: str) -> str:
        """Return the message for an attribute slug this object does not have, with a suggestion."""
        return f"{self.slug} has no attribute {_quoted(slug)}{_did_you_mean(self.suggest(slug))}"


class Schema:
    """Lookup of objects and attributes by slug.

    ``source`` names where the schema came from ("built-in" or a file path), for messages.
    ``complete`` is true when the schema lists every object of the workspace, so that an object it
    does not list does not exist there.
    """

    def __init__(self, objects: dict[str, ObjectSchema], *, source: str, complete: bool, workspace: str | None = None):
        self.objects = objects
        self.source = source
        self.complete = complete
        self.workspace = workspace
        # Multiselect flags by (object, attribute), filled on first lookup, because the planner
        # asks once per value of every event.
        self._multiselect: dict[tuple[str, str], bool] = {}
        self._by_id = {schema_object.id: schema_object for schema_object in objects.values() if schema_object.id}

    @classmethod
    def builtin(cls) -> Schema:
        """Return the schema of Attio's standard objects, which needs no token."""
        from attio_cli.standard_objects import standard_schema_objects

        return cls(standard_schema_objects(), source="built-in", complete=False)

    def object(self, slug_or_id: str) -> ObjectSchema | None:
        """Return the object with this slug, or with this object id."""
        return self.objects.get(slug_or_id) or self._by_id.get(slug_or_id)

    def attribute(self, object_slug: str, attribute_slug: str) -> Attribute | None:
        schema_object = self.object(object_slug)
        return schema_object.attribute(attribute_slug) if schema_object else None

    def is_multiselect(self, object_slug: str, attribute_slug: str) -> bool:
        key = (object_slug, attribute_slug)
        known = self._multiselect.get(key)
        if known is None:
            # An object or attribute addressed by id, or not in the schema.
            attribute = self.attribute(object_slug, attribute_slug)
            known = self._multiselect[key] = attribute is not None and attribute.is_multiselect
        return known

    def unknown_object_message(self, slug: str) -> str:
        """Return the message for an object slug that this complete schema does not have."""
        return f"the object {_quoted(slug)} is not in the workspace schema ({self.source}){_did_you_mean(self.suggest_object(slug))}"

    def suggest_object(self, slug: str) -> str | None:
        """Return the object slug closest to ``slug``, comparing with slugs and with nouns.

        The nouns catch the common slip of a singular slug, such as "person" for "people".
        """
        names: dict[str, str] = {}
        for schema_object in self.objects.values():
            for name in (schema_object.slug, schema_object.singular_noun, schema_object.plural_noun):
                if name:
                    names.setdefault(name.casefold(), schema_object.slug)
        matches = difflib.get_close_matches(slug.casefold(), list(names), n=1, cutoff=0.6)
        return names[matches[0]] if matches else None
