"""``/os-assisted-volume-snapshots``: Cinder's callback asking Nova to snapshot an attached volume (service role).

Nova finds the server the volume is attached to (400 ``No volume Block Device Mapping with id ...``
otherwise), checks it has a host and no task (400, where Nova would answer 409 elsewhere), and hands the
snapshot to its compute host; fakenova's host has nothing to do, so the answer is immediate.
"""
from __future__ import annotations

import json
from typing import Any, Dict

from flask import Response, request

from ...domain import cinder, errors
from ...domain.policy import authorize
from ...microversions import Versioned
from ..http import context, json_response, read_json, runtime
from ..routing import Route
from ..validation import validate_body

_RULE = "os_compute_api:os-assisted-volume-snapshots:"
CREATE = Versioned([("2.1", {"type": "object", "properties": {"snapshot": {"type": "object", "properties": {
    "volume_id": {"type": "string", "minLength": 1},
    "create_info": {"type": "object", "properties": {
        "snapshot_id": {"type": "string", "minLength": 1}, "type": {"type": "string", "enum": ["qcow2"]},
        "new_file": {"type": "string", "minLength": 1}, "id": {"type": "string", "minLength": 1}},
        "required": ["snapshot_id", "type", "new_file"], "additionalProperties": False}},
    "required": ["volume_id", "create_info"], "additionalProperties": False}},
    "required": ["snapshot"], "additionalProperties": False})], name="assisted snapshot create")


def _check_holder(volume_id: str) -> None:
    """The server the volume is attached to must be on a host with no task running (Nova's 400s here)."""
    record = runtime().store.get(cinder.KIND, volume_id) or {"attachments": {}}
    for server_id in record["attachments"]:
        server = runtime().store.get("server", server_id)
        if server is None or server.deleted:
            continue
        if not server.host:
            raise errors.BadRequest(f"Instance {server.id} is not ready")
        if server.task_state is not None:
            raise errors.BadRequest(f"Cannot 'volume_snapshot_create' instance {server.id} while it is in "
                                    f"task_state {server.task_state.value}")
        return
    raise errors.BadRequest(f"No volume Block Device Mapping with id {volume_id}.")


def create() -> Response:
    ctx = context()
    authorize(ctx, f"{_RULE}create")
    body = read_json()
    validate_body(CREATE, ctx.version, body)
    wanted: Dict[str, Any] = body["snapshot"]
    _check_holder(wanted["volume_id"])
    return json_response({"snapshot": {"id": wanted["create_info"].get("id"), "volumeId": wanted["volume_id"]}})


def delete(snapshot_id: str) -> Response:
    authorize(context(), f"{_RULE}delete")
    raw = request.args.get("delete_info")
    if raw is None:
        raise errors.BadRequest("'delete_info'")  # Nova's message is the KeyError's text
    try:
        volume_id = json.loads(raw)["volume_id"]
    except KeyError as exc:
        raise errors.BadRequest(str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise errors.BadRequest(str(exc)) from None
    _check_holder(volume_id)
    return json_response(None, 204)


ROUTES = (
    Route("POST", "/os-assisted-volume-snapshots", create, policy=f"{_RULE}create"),
    Route("DELETE", "/os-assisted-volume-snapshots/<snapshot_id>", delete, policy=f"{_RULE}delete"),
)
