"""Keystone v3 authentication, sans-IO: request validation, auth methods, lookups, subject tokens, revocation.

:mod:`.keystone_mint` resolves the scope and mints the token record (:func:`.keystone_mint.authenticate`).

The steps run in Keystone's own order (``keystone/auth/schema.py``, ``auth/core.py``, ``auth/plugins/`` and
``token/provider.py``): schema, method payloads, supported methods, scope lookup, the methods themselves,
default project, then the role check when the token is minted. Keystone hides the reason of every 401
unless ``insecure_debug`` is on, so all authentication failures read "The request you have made requires
authentication."; 400s and 404s keep their detail, as Keystone's do.

Token records (kind ``token``, keyed by the token string) keep the contract of :mod:`.identity` and add
what rendering needs: ``id``, ``methods``, ``audit_ids``, user and project domains, ``role_ids`` and
``revoked_at``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import jsonschema

from . import errors
from .ports import Store

Record = Dict[str, Any]

#: keystone's ``[token] allow_expired_window`` default, for ``?allow_expired=1`` validation
ALLOW_EXPIRED_WINDOW = 172800.0

_CLIENT_ERROR = (" The server could not comply with the request since it is either malformed or otherwise"
                 " incorrect. The client is assumed to be in error.")
UNSUPPORTED_METHOD = "Attempted to authenticate with an unsupported method."

_NAMED: Dict[str, Any] = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
_BOOLEAN = {"type": ["boolean", "string"],
            "enum": [True, "True", "TRUE", "true", False, "False", "FALSE", "false"]}
_USER = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                          "password": {"type": "string"}, "domain": _NAMED}}

#: keystone's ``token_issue`` schema: everything else in the body is ignored, as Keystone ignores it
TOKEN_ISSUE_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "properties": {
        "identity": {
            "type": "object",
            "properties": {
                "methods": {"type": "array", "items": {"type": "string"}},
                "password": {"type": "object", "properties": {"user": _USER}},
                "token": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
                "application_credential": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"}, "secret": {"type": "string"},
                    "user": _USER}},
            },
            "required": ["methods"],
        },
        # "unscoped" may be a string, and old keystoneauth sends {"unscoped": {}}: both are accepted
        "scope": {
            "type": ["object", "string"],
            "properties": {
                "project": {"type": "object", "properties": {**_NAMED["properties"], "domain": _NAMED}},
                "domain": _NAMED,
                "OS-TRUST:trust": {"type": "object", "properties": {"id": {"type": "string"}}},
                "system": {"type": "object", "properties": {"all": _BOOLEAN}},
            },
        },
    },
    "required": ["identity"],
}
_VALIDATOR = jsonschema.Draft4Validator(TOKEN_ISSUE_SCHEMA)

#: objects that must carry an id or a name, checked after the schema in this order (as Keystone does)
_ID_OR_NAME: Tuple[Tuple[str, ...], ...] = (
    ("identity", "password", "user"), ("identity", "password", "user", "domain"),
    ("scope", "project"), ("scope", "project", "domain"), ("scope", "domain"),
)


# -- errors, worded as keystone/exception.py --------------------------------------------------------------

def bad_request(detail: str) -> errors.IdentityError:
    """Keystone's ``SchemaValidationError``/``ValidationError`` (400) with ``detail`` as the message."""
    return errors.IdentityError(detail, code=400, title="Bad Request")


def expecting(attribute: str, target: str) -> errors.IdentityError:
    """Keystone's ``ValidationError(attribute=, target=)``: "Expecting to find X in Y. …"."""
    return bad_request(f"Expecting to find {attribute} in {target}.{_CLIENT_ERROR}")


def not_found(message: str) -> errors.IdentityError:
    """Keystone's ``NotFound`` family (404): ``Could not find project: <id>.``, ``TokenNotFound`` …."""
    return errors.IdentityError(message, code=404, title="Not Found")


def forbidden(action: Optional[str] = None) -> errors.IdentityError:
    """Keystone's ``ForbiddenAction`` (403) for a policy refusal; plain ``Forbidden`` without an action."""
    detail = f": {action}" if action else ""
    return errors.IdentityError(f"You are not authorized to perform the requested action{detail}.",
                                code=403, title="Forbidden")


# -- request validation -----------------------------------------------------------------------------------

