"""Keystone v3 catalog read API: ``/v3/services``, ``/v3/endpoints`` and ``/v3/regions`` (list and show),
built from the same catalog the tokens carry (read-only: fakenova's catalog is its own layout)."""
from __future__ import annotations

from typing import Any, Dict, List

from flask import Response, request

from ...domain.identity_admin.records import filtered, not_found
from ...views import keystone as views
from ..http import base_url
from ..routing import Route
from .common import authorize, listing, region, reply, v3_url


def _services() -> List[Dict[str, Any]]:
    return views.services(v3_url())


def _endpoints() -> List[Dict[str, Any]]:
    return views.endpoints(base_url(), region(), v3_url())


def _one(items: List[Dict[str, Any]], key: str, label: str) -> Dict[str, Any]:
    for item in items:
        if item["id"] == key:
            return item
    raise not_found(f"Could not find {label}: {key}.")


def list_services() -> Response:
    authorize("identity:list_services")
    return listing("services", filtered(_services(), request.args, ("type", "name")))


def show_service(service_id: str) -> Response:
    authorize("identity:get_service")
    return reply("service", _one(_services(), service_id, "service"))


def list_endpoints() -> Response:
    authorize("identity:list_endpoints")
    return listing("endpoints", filtered(_endpoints(), request.args, ("interface", "service_id", "region_id")))


def show_endpoint(endpoint_id: str) -> Response:
    authorize("identity:get_endpoint")
    return reply("endpoint", _one(_endpoints(), endpoint_id, "endpoint"))


def list_regions() -> Response:
    authorize("identity:list_regions")
    return listing("regions", [views.region_body(region(), v3_url())])


def show_region(region_id: str) -> Response:
    authorize("identity:get_region")
    return reply("region", _one([views.region_body(region(), v3_url())], region_id, "region"))


ROUTES = (
    Route("GET", "/v3/services", list_services, policy="identity:list_services"),
    Route("GET", "/v3/services/<service_id>", show_service, policy="identity:get_service"),
    Route("GET", "/v3/endpoints", list_endpoints, policy="identity:list_endpoints"),
    Route("GET", "/v3/endpoints/<endpoint_id>", show_endpoint, policy="identity:get_endpoint"),
    Route("GET", "/v3/regions", list_regions, policy="identity:list_regions"),
    Route("GET", "/v3/regions/<region_id>", show_region, policy="identity:get_region"),
)
