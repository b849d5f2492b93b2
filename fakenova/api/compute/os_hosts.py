"""``/os-hosts`` (until 2.42, admin only): hosts by service, a host's resources, and the host operations a
libvirt cloud does not implement (update, reboot, shutdown, startup: 501 for a known host)."""
from __future__ import annotations

from flask import Response, request

from ...domain import hosts
from ...microversions import VersionRange
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import fleet as schemas


def index() -> Response:
    """``GET /os-hosts``: every enabled service's host (``zone`` filters)."""
    ctx = context()
    args = validate_query(schemas.HOSTS_QUERY, ctx.version, request.args.to_dict(flat=False))
    zone = (args.get("zone") or [""])[-1]  # webob reads the last value
    return json_response({"hosts": hosts.host_list(runtime().store, zone)})


def show(host: str) -> Response:
    """``GET /os-hosts/{host}``."""
    return json_response({"host": hosts.host_resources(runtime().store, host)})


def update(host: str) -> Response:
    """``PUT /os-hosts/{host}``: ``status`` / ``maintenance_mode`` (501 on a libvirt host)."""
    ctx, body = context(), read_json()
    validate_body(schemas.HOST_UPDATE, ctx.version, body)
    hosts.host_operation(runtime().store, host)


def _power(host: str) -> Response:
    hosts.host_operation(runtime().store, host)


def reboot(host: str) -> Response:
    """``GET /os-hosts/{host}/reboot``."""
    return _power(host)


def shutdown(host: str) -> Response:
    """``GET /os-hosts/{host}/shutdown``."""
    return _power(host)


def startup(host: str) -> Response:
    """``GET /os-hosts/{host}/startup``."""
    return _power(host)


_UNTIL_2_42 = VersionRange.of("2.1", "2.42")
ROUTES = (
    Route("GET", "/os-hosts", index, versions=_UNTIL_2_42, policy="os_compute_api:os-hosts:list"),
    Route("GET", "/os-hosts/<host>", show, versions=_UNTIL_2_42, policy="os_compute_api:os-hosts:show"),
    Route("PUT", "/os-hosts/<host>", update, versions=_UNTIL_2_42, policy="os_compute_api:os-hosts:update"),
    Route("GET", "/os-hosts/<host>/reboot", reboot, versions=_UNTIL_2_42, policy="os_compute_api:os-hosts:reboot"),
    Route("GET", "/os-hosts/<host>/shutdown", shutdown, versions=_UNTIL_2_42,
          policy="os_compute_api:os-hosts:shutdown"),
    Route("GET", "/os-hosts/<host>/startup", startup, versions=_UNTIL_2_42, policy="os_compute_api:os-hosts:start"),
)
