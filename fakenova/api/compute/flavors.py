"""``/flavors``: list, detail, show and the read-only extra specs, shaped per microversion (nova-facts j).

Which key a flavor body has at which microversion is stated once, in ``FLAVOR_FIELDS`` and
``SUMMARY_FIELDS``; the query parameters each version accepts are Nova's query schemas (``INDEX_QUERY``,
``SHOW_QUERY``): unknown names are dropped before 2.75 (2.102 for show) and refused after. Visibility,
filters, sorting and paging follow Nova's ``FlavorsController._get_flavors`` and the flavor DB queries:
members see enabled public flavors plus private ones shared with their project (a record's optional
``projects`` list), admins see every flavor and may filter with ``is_public``.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from flask import Response, request

from ...domain import errors
from ...domain.context import RequestContext
from ...domain.flavors import get_flavor, visible
from ...domain.strings import parse_bool
from ...views.common import collection_links, link
from ...views.fields import Field, FieldTable, ViewContext, render, render_many
from ..http import context, json_response, runtime
from ..routing import Route
from .. import schema_types as t
from ..schema_types import Edit
from .servers import view_context
from ..validation import validate_query

Flavor = Mapping[str, Any]
Args = Dict[str, List[str]]

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

# --- views ------------------------------------------------------------------------------------------


def _key(name: str) -> Callable[[Flavor, ViewContext], Any]:
    return lambda flavor, ctx: flavor[name]


def flavor_links(flavor_id: str, ctx: ViewContext) -> List[Dict[str, str]]:
    """``[self, bookmark]`` of a flavor; the bookmark drops the version segment."""
    return [link("self", f"{ctx.compute_url}{ctx.project_prefix}/flavors/{flavor_id}"),
            link("bookmark", f"{ctx.bookmark_url}{ctx.project_prefix}/flavors/{flavor_id}")]


def _links(flavor: Flavor, ctx: ViewContext) -> List[Dict[str, str]]:
    return flavor_links(flavor["id"], ctx)


#: ``GET /flavors/detail`` items and ``GET /flavors/{id}``, in Nova's key order.
FLAVOR_FIELDS = FieldTable("flavor", [
    Field("id", _key("id")),
    Field("name", _key("name")),
    Field("ram", _key("ram")),
    Field("disk", _key("disk")),
    Field("swap", lambda flavor, ctx: flavor["swap"] or "", until="2.74"),
    Field("swap", lambda flavor, ctx: flavor["swap"] or 0, since="2.75"),
    Field("OS-FLV-EXT-DATA:ephemeral", _key("ephemeral")),
    Field("OS-FLV-DISABLED:disabled", _key("disabled"), until="2.101"),
    Field("vcpus", _key("vcpus")),
    Field("os-flavor-access:is_public", _key("is_public")),
    Field("rxtx_factor", lambda flavor, ctx: flavor["rxtx_factor"] or "", until="2.101"),
    Field("links", _links),
    Field("description", _key("description"), since="2.55"),
    Field("extra_specs", lambda flavor, ctx: dict(flavor["extra_specs"]), since="2.61"),
])

#: ``GET /flavors`` items.
SUMMARY_FIELDS = FieldTable("flavor-summary", [
    Field("id", _key("id")),
    Field("name", _key("name")),
    Field("links", _links),
    Field("description", _key("description"), since="2.55"),
])

# --- queries (pure: store + context + parsed arguments) ----------------------------------------------

#: API sort key -> record key; keys Nova sorts by a column fakenova does not keep use insertion order.
_SORT_ATTRS: Mapping[str, Optional[str]] = {
    "flavorid": "id", "name": "name", "memory_mb": "ram", "vcpus": "vcpus", "root_gb": "disk",
    "ephemeral_gb": "ephemeral", "swap": "swap", "rxtx_factor": "rxtx_factor", "is_public": "is_public",
    "disabled": "disabled", "description": "description",
    "id": None, "created_at": None, "updated_at": None, "vcpu_weight": None,
}


def last(args: Args, name: str) -> Optional[str]:
    """The value webob's ``req.params[name]`` gives: the last one, or None when absent."""
    values = args.get(name)
    return values[-1] if values else None


