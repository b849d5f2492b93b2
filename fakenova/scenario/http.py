"""Where the scenario engine meets HTTP: probe a request, act on the engine's decision, damage the transport.

``before_dispatch`` runs at the end of the pipeline's before-request hook (after size, token, route and version
negotiation, so a canned response carries Nova's headers); ``after_dispatch`` hides servers from lists for
``list_lag`` rules and hands the rule verdicts to the journal; :class:`TransportMiddleware` wraps the WSGI app
to drop connections, truncate bodies or send them slowly.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs

from flask import Flask, Response, current_app, g, request

from ..api.http import base_url, dumps
from ..api.http import runtime as current_runtime
from ..api.routing import route_of
from ..domain import errors
from ..domain.lifecycle import engine as lifecycle
from ..domain.ports import Runtime
from . import model
from .engine import Probe, ScenarioEngine
from .matchers import NO_BODY
from .seeding import pin_server

_COMPUTE_PREFIX = "/compute/v2.1"
_ENVIRON_KEY = "fakenova.transport"


class ScriptedError(errors.FakeNovaError):
    """A canned response from a ``respond`` rule, rendered by the service's fault renderer."""

    def __init__(self, respond: model.Respond, params: Mapping[str, str]) -> None:
        super().__init__(fill(respond.message, params),
                         headers={name: fill(value, params) for name, value in respond.headers.items()})
        self.code = respond.status
        self.fault_name = respond.fault


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(text: str, params: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` that ``params`` knows replaced; other braces stay as they are."""
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), text)


def fill_json(value: Any, params: Mapping[str, str]) -> Any:
    """Every string (keys too) of a JSON value, filled."""
    if isinstance(value, str):
        return fill(value, params)
    if isinstance(value, list):
        return [fill_json(item, params) for item in value]
    if isinstance(value, dict):
        return {fill(str(key), params): fill_json(item, params) for key, item in value.items()}
    return value


def verbatim_response(respond: model.Respond, params: Mapping[str, str]) -> Response:
    """The rule's own body (JSON or text), status and headers, templated."""
    if respond.body_text is not None:
        data, mimetype = fill(respond.body_text, params), respond.content_type or "text/plain"
    else:
        data, mimetype = json.dumps(fill_json(respond.body, params)), "application/json"
    response = Response(data, status=respond.status, mimetype=None, content_type=mimetype)
    for name, value in respond.headers.items():
        response.headers[name] = fill(value, params)
    return response


def _request_action(body: Any) -> Optional[lifecycle.Action]:
    """The lifecycle action the matched route will run for this request, resolved as its handler resolves it."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    route = route_of(current_app.view_functions.get(req.endpoint)) if req.endpoint else None
    if route is None or route.action_of is None:
        return None
    return route.action_of(req.view_args or {}, body)


def _api_path(path: str) -> Optional[str]:
    if not path.startswith(_COMPUTE_PREFIX + "/"):
        return None
    rest = path[len(_COMPUTE_PREFIX):]
    project = (request.view_args or {}).get("project_id")
    if project and rest.startswith(f"/{project}/"):
        rest = rest[len(project) + 1:]
    return rest


def probe_request(runtime: Runtime) -> Probe:
    """The facts of the current request that rules can test (the costlier ones only when a rule tests them)."""
    req, state = request._get_current_object(), g._get_current_object()  # type: ignore[attr-defined]
    service = getattr(state, "fakenova_service", None)
    ctx = getattr(state, "fakenova_ctx", None)
    environ, method, path = req.environ, req.method, req.path
    body = req.get_json(force=True, silent=True, cache=True) if method in ("POST", "PUT") else None
    server_id = (req.view_args or {}).get("server_id")
    engine = engine_of(runtime)
    needs = engine.needs() if engine is not None else frozenset()
    name, metadata = _server_facts(runtime, server_id, body) if "server" in needs else (None, {})
    return Probe(
        query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True) if "query" in needs else {},
        headers=HeaderView(environ) if "headers" in needs else {},
        body=NO_BODY if body is None else body,
        method=method, path=path.rstrip("/") or "/", api_path=_api_path(path),
        service=_SERVICES.get(service.name) if service is not None else None,
        action=_request_action(body), version=getattr(state, "fakenova_version", None),
        project=(ctx.identity.project_id, ctx.identity.project_name) if ctx else (),
        user=(ctx.identity.user_id, ctx.identity.user_name) if ctx else (),
        server_id=server_id, server_name=name, metadata=metadata)


def _server_facts(runtime: Runtime, server_id: Optional[str], body: Any) -> Tuple[Optional[str], Dict[str, str]]:
    """The name and metadata of the server the request names, or creates."""
    name, metadata = None, {}
    if server_id is not None:
        record = runtime.store.get("server", server_id)
        if record is not None:
            name, metadata = record.name, dict(record.metadata)
    elif isinstance(body, dict) and isinstance(body.get("server"), dict):
        name = body["server"].get("name")
        metadata = body["server"].get("metadata") or {}
    return (name if isinstance(name, str) else None,
            {str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {})


_SERVICES = {member.value: member for member in model.Service}


class HeaderView(Mapping[str, str]):
    """The request's headers by lower-case name, read from the WSGI environ only for the names asked."""

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self.environ = environ

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:  # type: ignore[override]
        key = name.upper().replace("-", "_")
        value = self.environ.get(key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key)
        return default if value is None else str(value)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter([key[5:].replace("_", "-").lower() for key in self.environ if key.startswith("HTTP_")])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def engine_of(runtime: Runtime) -> Optional[ScenarioEngine]:
    return getattr(runtime, "engine", None)


def before_dispatch(runtime: Runtime) -> Optional[Response]:
    """Apply the rules that act before the handler: pins, transport faults, delays, canned responses (a
    verbatim one is returned, for the pipeline to answer with; a Nova-shaped one is raised)."""
    engine = engine_of(runtime)
    if engine is None or not engine.rules():
        return None
    probe = probe_request(runtime)
    decision = engine.before_dispatch(probe)
    g.fakenova_decision = decision
    for rule, _ in decision.pins:
        if probe.server_id is not None and rule.then.pin is not None:
            pin_server(runtime, probe.server_id, rule.then.pin)
    if decision.transport is not None:
        request.environ[_ENVIRON_KEY] = (decision.transport.then.transport, engine.pause)
    if decision.respond is None:
        if decision.delay:
            engine.pause(decision.delay)
        return None
    rule, params = decision.respond
    respond = rule.then.respond
    assert respond is not None
    delay = decision.delay + (rule.then.delay or respond.delay)
    if delay:
        engine.pause(delay)
    values = {"server_id": probe.server_id or "", "project_id": probe.project[0] if probe.project else "",
              "request_id": getattr(g, "fakenova_request_id", None) or "", "base_url": base_url(), **params}
    if respond.verbatim:
        return verbatim_response(respond, values)
    raise ScriptedError(respond, values)


def after_dispatch(response: Response) -> Response:
    """Hide new servers from lists for ``list_lag`` rules; hand the rule verdicts to the journal."""
    engine = engine_of(current_runtime())
    if engine is None:
        return response
    decision = getattr(g._get_current_object(), "fakenova_decision", None)
    if decision is not None and decision.lags and response.status_code == 200 and response.is_json:
        _lag(engine, decision.lags, response)
    trace = engine.finish()
    entries = trace.entries() if trace is not None else None
    if entries:
        g.fakenova_rules = entries
    return response


def _lag(engine: ScenarioEngine, rules: List[model.Rule], response: Response) -> None:
    body = response.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("servers"), list):
        return
    store = engine.runtime.store
    listed = {item["id"]: store.get("server", item["id"]) for item in body["servers"] if "id" in item}
    created = {key: server.created_at for key, server in listed.items() if server is not None}
    trace = engine.current()
    for rule in rules:
        hidden = set(engine.hidden(rule, created))
        fired = bool(hidden) and engine.take(rule) is None
        if trace is not None:
            trace.record(rule, fired, f"fired: hid {len(hidden)} new server(s)" if fired
                         else "skipped: no new server to hide")
        body["servers"] = [item for item in body["servers"] if item.get("id") not in hidden]
    response.set_data(dumps(body))


class TransportMiddleware:
    """Wrap a WSGI app so a ``transport`` rule can drop, truncate or slow the response on the wire.

    :param app: the WSGI app (a Flask app's ``wsgi_app``).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        held: List[Any] = []
        body = self.app(environ, lambda status, headers, exc_info=None: held.append((status, headers, exc_info)))
        fault = environ.get(_ENVIRON_KEY)
        if fault is None:
            start_response(*held[0])
            return body
        transport, pause = fault
        data = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if transport.kind is model.Transport.DROP:
            raise _disconnect()
        start_response(*held[0])
        if transport.kind is model.Transport.TRUNCATE:
            return [data[: len(data) // 2]]
        return _slowly(data, transport, pause)


def _slowly(data: bytes, transport: model.TransportFault, pause: Callable[[float], None]) -> Iterator[bytes]:
    size = max(1, -(-len(data) // transport.chunks))
    for start in range(0, len(data), size):
        if start:
            pause(transport.delay)
        yield data[start:start + size]


def _disconnect() -> BaseException:
    """The exception that makes the WSGI server close the socket without answering."""
    try:
        from waitress.channel import ClientDisconnected  # waitress closes silently on this one
    except ImportError:  # pragma: no cover - waitress is a dependency
        return ConnectionAbortedError("fakenova: scripted dropped connection")
    return ClientDisconnected("fakenova: scripted dropped connection")


def install(app: Flask) -> None:
    """Hook the engine into ``app``: after-dispatch hook and transport middleware (before-dispatch is called
    by the pipeline, in its order of precedence)."""
    app.after_request(after_dispatch)
    app.wsgi_app = TransportMiddleware(app.wsgi_app)  # type: ignore[method-assign]

