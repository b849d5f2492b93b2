"""The request journal's entries: what is captured for each request, and how a stored entry is read back.

Capture runs on every API request, so it only keeps what is already in hand: the request's header values
from the WSGI environ, the request body the handler already read, the response's header list and the body
it already built. Each body is kept whole up to :data:`BODY_CAP` bytes (a reference, no copy); a longer one
is cut to that size (one copy of the cap, so the big body is not kept alive) and flagged truncated. The
store keeps these captures for its newest entries only (:data:`fakenova.store.memory.CAPTURE_LIMIT`).

Everything costly happens when somebody reads the journal (the control plane's ``GET /_fakenova/journal``,
the dashboard): decoding, redaction of tokens, passwords and secrets, and working out which servers a
create made. A stored entry is never shown unredacted.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .api.http import parse_json
from .domain import errors
from .domain.ports import Store

#: the most bytes of each body a journal entry keeps
BODY_CAP = 16 * 1024
#: request environ keys recorded as headers besides ``HTTP_*`` (WSGI keeps these two apart)
_PLAIN_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH")

#: the text shown in place of a secret
REDACTED = "***"
#: headers whose values are never shown (lower case)
SECRET_HEADERS = frozenset({"x-auth-token", "x-subject-token", "x-service-token", "x-fakenova-control-token",
                            "authorization", "proxy-authorization", "cookie", "set-cookie"})
#: JSON keys whose values are never shown, anywhere in a body: password, original_password, adminPass,
#: an application credential's or EC2 credential's secret, a keypair's private key
SECRET_KEY = re.compile(r"password|adminpass|secret|private_key", re.IGNORECASE)
#: keys naming a token: a string value is the token itself, and in a mapping under them ``id`` is the token
TOKEN_KEYS = frozenset({"token", "auth_token", "access_token", "refresh_token"})
#: the same secrets in text that is not a whole JSON document (a truncated body): ``"key": "value"``
_SECRET_IN_TEXT = re.compile(r'("(?:[^"]*(?:password|adminpass|secret|private_key)[^"]*|(?:auth_|access_|refresh_)?'
                             r'token)"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_TOKEN_ID_IN_TEXT = re.compile(r'("token"\s*:\s*\{[^{}]*?"id"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)

Captured = Tuple[Sequence[Tuple[str, str]], Optional[bytes], int]
"""A stored request or response: its ``(name, value)`` headers, the body (capped; None when none was read
or built) and the body's full length."""


def _cap(body: Optional[bytes]) -> Tuple[Optional[bytes], int]:
    if body is None:
        return None, 0
    size = len(body)
    return (body if size <= BODY_CAP else body[:BODY_CAP]), size


def capture_request(environ: Mapping[str, Any], body: Optional[bytes]) -> Captured:
    """The request's headers (environ keys, shown as header names when read) and the body already read."""
    headers = [item for item in environ.items() if item[0][:5] == "HTTP_" or item[0] in _PLAIN_HEADERS]
    return (headers, *_cap(body))


def capture_response(headers: Sequence[Tuple[str, str]], chunks: Any) -> Captured:
    """The response's headers and its body when it is already built (a list of bytes); a stream is not read."""
    body: Optional[bytes] = None
    if type(chunks) is list and all(type(chunk) is bytes for chunk in chunks):
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return (headers, *_cap(body))


# -- reading -------------------------------------------------------------------------------------------------


def header_name(key: str) -> str:
    """``HTTP_X_AUTH_TOKEN`` -> ``X-Auth-Token``; a response's header names are kept as sent."""
    if key.startswith("HTTP_"):
        key = key[5:]
    elif key not in _PLAIN_HEADERS:
        return key
    return "-".join(part.capitalize() for part in key.split("_"))


def redact_headers(headers: Sequence[Tuple[str, str]]) -> Dict[str, str]:
    """Stored headers as a mapping of header names to values (repeats joined), secrets replaced."""
    shown: Dict[str, str] = {}
    for key, stored in headers:
        name = header_name(key)
        value = REDACTED if name.lower() in SECRET_HEADERS else stored
        shown[name] = f"{shown[name]}, {value}" if name in shown else value
    return shown


def _secret(key: str, value: Any, parent: str) -> bool:
    """A mapping or list under a secret-looking key is searched, not hidden: ``{"password": {"user": ...}}``
    in a token request names the user, and only its own ``password`` is the secret."""
    lowered = key.lower()
    if isinstance(value, (Mapping, list)):
        return False
    if SECRET_KEY.search(lowered):
        return True
    if lowered in TOKEN_KEYS and isinstance(value, str):
        return True
    return lowered == "id" and parent in TOKEN_KEYS


def redact(value: Any, parent: str = "") -> Any:
    """A JSON value with every secret replaced by ``***``, at any depth; ids stay (except a token's)."""
    if isinstance(value, Mapping):
        return {key: REDACTED if _secret(str(key), item, parent) else redact(item, str(key).lower())
                for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, parent) for item in value]
    return value


