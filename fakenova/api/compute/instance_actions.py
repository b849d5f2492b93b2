"""``/servers/{id}/os-instance-actions``: list a server's actions and show one with its events."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from flask import Response, request

from ...domain import history
from ...version_history import at
from ...views import instance_actions as views
from ...views.common import collection_links
from .. import schema_types as t
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from .servers import view_context

_PAGING_FROM = at("instance-action-paging")
_ONE_DATE = {**t.QUERY_DATE_TIME, "maxItems": 1}
_PAGING = {
    "limit": {**t.QUERY_NON_NEGATIVE_INTEGER, "maxItems": 1},
    "marker": {**t.QUERY_STRING, "maxItems": 1},
    "changes-since": _ONE_DATE,
}
#: the list's query per version: anything (ignored) until paging exists, then paging and the changes window
LIST_QUERY = t.evolve("instance-actions-query", t.object_of({}, additional=True), [
    (str(_PAGING_FROM), [t.Edit(add=_PAGING, keywords={"additionalProperties": False})]),
    ("2.66", [t.Edit(add={"changes-before": _ONE_DATE})]),
])


def _one(args: Dict[str, List[str]], name: str) -> Optional[str]:
    values = args.get(name)
    return values[-1] if values else None


def index(server_id: str) -> Response:
    """``GET /servers/{id}/os-instance-actions``: newest first; ``links`` when the page is full (2.58)."""
    ctx, rt = context(), runtime()
    args = validate_query(LIST_QUERY, ctx.version, request.args.to_dict(flat=False))
    limit = _one(args, "limit")
    query = history.LogQuery(limit=int(limit) if limit is not None else None, marker=_one(args, "marker"),
                                changes_since=_one(args, "changes-since"),
                                changes_before=_one(args, "changes-before"))
    actions = history.list_actions(rt, ctx, server_id, query)
    vctx = view_context()
    body: Dict[str, Any] = {"instanceActions": [views.summary(action, vctx) for action in actions]}
    if ctx.version >= _PAGING_FROM:
        base = f"{vctx.compute_url}{vctx.project_prefix}/servers/{server_id}/os-instance-actions"
        links = collection_links(base, request.args.items(multi=True), [a["request_id"] for a in actions],
                                 query.limit, rt.settings.max_limit)
        if links:
            body["links"] = links
    return json_response(body)


def show(server_id: str, request_id: str) -> Response:
    """``GET /servers/{id}/os-instance-actions/{request_id}``."""
    action = history.get_action(runtime(), context(), server_id, request_id)
    return json_response({"instanceAction": views.detail(action, view_context())})


ROUTES = (
    Route("GET", "/servers/<server_id>/os-instance-actions", index, policy="os_compute_api:os-instance-actions:list"),
    Route("GET", "/servers/<server_id>/os-instance-actions/<request_id>", show,
          policy="os_compute_api:os-instance-actions:show"),
)
