"""``fakenova record``: a proxy in front of a real cloud that writes what it answered as a replayable scenario.

Clients point at the proxy; each request goes to the upstream unchanged (but for its Host), and the answer
comes back unchanged except that the upstream's base URL becomes the proxy's, so the catalog sends every
later service call through the proxy too. Each exchange becomes a ``respond`` rule with the upstream's status
and body, secrets redacted (tokens, passwords, ``adminPass``), ids kept. Rules for the same method, path and
query are ordered with ``after`` (the k-th call answers the k-th recorded answer; the last answer stays), so a
replay gives a client the same sequence. Token requests are not recorded: the replaying fakenova issues its
own tokens (and catalog), which the canned answers then need.
"""
from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import yaml

#: JSON keys whose values are secrets, replaced by REDACTED in recorded bodies
SECRET_KEYS = frozenset({"adminpass", "password", "token", "secret", "access_token", "refresh_token",
                         "x-auth-token", "x-subject-token", "original_password", "new_password"})
REDACTED = "REDACTED"
#: response headers a replay repeats (the replaying fakenova adds request ids and version headers itself)
KEPT_HEADERS = ("location", "retry-after", "openstack-api-version", "x-openstack-nova-api-version")
#: hop-by-hop and framing headers the proxy does not pass on
_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "trailer",
                  "upgrade", "proxy-authorization", "proxy-authenticate"})
#: paths not recorded (the replay's own identity answers them)
_UNRECORDED = ("/identity/v3/auth/tokens",)


@dataclass(frozen=True)
class Exchange:
    """One request and the upstream's answer, as the client saw it (URLs already rewritten)."""

    method: str
    path: str
    query: str
    status: int
    content_type: str
    body: bytes
    headers: Tuple[Tuple[str, str], ...]


def redact(value: Any) -> Any:
    """``value`` with the values of secret keys replaced, recursively (ids stay)."""
    if isinstance(value, dict):
        return {key: REDACTED if key.lower() in SECRET_KEYS and isinstance(item, (str, int)) else redact(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


class Recorder:
    """Exchanges recorded so far, and the scenario they make.

    :param name: the scenario's name.
    :param on_change: called after each recorded exchange (the CLI rewrites ``--out``).
    """

    def __init__(self, name: str = "recorded", on_change: Optional[Callable[["Recorder"], None]] = None) -> None:
        self.name = name
        self.on_change = on_change
        self.exchanges: List[Exchange] = []
        self.proxy_url = ""  # the proxy as clients reach it, written as {base_url} in the scenario
        self._lock = threading.Lock()

    def add(self, exchange: Exchange) -> None:
        if exchange.path.rstrip("/") in _UNRECORDED:
            return
        with self._lock:
            self.exchanges.append(exchange)
        if self.on_change is not None:
            self.on_change(self)

    def scenario(self) -> Dict[str, Any]:
        """The recorded exchanges as a scenario document (``{base_url}`` stands for the proxy's URL)."""
        proxy_url = self.proxy_url
        with self._lock:
            exchanges = list(self.exchanges)
        seen: Dict[Tuple[str, str, str], int] = {}
        last: Dict[Tuple[str, str, str], Dict[str, Any]] = {}
        rules = []
        for index, exchange in enumerate(exchanges):
            key = (exchange.method, exchange.path, exchange.query)
            calls = seen[key] = seen.get(key, 0) + 1
            rule = _rule(exchange, index, calls - 1, proxy_url)
            rules.append(rule)
            last[key] = rule
        for rule in last.values():
            rule.pop("times")  # the last answer for a request stays the answer (always)
        return {"name": self.name, "description": f"Recorded by fakenova record: {len(rules)} answers, in order.",
                "rules": rules}

    def dump(self) -> str:
        """The scenario as YAML."""
        return yaml.safe_dump(self.scenario(), sort_keys=False, allow_unicode=True)


def _rule(exchange: Exchange, index: int, after: int, proxy_url: str) -> Dict[str, Any]:
    when: Dict[str, Any] = {"method": exchange.method, "path": exchange.path}
    query = urllib.parse.parse_qs(exchange.query, keep_blank_values=True)
    if query:
        when["query"] = {name: values[0] for name, values in query.items()}
    if after:
        when["after"] = after
    respond: Dict[str, Any] = {"status": exchange.status}
    text = exchange.body.decode("utf-8", "replace")
    if proxy_url:
        text = text.replace(proxy_url, "{base_url}")
    parsed = _json(text) if "json" in exchange.content_type else None
    if parsed is not None:
        respond["body"] = redact(parsed)
    else:
        respond["body_text"] = text
        respond["content_type"] = exchange.content_type.split(";")[0].strip() or "text/plain"
    headers = {name: (value.replace(proxy_url, "{base_url}") if proxy_url else value)
               for name, value in exchange.headers if name.lower() in KEPT_HEADERS}
    if headers:
        respond["headers"] = headers
    return {"name": f"{index + 1:04d} {exchange.method} {exchange.path}"[:255], "when": when,
            "then": {"respond": respond}, "times": 1}


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


class RecordingProxy:
    """A WSGI app forwarding every request to ``upstream`` and recording the answer.

    :param upstream: the cloud's base URL (``http://host:port``; a path prefix is kept).
    :param recorder: where exchanges go.
    :param timeout: seconds to wait for the upstream.
    """

    def __init__(self, upstream: str, recorder: Recorder, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(upstream.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--upstream {upstream!r} is not an http(s) URL")
        self.upstream = upstream.rstrip("/")
        self.parts = parts
        self.recorder = recorder
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.parts.scheme == "https" else http.client.HTTPConnection
        return kind(self.parts.hostname or "", self.parts.port, timeout=self.timeout)

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = urllib.parse.quote(environ.get("PATH_INFO", "") or "/")
        query = environ.get("QUERY_STRING", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in _HOP}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        proxy_url = f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST') or environ['SERVER_NAME']}"
        connection = self._connection()
        try:
            connection.request(method, self.parts.path + path + (f"?{query}" if query else ""), body=body or None,
                               headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            status, reason, upstream_headers = answer.status, answer.reason, answer.getheaders()
        finally:
            connection.close()
        data = data.replace(self.upstream.encode(), proxy_url.encode())
        out = [(name, value.replace(self.upstream, proxy_url)) for name, value in upstream_headers
               if name.lower() not in _HOP]
        content_type = next((value for name, value in out if name.lower() == "content-type"), "")
        self.recorder.proxy_url = proxy_url
        self.recorder.add(Exchange(method, path, query, status, content_type, data, tuple(out)))
        start_response(f"{status} {reason}", out + [("Content-Length", str(len(data)))])
        return [data]
