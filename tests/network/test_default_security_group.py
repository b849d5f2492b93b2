"""Neutron makes a project's ``default`` security group before the project's first port or network (its
``_ensure_default_security_group`` handler on port create and update and on network create), not only when the
project first lists its groups; for another project only when an admin asks (Neutron's bug 1987410). So, as
on DevStack, demo (which owns ``private``) has its default group from the start, and alt_demo gets its own
with its first port or network."""
from __future__ import annotations

from typing import Any, Callable, Dict

import pytest
from support.server_api import IMAGE

from fakenova.domain.security_groups import group_id

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ALT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
NET = "/network/v2.0"


def _groups_of(client: Any, project: str) -> list:
    """A project's groups as an admin sees them (an admin's listing makes the admin's default, not theirs)."""
    listed = client.get(f"{NET}/security-groups?project_id={project}", headers=client.admin)
    assert listed.status_code == 200 and listed.headers["Content-Type"] == "application/json"
    return [(group["id"], group["name"]) for group in listed.get_json()["security_groups"]]


@pytest.fixture
def shared(client) -> str:
    """A shared network of the admin's project, on which alt_demo may make ports."""
    made = client.post(f"{NET}/networks", json={"network": {"name": "shared", "shared": True}},
                       headers=client.admin)
    assert made.status_code == 201
    network = made.get_json()["network"]["id"]
    subnet = client.post(f"{NET}/subnets", headers=client.admin, json={"subnet": {
        "network_id": network, "cidr": "10.9.0.0/24", "ip_version": 4}})
    assert subnet.status_code == 201
    return str(network)


def _port(client: Any, headers: Dict[str, str], network: str, **extra: Any) -> Any:
    return client.post(f"{NET}/ports", json={"port": {"network_id": network, **extra}}, headers=headers)


#: what makes alt_demo's default group, and the status it answers
TRIGGERS: Dict[str, Callable[[Any, str], Any]] = {
    "port create": lambda client, net: _port(client, client.alt, net),
    "port create by an admin for the project": lambda client, net: _port(client, client.admin, net, project_id=ALT),
    "network create": lambda client, net: client.post(f"{NET}/networks", json={"network": {"name": "n"}},
                                                      headers=client.alt),
    "server boot on a network": lambda client, net: client.post(
        "/compute/v2.1/servers", headers=client.alt,
        json={"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": net}]}}),
}
STATUS = {"port create": 201, "port create by an admin for the project": 201, "network create": 201,
          "server boot on a network": 202}


def test_demo_has_its_default_group_from_the_start_as_on_devstack(client):
    assert _groups_of(client, DEMO) == [(group_id(DEMO, "default"), "default")]


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_the_projects_first_port_or_network_makes_its_default_group(client, shared, trigger):
    assert _groups_of(client, ALT) == []
    assert TRIGGERS[trigger](client, shared).status_code == STATUS[trigger]
    default = group_id(ALT, "default")
    assert _groups_of(client, ALT) == [(default, "default")]
    shown = client.get(f"{NET}/security-groups/{default}", headers=client.alt)
    assert shown.status_code == 200
    group = shown.get_json()["security_group"]
    assert (group["description"], group["project_id"]) == ("Default security group", ALT)
    assert sorted((r["direction"], r["ethertype"]) for r in group["security_group_rules"]) == [
        ("egress", "IPv4"), ("egress", "IPv6"), ("ingress", "IPv4"), ("ingress", "IPv6")]
    listed = client.get(f"{NET}/security-groups?name=default", headers=client.alt).get_json()["security_groups"]
    assert [g["id"] for g in listed] == [default]  # the one made, not a second one on listing


def test_a_port_refused_before_the_handler_makes_no_default_group(client):
    refused = _port(client, client.alt, "00000000-0000-4000-8000-000000000000")
    assert refused.status_code == 404 and refused.get_json()["NeutronError"]["type"] == "NetworkNotFound"
    assert _groups_of(client, ALT) == []
