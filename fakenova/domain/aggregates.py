"""``os-aggregates`` use cases: CRUD, hosts in and out, metadata (``availability_zone`` with Nova's checks).

An aggregate is a dict record of kind ``aggregate`` keyed by its integer id. Its ``availability_zone``
metadata puts its hosts in that zone (``hosts.zones_by_host``); Nova refuses any change that would put a
host in two zones or move the servers already on a host to another zone, with the messages restated here.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import errors
from . import hosts as fleet
from .ports import Runtime, Store

ADD, REMOVE, UPDATE, UPDATE_META, DELETE = "add", "remove", "update", "update_meta", "delete"
#: how Nova words and answers a refused change (``InvalidAggregateAction*``; the host actions answer 409)
REFUSALS: Mapping[str, Tuple[str, type]] = {
    ADD: ("Cannot add host to aggregate", errors.Conflict),
    REMOVE: ("Cannot remove host from aggregate", errors.Conflict),
    UPDATE: ("Cannot update aggregate", errors.BadRequest),
    UPDATE_META: ("Cannot update metadata of aggregate", errors.BadRequest),
    DELETE: ("Cannot remove host from aggregate", errors.BadRequest),
}

_MOVE = ("The host cannot be {verb} the aggregate as the availability zone of the host would change from "
         "'{old}' to '{new}' but the host already has {count} instance(s). Changing the AZ of an existing "
         "instance is not supported by this action. Move the instances away from this host then try again. If "
         "you need to move the instances between AZs then you can use shelve_offload and unshelve to achieve "
         "this.")


def _invalid(action: str, aggregate_id: Any, reason: str) -> errors.FakeNovaError:
    verb, error = REFUSALS[action]
    return error(f"{verb} {aggregate_id}. Reason: {reason}.")


def _id(aggregate_id: str) -> str:
    if not aggregate_id.strip().lstrip("-").isdigit():
        raise errors.BadRequest("Invalid input received: id must be an integer")
    return str(int(aggregate_id))


def get(store: Store, aggregate_id: str) -> Dict[str, Any]:
    """One aggregate by id (400 for a non-integer, 404 when unknown)."""
    found = store.get(fleet.AGGREGATE, _id(aggregate_id))
    if found is None:
        raise errors.NotFound(f"Aggregate {aggregate_id} could not be found.")
    return found


def list_aggregates(store: Store) -> List[Dict[str, Any]]:
    return store.list(fleet.AGGREGATE)


def _check_name(store: Store, name: str, own_id: Optional[int] = None) -> None:
    if any(other["name"] == name and other["id"] != own_id for other in store.list(fleet.AGGREGATE)):
        raise errors.Conflict(f"Aggregate {name} already exists.")


def create(runtime: Runtime, name: str, zone: Optional[str], now: float) -> Dict[str, Any]:
    """A new empty aggregate; ``zone`` becomes its ``availability_zone`` metadata."""
    store = runtime.store
    with store.atomically():
        _check_name(store, name)
        number = store.next_counter(fleet.AGGREGATE)
        record = {"id": number, "uuid": runtime.ids.uuid(), "name": name, "hosts": [],
                  "metadata": {"availability_zone": zone} if zone else {}, "created_at": now, "updated_at": None}
        store.put(fleet.AGGREGATE, str(number), record)
    return record


def _instances(store: Store, hosts: List[str]) -> int:
    return sum(used.running for used in fleet.usage_by_host(store, hosts).values())


def _safe_zone_change(store: Store, aggregate: Mapping[str, Any], metadata: Mapping[str, Any], hosts: List[str],
                      action: str, *, check_instances: bool) -> None:
    """Nova's ``is_safe_to_update_az``: no empty zone name, no host in two zones, no server moved."""
    if "availability_zone" not in metadata:
        return
    zone = metadata["availability_zone"]
    if not zone:
        raise _invalid(action, aggregate["id"],
                       f"Aggregate {aggregate['name']} does not support empty named availability zone")
    conflicting = [other["metadata"]["availability_zone"] for other in store.list(fleet.AGGREGATE)
                   if other["id"] != aggregate["id"] and other["metadata"].get("availability_zone")
                   and other["metadata"]["availability_zone"] != zone and set(other["hosts"]) & set(hosts)]
    if conflicting:
        raise _invalid(action, aggregate["id"], f"One or more hosts already in availability zone(s) {conflicting}")
    same = aggregate["metadata"].get("availability_zone") == zone
    if check_instances and not same and _instances(store, hosts):
        raise _invalid(action, aggregate["id"], "One or more hosts contain instances in this zone")


