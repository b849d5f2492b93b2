"""Nova's ``os-volumes`` and ``os-snapshots`` proxies (2.1-2.35; 404 from 2.36) over the Cinder records.

Nova asks Cinder and translates (``nova/api/openstack/compute/volumes.py``, ``snapshots.py``): the records
are the ones ``/volume/v3`` serves, so both APIs always agree. Cinder's refusals reach the client as Nova
passes them on: a 400 as ``Invalid input received: ...``, a quota refusal as 403.
"""
from __future__ import annotations

from typing import Any, Callable, Dict

from flask import Response, request

from ...domain import cinder, cinder_quotas, cinder_snapshots, cinder_volumes, errors
from ...domain.policy import authorize
from ...domain.strings import bool_from_string
from ...microversions import Versioned, VersionRange
from ...views import volumes as views
from ...views.common import usage_time
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body

PROXY = VersionRange.of(until="2.35")
_P = "os_compute_api:os-volumes:"
_BOOLEAN = {"type": ["boolean", "string"], "enum": [
    True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
    False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]}
VOLUME_CREATE = Versioned([("2.1", {"type": "object", "properties": {"volume": {"type": "object", "properties": {
    "volume_type": {"type": "string"}, "metadata": {"type": "object"}, "snapshot_id": {"type": "string"},
    "size": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1},
    "availability_zone": {"type": "string"}, "display_name": {"type": "string"},
    "display_description": {"type": "string"}}, "required": ["size"], "additionalProperties": False}},
    "required": ["volume"], "additionalProperties": False})], name="os-volumes create")
SNAPSHOT_CREATE = Versioned([("2.1", {"type": "object", "properties": {"snapshot": {"type": "object", "properties": {
    "volume_id": {"type": "string"}, "force": _BOOLEAN, "display_name": {"type": "string"},
    "display_description": {"type": "string"}}, "required": ["volume_id"], "additionalProperties": False}},
    "required": ["snapshot"], "additionalProperties": False})], name="os-snapshots create")


def _iso(when: float) -> str:
    return usage_time(when) or ""


def _volume(record: Dict[str, Any]) -> Dict[str, Any]:
    kind = cinder_volumes.volume_type(runtime(), record["volume_type_id"])
    return views.proxy_volume(record, kind["name"], _iso)


def _passed_on(call: Callable[[], Any]) -> Any:
    """Run a Cinder call as Nova's client does: Cinder's 400 becomes InvalidInput, its 413 a 403."""
    try:
        return call()
    except cinder_quotas.QuotaError as exc:
        raise errors.Forbidden(exc.message) from None
    except errors.BadRequest as exc:
        raise errors.BadRequest(f"Invalid input received: {exc.message} (HTTP 400) "
                                f"(Request-ID: {runtime().ids.request_id()})") from None


def _limited(items: list) -> list:
    offset = int(request.args.get("offset", 0) or 0)
    max_limit = runtime().settings.max_limit
    limit = min(int(request.args.get("limit", max_limit) or max_limit), max_limit)
    return items[offset:offset + limit]


def _no_empty_id() -> None:
    # ``GET /os-volumes/`` names a member with an empty id, which Nova's router does not match (404)
    if request.path.endswith("/"):
        raise errors.NotFound()


def volumes_index() -> Response:
    _no_empty_id()
    authorize(context(), f"{_P}list")
    return _volumes_list()


def volumes_detail() -> Response:
    authorize(context(), f"{_P}detail")
    return _volumes_list()


def _volumes_list() -> Response:
    found = cinder.visible_volumes(runtime(), context(), all_projects=False)
    found.sort(key=lambda record: (record["created_at"], record["id"]), reverse=True)
    return json_response({"volumes": [_volume(record) for record in _limited(found)]})


def volume_show(volume_id: str) -> Response:
    authorize(context(), f"{_P}show")
    return json_response({"volume": _volume(cinder.observe(runtime(), context(), volume_id))})


