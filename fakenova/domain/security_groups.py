"""Security groups: the one copy of Neutron's records, read and written by Neutron's API and Nova's proxy.

Records are Neutron-shaped: kind ``security_group`` (id, name, description, project_id, stateful, shared,
timestamps, revision) and kind ``security_group_rule`` (direction, ethertype, protocol, port range, remote
prefix or group), both filed under their project. Every project has a ``default`` group, created on first use
as Neutron does, with Neutron's default rules (egress IPv4 and IPv6 to anywhere, ingress from the group
itself); its id and its rules' ids are derived from the project, so reading before it exists shows the same
group that the first write stores. Nova's ``os-security-groups`` proxy sees a group through :func:`nova_group`
(ingress rules only, in Nova's rule shape), as Nova's neutron driver converts them.
"""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import errors, policy
from .context import RequestContext
from .ports import Runtime, Store

KIND = "security_group"
RULE_KIND = "security_group_rule"
Group = Dict[str, Any]
Record = Dict[str, Any]

_GROUPS = uuid.UUID("8d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")  # namespace of derived group and rule ids
DEFAULT_DESCRIPTION = "Default security group"
#: Neutron's default rule templates: (direction, ethertype, from the group itself) for the default group;
#: other new groups get the egress ones only
DEFAULT_RULES = (("egress", "IPv4", False), ("egress", "IPv6", False), ("ingress", "IPv4", True),
                 ("ingress", "IPv6", True))


def group_id(project_id: str, name: str) -> str:
    """The stable id of a project's derived group (the ``default`` one)."""
    return str(uuid.uuid5(_GROUPS, f"{project_id}/{name}"))


def new_group(gid: str, project_id: str, name: str, description: str, now: float, *,
              stateful: bool = True) -> Record:
    """A group record as Neutron stores it."""
    return {"id": gid, "name": name, "description": description, "project_id": project_id,
            "tenant_id": project_id, "stateful": stateful, "shared": False, "tags": [], "created_at": now,
            "updated_at": now, "revision_number": 1}


def new_rule(rid: str, group: Mapping[str, Any], now: float, **given: Any) -> Record:
    """A rule record: Neutron's attributes, defaults for the ones not ``given``."""
    rule: Record = {"id": rid, "project_id": group["project_id"], "tenant_id": group["project_id"],
                    "security_group_id": group["id"], "direction": "ingress", "ethertype": "IPv4",
                    "protocol": None, "port_range_min": None, "port_range_max": None, "remote_ip_prefix": None,
                    "remote_group_id": None, "remote_address_group_id": None, "description": "",
                    "created_at": now, "updated_at": now, "revision_number": 1, "tags": []}
    rule.update(given)
    return rule


def template_rules(group: Mapping[str, Any], now: float, ids: Any = None) -> List[Record]:
    """The rules Neutron gives a new group: all four for ``default`` (derived ids), egress for others."""
    default = group["name"] == "default"
    rules = []
    for direction, ethertype, from_self in DEFAULT_RULES:
        if from_self and not default:
            continue
        rid = str(uuid.uuid5(_GROUPS, f"{group['id']}/{direction}/{ethertype}")) if default else ids.uuid()
        rules.append(new_rule(rid, group, now, direction=direction, ethertype=ethertype,
                              remote_group_id=group["id"] if from_self else None))
    return rules


def default_group(project_id: str, now: float = 0.0) -> Record:
    """The ``default`` group of a project, as it is first stored."""
    return new_group(group_id(project_id, "default"), project_id, "default", DEFAULT_DESCRIPTION, now)


def _normal(record: Mapping[str, Any], project_id: str) -> Record:
    # records stored by tests or seeds may carry only an id and a name
    return {**new_group(record["id"], project_id, record["name"], "", 0.0), **record}


def ensure_default(store: Store, project_id: str, now: float) -> Record:
    """The project's ``default`` group, storing it with its rules on first use (Neutron's
    ``_ensure_default_security_group``)."""
    gid = group_id(project_id, "default")

    def make(current: Optional[Record]) -> Record:
        if current is not None:
            return current
        group = default_group(project_id, now)
        for rule in template_rules(group, now):
            store.put(RULE_KIND, rule["id"], rule, project=project_id)
        return group

    if any(group["name"] == "default" and group["id"] != gid for group in _stored(store, project_id)):
        return next(group for group in _stored(store, project_id) if group["name"] == "default")
    return store.compute(KIND, gid, make, project=project_id, touches=(RULE_KIND,))


