"""What happens to every request before and after its handler, in Nova's order of precedence.

Body size (413) > token (401) > route (404/405) > version header (400/406) > handler. The service a path
belongs to decides how errors are shaped and which headers a response carries.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Callable, Optional

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from ..domain import errors
from ..scenario import http as scenario_http
from ..domain.context import Identity, RequestContext
from ..domain.identity import identity_from_token_record, validate_token
from ..settings import MAX_REQUEST_BODY
from . import faults, negotiation
from .http import runtime
from .routing import route_of

#: services whose requests scenario rules never see (the control plane, the root index)
_UNSCRIPTED = ("control", "root")


@dataclass(frozen=True)
class Service:
    """A path prefix, how its errors look and whether it negotiates compute microversions."""

    name: str
    prefix: str
    render: Callable[[errors.FakeNovaError], Response]
    needs_token: bool = True
    negotiates: bool = False


def identity_url() -> str:
    """The identity endpoint as the client reached this server."""
    return request.host_url.rstrip("/") + "/identity"


def _keystone(error: errors.FakeNovaError) -> Response:
    return faults.keystone_error(error, identity_url())


SERVICES = (
    Service("compute", "/compute", faults.nova_fault, negotiates=True),
    Service("identity", "/identity", _keystone, needs_token=False),
    Service("image", "/image", _keystone),
    Service("network", "/network", faults.neutron_error),
    Service("control", "/_fakenova", faults.nova_fault, needs_token=False),
    Service("root", "", faults.nova_fault, needs_token=False),
)


def service_for(path: str) -> Service:
    """The service owning ``path`` (the root service for anything unknown)."""
    for service in SERVICES:
        if service.prefix and (path == service.prefix or path.startswith(service.prefix + "/")):
            return service
    return SERVICES[-1]


def _check_size() -> None:
    if (request.content_length or 0) > MAX_REQUEST_BODY:
        raise errors.RequestTooLarge(limit=MAX_REQUEST_BODY)


def _authenticate(rt) -> Optional[Identity]:
    token = request.headers.get("X-Auth-Token")
    return identity_from_token_record(validate_token(rt.store, token, rt.clock.now()))


def before_request() -> None:
    """Check size, token, route and version, then build the request context."""
    rt = runtime()
    g.fakenova_request_id = rt.ids.request_id()
    service = g.fakenova_service = service_for(request.path)
    _check_size()
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    route = route_of(view)
    identity = None
    if service.needs_token and not (route and route.public):
        identity = _authenticate(rt)
    if request.routing_exception is not None:
        raise request.routing_exception
    version = None
    if service.negotiates and not (route and not route.negotiates):
        text = negotiation.requested(request.headers.getlist(negotiation.NEW_HEADER),
                                     request.headers.getlist(negotiation.LEGACY_HEADER))
        version = g.fakenova_version = negotiation.negotiate(text, rt.settings.min_version,
                                                             rt.settings.max_version)
    if identity is not None:
        kwargs = {"version": version} if version is not None else {}
        g.fakenova_ctx = RequestContext(identity=identity, now=rt.clock.now(),
                                        request_id=g.fakenova_request_id, **kwargs)
    if service.name not in _UNSCRIPTED:
        scenario_http.before_dispatch(rt)  # canned responses come after Nova's own checks, as in Nova's stack


def after_request(response: Response) -> Response:
    """Add the request-id headers everywhere and the version headers on compute responses."""
    request_id = getattr(g, "fakenova_request_id", None)
    service = getattr(g, "fakenova_service", None)
    if request_id and service is not None and service.name != "root":
        response.headers["x-openstack-request-id"] = request_id
        if service.name == "compute":
            response.headers["x-compute-request-id"] = request_id
    version = getattr(g, "fakenova_version", None)
    if version is not None:
        for name, value in negotiation.response_headers(version).items():
            response.headers[name] = value
    _journal(response)
    return response


def _journal(response: Response) -> None:
    service = getattr(g, "fakenova_service", None)
    if service is not None and service.name == "control":
        return  # the journal records the cloud's traffic, not the test driving it
    ctx = getattr(g, "fakenova_ctx", None)
    version = getattr(g, "fakenova_version", None)
    entry = {
        "request_id": getattr(g, "fakenova_request_id", None), "method": request.method,
        "path": request.path, "query": request.query_string.decode("latin-1"),
        "version": str(version) if version else None,
        "project_id": ctx.project_id if ctx else None, "user_id": ctx.user_id if ctx else None,
        "status": response.status_code,
    }
    for key, name in (("rules", "fakenova_rules"), ("error", "fakenova_error")):
        if name in g:
            entry[key] = g.get(name)
    runtime().store.journal_append(entry)


def handle_error(exc: Exception) -> Response:
    """Render any exception in the shape of the service the request was for; never HTML."""
    service = getattr(g, "fakenova_service", None) or service_for(request.path)
    if isinstance(exc, errors.FakeNovaError):
        error = exc
    elif isinstance(exc, HTTPException):
        error = faults.from_http_exception(exc)
    else:
        current_app.logger.exception("unexpected error")
        g.fakenova_error = traceback.format_exc()  # journalled, so the test that caused it fails
        error = errors.FakeNovaError(
            f"Unexpected API Error. Please contact the administrator\n{type(exc)}")
    if isinstance(error, (errors.Unauthorized, errors.IdentityError)):
        return _keystone(error)
    return service.render(error)


def install(app: Flask) -> None:
    """Attach the hooks and error handlers to ``app``."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BODY
    app.before_request(before_request)
    app.after_request(after_request)
    app.register_error_handler(Exception, handle_error)
