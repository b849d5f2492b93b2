"""``/os-aggregates``: host aggregates (admin only): CRUD, the add/remove host and metadata actions, and
the image cache request of 2.81. Each action of ``POST /os-aggregates/{id}/action`` is a row of
:data:`ACTIONS` (its schema, its policy and its use case)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Tuple

from flask import Response, request

from ...domain import aggregates
from ...domain.policy import authorize
from ...microversions import VersionRange
from ...views.fields import render, render_many
from ...views.fleet import AGGREGATE_FIELDS
from ..http import action_body, context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas import fleet as schemas
from .servers import view_context

RULE = "os_compute_api:os-aggregates:{}"
CREATE_FIELDS = AGGREGATE_FIELDS.without("hosts", "metadata")


def _shown(record: Mapping[str, Any], table: Any = AGGREGATE_FIELDS) -> Response:
    return json_response({"aggregate": render(table, record, view_context())})


def index() -> Response:
    """``GET /os-aggregates``."""
    ctx = context()
    validate_query(schemas.NO_QUERY, ctx.version, request.args.to_dict(flat=False))
    found = aggregates.list_aggregates(runtime().store)
    return json_response({"aggregates": render_many(AGGREGATE_FIELDS, found, view_context())})


def create() -> Response:
    """``POST /os-aggregates``: name (unique) and optional zone; answered without hosts and metadata."""
    ctx, body = context(), read_json()
    validate_body(schemas.AGGREGATE_CREATE, ctx.version, body)
    params = body["aggregate"]
    zone = params.get("availability_zone")
    record = aggregates.create(runtime(), params["name"].strip(), zone.strip() if zone else zone, ctx.now)
    return _shown(record, CREATE_FIELDS)


def show(aggregate_id: str) -> Response:
    """``GET /os-aggregates/{id}``."""
    ctx = context()
    validate_query(schemas.NO_QUERY, ctx.version, request.args.to_dict(flat=False))
    return _shown(aggregates.get(runtime().store, aggregate_id))


def update(aggregate_id: str) -> Response:
    """``PUT /os-aggregates/{id}``: name and/or zone."""
    ctx, body = context(), read_json()
    validate_body(schemas.AGGREGATE_UPDATE, ctx.version, body)
    values = dict(body["aggregate"])
    if "name" in values:
        values["name"] = values["name"].strip()
    return _shown(aggregates.update(runtime().store, aggregate_id, values, ctx.now))


def delete(aggregate_id: str) -> Response:
    """``DELETE /os-aggregates/{id}``: only an empty one (200, no body, as Nova answers)."""
    aggregates.delete(runtime().store, aggregate_id)
    return json_response(None, 200)


def _add_host(aggregate_id: str, params: Mapping[str, Any], now: float) -> Dict[str, Any]:
    return aggregates.add_host(runtime().store, aggregate_id, params["host"], now)


def _remove_host(aggregate_id: str, params: Mapping[str, Any], now: float) -> Dict[str, Any]:
    return aggregates.remove_host(runtime().store, aggregate_id, params["host"], now)


def _set_metadata(aggregate_id: str, params: Mapping[str, Any], now: float) -> Dict[str, Any]:
    return aggregates.set_metadata(runtime().store, aggregate_id, params["metadata"], now)


UseCase = Callable[[str, Mapping[str, Any], float], Dict[str, Any]]
#: action key -> (its body schema, its use case)
ACTIONS: Mapping[str, Tuple[Any, UseCase]] = {
    "add_host": (schemas.ADD_HOST, _add_host),
    "remove_host": (schemas.REMOVE_HOST, _remove_host),
    "set_metadata": (schemas.SET_METADATA, _set_metadata),
}
def action(aggregate_id: str) -> Response:
    """``POST /os-aggregates/{id}/action``: exactly one of :data:`ACTIONS` (Nova's action dispatch)."""
    key, (schema, use_case), body = action_body(ACTIONS)
    ctx = context()
    validate_body(schema, ctx.version, body)
    authorize(ctx, RULE.format(key))  # the rule depends on the body's key
    return _shown(use_case(aggregate_id, body[key], ctx.now))


def images(aggregate_id: str) -> Response:
    """``POST /os-aggregates/{id}/images`` (2.81): 202, nothing to cache on a fake host."""
    ctx, body = context(), read_json()
    validate_body(schemas.IMAGES, ctx.version, body)
    aggregates.cache_images(runtime().store, aggregate_id, [item["id"] for item in body["cache"]])
    return json_response(None, 202)


ROUTES = (
    Route("GET", "/os-aggregates", index, policy="os_compute_api:os-aggregates:index"),
    Route("POST", "/os-aggregates", create, policy="os_compute_api:os-aggregates:create"),
    Route("GET", "/os-aggregates/<aggregate_id>", show, policy="os_compute_api:os-aggregates:show"),
    Route("PUT", "/os-aggregates/<aggregate_id>", update, policy="os_compute_api:os-aggregates:update"),
    Route("DELETE", "/os-aggregates/<aggregate_id>", delete, policy="os_compute_api:os-aggregates:delete"),
    Route("POST", "/os-aggregates/<aggregate_id>/action", action, unguarded="per body key, in the handler"),
    Route("POST", "/os-aggregates/<aggregate_id>/images", images, versions=VersionRange.of("2.81"),
          policy="compute:aggregates:images"),
)
