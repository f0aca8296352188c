"""Attio's REST endpoints on top of the sandbox store, independent of the HTTP server.

``SandboxApi.handle`` takes one parsed request and returns the response, or ``DROP`` when the
connection is to be closed without one. A request goes through these steps, and the first step
that returns a response ends it: authentication (401), routing (404), the rate limit of its kind (429),
injected faults (writes only), then the endpoint. Reads are GET requests and record queries;
every other request is a write.
"""

from __future__ import annotations

import base64
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

import orjson

from attio_cli.sandbox import errors
from attio_cli.sandbox.errors import ApiError
from attio_cli.sandbox.limits import DROP, http_date
from attio_cli.sandbox.service import (
    BATCH_ASSERTIONS,
    BATCH_REQUESTS,
    INJECTED_DROPS,
    INJECTED_FAILURES,
    RATE_LIMITED,
    READS,
    REQUESTS,
    SERVER_ERRORS,
    STATUS_PREFIX,
    UNAUTHORIZED,
    WRITES,
    Sandbox,
)
from attio_cli.sandbox.store import APPEND, REPLACE
from attio_cli.sandbox.workspace import ObjectModel, stable_id

logger = logging.getLogger("attio_cli.sandbox")

READ = "read"
WRITE = "write"
# The records query returns this many records when the body sets no limit, as Attio's does.
DEFAULT_QUERY_LIMIT = 500
# Segment's Attio destination describes 10,000 assertions as the batch endpoint's limit.
MAX_BATCH_ASSERTIONS = 10_000
SCOPES = "record_permission:read-write object_configuration:read"

_JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]
_FAULT_MESSAGES = {
    500: ("internal_server_error", "Injected fault: the sandbox answers this write with 500 (--fail-rate)."),
    503: ("service_unavailable", "Injected fault: the sandbox answers this write with 503 (--fail-rate)."),
}


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


Handler = Callable[..., tuple[int, Any]]


def json_response(status: int, payload: Any, extra_headers: list[tuple[bytes, bytes]] | None = None) -> Response:
    body = b"" if payload is None else orjson.dumps(payload)
    headers = list(_JSON_HEADERS) if payload is not None else []
    if extra_headers:
        headers.extend(extra_headers)
    return Response(status, headers, body)


