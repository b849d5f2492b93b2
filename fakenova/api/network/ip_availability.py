"""Neutron's ``/v2.0/network-ip-availabilities`` (admin or service only)."""
from __future__ import annotations

from typing import Any, Dict, List

from flask import Response, request

from ...domain import ip_availability
from ...domain import neutron_policy as policy
from ...domain.neutron_errors import HTTPNotFound
from ..http import context, json_response, runtime
from ..routing import Route

RULE = "get_network_ip_availability"


def _pick(body: Dict[str, Any], fields: List[str]) -> Dict[str, Any]:
    wanted = [name for name in fields if name]
    return {key: value for key, value in body.items() if not wanted or key in wanted}


def list_network_ip_availabilities() -> Response:
    # Neutron's list leaves out what the rule hides (all of it for a member): 200 with nothing
    ctx = context()
    found = ip_availability.listed(runtime().store, request.args.to_dict(flat=False))
    found = [body for body in found if policy.allowed(ctx, RULE, body)]
    fields = request.args.getlist("fields")
    return json_response({"network_ip_availabilities": [_pick(body, fields) for body in found]})


def show_network_ip_availability(network_id: str) -> Response:
    ctx = context()
    body = ip_availability.shown(runtime().store, network_id)
    if not policy.allowed(ctx, RULE, body):
        raise HTTPNotFound()  # Neutron's show hides what the rule refuses
    return json_response({"network_ip_availability": _pick(body, request.args.getlist("fields"))})


ROUTES = (
    Route("GET", "/v2.0/network-ip-availabilities", list_network_ip_availabilities, policy=RULE),
    Route("GET", "/v2.0/network-ip-availabilities/<network_id>", show_network_ip_availability, policy=RULE),
)
