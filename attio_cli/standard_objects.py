"""Attio's standard objects and the standard attributes that attio-cli checks values against.

Source: Attio's standard-object and attribute-type docs for people, companies, users, workspaces
and deals. Select options and statuses are left unknown (``None``), because every workspace edits
them; pull the workspace schema to check them.
"""

from __future__ import annotations

from attio_cli.schema import Attribute, ObjectSchema

_SYSTEM = dict(is_writable=False)


def _object(*attributes: Attribute) -> dict[str, Attribute]:
    return {attribute.slug: attribute for attribute in attributes}


def _interactions() -> tuple[Attribute, ...]:
    slugs = (
        "first_email_interaction",
        "last_email_interaction",
        "first_calendar_interaction",
        "last_calendar_interaction",
        "next_calendar_interaction",
        "first_interaction",
        "last_interaction",
    )
    return tuple(Attribute(slug, "interaction", is_writable=False) for slug in slugs)


def _created() -> tuple[Attribute, ...]:
    return (Attribute("created_at", "timestamp", **_SYSTEM), Attribute("created_by", "actor-reference", **_SYSTEM))


def _social_links() -> tuple[Attribute, ...]:
    return tuple(Attribute(slug, "text") for slug in ("angellist", "facebook", "instagram", "linkedin", "twitter"))


STANDARD_OBJECTS: dict[str, dict[str, Attribute]] = {
    "people": _object(
        Attribute("email_addresses", "email-address", is_multiselect=True, is_unique=True),
        Attribute("name", "personal-name"),
        Attribute("phone_numbers", "phone-number", is_multiselect=True),
        Attribute("primary_location", "location"),
        Attribute("company", "record-reference", targets=("companies",)),
        Attribute("job_title", "text"),
        Attribute("description", "text"),
        *_social_links(),
        Attribute("associated_deals", "record-reference", is_multiselect=True, targets=("deals",)),
        Attribute("associated_users", "record-reference", is_multiselect=True, targets=("users",)),
        *_interactions(),
        *_created(),
    ),
    "companies": _object(
        Attribute("domains", "domain", is_multiselect=True, is_unique=True),
        Attribute("name", "text"),
        Attribute("description", "text"),
        Attribute("team", "record-reference", is_multiselect=True, targets=("people",)),
        Attribute("categories", "select", is_multiselect=True),
        Attribute("primary_location", "location"),
        *_social_links(),
        Attribute("estimated_arr_usd", "select"),
        Attribute("employee_range", "select"),
        Attribute("funding_raised_usd", "currency"),
        Attribute("foundation_date", "date"),
        Attribute("associated_deals", "record-reference", is_multiselect=True, targets=("deals",)),
        Attribute("associated_workspaces", "record-reference", is_multiselect=True, targets=("workspaces",)),
        *_interactions(),
        *_created(),
    ),
    "users": _object(
        Attribute("user_id", "text", is_unique=True, is_required=True),
        Attribute("primary_email_address", "email-address", is_unique=True, is_required=True),
        Attribute("person", "record-reference", targets=("people",)),
        Attribute("workspace", "record-reference", is_multiselect=True, targets=("workspaces",)),
        *_created(),
    ),
    "workspaces": _object(
        Attribute("workspace_id", "text", is_unique=True, is_required=True),
        Attribute("name", "text"),
        Attribute("users", "record-reference", is_multiselect=True, targets=("users",)),
        Attribute("company", "record-reference", targets=("companies",)),
        Attribute("avatar_url", "text"),
        *_created(),
    ),
    "deals": _object(
        Attribute("name", "text", is_required=True),
        Attribute("stage", "status", is_required=True),
        Attribute("owner", "actor-reference", is_required=True),
        Attribute("value", "currency"),
        Attribute("associated_people", "record-reference", is_multiselect=True, targets=("people",)),
        Attribute("associated_company", "record-reference", targets=("companies",)),
        *_created(),
    ),
}

_NOUNS = {
    "people": ("Person", "People"),
    "companies": ("Company", "Companies"),
    "users": ("User", "Users"),
    "workspaces": ("Workspace", "Workspaces"),
    "deals": ("Deal", "Deals"),
}


def standard_schema_objects() -> dict[str, ObjectSchema]:
    """Return the standard objects as partial ``ObjectSchema`` entries."""
    return {
        slug: ObjectSchema(slug, attributes, singular_noun=_NOUNS[slug][0], plural_noun=_NOUNS[slug][1])
        for slug, attributes in STANDARD_OBJECTS.items()
    }
