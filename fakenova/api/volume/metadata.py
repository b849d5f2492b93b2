"""``/volumes/{id}/metadata[/{key}]`` and ``/snapshots/{id}/metadata[/{key}]``: one set of handlers over the
``metadata`` mapping of a volume or a snapshot, with Cinder's bodies, messages and rules for each owner."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

from flask import Response

from ...domain import cinder, cinder_snapshots, errors
from ...domain.cinder import Record
from ...domain.context import RequestContext
from ...domain.ports import Runtime
from ..http import context, json_response, read_json, runtime
from ..routing import Lookup, Route
from ..validation import validate_body
from . import lookups, schemas

Change = Callable[[Record], Record]


@dataclass(frozen=True)
class Owner:
    """What carries the metadata: its URL collection, its 404 noun, how it is read and edited, and its rules."""
    collection: str
    noun: str
    observe: Callable[[Runtime, RequestContext, str], Record]
    edit: Callable[[Runtime, RequestContext, str, Change], Record]
    #: Cinder's rule per operation: get, create, update, delete
    rules: Tuple[str, str, str, str]
    #: the owner's lookup, which Cinder makes before the rule (another project's is a 404)
    looks_up: Lookup


OWNERS = (
    Owner("volumes", "Volume", lambda rt, ctx, key: cinder.observe(rt, ctx, key), cinder.edit,
          ("volume:get_volume_metadata", "volume:create_volume_metadata", "volume:update_volume_metadata",
           "volume:delete_volume_metadata"), lookups.volume),
    # Cinder's snapshot metadata has no create rule of its own: POST is guarded by the update rule
    Owner("snapshots", "Snapshot", lambda rt, ctx, key: cinder_snapshots.observe(rt, ctx, key),
          cinder_snapshots.edit,
          ("volume:get_snapshot_metadata", "volume:update_snapshot_metadata", "volume:update_snapshot_metadata",
           "volume:delete_snapshot_metadata"), lookups.snapshot),
)


def _missing(owner: Owner, owner_id: str, key: str) -> errors.NotFound:
    return errors.NotFound(f"{owner.noun} {owner_id} has no metadata with key {key}.")


def _metadata(record: Record) -> Response:
    return json_response({"metadata": dict(record["metadata"])})


def _handlers(owner: Owner) -> Dict[str, Callable[..., Response]]:
    def index(owner_id: str) -> Response:
        return _metadata(owner.observe(runtime(), context(), owner_id))

    def create(owner_id: str, replace: bool = False) -> Response:
        body = read_json()
        ctx = context()
        validate_body(schemas.METADATA_BODY, ctx.version, body)
        wanted = dict(body["metadata"])
        return _metadata(owner.edit(runtime(), ctx, owner_id, lambda r: {
            **r, "metadata": wanted if replace else {**r["metadata"], **wanted}, "updated_at": ctx.now}))

    def replace(owner_id: str) -> Response:
        return create(owner_id, replace=True)

    def show(owner_id: str, key: str) -> Response:
        record = owner.observe(runtime(), context(), owner_id)
        if key not in record["metadata"]:
            raise _missing(owner, owner_id, key)
        return json_response({"meta": {key: record["metadata"][key]}})

    def update(owner_id: str, key: str) -> Response:
        body = read_json()
        ctx = context()
        validate_body(schemas.META_ITEM, ctx.version, body)
        if key not in body["meta"]:
            raise errors.BadRequest("Request body and URI mismatch")
        value = body["meta"][key]
        owner.edit(runtime(), ctx, owner_id,
                   lambda r: {**r, "metadata": {**r["metadata"], key: value}, "updated_at": ctx.now})
        return json_response({"meta": {key: value}})

    def delete(owner_id: str, key: str) -> Response:
        ctx = context()

        def drop(record: Dict[str, Any]) -> Dict[str, Any]:
            if key not in record["metadata"]:
                raise _missing(owner, owner_id, key)
            return {**record, "metadata": {k: v for k, v in record["metadata"].items() if k != key},
                    "updated_at": ctx.now}

        owner.edit(runtime(), ctx, owner_id, drop)
        return json_response(None, 200)

    found: Dict[str, Callable[..., Response]] = {
        "index": index, "create": create, "replace": replace, "show": show, "update": update, "delete": delete}
    for name, handler in found.items():  # distinct names make distinct endpoints per owner
        handler.__name__ = f"{owner.collection}_metadata_{name}"
    return found


def routes(owner: Owner) -> Tuple[Route, ...]:
    handlers = _handlers(owner)
    get, create, update, delete = owner.rules
    base = f"/{owner.collection}/<owner_id>/metadata"
    return (
        Route("GET", base, handlers["index"], looks_up=owner.looks_up, policy=get),
        Route("POST", base, handlers["create"], looks_up=owner.looks_up, policy=create),
        Route("PUT", base, handlers["replace"], looks_up=owner.looks_up, policy=update),
        Route("GET", f"{base}/<key>", handlers["show"], looks_up=owner.looks_up, policy=get),
        Route("PUT", f"{base}/<key>", handlers["update"], looks_up=owner.looks_up, policy=update),
        Route("DELETE", f"{base}/<key>", handlers["delete"], looks_up=owner.looks_up, policy=delete),
    )


ROUTES = tuple(route for owner in OWNERS for route in routes(owner))
