"""Neutron list queries over a resource table: filters, tag filters, sorting, paging and ``fields``.

As ``neutron/api/api_common.py`` reads them: every ``is_filter`` attribute filters (a repeated name ORs its
values; booleans are converted; ``fixed_ips=ip_address=...`` matches inside lists of dicts), other names are
``[<name>] is invalid attribute for filtering`` (filter validation); ``tags``/``tags-any``/``not-tags``/
``not-tags-any`` take comma-separated tags; ``sort_key``/``sort_dir`` pairs sort (``id`` breaks ties when
paging, as native pagination does); ``limit``/``marker``/``page_reverse`` page, reporting next/previous
links as ``get_pagination_links`` decides them; ``fields`` keeps only the named attributes.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import neutron_validators as v
from .errors import FakeNovaError
from .neutron_errors import BadRequest, HTTPBadRequest
from .neutron_resource import Definition, Record

Args = Mapping[str, List[str]]
#: query parameters that page, sort or project rather than filter
CONTROL = frozenset({"fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse"})
TAG_FILTERS: Mapping[str, Callable[[set, set], bool]] = {
    "tags": lambda wanted, have: wanted <= have,
    "tags-any": lambda wanted, have: bool(wanted & have),
    "not-tags": lambda wanted, have: not wanted <= have,
    "not-tags-any": lambda wanted, have: not wanted & have,
}


@dataclass(frozen=True)
class Page:
    """One page of a list and the links Neutron would add (``rel`` -> the marker to use, or None)."""

    items: List[Record]
    links: List[Tuple[str, Optional[str]]]


def _converted(defn: Definition, name: str, values: Sequence[str]) -> List[Any]:
    convert = defn.attrs[name].convert
    if convert is v.to_boolean or convert is v.to_int:
        try:
            return [convert(value) for value in values]
        except FakeNovaError as error:
            raise type(error)(error.message) from None
    return list(values)


def _match(actual: Any, wanted: List[Any]) -> bool:
    if isinstance(actual, list):
        pairs = [tuple(str(value).split("=", 1)) for value in wanted if "=" in str(value)]
        if pairs and all(isinstance(item, dict) for item in actual):  # fixed_ips=ip_address=10.0.0.3
            return any(_pair(item, key, val) for key, val in pairs for item in actual)
        return any(value in actual for value in wanted)
    if isinstance(actual, bool) or actual is None or isinstance(actual, int):
        return actual in wanted or str(actual) in wanted
    return str(actual) in [str(value) for value in wanted]


def _pair(item: Mapping[str, Any], key: str, value: str) -> bool:
    if key == "ip_address_substr":  # ip-substring-filtering: part of an address
        return value in str(item.get("ip_address"))
    return str(item.get(key)) == value


def filters(defn: Definition, args: Args) -> Dict[str, List[Any]]:
    """The attribute filters of a query (converted values), or the 400 for one that is not filterable."""
    found: Dict[str, List[Any]] = {}
    for name, values in args.items():
        if name in CONTROL or (defn.tags and name in TAG_FILTERS):
            continue
        attr = defn.attrs.get(name)
        if attr is None or not attr.is_filter:
            raise HTTPBadRequest(f"[{name}] is invalid attribute for filtering")
        found[name] = _converted(defn, name, values)
    return found


def matching(defn: Definition, records: List[Record], wanted: Mapping[str, List[Any]], args: Args) -> List[Record]:
    """The records that pass every attribute filter (on values as shown) and tag filter."""
    for name, values in wanted.items():
        present = defn.attrs[name].present
        if present is not None:
            records = [record for record in records if _match(present(record.get(name)), values)]
        else:
            records = [record for record in records if _match(record.get(name), values)]
    for name, check in TAG_FILTERS.items():
        if name in args:
            tags = {tag for value in args[name] for tag in value.split(",") if tag}
            records = [record for record in records if check(tags, set(record.get("tags") or ()))]
    return records


def _sorts(defn: Definition, args: Args) -> List[Tuple[str, bool]]:
    keys = [key for key in args.get("sort_key", ()) if key]
    dirs = [value for value in args.get("sort_dir", ()) if value]
    if len(keys) != len(dirs):
        raise HTTPBadRequest("The number of sort_keys and sort_dirs must be same")
    absent = [key for key in keys if key not in defn.attrs or not defn.attrs[key].is_sort_key]
    if absent:
        raise HTTPBadRequest(f"{absent} is invalid attribute for sort_keys")
    invalid = [value for value in dirs if value not in ("asc", "desc")]
    if invalid:
        raise HTTPBadRequest(f"{invalid} is invalid value for sort_dirs, valid value is 'asc' and 'desc'")
    return [(key, value == "asc") for key, value in zip(keys, dirs)]


def _compare(sorts: List[Tuple[str, bool]], one: Record, two: Record) -> int:
    for key, ascending in sorts:
        a, b = one.get(key), two.get(key)
        order = 0 if a is None and b is None else -1 if a is None else 1 if b is None else (a > b) - (a < b)
        if order:
            return order if ascending else -order
    return 0


def _limit(args: Args) -> int:
    text = args.get("limit", ["0"])[0]
    try:
        limit = int(text)
    except ValueError:
        limit = -1
    if limit < 0:
        raise BadRequest(resource="limit", msg=f"Limit must be an integer 0 or greater and not '{text}'")
    return limit


def page(defn: Definition, records: List[Record], args: Args) -> Page:
    """Sort and page already filtered records; the links say whether a next/previous page exists."""
    sorts = _sorts(defn, args)
    limit = _limit(args)
    if limit and "id" not in dict(sorts):
        sorts.append(("id", True))
    if sorts:
        records = sorted(records, key=functools.cmp_to_key(functools.partial(_compare, sorts)))
    marker = args.get("marker", [None])[0]
    if not limit:
        # fakenova has always honoured a marker alone (Neutron ignores it without a limit); kept for clients
        ids = [record["id"] for record in records]
        return Page(records[ids.index(marker) + 1:] if marker in ids else records, [])
    reverse = args.get("page_reverse", ["False"])[0].lower() == "true"
    index = len(records) if reverse else 0
    if marker:
        ids = [record["id"] for record in records]
        if marker not in ids:
            return Page([], _links([], limit, reverse))
        index = ids.index(marker) + (0 if reverse else 1)
    items = records[max(index - limit, 0):index] if reverse else records[index:index + limit]
    return Page(items, _links(items, limit, reverse))


def _links(items: List[Record], limit: int, reverse: bool) -> List[Tuple[str, Optional[str]]]:
    links: List[Tuple[str, Optional[str]]] = []
    if not (len(items) < limit and not reverse):
        links.append(("next", items[-1]["id"] if items else None))
    if not (len(items) < limit and reverse):
        links.append(("previous", items[0]["id"] if items else None))
    return links


def pick(body: Mapping[str, Any], fields: Sequence[str]) -> Dict[str, Any]:
    """``body`` limited to ``fields`` (all of it when none is named)."""
    wanted = [name for name in fields if name]
    return {key: value for key, value in body.items() if not wanted or key in wanted}