def _parse_is_public(value: Optional[str]) -> Optional[bool]:
    if value is None:
        return True
    if value.lower() == "none":
        return None
    parsed = parse_bool(value)
    if parsed is not None:
        return parsed
    raise errors.BadRequest(f"Invalid is_public filter [{value}]")


def _minimum(args: Args, name: str) -> Optional[int]:
    value = last(args, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise errors.BadRequest(f"Invalid {name} filter [{value}]") from None


def _filters(ctx: RequestContext, args: Args) -> List[Callable[[Flavor], bool]]:
    checks: List[Callable[[Flavor], bool]] = []
    if ctx.is_admin:
        public = _parse_is_public(last(args, "is_public"))
        if public is not None:
            checks.append(lambda f: f["is_public"] == public
                          or bool(public and ctx.project_id in f.get("projects", ())))
    else:
        checks.append(lambda f: not f["disabled"])
    min_ram, min_disk = _minimum(args, "minRam"), _minimum(args, "minDisk")
    if min_ram is not None:
        checks.append(lambda f: f["ram"] >= min_ram)
    if min_disk is not None:
        checks.append(lambda f: f["disk"] >= min_disk)
    name = last(args, "name")
    if name is not None:
        checks.append(lambda f: _name_matches(name, f["name"]))
    return checks


def _name_matches(pattern: str, name: str) -> bool:
    # Nova filters names with the database's REGEXP (unanchored); a broken pattern matches literally.
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return pattern in name


def _ordering(args: Args, order: Mapping[str, int]) -> Tuple[Callable[[Flavor], Tuple], bool]:
    attribute = _SORT_ATTRS[last(args, "sort_key") or "flavorid"]

    def key(flavor: Flavor) -> Tuple:
        value = flavor.get(attribute) if attribute else None
        # NULLs sort first ascending, as in MySQL; the row id breaks ties, in the same direction.
        return (value is not None, value if value is not None else 0, order[flavor["id"]])
    return key, (last(args, "sort_dir") or "asc") == "desc"


def page_limit(args: Args, max_limit: int) -> int:
    """``min(limit, [api] max_limit)``, as ``common.get_limit_and_marker``."""
    limit = last(args, "limit")
    return max_limit if limit is None else min(int(limit), max_limit)


def list_flavors(store: Any, ctx: RequestContext, args: Args, max_limit: int) -> List[Flavor]:
    """One page of the flavors the caller may list, filtered, sorted and after ``marker``."""
    everything = store.list("flavor")
    order = {flavor["id"]: index for index, flavor in enumerate(everything)}
    checks = _filters(ctx, args)
    chosen = [f for f in everything if visible(f, ctx) and all(check(f) for check in checks)]
    key, descending = _ordering(args, order)
    chosen.sort(key=key, reverse=descending)
    marker = last(args, "marker")
    if marker is not None:
        row = store.get("flavor", marker)
        if row is None or not visible(row, ctx):
            raise errors.BadRequest(f"marker [{marker}] not found")
        bound = key(row)
        chosen = [f for f in chosen if (key(f) < bound if descending else key(f) > bound)]
    return chosen[:page_limit(args, max_limit)]


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
    if key not in flavor["extra_specs"]:
        raise errors.NotFound(f"Flavor {flavor_id} has no extra specs with key {key}.")
    return json_response({key: flavor["extra_specs"][key]})


ROUTES = (
    Route("GET", "/flavors", index),
    Route("GET", "/flavors/detail", detail),
    Route("GET", "/flavors/<flavor_id>", show),
    Route("GET", "/flavors/<flavor_id>/os-extra_specs", extra_specs),
    Route("GET", "/flavors/<flavor_id>/os-extra_specs/<key>", extra_spec),
)
