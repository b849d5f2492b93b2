"""The dashboard: server-rendered pages under ``/_fakenova/ui/`` showing what the fake cloud holds and answered.

``pages`` holds the views, ``cloud`` and ``journal`` what they read (without writing), ``templates/`` the
Jinja templates (autoescaped) and ``static/`` one stylesheet and one small script. This module is all that
``create_app`` imports: the views load on the first dashboard request, so the dashboard adds nothing to
start-up, and nothing to an API request (the pipeline treats ``/_fakenova/ui`` as the unjournalled,
unscripted control plane).
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, Request, Response

#: where ``GET /`` sends a browser
HOME = "/_fakenova/ui/"

#: the pages: (path, endpoint, view function in ``pages``)
ROUTES = (
    ("/", "cloud", "cloud_page"),
    ("/servers/<server_id>", "server", "server_page"),
    ("/requests", "requests", "requests_page"),
    ("/requests/<request_id>", "request", "request_page"),
    ("/scenarios", "scenarios", "scenarios_page"),
    ("/controls", "controls", "controls_page"),
)


def wants_html(request: Request) -> bool:
    """True when the client prefers HTML to JSON (a browser); ``*/*`` and JSON clients get JSON."""
    accept = request.accept_mimetypes
    return accept["text/html"] > accept["application/json"]


def _lazy(name: str) -> Callable[..., Response]:
    """A view that imports ``pages`` when first called and hands over to ``pages.<name>``."""
    def view(**kwargs: str) -> Response:
        from . import pages

        return getattr(pages, name)(**kwargs)

    view.__name__ = view.__qualname__ = name
    return view


#: headers on every dashboard response: only this origin's script and styles run (hostile server names cannot
#: bring their own), and no other site may frame the pages to click their controls
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _secure(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def ui_blueprint() -> Blueprint:
    """The ``/_fakenova/ui`` blueprint, with its templates and static files (read only when asked for)."""
    bp = Blueprint("ui", __name__, url_prefix="/_fakenova/ui", template_folder="templates",
                   static_folder="static")
    for path, endpoint, name in ROUTES:
        bp.add_url_rule(path, endpoint, _lazy(name), methods=["GET"])
    bp.after_request(_secure)  # runs for this blueprint's requests only
    return bp


__all__ = ["HOME", "ROUTES", "ui_blueprint", "wants_html"]
