"""``/os-availability-zone``: the zones of the fake cloud (nova-facts j), from its services' records.

A zone is available when an enabled service is in it; the controller services are in Nova's ``internal``
zone, which only the admin-only detail view shows, with every host and its enabled services.
"""
from __future__ import annotations

from typing import Any, Dict, List

from flask import Response, request

from ...domain import services
from ...views.fleet import service_zone_entry
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from .schemas.fleet import NO_QUERY

INTERNAL_ZONE = "internal"


def _zone(name: str, available: bool, hosts: Any) -> Dict[str, Any]:
    return {"zoneName": name, "zoneState": {"available": available}, "hosts": hosts}


def index() -> Response:
    """``GET /os-availability-zone``: available zones, then unavailable ones, ``hosts`` null (any user)."""
    ctx = context()
    validate_query(NO_QUERY, ctx.version, request.args.to_dict(flat=False))
    available, unavailable = services.zone_states(runtime().store)
    zones: List[Dict[str, Any]] = [_zone(name, True, None) for name in available if name != INTERNAL_ZONE]
    zones += [_zone(name, False, None) for name in unavailable if name != INTERNAL_ZONE]
    return json_response({"availabilityZoneInfo": zones})


def detail() -> Response:
    """``GET /os-availability-zone/detail``: every zone with its hosts and services (admin only)."""
    ctx = context()
    validate_query(NO_QUERY, ctx.version, request.args.to_dict(flat=False))
    store = runtime().store
    available, unavailable = services.zone_states(store)
    by_zone = services.zone_hosts(store)
    zones = [_zone(name, True, {host: {service["binary"]: service_zone_entry(service, ctx.now)
                                       for service in listed}
                                for host, listed in by_zone.get(name, {}).items()})
             for name in available]
    zones += [_zone(name, False, None) for name in unavailable]
    return json_response({"availabilityZoneInfo": zones})


ROUTES = (
    Route("GET", "/os-availability-zone", index, policy="os_compute_api:os-availability-zone:list"),
    Route("GET", "/os-availability-zone/detail", detail, policy="os_compute_api:os-availability-zone:detail"),
)