def redact_text(text: str) -> str:
    """Secrets in text that is not a whole JSON document (a truncated one), ``"key": "value"`` pairs."""
    return _TOKEN_ID_IN_TEXT.sub(rf'\1"{REDACTED}"', _SECRET_IN_TEXT.sub(rf'\1"{REDACTED}"', text))


def _printable(text: str) -> bool:
    return all(char.isprintable() or char in "\t\r\n" for char in text)


def read_body(body: Optional[bytes], size: int) -> Dict[str, Any]:
    """A stored body as it is shown: ``format`` json (``body`` redacted), text, binary, or none."""
    shown: Dict[str, Any] = {"size": size, "truncated": body is not None and size > len(body)}
    if not body:
        return dict(shown, format="none", body=None)
    try:  # the edge's own parser: a body it refused (too deep, lone surrogates) is shown as text instead
        return dict(shown, format="json", body=redact(parse_json(body)))
    except errors.FakeNovaError:
        pass
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
        if shown["truncated"]:  # the cut may fall inside a character
            text = body.decode("utf-8", errors="ignore")
    if text and _printable(text):
        return dict(shown, format="text", body=redact_text(text))
    return dict(shown, format="binary", body=f"<{size} bytes>")


def read_captured(captured: Optional[Captured]) -> Dict[str, Any]:
    """A stored request or response as ``{"headers": {...}, "body": ..., "format", "size", "truncated"}``."""
    if captured is None:
        return {"headers": {}, "format": "none", "body": None, "size": 0, "truncated": False, "kept": False}
    headers, body, size = captured
    return {"headers": redact_headers(headers), **read_body(body, size), "kept": True}


# -- the servers a request touched ---------------------------------------------------------------------------

_LOCATION = re.compile(r"/servers/([^/?#]+)$")


def _created(entry: Mapping[str, Any], response: Mapping[str, Any]) -> List[str]:
    """The server a create answered with (its Location or body), or none for another request."""
    if entry.get("method") != "POST" or entry.get("status") != 202 or entry.get("server_id"):
        return []
    found = _LOCATION.search(response["headers"].get("Location", ""))
    if found:
        return [found.group(1)]
    body = response["body"]
    server = body.get("server") if isinstance(body, dict) else None
    return [server["id"]] if isinstance(server, dict) and isinstance(server.get("id"), str) else []


def _reservation(response: Mapping[str, Any]) -> Optional[str]:
    body = response["body"]
    reservation = body.get("reservation_id") if isinstance(body, dict) else None
    return reservation if isinstance(reservation, str) else None


Reservations = Callable[[str], List[str]]


def reservations(store: Store) -> Reservations:
    """Server ids by reservation id, indexed on first use (a multi-create made all of one reservation)."""
    index: Dict[str, List[str]] = {}

    def lookup(reservation_id: str) -> List[str]:
        if not index:
            for server in store.list("server"):
                index.setdefault(getattr(server, "reservation_id", "") or "", []).append(server.id)
        return index.get(reservation_id, [])
    return lookup


def server_ids(entry: Mapping[str, Any], response: Mapping[str, Any],
               reserved: Optional[Reservations] = None, store: Optional[Store] = None) -> List[str]:
    """The servers a request touched: its path's server, or every server a create made."""
    if entry.get("server_id"):
        return [entry["server_id"]]
    created = _created(entry, response)
    reservation = _reservation(response) if entry.get("method") == "POST" else None
    if reserved is not None and (created or reservation):
        if reservation is None and store is not None:
            server = store.get("server", created[0])
            reservation = getattr(server, "reservation_id", None) if server is not None else None
        if reservation:
            created += [server_id for server_id in reserved(reservation) if server_id not in created]
    return created


def readable(entry: Mapping[str, Any], store: Optional[Store] = None, reserved: Optional[Reservations] = None
             ) -> Dict[str, Any]:
    """A stored entry as shown: headers and bodies decoded and redacted, ``server_ids`` worked out.

    :param store: when given, a multi-create's other servers are found by its reservation id.
    """
    shown = {key: value for key, value in entry.items() if key not in ("request", "response", "server_id")}
    request, response = read_captured(entry.get("request")), read_captured(entry.get("response"))
    if store is not None and reserved is None:
        reserved = reservations(store)
    shown.update(request=request, response=response, server_ids=server_ids(entry, response, reserved, store))
    return shown


def may_touch(entry: Mapping[str, Any], server_id: str) -> bool:
    """Cheap pre-filter: the entry names the server in its path, or is a create (whose servers need reading)."""
    return entry.get("server_id") == server_id or (
        not entry.get("server_id") and entry.get("method") == "POST" and entry.get("status") == 202)


def entries(store: Store, server_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """The whole journal, oldest first, readable; with ``server_id``, only the requests that touched it."""
    reserved = reservations(store)
    chosen = [readable(entry, store, reserved) for entry in store.journal()
              if server_id is None or may_touch(entry, server_id)]
    return chosen if server_id is None else [entry for entry in chosen if server_id in entry["server_ids"]]
