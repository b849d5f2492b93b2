"""Application credentials: create, list, show, delete, and the ``application_credential`` auth method, sans-IO.

As Keystone: a credential belongs to its creator and the project of the creating token; its roles are a
subset of that token's roles (implied roles added); the secret is generated unless given and shown only at
creation; a token issued by a restricted credential cannot create or delete credentials; deleting one revokes
the tokens it issued. Records are kind ``app_cred``.
"""
from __future__ import annotations

import base64
import uuid
from typing import Any, Dict, List, Mapping, Optional

from .. import errors
from ..keystone import expecting, lookup_domain
from ..ports import Runtime, Store
from ..strings import parse_isotime
from . import grants, revocation
from .inference import expand
from .records import Record, bad_request, conflict, forbidden, found, not_found

_CLIENT_ERROR = (" The server could not comply with the request since it is either malformed or otherwise"
                 " incorrect. The client is assumed to be in error.")
RESTRICTED = ("Using method 'application_credential' is not allowed for managing additional application "
              "credentials.")
SCOPE_REFUSED = "Error authenticating with application credential: Application credentials cannot request a scope."


def check_unrestricted(caller: Mapping[str, Any]) -> None:
    """Keystone's 403 for a token issued by a restricted application credential."""
    if caller.get("application_credential_id") and caller.get("app_cred_restricted", True):
        raise forbidden(RESTRICTED)


def _secret(runtime: Runtime) -> str:
    # keystone: 64 random bytes, urlsafe base64 without padding
    raw = b"".join(uuid.UUID(runtime.ids.hex_id()).bytes for _ in range(4))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _expiry(text: Optional[str], now: float) -> Optional[float]:
    if not text:
        return None
    try:
        when = parse_isotime(text)
    except ValueError:
        raise bad_request("Timestamp not in expected format." + _CLIENT_ERROR) from None
    if when < now:
        raise bad_request("The 'expires_at' must not be before now." + _CLIENT_ERROR)
    return when


def _roles(store: Store, wanted: Optional[List[Mapping[str, str]]], caller: Mapping[str, Any]) -> List[Record]:
    """The credential's roles: the caller's token roles, or the asked ones (plus implied) if the token has them."""
    roles = list(store.list("role"))
    if not wanted:
        names = list(caller.get("roles", ()))
    else:
        names = []
        for ref in wanted:
            match = [r for r in roles if r["id"] == ref.get("id") or ("id" not in ref and r["name"] == ref["name"])]
            if not match:
                raise not_found(f"Could not find role: {ref.get('id') or ref.get('name')}.")
            names.append(match[0]["name"])
        names = expand(store, names)
        if any(name not in caller.get("roles", ()) for name in names):
            raise bad_request("Invalid application credential: Cannot create an application credential with "
                              "unassigned role")
    return [{"id": r["id"], "name": r["name"], "domain_id": r.get("domain_id")} for r in roles if r["name"] in names]


def create(runtime: Runtime, user_id: str, caller: Mapping[str, Any], data: Mapping[str, Any]) -> Record:
    """A new credential of ``user_id`` on the caller's project; the returned record carries the secret."""
    store = runtime.store
    check_unrestricted(caller)
    if caller.get("user_id") != user_id:
        raise forbidden("Cannot create an application credential for another user.")
    if any(c["name"] == data["name"] and c["user_id"] == user_id for c in store.list("app_cred")):
        raise conflict("application_credential", f"Duplicate entry found with name {data['name']}")
    record = {"id": data.get("id") or runtime.ids.hex_id(), "name": data["name"],
              "description": data.get("description"), "user_id": user_id, "project_id": caller.get("project_id"),
              "roles": _roles(store, data.get("roles"), caller), "system": data.get("system"),
              "expires_at": _expiry(data.get("expires_at"), runtime.clock.now()),
              "unrestricted": bool(data.get("unrestricted")), "access_rules": list(data.get("access_rules") or []),
              "secret": data.get("secret") or _secret(runtime)}
    store.put("app_cred", record["id"], record)
    return record


def of_user(store: Store, user_id: str, name: Optional[str] = None) -> List[Record]:
    """The user's credentials (``?name=`` filters)."""
    found(store, "user", user_id)
    return [dict(c) for c in store.list("app_cred")
            if c["user_id"] == user_id and (name is None or c["name"] == name)]


def get(store: Store, user_id: str, cred_id: str) -> Record:
    """One credential of the user, or Keystone's 404."""
    cred = store.get("app_cred", cred_id)
    if cred is None or cred["user_id"] != user_id:
        raise not_found(f"Could not find Application Credential: {cred_id}.")
    return dict(cred)


def delete(runtime: Runtime, user_id: str, cred_id: str, caller: Mapping[str, Any]) -> None:
    """Delete a credential and revoke the tokens it issued."""
    get(runtime.store, user_id, cred_id)
    check_unrestricted(caller)
    runtime.store.delete("app_cred", cred_id)
    revocation.revoke_tokens(runtime.store, runtime.clock.now(), revocation.of_app_cred(cred_id))


# -- the auth method ---------------------------------------------------------------------------------------

def _lookup(store: Store, payload: Mapping[str, Any]) -> Record:
    if payload.get("id"):
        cred = store.get("app_cred", payload["id"])
        if cred is None:
            raise not_found(f"Could not find Application Credential: {payload['id']}.")
        return dict(cred)
    if not payload.get("name"):
        raise expecting("name or ID", "application credential")
    user = payload.get("user")
    if not user:
        raise expecting("user", "application credential")
    user_id = user.get("id")
    if not user_id:
        if "domain" not in user:
            raise expecting("domain", "user")
        domain = lookup_domain(store, user["domain"])
        match = [u for u in store.list("user") if u["name"] == user.get("name") and u["domain_id"] == domain["id"]]
        if not match:
            raise errors.Unauthorized()
        user_id = match[0]["id"]
    creds = [c for c in store.list("app_cred") if c["user_id"] == user_id and c["name"] == payload["name"]]
    if len(creds) != 1:
        raise errors.Unauthorized()  # "Could not find application credential: <name>" (hidden)
    return dict(creds[0])


def authenticate(store: Store, payload: Mapping[str, Any], now: float) -> Dict[str, Any]:
    """The method's answer: the user, the credential and the project it scopes to; 401 on any mismatch."""
    cred = _lookup(store, payload)
    if payload.get("secret") != cred["secret"] or (cred["expires_at"] is not None and cred["expires_at"] <= now):
        raise errors.Unauthorized()
    held = grants.effective_roles(store, cred["user_id"], "project", cred["project_id"])
    roles = [role["name"] for role in cred["roles"] if role["name"] in held]
    if not roles:
        raise errors.Unauthorized()  # the creator lost every role the credential carries
    return {"user_id": cred["user_id"], "methods": ["application_credential"], "app_cred": cred, "roles": roles}