class SandboxApi:
    """Routes requests to the endpoints of one sandbox."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.store = sandbox.store
        self.workspace = sandbox.workspace
        token = sandbox.options.token
        self._bearer = b"bearer " + token.encode()
        self._basic = b"basic " + base64.b64encode(token.encode() + b":")
        self._issued_at = int(time.time())
        # Parsed paths and query strings, because most requests repeat a handful of them.
        self._segments: dict[bytes, list[str]] = {}
        self._queries: dict[bytes, dict[str, str]] = {}

    # Request flow ------------------------------------------------------------------------------

    def handle(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> Response | str:
        with self.store.lock:
            response = self._handle(method, target, headers, body)
            sandbox = self.sandbox
            sandbox.count(REQUESTS)
            if response is not DROP:
                sandbox.count(STATUS_PREFIX + str(response.status))
            return response

    def _handle(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> Response | str:
        sandbox = self.sandbox
        if not self._authorized(headers):
            sandbox.count(UNAUTHORIZED)
            error = ApiError(
                401,
                errors.AUTH_ERROR,
                errors.UNAUTHORIZED_CODE,
                "The access token is missing or invalid. Send the sandbox token as: Authorization: Bearer <token>.",
            )
            return json_response(401, error.body(), [(b"www-authenticate", b'Bearer realm="attio-cli sandbox"')])

        path, _, query_string = target.partition(b"?")
        segments = self._segments.get(path)
        if segments is None:
            segments = [unquote(segment) for segment in path.decode("latin-1").split("/")[1:]]
            _remember(self._segments, path, segments)
        route = self._route(method, segments)
        if route is None:
            requested_path = path.decode("latin-1")
            return json_response(404, errors.not_found(f"No endpoint {method} {requested_path} exists in the Attio API sandbox.").body())
        handler, parameters, kind = route

        if kind == WRITE:
            sandbox.count(WRITES)
            limiter = sandbox.write_limiter
        else:
            sandbox.count(READS)
            limiter = sandbox.read_limiter
        reset_at = limiter.acquire()
        if reset_at is not None:
            sandbox.count(RATE_LIMITED)
            error = ApiError(429, errors.RATE_LIMIT_ERROR, "rate_limit_exceeded", f"Rate limit of {limiter.per_second} {kind}s per second exceeded. Retry after the time in the Retry-After header.")
            return json_response(429, error.body(), [(b"retry-after", http_date(reset_at).encode())])

        if kind == WRITE and sandbox.faults.enabled:
            fault = sandbox.faults.draw()
            if fault == DROP:
                sandbox.count(INJECTED_DROPS)
                return DROP
            if fault is not None:
                sandbox.count(INJECTED_FAILURES)
                code, message = _FAULT_MESSAGES[fault]
                return json_response(fault, ApiError(fault, errors.SERVER_ERROR_TYPE, code, message).body())

        try:
            query = self._queries.get(query_string)
            if query is None:
                query = _parse_query(query_string)
                _remember(self._queries, query_string, query)
            status, payload = handler(*parameters, query=query, body=body)
        except ApiError as error:
            return json_response(error.status_code, error.body(), error.headers)
        except Exception:
            sandbox.count(SERVER_ERRORS)
            logger.exception("request %s %s failed with an unexpected error", method, path.decode("latin-1"))
            error = ApiError(500, errors.SERVER_ERROR_TYPE, "internal_server_error", "The sandbox failed on this request; see its log.")
            return json_response(500, error.body())
        return json_response(status, payload)

    def _authorized(self, headers: list[tuple[bytes, bytes]]) -> bool:
        for name, value in headers:
            if name == b"authorization":
                # The scheme is case-insensitive, and the token is compared in constant time.
                scheme, _, credentials = value.partition(b" ")
                presented = scheme.lower() + b" " + credentials.strip()
                return hmac.compare_digest(presented, self._bearer) or hmac.compare_digest(presented, self._basic)
        return False

    def _route(self, method: str, segments: list[str]) -> tuple[Handler, tuple[str, ...], str] | None:
        if len(segments) < 2 or segments[0] != "v2":
            return None
        rest = segments[1:]
        count = len(rest)
        if rest == ["self"]:
            return (self._get_self, (), READ) if method == "GET" else None
        if rest == ["batch", "records"]:
            return (self._put_batch, (), WRITE) if method == "PUT" else None
        if rest[0] != "objects":
            return None

        if method == "GET":
            if count == 1:
                return self._list_objects, (), READ
            if count == 2:
                return self._get_object, (rest[1],), READ
            if count == 3 and rest[2] == "attributes":
                return self._list_attributes, (rest[1],), READ
            if count == 4 and rest[2] == "attributes":
                return self._get_attribute, (rest[1], rest[3]), READ
            if count == 5 and rest[2] == "attributes" and rest[4] in ("options", "statuses"):
                return self._list_options, (rest[1], rest[3], rest[4]), READ
        if count < 3 or rest[2] != "records":
            return None

        if count == 3:
            if method == "PUT":
                return self._assert_record, (rest[1],), WRITE
            if method == "POST":
                return self._create_record, (rest[1],), WRITE
            return None
        if count != 4:
            return None
        if rest[3] == "simple" and method == "PUT":
            return self._assert_simple, (rest[1],), WRITE
        if rest[3] == "query" and method == "POST":
            return self._query_records, (rest[1],), READ
        if method == "GET":
            return self._get_record, (rest[1], rest[3]), READ
        if method == "PATCH":
            return self._update_record_append, (rest[1], rest[3]), WRITE
        if method == "PUT":
            return self._update_record_replace, (rest[1], rest[3]), WRITE
        return None

    # Identity and schema endpoints -------------------------------------------------------------

    def _get_self(self, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        workspace = self.workspace
        client_id = stable_id("client")
        return 200, {
            "active": True,
            "scope": SCOPES,
            "client_id": client_id,
            "token_type": "Bearer",
            "exp": None,
            "iat": self._issued_at,
            "sub": workspace.id,
            "aud": client_id,
            "iss": "attio.com",
            "authorized_by_workspace_member_id": stable_id("workspace-member", "sandbox"),
            "workspace_id": workspace.id,
            "workspace_name": workspace.name,
            "workspace_slug": workspace.slug,
            "workspace_logo_url": None,
        }

    def _list_objects(self, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, {"data": [self.workspace.render_object(model) for model in self.workspace.objects.values()]}

    def _get_object(self, object_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        return 200, {"data": self.workspace.render_object(self._object(object_key))}

    def _list_attributes(self, object_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        limit = _integer_parameter(query, "limit", None, minimum=1)
        offset = _integer_parameter(query, "offset", 0, minimum=0)
        attributes = list(model.attributes.values())[offset:]
        if limit is not None:
            attributes = attributes[:limit]
        return 200, {"data": [self.workspace.render_attribute(model, attribute) for attribute in attributes]}

    def _get_attribute(self, object_key: str, attribute_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        return 200, {"data": self.workspace.render_attribute(model, self._attribute(model, attribute_key))}

    def _list_options(self, object_key: str, attribute_key: str, kind: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        attribute = self._attribute(model, attribute_key)
        expected = "status" if kind == "statuses" else "select"
        if attribute.type != expected:
            # NOTE: Attio's response for the options of a non-select attribute (or the statuses of a
            # non-status one) is not documented, so the sandbox treats the list as a missing route.
            raise errors.not_found(f'Attribute "{attribute.slug}" of "{model.slug}" is a {attribute.type} attribute, so it has no {kind}.')
        options = model.options[attribute.slug]
        data = [
            self.workspace.render_option(model, attribute, option_id, title)
            for option_id, title in options.title_by_id.items()
        ]
        return 200, {"data": data}

    # Record endpoints --------------------------------------------------------------------------

    def _assert_record(self, object_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        matching = _matching_attribute(query)
        record = self.store.assert_record(model, matching, _values(body), REPLACE)
        return 200, {"data": self.store.render(record)}

    def _assert_simple(self, object_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        matching = _matching_attribute(query)
        append = _boolean_parameter(query, "append_to_existing_values")
        record = self.store.assert_record(model, matching, _values(body), APPEND if append else REPLACE)
        return 200, {"data": self.store.render(record)}

    def _create_record(self, object_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        record = self.store.create_record(model, _values(body))
        return 200, {"data": self.store.render(record)}

    def _update_record_append(self, object_key: str, record_id: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        record = self.store.update_record(model, record_id, _values(body), APPEND)
        return 200, {"data": self.store.render(record)}

    def _update_record_replace(self, object_key: str, record_id: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        record = self.store.update_record(model, record_id, _values(body), REPLACE)
        return 200, {"data": self.store.render(record)}

    def _get_record(self, object_key: str, record_id: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        return 200, {"data": self.store.render(self.store.get_record(model, record_id))}

    def _query_records(self, object_key: str, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        model = self._object(object_key)
        payload = _json_body(body) if body.strip() else {}
        if type(payload) is not dict:
            raise errors.invalid_shape("The body must be a JSON object.", [], "object", errors.json_type_name(payload))
        if payload.get("filter") or payload.get("sorts"):
            # NOTE: the sandbox lists records in creation order only. Rejecting a filter is safer
            # than returning records that the filter would have excluded.
            raise ApiError(400, errors.INVALID_REQUEST, "filter_error", "The sandbox does not support filters or sorts in record queries.")
        limit = _integer_field(payload, "limit", DEFAULT_QUERY_LIMIT, minimum=1)
        offset = _integer_field(payload, "offset", 0, minimum=0)
        records = self.store.list_records(model, limit, offset)
        return 200, {"data": [self.store.render(record) for record in records]}

    def _put_batch(self, *, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        payload = _json_body(body)
        assertions = payload.get("assertions") if type(payload) is dict else None
        if type(assertions) is not list:
            received = errors.json_type_name(assertions) if type(payload) is dict and "assertions" in payload else "undefined"
            raise errors.invalid_shape("The body must be an object with an \"assertions\" array.", ["assertions"], "array", received)
        if len(assertions) > MAX_BATCH_ASSERTIONS:
            raise errors.invalid_value(f"Too many assertions: a batch may have at most {MAX_BATCH_ASSERTIONS}, but this one has {len(assertions)}.")

        # The sandbox applies the assertions before it responds, so a read right after the 202
        # already returns their records. Like Attio, it drops an invalid assertion without telling the client.
        self.store.check_batch_slugs(assertions)
        sandbox = self.sandbox
        sandbox.count(BATCH_REQUESTS)
        sandbox.count(BATCH_ASSERTIONS, len(assertions))
        for index, error in self.store.run_batch(assertions):
            sandbox.record_dropped(assertions[index], error)
        return 202, None

    # Lookups -----------------------------------------------------------------------------------

    def _object(self, object_key: str) -> ObjectModel:
        model = self.workspace.object(object_key)
        if model is None:
            raise errors.not_found(f'Object with slug/ID "{object_key}" not found.')
        return model

    @staticmethod
    def _attribute(model: ObjectModel, attribute_key: str):
        attribute = model.attribute(attribute_key)
        if attribute is None:
            raise errors.not_found(f'Attribute with slug/ID "{attribute_key}" not found on object "{model.slug}".')
        return attribute


# Request parsing helpers ---------------------------------------------------------------------------

# Maximum entries of each parse cache. A full cache is cleared and starts over.
_CACHE_SIZE = 1024


def _remember(cache: dict, key: bytes, value: object) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _parse_query(query_string: bytes) -> dict[str, str]:
    if not query_string:
        return {}
    parsed = parse_qs(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in parsed.items()}


def _json_body(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise errors.invalid_value(f"The request body is not valid JSON: {error}.") from None


def _values(body: bytes) -> Any:
    """Return ``data.values`` of a record write body."""
    payload = _json_body(body)
    if type(payload) is not dict:
        raise errors.invalid_shape("The body must be a JSON object.", [], "object", errors.json_type_name(payload))
    data = payload.get("data")
    if type(data) is not dict:
        received = errors.json_type_name(data) if "data" in payload else "undefined"
        raise errors.invalid_shape('The body must have a "data" object.', ["data"], "object", received)
    values = data.get("values")
    if type(values) is not dict:
        received = errors.json_type_name(values) if "values" in data else "undefined"
        raise errors.invalid_shape('The body must have a "data.values" object.', ["data", "values"], "object", received)
    return values


def _matching_attribute(query: dict[str, str]) -> str:
    matching = query.get("matching_attribute")
    if not matching:
        raise errors.invalid_shape(
            "The query parameter matching_attribute is required: the slug or ID of a unique attribute.",
            ["matching_attribute"], "string", "undefined" if matching is None else "string",
        )
    return matching


def _boolean_parameter(query: dict[str, str], name: str) -> bool:
    value = query.get(name)
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise errors.invalid_shape(f"The query parameter {name} must be true or false, not {value!r}.", [name], "boolean", "string")


def _integer_parameter(query: dict[str, str], name: str, default: int | None, *, minimum: int) -> int | None:
    value = query.get(name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise errors.invalid_shape(f"The query parameter {name} must be a whole number of at least {minimum}, not {value!r}.", [name], "number", "string")
    return int(value)


def _integer_field(payload: dict[str, Any], name: str, default: int, *, minimum: int) -> int:
    value = payload.get(name, default)
    if type(value) is not int or value < minimum:
        raise errors.invalid_shape(
            f"{name} must be a whole number of at least {minimum}, not {value!r}.", [name], "number", errors.json_type_name(value)
        )
    return value
