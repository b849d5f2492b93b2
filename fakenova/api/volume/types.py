"""``/types``: volume types (the default ``__DEFAULT__`` always there), admin create/update/delete, extra specs."""
from __future__ import annotations

from typing import Any, Dict, Mapping

from flask import Response

from ...domain import cinder, errors
from ...domain.strings import bool_from_string
from ...views import volumes as views
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from . import schemas

KIND = "volume_type"


class VolumeTypeNotFound(errors.NotFound):
    msg_fmt = "Volume type {type_id} could not be found."


def _find(type_id: str) -> Mapping[str, Any]:
    if type_id == "default":
        return cinder.DEFAULT_TYPE
    for candidate in (cinder.DEFAULT_TYPE, *runtime().store.list(KIND)):
        if candidate["id"] == type_id:
            return candidate
    raise VolumeTypeNotFound(type_id=type_id)


def _stored(type_id: str) -> Mapping[str, Any]:
    found = _find(type_id)
    if found is cinder.DEFAULT_TYPE:  # the default type is Cinder's own: it cannot be changed or deleted here
        raise errors.BadRequest("Target volume type is still in use.")
    return found


def index() -> Response:
    ctx = context()
    types = [cinder.DEFAULT_TYPE, *runtime().store.list(KIND)]
    visible = [t for t in types if ctx.is_admin or t.get("is_public", True)]
    return json_response({"volume_types": [views.volume_type(t, ctx.is_admin) for t in visible]})


def show(type_id: str) -> Response:
    return json_response({"volume_type": views.volume_type(_find(type_id), context().is_admin)})


def create() -> Response:
    body = read_json()
    ctx = context()
    validate_body(schemas.TYPE_CREATE, ctx.version, body)
    wanted = body["volume_type"]
    name = wanted["name"].strip()
    if any(t["name"] == name for t in (cinder.DEFAULT_TYPE, *runtime().store.list(KIND))):
        raise errors.Conflict(f"Volume Type {name} already exists.")
    record: Dict[str, Any] = {
        "id": runtime().ids.uuid(), "name": name, "description": wanted.get("description"),
        "is_public": bool_from_string(wanted.get("os-volume-type-access:is_public", True)),
        "extra_specs": dict(wanted.get("extra_specs") or {}), "qos_specs_id": None}
    runtime().store.put(KIND, record["id"], record)
    return json_response({"volume_type": views.volume_type(record, True, managed=True)})


def update(type_id: str) -> Response:
    body = read_json()
    validate_body(schemas.TYPE_UPDATE, context().version, body)
    wanted = body["volume_type"]
    changes = {key: wanted[key] for key in ("name", "description") if wanted.get(key) is not None}
    if "is_public" in wanted:
        changes["is_public"] = bool_from_string(wanted["is_public"])
    _stored(type_id)
    record = runtime().store.compute(KIND, type_id, lambda t: {**t, **changes})
    return json_response({"volume_type": views.volume_type(record, True, managed=True, access=False)})


def delete(type_id: str) -> Response:
    _stored(type_id)
    if any(v["volume_type_id"] == type_id for v in runtime().store.list(cinder.KIND)):
        raise errors.BadRequest("Target volume type is still in use.")
    runtime().store.delete(KIND, type_id)
    return json_response(None, 202)


def specs_index(type_id: str) -> Response:
    return json_response({"extra_specs": dict(_find(type_id).get("extra_specs") or {})})


def specs_create(type_id: str) -> Response:
    body = read_json()
    validate_body(schemas.EXTRA_SPECS, context().version, body)
    _stored(type_id)
    specs = dict(body["extra_specs"])
    runtime().store.compute(KIND, type_id, lambda t: {**t, "extra_specs": {**t["extra_specs"], **specs}})
    return json_response({"extra_specs": specs})


def specs_show(type_id: str, key: str) -> Response:
    specs = _find(type_id).get("extra_specs") or {}
    if key not in specs:
        raise errors.NotFound(f"Volume Type {type_id} has no extra specs with key {key}.")
    return json_response({key: specs[key]})


def specs_update(type_id: str, key: str) -> Response:
    body = read_json()
    if not isinstance(body, dict) or len(body) != 1 or key not in body:
        raise errors.BadRequest("Request body and URI mismatch" if isinstance(body, dict) and len(body) == 1
                                else "Request body contains too many items")
    _stored(type_id)
    runtime().store.compute(KIND, type_id, lambda t: {**t, "extra_specs": {**t["extra_specs"], key: body[key]}})
    return json_response({key: body[key]})


def specs_delete(type_id: str, key: str) -> Response:
    found = _stored(type_id)
    if key not in found["extra_specs"]:
        raise errors.NotFound(f"Volume Type {type_id} has no extra specs with key {key}.")
    runtime().store.compute(KIND, type_id, lambda t: {
        **t, "extra_specs": {k: v for k, v in t["extra_specs"].items() if k != key}})
    return json_response(None, 202)


_T, _E = "/types/<type_id>", "/types/<type_id>/extra_specs"
ROUTES = (
    Route("GET", "/types", index, policy="volume_extension:type_get_all"),
    Route("POST", "/types", create, policy="volume_extension:type_create"),
    Route("GET", _T, show, policy="volume_extension:type_get"),
    Route("PUT", _T, update, policy="volume_extension:type_update"),
    Route("DELETE", _T, delete, policy="volume_extension:type_delete"),
    Route("GET", _E, specs_index, policy="volume_extension:types_extra_specs:index"),
    Route("POST", _E, specs_create, policy="volume_extension:types_extra_specs:create"),
    Route("GET", f"{_E}/<key>", specs_show, policy="volume_extension:types_extra_specs:show"),
    Route("PUT", f"{_E}/<key>", specs_update, policy="volume_extension:types_extra_specs:update"),
    Route("DELETE", f"{_E}/<key>", specs_delete, policy="volume_extension:types_extra_specs:delete"),
)
