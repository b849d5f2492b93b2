"""The render cache's key comes from the view rows it renders, so a new row can never serve a stale body.

Two versions share a cached server body exactly when the same rows of the field table apply at both; the
key never names a version. These tests recompute the active rows independently of the planner and hold the
key to them, for every version, table and role; and they check the invariant that makes rows a complete
description: no render reads ``ctx.version``.
"""
from __future__ import annotations

import dataclasses
import inspect
import types
from typing import Dict, FrozenSet, Iterator, Set, Tuple

import pytest
from support.server_api import IMAGE

from fakenova.api.compute.server_list import view_key
from fakenova.microversions import MAX_VERSION, V, Version, all_versions
from fakenova.views import servers as views
from fakenova.views.fields import Field, FieldTable, ViewContext, attr, fields_for

CACHED_TABLES = {"show": views.SERVER_FIELDS, "detail": views.DETAIL_FIELDS, "summary": views.SUMMARY_FIELDS}


def _ctx(version: Version, is_admin: bool) -> ViewContext:
    return ViewContext(version, is_admin, "http://fake/compute/v2.1", "http://fake/compute")


def _active(table: FieldTable, version: Version, is_admin: bool) -> Tuple[Field, ...]:
    return tuple(row for row in table.rows if version in row.versions and (is_admin or not row.admin_only))


@pytest.mark.parametrize("is_admin", [False, True], ids=["member", "admin"])
@pytest.mark.parametrize("name", list(CACHED_TABLES))
def test_versions_share_a_key_exactly_when_the_same_rows_apply(name: str, is_admin: bool) -> None:
    table = CACHED_TABLES[name]
    keys_by_rows: Dict[Tuple[Field, ...], Set[object]] = {}
    for version in all_versions():
        keys_by_rows.setdefault(_active(table, version, is_admin), set()).add(view_key(table, _ctx(version, is_admin)))
    assert all(len(keys) == 1 for keys in keys_by_rows.values())  # same rows: one shared entry
    distinct = [key for keys in keys_by_rows.values() for key in keys]
    assert len(distinct) == len(set(distinct))  # different rows: never the same entry


@pytest.mark.parametrize("is_admin", [False, True], ids=["member", "admin"])
def test_a_row_added_at_a_new_version_changes_the_key_there(is_admin: bool) -> None:
    quiet = V("2.50")  # nothing in the server view changes at 2.50
    table = views.SERVER_FIELDS
    assert view_key(table, _ctx(V("2.49"), is_admin)) == view_key(table, _ctx(quiet, is_admin))
    grown = FieldTable("grown", [*table.rows, Field("new_key", attr("id"), since=str(quiet))])
    assert view_key(grown, _ctx(V("2.49"), is_admin)) != view_key(grown, _ctx(quiet, is_admin))
    assert view_key(grown, _ctx(V("2.49"), is_admin)) == view_key(table, _ctx(V("2.49"), is_admin))
    changed = FieldTable("changed", [*table.without("name").rows, Field("name", attr("name"), until="2.49"),
                                     Field("name", lambda s, c: s.name.upper(), since=str(quiet))])
    assert view_key(changed, _ctx(V("2.49"), is_admin)) != view_key(changed, _ctx(quiet, is_admin))


def test_the_key_follows_role_and_urls() -> None:
    version = V("2.100")
    member, admin = _ctx(version, False), _ctx(version, True)
    assert view_key(views.SERVER_FIELDS, member) != view_key(views.SERVER_FIELDS, admin)
    elsewhere = dataclasses.replace(member, project_prefix="/demo")
    assert view_key(views.SERVER_FIELDS, member) != view_key(views.SERVER_FIELDS, elsewhere)


def _functions(function: types.FunctionType, seen: Set[types.CodeType]) -> Iterator[types.CodeType]:
    """The code of ``function`` and of every module-level function it calls, however deep."""
    pending = [function.__code__]
    while pending:
        code = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        yield code
        pending.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
        for name in code.co_names:
            called = function.__globals__.get(name)
            if inspect.isfunction(called) and called.__module__ == function.__module__:
                pending.append(called.__code__)


def _names_read(row: Field) -> FrozenSet[str]:
    renders = [row.render, row.when]
    codes = (code for render in renders if inspect.isfunction(render) for code in _functions(render, set()))
    return frozenset(name for code in codes for name in code.co_names)


@pytest.mark.parametrize("row", [row for table in CACHED_TABLES.values() for row in table.rows],
                         ids=lambda row: f"{row.name}@{row.versions}")
def test_no_render_reads_the_version(row: Field) -> None:
    """Rows are the unit of version-dependent behaviour; a render branching on the version would break the key."""
    assert "version" not in _names_read(row)


def test_the_planner_knows_which_rows_read_the_image() -> None:
    def reading(table: FieldTable) -> Set[Version]:
        return {v for v in all_versions() if "image" in fields_for(table, v, False).reads}

    expected = {v for v in all_versions()
                if any("image" in row.reads for row in _active(views.DETAIL_FIELDS, v, False))}
    assert reading(views.DETAIL_FIELDS) == reading(views.SERVER_FIELDS) == expected and MAX_VERSION in expected
    assert reading(views.SUMMARY_FIELDS) == set()


@pytest.mark.parametrize("table_path", ["/servers/{id}", "/servers/detail"])
def test_a_warm_cache_never_serves_an_older_versions_body(demo, table_path: str) -> None:
    server_id = demo.server(name="vm")
    path = table_path.format(id=server_id)

    def body(version: str) -> dict:
        response = demo("GET", path, version=version)
        assert response.status_code == 200, response.json
        return response.json["server"] if "server" in response.json else response.json["servers"][0]

    for older, newer, key in (("2.18", "2.19", "description"), ("2.72", "2.73", "locked_reason"),
                              ("2.99", "2.100", "scheduler_hints")):
        assert key not in body(older) and key not in body(older)  # the second read is served from the cache
        assert key in body(newer)
    assert "properties" not in body("2.97")["image"] and body("2.98")["image"]["id"] == IMAGE
    assert "properties" in body("2.98")["image"]
