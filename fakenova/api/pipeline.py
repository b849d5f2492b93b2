"""What happens to every request before and after its handler, in Nova's order of precedence.

Body size (413) > token (401) > route (404/405) > version header (400/406) > handler. The service a path
belongs to decides how errors are shaped and which headers a response carries.
"""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from .. import journal
from ..domain import errors
from ..domain.context import RequestContext
from ..domain.identity import identity_from_token_record, validate_token
from ..scenario import http as scenario_http
from ..settings import MAX_REQUEST_BODY
from ..store.base import StoreUnavailable
from . import faults, negotiation
from .http import base_url, parse_json
from .image.faults import glance_error
from .routing import route_of

if TYPE_CHECKING:
    from ..runtime import Runtime

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
    #: Nova's legacy v2.0 endpoint: v2.1 at 2.1 without microversions, unknown body keys dropped
    legacy_v2: bool = False
    #: how the service's microversion headers read and what range they have (compute's or Cinder's)
    dialect: negotiation.Dialect = negotiation.COMPUTE


#: seconds a client is told to wait (Retry-After) when the shared store does not answer
STORE_RETRY_AFTER = 1


def identity_url() -> str:
    """The identity endpoint as the client reached this server."""
    return base_url() + "/identity"


def _keystone(error: errors.FakeNovaError) -> Response:
    return faults.keystone_error(error, identity_url())


SERVICES = (
    Service("compute", "/compute/v2", faults.nova_fault, legacy_v2=True),
    Service("compute", "/compute", faults.nova_fault, negotiates=True),
    Service("identity", "/identity", _keystone, needs_token=False),
    Service("image", "/image", glance_error),
    Service("network", "/network", faults.neutron_error),
    # Cinder renders its faults as Nova does ({"badRequest": {"code", "message"}}, wsgi.Fault's names)
    Service("volume", "/volume", faults.nova_fault, negotiates=True, dialect=negotiation.VOLUME),
    Service("control", "/_fakenova", faults.nova_fault, needs_token=False),
    Service("root", "", faults.nova_fault, needs_token=False),
)


def service_for(path: str) -> Service:
    """The service owning ``path`` (the root service for anything unknown)."""
    for service in SERVICES:
        if service.prefix and (path == service.prefix or path.startswith(service.prefix + "/")):
            return service
    return SERVICES[-1]


#: image data uploads (``PUT /image/v2/images/{id}/file`` and ``/stage``) stream octets past the JSON body
#: cap; their handler spools them under the image data limit instead
_STREAMED_BODY = re.compile(r"^/image/v2/images/[^/]+/(?:file|stage)/?$")


def _check_size(environ: dict) -> None:
    if environ.get("REQUEST_METHOD") == "PUT" and _STREAMED_BODY.match(environ.get("PATH_INFO", "")):
        return
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit() and int(length) > MAX_REQUEST_BODY:
        raise errors.RequestTooLarge(limit=MAX_REQUEST_BODY)


def before_request() -> Optional[Response]:
    """Check size, token, route and version, then build the request context.

    Runs on every request, so it reads the WSGI environ and the request-global object directly rather than
    through Flask's proxies and werkzeug's header views (each proxy access costs a context lookup).
    """
    app, req, state = current_app._get_current_object(), request._get_current_object(), g._get_current_object()  # type: ignore[attr-defined]  # LocalProxy
    environ = req.environ
    rt: Runtime = app.extensions["fakenova"]
    request_id = state.fakenova_request_id = rt.ids.request_id()
    service = state.fakenova_service = service_for(req.path)
    state.fakenova_legacy_v2 = service.legacy_v2
    _check_size(environ)
    endpoint = req.endpoint
    route = route_of(app.view_functions.get(endpoint)) if endpoint else None
    identity = None
    now = rt.clock.now()
    if service.needs_token and not (route and route.public):
        identity = identity_from_token_record(validate_token(rt.store, environ.get("HTTP_X_AUTH_TOKEN"), now))
    if req.routing_exception is not None:
        if req.routing_exception.code == 405 and req.path.endswith("/"):
            # ``DELETE /os-security-groups/`` names a member with an empty id: no route has one (Nova: 404)
            raise errors.NotFound()
        raise req.routing_exception
    version = None
    if service.negotiates and not (route and not route.negotiates):
        dialect = service.dialect
        version = state.fakenova_version = negotiation.negotiate_headers(
            environ.get(negotiation.NEW_ENVIRON),
            environ.get(negotiation.LEGACY_ENVIRON) if dialect.legacy_header else None,
            dialect.low or rt.settings.min_version, dialect.high or rt.settings.max_version, dialect)
    if identity is not None:
        kwargs = {"version": version} if version is not None else {}
        state.fakenova_ctx = RequestContext(identity=identity, now=now, request_id=request_id,
                                            policies=rt.policies, **kwargs)
    if service.name not in _UNSCRIPTED:  # canned responses come after Nova's own checks, as in Nova's stack
        return scenario_http.before_dispatch(rt)  # a verbatim canned body, or None to dispatch
    return None


