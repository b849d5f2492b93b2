"""``/limits``, ``/os-availability-zone`` and ``/os-quota-sets``: what a project may use and where."""
from __future__ import annotations

from typing import Any, Dict

from flask import Response, request

from ...domain import cinder, cinder_quotas, errors
from ...domain.strings import bool_from_string
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body
from . import schemas

#: Cinder's absolute limits: (limit key, used key, quota resource)
ABSOLUTE = (("maxTotalVolumes", "totalVolumesUsed", "volumes"),
            ("maxTotalSnapshots", "totalSnapshotsUsed", "snapshots"),
            ("maxTotalVolumeGigabytes", "totalGigabytesUsed", "gigabytes"),
            ("maxTotalBackups", "totalBackupsUsed", "backups"),
            ("maxTotalBackupGigabytes", "totalBackupGigabytesUsed", "backup_gigabytes"))


def limits() -> Response:
    ctx = context()
    project = request.args.get("project_id") if ctx.is_admin else None
    project = project or ctx.project_id
    quota, used = cinder_quotas.limits_for(runtime(), project), cinder_quotas.usage(runtime(), project)
    absolute: Dict[str, int] = {}
    for limit_key, used_key, resource in ABSOLUTE:
        absolute[limit_key] = quota[resource]
        absolute[used_key] = used.get(resource, 0)
    return json_response({"limits": {"rate": [], "absolute": absolute}})


def zones() -> Response:
    return json_response({"availabilityZoneInfo": [{"zoneName": cinder.ZONE, "zoneState": {"available": True}}]})


def _quota_body(project_id: str, usage: bool) -> Dict[str, Any]:
    quota = cinder_quotas.limits_for(runtime(), project_id)
    if not usage:
        return {"quota_set": {"id": project_id, **quota}}
    used = cinder_quotas.usage(runtime(), project_id)
    return {"quota_set": {"id": project_id, **{key: {"limit": value, "in_use": used.get(key, 0), "reserved": 0,
                                                     "allocated": 0} for key, value in quota.items()}}}


def _own_or_admin(project_id: str) -> None:
    ctx = context()
    if not ctx.is_admin and project_id != ctx.project_id:
        raise errors.Forbidden(rule="volume_extension:quotas:show")


def quota_show(target_id: str) -> Response:
    _own_or_admin(target_id)
    return json_response(_quota_body(target_id, bool_from_string(request.args.get("usage", "false"))))


def quota_defaults(target_id: str) -> Response:
    _own_or_admin(target_id)
    return json_response({"quota_set": {"id": target_id, **cinder_quotas.limits_for(runtime(), "")}})


def quota_update(target_id: str) -> Response:
    body = read_json()
    validate_body(schemas.QUOTA_UPDATE, context().version, body)
    changed = cinder_quotas.update_limits(runtime(), target_id, body["quota_set"])
    return json_response({"quota_set": changed})


def quota_delete(target_id: str) -> Response:
    runtime().store.delete(cinder_quotas.KIND, target_id)
    return json_response(None, 200)


_Q = "/os-quota-sets/<target_id>"
ROUTES = (
    Route("GET", "/limits", limits, policy="limits_extension:used_limits"),
    # Cinder's zone listing checks no policy of its own: any token of the project may read it
    Route("GET", "/os-availability-zone", zones, unguarded="Cinder checks no rule here"),
    Route("GET", _Q, quota_show, policy="volume_extension:quotas:show"),
    Route("GET", f"{_Q}/defaults", quota_defaults, policy="volume_extension:quotas:show"),
    Route("PUT", _Q, quota_update, policy="volume_extension:quotas:update"),
    Route("DELETE", _Q, quota_delete, policy="volume_extension:quotas:delete"),
)