def ensure_default_for(store: Store, ctx: RequestContext, project_id: Optional[str]) -> None:
    """What Neutron does before a port is created or updated and before a network is created: the project's
    ``default`` group exists afterwards. Only for the caller's own project, or any project for an admin
    (Neutron refuses to make another project's default group: its bug 1987410)."""
    if project_id and (project_id == ctx.project_id or ctx.is_admin):
        ensure_default(store, project_id, ctx.now)


def _stored(store: Store, project_id: Optional[str] = None) -> List[Record]:
    return [_normal(record, record.get("project_id") or project_id or "")
            for record in store.list(KIND, project_id) if isinstance(record, dict)]


def group_rules(store: Store, group: Mapping[str, Any]) -> List[Record]:
    """The rules of a group (derived ones for a ``default`` group not yet stored)."""
    if store.get(KIND, group["id"]) is None and group["id"] == group_id(group["project_id"], "default"):
        return template_rules(group, group.get("created_at", 0.0))
    return [rule for rule in store.list(RULE_KIND, group["project_id"]) if rule["security_group_id"] == group["id"]]


def all_rules(store: Store) -> List[Record]:
    return list(store.list(RULE_KIND))


# --- Nova's view of the records -------------------------------------------------------------------------

_OPEN_PORTS = {"TCP": (1, 65535), "UDP": (1, 65535)}


def nova_rule(rule: Mapping[str, Any]) -> Record:
    """A Neutron rule in Nova's shape (``_convert_to_nova_security_group_rule_format``)."""
    protocol = rule.get("protocol")
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if protocol and low is None and high is None:
        low, high = _OPEN_PORTS.get(str(protocol).upper(), (-1, -1))
    return {"id": rule["id"], "parent_group_id": rule["security_group_id"], "ip_protocol": protocol,
            "from_port": low, "to_port": high, "group_id": rule.get("remote_group_id"),
            "cidr": rule.get("remote_ip_prefix")}


def nova_group(store: Store, record: Mapping[str, Any]) -> Group:
    """A group as Nova's proxy shows it: ingress rules only, in Nova's rule shape."""
    rules = [nova_rule(rule) for rule in group_rules(store, record) if rule["direction"] == "ingress"]
    return {**record, "rules": rules}


def project_groups(store: Store, project_id: str) -> List[Group]:
    """The project's groups in Nova's shape, its ``default`` group first (derived when none is stored)."""
    stored = _stored(store, project_id)
    if not any(group["name"] == "default" for group in stored):
        stored.insert(0, default_group(project_id))
    return [nova_group(store, group) for group in stored]


def find(store: Store, project_id: str, name_or_id: str) -> Optional[Group]:
    """The project's group with this id, else with this name (Neutron's ``find_resource`` order)."""
    groups = project_groups(store, project_id)
    return next((g for g in groups if g["id"] == name_or_id), None) or next(
        (g for g in groups if g["name"] == name_or_id), None)


def check_requested(store: Store, ctx: RequestContext, names: Sequence[str]) -> None:
    """Server create's check of ``security_groups`` (Nova's ``_check_requested_secgroups``): 400 for a group
    Neutron cannot find, in neutronclient's words."""
    for name in names:
        if name != "default" and find(store, ctx.project_id, name) is None:
            raise errors.BadRequest(f"Unable to find security_group with name or id '{name}'")


def in_use(store: Store, group: Mapping[str, Any]) -> bool:
    """Whether a port is in the group: a NIC of a live server given the group by name or id, or a stored
    port naming it."""
    from .neutron_ports import current  # that module imports this one

    keys = {group["id"], group["name"]}
    # as each port reads now: the ports Nova made for a server are gone once it is deleted
    ports = (current(store, port) for port in store.list("port") if isinstance(port, dict))
    if any(group["id"] in (port.get("security_groups") or ()) for port in ports if port is not None):
        return True
    return any(keys & set(server.security_groups) for server in store.list("server", group["project_id"])
               if not server.deleted and server.nics)


# --- os-security-groups (Nova's proxy, 2.1 to 2.35) ---------------------------------------------------

_RULE = "os_compute_api:os-security-groups:{}"


