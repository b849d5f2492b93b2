"""``/flavors``: list, detail, show and the read-only extra specs, shaped per microversion (nova-facts j).

The query parameters each version accepts are Nova's query schemas (``INDEX_QUERY``, ``SHOW_QUERY``):
unknown names are dropped before 2.75 (2.102 for show) and refused after. Visibility, filters, sorting and
paging are :mod:`fakenova.domain.flavors`; the bodies are :mod:`fakenova.views.flavors`.
"""
from __future__ import annotations

from typing import Any, Dict, Sequence

from flask import Response, request

from ...domain.flavors import Args, extra_spec_of, get_flavor, last, list_flavors
from ...views.common import collection_links
from ...views.fields import FieldTable, render, render_many
from ...views.flavors import FLAVOR_FIELDS, SUMMARY_FIELDS
from .. import schema_types as t
from ..http import context, json_response, runtime
from ..routing import Route
from ..schema_types import Edit
from ..validation import validate_query
from .servers import view_context

# --- query schemas (nova/api/openstack/compute/schemas/flavors.py) -----------------------------------

_SORT_KEYS_V21 = ["created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id", "is_public",
                  "memory_mb", "name", "root_gb", "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus"]
_SORT_KEYS_V2102 = [key for key in _SORT_KEYS_V21 if key != "rxtx_factor"]


def _sort_key_param(keys: Sequence[str]) -> t.Schema:
    return t.multi_params({"type": "string", "enum": list(keys)})


_INDEX_QUERY_BASE = t.object_of({
    "sort_key": _sort_key_param(_SORT_KEYS_V21),
    "sort_dir": t.multi_params({"type": "string", "enum": ["asc", "desc"]}),
    "limit": t.QUERY_NON_NEGATIVE_INTEGER,
    "marker": t.QUERY_STRING,
    "is_public": t.QUERY_STRING,
    "minRam": t.QUERY_STRING,
    "minDisk": t.QUERY_STRING,
}, additional=True)

_STRICT = Edit(keywords={"additionalProperties": False})

#: ``GET /flavors`` and ``/flavors/detail``: strict from 2.75; ``name`` filter (and no rxtx sort) from 2.102.
INDEX_QUERY = t.evolve("flavors-index-query", _INDEX_QUERY_BASE, [
    ("2.75", [_STRICT]),
    ("2.102", [Edit(add={"sort_key": _sort_key_param(_SORT_KEYS_V2102), "name": t.QUERY_STRING})]),
])

#: ``GET /flavors/{id}`` and the extra-spec GETs: no parameters; unknown ones refused from 2.102.
SHOW_QUERY = t.evolve("flavors-show-query", t.object_of({}, additional=True), [("2.102", [_STRICT])])

# --- queries (pure: store + context + parsed arguments) ----------------------------------------------

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
    flavor = get_flavor(runtime().store, context(), flavor_id)
    return json_response({"flavor": render(FLAVOR_FIELDS, flavor, view_context())})


def extra_specs(flavor_id: str) -> Response:
    """``GET /flavors/{id}/os-extra_specs``."""
    _args(SHOW_QUERY)
    flavor = get_flavor(runtime().store, context(), flavor_id)
    return json_response({"extra_specs": dict(flavor["extra_specs"])})


def extra_spec(flavor_id: str, key: str) -> Response:
    """``GET /flavors/{id}/os-extra_specs/{key}``: ``{key: value}``."""
    _args(SHOW_QUERY)
    flavor = get_flavor(runtime().store, context(), flavor_id)
    return json_response({key: extra_spec_of(flavor, key)})


ROUTES = (
    Route("GET", "/flavors", index),
    Route("GET", "/flavors/detail", detail),
    Route("GET", "/flavors/<flavor_id>", show),
    Route("GET", "/flavors/<flavor_id>/os-extra_specs", extra_specs),
    Route("GET", "/flavors/<flavor_id>/os-extra_specs/<key>", extra_spec),
)
