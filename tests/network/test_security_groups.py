"""Neutron's security groups and rules: the default group, CRUD, Neutron's rule checks and conflicts, and the
one copy of the records that Nova's proxy and server actions read too."""
from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from support.neutron import neutron_error

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
SG, RULES = "/network/v2.0/security-groups", "/network/v2.0/security-group-rules"


def _group(client, name: str = "web") -> Dict[str, Any]:
    response = client.post(SG, json={"security_group": {"name": name, "description": "d"}}, headers=client.demo)
    assert response.status_code == 201
    return response.get_json()["security_group"]


def _rule(client, headers: Optional[Dict[str, str]] = None, **rule: Any):
    return client.post(RULES, json={"security_group_rule": rule}, headers=headers or client.demo)


def test_the_default_group_is_made_on_first_use_with_neutrons_rules(client):
    listed = client.get(SG, headers=client.demo)
    assert listed.status_code == 200
    (group,) = listed.get_json()["security_groups"]
    assert (group["name"], group["description"], group["project_id"]) == ("default", "Default security group", DEMO)
    rules = sorted((r["direction"], r["ethertype"], r["remote_group_id"]) for r in group["security_group_rules"])
    assert rules == [("egress", "IPv4", None), ("egress", "IPv6", None),
                     ("ingress", "IPv4", group["id"]), ("ingress", "IPv6", group["id"])]
    assert all(r["belongs_to_default_sg"] for r in group["security_group_rules"])
    again = client.get(SG, headers=client.demo).get_json()["security_groups"]
    assert again == [group]  # same ids and timestamps: made once


def test_a_new_group_gets_egress_rules_only_and_crud_works(client):
    group = _group(client)
    assert sorted((r["direction"], r["ethertype"]) for r in group["security_group_rules"]) == [
        ("egress", "IPv4"), ("egress", "IPv6")]
    assert group["stateful"] is True and group["shared"] is False and group["revision_number"] == 1
    shown = client.get(f"{SG}/{group['id']}", headers=client.demo)
    assert shown.status_code == 200 and shown.get_json()["security_group"] == group
    updated = client.put(f"{SG}/{group['id']}", json={"security_group": {"name": "www"}}, headers=client.demo)
    assert updated.status_code == 200 and updated.get_json()["security_group"]["name"] == "www"
    assert client.get(f"{SG}/{group['id']}", headers=client.alt).status_code == 404
    assert client.delete(f"{SG}/{group['id']}", headers=client.demo).status_code == 204
    gone = client.get(f"{SG}/{group['id']}", headers=client.demo)
    assert gone.status_code == 404
    assert neutron_error(gone) == ("SecurityGroupNotFound", f"Security group {group['id']} does not exist")


def test_the_default_group_keeps_its_name_and_place(client):
    default = client.get(SG, headers=client.demo).get_json()["security_groups"][0]
    renamed = client.put(f"{SG}/{default['id']}", json={"security_group": {"name": "x"}}, headers=client.demo)
    assert renamed.status_code == 409
    assert neutron_error(renamed) == (
        "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.")
    removed = client.delete(f"{SG}/{default['id']}", headers=client.demo)
    assert removed.status_code == 409
    assert neutron_error(removed) == ("SecurityGroupCannotRemoveDefault",
                               "Insufficient rights for removing default security group.")
    named = client.post(SG, json={"security_group": {"name": "Default"}}, headers=client.demo)
    assert named.status_code == 409
    assert neutron_error(named) == ("SecurityGroupDefaultAlreadyExists", "Default security group already exists.")


