"""Bodies of the fleet's admin APIs: services, hypervisors and aggregates, as field tables per microversion.

Key order is Nova's. Ids are integers before 2.53 and uuids from 2.53 (services, hypervisors); hypervisors
lose their resource counters at 2.88 and gain ``uptime`` in the detail view; aggregates show ``uuid`` from
2.41.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, Mapping

from ..domain import hosts as fleet
from ..domain.hypervisors import Hypervisor, amounts
from .common import isotime, usage_time
from .fields import Field, FieldTable, ViewContext

Record = Mapping[str, Any]


def _key(name: str) -> Callable[[Record, ViewContext], Any]:
    return lambda record, ctx: record[name]


# --- services: records carry the service's ``zone`` (joined by the handler) ---------------------------

#: ``GET /os-services`` items and the 2.53 ``PUT`` body.
SERVICE_FIELDS: FieldTable[Record] = FieldTable("service", [
    Field("binary", _key("binary")),
    Field("host", _key("host")),
    Field("id", _key("id"), until="2.52"),
    Field("id", _key("uuid"), since="2.53"),
    Field("zone", _key("zone")),
    Field("status", lambda service, ctx: "disabled" if service["disabled"] else "enabled"),
    Field("state", lambda service, ctx: "up" if fleet.is_up(service) else "down"),
    Field("updated_at", lambda service, ctx: usage_time(fleet.heartbeat(ctx.now))),
    Field("disabled_reason", _key("disabled_reason")),
    Field("forced_down", _key("forced_down"), since="2.11"),
])

# --- hypervisors -------------------------------------------------------------------------------------


def _hv(name: str) -> Callable[[Hypervisor, ViewContext], Any]:
    return lambda view, ctx: view.record[name]


def _amount(name: str) -> Field[Hypervisor]:
    return Field(name, lambda view, ctx: amounts(view)[name], until="2.87")


def _servers(view: Hypervisor, ctx: ViewContext) -> Any:
    return [{"name": name, "uuid": uuid} for name, uuid in view.servers or ()]


_ID = [Field("id", _hv("id"), until="2.52"), Field("id", _hv("uuid"), since="2.53")]
_STATE = [
    Field("hypervisor_hostname", _hv("hypervisor_hostname")),
    Field("state", lambda view, ctx: "up" if fleet.is_up(view.service) else "down"),
    Field("status", lambda view, ctx: "disabled" if view.service["disabled"] else "enabled"),
]
# Nova shows ``servers`` when the host has some; from 2.75 an asked-for empty list too.
_SERVERS = [
    Field("servers", _servers, until="2.74", when=lambda view, ctx: bool(view.servers)),
    Field("servers", _servers, since="2.75", when=lambda view, ctx: view.servers is not None),
]

#: ``GET /os-hypervisors`` items (and the legacy search and servers routes).
HYPERVISOR_SUMMARY: FieldTable[Hypervisor] = FieldTable("hypervisor-summary", [*_ID, *_STATE, *_SERVERS])

#: ``GET /os-hypervisors/detail`` items and ``GET /os-hypervisors/{id}``.
HYPERVISOR_DETAIL: FieldTable[Hypervisor] = FieldTable("hypervisor-detail", [
    *_ID, *_STATE,
    Field("hypervisor_type", _hv("hypervisor_type")),
    Field("hypervisor_version", _hv("hypervisor_version")),
    Field("host_ip", _hv("host_ip")),
    Field("service", lambda view, ctx: {"id": view.service["id"], "host": view.record["host"],
                                        "disabled_reason": view.service["disabled_reason"]}, until="2.52"),
    Field("service", lambda view, ctx: {"id": view.service["uuid"], "host": view.record["host"],
                                        "disabled_reason": view.service["disabled_reason"]}, since="2.53"),
    *(_amount(name) for name in ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
                                 "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload",
                                 "running_vms", "disk_available_least")),
    Field("cpu_info", lambda view, ctx: json.dumps(view.record["cpu_info"]), until="2.27"),
    Field("cpu_info", lambda view, ctx: dict(view.record["cpu_info"]), since="2.28", until="2.87"),
    Field("uptime", lambda view, ctx: view.uptime, since="2.88"),
    *_SERVERS,
])

#: ``GET /os-hypervisors/{id}/uptime`` (until 2.87).
HYPERVISOR_UPTIME: FieldTable[Hypervisor] = FieldTable("hypervisor-uptime", [
    *_ID, *_STATE, Field("uptime", lambda view, ctx: view.uptime),
])

# --- aggregates --------------------------------------------------------------------------------------


def _time(name: str) -> Callable[[Record, ViewContext], Any]:
    return lambda aggregate, ctx: usage_time(aggregate[name])


#: every aggregate body (list items, show, create, update and the actions).
AGGREGATE_FIELDS: FieldTable[Record] = FieldTable("aggregate", [
    Field("availability_zone", lambda aggregate, ctx: aggregate["metadata"].get("availability_zone")),
    Field("created_at", _time("created_at")),
    Field("deleted", lambda aggregate, ctx: False),
    Field("deleted_at", lambda aggregate, ctx: None),
    Field("hosts", lambda aggregate, ctx: list(aggregate["hosts"])),
    Field("id", _key("id")),
    Field("metadata", lambda aggregate, ctx: dict(aggregate["metadata"])),
    Field("name", _key("name")),
    Field("updated_at", lambda aggregate, ctx: usage_time(aggregate["updated_at"])),
    Field("uuid", _key("uuid"), since="2.41"),
])


def heartbeat_time(now: float) -> str:
    """A service's ``updated_at`` in the availability-zone detail view."""
    return usage_time(fleet.heartbeat(now)) or isotime(now)


def service_zone_entry(service: Record, now: float) -> Dict[str, Any]:
    """One service under its host in ``os-availability-zone/detail``."""
    return {"available": fleet.is_up(service), "active": not service["disabled"],
            "updated_at": heartbeat_time(now)}
