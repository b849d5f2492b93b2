"""Neutron list helpers kept for the resources not yet on the table-driven machinery (floating IPs).

New resources use :mod:`fakenova.domain.neutron_query` through :mod:`fakenova.api.network.resource`. These
apply Neutron's filters on rendered attributes (repeat a name to OR values; ``fields`` picks keys); unknown
filters are a 400 as with Neutron's ``filter_validation``.
"""
from __future__ import annotations

from typing import AbstractSet, Any, Dict, List, Mapping, Optional, Sequence

from .neutron_errors import HTTPBadRequest
from .strings import parse_bool

#: Parameters that page, sort or project rather than filter.
_CONTROL = ("fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse")


def _matches(item: Mapping[str, Any], name: str, wanted: Sequence[str]) -> bool:
    actual = item[name]
    if name == "fixed_ips":
        pairs = [tuple(value.split("=", 1)) for value in wanted if "=" in value]
        return any(ip.get(key) == val for key, val in pairs for ip in actual)
    if isinstance(actual, bool):
        return any(parse_bool(value) is actual for value in wanted)
    if isinstance(actual, list):
        return any(value in actual for value in wanted)
    return any(str(actual) == value for value in wanted)


def select(items: List[Dict[str, Any]], args: Mapping[str, List[str]],
           known: Optional[AbstractSet[str]] = None) -> List[Dict[str, Any]]:
    """Apply filters (400 ``[<name>] is invalid attribute for filtering`` for unknown ones), page, project.

    :param known: the resource's filterable attributes; by default the keys of the first item.
    """
    known = known or (set(items[0]) if items else set())
    for name, values in args.items():
        if name in _CONTROL:
            continue
        if name not in known:
            raise HTTPBadRequest(f"[{name}] is invalid attribute for filtering")
        items = [item for item in items if _matches(item, name, values)]
    items = _page(items, args)
    fields = [name for name in args.get("fields", ()) if name]
    return [{key: item[key] for key in item if key in fields} for item in items] if fields else items


def _page(items: List[Dict[str, Any]], args: Mapping[str, List[str]]) -> List[Dict[str, Any]]:
    marker = args.get("marker", [None])[-1]
    if marker is not None:
        ids = [item["id"] for item in items]
        items = items[ids.index(marker) + 1:] if marker in ids else items
    limit = args.get("limit", [""])[-1]
    if limit:
        if not limit.isdigit():
            raise HTTPBadRequest(f"Bad limit request: Limit must be an integer 0 or greater and not '{limit}'.")
        items = items[:int(limit)] if int(limit) else items
    return items


def picked(item: Mapping[str, Any], fields: Sequence[str]) -> Dict[str, Any]:
    """``item`` limited to the ``fields`` query values (all of it when none is given)."""
    wanted = [name for name in fields if name]
    return {key: value for key, value in item.items() if not wanted or key in wanted}