RULE_ERRORS = [
    ({"protocol": "tcp", "port_range_min": 23, "port_range_max": 22}, 400, "SecurityGroupInvalidPortRange",
     "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    ({"protocol": "tcp", "port_range_min": 0, "port_range_max": 22}, 400, "SecurityGroupInvalidPortValue",
     "Invalid value for port 0"),
    ({"protocol": "udp", "port_range_min": 1, "port_range_max": 70000}, 400, "SecurityGroupInvalidPortValue",
     "Invalid value for port 70000"),
    ({"port_range_min": 22, "port_range_max": 22}, 400, "SecurityGroupProtocolRequiredWithPorts",
     "Must also specify protocol if port range is given."),
    ({"protocol": "gre", "port_range_min": 1, "port_range_max": 2}, 400, "SecurityGroupInvalidProtocolForPort",
     "Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE."),
    ({"protocol": "icmp", "port_range_min": 256}, 400, "SecurityGroupInvalidIcmpValue",
     "Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255."),
    ({"protocol": "icmp", "port_range_max": 3}, 400, "SecurityGroupMissingIcmpType",
     "ICMP code (port-range-max) 3 is provided but ICMP type (port-range-min) is missing."),
    ({"protocol": "ipv6-icmp"}, 400, "SecurityGroupEthertypeConflictWithProtocol",
     "Invalid ethertype IPv4 for protocol ipv6-icmp."),
    ({"remote_ip_prefix": "2001:db8::/64"}, 400, "SecurityGroupRuleParameterConflict",
     "Conflicting value ethertype IPv4 for CIDR 2001:db8::/64"),
    ({"remote_ip_prefix": "not-a-cidr"}, 400, "InvalidCIDR", "Invalid CIDR not-a-cidr given as IP prefix."),
    ({"ethertype": "IPv5"}, 400, "SecurityGroupRuleInvalidEtherType",
     "Security group rule for ethertype 'IPv5' not supported. Allowed values are ['IPv4', 'IPv6']."),
    ({"protocol": 256}, 400, "SecurityGroupRuleInvalidProtocol", None),
    ({"direction": "sideways"}, 400, "HTTPBadRequest", None),
    ({"remote_ip_prefix": "10.0.0.0/8", "remote_group_id": "SELF"}, 400, "SecurityGroupMultipleRemoteEntites",
     "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided."),
    ({"remote_group_id": "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"}, 404, "SecurityGroupNotFound",
     "Security group 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a does not exist"),
]


@pytest.mark.parametrize("given, code, kind, message", RULE_ERRORS)
def test_rule_errors(client, given, code, kind, message):
    group = _group(client)
    body = {"security_group_id": group["id"], "direction": "ingress", **given}
    if body.get("remote_group_id") == "SELF":
        body["remote_group_id"] = group["id"]
    response = _rule(client, **body)
    assert response.status_code == code
    assert neutron_error(response)[0] == kind
    if message:
        assert neutron_error(response)[1] == message
    after = client.get(f"{SG}/{group['id']}", headers=client.demo).get_json()["security_group"]
    assert len(after["security_group_rules"]) == 2  # nothing stored


