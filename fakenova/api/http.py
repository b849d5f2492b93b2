"""Small HTTP helpers shared by every handler: JSON in, JSON out, and the current runtime and context.

This is the only place that parses a request body, so Content-Type and JSON errors are answered in Nova's
order of precedence (415 before 400) everywhere, and hostile JSON is refused once, at the edge, before any
value can be stored: nesting deeper than :data:`MAX_DEPTH` and lone surrogates (text no view can encode)
are 400s (:func:`parse_json`). Response headers built from user data go through :func:`header_value`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Mapping, Optional, Tuple, TypeVar
from urllib.parse import quote

from flask import Response, current_app, g, request

from ..domain import errors
from ..domain.context import RequestContext
from ..runtime import Runtime

JSON_TYPES = ("application/json", "application/vnd.openstack.compute+json")
_NO_BODY = object()

#: deepest nesting of objects and arrays a body may have; Nova's deepest body (a server create with block
#: devices and scheduler hints) is 5 levels, and deeper input only ever served to crash the parser
MAX_DEPTH = 32
#: a body that may hold a lone surrogate: the escape ``\ud800``-``\udfff`` or its UTF-8 bytes (which
#: json.loads decodes with "surrogatepass"). Cheap, run on the raw bytes; a hit is confirmed by encoding.
_MAYBE_SURROGATE = re.compile(rb"\\[uU][dD][89abcdefABCDEF]|\xed[\xa0-\xbf]")


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects/arrays deeper than ``limit`` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def parse_json(raw: bytes) -> Any:
    """``raw`` parsed as JSON, or :class:`~errors.MalformedBody` (400) for input fakenova will not keep.

    Refused: unparsable text, nesting deeper than :data:`MAX_DEPTH` (a RecursionError otherwise, in the
    parser or in any later walk of the value) and lone surrogates (stored, they would make every later
    read of the resource fail to encode).
    """
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise errors.MalformedBody() from None
    # brackets are counted in C; only a body with many of them is walked for its depth
    if isinstance(value, (dict, list)) and raw.count(b"[") + raw.count(b"{") > MAX_DEPTH \
            and _depth_exceeds(value, MAX_DEPTH):
        raise errors.MalformedBody(f"Malformed request body: nested deeper than {MAX_DEPTH} levels")
    if _MAYBE_SURROGATE.search(raw) or b"\x00" in raw[:4]:  # a NUL up front: UTF-16/32, decoded as-is
        try:
            dumps(value)
        except UnicodeEncodeError:
            raise errors.MalformedBody("Invalid input for field/attribute: the request body contains a lone "
                                       "UTF-16 surrogate, which is not a valid Unicode character") from None
    return value


def header_value(text: str) -> str:
    """``text`` safe to send as a header value: characters outside printable ASCII are percent-encoded.

    Headers are built from user data (a tag in ``Location``); a CR/LF would split the header (werkzeug
    refuses it, a 500 after the tag was stored) and non-Latin-1 text cannot be written at all. Printable
    ASCII is kept as is, so quotes and spaces (``WWW-Authenticate``) and existing escapes are untouched.
    """
    if text.isascii() and text.isprintable():  # every header fakenova writes itself: one C-speed test
        return text
    return "".join(ch if " " <= ch <= "~" else quote(ch, safe="", errors="surrogatepass") for ch in text)


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
        response.headers[name] = header_value(value)
    return response


_BASE_URLS: Dict[Tuple[Any, ...], str] = {}


def base_url() -> str:
    """``scheme://host[:port]`` as the client reached this server (or ``--public-url``): links point there.

    werkzeug's ``host_url`` parses and IRI-decodes the URL on every call; the answer depends only on these
    environ values, which are the same for every request of a client, so it is worked out once per value.
    """
    public = runtime().settings.public_url
    if public:  # behind a proxy, or so that a page reaching us under another Host cannot steer the links
        return public
    environ = request.environ
    key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"))
    url = _BASE_URLS.get(key)
    if url is None:
        if len(_BASE_URLS) > 1024:  # bounded: a client could send any Host header
            _BASE_URLS.clear()
        url = _BASE_URLS[key] = request.host_url.rstrip("/")
    return url


def legacy_v2() -> bool:
    """Whether the request came through Nova's legacy v2.0 endpoint (``/compute/v2``)."""
    return bool(getattr(g._get_current_object(), "fakenova_legacy_v2", False))


def compute_root() -> str:
    """The path of the compute endpoint the request came through: ``/compute/v2.1`` or ``/compute/v2``."""
    return "/compute/v2" if legacy_v2() else "/compute/v2.1"


def runtime() -> Runtime:
    """The app's runtime (settings, store, clock, ids).

    Nothing reads or writes state before the route's policy: a refusal the route left pending
    (``api/routing.py``) is raised here, once the handler has checked the request's shape.
    """
    refused = g.pop("fakenova_refused", None)
    if refused is not None:
        raise refused
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
    return parse_json(raw)


Entry = TypeVar("Entry")


def action_body(actions: Mapping[str, Entry]) -> Tuple[str, Entry, Dict[str, Any]]:
    """Nova's ``POST .../action`` dispatch: a body of exactly one key (400 otherwise), a key the resource knows
    (400 ``There is no such action``); returns the key, its entry in ``actions`` and the body."""
    body = read_json()
    if not isinstance(body, dict) or len(body) != 1:
        raise errors.MalformedBody()
    key = next(iter(body))
    entry = actions.get(key)
    if entry is None:
        raise errors.BadRequest(f"There is no such action: {key}")
    return key, entry, body
