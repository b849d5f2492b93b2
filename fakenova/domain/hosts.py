"""The fleet of fake compute hosts: their records, their zones and what their servers use.

Each host is a ``compute_host`` record (its hypervisor, Nova's compute node) and a ``service`` record for its
nova-compute service; the first host also runs the controller services (nova-conductor, nova-scheduler) in
Nova's ``internal`` zone, as a devstack node does. Records are plain dicts, seeded on reset from the
fixtures (``seed.py``) and changed only by the admin use cases (``services.py``, ``aggregates.py``).
A host's availability zone is not stored on it: like Nova, it is the zone of the aggregate holding it, else
the default zone, so changing an aggregate's metadata moves its hosts at once.
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, NoReturn, Optional, Sequence, Set, Tuple, cast

from ..store.base import GroupedStore
from . import errors
from .models import Server
from .ports import Store

HOST = "compute_host"
SERVICE = "service"
AGGREGATE = "aggregate"

#: Nova's ``[DEFAULT] default_availability_zone`` and ``internal_service_availability_zone``
DEFAULT_ZONE = "nova"
INTERNAL_ZONE = "internal"
COMPUTE = "nova-compute"
#: the services the first host runs besides nova-compute, in the order Nova created them on devstack
CONTROLLER_BINARIES = ("nova-conductor", "nova-scheduler")
#: seconds between two service heartbeats (Nova's ``report_interval``)
HEARTBEAT = 10.0
#: names ``--hosts N`` gives, and the default hypervisor of a host the fixtures leave unspecified
NUMBERED_HOST = "fakenova-compute-{index}"
HYPERVISOR_DEFAULTS: Mapping[str, Any] = {
    "vcpus": 8, "memory_mb": 16384, "local_gb": 100, "hypervisor_type": "QEMU", "hypervisor_version": 8002000,
}
#: the CPU description libvirt reports (shown as ``cpu_info``)
CPU_INFO: Mapping[str, Any] = {
    "arch": "x86_64", "model": "Nehalem", "vendor": "Intel", "features": ["pge", "clflush"],
    "topology": {"cores": 1, "threads": 1, "sockets": 4},
}
_NAMESPACE = uuid.UUID("6d8f8c58-7d1e-4a51-9d6e-6b6f7661686f")


@functools.lru_cache(maxsize=4096)  # hosts are looked up by name on every list
def stable_uuid(*parts: str) -> str:
    """A UUID derived from names, so seeding does not draw from (and shift) the seeded id sequence."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def host_specs(data: Mapping[str, Any], count: Optional[int]) -> List[Dict[str, Any]]:
    """The hosts to seed: the fixtures' list, or ``count`` numbered hosts made from its template.

    :param data: the parsed ``fixtures/hosts.yaml`` (``template`` and ``hosts``).
    :param count: ``Settings.hosts``; None keeps the fixtures' list.
    """
    template = {**HYPERVISOR_DEFAULTS, **(data.get("template") or {})}
    listed = data.get("hosts") or [{"name": "fakenova-compute"}]
    if count is not None:
        listed = [{"name": NUMBERED_HOST.format(index=index)} for index in range(1, count + 1)]
    specs = []
    for index, host in enumerate(listed, start=1):
        spec = {**template, "host_ip": f"192.168.122.{9 + index}", **host}
        spec["name"] = str(spec["name"])
        specs.append(spec)
    return specs


def _service(store: Store, host: str, binary: str, now: float) -> Dict[str, Any]:
    return {"id": store.next_counter(SERVICE), "uuid": stable_uuid(SERVICE, host, binary), "binary": binary,
            "host": host, "disabled": False, "disabled_reason": None, "forced_down": False,
            "created_at": now, "updated_at": now}