@pytest.mark.parametrize("first, second", [
    ({"protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
     {"protocol": "6", "port_range_min": 22, "port_range_max": 22}),
    ({"protocol": "tcp", "remote_ip_prefix": "0.0.0.0/0"}, {"protocol": "TCP"}),
    ({"protocol": "tcp", "port_range_min": 1, "port_range_max": 65535}, {"protocol": "tcp"}),
])
def test_the_same_rule_twice_is_a_conflict(client, first, second):
    group = _group(client)
    made = _rule(client, security_group_id=group["id"], direction="ingress", **first)
    assert made.status_code == 201
    rule = made.get_json()["security_group_rule"]
    again = _rule(client, security_group_id=group["id"], direction="ingress", **second)
    assert again.status_code == 409
    assert neutron_error(again) == ("SecurityGroupRuleExists",
                             f"Security group rule already exists. Rule id is {rule['id']}.")


def test_rule_shapes_and_delete(client):
    group = _group(client)
    made = _rule(client, security_group_id=group["id"], direction="ingress", protocol="icmp",
                 remote_ip_prefix="10.1.2.3", ethertype="ipv4")
    assert made.status_code == 201
    rule = made.get_json()["security_group_rule"]
    assert (rule["remote_ip_prefix"], rule["normalized_cidr"], rule["ethertype"]) == (
        "10.1.2.3/32", "10.1.2.3/32", "IPv4")
    assert rule["belongs_to_default_sg"] is False and rule["project_id"] == DEMO
    assert client.get(f"{RULES}/{rule['id']}", headers=client.alt).status_code == 404
    assert client.delete(f"{RULES}/{rule['id']}", headers=client.demo).status_code == 204
    gone = client.get(f"{RULES}/{rule['id']}", headers=client.demo)
    assert gone.status_code == 404
    assert neutron_error(gone) == ("SecurityGroupRuleNotFound", f"Security group rule {rule['id']} does not exist")


def test_a_group_a_server_uses_cannot_be_deleted(client):
    group = _group(client)
    body = {"server": {"name": "vm", "imageRef": "fa3a8e46-62c8-4b9c-a31a-1e4b3f3a3f01", "flavorRef": "1",
                       "security_groups": [{"name": group["id"]}]}}
    images = client.get("/image/v2/images", headers=client.demo).get_json()["images"]
    body["server"]["imageRef"] = images[0]["id"]
    assert client.post("/compute/v2.1/servers", json=body, headers=client.demo).status_code == 202
    refused = client.delete(f"{SG}/{group['id']}", headers=client.demo)
    assert refused.status_code == 409
    assert neutron_error(refused) == ("SecurityGroupInUse", f"Security Group {group['id']} in use.")


def test_nova_proxy_and_neutron_share_the_records(client):
    group = _group(client)
    nova = client.get(f"/compute/v2.1/os-security-groups/{group['id']}", headers=client.demo)
    assert nova.status_code == 200 and nova.get_json()["security_group"]["rules"] == []  # egress is hidden
    added = client.post("/compute/v2.1/os-security-group-rules", headers=client.demo, json={
        "security_group_rule": {"parent_group_id": group["id"], "ip_protocol": "tcp", "from_port": 80,
                                "to_port": 80, "cidr": "10.0.0.0/8"}})
    assert added.status_code == 200
    rules = client.get(f"{SG}/{group['id']}", headers=client.demo).get_json()["security_group"][
        "security_group_rules"]
    (ingress,) = [r for r in rules if r["direction"] == "ingress"]
    assert (ingress["protocol"], ingress["port_range_min"], ingress["port_range_max"],
            ingress["remote_ip_prefix"]) == ("tcp", 80, 80, "10.0.0.0/8")
    assert ingress["id"] == added.get_json()["security_group_rule"]["id"]


def test_security_group_quota(client):
    limited = client.put(f"/network/v2.0/quotas/{DEMO}", json={"quota": {"security_group": 2}},
                         headers=client.admin)
    assert limited.status_code == 200 and limited.get_json()["quota"]["security_group"] == 2
    _group(client, "one")  # the default group counts too
    over = client.post(SG, json={"security_group": {"name": "two"}}, headers=client.demo)
    assert over.status_code == 409
    assert neutron_error(over) == ("OverQuota", "Quota exceeded for resources: ['security_group'].")


def test_a_deleted_servers_port_no_longer_holds_its_groups(client):
    """Nova deletes the ports it made with the server, so the groups they named are free again (tempest's
    credential cleanup deletes each project's default group after its servers)."""
    group = _group(client)
    image = client.get("/image/v2/images", headers=client.demo).get_json()["images"][0]["id"]
    body = {"server": {"name": "vm", "imageRef": image, "flavorRef": "1",
                       "security_groups": [{"name": "default"}, {"name": group["id"]}]}}
    made = client.post("/compute/v2.1/servers", json=body, headers=client.demo)
    assert made.status_code == 202
    server = f"/compute/v2.1/servers/{made.get_json()['server']['id']}"
    default = client.get(f"{SG}?name=default", headers=client.demo).get_json()["security_groups"][0]
    refused = client.delete(f"{SG}/{default['id']}", headers=client.admin)
    assert refused.status_code == 409
    assert neutron_error(refused) == ("SecurityGroupInUse", f"Security Group {default['id']} in use.")
    assert client.delete(server, headers=client.demo).status_code == 204
    assert client.get(server, headers=client.demo).status_code == 404
    assert client.delete(f"{SG}/{group['id']}", headers=client.demo).status_code == 204
    assert client.delete(f"{SG}/{default['id']}", headers=client.admin).status_code == 204


def test_port_usage_counts_each_server_nic_once_and_not_after_the_server(client):
    """Every NIC is a stored port: a server's port counts once while it lives, and none once it is gone."""
    details = f"/network/v2.0/quotas/{DEMO}/details"

    def used() -> int:
        answer = client.get(details, headers=client.admin)
        assert answer.status_code == 200
        return answer.get_json()["quota"]["port"]["used"]

    before = used()
    image = client.get("/image/v2/images", headers=client.demo).get_json()["images"][0]["id"]
    made = client.post("/compute/v2.1/servers", headers=client.demo, json={
        "server": {"name": "vm", "imageRef": image, "flavorRef": "1"}})
    assert made.status_code == 202
    assert used() == before + 1
    server = f"/compute/v2.1/servers/{made.get_json()['server']['id']}"
    assert client.delete(server, headers=client.demo).status_code == 204
    assert client.get(server, headers=client.demo).status_code == 404
    assert used() == before
