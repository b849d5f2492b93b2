"""Keystone's default policies for the identity API, as handlers enforce them until one evaluator reads
``fakenova.policies.identity.RULES``: each rule is a set of clauses (any one grants), each clause a predicate.

The clauses mirror the check strings' parts: ``rule:admin_required`` (``role:admin``), the system reader
(``role:reader and system_scope:all``), domain readers and managers (``domain_id:%(target.…domain_id)s`` on a
domain-scoped token), ``rule:owner`` and friends. A refusal is Keystone's ``ForbiddenAction`` naming the rule.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Tuple

from .records import forbidden

Caller = Mapping[str, Any]
#: what a rule is checked against: ``user_id``, ``project_id``, ``domain_id``, ``role_name`` of the target
Target = Mapping[str, Any]
Clause = Callable[[Caller, Target], bool]

#: roles a domain manager may grant and revoke (keystone's ``domain_managed_target_role``)
MANAGED_ROLES = ("manager", "member", "reader")


def _has(caller: Caller, role: str) -> bool:
    return role in caller.get("roles", ())


def _domain_scope(caller: Caller, target: Target) -> bool:
    return bool(caller.get("scope_domain_id")) and caller.get("scope_domain_id") == target.get("domain_id")


CLAUSES: Mapping[str, Clause] = {
    "admin": lambda caller, target: _has(caller, "admin"),
    "service": lambda caller, target: _has(caller, "service"),
    "system_reader": lambda caller, target: _has(caller, "reader") and bool(caller.get("system")),
    "domain_reader": lambda caller, target: _has(caller, "reader") and _domain_scope(caller, target),
    "domain_manager": lambda caller, target: _has(caller, "manager") and _domain_scope(caller, target),
    "domain_grant_manager": lambda caller, target: _has(caller, "manager") and _domain_scope(caller, target)
    and target.get("role_name") in MANAGED_ROLES,
    "domain_scoped_manager": lambda caller, target: _has(caller, "manager") and bool(caller.get("scope_domain_id")),
    "token_domain": lambda caller, target: target.get("domain_id") in (
        caller.get("scope_domain_id"), caller.get("project_domain_id")),
    "own_project": lambda caller, target: bool(caller.get("project_id"))
    and caller.get("project_id") == target.get("project_id"),
    "owner": lambda caller, target: caller.get("user_id") == target.get("user_id"),
    "anyone": lambda caller, target: True,
}

_READ = ("admin", "system_reader")
_DOMAIN_READ = (*_READ, "domain_reader")
_DOMAIN_WRITE = ("admin", "domain_manager")

#: rule name -> the clauses that grant it (keystone/common/policies/*.py, new defaults)
POLICIES: Mapping[str, Tuple[str, ...]] = {
    "identity:validate_token": (*_READ, "service", "owner"),
    "identity:check_token": (*_READ, "owner"),
    "identity:revoke_token": ("admin", "owner"),
    "identity:get_auth_projects": ("anyone",),
    "identity:get_auth_domains": ("anyone",),
    "identity:get_auth_system": ("anyone",),
    "identity:get_auth_catalog": ("anyone",),
    "identity:get_domain": (*_READ, "token_domain"),
    "identity:list_domains": _DOMAIN_READ,
    "identity:create_domain": ("admin",),
    "identity:update_domain": ("admin",),
    "identity:delete_domain": ("admin",),
    "identity:get_project": (*_DOMAIN_READ, "own_project"),
    "identity:list_projects": _DOMAIN_READ,
    "identity:list_user_projects": (*_DOMAIN_READ, "owner"),
    "identity:create_project": _DOMAIN_WRITE,
    "identity:update_project": _DOMAIN_WRITE,
    "identity:delete_project": _DOMAIN_WRITE,
    "identity:get_user": (*_DOMAIN_READ, "owner"),
    "identity:list_users": _DOMAIN_READ,
    "identity:create_user": _DOMAIN_WRITE,
    "identity:update_user": _DOMAIN_WRITE,
    "identity:delete_user": _DOMAIN_WRITE,
    "identity:get_group": _DOMAIN_READ,
    "identity:list_groups": _DOMAIN_READ,
    "identity:list_groups_for_user": (*_DOMAIN_READ, "owner"),
    "identity:create_group": _DOMAIN_WRITE,
    "identity:update_group": _DOMAIN_WRITE,
    "identity:delete_group": _DOMAIN_WRITE,
    "identity:list_users_in_group": _DOMAIN_READ,
    "identity:check_user_in_group": _DOMAIN_READ,
    "identity:add_user_to_group": _DOMAIN_WRITE,
    "identity:remove_user_from_group": _DOMAIN_WRITE,
    "identity:get_role": (*_READ, "domain_grant_manager"),
    "identity:list_roles": (*_READ, "domain_scoped_manager"),
    "identity:create_role": ("admin",),
    "identity:update_role": ("admin",),
    "identity:delete_role": ("admin",),
    "identity:get_implied_role": _READ,
    "identity:list_implied_roles": _READ,
    "identity:check_implied_role": _READ,
    "identity:list_role_inference_rules": _READ,
    "identity:create_implied_role": ("admin",),
    "identity:delete_implied_role": ("admin",),
    "identity:list_grants": _DOMAIN_READ,
    "identity:check_grant": _DOMAIN_READ,
    "identity:create_grant": ("admin", "domain_grant_manager"),
    "identity:revoke_grant": ("admin", "domain_grant_manager"),
    "identity:list_system_grants_for_user": _READ,
    "identity:check_system_grant_for_user": _READ,
    "identity:create_system_grant_for_user": ("admin",),
    "identity:revoke_system_grant_for_user": ("admin",),
    "identity:list_system_grants_for_group": _READ,
    "identity:check_system_grant_for_group": _READ,
    "identity:create_system_grant_for_group": ("admin",),
    "identity:revoke_system_grant_for_group": ("admin",),
    "identity:list_role_assignments": _DOMAIN_READ,
    "identity:get_application_credential": (*_READ, "owner"),
    "identity:list_application_credentials": (*_READ, "owner"),
    "identity:create_application_credential": ("owner",),
    "identity:delete_application_credential": ("admin", "owner"),
    "identity:get_service": _READ,
    "identity:list_services": _READ,
    "identity:get_endpoint": _READ,
    "identity:list_endpoints": _READ,
    "identity:get_region": ("anyone",),
    "identity:list_regions": ("anyone",),
}


def allowed(caller: Caller, rule: str, target: Optional[Target] = None) -> bool:
    """Whether ``caller`` (a token record) passes ``rule`` on ``target``."""
    return any(CLAUSES[name](caller, target or {}) for name in POLICIES[rule])


def authorize(caller: Caller, rule: str, target: Optional[Target] = None) -> None:
    """Keystone's 403 ``You are not authorized to perform the requested action: <rule>.`` on refusal."""
    if not allowed(caller, rule, target):
        raise forbidden(rule)


def _check_table() -> None:
    unknown = {name for clauses in POLICIES.values() for name in clauses} - set(CLAUSES)
    if unknown:
        raise ValueError(f"unknown policy clauses: {sorted(unknown)}")


_check_table()
