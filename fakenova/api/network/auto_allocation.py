"""Neutron's ``/v2.0/auto-allocated-topology/{project_id}``: GET builds (once) or returns the project's
topology, DELETE tears it down (:mod:`fakenova.domain.auto_allocation`)."""
from __future__ import annotations

from flask import Response, request

from ...domain import auto_allocation
from ...domain import neutron_policy as policy
from ..http import context, json_response, runtime
from ..routing import Route

_PATH = "/v2.0/auto-allocated-topology/<pid>"


def show_auto_allocated_topology(pid: str) -> Response:
    ctx = context()
    policy.enforce(ctx, "get_auto_allocated_topology", {"project_id": ctx.project_id if pid == "None" else pid})
    fields = [name for name in request.args.getlist("fields") if name]
    body = auto_allocation.get(runtime(), ctx, pid, fields)
    return json_response({"auto_allocated_topology": body})


def delete_auto_allocated_topology(pid: str) -> Response:
    ctx = context()
    policy.enforce(ctx, "delete_auto_allocated_topology", {"project_id": ctx.project_id if pid == "None" else pid})
    auto_allocation.delete(runtime(), ctx, pid)
    return Response(status=204)


ROUTES = (
    Route("GET", _PATH, show_auto_allocated_topology, policy="get_auto_allocated_topology"),
    Route("DELETE", _PATH, delete_auto_allocated_topology, policy="delete_auto_allocated_topology"),
)
