"""``os-simple-tenant-usage``: every project's usage (admin) or one project's, over ``start``..``end``."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from flask import Response, request

from ...domain import errors, usage
from ...microversions import VersionRange
from ...views import usage as views
from ...views.common import collection_links
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from .schemas import usage as schemas
from .servers import view_context

#: 2.40: ``limit``/``marker`` and the ``*_links`` of a full page
PAGED = VersionRange.of("2.40")
_BASE = "/os-simple-tenant-usage"


def _first(args: Mapping[str, List[str]], name: str) -> Optional[str]:
    # Nova reads start/end/detailed from the raw query string, first non-empty value
    return next((value for value in args.get(name, ()) if value), None)


def _last(args: Mapping[str, List[str]], name: str) -> Optional[str]:
    # ... but limit and marker as webob does, the last value
    values = args.get(name)
    return values[-1] if values else None


def _query(table: Any) -> usage.UsageQuery:
    version = context().version
    args = validate_query(table, version, request.args.to_dict(flat=False))
    limit = _last(args, "limit") if version in PAGED else None
    return usage.UsageQuery(start=_first(args, "start"), end=_first(args, "end"),
                            detailed=_first(args, "detailed") == "1",
                            limit=None if limit is None else int(limit),
                            marker=_last(args, "marker") if version in PAGED else None)


def _with_links(body: Dict[str, Any], key: str, path: str, servers: List[usage.ServerUsage],
                query: usage.UsageQuery) -> Response:
    vctx = view_context()
    if vctx.version in PAGED:
        links = collection_links(f"{vctx.compute_url}{vctx.project_prefix}{path}", request.args.items(multi=True),
                                 [u.server.id for u in servers], query.limit, runtime().settings.max_limit)
        if links:
            body[key] = links
    return json_response(body)


def index() -> Response:
    if request.path.endswith("/"):
        # ``/os-simple-tenant-usage/`` is a show of the empty project id, which Nova's router never matches
        raise errors.NotFound()
    query = _query(schemas.INDEX_QUERY)
    tenants, servers = usage.list_usage(runtime(), context(), query)
    vctx = view_context()
    body = {"tenant_usages": [views.tenant_usage(t, vctx, detailed=query.detailed) for t in tenants]}
    return _with_links(body, "tenant_usages_links", _BASE, servers, query)


def show(tenant_id: str) -> Response:
    query = _query(schemas.SHOW_QUERY)
    tenant, servers = usage.show_usage(runtime(), context(), tenant_id, query)
    body = {"tenant_usage": views.tenant_usage(tenant, view_context(), detailed=True) if tenant else {}}
    return _with_links(body, "tenant_usage_links", f"{_BASE}/{tenant_id}", servers, query)


ROUTES = (
    Route("GET", _BASE, index, policy="os_compute_api:os-simple-tenant-usage:list"),
    Route("GET", f"{_BASE}/<tenant_id>", show, policy="os_compute_api:os-simple-tenant-usage:show"),
)
