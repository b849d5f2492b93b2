"""``/os-server-groups``: create, list, show and delete server groups (nova-facts, issue 12 §2).

Request schemas are in :mod:`.schemas.server_groups`, the body per microversion in
:mod:`fakenova.views.server_groups`, the records, policies and quotas in :mod:`fakenova.domain.server_groups`.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from flask import Response, request

from ...domain import server_groups
from ...views.fields import render, render_many
from ...views.server_groups import GROUP_FIELDS
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import server_groups as schemas
from .servers import view_context

Args = Dict[str, List[str]]


def _last(args: Args, name: str) -> Optional[str]:
    values = args.get(name)
    return values[-1] if values else None


def index() -> Response:
    """``GET /os-server-groups``: paged by ``offset`` and ``limit`` (0 or absent: ``max_limit``)."""
    ctx, rt = context(), runtime()
    args = validate_query(schemas.INDEX_QUERY, ctx.version, request.args.to_dict(flat=False))
    max_limit = rt.settings.max_limit
    limit = min(max_limit, int(_last(args, "limit") or 0) or max_limit)
    groups = server_groups.list_groups(rt.store, ctx, all_projects="all_projects" in args,
                                       offset=int(_last(args, "offset") or 0), limit=limit)
    return json_response({"server_groups": render_many(GROUP_FIELDS, groups, view_context())})


def create() -> Response:
    """``POST /os-server-groups``: 200 with the new group."""
    ctx, rt = context(), runtime()
    body = read_json()
    validate_body(schemas.CREATE, ctx.version, body)
    params = body["server_group"]
    policy = params["policy"] if "policy" in params else params["policies"][0]
    group = server_groups.create_group(rt.store, ctx, group_id=rt.ids.uuid(), name=params["name"],
                                       policy=policy, rules=params.get("rules", {}))
    return json_response({"server_group": render(GROUP_FIELDS, group, view_context())})


def show(group_id: str) -> Response:
    ctx = context()
    validate_query(schemas.SHOW_QUERY, ctx.version, request.args.to_dict(flat=False))
    group = server_groups.show_group(runtime().store, ctx, group_id)
    return json_response({"server_group": render(GROUP_FIELDS, group, view_context())})


def delete(group_id: str) -> Response:
    server_groups.delete_group(runtime().store, context(), group_id)
    return json_response(None, 204)


ROUTES = (
    Route("GET", "/os-server-groups", index, policy="os_compute_api:os-server-groups:index"),
    Route("POST", "/os-server-groups", create, policy="os_compute_api:os-server-groups:create"),
    Route("GET", "/os-server-groups/<group_id>", show, policy="os_compute_api:os-server-groups:show"),
    Route("DELETE", "/os-server-groups/<group_id>", delete, policy="os_compute_api:os-server-groups:delete"),
)
