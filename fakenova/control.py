"""The control plane at ``/_fakenova``: HTTP onto :mod:`fakenova.operations`, JSON in and out.

No Keystone token is needed (it is a test fixture's back door, bound to loopback by default); errors use
Nova's fault body like the compute API. ``GET /_fakenova`` describes every operation from the route table.

Every request passes :func:`guard` first, so no web page the developer visits can drive it: a foreign
``Origin`` is 403, a write (POST/PUT) must say ``Content-Type: application/json`` (415; a cross-site form
or ``no-cors`` fetch cannot), and with ``Settings.control_token`` set every request but ``/health`` must
carry it in ``X-Fakenova-Control-Token`` (403). Over HTTP a scenario is a bundled name or an inline
document, never a path: files are a CLI and in-process feature.
"""
from __future__ import annotations

import hmac
from typing import Any, Dict

from flask import Blueprint, Response, request

from . import operations
from .api.http import JSON_TYPES, base_url, json_response, read_json, runtime
from .api.routing import Route, blueprint
from .domain import errors
from .scenario import loader

#: the header carrying ``Settings.control_token``
TOKEN_HEADER = "X-Fakenova-Control-Token"
_WRITES = ("POST", "PUT")
_OPEN_PATHS = ("/_fakenova/health",)  # liveness probes need no secret


def guard() -> None:
    """Refuse requests a web page could forge, and any without the control token when one is set."""
    environ = request.environ
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and origin.rstrip("/") not in (request.host_url.rstrip("/"), base_url()):
        raise errors.Forbidden(f"Cross-origin requests to the control plane are refused (Origin: {origin}).")
    if request.method in _WRITES:
        content_type = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if content_type not in JSON_TYPES:
            raise errors.UnsupportedMediaType("The control plane takes Content-Type: application/json only.")
    secret = runtime().settings.control_token
    if secret and request.path not in _OPEN_PATHS:
        given = environ.get("HTTP_X_FAKENOVA_CONTROL_TOKEN", "")
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode("utf-8")):
            raise errors.Forbidden(f"The control plane needs the {TOKEN_HEADER} header "
                                   "(fakenova serve --control-token).")


def _body() -> Dict[str, Any]:
    body = read_json(default={})
    if not isinstance(body, dict):
        raise errors.BadRequest("The request body must be a JSON object.")
    return body


def describe() -> Response:
    """This list of operations."""
    base = base_url() + "/_fakenova"
    return json_response({"name": "fakenova control plane", "operations": [
        {"method": route.method, "path": base + route.path, "summary": (route.handler.__doc__ or "").strip()}
        for route in ROUTES]})


def health() -> Response:
    """Liveness, the advertised microversions, loaded scenarios and the count of unexpected errors."""
    return json_response(operations.health(runtime()))


def reset() -> Response:
    """Reset to the seed data: body {"project": id-or-name} for one project, {"settings": {...}} to override."""
    body = _body()
    return json_response(operations.reset(runtime(), body.get("project"), body.get("settings")))


def seed() -> Response:
    """Add seed data: flavors, images, networks, keypairs, projects, users, quotas, servers in any state."""
    return json_response(operations.seed(runtime(), _body()), 201)


def list_scenarios() -> Response:
    """Loaded scenarios and their rules with hit counts."""
    return json_response({"scenarios": operations.scenarios(runtime())})


def load_scenario() -> Response:
    """Load a scenario: {"name": "<bundled name>"} or {"scenario": {<inline document>}}."""
    body = _body()
    source = body.get("scenario") if "scenario" in body else body.get("name")
    if not isinstance(source, (str, dict)):
        raise errors.BadRequest('Give {"name": "<bundled scenario>"} or {"scenario": {...}}')
    if isinstance(source, str) and source not in loader.bundled_names():
        # never a path: reading files named by a request would hand any client the server's file system
        raise errors.BadRequest(f"Unknown scenario {source!r}: over HTTP give a bundled name or an inline "
                                f"document; bundled scenarios are: {', '.join(loader.bundled_names())}")
    return json_response({"scenario": operations.load_scenario(runtime(), source)}, 201)


def unload_all() -> Response:
    """Unload every scenario."""
    return json_response(operations.unload_scenario(runtime()))


def unload_scenario(name: str) -> Response:
    """Unload one scenario."""
    return json_response(operations.unload_scenario(runtime(), name))


def show_clock() -> Response:
    """The fake cloud's time."""
    return json_response(operations.clock(runtime()))


def change_clock() -> Response:
    """Move the clock: {"advance": seconds} and/or {"freeze": true|false}."""
    body = _body()
    if not {"advance", "freeze"} & set(body):
        raise errors.BadRequest('Give {"advance": seconds} or {"freeze": true|false}')
    result = operations.clock(runtime())
    if "freeze" in body:
        result = operations.freeze_clock(runtime(), body["freeze"])
    if "advance" in body:
        result = operations.advance_clock(runtime(), body["advance"])
    return json_response(result)


def list_servers() -> Response:
    """Every server's stored state (?project_id= for one project)."""
    return json_response({"servers": operations.servers(runtime(), request.args.get("project_id"))})


def set_state(server_id: str) -> Response:
    """Force a server's state: {"vm_state", "task_state", "power_state", "fault", "locked"}."""
    return json_response({"server": operations.set_server_state(runtime(), server_id, _body())})


def step(server_id: str) -> Response:
    """Move a server one step along its action (for the manual pace)."""
    return json_response({"server": operations.step_server(runtime(), server_id)})


def step_volume(collection: str, record_id: str) -> Response:
    """End a volume's or snapshot's transient status (for the manual pace); 404 for another collection."""
    if collection not in operations.VOLUME_KINDS:
        raise errors.NotFound(f"No control-plane collection {collection!r}")
    return json_response({"record": operations.step_volume(runtime(), collection, record_id)})


def show_journal() -> Response:
    """The request journal: method, path, microversion, project, status, fake-clock time, the servers touched,
    request and response headers and bodies (secrets redacted), every rule's verdict (?server_id= to filter)."""
    return json_response({"journal": operations.journal(runtime(), request.args.get("server_id") or None)})


def clear_journal() -> Response:
    """Empty the request journal."""
    return json_response(operations.clear_journal(runtime()))


_OPEN: Dict[str, Any] = dict(public=True, negotiates=False)

ROUTES = (
    Route("GET", "", describe, **_OPEN),
    Route("GET", "/health", health, **_OPEN),
    Route("POST", "/reset", reset, **_OPEN),
    Route("POST", "/seed", seed, **_OPEN),
    Route("GET", "/scenarios", list_scenarios, **_OPEN),
    Route("POST", "/scenarios", load_scenario, **_OPEN),
    Route("DELETE", "/scenarios", unload_all, **_OPEN),
    Route("DELETE", "/scenarios/<name>", unload_scenario, **_OPEN),
    Route("GET", "/clock", show_clock, **_OPEN),
    Route("POST", "/clock", change_clock, **_OPEN),
    Route("GET", "/servers", list_servers, **_OPEN),
    Route("PUT", "/servers/<server_id>/state", set_state, **_OPEN),
    Route("POST", "/servers/<server_id>/step", step, **_OPEN),
    Route("POST", "/<collection>/<record_id>/step", step_volume, **_OPEN),
    Route("GET", "/journal", show_journal, **_OPEN),
    Route("DELETE", "/journal", clear_journal, **_OPEN),
)


def control_blueprint() -> Blueprint:
    """The ``/_fakenova`` blueprint, every request checked by :func:`guard`."""
    control = blueprint("control", "/_fakenova", ROUTES)
    control.before_request(guard)
    return control
