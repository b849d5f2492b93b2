"""Neutron's quotas on every resource it counts: the 409 OverQuota past the limit (a bulk create counted as a
whole), unlimited -1, a lowered limit, ``/details`` usage, configured defaults, and the port quota of a Nova
boot (403 ``Maximum number of ports exceeded``, nothing left behind)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict

import pytest
from support.apps import fresh_app
from support.tokens import auth_headers

from fakenova.domain import network_quotas
from fakenova.settings import Settings, parse_setting

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
N = "/network/v2.0"
QUOTAS = f"{N}/quotas/{DEMO}"

Setup = Callable[[Any], Dict[str, Any]]


def _own_network(client) -> Dict[str, Any]:
    made = client.post(f"{N}/networks", json={"network": {"name": "quota-net"}}, headers=client.demo)
    assert made.status_code == 201
    return {"network_id": made.get_json()["network"]["id"]}


def _own_group(client) -> Dict[str, Any]:
    made = client.post(f"{N}/security-groups", json={"security_group": {"name": "quota-sg"}}, headers=client.demo)
    assert made.status_code == 201
    return {"security_group_id": made.get_json()["security_group"]["id"]}


def _nothing(client) -> Dict[str, Any]:
    return {}


def _groups_listed(client) -> Dict[str, Any]:
    """A project's default group exists once it looks at its groups (and counts in its usage)."""
    assert client.get(f"{N}/security-groups", headers=client.demo).status_code == 200
    return {}


@dataclass(frozen=True)
class Counted:
    """One resource Neutron counts: its collection, what it needs made first, and its n-th create body."""

    resource: str
    plural: str
    setup: Setup
    item: Callable[[Dict[str, Any], int], Dict[str, Any]]
    bulk: bool = True

    def body(self, given: Dict[str, Any], index: int) -> Dict[str, Any]:
        return {self.resource: self.item(given, index)}

    @property
    def collection(self) -> str:
        """The key of a bulk body (``security-groups`` is ``security_groups``)."""
        return self.plural.replace("-", "_")

    def bulk_body(self, given: Dict[str, Any], indexes: range) -> Dict[str, Any]:
        return {self.collection: [self.item(given, index) for index in indexes]}


#: every resource with a quota in Neutron's table that fakenova can create (rbac_policy has no API here)
COUNTED = (
    Counted("network", "networks", _nothing, lambda given, i: {"name": f"n{i}"}),
    Counted("subnet", "subnets", _own_network,
            lambda given, i: {**given, "ip_version": 4, "cidr": f"10.60.{i}.0/24"}),
    Counted("port", "ports", _own_network, lambda given, i: {**given, "name": f"p{i}"}),
    Counted("router", "routers", _nothing, lambda given, i: {"name": f"r{i}"}),
    Counted("floatingip", "floatingips", _nothing, lambda given, i: {"floating_network_id": PUBLIC}, bulk=False),
    Counted("security_group", "security-groups", _groups_listed, lambda given, i: {"name": f"g{i}"}),
    Counted("security_group_rule", "security-group-rules", _own_group,
            lambda given, i: {**given, "direction": "ingress", "protocol": "tcp", "ethertype": "IPv4",
                              "port_range_min": 1000 + i, "port_range_max": 1000 + i}),
    Counted("subnetpool", "subnetpools", _nothing,
            lambda given, i: {"name": f"pool{i}", "prefixes": [f"10.{100 + i}.0.0/16"]}),
)
BY_NAME = {counted.resource: counted for counted in COUNTED}
IDS = [counted.resource for counted in COUNTED]


def over_quota(resource: str) -> Dict[str, Any]:
    """Neutron's body for ``OverQuota`` (neutron-lib's ``Quota exceeded for resources: %(overs)s.``)."""
    return {"NeutronError": {"type": "OverQuota", "message": f"Quota exceeded for resources: ['{resource}'].",
                             "detail": ""}}


def _details(client) -> Dict[str, Dict[str, int]]:
    answer = client.get(f"{QUOTAS}/details", headers=client.demo)
    assert answer.status_code == 200
    return answer.get_json()["quota"]


def _limit(client, force: bool = False, **limits: int) -> None:
    answer = client.put(QUOTAS, json={"quota": {**limits, **({"force": True} if force else {})}},
                        headers=client.admin)
    assert answer.status_code == 200, answer.get_json()
    for name, value in limits.items():
        assert answer.get_json()["quota"][name] == value


