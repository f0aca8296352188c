"""Attio's error body and the status, type and code the sandbox sends for each failure.

Every error response has the body ``{"status_code", "type", "code", "message"}``, and a body or
query-string error adds ``validation_errors`` as Attio does. The codes below are the ones Attio's
OpenAPI spec lists, except where a NOTE names another source.
"""

from __future__ import annotations

from typing import Any

INVALID_REQUEST = "invalid_request_error"
AUTH_ERROR = "auth_error"
RATE_LIMIT_ERROR = "rate_limit_error"

# NOTE: Attio documents no body for 401. The sandbox reuses the code of Attio's 403 auth errors.
UNAUTHORIZED_CODE = "unauthorized"
# NOTE: this code is not in Attio's spec, but Attio has been seen to send it when the matching
# attribute of an assert is not unique.
MATCHING_NOT_UNIQUE_CODE = "matching_attribute_definition_not_unique"
# NOTE: Attio's spec lists this code only for updates by record id. The sandbox also sends it
# when an assert lacks the matching attribute or a new record lacks a required attribute.
MISSING_VALUE_CODE = "missing_value"
# NOTE: Attio documents no code for a record reference whose target record does not exist.
# The sandbox sends the code that Attio uses for other values that were not found.
REFERENCE_NOT_FOUND_CODE = "value_not_found"
# NOTE: Attio's spec lists this code for list entries only. The sandbox also sends it when the
# matching values of an assert belong to more than one record.
MULTIPLE_MATCHES_CODE = "multiple_match_results"
# NOTE: Attio documents no body for 5xx responses, so these keep the same four keys.
SERVER_ERROR_TYPE = "api_error"


class ApiError(Exception):
    """An error response in Attio's shape. Raising it anywhere in a handler sends it."""

    def __init__(
        self,
        status_code: int,
        error_type: str,
        code: str,
        message: str,
        *,
        validation_errors: list[dict[str, Any]] | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ):
        super().__init__(message)
        self.status_code = status_code
        self.error_type = error_type
        self.code = code
        self.message = message
        self.validation_errors = validation_errors
        self.headers = headers or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status_code": self.status_code,
            "type": self.error_type,
            "code": self.code,
            "message": self.message,
        }
        if self.validation_errors is not None:
            body["validation_errors"] = self.validation_errors
        return body


def not_found(message: str) -> ApiError:
    return ApiError(404, INVALID_REQUEST, "not_found", message)


def value_not_found(message: str) -> ApiError:
    return ApiError(400, INVALID_REQUEST, "value_not_found", message)


def invalid_value(message: str) -> ApiError:
    return ApiError(400, INVALID_REQUEST, "validation_type", message)


def missing_value(message: str) -> ApiError:
    return ApiError(400, INVALID_REQUEST, MISSING_VALUE_CODE, message)


def uniqueness_conflict(message: str) -> ApiError:
    return ApiError(400, INVALID_REQUEST, "uniqueness_conflict", message)


def invalid_shape(message: str, path: list[str | int], expected: str, received: str) -> ApiError:
    """Return a 400 for a body or query parameter of the wrong JSON type, with one validation error."""
    detail = {"code": "invalid_type", "path": path, "message": message, "expected": expected, "received": received}
    return ApiError(400, INVALID_REQUEST, "validation_type", message, validation_errors=[detail])


def json_type_name(value: Any) -> str:
    """Name a parsed JSON value's type the way Attio's validation errors do."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
