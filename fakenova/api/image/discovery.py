"""Glance v2 discovery: the schemas, ``/v2/info/import``, ``/v2/info/stores`` and the (admin) task list.

fakenova's Glance is devstack's single-store one: ``/v2/info/stores`` answers as Glance does without
``enabled_backends`` (404), and the one import method offered is ``glance-direct``.
"""
from __future__ import annotations

from flask import Response

from ...domain import errors, image_data, image_schema
from ...domain.glance_errors import not_authorized
from ..http import context, json_response
from ..routing import Route


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


def list_tasks() -> Response:
    """``GET /v2/tasks``: admin only (``tasks_api_access``); imports here leave no task behind."""
    if not context().is_admin:
        raise not_authorized("tasks_api_access")
    return json_response({"tasks": [], "first": "/v2/tasks", "schema": "/v2/schemas/tasks"})


ROUTES = (
    Route("GET", "/v2/schemas/image", schema_image),
    Route("GET", "/v2/schemas/images", schema_images),
    Route("GET", "/v2/schemas/member", schema_member),
    Route("GET", "/v2/schemas/members", schema_members),
    Route("GET", "/v2/info/import", info_import),
    Route("GET", "/v2/info/stores", info_stores),
    Route("GET", "/v2/tasks", list_tasks, policy="get_tasks"),
)
