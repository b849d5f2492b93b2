"""Extra role assignments for tests: the seed has no manager or service user."""
from __future__ import annotations

from flask import Flask


def grant(app: Flask, user: str, project: str, *roles: str) -> None:
    """Give ``user`` exactly ``roles`` on ``project`` (names); tokens issued afterwards carry them."""
    store = app.extensions["fakenova"].store
    ids = {kind: next(r["id"] for r in store.list(kind) if r["name"] == name)
           for kind, name in (("user", user), ("project", project))}
    store.put("assignment", f"{ids['user']}:{ids['project']}", list(roles))