def _dig(node: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def validate_auth(auth: Any) -> None:
    """Check an ``auth`` object as ``validate_issue_token_auth`` and ``AuthInfo`` do; raise 400.

    :param auth: the value of the body's ``auth`` key (None when absent).
    """
    if auth is not None:
        try:
            _VALIDATOR.validate(auth)
        except jsonschema.ValidationError as ex:
            # keystone's validators.py: the full jsonschema text, prefixed with the path when there is one
            path = "/".join(map(str, ex.path))
            raise bad_request(f"Invalid input for field '{path}': {ex}" if path else str(ex)) from None
        for keys in _ID_OR_NAME:
            node = _dig(auth, keys)
            if isinstance(node, dict) and "id" not in node and "name" not in node:
                raise bad_request(f"Invalid input for field {'/'.join(keys)}: id or name must be present.")
    if not auth:
        raise expecting("auth", "request body")


def method_names(identity: Mapping[str, Any], supported: Sequence[str]) -> List[str]:
    """The requested methods without repeats; each needs its payload (400) and must be supported (401)."""
    names = list(dict.fromkeys(identity["methods"]))
    for name in names:
        if name not in identity:
            raise expecting(name, "identity")
    if any(name not in supported for name in names):
        raise errors.IdentityError(UNSUPPORTED_METHOD, code=401, title="Unauthorized")
    return names


# -- lookups ----------------------------------------------------------------------------------------------

def _enabled(record: Optional[Record]) -> Record:
    if record is None or not record.get("enabled", True):
        raise errors.Unauthorized()
    return record


def _find(store: Store, kind: str, **match: Any) -> Optional[Record]:
    return next((item for item in store.list(kind) if all(item.get(k) == v for k, v in match.items())), None)


def lookup_domain(store: Store, info: Mapping[str, Any]) -> Record:
    """A domain by name (preferred, as Keystone) or id; unknown or disabled is 401."""
    if not info.get("id") and not info.get("name"):
        raise expecting("id or name", "domain")
    if info.get("name"):
        return _enabled(_find(store, "domain", name=info["name"]))
    return _enabled(store.get("domain", info["id"]))


def lookup_project(store: Store, info: Mapping[str, Any]) -> Record:
    """A project by name within a domain, or by id; unknown or disabled (or its domain) is 401."""
    if info.get("name"):
        if "domain" not in info:
            raise expecting("domain", "project")
        domain = lookup_domain(store, info["domain"])
        return _enabled(_find(store, "project", name=info["name"], domain_id=domain["id"]))
    project = _enabled(store.get("project", info.get("id") or ""))
    lookup_domain(store, {"id": project["domain_id"]})
    return project


def role_names(store: Store, user_id: str, project_id: str) -> List[str]:
    """The user's effective roles on a project: direct, through groups and implied (empty when none)."""
    from .identity_admin.grants import effective_roles  # the grants modules import this one's errors

    return effective_roles(store, user_id, "project", project_id)


def projects_of(store: Store, user_id: str) -> List[Record]:
    """Projects on which the user holds at least one role, in store order."""
    return [project for project in store.list("project") if role_names(store, user_id, project["id"])]


# -- auth methods -----------------------------------------------------------------------------------------

def _password(store: Store, payload: Mapping[str, Any], now: float) -> Record:
    if "user" not in payload:
        # keystone names the method only after validating, so its message really says "in None"
        raise expecting("user", "None")
    info = payload["user"]
    if not info.get("id") and not info.get("name"):
        raise expecting("id or name", "user")
    if info.get("name"):
        if "domain" not in info:
            raise expecting("domain", "user")
        domain = lookup_domain(store, info["domain"])
        user = _enabled(_find(store, "user", name=info["name"], domain_id=domain["id"]))
    else:
        user = _enabled(store.get("user", info["id"]))
        lookup_domain(store, {"id": user.get("domain_id", "default")})
    if info.get("password") is None or user.get("password") != info["password"]:
        raise errors.Unauthorized()  # keystone: "Invalid username or password", hidden
    return {"user_id": user["id"], "methods": ["password"]}


def _token(store: Store, payload: Mapping[str, Any], now: float) -> Record:
    previous = validate_subject(store, payload["id"], now)
    # the rescoped token keeps the original expiry and audit chain, so rescoping never extends a session
    return {"user_id": previous["user_id"], "methods": ["token", *previous["methods"]],
            "expires_at": previous["expires_at"], "audit_chain": previous["audit_ids"][-1]}


def _application_credential(store: Store, payload: Mapping[str, Any], now: float) -> Record:
    from .identity_admin.app_credentials import authenticate  # that module imports this one's errors

    return authenticate(store, payload, now)


METHODS: Mapping[str, Callable[[Any, Mapping[str, Any], float], Record]] = {
    "password": _password,
    "token": _token,
    "application_credential": _application_credential,
}


def _run_methods(store: Store, identity: Mapping[str, Any], names: Sequence[str], now: float) -> Record:
    """Run each method and reconcile their answers as keystone's ``AuthContext`` does."""
    merged: Record = {"methods": []}
    for name in names:
        result = METHODS[name](store, identity[name], now)
        if merged.get("user_id", result["user_id"]) != result["user_id"]:
            raise errors.Unauthorized()  # "Unable to reconcile identity attribute user_id", hidden
        merged["methods"] += result["methods"]
        merged["user_id"] = result["user_id"]
        for key in ("app_cred", "roles"):  # an application credential fixes the project and roles
            if key in result:
                merged[key] = result[key]
        if "expires_at" in result:
            merged["expires_at"] = min(result["expires_at"], merged.get("expires_at", result["expires_at"]))
            merged["audit_chain"] = result["audit_chain"]
    if "user_id" not in merged:
        raise errors.Unauthorized()  # "User not found by auth plugin; authentication failed", hidden
    merged["methods"] = list(dict.fromkeys(merged["methods"]))
    return merged


def validate_subject(store: Store, token_id: Optional[str], now: float, window: float = 0.0) -> Record:
    """A subject token's record, or keystone's 404 explaining why it is unusable.

    :param window: seconds past expiry still accepted (``?allow_expired=1``).
    """
    if not token_id:
        raise not_found("No token in the request")
    record = store.get("token", token_id)
    if record is None:
        raise not_found("Could not recognize Fernet token")
    if record.get("revoked_at") is not None or record["expires_at"] + window <= now:
        raise not_found("Failed to validate token")
    user = store.get("user", record["user_id"])
    if user is None or not user.get("enabled", True):
        raise not_found(f"Could not find token: {token_id}.")
    return record


def revoke(store: Store, token_id: Optional[str], now: float, cascade: bool = True) -> None:
    """Revoke a token, and with ``cascade`` every token of its audit chain (rescoped ones too).

    Compute validates tokens by ``expires_at`` alone, so revocation also ends the lifetime now.
    """
    subject = validate_subject(store, token_id, now)
    chain = subject["audit_ids"][-1]
    targets = [record["id"] for record in store.list("token")
               if record["id"] == subject["id"] or (cascade and record["audit_ids"][-1] == chain)]
    for key in targets:
        store.compute("token", key, lambda record: None if record is None else {
            **record, "revoked_at": now, "expires_at": min(record["expires_at"], now)})
