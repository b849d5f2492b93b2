"""Small HTTP helpers shared by every handler: JSON in, JSON out, and the current runtime and context.

This is the only place that reads a request body, so Content-Type and JSON errors are answered in Nova's
order of precedence (415 before 400) everywhere.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Tuple

from flask import Response, current_app, g, request

from ..domain import errors
from ..domain.context import RequestContext
from ..runtime import Runtime

JSON_TYPES = ("application/json", "application/vnd.openstack.compute+json")
_NO_BODY = object()


def dumps(body: Any) -> bytes:
    """Encode a response body compactly."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: Optional[Mapping[str, str]] = None) -> Response:
    """A JSON response; ``body=None`` gives an empty body (204, 202 without content)."""
    if body is None:
        response = Response(b"", status=status)
        response.headers.pop("Content-Type", None)
    else:
        response = Response(dumps(body), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


_BASE_URLS: Dict[Tuple[Any, ...], str] = {}


def base_url() -> str:
    """``scheme://host[:port]`` as the client reached this server: links in bodies point there.

    werkzeug's ``host_url`` parses and IRI-decodes the URL on every call; the answer depends only on these
    environ values, which are the same for every request of a client, so it is worked out once per value.
    """
    environ = request.environ
    key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"))
    url = _BASE_URLS.get(key)
    if url is None:
        if len(_BASE_URLS) > 1024:  # bounded: a client could send any Host header
            _BASE_URLS.clear()
        url = _BASE_URLS[key] = request.host_url.rstrip("/")
    return url


def runtime() -> Runtime:
    """The app's runtime (settings, store, clock, ids)."""
    return current_app.extensions["fakenova"]


def context() -> RequestContext:
    """The current request's context, built by the pipeline before the handler runs."""
    return g.fakenova_ctx


def read_json(default: Any = _NO_BODY) -> Any:
    """The request body as JSON, as Nova reads it.

    No Content-Type or ``text/plain`` is read as JSON; any other non-JSON type is 415. An empty body is
    ``default`` when one is given, else ``None`` (which schemas then reject). Unparsable JSON is 400.
    """
    # the media type alone, as request.mimetype gives it, without parsing the parameters
    content_type = request.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if content_type and content_type != "text/plain" and content_type not in JSON_TYPES:
        raise errors.UnsupportedMediaType()
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None if default is _NO_BODY else default
    try:
        return json.loads(raw)
    except ValueError:
        raise errors.MalformedBody() from None
