"""Keystone v3 token issue, sans-IO: the scope a request names, the roles it gives, and the stored record.

Scopes are a project, a domain or the system (``{"system": {"all": true}}``); a token's roles are the user's
effective roles on its scope (direct, through groups, implied), or an application credential's roles; no role
on the scope is Keystone's hidden 401. Without a scope the user's default project applies, as in Keystone.
Token records carry what rendering and policy need: user and scope names and domains, ``roles``/``role_ids``,
``scope_domain_id``, ``system`` and the application credential.
"""
from __future__ import annotations

import base64
import uuid
from types import MappingProxyType
from typing import Any, Callable, Mapping, Optional

from . import errors
from .identity_admin.grants import SYSTEM, effective_roles
from .keystone import (
    METHODS,
    Record,
    _enabled,
    _find,
    _run_methods,
    expecting,
    forbidden,
    lookup_domain,
    lookup_project,
    method_names,
    role_names,
    validate_auth,
)
from .ports import Runtime, Store

#: the caller asked for an unscoped token (empty and read-only, so it is falsy and cannot be filled in)
UNSCOPED: Mapping[str, Any] = MappingProxyType({})
_SCOPE_KINDS = ("project", "domain", "unscoped", "system", "OS-TRUST:trust")
APP_CRED_SCOPE = "Error authenticating with application credential: Application credentials cannot request a scope."


def _domain_scope(store: Store, value: Any) -> Mapping[str, Any]:
    return {**lookup_domain(store, value or {}), "_target": "domain"}


def _system_scope(store: Store, value: Any) -> Mapping[str, Any]:
    return {"_target": "system", "id": SYSTEM}


def _refuse_scope(store: Store, value: Any) -> Mapping[str, Any]:
    raise errors.Unauthorized()  # no trusts in fakenova: keystone's 401, reason hidden


_SCOPES: Mapping[str, Callable[[Any, Any], Mapping[str, Any]]] = {
    "project": lookup_project,
    "unscoped": lambda store, value: UNSCOPED,
    "domain": _domain_scope,
    "system": _system_scope,
    "OS-TRUST:trust": _refuse_scope,
}


def resolve_scope(store: Store, scope: Any) -> Optional[Mapping[str, Any]]:
    """The scope a request names (a project record, a domain or the system), :data:`UNSCOPED`, or None."""
    if scope is None:
        return None
    # `in` works on the string form too: "unscoped" contains only the word unscoped
    kinds = [kind for kind in _SCOPE_KINDS if kind in scope]
    if len(kinds) != 1:
        raise expecting("system, project, domain, OS-TRUST:trust or unscoped", "scope")
    value = scope.get(kinds[0]) if isinstance(scope, dict) else None
    return _SCOPES[kinds[0]](store, value)


def default_project_of(store: Store, user: Mapping[str, Any]) -> Optional[Record]:
    """The project a user record names as default (``default_project_id``, or ``default_project`` by id or
    by name in the user's domain, as the seed writes it), if it exists."""
    wanted = user.get("default_project_id") or user.get("default_project")
    if not wanted:
        return None
    return store.get("project", wanted) or _find(store, "project", name=wanted,
                                                 domain_id=user.get("domain_id", "default"))


def default_project(store: Store, user: Mapping[str, Any]) -> Mapping[str, Any]:
    """The user's default project if it is usable (exists, enabled, a role on it), else :data:`UNSCOPED`."""
    project = default_project_of(store, user)
    if project is None or not project.get("enabled", True) or not role_names(store, user["id"], project["id"]):
        return UNSCOPED
    return project


def _audit_id(ids: Any) -> str:
    # keystone's random_urlsafe_str: 16 random bytes, urlsafe base64 without the "==" padding
    return base64.urlsafe_b64encode(uuid.UUID(ids.uuid()).bytes)[:-2].decode("ascii")


def _scope_fields(store: Store, scope: Mapping[str, Any]) -> Record:
    target = scope.get("_target", "project") if scope else None
    project_domain = store.get("domain", scope["domain_id"]) if target == "project" else None
    return {
        "project_id": scope.get("id") if target == "project" else None,
        "project_name": scope.get("name") if target == "project" else None,
        "project_domain_id": project_domain["id"] if project_domain else None,
        "project_domain_name": project_domain["name"] if project_domain else None,
        "scope_domain_id": scope["id"] if target == "domain" else None,
        "scope_domain_name": scope["name"] if target == "domain" else None,
        "system": target == "system",
    }


