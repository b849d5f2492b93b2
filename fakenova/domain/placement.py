"""Placement: which compute host a server that has none goes to, as Nova's filter scheduler decides.

Every host is a candidate; each function of :data:`FILTERS` narrows the candidates (enabled and up
services, the requested zone, an admin's requested host or node; the server-group engineer adds affinity
here), and the least loaded of those left wins (most free RAM, then fewest vCPUs used, then the order the
hosts were seeded in), so the choice is deterministic for a given fleet and history. When no candidate is
left the server ends in ERROR with Nova's "No valid host was found" fault.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from . import hosts as fleet
from .lifecycle.engine import DEFAULT_FAULT_MESSAGE
from .ports import Runtime, Store

NO_VALID_HOST = DEFAULT_FAULT_MESSAGE


class NoValidHost(Exception):
    """No host passed every filter (a create ends in ERROR with this fault message)."""

    def __init__(self, message: str = NO_VALID_HOST) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Request:
    """What the scheduler is asked to place: one server of a project, with its zone and constraints.

    :param zone: the availability zone asked for (None: any zone).
    :param host: a host an admin asked for (2.74 ``host``, or ``zone:host``).
    :param node: a hypervisor an admin asked for (2.74 ``hypervisor_hostname``, or ``zone:host:node``).
    :param hints: the server's scheduler hints (``group`` for the server-group filter).
    """

    server_id: str
    project_id: str
    flavor: Mapping[str, Any]
    zone: Optional[str] = None
    host: Optional[str] = None
    node: Optional[str] = None
    hints: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """One compute host as the filters see it."""

    host: str
    node: str
    zone: str
    enabled: bool
    up: bool
    order: int


#: a filter: (runtime, request, candidates) -> the candidates that pass
Filter = Callable[[Any, Request, Sequence[Candidate]], Sequence[Candidate]]


def compute_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """Nova's ComputeFilter: the host's nova-compute service is enabled and up."""
    return [host for host in hosts if host.enabled and host.up]


def zone_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """The requested availability zone (from the host's aggregates), when one was requested."""
    return [host for host in hosts if request.zone is None or host.zone == request.zone]


def destination_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """An admin's requested host and/or hypervisor (Nova skips the other filters' weighing for them)."""
    return [host for host in hosts
            if (request.host is None or host.host == request.host)
            and (request.node is None or host.node == request.node)]


#: applied in order; the server-group engineer appends the affinity filter
FILTERS: List[Filter] = [compute_filter, zone_filter, destination_filter]


def candidates(store: Store) -> List[Candidate]:
    """Every compute host with its service's state and its zone."""
    zones = fleet.zones_by_host(store)
    found = []
    for order, record in enumerate(fleet.compute_hosts(store)):
        service = fleet.compute_service(store, record["host"])
        if service is None:
            continue
        found.append(Candidate(host=record["host"], node=record["hypervisor_hostname"],
                               zone=zones.get(record["host"], fleet.DEFAULT_ZONE),
                               enabled=not service["disabled"], up=fleet.is_up(service), order=order))
    return found


def _least_loaded(store: Store, hosts: Sequence[Candidate]) -> Candidate:
    if len(hosts) == 1:  # the common one-host cloud: no need to count anybody's servers
        return hosts[0]
    usage = fleet.usage_by_host(store, (host.host for host in hosts))
    totals: Dict[str, int] = {record["host"]: record["memory_mb"] for record in fleet.compute_hosts(store)}

    def load(host: Candidate) -> tuple:
        used = usage.get(host.host, fleet.Usage())
        return (-(totals.get(host.host, 0) - used.memory_mb), used.vcpus, host.order)

    return min(hosts, key=load)


def place(runtime: Runtime, request: Request, filters: Optional[Sequence[Filter]] = None) -> Candidate:
    """The host ``request`` goes to.

    :param filters: the filters to apply in order (:data:`FILTERS` when None).
    :raises NoValidHost: when no host passes them all.
    """
    hosts: Sequence[Candidate] = candidates(runtime.store)
    for keep in FILTERS if filters is None else filters:
        hosts = keep(runtime, request, hosts)
        if not hosts:
            raise NoValidHost()
    return _least_loaded(runtime.store, hosts)
