"""Glance's (deprecated, admin-only) tasks API: ``POST /v2/tasks``, ``GET /v2/tasks[/{id}]``.

fakenova fetches nothing from the network, so an ``import`` task fails at once as Glance's does when its
``import_from`` host cannot be reached. Tasks are kept (kind ``glance_task``) until they expire, as Glance's
``task_time_to_live`` (48 hours) says, and at most :data:`TASKS_KEPT` of them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import jsonschema

from . import errors
from .context import RequestContext
from .glance_errors import not_authorized
from .ports import Runtime

KIND = "glance_task"
TASKS_KEPT = 1000
TASK_TTL = 48 * 3600
TYPES = ("import", "api_image_import", "location_import")
_SCHEMA = {"type": "object", "properties": {"type": {"type": "string", "enum": list(TYPES)},
                                            "input": {"type": ["null", "object"]}}}
#: what Glance's import flow records when it cannot open ``import_from``
FETCH_FAILED = ("Error: <class 'urllib.error.URLError'>: <urlopen error [Errno -2] Name or service not "
                "known>")

Task = Dict[str, Any]


def _check_access(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise not_authorized("tasks_api_access")


def create(runtime: Runtime, ctx: RequestContext, body: Any) -> Task:
    """A task that has already failed (201)."""
    _check_access(ctx)
    if not isinstance(body, dict):
        raise errors.BadRequest("Body expected in request.")
    for key in ("type", "input"):
        if key not in body:
            raise errors.BadRequest(f"Task '{key}' is required")
    try:
        jsonschema.validate(body, _SCHEMA)
    except jsonschema.ValidationError as exc:
        raise errors.BadRequest(f"Provided object does not match schema 'task': {exc}") from None
    task: Task = {"id": runtime.ids.uuid(), "type": body["type"], "status": "failure", "owner": ctx.project_id,
                  "input": body["input"], "result": None, "message": FETCH_FAILED, "created_at": ctx.now,
                  "updated_at": ctx.now, "expires_at": ctx.now + TASK_TTL, "request_id": ctx.request_id,
                  "user_id": ctx.user_id}
    with runtime.store.atomically():
        kept = runtime.store.list(KIND)
        for old in kept[:max(0, len(kept) - TASKS_KEPT + 1)]:
            runtime.store.delete(KIND, old["id"])
        runtime.store.put(KIND, task["id"], task)
    return task


def _live(task: Task, ctx: RequestContext) -> bool:
    return task["expires_at"] >= ctx.now


def show(runtime: Runtime, ctx: RequestContext, task_id: str) -> Task:
    _check_access(ctx)
    task: Optional[Task] = runtime.store.get(KIND, task_id)
    if task is None or not _live(task, ctx):
        raise errors.NotFound(f"Could not find task {task_id}")
    return task


def listing(runtime: Runtime, ctx: RequestContext) -> List[Task]:
    """Newest first."""
    _check_access(ctx)
    return sorted((task for task in runtime.store.list(KIND) if _live(task, ctx)),
                  key=lambda task: (task["created_at"], task["id"]), reverse=True)
