"""The placement policy of a server group as a pure function: hard policies filter, soft ones order."""
from __future__ import annotations

import pytest

from fakenova.domain.server_groups import GroupPolicy, allowed_hosts, members_hosts, place

HOSTS = ["h1", "h2", "h3"]


def group(policy: str, **rules: int) -> dict:
    return {"policy": policy, "rules": rules}


@pytest.mark.parametrize("policy, members, expected", [
    ("affinity", {}, HOSTS),
    ("affinity", {"h2": 1}, ["h2"]),
    ("affinity", {"h9": 2}, []),  # the members' host is not a candidate
    ("anti-affinity", {}, HOSTS),
    ("anti-affinity", {"h1": 1, "h3": 1}, ["h2"]),
    ("anti-affinity", {"h1": 1, "h2": 1, "h3": 1}, []),
    ("soft-affinity", {"h3": 2, "h2": 1}, ["h3", "h2", "h1"]),
    ("soft-anti-affinity", {"h1": 2, "h2": 1}, ["h3", "h2", "h1"]),
    ("soft-anti-affinity", {"h1": 0}, HOSTS),  # ties keep the candidates' order
])
def test_allowed_hosts(policy, members, expected):
    assert allowed_hosts(group(policy), members, HOSTS) == expected


def test_max_server_per_host():
    assert allowed_hosts(group("anti-affinity", max_server_per_host=2), {"h1": 1, "h2": 2}, HOSTS) == ["h1", "h3"]


def test_every_policy_answers():
    for policy in GroupPolicy:
        assert allowed_hosts(group(policy.value), {}, ["h1"]) == ["h1"]


def test_members_hosts_ignores_members_without_a_host():
    assert members_hosts(["h1", None, "h1", "h2", ""]) == {"h1": 2, "h2": 1}


@pytest.mark.parametrize("policy, count, expected", [
    ("anti-affinity", 2, ("h1", "h2")),
    ("anti-affinity", 4, None),
    ("affinity", 3, ("h1", "h1", "h1")),
    ("soft-anti-affinity", 4, ("h1", "h2", "h3", "h1")),
])
def test_place_members_one_after_another(policy, count, expected):
    assert place(group(policy), {}, HOSTS, count) == expected
