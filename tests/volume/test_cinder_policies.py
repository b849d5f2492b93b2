"""Every Cinder route names one of Cinder's default rules, and every action row does too."""
from __future__ import annotations

import pytest

from fakenova.api.routes import VOLUME_ROUTES
from fakenova.domain.cinder_actions import ACTIONS
from fakenova.domain.policy_language import compile_check
from fakenova.policies.volume import RULES

#: the routes Cinder guards per request body or not at all: the action dispatcher, the zone and extension listings
UNGUARDED = {("POST", "/volumes/<volume_id>/action"), ("GET", "/os-availability-zone"), ("GET", "/extensions")}


@pytest.mark.parametrize("route", VOLUME_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_route_names_a_cinder_rule(route):
    if (route.method, route.path) in UNGUARDED:
        assert route.policy is None
    else:
        # the rule is Cinder's, its check string compiles, and every rule it refers to is in Cinder's table
        assert route.policy in RULES
        assert set(compile_check(RULES[route.policy]).rule_refs()) <= set(RULES)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_rows_name_cinder_rules(name):
    assert ACTIONS[name].rule in RULES
