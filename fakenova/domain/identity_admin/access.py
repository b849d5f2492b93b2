"""Keystone's questions to the one policy evaluator: a token record as oslo.policy's credentials, a handler's
flat target as Keystone's flattened ``target.*`` keys, and Keystone's refusal.

The rules are ``fakenova.policies.identity.RULES`` with the operator's overrides (:class:`~..policy.Policies`);
this module only shapes what Keystone's ``RBACEnforcer`` would pass. Credentials: the token's roles, user,
project, ``domain_id`` (its domain scope, None otherwise), ``system_scope`` and the ``token.domain.id`` /
``token.project.domain.id`` it carries. Targets: handlers name the record's ``domain_id`` (of a project,
user, group, or the domain itself, or of both sides of a grant when they agree), its ``user_id`` or
``project_id`` and a role's ``role_name``; each becomes every flattened key Keystone's rules read for it. A
value handlers leave None is absent from the target, as Keystone builds none for it, so a check on it fails.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from ..policy import IMPLIED_ROLES, Policies
from .records import forbidden

Caller = Mapping[str, Any]
#: a handler's target: ``user_id``, ``project_id``, ``domain_id``, ``role_name`` of the record acted on
Target = Mapping[str, Any]
SERVICE = "identity"

#: a handler's target key -> the keys of Keystone's flattened target that carry it
TARGET_KEYS: Mapping[str, Tuple[str, ...]] = {
    "domain_id": ("target.domain.id", "target.domain_id", "target.project.domain_id", "target.user.domain_id",
                  "target.group.domain_id"),
    "user_id": ("user_id", "target.user.id", "target.token.user_id"),
    "project_id": ("target.project.id",),
    "role_name": ("target.role.name",),
}


def credentials(caller: Caller) -> Dict[str, Any]:
    """oslo.policy's credentials of a Keystone token record (implied roles included)."""
    roles = set(caller.get("roles") or ())
    roles.update(implied for role in tuple(roles) for implied in IMPLIED_ROLES.get(role, ()))
    scope_domain = caller.get("scope_domain_id")
    return {"user_id": caller.get("user_id"), "project_id": caller.get("project_id"), "domain_id": scope_domain,
            "roles": sorted(roles), "system_scope": "all" if caller.get("system") else None, "is_admin": False,
            "token": {"domain": {"id": scope_domain},
                      "project": {"domain": {"id": caller.get("project_domain_id")}}}}


def target(flat: Optional[Target]) -> Dict[str, Any]:
    """Keystone's flattened target for a handler's flat one."""
    found: Dict[str, Any] = {}
    for key, value in (flat or {}).items():
        if value is not None:
            found.update((name, value) for name in TARGET_KEYS[key])
    if flat is not None and "role_name" in flat:  # roles are global here: a grant's role has no domain
        found["target.role.domain_id"] = None
    return found


def allowed(policies: Policies, caller: Caller, rule: str, flat: Optional[Target] = None) -> bool:
    """Whether ``caller`` (a token record) passes ``rule`` on ``flat``."""
    return policies.check(SERVICE, rule, target(flat), credentials(caller))


def authorize(policies: Policies, caller: Caller, rule: str, flat: Optional[Target] = None) -> None:
    """Keystone's 403 ``You are not authorized to perform the requested action: <rule>.`` on refusal."""
    if not allowed(policies, caller, rule, flat):
        raise forbidden(rule)
