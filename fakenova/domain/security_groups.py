"""Security groups, the Neutron records Nova's ``os-security-groups`` proxy and server create/actions use.

Records of kind ``security_group`` (keyed by id, per project) hold ``id``, ``name``, ``description``,
``project_id`` and ``rules``. Every project has a ``default`` group, as Neutron makes one on first use; it is
derived (same id every time, Neutron's two ingress rules from itself) until something stores it.
"""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import errors, policy
from .context import RequestContext
from .policy import Policy
from .ports import Runtime, Store

KIND = "security_group"
Group = Dict[str, Any]

_GROUPS = uuid.UUID("8d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")  # namespace of derived group and rule ids


def group_id(project_id: str, name: str) -> str:
    """The stable id of a project's derived group (the ``default`` one)."""
    return str(uuid.uuid5(_GROUPS, f"{project_id}/{name}"))


def default_group(project_id: str) -> Group:
    """Neutron's ``default`` group of a project: ingress from itself over IPv4 and IPv6."""
    gid = group_id(project_id, "default")
    rules = [{"id": str(uuid.uuid5(_GROUPS, f"{gid}/{ethertype}")), "parent_group_id": gid,
              "ip_protocol": None, "from_port": None, "to_port": None, "group_id": gid, "cidr": None}
             for ethertype in ("IPv4", "IPv6")]
    return {"id": gid, "name": "default", "description": "Default security group", "project_id": project_id,
            "rules": rules}


def _normal(record: Mapping[str, Any], project_id: str) -> Group:
    # records stored by tests or seeds may carry only an id and a name
    return {"description": "", "rules": [], "project_id": project_id, **record}


def project_groups(store: Store, project_id: str) -> List[Group]:
    """The project's groups, its ``default`` group first (derived when none is stored)."""
    stored = [_normal(record, project_id) for record in store.list(KIND, project_id) if isinstance(record, dict)]
    if not any(group["name"] == "default" for group in stored):
        stored.insert(0, default_group(project_id))
    return stored


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


def _put(store: Store, group: Group) -> Group:
    store.put(KIND, group["id"], group, project=group["project_id"])
    return group


def create(runtime: Runtime, ctx: RequestContext, name: str, description: str) -> Group:
    """A new group of the caller's project; Neutron gives it only egress rules, which Nova does not show."""
    policy.enforce(ctx, Policy.MEMBER, _RULE.format("create"))
    if name == "default":  # Neutron's 409, which Nova's proxy reads as over quota
        raise errors.Forbidden("Default security group already exists.")
    group = {"id": runtime.ids.uuid(), "name": name, "description": description, "project_id": ctx.project_id,
             "rules": []}
    return _put(runtime.store, group)


def update(runtime: Runtime, ctx: RequestContext, group_id: str, name: str, description: str) -> Group:
    """Rename and describe a group (the default group keeps its name, as Neutron insists)."""
    policy.enforce(ctx, Policy.MEMBER, _RULE.format("update"))
    group = get(runtime.store, ctx, group_id)
    if group["name"] == "default" and name != "default":
        raise errors.BadRequest("Updating default security group not allowed.")
    return _put(runtime.store, {**group, "name": name, "description": description})


def delete(runtime: Runtime, ctx: RequestContext, group_id: str) -> None:
    """Delete a group: not the default one, nor one a server uses (Neutron's 409s, a 400 through Nova)."""
    policy.enforce(ctx, Policy.MEMBER, _RULE.format("delete"))
    group = get(runtime.store, ctx, group_id)
    if group["name"] == "default":
        raise errors.BadRequest("Insufficient rights for removing default security group.")
    if any(group["name"] in server.security_groups for server in runtime.store.list("server", group["project_id"])
           if not server.deleted and server.nics):
        raise errors.BadRequest(f"Security Group {group_id} in use.")
    runtime.store.delete(KIND, group_id)


def by_id(store: Store, ctx: RequestContext) -> Dict[str, Group]:
    """Every group a rule may name as its source, by id (the rule views look them up)."""
    return {group["id"]: group for group in visible(store, ctx, all_projects=True)}


def of_server(store: Store, project_id: str, names: Sequence[str]) -> List[Group]:
    """The groups a server's ports are in, by the names it was given (groups since deleted are skipped)."""
    known = project_groups(store, project_id)
    found = (next((g for g in known if name in (g["name"], g["id"])), None) for name in dict.fromkeys(names))
    return [group for group in found if group is not None]