def check_id(group_id: str) -> None:
    """Nova's proxy takes only uuids as group and rule ids (400 before asking Neutron)."""
    try:
        uuid.UUID(group_id)
    except ValueError:
        raise errors.BadRequest("Security group id should be uuid") from None


def visible(store: Store, ctx: RequestContext, *, all_projects: bool = False) -> List[Group]:
    """The groups an index shows: the caller's project's, or every project's for an admin's ``all_tenants``."""
    if not (all_projects and ctx.is_admin):
        return project_groups(store, ctx.project_id)
    projects = {ctx.project_id, *(str(record["project_id"]) for record in store.list(KIND)
                                  if isinstance(record, dict) and record.get("project_id"))}
    return [group for project in sorted(projects) for group in project_groups(store, project)]


def get(store: Store, ctx: RequestContext, group_id: str) -> Group:
    """One group by id (the caller's, or any project's for an admin); 400 for a non-uuid, 404 when missing."""
    check_id(group_id)
    found = next((group for group in visible(store, ctx, all_projects=True) if group["id"] == group_id), None)
    if found is None or not (ctx.is_admin or found["project_id"] == ctx.project_id):
        raise errors.NotFound(f"Security group {group_id} does not exist")
    return found


def _write(runtime: Runtime, ctx: RequestContext, group: Mapping[str, Any], **changes: Any) -> Group:
    ensure_default(runtime.store, group["project_id"], ctx.now)
    stored = runtime.store.get(KIND, group["id"]) or {}
    record = {**_normal(stored or group, group["project_id"]), **changes, "updated_at": ctx.now,
              "revision_number": stored.get("revision_number", -1) + 1}
    record.pop("rules", None)
    runtime.store.put(KIND, record["id"], record, project=record["project_id"])
    return nova_group(runtime.store, record)


def create(runtime: Runtime, ctx: RequestContext, name: str, description: str) -> Group:
    """A new group of the caller's project, with Neutron's egress rules (which Nova does not show)."""
    policy.authorize(ctx, _RULE.format("create"))
    if name == "default":  # Neutron's 409, which Nova's proxy reads as over quota
        raise errors.Forbidden("Default security group already exists.")
    store = runtime.store
    ensure_default(store, ctx.project_id, ctx.now)
    group = new_group(runtime.ids.uuid(), ctx.project_id, name, description, ctx.now)
    with store.atomically():
        store.put(KIND, group["id"], group, project=ctx.project_id)
        for rule in template_rules(group, ctx.now, runtime.ids):
            store.put(RULE_KIND, rule["id"], rule, project=ctx.project_id)
    return nova_group(store, group)


def update(runtime: Runtime, ctx: RequestContext, group_id: str, name: str, description: str) -> Group:
    """Rename and describe a group (the default group keeps its name, as Neutron insists)."""
    policy.authorize(ctx, _RULE.format("update"))
    group = get(runtime.store, ctx, group_id)
    if group["name"] == "default" and name != "default":
        raise errors.BadRequest("Updating default security group not allowed.")
    return _write(runtime, ctx, group, name=name, description=description)


def delete_records(store: Store, group: Mapping[str, Any]) -> None:
    """Remove a group and its rules."""
    with store.atomically():
        for rule in group_rules(store, group):
            store.delete(RULE_KIND, rule["id"])
        store.delete(KIND, group["id"])


def delete(runtime: Runtime, ctx: RequestContext, group_id: str) -> None:
    """Delete a group: not the default one, nor one a server uses (Neutron's 409s, a 400 through Nova)."""
    policy.authorize(ctx, _RULE.format("delete"))
    group = get(runtime.store, ctx, group_id)
    if group["name"] == "default":
        raise errors.BadRequest("Insufficient rights for removing default security group.")
    if in_use(runtime.store, group):
        raise errors.BadRequest(f"Security Group {group_id} in use.")
    delete_records(runtime.store, group)


def by_id(store: Store, ctx: RequestContext) -> Dict[str, Group]:
    """Every group a rule may name as its source, by id (the rule views look them up)."""
    return {group["id"]: group for group in visible(store, ctx, all_projects=True)}


def of_server(store: Store, project_id: str, names: Sequence[str]) -> List[Group]:
    """The groups a server's ports are in, by the names it was given (groups since deleted are skipped)."""
    known = project_groups(store, project_id)
    found = (next((g for g in known if name in (g["name"], g["id"])), None) for name in dict.fromkeys(names))
    return [group for group in found if group is not None]