def _create(client, counted: Counted, given: Dict[str, Any], index: int):
    return client.post(f"{N}/{counted.plural}", json=counted.body(given, index), headers=client.demo)


def test_every_quota_resource_is_in_the_table():
    assert set(BY_NAME) | {"rbac_policy"} == set(network_quotas.DEFAULTS)


@pytest.mark.parametrize("counted", COUNTED, ids=IDS)
def test_a_create_at_the_limit_is_over_quota(client, counted):
    given = counted.setup(client)
    used = _details(client)[counted.resource]["used"]
    _limit(client, **{counted.resource: used + 1})
    made = _create(client, counted, given, 1)
    assert made.status_code == 201, made.get_json()
    refused = _create(client, counted, given, 2)
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.get_json() == over_quota(counted.resource)
    assert _details(client)[counted.resource] == {"limit": used + 1, "used": used + 1, "reserved": 0}


@pytest.mark.parametrize("counted", COUNTED, ids=IDS)
def test_unlimited_is_minus_one(client, counted):
    given = counted.setup(client)
    _limit(client, **{counted.resource: _details(client)[counted.resource]["used"]})
    assert _create(client, counted, given, 1).status_code == 409
    _limit(client, **{counted.resource: -1})
    for index in range(1, 4):
        made = _create(client, counted, given, index)
        assert made.status_code == 201, made.get_json()
    assert _details(client)[counted.resource]["limit"] == -1


@pytest.mark.parametrize("counted", COUNTED, ids=IDS)
def test_a_lowered_limit_refuses_the_next_create(client, counted):
    given = counted.setup(client)
    for index in range(1, 3):
        assert _create(client, counted, given, index).status_code == 201
    used = _details(client)[counted.resource]["used"]
    _limit(client, **{counted.resource: used})  # exactly what is used: allowed, and full
    refused = _create(client, counted, given, 3)
    assert refused.status_code == 409 and refused.get_json() == over_quota(counted.resource)
    below = client.put(QUOTAS, json={"quota": {counted.resource: used - 1}}, headers=client.admin)
    assert below.status_code == 400
    assert below.get_json()["NeutronError"]["message"] == (
        f"Quota limit {used - 1} for {counted.resource} must be greater than or equal to already used {used}")


@pytest.mark.parametrize("counted", COUNTED, ids=IDS)
def test_details_count_each_create_and_delete(client, counted):
    given = counted.setup(client)
    before = _details(client)[counted.resource]
    made = _create(client, counted, given, 1)
    assert made.status_code == 201
    after = _details(client)[counted.resource]
    assert after == {**before, "used": before["used"] + 1}
    gone = client.delete(f"{N}/{counted.plural}/{made.get_json()[counted.resource]['id']}", headers=client.demo)
    assert gone.status_code == 204
    assert _details(client)[counted.resource] == before


@pytest.mark.parametrize("counted", [c for c in COUNTED if c.bulk], ids=[c.resource for c in COUNTED if c.bulk])
def test_a_bulk_create_counts_its_whole_batch(client, counted):
    given = counted.setup(client)
    used = _details(client)[counted.resource]["used"]
    _limit(client, **{counted.resource: used + 2})
    refused = client.post(f"{N}/{counted.plural}", json=counted.bulk_body(given, range(1, 4)), headers=client.demo)
    assert refused.status_code == 409 and refused.get_json() == over_quota(counted.resource)
    assert _details(client)[counted.resource]["used"] == used  # all or nothing
    made = client.post(f"{N}/{counted.plural}", json=counted.bulk_body(given, range(1, 3)), headers=client.demo)
    assert made.status_code == 201 and len(made.get_json()[counted.collection]) == 2
    assert _details(client)[counted.resource]["used"] == used + 2


def test_quota_comes_before_the_plugins_own_checks(client):
    """Neutron's API layer reserves before the plugin runs: an over-quota port on a missing network is 409."""
    _limit(client, force=True, port=0)
    refused = client.post(f"{N}/ports", json={"port": {"network_id": PRIVATE, "fixed_ips": [
        {"subnet_id": "00000000-0000-4000-8000-000000000000"}]}}, headers=client.demo)
    assert refused.status_code == 409 and refused.get_json() == over_quota("port")


