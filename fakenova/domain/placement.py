"""Placement: which compute host a server goes to, as Nova's filter scheduler decides, for a build, an
unshelve, or a move (resize, cold and live migration, evacuation).

Every host is a candidate; each function of :data:`FILTERS` narrows the candidates (hosts a move must
leave, enabled and up services, the requested zone, an admin's requested host or node, the hard policy of
the server's group, the ``same_host`` and ``different_host`` hints), and the best of those left wins by
the keys of :data:`WEIGHERS` in order (a soft group policy's member count, then the least loaded: most
free RAM, fewest vCPUs used, then the order the hosts were seeded in), so the choice is deterministic
for a given fleet and history. When no candidate is left the caller gets :class:`NoValidHost` and fails
as Nova does for that operation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import hosts as fleet
from . import server_groups
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
    :param ignore_hosts: hosts a move must leave (Nova's ``RequestSpec.ignore_hosts``: the source host).
    :param forced: an admin forced ``host`` (live migration and evacuation with ``force``, a revert): the
        scheduler's filters are bypassed (:data:`FORCED_FILTERS` apply).
    :param groups: the server groups the server is a member of (its own placement is discounted).
    """

    server_id: str
    project_id: str
    flavor: Mapping[str, Any]
    zone: Optional[str] = None
    host: Optional[str] = None
    node: Optional[str] = None
    hints: Mapping[str, Any] = field(default_factory=dict)
    ignore_hosts: Tuple[str, ...] = ()
    forced: bool = False
    groups: Tuple[str, ...] = ()


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


def ignore_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """Nova's ``ignore_hosts``: a move never picks the host it leaves."""
    return [host for host in hosts if host.host not in request.ignore_hosts]


def compute_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """Nova's ComputeFilter: the host's nova-compute service is enabled and up."""
    return [host for host in hosts if host.enabled and host.up]


def up_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """A forced destination is checked only for being up (the conductor's ``_check_host_is_up``)."""
    return [host for host in hosts if host.up]


def zone_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """The requested availability zone (from the host's aggregates), when one was requested."""
    return [host for host in hosts if request.zone is None or host.zone == request.zone]


def destination_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """An admin's requested host and/or hypervisor (Nova skips the other filters' weighing for them)."""
    return [host for host in hosts
            if (request.host is None or host.host == request.host)
            and (request.node is None or host.node == request.node)]


def _hinted_hosts(runtime: Runtime, request: Request, hint: str) -> Optional[set]:
    """The hosts of the servers a ``same_host``/``different_host`` hint names (None: no such hint)."""
    named = request.hints.get(hint)
    if not named:
        return None
    servers = (runtime.store.get("server", server_id) for server_id in ([named] if isinstance(named, str)
                                                                        else named))
    return {fleet.server_host(server) for server in servers if server is not None and not server.deleted}


def same_host_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """Nova's SameHostFilter: with a ``same_host`` hint, only a host holding one of the servers it names."""
    wanted = _hinted_hosts(runtime, request, "same_host")
    return hosts if wanted is None else [host for host in hosts if host.host in wanted]


def different_host_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """Nova's DifferentHostFilter: with a ``different_host`` hint, no host holding a server it names."""
    unwanted = _hinted_hosts(runtime, request, "different_host")
    return hosts if unwanted is None else [host for host in hosts if host.host not in unwanted]


def _members_hosts(runtime: Runtime, request: Request, group: server_groups.Group) -> Dict[str, int]:
    # the server being placed is not counted where it is now: it is the one moving
    others = [server for server in server_groups.live_servers(runtime.store, group) if server.id != request.server_id]
    return server_groups.members_hosts([fleet.server_host(server) for server in others])


def _groups(runtime: Runtime, request: Request) -> List[server_groups.Group]:
    found = (runtime.store.get(server_groups.KIND, group_id) for group_id in request.groups)
    return [group for group in found if group is not None]


def group_filter(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Sequence[Candidate]:
    """Nova's ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter for the server's groups (a soft
    policy refuses no host: it weighs them, :func:`group_weight`)."""
    for group in _groups(runtime, request):
        allowed = set(server_groups.allowed_hosts(group, _members_hosts(runtime, request, group),
                                                  [host.host for host in hosts]))
        hosts = [host for host in hosts if host.host in allowed]
    return hosts


#: applied in order
FILTERS: List[Filter] = [ignore_filter, compute_filter, zone_filter, destination_filter, group_filter,
                         same_host_filter, different_host_filter]
#: what still applies to a forced destination: not the host being left, that host, and up
FORCED_FILTERS: List[Filter] = [ignore_filter, destination_filter, up_filter]


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


#: a weigher: (runtime, request, candidates) -> a sort key per candidate host (lowest preferred)
Weigher = Callable[[Any, Request, Sequence[Candidate]], Mapping[str, Tuple[int, ...]]]


def group_weight(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Mapping[str, Tuple[int, ...]]:
    """Nova's ServerGroupSoftAffinityWeigher and SoftAntiAffinityWeigher: the host with the most (fewest)
    members of a soft-affinity (soft-anti-affinity) group first; hard policies weigh nothing."""
    weights: Dict[str, Tuple[int, ...]] = {host.host: () for host in hosts}
    for group in _groups(runtime, request):
        policy = server_groups.GroupPolicy(group["policy"])
        if policy in server_groups.WEIGHERS:
            members = _members_hosts(runtime, request, group)
            for host in hosts:
                weights[host.host] += (server_groups.WEIGHERS[policy](members, host.host),)
    return weights


def load_weight(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Mapping[str, Tuple[int, ...]]:
    """Nova's RAM and CPU weighers: most free RAM, then fewest vCPUs used, then the seeding order."""
    usage = fleet.usage_by_host(runtime.store, (host.host for host in hosts))
    totals: Dict[str, int] = {record["host"]: record["memory_mb"] for record in fleet.compute_hosts(runtime.store)}
    weights = {}
    for host in hosts:
        used = usage.get(host.host, fleet.Usage())
        weights[host.host] = (-(totals.get(host.host, 0) - used.memory_mb), used.vcpus, host.order)
    return weights


def by_load(runtime: Runtime, hosts: Sequence[Candidate]) -> List[Candidate]:
    """``hosts``, least loaded first (how a group's plan breaks the ties of its soft policy)."""
    weights = load_weight(runtime, Request(server_id="", project_id="", flavor={}), hosts)
    return sorted(hosts, key=lambda host: weights[host.host])


#: applied in order: a later weigher only breaks the ties of the earlier ones
WEIGHERS: List[Weigher] = [group_weight, load_weight]


def _best(runtime: Runtime, request: Request, hosts: Sequence[Candidate]) -> Candidate:
    if len(hosts) == 1:  # the common one-host cloud: no need to count anybody's servers
        return hosts[0]
    keys = [weigher(runtime, request, hosts) for weigher in WEIGHERS]
    return min(hosts, key=lambda host: tuple(key[host.host] for key in keys))


def place(runtime: Runtime, request: Request, filters: Optional[Sequence[Filter]] = None) -> Candidate:
    """The host ``request`` goes to.

    :param filters: the filters to apply in order (when None: :data:`FILTERS`, or :data:`FORCED_FILTERS`
        for a forced destination).
    :raises NoValidHost: when no host passes them all.
    """
    hosts: Sequence[Candidate] = candidates(runtime.store)
    chosen = filters if filters is not None else FORCED_FILTERS if request.forced else FILTERS
    for keep in chosen:
        hosts = keep(runtime, request, hosts)
        if not hosts:
            raise NoValidHost()
    return _best(runtime, request, hosts)
