"""``/os-availability-zone``: the zones of the fake cloud (nova-facts j).

A devstack-like single node: one compute host in zone ``nova``, and the control services (conductor,
scheduler) in Nova's ``internal`` zone, which only the admin-only detail view shows. The services are
always up; their ``updated_at`` is the last ten-second heartbeat before now.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from flask import Response, request

from ...domain import errors
from ...domain.lifecycle.engine import DEFAULT_HOST, DEFAULT_ZONE
from ...views.common import usage_time
from .. import schema_types as t
from ..http import context, json_response
from ..routing import Route
from ..schema_types import Edit
from ..validation import validate_query

INTERNAL_ZONE = "internal"
HEARTBEAT = 10.0

#: zone -> ((host, service binary), ...), in the order Nova lists them (sorted zone names).
SERVICES: Mapping[str, Tuple[Tuple[str, str], ...]] = {
    INTERNAL_ZONE: ((DEFAULT_HOST, "nova-conductor"), (DEFAULT_HOST, "nova-scheduler")),
    DEFAULT_ZONE: ((DEFAULT_HOST, "nova-compute"),),
}

#: Neither view takes parameters; unknown ones are refused from 2.102.
QUERY = t.evolve("availability-zone-query", t.object_of({}, additional=True), [
    ("2.102", [Edit(keywords={"additionalProperties": False})]),
])

DETAIL_RULE = "os_compute_api:os-availability-zone:detail"


def _zone(name: str, hosts: Any) -> Dict[str, Any]:
    return {"zoneName": name, "zoneState": {"available": True}, "hosts": hosts}


def _hosts(zone: str, now: float) -> Dict[str, Dict[str, Dict[str, Any]]]:
    heartbeat = usage_time(now - now % HEARTBEAT)
    hosts: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for host, binary in SERVICES[zone]:
        hosts.setdefault(host, {})[binary] = {"available": True, "active": True, "updated_at": heartbeat}
    return hosts


def index() -> Response:
    """``GET /os-availability-zone``: zones with compute hosts, ``hosts`` null (any user)."""
    ctx = context()
    validate_query(QUERY, ctx.version, request.args.to_dict(flat=False))
    zones: List[Dict[str, Any]] = [_zone(name, None) for name in SERVICES if name != INTERNAL_ZONE]
    return json_response({"availabilityZoneInfo": zones})


def detail() -> Response:
    """``GET /os-availability-zone/detail``: every zone with its hosts and services (admin only)."""
    ctx = context()
    validate_query(QUERY, ctx.version, request.args.to_dict(flat=False))
    if not ctx.is_admin:
        raise errors.Forbidden(rule=DETAIL_RULE)
    zones = [_zone(name, _hosts(name, ctx.now)) for name in SERVICES]
    return json_response({"availabilityZoneInfo": zones})


ROUTES = (
    Route("GET", "/os-availability-zone", index),
    Route("GET", "/os-availability-zone/detail", detail),
)