def test_another_projects_limit_is_its_own(client):
    _limit(client, network=1)  # demo already has the private network
    refused = client.post(f"{N}/networks", json={"network": {"name": "x"}}, headers=client.demo)
    assert refused.status_code == 409 and refused.get_json() == over_quota("network")
    assert client.post(f"{N}/networks", json={"network": {"name": "x"}}, headers=client.alt).status_code == 201


def test_reset_quota_goes_back_to_the_defaults(client):
    _limit(client, network=1)
    assert client.delete(QUOTAS, headers=client.admin).status_code == 204
    made = client.post(f"{N}/networks", json={"network": {"name": "x"}}, headers=client.demo)
    assert made.status_code == 201
    assert _details(client)["network"] == {"limit": 100, "used": 2, "reserved": 0}


# --- configured defaults: --network-quota / FAKENOVA_NETWORK_QUOTA --------------------------------------------


def test_network_quota_setting_parses_neutron_resources():
    assert parse_setting("network_quota", "port=-1, network=200") == {"port": -1, "network": 200}
    assert Settings.from_env({"FAKENOVA_NETWORK_QUOTA": "port=-1"}).network_quota == {"port": -1}
    with pytest.raises(ValueError, match="unknown quota 'instances'"):
        parse_setting("network_quota", "instances=3")
    with pytest.raises(ValueError, match="must be an integer from -1"):
        Settings(network_quota={"port": -2})


def test_configured_defaults_are_the_defaults():
    app = fresh_app(network_quota={"port": 2, "network": -1})
    client = app.test_client()
    demo, admin = auth_headers(app), auth_headers(app, "admin", "admin")
    defaults = client.get(f"{QUOTAS}/default", headers=demo)
    assert defaults.status_code == 200
    assert defaults.get_json()["quota"] == {**network_quotas.DEFAULTS, "port": 2, "network": -1}
    shown = client.get(QUOTAS, headers=demo).get_json()["quota"]
    assert (shown["port"], shown["network"], shown["subnet"]) == (2, -1, 100)
    used = client.get(f"{QUOTAS}/details", headers=admin).get_json()["quota"]["port"]["used"]
    answers = [client.post(f"{N}/ports", json={"port": {"network_id": PRIVATE}}, headers=demo).status_code
               for _ in range(3 - used)]
    assert answers == [201] * (2 - used) + [409]


def test_the_port_bench_can_make_more_than_the_default_port_quota():
    """bench/port_bench.py fills 10 000 ports with ``--network-quota port=-1``: unlimited counts nothing."""
    app = fresh_app(network_quota={"port": -1})
    client = app.test_client()
    demo = auth_headers(app)
    client.demo = demo
    network = _own_network(client)["network_id"]  # no subnet: ports without addresses, as the bench makes
    body = {"ports": [{"network_id": network, "device_id": f"device-{i}"} for i in range(510)]}
    made = client.post(f"{N}/ports", json=body, headers=demo)
    assert made.status_code == 201 and len(made.get_json()["ports"]) == 510


ALT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"


def test_an_admin_creating_for_another_project_counts_against_that_project(client):
    """neutron-tempest-plugin's admin quota tests: the body's ``project_id`` is the project counted."""
    assert client.put(f"{N}/quotas/{ALT}", json={"quota": {"network": 1, "port": 2}},
                      headers=client.admin).status_code == 200
    made = client.post(f"{N}/networks", json={"network": {"project_id": ALT}}, headers=client.admin)
    assert made.status_code == 201
    network = made.get_json()["network"]["id"]
    refused = client.post(f"{N}/networks", json={"network": {"project_id": ALT}}, headers=client.admin)
    assert refused.status_code == 409 and refused.get_json() == over_quota("network")
    port = {"port": {"network_id": network, "project_id": ALT}}
    assert client.post(f"{N}/ports", json=port, headers=client.admin).status_code == 201
    details = client.get(f"{N}/quotas/{ALT}/details", headers=client.admin).get_json()["quota"]
    assert (details["network"], details["port"]) == ({"limit": 1, "used": 1, "reserved": 0},
                                                     {"limit": 2, "used": 1, "reserved": 0})
    assert client.get(QUOTAS, headers=client.demo).get_json()["quota"]["network"] == 100  # demo's own untouched
