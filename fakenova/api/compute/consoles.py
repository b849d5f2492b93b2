"""Remote consoles: the ``os-get*Console`` actions (≤2.5) and ``POST /servers/{id}/remote-consoles`` (2.6+).

The console proxies are devstack's, on the host the client used; each URL carries a fresh token. Which
``type`` each ``protocol`` serves is a table, as are the URL templates.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import Response, request

from ...domain import errors, policy, server_actions
from ...domain.lifecycle.table import LIFECYCLE, Action
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from .schemas import actions as schemas

#: console type -> devstack's proxy URL for it
URLS: Mapping[str, str] = {
    "novnc": "http://{host}:6080/vnc_lite.html?path=%3Ftoken%3D{token}",
    "spice-html5": "http://{host}:6082/spice_auto.html?token={token}",
    "spice-direct": "http://{host}:13002/nova?token={token}",
    "serial": "ws://{host}:6083/?token={token}",
    "webmks": "http://{host}:6090/vnc_auto.html?token={token}",
}

#: protocol -> the console types it serves (rdp is gone from Nova; xvpvnc lost its proxy)
PROTOCOL_TYPES: Mapping[str, frozenset] = {
    "vnc": frozenset({"novnc"}), "spice": frozenset({"spice-html5", "spice-direct"}),
    "serial": frozenset({"serial"}), "mks": frozenset({"webmks"}),
}

#: legacy action -> its protocol
LEGACY_PROTOCOLS: Mapping[Action, str] = {
    Action.VNC_CONSOLE: "vnc", Action.SPICE_CONSOLE: "spice", Action.SERIAL_CONSOLE: "serial",
}


def _url(protocol: str, console_type: str) -> str:
    if protocol not in PROTOCOL_TYPES:
        raise errors.BadRequest(f"Unavailable console type {protocol}.")
    if console_type not in PROTOCOL_TYPES[protocol]:
        raise errors.BadRequest(f"Unavailable console type {console_type}.")
    host = urlsplit(request.host_url).hostname or "127.0.0.1"
    return URLS[console_type].format(host=host, token=runtime().ids.uuid())


def legacy(action: Action, server_id: str, payload: Any) -> Response:
    """Run an ``os-get*Console`` action: 200 ``{"console": {"type", "url"}}``.

    Nova's legacy console controllers check the rule with no target (the caller's own project) before loading
    the instance, so a refused caller is refused even for another project's or a missing server.
    """
    policy.authorize(context(), LIFECYCLE[action].rule)
    server_actions.guarded(runtime(), context(), action, server_id)
    url = _url(LEGACY_PROTOCOLS[action], payload["type"])
    return json_response({"console": {"type": payload["type"], "url": url}}, 200)


def create(server_id: str) -> Response:
    """``POST /servers/{id}/remote-consoles`` (2.6+): 200 ``{"remote_console": {protocol, type, url}}``."""
    body = read_json()
    ctx = context()
    validate_body(schemas.REMOTE_CONSOLE, ctx.version, body)
    wanted = body["remote_console"]
    server_actions.guarded(runtime(), ctx, Action.REMOTE_CONSOLE, server_id)
    url = _url(wanted["protocol"], wanted["type"])
    return json_response({"remote_console": {"protocol": wanted["protocol"], "type": wanted["type"], "url": url}},
                         200)


ROUTES = (
    Route("POST", "/servers/<server_id>/remote-consoles", create, versions=LIFECYCLE[Action.REMOTE_CONSOLE].versions,
          policy="os_compute_api:os-remote-consoles"),
)
