"""Nova's deprecated floating IP proxy: ``os-floating-ips`` (list, show, allocate, release) and
``os-floating-ip-pools``, 2.1 to 2.35 (404 from 2.36), over Neutron's floating IP records."""
from __future__ import annotations

from flask import Response

from ...domain import floating_ip_proxy as domain
from ...microversions import Versioned
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from .security_groups import PROXY_VERSIONS

#: the body is optional; ``pool`` may name a network by name or id
CREATE = Versioned([("2.1", {"type": ["object", "null"], "properties": {"pool": {"type": ["string", "null"]}}})],
                   name="floating-ip-create")


def index() -> Response:
    store = runtime().store
    return json_response({"floating_ips": [domain.view(store, fip) for fip in domain.listed(store, context())]})


def show(fip_id: str) -> Response:
    store = runtime().store
    return json_response({"floating_ip": domain.view(store, domain.show(store, context(), fip_id))})


def create() -> Response:
    body = read_json(None)
    validate_body(CREATE, context().version, body)
    fip = domain.allocate(runtime(), context(), (body or {}).get("pool"))
    return json_response({"floating_ip": domain.view(runtime().store, fip)})


def delete(fip_id: str) -> Response:
    domain.release(runtime(), context(), fip_id)
    return json_response(None, 202)


def pools() -> Response:
    return json_response({"floating_ip_pools": [{"name": name} for name in domain.pools(runtime().store, context())]})


ROUTES = (
    Route("GET", "/os-floating-ips", index, PROXY_VERSIONS, policy="os_compute_api:os-floating-ips:list"),
    Route("POST", "/os-floating-ips", create, PROXY_VERSIONS, policy="os_compute_api:os-floating-ips:create"),
    Route("GET", "/os-floating-ips/<fip_id>", show, PROXY_VERSIONS, policy="os_compute_api:os-floating-ips:show"),
    Route("DELETE", "/os-floating-ips/<fip_id>", delete, PROXY_VERSIONS,
          policy="os_compute_api:os-floating-ips:delete"),
    Route("GET", "/os-floating-ip-pools", pools, PROXY_VERSIONS, policy="os_compute_api:os-floating-ip-pools"),
)
