"""What the Requests page shows: the request journal, newest first, filtered, with secrets redacted.

The journal is what the pipeline already records for every API request (method, path, query, microversion,
project, user, status, each loaded rule's verdict, an unexpected error's traceback); the dashboard adds no
capture of its own, so nothing here runs unless someone opens the page.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence
from urllib.parse import parse_qsl, urlencode

from ..domain.ports import Runtime

#: query and body keys whose values are never shown
SECRET_KEYS = re.compile(r"token|password|secret|credential|adminpass|key_data|private_key", re.IGNORECASE)
REDACTED = "***"
#: the most entries one page (or one poll) renders
PAGE = 200


def redact_query(query: str) -> str:
    """``query`` with the values of secret-looking keys replaced by ``***``."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(key, REDACTED if SECRET_KEYS.search(key) else value) for key, value in pairs])


def redact(value: Any) -> Any:
    """A JSON-shaped value with the values of secret-looking keys replaced by ``***``, at any depth."""
    if isinstance(value, Mapping):
        return {key: REDACTED if SECRET_KEYS.search(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


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
}


def entries(runtime: Runtime, args: Mapping[str, str], *, limit: int = PAGE) -> List[Dict[str, Any]]:
    """The newest ``limit`` journal entries passing every filter in ``args``, newest first, redacted.

    Each entry gains ``number`` (its position in the journal, 1 = oldest kept) and ``project_name``.
    """
    names = {project["id"]: project["name"] for project in runtime.store.list("project")}
    journal = runtime.store.journal()
    chosen: List[Dict[str, Any]] = []
    for number in range(len(journal), 0, -1):
        entry = dict(journal[number - 1], number=number)
        entry["project_name"] = names.get(entry.get("project_id") or "", "")
        if all(test(entry, args[name]) for name, test in FILTERS.items() if args.get(name)):
            entry["query"] = redact_query(entry.get("query") or "")
            chosen.append(entry)
            if len(chosen) >= limit:
                break
    return chosen


def find(runtime: Runtime, request_id: str) -> Optional[Dict[str, Any]]:
    """One journal entry by its request id (redacted), or None."""
    found = [entry for entry in entries(runtime, {}, limit=len(runtime.store.journal()) or 1)
             if entry.get("request_id") == request_id]
    return found[0] if found else None


def touching(runtime: Runtime, server_id: str, request_ids: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """Entries whose path names the server, or whose request id is one of its instance actions'."""
    known = set(request_ids)
    return [entry for entry in entries(runtime, {}, limit=len(runtime.store.journal()) or 1)
            if server_id in str(entry.get("path", "")) or entry.get("request_id") in known]


def fired_rules(entry: Mapping[str, Any]) -> List[str]:
    """The keys of the rules that fired on this request."""
    return [verdict["rule"] for verdict in entry.get("rules") or () if verdict.get("fired")]
