"""Server groups (``os-server-groups``): the records, Nova's checks and messages, membership, and the
placement policy a group imposes on its members' hosts, sans-IO.

A group is a plain record of kind ``server_group`` keyed by its uuid and filed under its project. Records
are replaced, never changed in place (a cached server rendering that read a group checks it by identity).
Members join through the ``group`` scheduler hint at create and leave when they are deleted; a group shows
only members that still exist and are not deleted, as Nova does.

The policy is a table: hard policies *filter* candidate hosts (:data:`FILTERS`), soft ones *order* them
(:data:`WEIGHERS`); :func:`allowed_hosts` is the one function that reads them.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import errors, quotas
from .context import RequestContext
from .policy import authorize
from .ports import Store

KIND = "server_group"
Group = Mapping[str, Any]
RULE = "os_compute_api:os-server-groups:{}"


class GroupPolicy(enum.Enum):
    """The placement policies Nova knows (the soft ones from 2.15)."""

    AFFINITY = "affinity"
    ANTI_AFFINITY = "anti-affinity"
    SOFT_AFFINITY = "soft-affinity"
    SOFT_ANTI_AFFINITY = "soft-anti-affinity"


class InstanceGroupNotFound(errors.NotFound):
    msg_fmt = "Instance group {group_uuid} could not be found."


class GroupHintNotFound(errors.BadRequest):
    """The create-server API turns Nova's ``InstanceGroupNotFound`` into a 400 with the same words."""

    msg_fmt = "Instance group {group_uuid} could not be found."


class GroupMemberLimitExceeded(errors.Forbidden):
    msg_fmt = "Quota exceeded, too many servers in group"


# --- placement policy -----------------------------------------------------------------------------

MembersHosts = Mapping[str, int]


def max_per_host(group: Group) -> int:
    """How many members an anti-affinity group lets one host hold (2.64's ``max_server_per_host``, else 1)."""
    return int(group.get("rules", {}).get("max_server_per_host", 1))


def _affine(group: Group, hosts: MembersHosts, host: str) -> bool:
    # Nova's ServerGroupAffinityFilter: any host until a member is placed, then only the members' hosts.
    return not any(hosts.values()) or hosts.get(host, 0) > 0


def _anti_affine(group: Group, hosts: MembersHosts, host: str) -> bool:
    return hosts.get(host, 0) < max_per_host(group)


#: hard policies: whether ``host`` may take one more member, given the members already on each host
FILTERS: Mapping[GroupPolicy, Callable[[Group, MembersHosts, str], bool]] = {
    GroupPolicy.AFFINITY: _affine,
    GroupPolicy.ANTI_AFFINITY: _anti_affine,
}
#: soft policies: a sort key over hosts (lowest preferred); no host is ever refused
WEIGHERS: Mapping[GroupPolicy, Callable[[MembersHosts, str], int]] = {
    GroupPolicy.SOFT_AFFINITY: lambda hosts, host: -hosts.get(host, 0),
    GroupPolicy.SOFT_ANTI_AFFINITY: lambda hosts, host: hosts.get(host, 0),
}
if set(FILTERS) | set(WEIGHERS) != set(GroupPolicy) or set(FILTERS) & set(WEIGHERS):
    raise AssertionError("every group policy needs exactly one of a filter or a weigher")


def allowed_hosts(group: Group, members_hosts: MembersHosts, candidates: Sequence[str]) -> List[str]:
    """The candidate hosts on which one more member of ``group`` may go, best first.

    A pure function, usable as a placement filter: hard policies drop hosts, soft ones only reorder them
    (a stable sort, so equally good hosts keep the candidates' order).

    :param group: the group record (``policy``, ``rules``).
    :param members_hosts: host -> how many of the group's members are on it.
    :param candidates: the hosts still in the running, in preference order.
    """
    policy = GroupPolicy(group["policy"])
    if policy in FILTERS:
        return [host for host in candidates if FILTERS[policy](group, members_hosts, host)]
    return sorted(candidates, key=lambda host: WEIGHERS[policy](members_hosts, host))


# --- records --------------------------------------------------------------------------------------


def _live(store: Store, server_id: str) -> Optional[Any]:
    server = store.get("server", server_id)
    return None if server is None or server.deleted else server


def live_servers(store: Store, group: Group) -> List[Any]:
    """The server records of the group's members that exist and are not deleted."""
    servers = (_live(store, member) for member in group["members"])
    return [server for server in servers if server is not None]


def live_members(store: Store, group: Group) -> List[str]:
    """The ids of the group's members that exist and are not deleted (Nova shows no others)."""
    return [server.id for server in live_servers(store, group)]


def _shown(store: Store, group: Group) -> Dict[str, Any]:
    return {**group, "members": live_members(store, group)}


def _owned(ctx: RequestContext, group: Group, action: str) -> None:
    # Nova's target is the group's project: another project's member or reader is refused, admin is not.
    authorize(ctx, RULE.format(action), {"project_id": group["project_id"], "user_id": group.get("user_id")})


