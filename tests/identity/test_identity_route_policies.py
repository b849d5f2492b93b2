"""Every identity route names a Keystone default rule that fakenova.policies.identity holds, and every target key
that rule reads is one the handlers' targets (identity_admin.access) fill in."""
from __future__ import annotations

import pytest

from fakenova.api.identity import app_creds, catalog, resources, roles, tokens, users
from fakenova.domain.identity_admin.access import TARGET_KEYS
from fakenova.domain.policy import target_keys
from fakenova.policies.identity import RULES

ROUTES = [*tokens.ROUTES, *resources.ROUTES, *users.ROUTES, *roles.ROUTES, *app_creds.ROUTES, *catalog.ROUTES]
#: routes Keystone leaves unenforced: discovery, issuing a token, changing one's own password
UNENFORCED = {("GET", ""), ("GET", "/v3"), ("POST", "/v3/auth/tokens"), ("POST", "/v3/users/<user_id>/password")}


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_route_names_a_known_rule(route):
    if (route.method, route.path) in UNENFORCED:
        assert route.policy is None and route.public
    else:
        assert route.policy in RULES
        filled = {key for keys in TARGET_KEYS.values() for key in keys} | {"target.role.domain_id"}
        assert target_keys("identity", route.policy) <= filled


@pytest.mark.parametrize("rule, check", [
    ("identity:create_user", "(rule:admin_required) or (role:manager and token.domain.id:%(target.user.domain_id)s)"),
    ("identity:validate_token", "rule:admin_required or (role:reader and system_scope:all) or rule:service_role or "
                                "rule:token_subject"),
    ("admin_required", "role:admin or is_admin:1"),
])
def test_rules_are_keystones_check_strings(rule, check):
    assert RULES[rule] == check
