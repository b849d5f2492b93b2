"""Neutron v2.0 at ``/network``: the version documents, extensions, and networks, subnets and ports.

Each resource's routes come from its plugin through :mod:`fakenova.api.network.resource` (the domain is
``domain/neutron_networks.py`` and ``domain/neutron_ports.py``). Errors are
``{"NeutronError": {"type", "message", "detail"}}``, the ``type`` being the error class name (rendered by the
pipeline).
"""
from __future__ import annotations

from typing import Tuple

from flask import Response

from ...domain.neutron_errors import HTTPNotFound
from ...domain.neutron_networks import NETWORK_PLUGIN, SUBNET_PLUGIN
from ...domain.neutron_ports import PORT_PLUGIN
from ...views import network_extensions
from ..http import base_url, json_response
from ..routing import Route
from . import resource


def versions() -> Response:
    """``GET /network``: Neutron's version document (no token needed)."""
    href = base_url() + "/network/v2.0/"
    return json_response({"versions": [{"id": "v2.0", "status": "CURRENT",
                                        "links": [{"rel": "self", "href": href}]}]})


RESOURCES: Tuple[Tuple[str, str], ...] = (("network", "networks"), ("subnet", "subnets"), ("port", "ports"))


def resources() -> Response:
    """``GET /network/v2.0``: the resource collections of this API."""
    base = base_url() + "/network/v2.0"
    return json_response({"resources": [{"name": name, "collection": plural,
                                         "links": [{"rel": "self", "href": f"{base}/{plural}"}]}
                                        for name, plural in RESOURCES]})


def list_extensions() -> Response:
    return json_response({"extensions": network_extensions.extensions()})


def show_extension(alias: str) -> Response:
    body = network_extensions.extension_body(alias)
    if body is None:
        raise HTTPNotFound(f"Extension with alias {alias} does not exist")
    return json_response({"extension": body})


#: Neutron lists its resources and extensions to any authenticated caller, with no policy rule
_OPEN = "Neutron checks no rule here"

ROUTES = (
    Route("GET", "", versions, public=True),
    Route("GET", "/", versions, public=True),
    Route("GET", "/v2.0", resources, unguarded=_OPEN),
    Route("GET", "/v2.0/", resources, unguarded=_OPEN),
    Route("GET", "/v2.0/extensions", list_extensions, unguarded=_OPEN),
    Route("GET", "/v2.0/extensions/<alias>", show_extension, unguarded=_OPEN),
    *resource.routes(NETWORK_PLUGIN),
    *resource.routes(SUBNET_PLUGIN),
    *resource.routes(PORT_PLUGIN),
)
