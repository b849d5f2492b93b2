"""``/flavors``: list, detail and show, and (admins) create, describe and delete (nova-facts j).

The query parameters and bodies each version accepts are :mod:`.schemas.flavors`; visibility, filters,
sorting and paging are :mod:`fakenova.domain.flavors`, the writes :mod:`fakenova.domain.flavor_manage`; the
bodies are :mod:`fakenova.views.flavors`. Access lists and extra specs have their own modules.
"""
from __future__ import annotations

from typing import Any, Dict

from flask import Response, request

from ...domain import flavor_manage
from ...domain.flavors import Args, get_flavor, last, list_flavors
from ...microversions import VersionRange
from ...views.common import collection_links
from ...views.fields import FieldTable, render, render_many
from ...views.flavors import FLAVOR_FIELDS, SUMMARY_FIELDS
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas.flavors import CREATE, INDEX_QUERY, SHOW_QUERY, UPDATE
from .servers import view_context

# --- handlers ---------------------------------------------------------------------------------------


def _args(table: Any) -> Args:
    return validate_query(table, context().version, request.args.to_dict(flat=False))


def _list(fields: FieldTable, path: str) -> Response:
    args = _args(INDEX_QUERY)
    rt = runtime()
    flavors = list_flavors(rt.store, context(), args, rt.settings.max_limit)
    vctx = view_context()
    body: Dict[str, Any] = {"flavors": render_many(fields, flavors, vctx)}
    limit = last(args, "limit")
    links = collection_links(f"{vctx.compute_url}{vctx.project_prefix}{path}", request.args.items(multi=True),
                             [flavor["id"] for flavor in flavors], int(limit) if limit is not None else None,
                             rt.settings.max_limit)
    if links:
        body["flavors_links"] = links
    return json_response(body)


def index() -> Response:
    """``GET /flavors``."""
    return _list(SUMMARY_FIELDS, "/flavors")


def detail() -> Response:
    """``GET /flavors/detail``."""
    return _list(FLAVOR_FIELDS, "/flavors/detail")


def show(flavor_id: str) -> Response:
    """``GET /flavors/{id}``."""
    _args(SHOW_QUERY)
    return _shown(get_flavor(runtime().store, context(), flavor_id))


def _shown(flavor: Any) -> Response:
    return json_response({"flavor": render(FLAVOR_FIELDS, flavor, view_context())})


def create() -> Response:
    """``POST /flavors`` (200, as Nova answers): the body is checked before the caller's role."""
    ctx = context()
    body = read_json()
    validate_body(CREATE, ctx.version, body)
    rt = runtime()  # after the body: a refused caller's bad body is 400, as in Nova
    record = flavor_manage.new_flavor(body["flavor"], rt.ids.uuid)
    return _shown(flavor_manage.create_flavor(rt.store, record))


def update(flavor_id: str) -> Response:
    """``PUT /flavors/{id}`` (2.55+): only the description changes."""
    ctx = context()
    body = read_json()
    validate_body(UPDATE, ctx.version, body)
    return _shown(flavor_manage.describe(runtime().store, ctx, flavor_id, body["flavor"]["description"]))


def delete(flavor_id: str) -> Response:
    """``DELETE /flavors/{id}``: 202, as Nova answers."""
    flavor_manage.delete_flavor(runtime().store, flavor_id)
    return json_response(None, 202)


ROUTES = (
    Route("GET", "/flavors", index, unguarded="Nova checks no policy here"),
    Route("POST", "/flavors", create, policy="os_compute_api:os-flavor-manage:create"),
    Route("GET", "/flavors/detail", detail, unguarded="Nova checks no policy here"),
    Route("GET", "/flavors/<flavor_id>", show, unguarded="Nova checks no policy here"),
    Route("PUT", "/flavors/<flavor_id>", update, versions=VersionRange.of("2.55"),
          policy="os_compute_api:os-flavor-manage:update"),
    Route("DELETE", "/flavors/<flavor_id>", delete, policy="os_compute_api:os-flavor-manage:delete"),
)
