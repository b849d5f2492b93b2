"""Security groups, the Neutron records Nova's ``os-security-groups`` proxy and server create/actions use.

Records of kind ``security_group`` (keyed by id, per project) hold ``id``, ``name``, ``description``,
``project_id`` and ``rules``. Every project has a ``default`` group, as Neutron makes one on first use; it is
derived (same id every time, Neutron's two ingress rules from itself) until something stores it.
"""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import errors
from .context import RequestContext

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


def project_groups(store: Any, project_id: str) -> List[Group]:
    """The project's groups, its ``default`` group first (derived when none is stored)."""
    stored = [_normal(record, project_id) for record in store.list(KIND, project_id) if isinstance(record, dict)]
    if not any(group["name"] == "default" for group in stored):
        stored.insert(0, default_group(project_id))
    return stored


def find(store: Any, project_id: str, name_or_id: str) -> Optional[Group]:
    """The project's group with this id, else with this name (Neutron's ``find_resource`` order)."""
    groups = project_groups(store, project_id)
    return next((g for g in groups if g["id"] == name_or_id), None) or next(
        (g for g in groups if g["name"] == name_or_id), None)


def check_requested(store: Any, ctx: RequestContext, names: Sequence[str]) -> None:
    """Server create's check of ``security_groups`` (Nova's ``_check_requested_secgroups``): 400 for a group
    Neutron cannot find, in neutronclient's words."""
    for name in names:
        if name != "default" and find(store, ctx.project_id, name) is None:
            raise errors.BadRequest(f"Unable to find security_group with name or id '{name}'")
