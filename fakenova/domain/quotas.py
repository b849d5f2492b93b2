"""Nova's quota limits as they apply to a project or user, usage counted live, and the checks that refuse.

Limits are layered as in Nova's ``DbQuotaDriver``: each resource's default (Nova's ``[quota]`` options, which
the seed may override from ``fixtures/quotas.yaml`` and ``fakenova serve --quota``), then the ``default``
quota class, then the project's own limits, then the user's. Usage is derived from the store (servers that
are neither deleted nor soft-deleted, their flavors' cores and RAM, server groups), never kept as a counter
that could drift. The checks run inside ``store.atomically()`` together with the change they guard.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import compute, errors, retention
from .ports import Runtime, Store
from .states import VmState

#: Nova's quota resources in ``nova.quota.QUOTAS`` order (the order of a quota set body), with the
#: ``[quota]`` defaults; -1 is unlimited. The last four are nova-network leftovers Nova still shows (< 2.36).
DEFAULT_QUOTAS: Mapping[str, int] = {
    "cores": 20, "injected_files": 5, "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255,
    "instances": 10, "key_pairs": 100, "metadata_items": 128, "ram": 51200, "server_groups": 10,
    "server_group_members": 10, "fixed_ips": -1, "floating_ips": -1, "security_groups": -1,
    "security_group_rules": -1,
}

#: Resources whose usage Nova counts for a project (or, given a user, for that user).
COUNTED = ("cores", "instances", "ram", "server_groups")
#: What one server of a flavor consumes; multiple create and resize check these three together.
_PER_SERVER = {"instances": lambda flavor: 1, "cores": lambda flavor: flavor["vcpus"],
               "ram": lambda flavor: flavor["ram"]}
#: Store kinds: the seeded defaults (one record), classes by name, projects by id, users by "project/user".
DEFAULTS_KEY = ("config", "quota_defaults")
CLASS, PROJECT, USER = "quota_class", "quota", "quota_user"
DEFAULT_CLASS = "default"
MAX_LIMIT = 0x7FFFFFFF  # the database's MAX_INT, Nova's schema maximum


class MetadataLimitExceeded(errors.Forbidden):
    msg_fmt = "Maximum number of metadata items exceeds {allowed}"


def check_limits(values: Mapping[str, Any], where: str = "quota",
                 known: Mapping[str, int] = DEFAULT_QUOTAS) -> Dict[str, int]:
    """Validate ``{name: limit}`` from configuration: known names, integers from -1 to MAX_INT.

    :param where: names the source in the error (a file, an option).
    :param known: the service's resources (Nova's by default; Neutron's for ``--network-quota``).
    :raises ValueError: naming the first bad entry and the valid names.
    """
    checked = {}
    for name, value in values.items():
        if name not in known:
            raise ValueError(f"{where}: unknown quota {name!r}; valid names: {', '.join(sorted(known))}")
        if isinstance(value, bool) or not isinstance(value, int) or not -1 <= value <= MAX_LIMIT:
            raise ValueError(f"{where}: quota {name} must be an integer from -1 (unlimited) to {MAX_LIMIT}, "
                             f"not {value!r}")
        checked[name] = value
    return checked


def parse_quota(text: str, known: Mapping[str, int] = DEFAULT_QUOTAS) -> Dict[str, int]:
    """``"instances=20,cores=-1"`` (the ``--quota`` and ``FAKENOVA_QUOTA`` syntax; ``--network-quota``'s with
    Neutron's resources as ``known``) as a checked mapping."""
    values: Dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, equals, raw = item.partition("=")
        if not equals:
            raise ValueError(f"quota {item!r} is not NAME=VALUE")
        try:
            values[name.strip()] = int(raw.strip())
        except ValueError:
            raise ValueError(f"quota {name.strip()} must be an integer, not {raw.strip()!r}") from None
    return check_limits(values, known=known)


def _stored(store: Store, kind: str, key: str) -> Dict[str, int]:
    return dict(store.get(kind, key) or {})


def class_quotas(store: Store, name: str) -> Dict[str, int]:
    """A quota class's limits over the configured defaults (Nova's ``get_class_quotas``)."""
    return {**DEFAULT_QUOTAS, **_stored(store, *DEFAULTS_KEY), **_stored(store, CLASS, name)}


def defaults(store: Store) -> Dict[str, int]:
    """What a project without limits of its own gets: the ``default`` class over the configured defaults."""
    return class_quotas(store, DEFAULT_CLASS)


def user_key(project_id: str, user_id: str) -> str:
    return f"{project_id}/{user_id}"


def own_user_limits(store: Store, project_id: str, user_id: str) -> Dict[str, int]:
    """The limits set for one user of a project (``PUT /os-quota-sets/{project}?user_id=``), possibly none."""
    record = store.get(USER, user_key(project_id, user_id))
    return dict(record["limits"]) if record else {}


def users_with_limits(store: Store, project_id: str) -> List[Mapping[str, Any]]:
    """Every ``{"user_id", "limits"}`` record of a project's per-user limits."""
    return list(store.list(USER, project_id))


def quotas_for(store: Store, project_id: str, user_id: Optional[str] = None) -> Dict[str, int]:
    """The limits that apply to a project, or to one user in it when ``user_id`` is given."""
    limits = {**defaults(store), **_stored(store, PROJECT, project_id)}
    if user_id:
        limits.update(own_user_limits(store, project_id, user_id))
    return limits


def _field(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)


def usage(store: Store, project_id: str, user_id: Optional[str] = None) -> Dict[str, int]:
    """instances, cores, ram and server_groups in use by the project (or by one user in it).

    Soft-deleted servers do not count, as in Nova (they are counted again by ``restore``'s check).
    """
    used = dict.fromkeys(COUNTED, 0)
    index = retention.server_index(store) if user_id is None else None
    if index is not None:
        # the index keeps the project's running total: a create costs the same at 10 000 servers as at 10
        totals = index.total(retention.SERVER, "usage", project_id) or (0, 0, 0)
        used["instances"], used["cores"], used["ram"] = totals
    else:
        for server in store.list("server", project_id):
            if user_id is None or server.user_id == user_id:
                instances, cores, ram = retention.counted(server)
                used["instances"] += instances
                used["cores"] += cores
                used["ram"] += ram
    used["server_groups"] = server_groups_used(store, project_id, user_id)
    return used


def server_groups_used(store: Store, project_id: str, user_id: Optional[str] = None) -> int:
    """How many server groups the project (or one user in it) has."""
    return sum(1 for group in store.list("server_group", project_id)
               if user_id is None or _field(group, "user_id") == user_id)


def settle(runtime: Runtime, project_id: str, now: float) -> None:
    """Advance the project's busy servers as far as their paces allow, before their usage is counted.

    Without this a server deleted at the ``immediate`` pace would still count until someone read it. It is
    not a poll (``observed=False``): a server waiting for polls keeps counting, as a building one does in Nova.
    """
    reclaims = runtime.settings.reclaim_instance_interval > 0
    store = runtime.store
    index = retention.server_index(store)
    if index is not None:  # only the busy servers, not the whole project
        candidates = [store.get(retention.SERVER, key) for key in index.marked(retention.SERVER, "busy")]
        servers = [server for server in candidates if server is not None and server.project_id == project_id]
    else:
        servers = store.list("server", project_id)
    for server in servers:
        if server.transition is not None or (reclaims and server.vm_state == VmState.SOFT_DELETED):
            runtime.store.compute("server", server.id, lambda current: current if current is None
                                  else compute.settle(runtime, current, now, observed=False),
                                  touches=compute.SETTLE_WRITES)


def check_metadata_items(store: Store, project_id: str, user_id: Optional[str], count: int) -> None:
    """403 ``Maximum number of metadata items exceeds <n>`` when ``count`` items are over the quota."""
    allowed = quotas_for(store, project_id, user_id)["metadata_items"]
    if 0 <= allowed < count:
        raise MetadataLimitExceeded(allowed=allowed)


# --- instances, cores and ram: Nova's check_num_instances_quota and resize check -------------------------

Scope = Tuple[Dict[str, int], Dict[str, int]]  # (limits, usage)


def _scopes(store: Store, project_id: str, user_id: Optional[str]) -> List[Scope]:
    """The project's (limits, usage), then the user's when the user has instance/cores/ram limits of its own.

    Nova skips counting per user otherwise: a user's limits default to the project's, and a user cannot use
    more than the whole project.
    """
    scopes = [(quotas_for(store, project_id), usage(store, project_id))]
    own = own_user_limits(store, project_id, user_id) if user_id else {}
    if any(name in own for name in _PER_SERVER):
        scopes.append((quotas_for(store, project_id, user_id), usage(store, project_id, user_id)))
    return scopes


def _overs(scopes: List[Scope], deltas: Mapping[str, int]) -> Tuple[List[str], Scope]:
    """Resources that ``deltas`` would put over a limit, and the scope whose figures the message quotes.

    As in Nova's ``limit_check_project_and_user``: a resource is over when the project's limit is passed, or
    else the user's; if any is over only for the user, the message quotes the user's limits and usage.
    """
    project, user = scopes[0], scopes[-1]
    overs, over_user = [], False
    for name, delta in deltas.items():
        if 0 <= project[0][name] < project[1][name] + delta:
            overs.append(name)
        elif 0 <= user[0][name] < user[1][name] + delta:
            overs.append(name)
            over_user = True
    return sorted(overs), user if over_user else project


def _too_many(overs: List[str], scope: Scope, requested: Mapping[str, str]) -> errors.QuotaExceeded:
    limits, used = scope
    return errors.QuotaExceeded(
        overs=", ".join(overs), requested=", ".join(requested[name] for name in overs),
        used=", ".join(str(used[name]) for name in overs), allowed=", ".join(str(limits[name]) for name in overs))


def allowed_count(store: Store, project_id: str, flavor: Mapping[str, Any], min_count: int, max_count: int,
                  *, user_id: Optional[str] = None) -> int:
    """How many servers of ``flavor`` fit, between min and max; 403 with Nova's message if not even min.

    The message lists every resource that ``max_count`` servers would exceed, sorted by name (Nova's
    ``TooManyInstances``): ``Quota exceeded for cores, instances: Requested 8, 2-4, but already used 18, 9 of
    20, 10 cores, instances``. Call it inside ``store.atomically()`` together with the creation.
    """
    per = {name: amount(flavor) for name, amount in _PER_SERVER.items()}
    scopes = _scopes(store, project_id, user_id)
    fits = max_count
    for limits, used in scopes:
        for name, each in per.items():
            if limits[name] >= 0 and each > 0:
                fits = min(fits, max(0, (limits[name] - used[name]) // each))
    if fits >= min_count:
        return fits
    overs, scope = _overs(scopes, {name: each * max_count for name, each in per.items()})
    instances = str(min_count) if min_count == max_count else f"{min_count}-{max_count}"
    requested = {"instances": instances, "cores": str(per["cores"] * max_count),
                 "ram": str(per["ram"] * max_count)}
    raise _too_many(overs, scope, requested)


def check_delta(store: Store, project_id: str, *, user_id: Optional[str] = None, instances: int = 0,
                cores: int = 0, ram: int = 0) -> None:
    """403 with Nova's message if adding these amounts would exceed a limit (resize, restore, unshelve).

    Call it inside ``store.atomically()`` with the change it guards.
    """
    wanted = {name: value for name, value in (("instances", instances), ("cores", cores), ("ram", ram))
              if value > 0}
    overs, scope = _overs(_scopes(store, project_id, user_id), wanted)
    if overs:
        raise _too_many(overs, scope, {name: str(value) for name, value in wanted.items()})


# --- server groups: Nova's check_deltas({'server_groups': 1}, project, user) -------------------------


class ServerGroupLimitExceeded(errors.Forbidden):
    msg_fmt = "Quota exceeded, too many server groups."


def check_server_groups(store: Store, project_id: str, user_id: str) -> None:
    """403 ``Quota exceeded, too many server groups.`` when one more group passes the project's limit or
    the user's (a user's limit defaults to the project's, and counts only the user's groups).

    Call it inside ``store.atomically()`` together with the creation.
    """
    for limits, user in ((quotas_for(store, project_id), None), (quotas_for(store, project_id, user_id), user_id)):
        if 0 <= limits["server_groups"] < server_groups_used(store, project_id, user) + 1:
            raise ServerGroupLimitExceeded()
