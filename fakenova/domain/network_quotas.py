"""Neutron's quotas, sans-IO: defaults, per-project limits, usage counted from the records, OverQuota.

Defaults are ``neutron/conf/quota.py``'s, over which ``--network-quota`` (``Settings.network_quota``) sets
the configured ones (one ``config`` record, as ``quota_<resource>`` options do); a project's limits are one
record of kind ``network_quota`` (only the resources set for it). Usage is counted from the store kinds each
resource lives in, so there is no usage bookkeeping to drift. ``check_many`` is Neutron's reservation: a
create (a bulk one counting its whole batch) calls it inside the store's atomic section.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Mapping, Optional

from . import errors
from .ports import Store

KIND = "network_quota"
#: where the configured defaults (``--network-quota``) are kept, written by the seed on every reset
DEFAULTS_KEY = ("config", "network_quota_defaults")
UNLIMITED = -1
MAX_LIMIT = 2147483647

#: resource -> Neutron's default limit (``quota_<resource>`` options)
DEFAULTS: Mapping[str, int] = {
    "network": 100, "subnet": 100, "subnetpool": UNLIMITED, "port": 500, "router": 10, "floatingip": 50,
    "security_group": 10, "security_group_rule": 100, "rbac_policy": 10,
}


class OverQuota(errors.Conflict):
    msg_fmt = "Quota exceeded for resources: {overs}."


class QuotaResourceUnknown(errors.NotFound):
    msg_fmt = "Unknown quota resources {unknown}."


Counter = Callable[[Store, str], int]


def _records(kind: str) -> Counter:
    return lambda store, project: len(store.list(kind, project))


def _ports(store: Store, project: str) -> int:
    from .neutron_ports import count_existing  # late: the port machinery checks these quotas

    # every NIC is a stored port; one Nova made for a server that is gone no longer exists
    return count_existing(store, project)


#: how each resource's usage is counted (ports: the stored ones that still exist)
COUNTERS: Dict[str, Counter] = {name: _records(name) for name in DEFAULTS}
COUNTERS["port"] = _ports


def defaults(store: Store) -> Dict[str, int]:
    """Neutron's defaults under the configured ones (``GET /quotas/{project}/default``)."""
    return {**DEFAULTS, **(store.get(*DEFAULTS_KEY) or {})}


def limits(store: Store, project_id: str) -> Dict[str, int]:
    """The project's limits: its own where set, the defaults elsewhere."""
    own = store.get(KIND, project_id) or {}
    return {name: own.get(name, default) for name, default in defaults(store).items()}


def usage(store: Store, project_id: str) -> Dict[str, int]:
    return {name: COUNTERS[name](store, project_id) for name in DEFAULTS}


def details(store: Store, project_id: str) -> Dict[str, Dict[str, int]]:
    """``/quotas/{project}/details``: limit, used and reserved (always 0: no reservations) per resource."""
    used = usage(store, project_id)
    return {name: {"limit": limit, "used": used[name], "reserved": 0}
            for name, limit in limits(store, project_id).items()}


def check(store: Store, project_id: str, resource: str, delta: int = 1) -> None:
    """409 ``OverQuota`` when ``delta`` more of ``resource`` would pass the project's limit (an unlimited
    one counts nothing, as Neutron's driver filters unlimited resources out first)."""
    limit = limits(store, project_id).get(resource, UNLIMITED)
    if limit != UNLIMITED and COUNTERS[resource](store, project_id) + delta > limit:
        raise OverQuota(overs=[resource])


def check_many(store: Store, resource: str, projects: Iterable[str]) -> None:
    """Neutron's reservation for a create: one ``resource`` per entry of ``projects`` (a bulk create's
    items), counted per project, and refused as a whole when one project would pass its limit."""
    deltas: Dict[str, int] = {}
    for project in projects:
        deltas[project] = deltas.get(project, 0) + 1
    for project, delta in deltas.items():
        check(store, project, resource, delta)


def update(store: Store, project_id: str, changes: Mapping[str, int], *, force: bool = False) -> Dict[str, int]:
    """Set limits (400 when a limit is under what is used, unless forced); returns the new limits."""
    from .neutron_errors import HTTPBadRequest
    if not force:
        for name, limit in changes.items():
            used = COUNTERS[name](store, project_id)
            if limit != UNLIMITED and used > limit:
                raise HTTPBadRequest(f"Quota limit {limit} for {name} must be greater than or equal to already "
                                     f"used {used}")

    def apply(current: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        return {**(current or {}), **changes, "project_id": project_id}
    store.compute(KIND, project_id, apply)
    return limits(store, project_id)


def reset(store: Store, project_id: str) -> None:
    """``DELETE /quotas/{project}``: back to the defaults."""
    store.delete(KIND, project_id)


def projects_with_limits(store: Store) -> Dict[str, Dict[str, Any]]:
    """``GET /quotas``: every project that has its own limits, with them all."""
    return {record["project_id"]: limits(store, record["project_id"]) for record in store.list(KIND)}
