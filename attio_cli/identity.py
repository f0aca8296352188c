"""The token's identity (``GET /v2/self``) and the scopes that pushing records needs."""

from __future__ import annotations

from dataclasses import dataclass

from attio_cli.api_client import ApiError, AttioClient

# Asserting records needs both; reading the schema needs the second.
REQUIRED_SCOPES = ("record_permission:read-write", "object_configuration:read")

# A read-write scope includes the read scope of the same name.
_IMPLIED = {"object_configuration:read": "object_configuration:read-write", "record_permission:read": "record_permission:read-write"}


@dataclass(frozen=True, slots=True)
class Identity:
    """A token's metadata from Attio: whether it is active, its workspace and its scopes."""

    active: bool
    workspace_id: str | None
    workspace_name: str | None
    workspace_slug: str | None
    scopes: tuple[str, ...]

    def missing_scopes(self, required: tuple[str, ...] = REQUIRED_SCOPES) -> list[str]:
        granted = set(self.scopes)
        return [scope for scope in required if scope not in granted and _IMPLIED.get(scope) not in granted]


def _text(body: dict, key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) else None


def read_identity(client: AttioClient) -> Identity:
    """Return the token's identity; raises ApiError when Attio responds with an error."""
    body = client.get_json("/v2/self")
    if not isinstance(body, dict):
        raise ApiError("GET /v2/self returned an unexpected body")
    scope = body.get("scope")
    return Identity(
        active=body.get("active") is True,
        workspace_id=_text(body, "workspace_id"),
        workspace_name=_text(body, "workspace_name"),
        workspace_slug=_text(body, "workspace_slug"),
        scopes=tuple(scope.split()) if isinstance(scope, str) else (),
    )


def check_identity(identity: Identity) -> None:
    """Raise ApiError when the token cannot push records: inactive, or missing a scope."""
    if not identity.active:
        raise ApiError(
            "the token is not active: GET /v2/self returned active: false",
            hint="Create a new token under Workspace settings > Developers, or check that this one was not revoked.",
        )
    missing = identity.missing_scopes()
    if missing:
        raise ApiError(
            f"the token lacks the scope {', '.join(missing)}" if len(missing) == 1 else f"the token lacks the scopes {', '.join(missing)}",
            hint="Edit the token's scopes under Workspace settings > Developers.",
        )
