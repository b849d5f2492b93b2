"""Glance v2 discovery: the schemas, ``/v2/info/import``, ``/v2/info/stores``, and the (admin) tasks API.

fakenova's Glance is devstack's single-store one: ``/v2/info/stores`` answers as Glance does without
``enabled_backends`` (404), and the one import method offered is ``glance-direct``.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable

from flask import Response

from ...domain import errors, glance_tasks, image_data, image_schema
from ...views.common import isotime
from ..http import context, json_response, runtime
from ..routing import Route
from .body import read_body


def schema_image() -> Response:
    return json_response(image_schema.image_schema())


def schema_images() -> Response:
    return json_response(image_schema.images_schema())


def schema_member() -> Response:
    return json_response(image_schema.member_schema())


def schema_members() -> Response:
    return json_response(image_schema.members_schema())


def info_import() -> Response:
    """``GET /v2/info/import``: the import methods this Glance enables."""
    return json_response({"import-methods": {"description": "Import methods available.", "type": "array",
                                             "value": list(image_data.IMPORT_METHODS)}})


def info_stores() -> Response:
    raise errors.NotFound("Multi backend is not supported at this site.")


#: the keys of a task stub in a list (the full task adds input, result, message and who asked)
_STUB = ("id", "type", "status", "owner", "created_at", "updated_at", "expires_at")


def _task_view(task: Dict[str, Any], keys: Iterable[str]) -> Dict[str, Any]:
    view = {key: isotime(task[key]) if key.endswith("_at") else task[key] for key in keys}
    return {**view, "self": f"/v2/tasks/{task['id']}", "schema": "/v2/schemas/task"}


_FULL = (*_STUB, "input", "result", "message", "request_id", "user_id")


def list_tasks() -> Response:
    """``GET /v2/tasks``: admin only (``tasks_api_access``), newest first."""
    tasks = glance_tasks.listing(runtime(), context())
    return json_response({"tasks": [_task_view(task, _STUB) for task in tasks], "first": "/v2/tasks",
                          "schema": "/v2/schemas/tasks"})


def create_task() -> Response:
    """``POST /v2/tasks``: 201 and ``Location``."""
    task = glance_tasks.create(runtime(), context(), read_body())
    return json_response(_task_view(task, _FULL), 201, {"Location": f"/v2/tasks/{task['id']}"})


def show_task(task_id: str) -> Response:
    return json_response(_task_view(glance_tasks.show(runtime(), context(), task_id), _FULL))


#: Glance serves its schemas and discovery documents to any authenticated caller, with no policy rule
_OPEN = "Glance checks no rule here"

ROUTES = (
    Route("GET", "/v2/schemas/image", schema_image, unguarded=_OPEN),
    Route("GET", "/v2/schemas/images", schema_images, unguarded=_OPEN),
    Route("GET", "/v2/schemas/member", schema_member, unguarded=_OPEN),
    Route("GET", "/v2/schemas/members", schema_members, unguarded=_OPEN),
    Route("GET", "/v2/info/import", info_import, unguarded=_OPEN),
    Route("GET", "/v2/info/stores", info_stores, unguarded=_OPEN),
    Route("GET", "/v2/tasks", list_tasks, policy="get_tasks"),
    Route("POST", "/v2/tasks", create_task, policy="add_task"),
    Route("GET", "/v2/tasks/<task_id>", show_task, policy="get_task"),
)
