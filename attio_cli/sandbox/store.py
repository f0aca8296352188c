"""Records of the sandbox workspace and the write semantics of Attio's record endpoints.

A write runs in two phases. ``_prepare`` checks every value with ``attio_cli.values`` (public
style), resolves record references and builds the stored value objects. ``_apply`` merges them
into the record, checks required and unique attributes, and only then changes anything. So a
request that fails leaves the store as it was. Batch assertions are the exception: a nested
assertion is applied before its parent is checked, so it stays even when the parent is dropped.

Records stay in memory. The store marks changed records as dirty, and ``Sandbox.flush`` writes
them to SQLite when a database file is in use.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from attio_cli.schema import Attribute
from attio_cli.values import check_value
from attio_cli.values.base import UUID_PATTERN
from attio_cli.values.references import BARE_STRING_ATTRIBUTES
from attio_cli.sandbox import errors
from attio_cli.sandbox.errors import ApiError
from attio_cli.sandbox.stored_values import identity, now_timestamp, type_fields, widen_fraction
from attio_cli.sandbox.workspace import ObjectModel, Workspace, stable_id

APPEND = "append"
REPLACE = "replace"
MULTISELECT_MODES = {"append": APPEND, "replace": REPLACE}
ASSERTION_MODE = "create-or-update"
# Assertions nested deeper than this are dropped. Segment's destination nests one level.
MAX_ASSERTION_DEPTH = 8

_RECEIVED_AT = Attribute("received_at", "timestamp")
_TYPES_WITH_ORIGINALS = frozenset(("email-address", "phone-number"))
# Bare-string reference attributes whose values can never look like a record id (a UUID).
_NON_UUID_TYPES = frozenset(("email-address", "domain"))


@dataclass(slots=True)
class Record:
    """One record: its id, object, creation time and current values keyed by attribute slug.

    ``values`` contains only attributes that have values, each a list in Attio's stored-value form.
    """

    id: str
    model: ObjectModel
    created_at: str
    values: dict[str, list[dict[str, Any]]]


class Store:
    """The records of every object of a workspace, with an index per unique attribute.

    Callers hold ``lock`` around every call, because the HTTP server and the Python API reach the
    store from different threads.
    """

    def __init__(self, workspace: Workspace, *, seed: int | None = None):
        self.workspace = workspace
        self.lock = threading.RLock()
        self.records: dict[str, dict[str, Record]] = {slug: {} for slug in workspace.objects}
        self.records_by_id: dict[str, Record] = {}
        # Ids of records changed since the last flush, in the order of their first change.
        self.dirty: dict[str, None] = {}
        self.web_url_base = "http://127.0.0.1/v2/objects"
        self.actor_id = stable_id("api-token")
        self.actor = {"type": "api-token", "id": self.actor_id}
        self._seed = seed
        self._id_source = random.Random(seed)
        self._unique: dict[tuple[str, str], dict[Hashable, str]] = {
            (model.slug, slug): {} for model in workspace.objects.values() for slug in model.unique_slugs
        }

    # Reading -----------------------------------------------------------------------------------

    def get_record(self, model: ObjectModel, record_id: str) -> Record:
        record = self.records[model.slug].get(record_id.lower())
        if record is None:
            raise errors.not_found(f'Record with ID "{record_id}" not found in object "{model.slug}".')
        return record

    def list_records(self, model: ObjectModel, limit: int, offset: int) -> list[Record]:
        """Return records of ``model`` in creation order."""
        return list(islice(self.records[model.slug].values(), offset, offset + limit))

    def count(self, model: ObjectModel) -> int:
        return len(self.records[model.slug])

    def render(self, record: Record) -> dict[str, Any]:
        """Return a record in Attio's shape, with every attribute of its object as a key."""
        model = record.model
        values = {slug: record.values.get(slug, []) for slug in model.attributes}
        return {
            "id": {"workspace_id": self.workspace.id, "object_id": model.id, "record_id": record.id},
            "created_at": record.created_at,
            "web_url": f"{self.web_url_base}/{model.slug}/records/{record.id}",
            "values": values,
        }

    # Writing -----------------------------------------------------------------------------------

    def assert_record(
        self, model: ObjectModel, matching: str, values: Any, mode: str, active_from: str | None = None
    ) -> Record:
        """Create or update the record whose matching attribute has the given value.

        Multiselect values of the matching attribute are always added to the existing ones.
        Other multiselect attributes are appended to or replaced by ``mode``.
        """
        attribute = model.attribute(matching)
        if attribute is None:
            raise errors.value_not_found(f'The matching attribute "{matching}" is not an attribute of "{model.slug}".')
        if not attribute.is_unique:
            raise ApiError(
                400,
                errors.INVALID_REQUEST,
                errors.MATCHING_NOT_UNIQUE_CODE,
                f'The matching attribute "{attribute.slug}" of "{model.slug}" is not unique, so it cannot identify a record.',
            )

        active_from = active_from or now_timestamp()
        prepared = self._prepare(model, values, active_from)
        matching_values = prepared.get(attribute.slug)
        if not matching_values:
            raise errors.missing_value(f'The values have no "{attribute.slug}", the matching attribute of this request.')

        index = self._unique[(model.slug, attribute.slug)]
        owners = {index.get(identity(attribute.type, value)) for value in matching_values}
        owners.discard(None)
        if len(owners) > 1:
            raise ApiError(
                400,
                errors.INVALID_REQUEST,
                errors.MULTIPLE_MATCHES_CODE,
                f'The values of "{attribute.slug}" match {len(owners)} different {model.slug} records, so the record to update is ambiguous.',
            )
        record = self.records_by_id[owners.pop()] if owners else None
        return self._apply(model, record, prepared, mode, attribute.slug, active_from)

    def create_record(self, model: ObjectModel, values: Any) -> Record:
        """Create a record. A value that a unique attribute already has in another record is a conflict."""
        active_from = now_timestamp()
        prepared = self._prepare(model, values, active_from)
        return self._apply(model, None, prepared, REPLACE, None, active_from)

    def update_record(self, model: ObjectModel, record_id: str, values: Any, mode: str) -> Record:
        record = self.get_record(model, record_id)
        active_from = now_timestamp()
        prepared = self._prepare(model, values, active_from)
        return self._apply(model, record, prepared, mode, None, active_from)

    def check_batch_slugs(self, assertions: list[Any]) -> None:
        """Raise the first unknown object or attribute slug in a batch, nested assertions included.

        NOTE: Attio does not document its batch endpoint. The sandbox assumes that Attio checks
        the slugs of a request before it accepts the batch (so one unknown slug fails the whole
        request with a 400) and checks values later, dropping an invalid assertion without a word.
        """
        pending = [(index, assertion) for index, assertion in enumerate(assertions)]
        while pending:
            index, assertion = pending.pop()
            if type(assertion) is not dict:
                continue
            object_key = assertion.get("object")
            model = self.workspace.object(object_key) if type(object_key) is str else None
            if model is None:
                raise errors.value_not_found(f"assertions[{index}]: the object {object_key!r} is not an object of this workspace.")
            values = assertion.get("values")
            if type(values) is not dict:
                continue
            for key, value in values.items():
                if model.attribute(key) is None:
                    raise errors.value_not_found(f'assertions[{index}]: Attribute with slug/ID "{key}" not found on object "{model.slug}".')
                if _is_assertion(value):
                    pending.append((index, value))

    def run_batch(self, assertions: list[Any]) -> list[tuple[int, ApiError]]:
        """Apply batch assertions in order, and return (index, error) for each one that was dropped."""
        dropped = []
        for index, assertion in enumerate(assertions):
            try:
                self._run_assertion(assertion, 0)
            except ApiError as error:
                dropped.append((index, error))
        return dropped

    # Batch assertions --------------------------------------------------------------------------

    def _run_assertion(self, assertion: Any, depth: int) -> Record:
        if type(assertion) is not dict:
            raise errors.invalid_value(f"An assertion must be an object, not {errors.json_type_name(assertion)}.")
        if depth > MAX_ASSERTION_DEPTH:
            raise errors.invalid_value(f"Assertions are nested more than {MAX_ASSERTION_DEPTH} levels deep.")

        object_key = assertion.get("object")
        model = self.workspace.object(object_key) if type(object_key) is str else None
        if model is None:
            raise errors.value_not_found(f"The assertion's object {object_key!r} is not an object of this workspace.")

        mode = assertion.get("mode", ASSERTION_MODE)
        if mode != ASSERTION_MODE:
            raise errors.invalid_value(f'The assertion mode {mode!r} is not supported. The only mode is "{ASSERTION_MODE}".')
        # Segment's destination always sends "append"; an assertion without the key appends too.
        multiselect = MULTISELECT_MODES.get(assertion.get("multiselect_values", APPEND))
        if multiselect is None:
            raise errors.invalid_value(
                f"multiselect_values {assertion.get('multiselect_values')!r} is invalid. Use \"append\" or \"replace\"."
            )

        matching = assertion.get("matching_attribute")
        if type(matching) is not str or not matching:
            raise errors.missing_value("The assertion has no matching_attribute.")
        values = assertion.get("values")
        if type(values) is not dict:
            raise errors.invalid_value(f"The assertion's values must be an object, not {errors.json_type_name(values)}.")

        resolved = {key: self._resolve_nested(value, depth) for key, value in values.items()}
        return self.assert_record(model, matching, resolved, multiselect, self._received_at(assertion))

    def _resolve_nested(self, value: Any, depth: int) -> Any:
        """Assert nested assertions first and put references to their records in their place."""
        if _is_assertion(value):
            record = self._run_assertion(value, depth + 1)
            return {"target_object": record.model.slug, "target_record_id": record.id}
        if type(value) is list and any(_is_assertion(item) for item in value):
            return [self._resolve_nested(item, depth) for item in value]
        return value

    @staticmethod
    def _received_at(assertion: dict[str, Any]) -> str | None:
        # NOTE: Attio's use of received_at is not documented. The sandbox takes it as the time the
        # values became active, and falls back to the time now when it is not a valid timestamp.
        received_at = assertion.get("received_at")
        if received_at is None:
            return None
        result = check_value(_RECEIVED_AT, received_at, style="public")
        return widen_fraction(result.value) if result.ok else None

    # Preparing values --------------------------------------------------------------------------

    def _prepare(self, model: ObjectModel, values: Any, active_from: str) -> dict[str, list[dict[str, Any]] | None]:
        """Check and convert request values. ``None`` in the result unsets the attribute."""
        if type(values) is not dict:
            raise errors.invalid_shape(
                f"values must be an object, not {errors.json_type_name(values)}.",
                ["data", "values"], "object", errors.json_type_name(values),
            )
        prepared: dict[str, list[dict[str, Any]] | None] = {}
        for key, value in values.items():
            attribute = model.attribute(key)
            if attribute is None:
                raise errors.value_not_found(f'Attribute with slug/ID "{key}" not found on object "{model.slug}".')
            if attribute.slug in prepared:
                raise errors.invalid_value(f'The attribute "{attribute.slug}" appears twice in the values, by slug and by ID.')

            checker = model.checkers.get(attribute.slug)
            if checker is None:
                raise ApiError(
                    400,
                    errors.INVALID_REQUEST,
                    "system_edit_unauthorized",
                    f'The attribute "{attribute.slug}" of "{model.slug}" cannot be written, because Attio sets its values itself.',
                )
            if attribute.type == "record-reference":
                value = self._expand_record_ids(attribute, value)

            result = checker(value)
            if result.error is not None:
                raise _value_error(model, attribute, value, result.error)
            if result.value is None:
                prepared[attribute.slug] = None
            else:
                prepared[attribute.slug] = self._stored_values(model, attribute, result.value, value, active_from)
        return prepared

    def _stored_values(
        self, model: ObjectModel, attribute: Attribute, checked: Any, raw: Any, active_from: str
    ) -> list[dict[str, Any]]:
        items = checked if attribute.is_multiselect else [checked]
        raw_items = self._raw_items(model, attribute, items, raw)
        stored: list[dict[str, Any]] = []
        seen: set[Hashable] = set()
        for item, raw_item in zip(items, raw_items):
            value = {
                "active_from": active_from,
                "active_until": None,
                "created_by_actor": self.actor,
                "attribute_type": attribute.type,
            }
            value.update(self._type_fields(model, attribute, item, raw_item))
            key = identity(attribute.type, value)
            if key not in seen:
                seen.add(key)
                stored.append(value)
        return stored

    @staticmethod
    def _raw_items(model: ObjectModel, attribute: Attribute, items: list[Any], raw: Any) -> list[Any]:
        """Pair each checked item with the item the request sent, for the "original_*" fields."""
        if attribute.type not in _TYPES_WITH_ORIGINALS:
            return items
        raw_list = raw if type(raw) is list else [raw]
        raw_list = [item for item in raw_list if item is not None]
        if len(raw_list) == len(items):
            return raw_list
        # The check merged items that normalise alike, so keep the first original of each.
        checker = model.checkers[attribute.slug]
        first_original: dict[Any, Any] = {}
        for raw_item in raw_list:
            checked = checker([raw_item] if attribute.is_multiselect else raw_item).value
            key = checked[0] if type(checked) is list and checked else checked
            if type(key) is str:
                first_original.setdefault(key, raw_item)
        return [first_original.get(item, item) for item in items]

    def _type_fields(self, model: ObjectModel, attribute: Attribute, item: Any, raw: Any) -> dict[str, Any]:
        kind = attribute.type
        if kind == "record-reference":
            # TODO: Attio mirrors a two-way relationship on the other record (people.company and
            # companies.team, for example); the sandbox writes only the side named in the request.
            target = self._resolve_reference(attribute, item)
            return {"target_object": target.model.slug, "target_record_id": target.id}
        if kind in ("select", "status"):
            return self._option_fields(model, attribute, item)
        if kind == "actor-reference":
            return _actor_fields(item)
        return type_fields(attribute, item, raw)

    def _option_fields(self, model: ObjectModel, attribute: Attribute, item: Any) -> dict[str, Any]:
        key = "status" if attribute.type == "status" else "option"
        text = item[key] if type(item) is dict else item
        by_id = type(item) is dict and UUID_PATTERN.fullmatch(text) is not None
        found = model.options[attribute.slug].find(text, by_id)
        if found is None and by_id:
            # An option titled like a UUID is still matched by its title.
            found = model.options[attribute.slug].find(text, False)
        if found is None:
            noun = "status" if key == "status" else "select option"
            raise errors.value_not_found(f'No {noun} with title or ID "{text}" exists on attribute "{attribute.slug}" of "{model.slug}".')
        option_id, title = found
        return {key: self.workspace.render_option(model, attribute, option_id, title)}

    # Record references -------------------------------------------------------------------------

    def _expand_record_ids(self, attribute: Attribute, value: Any) -> Any:
        """Turn bare record ids into ``{"target_object", "target_record_id"}`` before the value check.

        Segment's Group Workspace action writes the company record id as a bare string.
        """
        if type(value) is str:
            return self._record_id_item(attribute, value)
        if type(value) is list and any(type(item) is str for item in value):
            return [self._record_id_item(attribute, item) if type(item) is str else item for item in value]
        return value

    def _record_id_item(self, attribute: Attribute, text: str) -> Any:
        if UUID_PATTERN.fullmatch(text) is None:
            return text
        record = self.records_by_id.get(text.lower())
        targets = attribute.targets
        if record is not None and (targets is None or record.model.slug in targets):
            return {"target_object": record.model.slug, "target_record_id": record.id}
        if targets is not None and len(targets) == 1:
            # A UUID may be a legitimate user_id or workspace_id, so only targets matched on an
            # email address or domain (or on no bare string at all) read it as a missing record id.
            target_model = self.workspace.object(targets[0])
            bare_slug = BARE_STRING_ATTRIBUTES.get(targets[0])
            bare_attribute = target_model.attributes.get(bare_slug) if target_model and bare_slug else None
            if bare_attribute is None or bare_attribute.type in _NON_UUID_TYPES:
                return {"target_object": targets[0], "target_record_id": text}
        return text

    def _resolve_reference(self, attribute: Attribute, item: Any) -> Record:
        if type(item) is str:
            targets = attribute.targets
            if not targets:
                raise errors.invalid_value(
                    f'"{item}" cannot name a record, because the objects that "{attribute.slug}" may point to are unknown. '
                    'Write {"target_object": ..., "target_record_id": ...}.'
                )
            target_model = self._target_model(attribute, targets[0])
            return self._find_by_unique(target_model, BARE_STRING_ATTRIBUTES[target_model.slug], item)

        target_model = self._target_model(attribute, item["target_object"])
        if "target_record_id" in item:
            record = self.records[target_model.slug].get(item["target_record_id"].lower())
            if record is None:
                raise ApiError(
                    400,
                    errors.INVALID_REQUEST,
                    errors.REFERENCE_NOT_FOUND_CODE,
                    f'Record "{item["target_record_id"]}" referenced by "{attribute.slug}" does not exist in "{target_model.slug}".',
                )
            return record
        key = next(key for key in item if key != "target_object")
        return self._find_by_unique(target_model, key, item[key])

    def _target_model(self, attribute: Attribute, object_key: str) -> ObjectModel:
        target_model = self.workspace.object(object_key)
        if target_model is None:
            raise errors.value_not_found(f'Object with slug/ID "{object_key}" not found, so "{attribute.slug}" cannot point to it.')
        if attribute.targets is not None and target_model.slug not in attribute.targets:
            raise errors.invalid_value(f'"{attribute.slug}" cannot point to {target_model.slug} records.')
        return target_model

    def _find_by_unique(self, model: ObjectModel, key: str, value: Any) -> Record:
        """Return the record of ``model`` whose unique attribute ``key`` has ``value``."""
        attribute = model.attribute(key)
        if attribute is None:
            raise errors.value_not_found(f'Attribute with slug/ID "{key}" not found on object "{model.slug}".')
        if not attribute.is_unique or attribute.slug not in model.checkers:
            raise errors.invalid_value(f'"{attribute.slug}" of "{model.slug}" is not a unique attribute, so it cannot name a record.')

        result = model.checkers[attribute.slug](value)
        if result.error is not None:
            raise _value_error(model, attribute, value, result.error)
        items = result.value if type(result.value) is list else [result.value]
        if len(items) != 1:
            raise errors.invalid_value(f'A record reference must name exactly one value of "{attribute.slug}", not {len(items)}.')

        try:
            key_value = identity(attribute.type, type_fields(attribute, items[0], items[0]))
        except ValueError:
            raise errors.invalid_value(f'"{attribute.slug}" of "{model.slug}" cannot name a record.') from None
        record_id = self._unique[(model.slug, attribute.slug)].get(key_value)
        if record_id is None:
            raise ApiError(
                400,
                errors.INVALID_REQUEST,
                errors.REFERENCE_NOT_FOUND_CODE,
                f'No {model.slug} record has {attribute.slug} "{items[0]}". Create it before referencing it.',
            )
        return self.records_by_id[record_id]

    # Applying a write --------------------------------------------------------------------------

    def _apply(
        self,
        model: ObjectModel,
        record: Record | None,
        prepared: dict[str, list[dict[str, Any]] | None],
        mode: str,
        matching_slug: str | None,
        active_from: str,
    ) -> Record:
        current = record.values if record is not None else {}
        merged = dict(current)
        for slug, new_values in prepared.items():
            attribute = model.attributes[slug]
            merged_values = _merge(attribute, current.get(slug, []), new_values, mode == APPEND or slug == matching_slug)
            if merged_values:
                merged[slug] = merged_values
            else:
                merged.pop(slug, None)

        self._check_required(model, record, prepared, merged)
        self._check_unique(model, record, prepared, merged)

        if record is None:
            record = Record(self._new_record_id(), model, active_from, {})
            self._add_system_values(model, merged, active_from)
            self.records[model.slug][record.id] = record
            self.records_by_id[record.id] = record
        for slug in model.unique_slugs:
            if slug in prepared:
                self._reindex(model, record.id, slug, current.get(slug, []), merged.get(slug, []))
        self._add_options(model, prepared)
        record.values = merged
        self.dirty[record.id] = None
        return record

    @staticmethod
    def _check_required(model: ObjectModel, record: Record | None, prepared: dict, merged: dict) -> None:
        for slug in model.required_slugs:
            if merged.get(slug) or not model.attributes[slug].is_writable:
                continue
            if record is None or slug in prepared:
                raise errors.missing_value(f'"{slug}" is required on {model.slug} records, but the request gives it no value.')

    def _check_unique(self, model: ObjectModel, record: Record | None, prepared: dict, merged: dict) -> None:
        for slug in model.unique_slugs:
            if slug not in prepared:
                continue
            attribute = model.attributes[slug]
            index = self._unique[(model.slug, slug)]
            for value in merged.get(slug, []):
                owner = index.get(identity(attribute.type, value))
                if owner is not None and (record is None or owner != record.id):
                    raise errors.uniqueness_conflict(
                        f'The value {identity(attribute.type, value)!r} for unique attribute "{slug}" (ID "{attribute.id}") '
                        f"already belongs to {model.slug} record {owner}."
                    )

    def _reindex(self, model: ObjectModel, record_id: str, slug: str, old: list[dict], new: list[dict]) -> None:
        kind = model.attributes[slug].type
        index = self._unique[(model.slug, slug)]
        for value in old:
            key = identity(kind, value)
            if index.get(key) == record_id:
                del index[key]
        for value in new:
            index[identity(kind, value)] = record_id

    @staticmethod
    def _add_options(model: ObjectModel, values: dict[str, list[dict[str, Any]] | None]) -> None:
        """Store the new titles of open option sets that ``values`` use."""
        for slug, option_set in model.options.items():
            if not option_set.is_open:
                continue
            for value in values.get(slug) or ():
                option = value.get("option") or value.get("status")
                id_key = "status_id" if "status" in value else "option_id"
                option_set.add(option["id"][id_key], option["title"])

    def _add_system_values(self, model: ObjectModel, values: dict[str, list], active_from: str) -> None:
        """Fill the created_at and created_by attributes that Attio sets on every new record."""
        base = {"active_from": active_from, "active_until": None, "created_by_actor": self.actor}
        created_at = model.attributes.get("created_at")
        if created_at is not None and created_at.type == "timestamp" and "created_at" not in values:
            values["created_at"] = [{**base, "attribute_type": "timestamp", "value": active_from}]
        created_by = model.attributes.get("created_by")
        if created_by is not None and created_by.type == "actor-reference" and "created_by" not in values:
            values["created_by"] = [
                {**base, "attribute_type": "actor-reference", "referenced_actor_type": "api-token", "referenced_actor_id": self.actor_id}
            ]

    def _new_record_id(self) -> str:
        while True:
            record_id = str(uuid.UUID(int=self._id_source.getrandbits(128), version=4))
            if record_id not in self.records_by_id:
                return record_id

    # Loading -----------------------------------------------------------------------------------

    def load(self, rows: Iterable[tuple[str, str, str, dict[str, Any]]]) -> None:
        """Add stored records: (record id, object slug or id, created_at, values keyed by slug).

        Raises KeyError naming an object that the workspace does not have.
        """
        for record_id, object_key, created_at, values in rows:
            model = self.workspace.object(object_key)
            if model is None:
                raise KeyError(object_key)
            non_empty = {slug: items for slug, items in values.items() if items}
            record = Record(record_id, model, created_at, non_empty)
            self.records[model.slug][record_id] = record
            self.records_by_id[record_id] = record
            for slug in model.unique_slugs:
                self._reindex(model, record_id, slug, [], non_empty.get(slug, []))
            self._add_options(model, non_empty)
        # Continue the id sequence past the loaded records, so that a seeded run stays reproducible.
        self._id_source = random.Random(f"{self._seed}:{len(self.records_by_id)}" if self._seed is not None else None)


