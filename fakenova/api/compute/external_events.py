"""``POST /os-server-external-events``: other services' events about servers, answered one by one."""
from __future__ import annotations

from flask import Response

from ...domain import external_events
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from .schemas.external_events import CREATE


def create() -> Response:
    body = read_json()
    validate_body(CREATE, context().version, body)
    answered, code = external_events.create_events(runtime(), context(), body["events"])
    return json_response({"events": answered}, code)


ROUTES = (
    Route("POST", "/os-server-external-events", create, policy="os_compute_api:os-server-external-events:create"),
)