def _mint(runtime: Runtime, auth: Record, scope: Mapping[str, Any], now: float) -> Record:
    """Build the token record, refusing a scope without roles (keystone's ``mint``)."""
    store = runtime.store
    user = _enabled(store.get("user", auth["user_id"]))
    user_domain = store.get("domain", user.get("domain_id", "default")) or {"id": "default", "name": "Default"}
    target = scope.get("_target", "project") if scope else None
    roles = auth.get("roles") or (effective_roles(store, user["id"], target, scope["id"]) if target else [])
    if target and not roles:
        raise errors.Unauthorized()  # "User <id> has no access to project <id>", hidden
    refs = {role["name"]: role["id"] for role in store.list("role")}
    issued = float(int(now))  # Fernet tokens are precise to the second
    audit_ids = [_audit_id(runtime.ids)] + ([auth["audit_chain"]] if "audit_chain" in auth else [])
    cred = auth.get("app_cred") or {}
    expires = min(auth.get("expires_at", issued + runtime.settings.token_ttl), cred.get("expires_at") or 1e18)
    return {
        "id": runtime.ids.token(), "methods": auth["methods"], "audit_ids": audit_ids,
        "user_id": user["id"], "user_name": user["name"], "domain_id": user_domain["id"],
        "user_domain_id": user_domain["id"], "user_domain_name": user_domain["name"],
        **_scope_fields(store, scope),
        "roles": roles, "role_ids": [refs.get(name, name) for name in roles],
        "application_credential_id": cred.get("id"), "application_credential_name": cred.get("name"),
        "app_cred_restricted": not cred.get("unrestricted", False) if cred else None,
        "issued_at": issued, "expires_at": expires, "revoked_at": None,
    }


#: (refusal, its action text) for the token method: keystone/auth/plugins/token.py
_RESCOPE_REFUSALS = (
    (lambda previous, scope: bool(previous.get("system")) and ("project" in scope or "domain" in scope),
     "Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed."),
    (lambda previous, scope: bool(previous.get("application_credential_id")) and bool(scope),
     "Using an application credential token to create a scoped token is not allowed."),
)


def _from_token(store: Store, auth: Mapping[str, Any], result: Record) -> None:
    """Keystone's limits on the token method: no rescoping of system or application credential tokens; an
    application credential token stays one (same credential, same roles)."""
    previous = store.get("token", auth["identity"]["token"]["id"]) or {}
    scope = auth.get("scope") if isinstance(auth.get("scope"), dict) else {}
    for refused, action in _RESCOPE_REFUSALS:
        if refused(previous, scope):
            raise forbidden(action)
    cred = store.get("app_cred", previous.get("application_credential_id") or "")
    if cred is not None:
        result.update(app_cred=cred, roles=list(previous["roles"]))


def authenticate(runtime: Runtime, auth: Any) -> Record:
    """Authenticate an ``auth`` object and store the new token record; return it.

    :param runtime: anything with ``store``, ``clock``, ``ids`` and ``settings`` (``token_ttl``).
    :param auth: the request body's ``auth`` value, None when absent.
    :raises errors.IdentityError: 400 for malformed requests, 404 for an unusable token or credential.
    :raises errors.Unauthorized: for every authentication or authorization failure.
    """
    validate_auth(auth)
    now = runtime.clock.now()
    names = method_names(auth["identity"], tuple(METHODS))
    if "application_credential" in names and "scope" in auth:
        raise errors.IdentityError(APP_CRED_SCOPE, code=401, title="Unauthorized")
    scope = resolve_scope(runtime.store, auth.get("scope"))
    result = _run_methods(runtime.store, auth["identity"], names, now)
    if "token" in names:
        _from_token(runtime.store, auth, result)
    if "app_cred" in result:
        scope = _enabled(runtime.store.get("project", result["app_cred"]["project_id"]))
    elif scope is None:
        scope = default_project(runtime.store, runtime.store.get("user", result["user_id"]) or {})
    record = _mint(runtime, result, scope, now)
    runtime.store.put("token", record["id"], record)
    return record
