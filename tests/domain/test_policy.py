"""The evaluator over the tables: Nova's defaults per persona, implied roles, overrides refused or applied."""
from __future__ import annotations

import re

import pytest

from fakenova.domain.context import Identity, RequestContext
from fakenova.domain.policy import Policies, PolicyError, allowed, authorize, check_overrides, tables
from fakenova.domain.policy_language import compile_check
from fakenova.policies import compute

#: each persona's roles as Keystone assigns them (a token then carries the implied ones too)
PERSONAS = {"reader": ("reader",), "member": ("member",), "manager": ("manager",), "admin": ("admin",),
            "service": ("service",)}
#: Nova's base rules and who passes them on their own project (nova/policies/base.py)
WHO = {
    "project_reader_or_admin": {"reader", "member", "manager", "admin"},
    "project_member_or_admin": {"member", "manager", "admin"},
    "project_manager_or_admin": {"manager", "admin"},
    "context_is_admin": {"admin"},
    "service_or_admin": {"service", "admin"},
}
BASE = ("context_is_admin", "admin_or_owner", "admin_api", "project_reader_api", "project_member_api",
        "project_manager_api", "service_api", "project_reader_or_admin", "project_member_or_admin",
        "project_manager_or_admin", "service_or_admin")


def ctx(persona: str, project: str = "p") -> RequestContext:
    return RequestContext(Identity("u-" + persona, persona, project, project, roles=PERSONAS[persona]))


def test_novas_base_rules_are_in_the_table():
    assert set(BASE) <= set(compute.RULES)
    assert compute.RULES["project_member_api"] == "role:member and project_id:%(project_id)s"
    assert compute.RULES["context_is_admin"] == "role:admin"


@pytest.mark.parametrize("service", sorted(tables()))
def test_every_default_compiles_and_refers_to_rules_of_its_own_table(service):
    rules = tables()[service][0]
    for name, text in rules.items():
        for ref in compile_check(text).rule_refs():
            assert ref in rules, f"{service} {name}: rule:{ref} is not in the table"


@pytest.mark.parametrize("base, who", WHO.items())
@pytest.mark.parametrize("persona", PERSONAS)
def test_personas_pass_the_base_rules_as_nova_says(base, who, persona):
    assert allowed(ctx(persona), base, service="compute") is (persona in who)


@pytest.mark.parametrize("rule", [rule for rule, text in compute.RULES.items() if text.startswith("rule:project")])
def test_project_rules_hold_only_on_the_callers_project(rule):
    other = {"project_id": "elsewhere", "user_id": "x"}
    assert not allowed(ctx("member"), rule, other) and not allowed(ctx("manager"), rule, other)
    assert allowed(ctx("admin"), rule, other)


def test_keypairs_belong_to_their_user_unless_admin():
    rule = "os_compute_api:os-keypairs:show"
    assert allowed(ctx("member"), rule, {"user_id": "u-member"})
    assert not allowed(ctx("member"), rule, {"user_id": "someone"})
    assert allowed(ctx("admin"), rule, {"user_id": "someone"})


def test_a_refusal_is_novas_forbidden():
    with pytest.raises(Exception) as refused:
        authorize(ctx("reader"), "os_compute_api:servers:delete")
    assert (refused.value.code, refused.value.message) == (
        403, "Policy doesn't allow os_compute_api:servers:delete to be performed.")


def test_overrides_replace_defaults_and_helper_rules_may_join():
    policies = Policies({"os_compute_api:servers:delete": "rule:only_admins", "only_admins": "role:admin"})
    member = ctx("member")
    assert not policies.allowed(member, "os_compute_api:servers:delete")
    assert policies.allowed(ctx("admin"), "os_compute_api:servers:delete")
    assert policies.allowed(member, "os_compute_api:servers:update")  # the rest keep their defaults


def test_is_admin_follows_context_is_admin():
    policies = Policies({"context_is_admin": "role:manager"})
    assert policies.allowed(ctx("manager"), "admin_api", service="compute")  # is_admin:True
    assert not policies.allowed(ctx("member"), "admin_api", service="compute")


@pytest.mark.parametrize("overrides, message", [
    ({"os_compute_api:servers:delet": "role:admin"}, "unknown policy rule 'os_compute_api:servers:delet'"),
    ({"os_compute_api:servers:delete": "role:admin or"}, "policy rule 'os_compute_api:servers:delete': cannot"),
    ({"os_compute_api:servers:delete": 3}, "the check string must be a string"),
    ({"os_compute_api:servers:delete": "rule:os_compute_api:servers:delete"}, "refers to itself"),
    (["role:admin"], "maps rule names to check strings"),
])
def test_bad_overrides_are_refused_with_a_clear_message(overrides, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        check_overrides(overrides)


def test_evaluation_costs_microseconds():
    import time

    policies, member = Policies(), ctx("member")
    policies.allowed(member, "os_compute_api:servers:show")
    start = time.perf_counter()
    for _ in range(2000):
        policies.allowed(member, "os_compute_api:servers:show")
    assert (time.perf_counter() - start) / 2000 < 200e-6  # measured ~5 us; generous for a loaded box


def test_the_target_keys_a_rule_reads_decide_whether_a_route_can_check_it_centrally():
    from fakenova.domain.policy import CALLER_TARGET, target_keys
    from fakenova.domain.policy_language import compile_check as parse

    assert all(target_keys("compute", rule) <= CALLER_TARGET for rule in compute.RULES)
    assert sorted(parse("role:x and (project_id:%(owner)s or 'public':%(visibility)s)").target_keys()) == [
        "owner", "visibility"]
