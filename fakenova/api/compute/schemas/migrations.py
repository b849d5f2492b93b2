"""Query schemas of ``GET /os-migrations`` per microversion, after Nova's ``schemas/migrations.py``.

Until 2.58 unknown parameters are dropped (so ``limit`` or ``user_id`` filter nothing there); 2.59 adds
paging and ``changes-since`` and refuses unknown names; 2.66 adds ``changes-before``; 2.80 ``user_id`` and
``project_id``.
"""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit


def _one(schema: t.Schema) -> t.Schema:
    """A query parameter given at most once (Nova's ``single_param``)."""
    return {**t.multi_params(schema), "maxItems": 1}


_FILTERS = ("hidden", "host", "instance_uuid", "source_compute", "status", "migration_type")
_DATE = {"type": "string", "format": "date-time"}

INDEX_QUERY = t.evolve("os-migrations-query", t.object_of(
    {name: t.QUERY_STRING for name in _FILTERS}, additional=True), [
    ("2.59", [Edit(add={"limit": _one(t.NON_NEGATIVE_INTEGER), "marker": _one({"type": "string"}),
                        "changes-since": _one(_DATE)}, keywords={"additionalProperties": False})]),
    ("2.66", [Edit(add={"changes-before": _one(_DATE)})]),
    ("2.80", [Edit(add={"user_id": _one({"type": "string"}), "project_id": _one({"type": "string"})})]),
])