def _is_assertion(value: Any) -> bool:
    return type(value) is dict and "object" in value and "values" in value and "matching_attribute" in value


def _merge(attribute: Attribute, old: list[dict], new: list[dict] | None, append: bool) -> list[dict]:
    """Merge new stored values into old ones. An existing equal value keeps its active_from."""
    if new is None:
        return []
    kind = attribute.type
    old_by_key = {identity(kind, value): value for value in old}
    if attribute.is_multiselect and append:
        # Attio's spec of the appending update puts new values in front of the existing ones.
        added = [value for value in new if identity(kind, value) not in old_by_key]
        return added + old
    return [old_by_key.get(identity(kind, value), value) for value in new]


def _actor_fields(item: Any) -> dict[str, Any]:
    if type(item) is dict and "referenced_actor_id" in item:
        return {"referenced_actor_type": "workspace-member", "referenced_actor_id": item["referenced_actor_id"].lower()}
    address = item["workspace_member_email_address"] if type(item) is dict else item
    # NOTE: the sandbox has no workspace members, so it accepts every email address and derives
    # an id from it. Attio rejects addresses of people who are not members.
    return {"referenced_actor_type": "workspace-member", "referenced_actor_id": stable_id("workspace-member", address.lower())}


def _value_error(model: ObjectModel, attribute: Attribute, value: Any, message: str) -> ApiError:
    """Return the error for a value that ``check_value`` rejected.

    A well-formed title of a select or status attribute fails only because no option has it.
    Attio reports that as ``value_not_found``, and every other rejection as ``validation_type``.
    """
    text = f"Invalid value for {model.slug}.{message}"
    if attribute.type in ("select", "status"):
        key = "status" if attribute.type == "status" else "option"
        items = value if type(value) is list else [value]
        if items and all(_is_title(item, key) for item in items):
            return errors.value_not_found(text)
    return errors.invalid_value(text)


def _is_title(item: Any, key: str) -> bool:
    if type(item) is dict and len(item) == 1:
        item = item.get(key)
    return type(item) is str and bool(item.strip())