def seed_hosts(store: Store, specs: Sequence[Mapping[str, Any]], now: float) -> None:
    """Store each host's hypervisor and services (the controller services on the first host)."""
    for index, spec in enumerate(specs):
        name = spec["name"]
        binaries = (*CONTROLLER_BINARIES, COMPUTE) if index == 0 else (COMPUTE,)
        for binary in binaries:
            record = _service(store, name, binary, now)
            store.put(SERVICE, record["uuid"], record)
        store.put(HOST, name, {
            "host": name, "id": store.next_counter(HOST), "uuid": stable_uuid(HOST, name),
            "hypervisor_hostname": name, "vcpus": int(spec["vcpus"]), "memory_mb": int(spec["memory_mb"]),
            "local_gb": int(spec["local_gb"]), "hypervisor_type": str(spec["hypervisor_type"]),
            "hypervisor_version": int(spec["hypervisor_version"]), "host_ip": str(spec["host_ip"]),
            "cpu_info": dict(CPU_INFO), "created_at": now,
        })


def compute_hosts(store: Store) -> List[Dict[str, Any]]:
    """Every host's hypervisor record, in the order they were seeded (by id)."""
    return store.list(HOST)


def services(store: Store) -> List[Dict[str, Any]]:
    """Every service record, by id."""
    return sorted(store.list(SERVICE), key=lambda service: service["id"])


def compute_service(store: Store, host: str) -> Optional[Dict[str, Any]]:
    """The nova-compute service of ``host``, or None (deleted, or no such host)."""
    return store.get(SERVICE, stable_uuid(SERVICE, host, COMPUTE))


def is_up(service: Mapping[str, Any]) -> bool:
    """A fake service always reports in, so it is down only when forced down (2.11)."""
    return not service["forced_down"]


def heartbeat(now: float) -> float:
    """The time of the services' last report before ``now``."""
    return now - now % HEARTBEAT


def zones_by_host(store: Store) -> Dict[str, str]:
    """Host -> the availability zone an aggregate gives it (hosts in none are in :data:`DEFAULT_ZONE`).

    Nova joins the zones of every aggregate holding the host; fakenova's aggregates keep a host in at most
    one zone (``aggregates.py`` refuses a conflicting one), so the first is the only one.
    """
    zones: Dict[str, str] = {}
    for aggregate in store.list(AGGREGATE):
        zone = aggregate["metadata"].get("availability_zone")
        for host in aggregate["hosts"] if zone else ():
            zones.setdefault(host, zone)
    return zones


def zone_of(store: Store, host: str) -> str:
    """The availability zone of one compute host."""
    return zones_by_host(store).get(host, DEFAULT_ZONE)


def service_zone(service: Mapping[str, Any], zones: Mapping[str, str]) -> str:
    """The zone Nova shows for a service: its host's for nova-compute, ``internal`` for the others."""
    if service["binary"] != COMPUTE:
        return INTERNAL_ZONE
    return zones.get(service["host"], DEFAULT_ZONE)


def server_host(server: Server) -> Optional[str]:
    """Where a server is or is going: its host, or the destination its current action chose."""
    if server.host:
        return server.host
    return server.transition.destination if server.transition is not None else None


@dataclass
class Usage:
    """What one host's servers use (Nova's compute node ``*_used`` counters and ``running_vms``)."""

    vcpus: int = 0
    memory_mb: int = 0
    local_gb: int = 0
    running: int = 0
    servers: List[Tuple[str, str]] = field(default_factory=list)  # (name, uuid), in creation order; when asked


def _counted_host(server: Server) -> Optional[str]:
    """The host whose counters a server adds to (none for a deleted one)."""
    return None if server.deleted else server_host(server)


def _used(server: Server) -> Tuple[int, int, int, int]:
    """What a server adds to its host's counters: (servers, vcpus, memory_mb, local_gb)."""
    flavor = server.flavor
    return (1, flavor.get("vcpus", 0), flavor.get("ram", 0), flavor.get("disk", 0) + (flavor.get("ephemeral") or 0))


#: the store's running per-host totals of :func:`_used` (GroupedStore capability)
HOST_USAGE = "host_usage"


#: store class -> whether it offers GroupedStore (a runtime Protocol's isinstance inspects every method)
_GROUPED_CLASSES: Dict[type, bool] = {}


def ensure_groups(store: GroupedStore) -> None:
    """Define the per-host totals (idempotent); a shared store needs them before its first write."""
    store.define_groups("server", HOST_USAGE, _counted_host, _used)


