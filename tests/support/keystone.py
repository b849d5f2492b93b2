"""Keystone helpers for tests: tokens issued through the identity API itself, and their headers."""
from __future__ import annotations

from typing import Any, Dict

V3 = "/identity/v3"


def password_auth(user: str, password: str, scope: Any = None) -> Dict[str, Any]:
    body: Dict[str, Any] = {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"id": "default"}, "password": password}}}}
    if scope is not None:
        body["scope"] = scope
    return {"auth": body}


def login(client, user: str, project: Any = None, password: str = "", scope: Any = None) -> str:
    """A token for a seeded (or created) user, scoped to ``project`` by name or to ``scope``."""
    if project is not None:
        scope = {"project": {"name": project, "domain": {"id": "default"}}}
    response = client.post(f"{V3}/auth/tokens", json=password_auth(user, password or user, scope))
    assert response.status_code == 201, response.json
    return response.headers["X-Subject-Token"]


def headers(token: str) -> Dict[str, str]:
    return {"X-Auth-Token": token}
