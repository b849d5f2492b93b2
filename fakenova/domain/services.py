"""``os-services`` use cases: list, enable/disable (with a reason), force down (2.11) and delete services.

The records live in ``hosts.py``; here are Nova's rules for changing them: only nova-compute services can be
updated, a compute service hosting servers cannot be deleted, and deleting one takes its host out of the
fleet (its hypervisor and its aggregate memberships go with it). Also the zones a server may ask for.
"""
from __future__ import annotations

import uuid as uuidlib
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import errors
from . import hosts as fleet
from .ports import Store
from .strings import bool_from_string


def is_uuid(text: str) -> bool:
    """oslo's ``is_uuid_like``: any form ``uuid.UUID`` reads that prints back the same, case aside."""
    try:
        return str(uuidlib.UUID(text)).replace("-", "") == text.replace("-", "").lower()
    except (TypeError, ValueError, AttributeError):
        return False


def zone_states(store: Store) -> Tuple[List[str], List[str]]:
    """Nova's ``get_availability_zones``: the zones of enabled services, then those only disabled ones have."""
    zones = fleet.zones_by_host(store)
    listed = fleet.services(store)
    available = {fleet.service_zone(service, zones) for service in listed if not service["disabled"]}
    unavailable = {fleet.service_zone(service, zones) for service in listed} - available
    return sorted(available), sorted(unavailable)


def available_zones(store: Store) -> List[str]:
    """The zones a new server may ask for: those of enabled services."""
    return zone_states(store)[0]


def zone_hosts(store: Store) -> Dict[str, Dict[str, List[Dict[str, Any]]]]:
    """Zone -> host -> its enabled services (``os-availability-zone/detail``)."""
    zones = fleet.zones_by_host(store)
    found: Dict[str, Dict[str, List[Dict[str, Any]]]] = {}
    for service in fleet.services(store):
        if not service["disabled"]:
            zone = fleet.service_zone(service, zones)
            found.setdefault(zone, {}).setdefault(service["host"], []).append(service)
    return found


def list_services(store: Store, host: Optional[str] = None, binary: Optional[str] = None) -> List[Dict[str, Any]]:
    """Services, filtered by exact ``host`` and ``binary`` when given (empty values filter nothing)."""
    return [service for service in fleet.services(store)
            if (not host or service["host"] == host) and (not binary or service["binary"] == binary)]


def find(store: Store, service_id: str, *, by_uuid: bool, missing: str = "Service {id} not found.") -> Dict[str, Any]:
    """One service by uuid (2.53) or integer id; Nova's 404 (worded ``missing``) when there is none."""
    for service in fleet.services(store):
        if (service["uuid"] == service_id.lower() if by_uuid else str(service["id"]) == service_id.strip()):
            return service
    raise errors.NotFound(missing.format(id=service_id))


def _only_compute(service: Mapping[str, Any]) -> None:
    if service["binary"] != fleet.COMPUTE:
        raise errors.BadRequest(f"Updating a {service['binary']} service is not supported. Only nova-compute "
                                f"services can be updated.")


def _save(store: Store, service: Mapping[str, Any], changes: Mapping[str, Any], now: float) -> Dict[str, Any]:
    def apply(current: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        if current is None:
            raise errors.NotFound(f"Service {service['uuid']} not found.")
        return {**current, **changes, "updated_at": now}

    return store.compute(fleet.SERVICE, service["uuid"], apply)


def update(store: Store, service_id: str, body: Mapping[str, Any], now: float) -> Dict[str, Any]:
    """``PUT /os-services/{uuid}`` (2.53): ``status`` (with an optional reason) and/or ``forced_down``."""
    if not is_uuid(service_id):
        raise errors.BadRequest(f"Invalid uuid {service_id}")
    service = find(store, service_id, by_uuid=True, missing="Service {id} could not be found.")
    _only_compute(service)
    changes: Dict[str, Any] = {}
    if body.get("status") == "enabled":
        if body.get("disabled_reason"):
            raise errors.BadRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.")
        changes.update(disabled=False, disabled_reason=None)
    elif body.get("status") == "disabled":
        changes.update(disabled=True, disabled_reason=body.get("disabled_reason"))
    if "forced_down" in body:
        changes["forced_down"] = bool_from_string(body["forced_down"])
    if not any(service[key] != value for key, value in changes.items()):
        raise errors.BadRequest("No updates were requested. Fields 'status' or 'forced_down' should be "
                                "specified.")
    return _save(store, service, changes, now)


def _by_host_and_binary(store: Store, host: str, binary: str) -> Dict[str, Any]:
    on_host = [service for service in fleet.services(store) if service["host"] == host]
    if not on_host:
        raise errors.NotFound(f"Host '{host}' is not mapped to any cell")
    for service in on_host:
        if service["binary"] == binary:
            return service
    raise errors.NotFound(f"Could not find binary {binary} on host {host}.")


def legacy_update(store: Store, body: Mapping[str, Any], changes: Mapping[str, Any], now: float) -> None:
    """``PUT /os-services/<action>`` before 2.53: the service named by ``host`` and ``binary``."""
    _only_compute(body)
    _save(store, _by_host_and_binary(store, body["host"], body["binary"]), changes, now)


def delete(store: Store, service_id: str, *, by_uuid: bool) -> None:
    """``DELETE /os-services/{id}``: refused while the host has servers; takes the host out of the fleet."""
    if by_uuid and not is_uuid(service_id):
        raise errors.BadRequest(f"Invalid uuid {service_id}")
    if not by_uuid and not service_id.lstrip("-").isdigit():
        raise errors.BadRequest("Invalid input received: id must be an integer")
    with store.atomically():
        service = find(store, service_id, by_uuid=by_uuid)
        if service["binary"] == fleet.COMPUTE:
            if service["host"] in fleet.usage_by_host(store, (service["host"],)):
                raise errors.Conflict("Unable to delete compute service that is hosting instances. Migrate or "
                                      "delete the instances first.")
            store.delete(fleet.HOST, service["host"])
            for aggregate in store.list(fleet.AGGREGATE):
                if service["host"] in aggregate["hosts"]:
                    store.compute(fleet.AGGREGATE, aggregate["id"], lambda current: {
                        **current, "hosts": [host for host in current["hosts"] if host != service["host"]]})
        store.delete(fleet.SERVICE, service["uuid"])
