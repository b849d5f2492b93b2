"""Keystone v3 at ``/identity``: tokens, the admin API (domains, projects, users, groups, roles, grants,
role assignments, application credentials) and the catalog read API, one module per resource family."""
from __future__ import annotations

from flask import Blueprint, Response

from ..lazy_routes import rows
from ..routing import blueprint

#: the route tables, in order (imported by the first request to one of their routes: api/lazy_routes.py)
SOURCES = tuple(f"fakenova.api.identity.{module}:ROUTES"
                for module in ("tokens", "resources", "users", "roles", "app_creds", "catalog"))


def identity_blueprint() -> Blueprint:
    """Every identity route; each response carries ``Vary: X-Auth-Token``, as Keystone's app adds it."""
    bp = blueprint("identity", "/identity", rows(SOURCES))

    @bp.after_request
    def vary(response: Response) -> Response:
        response.headers["Vary"] = "X-Auth-Token"
        return response

    return bp
