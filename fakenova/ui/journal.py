"""What the Requests page shows: the request journal, newest first, filtered, with secrets redacted.

The journal is what the pipeline already records for every API request (method, path, query, microversion,
project, user, status, fake-clock time, the server it names, request and response headers and capped bodies,
each loaded rule's verdict, an unexpected error's traceback); the dashboard adds no capture of its own.
Filters run on the stored entries; only the entries a page shows are decoded and redacted
(:func:`fakenova.journal.readable`), so nothing here runs unless someone opens the page.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence
from urllib.parse import parse_qsl, urlencode

from .. import journal as capture
from ..domain.ports import Runtime, Store
from ..views.common import isotime

#: query keys whose values are never shown
SECRET_KEYS = re.compile(r"token|password|secret|credential|adminpass|key_data|private_key", re.IGNORECASE)
REDACTED = capture.REDACTED
#: the most entries one page (or one poll) renders
PAGE = 200


def redact_query(query: str) -> str:
    """``query`` with the values of secret-looking keys replaced by ``***``."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(key, REDACTED if SECRET_KEYS.search(key) else value) for key, value in pairs])


def _status_matches(status: int, wanted: str) -> bool:
    """``404`` matches exactly; ``4xx`` (or ``4``) matches the class."""
    wanted = wanted.strip().lower().rstrip("x")
    return str(status).startswith(wanted) if len(wanted) < 3 else str(status) == wanted


def _rule_matches(entry: Mapping[str, Any], wanted: str) -> bool:
    """A rule name (or ``scenario/rule`` key) that fired on this request; ``*`` for any rule firing."""
    fired = [verdict["rule"] for verdict in entry.get("rules") or () if verdict.get("fired")]
    return any(wanted == "*" or wanted == key or key.endswith("/" + wanted) or wanted in key for key in fired)


#: the Requests page's filters: query parameter -> does the entry match the (non-empty) value
FILTERS: Dict[str, Callable[[Mapping[str, Any], str], bool]] = {
    "method": lambda entry, value: entry.get("method") == value.upper(),
    "path": lambda entry, value: value in str(entry.get("path", "")),
    "status": lambda entry, value: _status_matches(int(entry.get("status") or 0), value),
    "project": lambda entry, value: entry.get("project_id") == value or value == entry.get("project_name"),
    "rule": _rule_matches,
    "server": lambda entry, value: capture.may_touch(entry, value),  # narrowed on the readable entry below
}


def _shown(entry: Mapping[str, Any], number: int, names: Mapping[str, str], store: Store,
           reserved: capture.Reservations) -> Dict[str, Any]:
    """A stored entry as a page shows it: readable (redacted), numbered, its project named, its time as text."""
    shown = capture.readable(entry, store, reserved)
    shown.update(number=number, project_name=names.get(entry.get("project_id") or "", ""),
                 query=redact_query(entry.get("query") or ""),
                 when=isotime(entry["time"]) if entry.get("time") is not None else "")
    for part in ("request", "response"):
        shown[part]["text"] = body_text(shown[part])
    return shown


def body_text(part: Mapping[str, Any]) -> str:
    """A readable body as the page prints it (JSON indented); empty when there was none."""
    if part["format"] == "none":
        return ""
    if part["format"] == "json":
        return json.dumps(part["body"], indent=2, sort_keys=False, ensure_ascii=False)
    return str(part["body"])


def entries(runtime: Runtime, args: Mapping[str, str], *, limit: int = PAGE) -> List[Dict[str, Any]]:
    """The newest ``limit`` journal entries passing every filter in ``args``, newest first, redacted.

    Each entry gains ``number`` (its position in the journal, 1 = oldest kept), ``project_name`` and ``when``.
    """
    store = runtime.store
    names = {project["id"]: project["name"] for project in store.list("project")}
    reserved = capture.reservations(store)
    journal = store.journal()
    server = args.get("server")
    chosen: List[Dict[str, Any]] = []
    for number in range(len(journal), 0, -1):
        entry = journal[number - 1]
        entry["project_name"] = names.get(entry.get("project_id") or "", "")
        if all(test(entry, args[name]) for name, test in FILTERS.items() if args.get(name)):
            shown = _shown(entry, number, names, store, reserved)
            if server and server not in shown["server_ids"]:
                continue
            chosen.append(shown)
            if len(chosen) >= limit:
                break
    return chosen


def find(runtime: Runtime, request_id: str) -> Optional[Dict[str, Any]]:
    """One journal entry by its request id (redacted), or None."""
    store = runtime.store
    journal = store.journal()
    for number in range(len(journal), 0, -1):
        if journal[number - 1].get("request_id") == request_id:
            names = {project["id"]: project["name"] for project in store.list("project")}
            return _shown(journal[number - 1], number, names, store, capture.reservations(store))
    return None


def touching(runtime: Runtime, server_id: str, request_ids: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """Entries that named the server in their path or created it, or whose request id is one of its actions'."""
    known = set(request_ids)
    store = runtime.store
    names = {project["id"]: project["name"] for project in store.list("project")}
    reserved = capture.reservations(store)
    journal = store.journal()
    found = []
    for number in range(len(journal), 0, -1):
        entry = journal[number - 1]
        if capture.may_touch(entry, server_id) or entry.get("request_id") in known:
            shown = _shown(entry, number, names, store, reserved)
            if server_id in shown["server_ids"] or shown.get("request_id") in known:
                found.append(shown)
    return found


def fired_rules(entry: Mapping[str, Any]) -> List[str]:
    """The keys of the rules that fired on this request."""
    return [verdict["rule"] for verdict in entry.get("rules") or () if verdict.get("fired")]