def volume_create() -> Response:
    ctx = context()
    authorize(ctx, f"{_P}create")
    body = read_json()
    validate_body(VOLUME_CREATE, ctx.version, body)
    wanted = body["volume"]
    if wanted.get("snapshot_id"):
        cinder_snapshots.observe(runtime(), ctx, wanted["snapshot_id"], observed=False)
    made = _passed_on(lambda: cinder_volumes.create(runtime(), ctx, {
        "size": wanted["size"], "name": wanted.get("display_name"), "volume_type": wanted.get("volume_type"),
        "description": wanted.get("display_description"), "metadata": wanted.get("metadata"),
        "snapshot_id": wanted.get("snapshot_id"), "availability_zone": wanted.get("availability_zone")}))
    return json_response({"volume": _volume(made)}, 200, {"Location": f"{request.base_url}/{made['id']}"})


def volume_delete(volume_id: str) -> Response:
    ctx = context()
    authorize(ctx, f"{_P}delete")
    _passed_on(lambda: cinder_volumes.delete(runtime(), ctx, volume_id, cascade=False, force=False))
    return json_response(None, 202)


def _snapshot(record: Dict[str, Any]) -> Dict[str, Any]:
    return views.proxy_snapshot(record, _iso)


def snapshots_index() -> Response:
    _no_empty_id()
    authorize(context(), f"{_P}snapshots:list")
    return _snapshots_list()


def snapshots_detail() -> Response:
    authorize(context(), f"{_P}snapshots:detail")
    return _snapshots_list()


def _snapshots_list() -> Response:
    # Nova's proxy reads one Cinder listing, capped as Cinder caps it
    found, _ = cinder_snapshots.listed(runtime(), context(), {}, runtime().settings.max_limit)
    return json_response({"snapshots": [_snapshot(record) for record in _limited(found)]})


def snapshot_show(snapshot_id: str) -> Response:
    authorize(context(), f"{_P}snapshots:show")
    return json_response({"snapshot": _snapshot(cinder_snapshots.observe(runtime(), context(), snapshot_id))})


def snapshot_create() -> Response:
    ctx = context()
    authorize(ctx, f"{_P}snapshots:create")
    body = read_json()
    validate_body(SNAPSHOT_CREATE, ctx.version, body)
    wanted = body["snapshot"]
    made = _passed_on(lambda: cinder_snapshots.create(runtime(), ctx, {
        "volume_id": wanted["volume_id"], "name": wanted.get("display_name"),
        "description": wanted.get("display_description")}, force=bool_from_string(wanted.get("force", False))))
    return json_response({"snapshot": _snapshot(made)})


def snapshot_delete(snapshot_id: str) -> Response:
    ctx = context()
    authorize(ctx, f"{_P}snapshots:delete")
    _passed_on(lambda: cinder_snapshots.delete(runtime(), ctx, snapshot_id))
    return json_response(None, 202)


ROUTES = (
    Route("GET", "/os-volumes", volumes_index, PROXY, policy=f"{_P}list"),
    Route("GET", "/os-volumes/detail", volumes_detail, PROXY, policy=f"{_P}detail"),
    Route("POST", "/os-volumes", volume_create, PROXY, policy=f"{_P}create"),
    Route("GET", "/os-volumes/<volume_id>", volume_show, PROXY, policy=f"{_P}show"),
    Route("DELETE", "/os-volumes/<volume_id>", volume_delete, PROXY, policy=f"{_P}delete"),
    Route("GET", "/os-snapshots", snapshots_index, PROXY, policy=f"{_P}snapshots:list"),
    Route("GET", "/os-snapshots/detail", snapshots_detail, PROXY, policy=f"{_P}snapshots:detail"),
    Route("POST", "/os-snapshots", snapshot_create, PROXY, policy=f"{_P}snapshots:create"),
    Route("GET", "/os-snapshots/<snapshot_id>", snapshot_show, PROXY, policy=f"{_P}snapshots:show"),
    Route("DELETE", "/os-snapshots/<snapshot_id>", snapshot_delete, PROXY, policy=f"{_P}snapshots:delete"),
)
