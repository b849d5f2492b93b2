"""Flavors: finding one by id or reference, who may see one, and the filters, order and paging of lists.

Visibility, filters, sorting and paging follow Nova's ``FlavorsController._get_flavors`` and the flavor DB
queries: members see enabled public flavors plus private ones shared with their project (a record's optional
``projects`` list), admins see every flavor and may filter with ``is_public``.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import errors
from .context import RequestContext
from .ports import Store
from .strings import parse_bool

Flavor = Mapping[str, Any]
Args = Dict[str, List[str]]

#: API sort key -> record key; keys Nova sorts by a column fakenova does not keep use insertion order.
_SORT_ATTRS: Mapping[str, Optional[str]] = {
    "flavorid": "id", "name": "name", "memory_mb": "ram", "vcpus": "vcpus", "root_gb": "disk",
    "ephemeral_gb": "ephemeral", "swap": "swap", "rxtx_factor": "rxtx_factor", "is_public": "is_public",
    "disabled": "disabled", "description": "description",
    "id": None, "created_at": None, "updated_at": None, "vcpu_weight": None,
}


class ExtraSpecNotFound(errors.NotFound):
    msg_fmt = "Flavor {flavor_id} has no extra specs with key {key}."


def for_server(store: Store, ctx: RequestContext, flavor_ref: Any) -> Flavor:
    """The flavor a create or resize names (an id or a link ending in one); 400 if absent, disabled or private
    to other projects (Nova looks it up with the caller's context)."""
    flavor_id = str(flavor_ref).rstrip("/").rsplit("/", 1)[-1]
    flavor = store.get("flavor", flavor_id)
    if flavor is None or flavor.get("disabled") or not visible(flavor, ctx):
        raise errors.BadRequest(f"Flavor {flavor_id} could not be found.")
    return flavor


def visible(flavor: Flavor, ctx: RequestContext) -> bool:
    """Nova's base flavor query: admins see all; others public flavors and those shared with them."""
    return ctx.is_admin or flavor["is_public"] or ctx.project_id in flavor.get("projects", ())


def get_flavor(store: Store, ctx: RequestContext, flavor_id: str) -> Flavor:
    """A visible flavor by id; 404 ``Flavor <id> could not be found.`` otherwise."""
    flavor = store.get("flavor", flavor_id)
    if flavor is None or not visible(flavor, ctx):
        raise errors.FlavorNotFound(flavor_id=flavor_id)
    return flavor


def last(args: Args, name: str) -> Optional[str]:
    """The value webob's ``req.params[name]`` gives: the last one, or None when absent."""
    values = args.get(name)
    return values[-1] if values else None


def extra_spec_of(flavor: Flavor, key: str) -> str:
    """One extra spec's value; 404 worded as Nova's when the flavor has no such key."""
    if key not in flavor["extra_specs"]:
        raise ExtraSpecNotFound(flavor_id=flavor["id"], key=key)
    return flavor["extra_specs"][key]


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


def list_flavors(store: Store, ctx: RequestContext, args: Args, max_limit: int) -> List[Flavor]:
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