def _found(store: Store, group_id: str) -> Group:
    group = store.get(KIND, group_id)
    if group is None:
        raise InstanceGroupNotFound(group_uuid=group_id)
    return group


def create_group(store: Store, ctx: RequestContext, *, group_id: str, name: str, policy: str,
                 rules: Mapping[str, Any]) -> Dict[str, Any]:
    """``POST /os-server-groups``: policy, quota (403), then ``rules`` only for anti-affinity (400).

    :param policy: one :class:`GroupPolicy` value (the first of ``policies`` before 2.64).
    :param rules: 2.64's rules (``{}`` before); ``max_server_per_host`` is stored as an integer.
    """
    with store.atomically():
        quotas.check_server_groups(store, ctx.project_id, ctx.user_id)
        if rules and policy != GroupPolicy.ANTI_AFFINITY.value:
            raise errors.BadRequest("Only anti-affinity policy supports rules.")
        record: Dict[str, Any] = {"id": group_id, "name": name, "policy": GroupPolicy(policy).value,
                  "rules": {key: int(value) for key, value in rules.items()}, "members": [],
                  "project_id": ctx.project_id, "user_id": ctx.user_id, "created_at": ctx.now}
        store.put(KIND, group_id, record, project=ctx.project_id)
    return dict(record, members=[])


def list_groups(store: Store, ctx: RequestContext, *, all_projects: bool, offset: int,
                limit: int) -> List[Dict[str, Any]]:
    """``GET /os-server-groups``: the caller's project's groups, or every project's for an admin who asks.

    As in Nova, ``all_projects`` from a non-admin is ignored, not refused.
    """
    groups = store.list(KIND) if all_projects and ctx.is_admin else store.list(KIND, ctx.project_id)
    return [_shown(store, group) for group in groups[offset:offset + limit]]


def show_group(store: Store, ctx: RequestContext, group_id: str) -> Dict[str, Any]:
    """``GET /os-server-groups/{id}``: 404 when missing, 403 when another project's."""
    group = _found(store, group_id)
    _owned(ctx, group, "show")
    return _shown(store, group)


def delete_group(store: Store, ctx: RequestContext, group_id: str) -> None:
    """``DELETE /os-server-groups/{id}``: 404 when missing, 403 for another project's or a reader."""
    group = _found(store, group_id)
    _owned(ctx, group, "delete")
    if not store.delete(KIND, group_id):
        raise InstanceGroupNotFound(group_uuid=group_id)


# --- membership -----------------------------------------------------------------------------------


def requested_group(store: Store, hints: Mapping[str, Any]) -> Optional[Group]:
    """The group the ``group`` scheduler hint names (a uuid, or a list whose first uuid counts), or None.

    :raises GroupHintNotFound: 400, as Nova answers a create naming a missing group.
    """
    hint = hints.get("group")
    if isinstance(hint, (list, tuple)):
        hint = hint[0] if hint else None
    if not hint:
        return None
    group = store.get(KIND, hint)
    if group is None:
        raise GroupHintNotFound(group_uuid=hint)
    return group


def check_members_quota(store: Store, ctx: RequestContext, group: Group, adding: int) -> None:
    """403 ``Quota exceeded, too many servers in group`` unless ``adding`` more of the caller's servers fit.

    Nova counts, per group and user, the members that are not deleted.
    """
    limit = quotas.quotas_for(store, ctx.project_id, ctx.user_id)["server_group_members"]
    mine = sum(1 for server in live_servers(store, group) if server.user_id == ctx.user_id)
    if 0 <= limit < mine + adding:
        raise GroupMemberLimitExceeded()


def add_members(store: Store, group_id: str, server_ids: Sequence[str]) -> None:
    """Record new members (a new record: groups are never changed in place)."""
    store.compute(KIND, group_id, lambda group: group if group is None else
                  {**group, "members": [*group["members"], *server_ids]})


def remove_member(store: Store, group_ids: Sequence[str], server_id: str) -> None:
    """Forget a deleted server in each of its groups (a group deleted meanwhile stays deleted)."""
    for group_id in group_ids:
        store.compute(KIND, group_id, lambda group: group if group is None else
                      {**group, "members": [m for m in group["members"] if m != server_id]})


def members_hosts(hosts: Sequence[Optional[str]]) -> Dict[str, int]:
    """host -> members on it, from the members' hosts (None for a member without one)."""
    counts: Dict[str, int] = {}
    for host in hosts:
        if host:
            counts[host] = counts.get(host, 0) + 1
    return counts


def place(group: Group, members: MembersHosts, candidates: Sequence[str],
          count: int) -> Optional[Tuple[str, ...]]:
    """A host for each of ``count`` new members, placed one after another; None when one finds none.

    Nova schedules a multiple create as one request: if any instance finds no host, none is built.
    """
    placed: Dict[str, int] = dict(members)
    chosen = []
    for _ in range(count):
        hosts = allowed_hosts(group, placed, candidates)
        if not hosts:
            return None
        chosen.append(hosts[0])
        placed[hosts[0]] = placed.get(hosts[0], 0) + 1
    return tuple(chosen)
