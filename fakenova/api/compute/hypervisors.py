"""``/os-hypervisors``: list, detail, show (admin only), paged from 2.33, by uuid from 2.53, and the routes
Nova retired: ``statistics`` and ``uptime`` (until 2.87), ``search`` and ``servers`` (until 2.52)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from flask import Response, request

from ...domain import hypervisors
from ...domain.strings import bool_from_string
from ...microversions import Versioned, VersionRange
from ...views.common import collection_links
from ...views.fields import FieldTable, render, render_many
from ...views.fleet import HYPERVISOR_DETAIL, HYPERVISOR_SUMMARY, HYPERVISOR_UPTIME
from ..http import context, json_response, runtime
from ..routing import Route
from ..validation import validate_query
from .schemas import fleet as schemas
from .servers import view_context
from .services import BY_UUID

#: whether the list is paged (``limit``, ``marker``, ``hypervisors_links``)
PAGES: Versioned[bool] = Versioned([("2.1", False), ("2.33", True)], name="hypervisors-pages")
#: whether detail bodies show the resource counters (read from every server on the host)
COUNTERS: Versioned[bool] = Versioned([("2.1", True), ("2.88", False)], name="hypervisors-counters")


def _last(args: Dict[str, List[str]], name: str) -> Optional[str]:
    values = args.get(name)
    return values[-1] if values else None


def _listing(table: FieldTable[Any], path: str, detail: bool) -> Response:
    ctx, rt = context(), runtime()
    args = validate_query(schemas.HYPERVISORS_QUERY, ctx.version, request.args.to_dict(flat=False))
    pages, by_uuid = bool(PAGES.get(ctx.version)), bool(BY_UUID.get(ctx.version))
    limit = _last(args, "limit") if pages else None
    page = min(int(limit), rt.settings.max_limit) if limit is not None else (rt.settings.max_limit if pages else None)
    pattern = _last(args, "hypervisor_hostname_pattern")
    found = hypervisors.list_hypervisors(
        rt.store, ctx.now, by_uuid=by_uuid, detail=detail, limit=page if limit is not None or not pattern else None,
        marker=_last(args, "marker") if pages else None, pattern=pattern,
        with_servers=bool_from_string(_last(args, "with_servers") or "false"),
        counters=bool(COUNTERS.get(ctx.version)))
    vctx = view_context()
    body: Dict[str, Any] = {"hypervisors": render_many(table, found, vctx)}
    if pages and pattern is None:
        ids = [str(item["id"]) for item in body["hypervisors"]]
        links = collection_links(f"{vctx.compute_url}{vctx.project_prefix}{path}", request.args.items(multi=True),
                                 ids, int(limit) if limit is not None else None, rt.settings.max_limit)
        if links:
            body["hypervisors_links"] = links
    return json_response(body)


def index() -> Response:
    """``GET /os-hypervisors``."""
    return _listing(HYPERVISOR_SUMMARY, "/os-hypervisors", detail=False)


def detail() -> Response:
    """``GET /os-hypervisors/detail``."""
    return _listing(HYPERVISOR_DETAIL, "/os-hypervisors/detail", detail=True)


def show(hypervisor_id: str) -> Response:
    """``GET /os-hypervisors/{id}`` (``with_servers`` from 2.53)."""
    ctx = context()
    args = validate_query(schemas.HYPERVISOR_QUERY, ctx.version, request.args.to_dict(flat=False))
    found = hypervisors.get(runtime().store, hypervisor_id, ctx.now, by_uuid=bool(BY_UUID.get(ctx.version)),
                            with_servers=bool_from_string(_last(args, "with_servers") or "false"),
                            counters=bool(COUNTERS.get(ctx.version)))
    return json_response({"hypervisor": render(HYPERVISOR_DETAIL, found, view_context())})


def uptime(hypervisor_id: str) -> Response:
    """``GET /os-hypervisors/{id}/uptime`` (until 2.87)."""
    ctx = context()
    found = hypervisors.get(runtime().store, hypervisor_id, ctx.now, by_uuid=bool(BY_UUID.get(ctx.version)))
    return json_response({"hypervisor": render(HYPERVISOR_UPTIME, found, view_context())})


def statistics() -> Response:
    """``GET /os-hypervisors/statistics`` (until 2.87)."""
    ctx = context()
    return json_response({"hypervisor_statistics": hypervisors.statistics(runtime().store, ctx.now)})


def _by_pattern(pattern: str, with_servers: bool) -> Response:
    ctx = context()
    found = hypervisors.list_hypervisors(runtime().store, ctx.now, by_uuid=False, detail=False, pattern=pattern,
                                         with_servers=with_servers)
    return json_response({"hypervisors": render_many(HYPERVISOR_SUMMARY, found, view_context())})


def search(pattern: str) -> Response:
    """``GET /os-hypervisors/{pattern}/search`` (until 2.52)."""
    return _by_pattern(pattern, with_servers=False)


def servers(pattern: str) -> Response:
    """``GET /os-hypervisors/{pattern}/servers`` (until 2.52)."""
    return _by_pattern(pattern, with_servers=True)


_UNTIL_2_87 = VersionRange.of("2.1", "2.87")
_UNTIL_2_52 = VersionRange.of("2.1", "2.52")

ROUTES = (
    Route("GET", "/os-hypervisors", index, policy="os_compute_api:os-hypervisors:list"),
    Route("GET", "/os-hypervisors/detail", detail, policy="os_compute_api:os-hypervisors:list-detail"),
    Route("GET", "/os-hypervisors/statistics", statistics, versions=_UNTIL_2_87,
          policy="os_compute_api:os-hypervisors:statistics"),
    Route("GET", "/os-hypervisors/<hypervisor_id>", show, policy="os_compute_api:os-hypervisors:show"),
    Route("GET", "/os-hypervisors/<hypervisor_id>/uptime", uptime, versions=_UNTIL_2_87,
          policy="os_compute_api:os-hypervisors:uptime"),
    Route("GET", "/os-hypervisors/<pattern>/search", search, versions=_UNTIL_2_52,
          policy="os_compute_api:os-hypervisors:search"),
    Route("GET", "/os-hypervisors/<pattern>/servers", servers, versions=_UNTIL_2_52,
          policy="os_compute_api:os-hypervisors:servers"),
)
