"""The small sub-resources of a server: os-server-password, diagnostics, os-security-groups, topology
(2.78) and shares (2.97, always empty). A server's migrations are ``server_migrations.py``'s."""
from __future__ import annotations

from flask import Response, request

from ...domain import compute, server_extras
from ...domain import security_groups as security_groups_domain
from ...microversions import Versioned, VersionRange
from ...views import security_groups as group_views
from ...views import server_resources as views
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from . import lookups
from .schemas import server_resources as schemas
from .servers import view_context

_SHARES_QUERY = Versioned([("2.1", {"type": "object", "properties": {},
                                            "additionalProperties": False})], name="shares_query")


def _query(table=schemas.QUERY) -> None:
    validate_query(table, context().version, request.args.to_dict(flat=False))


def password_show(server_id: str) -> Response:
    _query()
    return json_response({"password": server_extras.get_password(runtime(), context(), server_id)})


def password_clear(server_id: str) -> Response:
    server_extras.clear_password(runtime(), context(), server_id)
    return json_response(None, 204)


def diagnostics(server_id: str) -> Response:
    _query()
    server = server_extras.diagnostics_of(runtime(), context(), server_id)
    return json_response(views.diagnostics(server, view_context(), len(server.volumes_attached)))


def security_groups(server_id: str) -> Response:
    _query()
    server = compute.observe(runtime(), context(), server_id, observed=False)
    store = runtime().store
    found = security_groups_domain.of_server(store, server.project_id, server.security_groups if server.nics else ())
    return json_response({"security_groups": group_views.groups(found, security_groups_domain.by_id(store, context()))})


def topology(server_id: str) -> Response:
    _query()
    compute.observe(runtime(), context(), server_id, observed=False)
    return json_response({"nodes": [], "pagesize_kb": None})  # fakenova's servers have no NUMA topology


def shares(server_id: str) -> Response:
    _query(_SHARES_QUERY)
    compute.observe(runtime(), context(), server_id, observed=False)
    return json_response({"shares": []})


_S = "/servers/<server_id>"
ROUTES = (
    Route("GET", f"{_S}/os-server-password", password_show, policy="os_compute_api:os-server-password:show"),
    Route("DELETE", f"{_S}/os-server-password", password_clear, policy="os_compute_api:os-server-password:clear"),
    Route("GET", f"{_S}/diagnostics", diagnostics, policy="os_compute_api:os-server-diagnostics"),
    Route("GET", f"{_S}/os-security-groups", security_groups, policy="os_compute_api:os-security-groups:list"),
    Route("GET", f"{_S}/topology", topology, VersionRange.of("2.78"), policy="compute:server:topology:index"),
    Route("GET", f"{_S}/shares", shares, VersionRange.of("2.97"),
          looks_up=lookups.mapping, policy="os_compute_api:os-server-shares:index"),
)
