"""Server group bodies per microversion (``os-server-groups`` create, list items and show).

One table for every operation: ``policies`` plus an always-empty ``metadata`` until 2.63, then ``policy``
and ``rules`` (2.64); ``project_id`` and ``user_id`` from 2.13. The record given is the domain's shown form
(``members`` already limited to live servers).
"""
from __future__ import annotations

from typing import Any, Mapping

from .fields import Field, FieldTable, ViewContext

Group = Mapping[str, Any]


def _key(name: str) -> Any:
    return lambda group, ctx: group[name]


def _policies(group: Group, ctx: ViewContext) -> list:
    return [group["policy"]]


def _metadata(group: Group, ctx: ViewContext) -> dict:
    return {}  # Nova showed an empty dict until 2.64 removed the key


def _rules(group: Group, ctx: ViewContext) -> dict:
    return dict(group["rules"])


def _members(group: Group, ctx: ViewContext) -> list:
    return list(group["members"])


GROUP_FIELDS: FieldTable[Group] = FieldTable("server-group", [
    Field("id", _key("id")),
    Field("name", _key("name")),
    Field("policies", _policies, until="2.63"),
    Field("members", _members),
    Field("metadata", _metadata, until="2.63"),
    Field("project_id", _key("project_id"), since="2.13"),
    Field("user_id", _key("user_id"), since="2.13"),
    Field("policy", _key("policy"), since="2.64"),
    Field("rules", _rules, since="2.64"),
])
