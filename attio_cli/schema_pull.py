"""Read a workspace's objects, attributes, select options and statuses from Attio's API."""

from __future__ import annotations

from typing import Any

from attio_cli.api_client import ApiError, AttioClient, utc_timestamp
from attio_cli.schema import Attribute, ObjectSchema, Schema
from attio_cli.schema_file import ATTRIBUTE_TYPES, schema_document

PAGE_SIZE = 100


def _data(body: Any, path: str) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ApiError(f"GET {path} returned an unexpected body: no \"data\" list")
    return data


def _paginated(client: AttioClient, path: str) -> list[dict[str, Any]]:
    """Return every item of a limit/offset listing; a page shorter than the limit is the last."""
    items: list[dict[str, Any]] = []
    while True:
        page = _data(client.get_json(path, {"limit": PAGE_SIZE, "offset": len(items)}), path)
        items.extend(page)
        if len(page) < PAGE_SIZE:
            return items


def _id_part(item: dict[str, Any], key: str) -> str | None:
    identifier = item.get("id")
    value = identifier.get(key) if isinstance(identifier, dict) else None
    return value if isinstance(value, str) else None


def _active_options(client: AttioClient, path: str, id_key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    items = [item for item in _data(client.get_json(path), path) if not item.get("is_archived") and isinstance(item.get("title"), str)]
    titles = tuple(item["title"] for item in items)
    ids = tuple(_id_part(item, id_key) or "" for item in items)
    return titles, ids if all(ids) else ()


def _attribute(client: AttioClient, object_path: str, item: dict[str, Any], slugs_by_id: dict[str, str]) -> Attribute | None:
    slug = item.get("api_slug")
    attribute_type = item.get("type")
    if not isinstance(slug, str) or attribute_type not in ATTRIBUTE_TYPES or item.get("is_archived"):
        return None

    config = item.get("config") if isinstance(item.get("config"), dict) else {}
    targets = None
    if attribute_type == "record-reference":
        reference = config.get("record_reference") or {}
        allowed = reference.get("allowed_object_ids") if isinstance(reference, dict) else None
        if isinstance(allowed, list):
            targets = tuple(slugs_by_id.get(object_id, object_id) for object_id in allowed if isinstance(object_id, str))
    currency = config.get("currency") if isinstance(config.get("currency"), dict) else {}
    currency_code = currency.get("default_currency_code") if isinstance(currency.get("default_currency_code"), str) else None

    options = None
    option_ids: tuple[str, ...] = ()
    if attribute_type in ("select", "status"):
        kind, id_key = ("options", "option_id") if attribute_type == "select" else ("statuses", "status_id")
        options, option_ids = _active_options(client, f"{object_path}/attributes/{slug}/{kind}", id_key)

    return Attribute(
        slug=slug,
        type=attribute_type,
        is_multiselect=bool(item.get("is_multiselect")),
        is_unique=bool(item.get("is_unique")),
        is_writable=bool(item.get("is_writable", True)),
        is_required=bool(item.get("is_required")),
        targets=targets,
        options=options,
        option_ids=option_ids,
        currency_code=currency_code,
        id=_id_part(item, "attribute_id"),
        title=item.get("title") if isinstance(item.get("title"), str) else None,
    )


def pull_schema(client: AttioClient, *, on_object=lambda slug: None) -> tuple[Schema, dict[str, Any]]:
    """Read the workspace schema; return it and the document to save as a schema file.

    ``on_object`` is called with each object's slug before its attributes are read, for progress.
    Raises ApiError when a request fails.
    """
    identity = client.get_json("/v2/self")
    workspace = None
    if isinstance(identity, dict):
        workspace = {key: identity.get(key) for key in ("workspace_id", "workspace_name", "workspace_slug")}

    object_items = _data(client.get_json("/v2/objects"), "/v2/objects")
    slugs_by_id = {}
    for item in object_items:
        object_id = _id_part(item, "object_id")
        if object_id and isinstance(item.get("api_slug"), str):
            slugs_by_id[object_id] = item["api_slug"]

    objects: dict[str, ObjectSchema] = {}
    for item in object_items:
        object_id = _id_part(item, "object_id")
        slug = item.get("api_slug") if isinstance(item.get("api_slug"), str) else object_id
        if not slug:
            continue
        on_object(slug)
        object_path = f"/v2/objects/{slug}"
        attributes = {}
        for attribute_item in _paginated(client, f"{object_path}/attributes"):
            attribute = _attribute(client, object_path, attribute_item, slugs_by_id)
            if attribute is not None:
                attributes[attribute.slug] = attribute
        objects[slug] = ObjectSchema(
            slug=slug,
            attributes=attributes,
            singular_noun=item.get("singular_noun") if isinstance(item.get("singular_noun"), str) else None,
            plural_noun=item.get("plural_noun") if isinstance(item.get("plural_noun"), str) else None,
            id=object_id,
            complete=True,
        )

    name = workspace.get("workspace_name") if workspace else None
    schema = Schema(objects, source=client.base_url, complete=True, workspace=name if isinstance(name, str) else None)
    workspace_entry = {"id": workspace["workspace_id"], "name": workspace["workspace_name"], "slug": workspace["workspace_slug"]} if workspace else None
    return schema, schema_document(schema, pulled_at=utc_timestamp(), workspace=workspace_entry)
