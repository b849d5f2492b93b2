"""``os-instance-actions`` bodies as field tables: which key an action or event has, at which version, for whom.

Events are shown to admins at every version and to members from 2.51; ``traceback`` and ``details`` (2.84)
and ``host`` (2.62) only to admins; ``hostId`` (2.62) to everyone.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from ..ids import host_id
from .common import usage_time
from .fields import Field, FieldTable, ViewContext, render

ACTION_FIELDS: FieldTable[Mapping[str, Any]] = FieldTable("instance-action", [
    Field("action", lambda a, c: a["action"]),
    Field("instance_uuid", lambda a, c: a["instance_uuid"]),
    Field("request_id", lambda a, c: a["request_id"]),
    Field("user_id", lambda a, c: a["user_id"]),
    Field("project_id", lambda a, c: a["project_id"]),
    Field("start_time", lambda a, c: usage_time(a["start_time"])),
    Field("message", lambda a, c: a["message"]),
    Field("updated_at", lambda a, c: usage_time(a["updated_at"]), since="2.58"),
])

EVENT_FIELDS: FieldTable[Mapping[str, Any]] = FieldTable("instance-action-event", [
    Field("event", lambda e, c: e["event"]),
    Field("start_time", lambda e, c: usage_time(e["start_time"])),
    Field("finish_time", lambda e, c: usage_time(e["finish_time"])),
    Field("result", lambda e, c: e["result"]),
    Field("traceback", lambda e, c: e["traceback"], admin_only=True),
    Field("host", lambda e, c: e["host"] or "", since="2.62", admin_only=True),
    Field("hostId", lambda e, c: host_id(e["project_id"], e["host"]) if e["host"] else "", since="2.62"),
    Field("details", lambda e, c: e["details"], since="2.84", admin_only=True),
])


def events(action: Mapping[str, Any], ctx: ViewContext) -> List[Dict[str, Any]]:
    """The action's events, each carrying the action's project for ``hostId``."""
    return [render(EVENT_FIELDS, {**event, "project_id": action["project_id"]}, ctx)
            for event in action["events"]]


#: the ``instanceAction`` object: events for admins always, for members from 2.51
DETAIL_FIELDS: FieldTable[Mapping[str, Any]] = FieldTable("instance-action-detail", [
    *ACTION_FIELDS,
    Field("events", events, until="2.50", admin_only=True),
    Field("events", events, since="2.51"),
])


def summary(action: Mapping[str, Any], ctx: ViewContext) -> Dict[str, Any]:
    """One item of ``{"instanceActions": [...]}``.

    .. versionadded:: 0.2
    """
    return render(ACTION_FIELDS, action, ctx)


def detail(action: Mapping[str, Any], ctx: ViewContext) -> Dict[str, Any]:
    """The ``instanceAction`` object.

    .. versionadded:: 0.2
    """
    return render(DETAIL_FIELDS, action, ctx)
