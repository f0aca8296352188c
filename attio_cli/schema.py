"""The objects and attributes of a workspace, as attio-cli sees them.

The built-in table covers Attio's standard objects, so a dry run without a token can tell, for
example, that ``people.email_addresses`` is a unique multiselect attribute. Objects and attributes
that the table does not know pass through unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of an Attio object."""

    slug: str
    type: str
    is_multiselect: bool = False
    is_unique: bool = False
    is_writable: bool = True


def _attributes(*items: Attribute) -> dict[str, Attribute]:
    return {item.slug: item for item in items}


# Standard objects and the attributes that change how a request is built (multiselect, unique).
# Source: Attio's standard-object docs for people, companies, users, workspaces and deals.
STANDARD_OBJECTS: dict[str, dict[str, Attribute]] = {
    "people": _attributes(
        Attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True),
        Attribute("phone_numbers", "phone-number", is_multiselect=True),
        Attribute("name", "personal-name"),
        Attribute("primary_location", "location"),
        Attribute("company", "record-reference"),
        Attribute("job_title", "text"),
        Attribute("description", "text"),
    ),
    "companies": _attributes(
        Attribute("domains", "domain", is_multiselect=True, is_unique=True),
        Attribute("name", "text"),
        Attribute("description", "text"),
        Attribute("categories", "select", is_multiselect=True),
        Attribute("team", "record-reference", is_multiselect=True),
        Attribute("primary_location", "location"),
    ),
    "users": _attributes(
        Attribute("user_id", "text", is_unique=True),
        Attribute("primary_email_address", "email-address", is_unique=True),
        Attribute("person", "record-reference"),
        Attribute("workspace", "record-reference", is_multiselect=True),
    ),
    "workspaces": _attributes(
        Attribute("workspace_id", "text", is_unique=True),
        Attribute("name", "text"),
        Attribute("users", "record-reference", is_multiselect=True),
        Attribute("company", "record-reference"),
        Attribute("avatar_url", "text"),
    ),
    "deals": _attributes(
        Attribute("name", "text"),
        Attribute("stage", "status"),
        Attribute("owner", "actor-reference"),
        Attribute("value", "currency"),
        Attribute("associated_people", "record-reference", is_multiselect=True),
        Attribute("associated_company", "record-reference"),
    ),
}


class Schema:
    """Lookup of attributes by object slug and attribute slug."""

    def __init__(self, objects: dict[str, dict[str, Attribute]] | None = None):
        self.objects = objects if objects is not None else STANDARD_OBJECTS
        # A set lookup, because the planner checks every value of every event.
        self._multiselect = {
            (object_slug, attribute.slug)
            for object_slug, attributes in self.objects.items()
            for attribute in attributes.values()
            if attribute.is_multiselect
        }

    def attribute(self, object_slug: str, attribute_slug: str) -> Attribute | None:
        attributes = self.objects.get(object_slug)
        return attributes.get(attribute_slug) if attributes else None

    def is_multiselect(self, object_slug: str, attribute_slug: str) -> bool:
        return (object_slug, attribute_slug) in self._multiselect
