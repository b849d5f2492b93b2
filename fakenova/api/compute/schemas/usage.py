"""Query schemas of ``os-simple-tenant-usage`` per microversion, after Nova's
``schemas/simple_tenant_usage.py``: 2.40 adds ``limit``/``marker``; 2.75 refuses unknown parameters."""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit

_PAGING = {"limit": t.QUERY_NON_NEGATIVE_INTEGER, "marker": t.QUERY_STRING}
_ROWS = [("2.40", [Edit(add=_PAGING)]), ("2.75", [Edit(keywords={"additionalProperties": False})])]

INDEX_QUERY = t.evolve("usage-index-query", t.object_of(
    {"start": t.QUERY_STRING, "end": t.QUERY_STRING, "detailed": t.QUERY_STRING}, additional=True), _ROWS)
SHOW_QUERY = t.evolve("usage-show-query", t.object_of(
    {"start": t.QUERY_STRING, "end": t.QUERY_STRING}, additional=True), _ROWS)
