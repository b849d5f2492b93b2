"""Tokens without a Keystone round trip, and request headers for them.

``issue_token`` writes a token record straight into the app's store, following the contract of
``fakenova/domain/identity.py`` (``user_id``, ``user_name``, ``project_id``, ``project_name``, ``roles``,
``domain_id``, ``issued_at``, ``expires_at``) plus the keys the identity API keeps, so a token made here
also validates at ``GET /identity/v3/auth/tokens``.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from flask import Flask


def _named(store: Any, kind: str, name: str) -> Mapping[str, Any]:
    for record in store.list(kind):
        if record["name"] == name or record["id"] == name:
            return record
    raise LookupError(f"no seeded {kind} named {name!r}")


def issue_token(app: Flask, user: str = "demo", project: str = "demo", *, ttl: Optional[float] = None) -> str:
    """A valid token for ``user`` scoped to ``project`` (names or ids), with the roles the seed gives them.

    :param app: an app from :func:`fakenova.create_app`.
    :param ttl: lifetime in seconds; the settings' ``token_ttl`` by default.
    :raises LookupError: for an unknown user or project, or a user without roles on the project.
    """
    runtime = app.extensions["fakenova"]
    store = runtime.store
    user_record, project_record = _named(store, "user", user), _named(store, "project", project)
    roles = list(store.get("assignment", f"{user_record['id']}:{project_record['id']}") or [])
    if not roles:
        raise LookupError(f"{user!r} has no role on {project!r}")
    now = float(int(runtime.clock.now()))
    token = runtime.ids.token()
    domain = user_record.get("domain_id", "default")
    role_ids = {role["name"]: role["id"] for role in store.list("role")}
    store.put("token", token, {
        "id": token, "methods": ["password"], "audit_ids": [runtime.ids.hex_id()[:22]],
        "user_id": user_record["id"], "user_name": user_record["name"], "domain_id": domain,
        "user_domain_id": domain, "user_domain_name": _named(store, "domain", domain)["name"],
        "project_id": project_record["id"], "project_name": project_record["name"],
        "project_domain_id": project_record["domain_id"],
        "project_domain_name": _named(store, "domain", project_record["domain_id"])["name"],
        "roles": roles, "role_ids": [role_ids.get(name, name) for name in roles],
        "issued_at": now, "expires_at": now + (runtime.settings.token_ttl if ttl is None else ttl),
        "revoked_at": None,
    })
    return token


def auth_headers(app: Flask, user: str = "demo", project: str = "demo",
                 version: Optional[str] = None) -> Dict[str, str]:
    """``X-Auth-Token`` for a fresh token, plus ``OpenStack-API-Version: compute <version>`` when given."""
    headers = {"X-Auth-Token": issue_token(app, user, project)}
    if version is not None:
        headers["OpenStack-API-Version"] = f"compute {version}"
    return headers
