"""Neutron's ``GET /v2.0/availability_zones``: devstack's one zone, ``nova``, for networks and routers."""
from __future__ import annotations

from typing import Dict, List

from flask import Response, request

from ...domain import neutron_policy as policy
from ...domain.neutron_errors import HTTPBadRequest
from ..http import context, json_response
from ..routing import Route

#: (name, resource, state) rows, as an agent-less devstack reports them
ZONES = (("nova", "network", "available"), ("nova", "router", "available"))
_FILTERS = ("name", "resource", "state")


def list_availability_zones() -> Response:
    ctx = context()
    policy.enforce(ctx, "get_availability_zone", {"project_id": ctx.project_id})
    rows: List[Dict[str, str]] = [dict(zip(_FILTERS, row)) for row in ZONES]
    for name, values in request.args.lists():
        if name == "fields":
            continue
        if name not in _FILTERS:
            raise HTTPBadRequest(f"[{name}] is invalid attribute for filtering")
        rows = [row for row in rows if row[name] in values]
    fields = [name for name in request.args.getlist("fields") if name]
    if fields:
        rows = [{key: value for key, value in row.items() if key in fields} for row in rows]
    return json_response({"availability_zones": rows})


ROUTES = (Route("GET", "/v2.0/availability_zones", list_availability_zones, policy="get_availability_zone"),)
