"""Request schemas of os-server-groups, per microversion.

Nova's ``nova/api/openstack/compute/schemas/server_groups.py``: one policy in a ``policies`` list (the soft
ones from 2.15), then from 2.64 a ``policy`` string with optional ``rules`` (``max_server_per_host``, a
positive integer or digit string); list paging by ``limit``/``offset``; unknown query parameters are refused
from 2.75 (list) and 2.102 (show).
"""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit

_HARD = ["anti-affinity", "affinity"]
_ALL = [*_HARD, "soft-anti-affinity", "soft-affinity"]


def _policies(names: list) -> t.Schema:
    # Nova's one-item tuple (``items: [...]`` plus ``additionalItems: false``) with ``maxItems: 1`` is this
    # plain list schema, which the fast check (api/schema_check.py) compiles
    return {"type": "array", "items": {"type": "string", "enum": names}, "uniqueItems": True, "minItems": 1,
            "maxItems": 1}


_GROUP = ("properties", "server_group")
_V264 = t.object_of({
    "name": t.NAME,
    "policy": {"type": "string", "enum": _ALL},
    "rules": t.object_of({"max_server_per_host": t.POSITIVE_INTEGER}),
}, required=["name", "policy"])

#: ``POST /os-server-groups``.
CREATE = t.evolve("server-groups-create", t.object_of({
    "server_group": t.object_of({"name": t.NAME, "policies": _policies(_HARD)}, required=["name", "policies"]),
}, required=["server_group"]), [
    ("2.15", [Edit(_GROUP, add={"policies": _policies(_ALL)})]),
    ("2.64", [Edit(add={"server_group": _V264})]),
])

_STRICT = Edit(keywords={"additionalProperties": False})

#: ``GET /os-server-groups``: ``all_projects`` (its presence is what counts), ``limit``, ``offset``.
INDEX_QUERY = t.evolve("server-groups-index-query", t.object_of({
    "all_projects": t.QUERY_STRING, "limit": t.QUERY_NON_NEGATIVE_INTEGER,
    "offset": t.QUERY_NON_NEGATIVE_INTEGER,
}, additional=True), [("2.75", [_STRICT])])

#: ``GET /os-server-groups/{id}``.
SHOW_QUERY = t.evolve("server-groups-show-query", t.object_of({}, additional=True), [("2.102", [_STRICT])])
