"""Render every error as its service would: Nova's fault body, Keystone's error body, or Neutron's.

Declared errors (``domain/errors.py``) are rendered here and only here. Werkzeug's HTTP exceptions (routing
404/405, oversized bodies) are mapped onto the same shapes, so no response is ever HTML.
"""
from __future__ import annotations

from typing import Dict, Mapping

from flask import Response
from werkzeug.exceptions import HTTPException

from ..domain import errors
from .http import json_response

KEYSTONE_TITLES: Mapping[int, str] = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 413: "Request Entity Too Large", 415: "Unsupported Media Type", 500: "Internal Server Error",
}

_HTTP_TO_ERROR: Mapping[int, type] = {
    404: errors.NotFound, 405: errors.MethodNotAllowed, 413: errors.RequestTooLarge,
}


def from_http_exception(exc: HTTPException) -> errors.FakeNovaError:
    """The declared error for a werkzeug exception (routing, size), keeping its code."""
    error_type = _HTTP_TO_ERROR.get(exc.code or 500)
    if error_type is errors.RequestTooLarge:
        from ..settings import MAX_REQUEST_BODY

        return errors.RequestTooLarge(limit=MAX_REQUEST_BODY)
    if error_type is errors.MethodNotAllowed:
        # RFC 9110 15.5.6: a 405 names the methods the resource does allow (werkzeug matched them)
        allowed = getattr(exc, "valid_methods", None) or ()
        return errors.MethodNotAllowed(headers={"Allow": ", ".join(sorted(allowed))} if allowed else None)
    if error_type is not None:
        return error_type()
    error = errors.FakeNovaError(exc.description or exc.name)
    error.code = exc.code or 500
    return error


def nova_fault(error: errors.FakeNovaError) -> Response:
    """``{"<faultName>": {"code", "message"}}``; overLimit also carries ``retryAfter`` when set."""
    name = getattr(error, "fault_name", None) or errors.fault_name(error.code)  # scripted ones
    fault: Dict[str, object] = {"code": error.code, "message": error.message}
    if name == "overLimit" and "Retry-After" in error.headers:
        fault["retryAfter"] = error.headers["Retry-After"]
    return json_response({name: fault}, error.code, error.headers)


def keystone_error(error: errors.FakeNovaError, identity_url: str) -> Response:
    """Keystone's ``{"error": {"code", "title", "message"}}``; a 401 adds ``WWW-Authenticate``."""
    title = getattr(error, "title", None)
    if not isinstance(error, errors.IdentityError):
        title = KEYSTONE_TITLES.get(error.code, "Error")
    headers = dict(error.headers)
    if error.code == 401:
        headers["WWW-Authenticate"] = f'Keystone uri="{identity_url}"'
    body = {"error": {"code": error.code, "title": title, "message": error.message}}
    return json_response(body, error.code, headers)


def neutron_error(error: errors.FakeNovaError) -> Response:
    """Neutron's ``{"NeutronError": {"type", "message", "detail"}}``."""
    kind = type(error).__name__
    body = {"NeutronError": {"type": kind, "message": error.message, "detail": ""}}
    return json_response(body, error.code, error.headers)
