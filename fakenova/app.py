"""The app factory: build one Flask app from settings, with its own store, clock and ids.

Nothing here is module-level state; every call returns an independent app (tests make many).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Union

from flask import Flask, Response, redirect, request
from flask.sessions import NullSession, SessionInterface

from .api import pipeline
from .api.http import base_url, json_response
from .api.routes import blueprints
from .api.routing import LazyBuildRule
from .clock import Clock
from .control import control_blueprint
from .runtime import Runtime
from .scenario import http as scenario_http
from .settings import Settings
from .store import Store
from .ui import HOME, ui_blueprint, wants_html


def _index() -> Response:
    """``GET /``: where each service lives on this one port; a browser is sent to the dashboard."""
    if wants_html(request):
        response: Response = redirect(HOME, 303)  # type: ignore[assignment]
    else:
        base = base_url()
        services = {name: f"{base}{path}" for name, path in (
            ("identity", "/identity/v3"), ("compute", "/compute/v2.1"), ("image", "/image/v2"),
            ("network", "/network/v2.0"), ("control", "/_fakenova"))}
        response = json_response({"name": "fakenova", "services": services})
    response.vary.add("Accept")  # the answer depends on it: a browser gets the dashboard
    return response


class _NoSessions(SessionInterface):
    """fakenova keeps no cookie sessions: every request shares one empty, read-only session, instead of
    Flask building (and then declining to save) a fresh one per request."""

    _shared = NullSession()

    def open_session(self, app: Flask, request: Any) -> NullSession:
        return self._shared

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


class _Flask(Flask):
    """Flask, minus work per request that fakenova never needs: every view and hook is a plain function, so
    ``ensure_sync`` has no coroutine to wrap (Flask would inspect each one on every call), and no sessions."""

    session_interface = _NoSessions()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


def create_app(settings: Optional[Settings] = None, *, store: Union[Store, str, None] = None,
               clock: Optional[Clock] = None) -> Flask:
    """Build a fakenova WSGI app, seeded with the fixtures.

    :param settings: configuration; ``Settings()`` defaults when None.
    :param store: the store to use, or its URL (``redis://host:6379/0``: several apps, in as many processes,
        serve one cloud); opened from ``settings.store_url`` when None.
    :param clock: the clock; an :class:`~fakenova.clock.OffsetClock` (system time) when None.

    .. versionadded:: 0.1
    """
    runtime = Runtime.build(settings, store=store, clock=clock)
    app = _Flask("fakenova")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_rule_class = LazyBuildRule
    app.extensions["fakenova"] = runtime
    begin, end = getattr(runtime.store, "begin_request", None), getattr(runtime.store, "end_request", None)
    if begin is not None and end is not None:  # a store that caches reads per request (Redis)
        app.before_request(begin)
        app.teardown_request(end)
    if runtime.sharing is not None:  # first of all: the settings and clock other processes may have moved
        app.before_request(runtime.sharing.sync)
    pipeline.install(app)
    scenario_http.install(app)  # after the pipeline: its after-request hook runs before the journal's
    app.add_url_rule("/", "index", _index)
    for bp in blueprints():
        app.register_blueprint(bp)
    app.register_blueprint(control_blueprint())
    app.register_blueprint(ui_blueprint())
    runtime.start()
    return app
