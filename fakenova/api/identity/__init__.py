"""Keystone v3 at ``/identity``: tokens, the admin API (domains, projects, users, groups, roles, grants,
role assignments, application credentials) and the catalog read API, one module per resource family."""
from __future__ import annotations

from flask import Blueprint, Response

from ..routing import blueprint
from . import app_creds, catalog, resources, roles, tokens, users


def identity_blueprint() -> Blueprint:
    """Every identity route; each response carries ``Vary: X-Auth-Token``, as Keystone's app adds it."""
    routes = (*tokens.ROUTES, *resources.ROUTES, *users.ROUTES, *roles.ROUTES, *app_creds.ROUTES,
              *catalog.ROUTES)
    bp = blueprint("identity", "/identity", routes)

    @bp.after_request
    def vary(response: Response) -> Response:
        response.headers["Vary"] = "X-Auth-Token"
        return response

    return bp
