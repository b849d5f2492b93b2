"""Nova's deprecated security group proxy (``os-security-groups``, ``os-security-group-rules``), 2.1 to 2.35:
the same records server create, ``addSecurityGroup`` and ``/servers/{id}/os-security-groups`` use."""
from __future__ import annotations

import pytest
from support.server_api import IMAGE, MISSING, PRIVATE, Api, fault

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"


def _create(api: Api, name: str = "web", description: str = "web servers", version: str = "2.1"):
    return api("POST", "/os-security-groups", {"security_group": {"name": name, "description": description}},
               version=version)


def _rule(api: Api, **rule):
    return api("POST", "/os-security-group-rules", {"security_group_rule": rule})


def test_the_default_group_is_listed_with_its_rules(demo):
    (group,) = demo("GET", "/os-security-groups").json["security_groups"]
    assert group["name"] == "default" and group["tenant_id"] == DEMO and group["description"]
    assert [rule["group"] for rule in group["rules"]] == [{"name": "default", "tenant_id": DEMO}] * 2


def test_create_show_update_delete(demo):
    made = _create(demo)
    assert made.status_code == 200
    group = made.json["security_group"]
    assert group["name"] == "web" and group["rules"] == [] and group["tenant_id"] == DEMO
    assert demo("GET", f"/os-security-groups/{group['id']}").json["security_group"] == group
    names = [g["name"] for g in demo("GET", "/os-security-groups").json["security_groups"]]
    assert names == ["default", "web"]
    updated = demo("PUT", f"/os-security-groups/{group['id']}",
                   {"security_group": {"name": "www", "description": "d"}}).json["security_group"]
    assert (updated["name"], updated["description"]) == ("www", "d")
    assert demo("DELETE", f"/os-security-groups/{group['id']}").status_code == 202
    gone = demo("GET", f"/os-security-groups/{group['id']}")
    assert gone.status_code == 404 and fault(gone) == f"Security group {group['id']} does not exist"


@pytest.mark.parametrize("version, code", [("2.35", 200), ("2.36", 404)])
def test_the_proxy_ends_at_2_35(demo, version, code):
    assert demo("GET", "/os-security-groups", version=version).status_code == code
    assert _create(demo, version=version).status_code == code


def test_errors(demo):
    bad = demo("GET", "/os-security-groups/not-a-uuid")
    assert bad.status_code == 400 and fault(bad) == "Security group id should be uuid"
    assert demo("DELETE", f"/os-security-groups/{MISSING}").status_code == 404
    default_id = demo("GET", "/os-security-groups").json["security_groups"][0]["id"]
    refused = demo("DELETE", f"/os-security-groups/{default_id}")
    assert refused.status_code == 400 and fault(refused) == "Insufficient rights for removing default security group."
    assert _create(demo, name="default").status_code == 403
    assert demo("POST", "/os-security-groups", {"security_group": {"name": "x"}}).status_code == 400


def test_members_of_another_project_do_not_see_the_group(app, demo):
    group_id = _create(demo).json["security_group"]["id"]
    other = Api(app, "alt_demo", "alt_demo")
    assert other("GET", f"/os-security-groups/{group_id}").status_code == 404
    assert [g["name"] for g in other("GET", "/os-security-groups").json["security_groups"]] == ["default"]
    admin = Api(app, "admin", "admin")
    assert admin("GET", f"/os-security-groups/{group_id}").status_code == 200
    everyone = admin("GET", "/os-security-groups?all_tenants=1").json["security_groups"]
    assert {g["tenant_id"] for g in everyone} >= {DEMO} and "web" in [g["name"] for g in everyone]


def test_readers_may_list_but_not_create(app):
    app.extensions["fakenova"].store.put("assignment", f"0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c:{DEMO}", ["reader"])
    reader = Api(app, "demo", "demo")
    assert reader("GET", "/os-security-groups").status_code == 200
    refused = _create(reader)
    assert refused.status_code == 403
    assert fault(refused) == "Policy doesn't allow os_compute_api:os-security-groups:create to be performed."


def test_rules_create_and_delete(demo):
    group_id = _create(demo).json["security_group"]["id"]
    cidr = _rule(demo, parent_group_id=group_id, ip_protocol="tcp", from_port=22, to_port=22, cidr="10.0.0.0/8")
    assert cidr.status_code == 200
    rule = cidr.json["security_group_rule"]
    assert rule["ip_range"] == {"cidr": "10.0.0.0/8"} and rule["group"] == {} and rule["from_port"] == 22
    default_id = demo("GET", "/os-security-groups").json["security_groups"][0]["id"]
    from_group = _rule(demo, parent_group_id=group_id, ip_protocol="icmp", group_id=default_id)
    assert from_group.json["security_group_rule"]["group"] == {"name": "default", "tenant_id": DEMO}
    assert from_group.json["security_group_rule"]["from_port"] == -1
    again = _rule(demo, parent_group_id=group_id, ip_protocol="tcp", from_port=22, to_port=22, cidr="10.0.0.0/8")
    assert again.status_code == 400 and fault(again) == f"This rule already exists in group {group_id}"
    shown = demo("GET", f"/os-security-groups/{group_id}").json["security_group"]
    assert len(shown["rules"]) == 2
    assert demo("DELETE", f"/os-security-group-rules/{rule['id']}").status_code == 202
    assert len(demo("GET", f"/os-security-groups/{group_id}").json["security_group"]["rules"]) == 1
    assert demo("DELETE", f"/os-security-group-rules/{rule['id']}").status_code == 404


@pytest.mark.parametrize("rule, message", [
    ({"ip_protocol": "tcp", "from_port": 22, "to_port": 21, "cidr": "10.0.0.0/8"},
     "Invalid port range 22:21. Former value cannot be greater than the later"),
    ({"ip_protocol": "udp", "from_port": 0, "to_port": 21}, "Invalid port range 0:21. Valid UDP ports should be "
                                                            "between 1-65535"),
    ({"ip_protocol": "gre", "from_port": 1, "to_port": 2}, "Invalid IP protocol gre."),
    ({"ip_protocol": "tcp", "from_port": "a", "to_port": 2}, "Invalid input received: To and From ports must be "
                                                             "integers"),
    ({"ip_protocol": "tcp", "from_port": 1, "to_port": 2, "cidr": "10.0.0.300/8"}, "10.0.0.300/8 is not a valid IP "
                                                                                   "network."),
    ({"cidr": "10.0.0.0/8"}, "Not enough parameters to build a valid rule."),
])
def test_rule_errors(demo, rule, message):
    group_id = _create(demo).json["security_group"]["id"]
    response = _rule(demo, parent_group_id=group_id, **rule)
    assert response.status_code == 400 and fault(response) == message


def test_a_group_made_through_the_proxy_serves_server_create_and_actions(demo):
    group_id = _create(demo).json["security_group"]["id"]
    server_id = demo.server(security_groups=[{"name": "web"}])
    names = [g["name"] for g in demo("GET", f"/servers/{server_id}/os-security-groups").json["security_groups"]]
    assert names == ["web"]
    in_use = demo("DELETE", f"/os-security-groups/{group_id}")
    assert in_use.status_code == 400 and fault(in_use) == f"Security Group {group_id} in use."
    other = demo.server()
    act = demo("POST", f"/servers/{other}/action", {"addSecurityGroup": {"name": "web"}})
    assert act.status_code == 202
    body = {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}],
                       "security_groups": [{"name": group_id}]}}
    assert demo("POST", "/servers", body).status_code == 202  # by id too