def _save(store: Store, aggregate: Mapping[str, Any], changes: Mapping[str, Any]) -> Dict[str, Any]:
    return store.compute(fleet.AGGREGATE, str(aggregate["id"]), lambda current: {**current, **changes})


def update(store: Store, aggregate_id: str, values: Mapping[str, Any], now: float) -> Dict[str, Any]:
    """``PUT /os-aggregates/{id}``: rename and/or change the zone."""
    with store.atomically():
        aggregate = get(store, aggregate_id)
        changes: Dict[str, Any] = {}
        if "name" in values:
            _check_name(store, values["name"], aggregate["id"])
            changes["name"] = values["name"]
        if "availability_zone" in values:
            _safe_zone_change(store, aggregate, values, aggregate["hosts"], UPDATE, check_instances=True)
            changes["metadata"] = {**aggregate["metadata"], "availability_zone": values["availability_zone"]}
            changes["updated_at"] = now
        return _save(store, aggregate, changes)


def set_metadata(store: Store, aggregate_id: str, metadata: Mapping[str, Any], now: float) -> Dict[str, Any]:
    """``set_metadata``: merge ``metadata`` in; a null value removes its key."""
    with store.atomically():
        aggregate = get(store, aggregate_id)
        _safe_zone_change(store, aggregate, metadata, aggregate["hosts"], UPDATE_META, check_instances=True)
        merged = {**aggregate["metadata"], **metadata}
        return _save(store, aggregate, {"metadata": {key: value for key, value in merged.items()
                                                     if value is not None}, "updated_at": now})


def delete(store: Store, aggregate_id: str) -> None:
    """``DELETE /os-aggregates/{id}``: only an empty aggregate."""
    with store.atomically():
        aggregate = get(store, aggregate_id)
        if aggregate["hosts"]:
            raise _invalid(DELETE, aggregate_id, "Host aggregate is not empty")
        store.delete(fleet.AGGREGATE, str(aggregate["id"]))


def add_host(store: Store, aggregate_id: str, host: str, now: float) -> Dict[str, Any]:
    """``add_host``: the host must be a compute host, not already in, and keep its servers' zone."""
    with store.atomically():
        if fleet.compute_service(store, host) is None:
            raise errors.NotFound(f"Compute host {host} could not be found.")
        aggregate = get(store, aggregate_id)
        _safe_zone_change(store, aggregate, aggregate["metadata"], [host], ADD, check_instances=False)
        new = aggregate["metadata"].get("availability_zone")
        count = _instances(store, [host])
        old = fleet.zones_by_host(store).get(host)
        if count and new and old != new:
            raise _invalid(ADD, aggregate["id"], _MOVE.format(verb="added to", old=old, new=new, count=count))
        if host in aggregate["hosts"]:
            raise errors.Conflict(f"Aggregate {aggregate['id']} already has host {host}.")
        return _save(store, aggregate, {"hosts": [*aggregate["hosts"], host]})


def remove_host(store: Store, aggregate_id: str, host: str, now: float) -> Dict[str, Any]:
    """``remove_host``: 404 when the host is not in it; refused when its servers would change zone."""
    with store.atomically():
        aggregate = get(store, aggregate_id)
        if host not in aggregate["hosts"]:
            raise errors.NotFound(f"Cannot remove host {host} in aggregate {aggregate_id}")
        current = aggregate["metadata"].get("availability_zone")
        count = _instances(store, [host])
        if count and current:
            others = [other for other in store.list(fleet.AGGREGATE)
                      if other["id"] != aggregate["id"] and host in other["hosts"]
                      and other["metadata"].get("availability_zone")]
            new = others[0]["metadata"]["availability_zone"] if others else None
            if new != current:
                raise _invalid(REMOVE, aggregate["id"],
                               _MOVE.format(verb="removed from", old=current, new=new, count=count))
        return _save(store, aggregate, {"hosts": [name for name in aggregate["hosts"] if name != host]})


def cache_images(store: Store, aggregate_id: str, image_ids: List[str]) -> None:
    """``POST /os-aggregates/{id}/images`` (2.81): accepted; a fake host has no cache to fill."""
    if len(set(image_ids)) != len(image_ids):
        raise errors.BadRequest("Duplicate images in request")
    get(store, aggregate_id)
