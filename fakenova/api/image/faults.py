"""Glance's error responses: webob's ``HTTPError`` bodies, negotiated on ``Accept`` as webob does.

webob offers ``text/html`` then ``application/json``: a client accepting JSON (keystoneauth, tempest) gets
``{"message": ..., "code": "404 Not Found", "title": "Not Found"}``; ``*/*`` gets webob's HTML page; no
acceptable offer (no ``Accept`` at all) gets its plain-text page. The message is webob's body template:
explanation, two ``<br />``, the detail, then blank lines.
"""
from __future__ import annotations

import json
import re
from html import escape
from typing import Callable, Dict, Mapping, Optional, Tuple

from flask import Response, request

from ...domain import errors
from ..http import header_value

#: webob's title and default explanation for each status Glance answers with
WEBOB: Mapping[int, Tuple[str, str]] = {
    400: ("Bad Request", "The server could not comply with the request since\r\n"
                         "it is either malformed or otherwise incorrect.\r\n"),
    403: ("Forbidden", "Access was denied to this resource."),
    404: ("Not Found", "The resource could not be found."),
    405: ("Method Not Allowed", ""),
    409: ("Conflict", "There was a conflict when trying to complete your request."),
    410: ("Gone", "This resource is no longer available.  No forwarding address is given."),
    413: ("Request Entity Too Large", "The body of your request was too large for this server."),
    415: ("Unsupported Media Type", ""),
    416: ("Request Range Not Satisfiable", "The Range requested is not available."),
    500: ("Internal Server Error", "The server has either erred or is incapable of performing\r\n"
                                   "the requested operation.\r\n"),
    501: ("Not Implemented", "The server has not implemented the method or the function."),
    503: ("Service Unavailable", "The server is currently unavailable. Please try again at a later time."),
}
_OFFERS = ("text/html", "application/json")


def _parts(error: errors.FakeNovaError) -> Tuple[str, str]:
    """(explanation, detail) as Glance hands them to webob."""
    if getattr(error, "detail", False):
        return WEBOB.get(error.code, ("", ""))[1], error.message
    return error.message, ""


def _template(error: errors.FakeNovaError, esc: Callable[[str], str] = str) -> str:
    """webob's body template (405 and 415 have their own) filled in, each value passed through ``esc``."""
    explanation, detail = (esc(part) for part in _parts(error))
    if error.code == 405:
        return f"The method {request.method} is not allowed for this resource. <br /><br />\n{detail}"
    if error.code == 415:
        media = esc(request.environ.get("CONTENT_TYPE") or "${CONTENT_TYPE}")
        return f"The request media type {media} is not supported by this server.\n<br /><br />\n{detail}"
    return f"{explanation}<br /><br />\n{detail}\n\n"


def _match() -> Optional[str]:
    """webob's ``acceptable_offers(["text/html", "application/json"])[0]``: best quality, offer order on ties."""
    header = request.environ.get("HTTP_ACCEPT", "")
    if not header.strip():
        return None
    accept = request.accept_mimetypes
    scored = [(accept.quality(offer), -index, offer) for index, offer in enumerate(_OFFERS)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None


def _plain(body: str) -> str:
    """webob's ``strip_tags``: newlines to spaces, ``<br>`` to newlines, other tags dropped."""
    text = body.replace("\n", " ").replace("\r", "")
    text = re.sub(r"<br.*?>", "\n", text, flags=re.I | re.S)
    text = re.sub(r"<!--|-->", "", text)
    return re.sub(r"<.*?>", "", text, flags=re.S)


def glance_error(error: errors.FakeNovaError) -> Response:
    """The response Glance's webob stack gives for ``error``."""
    title = WEBOB.get(error.code, (getattr(error, "title", None) or "Error", ""))[0]
    status = f"{error.code} {title}"
    offer = _match()
    body = _template(error, escape if offer == "text/html" else str)
    if offer == "application/json":
        payload = json.dumps({"message": body, "code": status, "title": title})
        content_type = "application/json"
    elif offer == "text/html":
        payload = (f"<html>\n <head>\n  <title>{status}</title>\n </head>\n <body>\n  <h1>{status}</h1>\n"
                   f"  {body}\n </body>\n</html>")
        content_type = "text/html; charset=UTF-8"
    else:
        payload, content_type = f"{status}\n\n{_plain(body)}", "text/plain; charset=UTF-8"
    headers: Dict[str, str] = {name: header_value(value) for name, value in error.headers.items()}
    return Response(payload.encode("utf-8"), status=error.code,
                    content_type=content_type, headers=headers)