def _indexed(store: Store, wanted: Optional[Set[str]]) -> Optional[Dict[str, Usage]]:
    """The counters from the store's per-host totals; None when the store cannot keep them."""
    grouped = _GROUPED_CLASSES.get(type(store))
    if grouped is None:
        grouped = _GROUPED_CLASSES[type(store)] = isinstance(store, GroupedStore)
    if not grouped:
        return None
    totals = cast(GroupedStore, store)
    ensure_groups(totals)
    return {host: Usage(vcpus, memory_mb, local_gb, running)
            for host, (running, vcpus, memory_mb, local_gb) in totals.group_totals("server", HOST_USAGE).items()
            if running and (wanted is None or host in wanted)}


def usage_by_host(store: Store, hosts: Optional[Iterable[str]] = None, *,
                  servers: bool = False) -> Dict[str, Usage]:
    """Host -> the usage of the servers on it (hosts without servers absent; deleted servers do not count).

    :param hosts: only these hosts (all when None).
    :param servers: also list each host's servers, which takes a pass over every server; without it the
        counters cost the hosts on a store that keeps per-host totals.
    """
    wanted = None if hosts is None else set(hosts)
    indexed = None if servers else _indexed(store, wanted)
    if indexed is not None:
        return indexed
    usage: Dict[str, Usage] = {}
    for server in store.list("server"):
        host = _counted_host(server)
        if host is None or (wanted is not None and host not in wanted):
            continue
        used = usage.get(host)
        if used is None:
            used = usage[host] = Usage()
        running, vcpus, memory_mb, local_gb = _used(server)
        used.running += running
        used.vcpus += vcpus
        used.memory_mb += memory_mb
        used.local_gb += local_gb
        if servers:
            used.servers.append((server.name, server.id))
    return usage


# --- os-hosts (until 2.42): the host view of the services and resources ---------------------------------

def host_list(store: Store, zone: Optional[str]) -> List[Dict[str, str]]:
    """``GET /os-hosts``: one row per enabled service, named by its topic, optionally of one zone."""
    zones = zones_by_host(store)
    rows = [{"host_name": service["host"], "service": service["binary"].replace("nova-", "", 1),
             "zone": service_zone(service, zones)} for service in services(store) if not service["disabled"]]
    return [row for row in rows if not zone or row["zone"] == zone]


def _mapped(store: Store, host: str) -> Dict[str, Any]:
    record = store.get(HOST, host)
    if record is None or compute_service(store, host) is None:
        raise errors.NotFound(f"Host '{host}' is not mapped to any cell")
    return record


def host_resources(store: Store, host: str) -> List[Dict[str, Any]]:
    """``GET /os-hosts/{host}``: totals, used now, used by servers, then per project (Nova's four kinds)."""
    record = _mapped(store, host)
    servers = [server for server in store.list("server") if server_host(server) == host and not server.deleted]

    def row(project: str, cpu: int, memory: int, disk: int) -> Dict[str, Any]:
        return {"resource": {"host": host, "project": project, "cpu": cpu, "memory_mb": memory, "disk_gb": disk}}

    def sums(chosen: List[Server]) -> Tuple[int, int, int]:
        return (sum(s.flavor.get("vcpus", 0) for s in chosen), sum(s.flavor.get("ram", 0) for s in chosen),
                sum(s.flavor.get("disk", 0) + (s.flavor.get("ephemeral") or 0) for s in chosen))

    used = sums(servers)
    rows = [row("(total)", record["vcpus"], record["memory_mb"], record["local_gb"]),
            row("(used_now)", *used), row("(used_max)", *used)]
    projects = dict.fromkeys(server.project_id for server in servers)
    return rows + [row(project, *sums([s for s in servers if s.project_id == project])) for project in projects]


def host_operation(store: Store, host: str) -> NoReturn:
    """The update, reboot, shutdown and startup of ``os-hosts``: a known host answers as a libvirt host
    does (the driver implements none of them: 501), an unknown one 404."""
    _mapped(store, host)
    raise errors.NotImplementedFeature()
