"""Neutron's ``/v2.0/routers``: the machinery's routes over the router plugin, plus
``PUT /v2.0/routers/{id}/add_router_interface`` and ``remove_router_interface``."""
from __future__ import annotations

from typing import Any

from flask import Response

from ...domain import errors
from ...domain.neutron_errors import HTTPBadRequest
from ...domain.router_resources import PLUGIN
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from . import resource


def _body() -> Any:
    try:
        return read_json()
    except errors.MalformedBody:
        raise HTTPBadRequest("Malformed request body") from None


def add_router_interface(rid: str) -> Response:
    return json_response(PLUGIN.interface(runtime(), context(), rid, _body(), adding=True))


def remove_router_interface(rid: str) -> Response:
    return json_response(PLUGIN.interface(runtime(), context(), rid, _body(), adding=False))


ROUTES = (
    *resource.routes(PLUGIN),
    Route("PUT", "/v2.0/routers/<rid>/add_router_interface", add_router_interface,
          policy="add_router_interface"),
    Route("PUT", "/v2.0/routers/<rid>/remove_router_interface", remove_router_interface,
          policy="remove_router_interface"),
)