def after_request(response: Response) -> Response:
    """Add the request-id headers everywhere and the version headers on compute responses."""
    state = g._get_current_object()
    request_id = getattr(state, "fakenova_request_id", None)
    service = getattr(state, "fakenova_service", None)
    # These headers replace any of the same name (a scripted response may carry its own). A response with only
    # Content-Type and Content-Length cannot have one, so there they are appended without set()'s scan.
    headers = response.headers
    put = headers.add if len(headers) <= 2 else headers.set
    if request_id and service is not None and service.name != "root":
        put("x-openstack-request-id", request_id)
        if service.name == "compute":
            put("x-compute-request-id", request_id)
    version = getattr(state, "fakenova_version", None)
    if version is not None:
        for name, value in negotiation.response_headers(version, service.dialect if service else
                                                        negotiation.COMPUTE):
            put(name, value)
    if service is None or service.name != "control":  # the journal records the cloud's traffic, not the test's
        _journal(state, response)
    return response


def _journal(state: object, response: Response) -> None:
    """Record the request: references to what is already built, bodies capped; nothing is decoded here."""
    req = request._get_current_object()  # type: ignore[attr-defined]  # LocalProxy
    rt = current_app.extensions["fakenova"]
    ctx = getattr(state, "fakenova_ctx", None)
    version = getattr(state, "fakenova_version", None)
    environ = req.environ
    view_args = req.view_args
    entry = {
        "request_id": getattr(state, "fakenova_request_id", None), "method": req.method,
        "path": req.path, "query": environ.get("QUERY_STRING", ""),
        "version": negotiation.version_text(version) if version else None,
        "project_id": ctx.project_id if ctx else None, "user_id": ctx.user_id if ctx else None,
        "status": response.status_code,
        "time": ctx.now if ctx else rt.clock.now(),
        "server_id": view_args.get("server_id") if view_args else None,
        # the body only if the handler read it (werkzeug caches it on the request); a stream stays unread
        "request": journal.capture_request(environ, req.__dict__.get("_cached_data")),
        "response": journal.capture_response(response.headers.to_wsgi_list(), response.response),
    }
    for key, name in (("rules", "fakenova_rules"), ("error", "fakenova_error")):
        value = getattr(state, name, None)
        if value is not None:
            entry[key] = value
    rt.store.journal_append(entry)


def handle_error(exc: Exception) -> Response:
    """Render any exception in the shape of the service the request was for; never HTML."""
    service = getattr(g, "fakenova_service", None) or service_for(request.path)
    if isinstance(exc, errors.FakeNovaError):
        error = exc
    elif isinstance(exc, HTTPException):
        error = faults.from_http_exception(exc)
    elif isinstance(exc, StoreUnavailable):  # a shared store down or slow: nothing was written, come back soon
        current_app.logger.warning("store unavailable: %s", exc)
        error = errors.ServiceUnavailable(headers={"Retry-After": str(STORE_RETRY_AFTER)},
                                          retry_after=STORE_RETRY_AFTER)
    else:
        current_app.logger.exception("unexpected error")
        g.fakenova_error = traceback.format_exc()  # journalled, so the test that caused it fails
        error = errors.FakeNovaError(
            f"Unexpected API Error. Please contact the administrator\n{type(exc)}")
    if isinstance(error, (errors.Unauthorized, errors.IdentityError)):
        return _keystone(error)
    return service.render(error)


class _GuardedJSON(DefaultJSONProvider):
    """Flask's JSON provider, parsing with :func:`~.http.parse_json`'s limits.

    So ``request.get_json()`` anywhere (the scenario engine's request probe) refuses what the handlers refuse,
    as a ValueError Flask knows how to treat, instead of a RecursionError.
    """

    def loads(self, s: "str | bytes", **kwargs: object) -> object:
        try:
            return parse_json(s if isinstance(s, bytes) else s.encode("utf-8", "surrogatepass"))
        except errors.MalformedBody as exc:
            raise ValueError(exc.message) from None


def install(app: Flask) -> None:
    """Attach the hooks and error handlers to ``app``.

    The body cap also bounds a chunked body: werkzeug reads ``wsgi.input`` through a stream that stops (413)
    at ``MAX_CONTENT_LENGTH``, so no more than the cap is ever read into memory.
    """
    app.json = _GuardedJSON(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BODY
    app.before_request(before_request)
    app.after_request(after_request)
    app.register_error_handler(Exception, handle_error)
