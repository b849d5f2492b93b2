"""Keystone's rules asked of the one evaluator: token records as credentials, handlers' flat targets as
Keystone's flattened ``target.*`` keys; each decision is what Keystone's default check string says."""
from __future__ import annotations

import pytest

from fakenova.domain import errors
from fakenova.domain.identity_admin import access
from fakenova.domain.policy import Policies

DOMAIN_MANAGER = {"user_id": "u1", "roles": ["manager"], "scope_domain_id": "d1"}
PROJECT_MEMBER = {"user_id": "u2", "roles": ["member"], "project_id": "p1", "project_domain_id": "d1"}
SYSTEM_READER = {"user_id": "u3", "roles": ["reader"], "system": True}
ADMIN = {"user_id": "u4", "roles": ["admin"], "project_id": "p0", "project_domain_id": "default"}

#: (caller, rule, handler's target, decision)
DECISIONS = [
    (DOMAIN_MANAGER, "identity:create_project", {"domain_id": "d1"}, True),
    (DOMAIN_MANAGER, "identity:create_project", {"domain_id": "d2"}, False),
    (DOMAIN_MANAGER, "identity:create_user", {"domain_id": "d1"}, True),  # token.domain.id
    (DOMAIN_MANAGER, "identity:list_roles", None, True),  # a manager on a domain (not domain_id:None)
    (PROJECT_MEMBER, "identity:list_roles", None, False),
    (DOMAIN_MANAGER, "identity:create_grant", {"domain_id": "d1", "role_name": "member"}, True),
    (DOMAIN_MANAGER, "identity:create_grant", {"domain_id": "d1", "role_name": "admin"}, False),
    (DOMAIN_MANAGER, "identity:create_grant", {"domain_id": None, "role_name": "member"}, False),
    (PROJECT_MEMBER, "identity:list_domains", {"domain_id": None}, False),  # no target domain: no match
    (PROJECT_MEMBER, "identity:get_domain", {"domain_id": "d1"}, True),  # token.project.domain.id
    (PROJECT_MEMBER, "identity:get_project", {"project_id": "p1", "domain_id": "d1"}, True),
    (PROJECT_MEMBER, "identity:get_project", {"project_id": "p2", "domain_id": "d1"}, False),
    (PROJECT_MEMBER, "identity:validate_token", {"user_id": "u2"}, True),  # the token's own subject
    (PROJECT_MEMBER, "identity:validate_token", {"user_id": "u9"}, False),
    (SYSTEM_READER, "identity:list_users", {"domain_id": None}, True),
    (SYSTEM_READER, "identity:create_user", {"domain_id": "d1"}, False),
    (ADMIN, "identity:create_domain", None, True),
    (ADMIN, "identity:get_region", None, True),
    (PROJECT_MEMBER, "identity:get_region", None, True),  # the empty rule
]


@pytest.mark.parametrize("caller, rule, target, decision", DECISIONS)
def test_keystones_defaults_decide(caller, rule, target, decision):
    assert access.allowed(Policies(), caller, rule, target) is decision


def test_an_override_replaces_keystones_default():
    policies = Policies({"identity:create_project": "!", "identity:list_users": "role:member"})
    assert access.allowed(policies, ADMIN, "identity:create_project", {"domain_id": "default"}) is False
    assert access.allowed(policies, PROJECT_MEMBER, "identity:list_users", {"domain_id": None}) is True


def test_a_refusal_is_keystones_forbidden_action():
    with pytest.raises(errors.IdentityError) as raised:
        access.authorize(Policies(), PROJECT_MEMBER, "identity:create_domain")
    assert (raised.value.code, raised.value.title, str(raised.value)) == (
        403, "Forbidden", "You are not authorized to perform the requested action: identity:create_domain.")
