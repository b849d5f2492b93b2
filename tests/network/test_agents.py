"""Neutron's agents API (``agent`` extension) as an ML2/OVN devstack answers it: admin-only (a member lists
none and shows none), listed per seeded host, filtered and projected like any Neutron list, described and
deleted by admins, never created and never turned off (the OVN driver's refusals)."""
from __future__ import annotations

import pytest
from support.apps import control
from support.neutron import neutron_error

openstack = pytest.importorskip("openstack")

N = "/network/v2.0"
GATEWAY_ID = "735b4813-d697-53a4-9f98-8fbe8a712eb6"  # the chassis of fakenova-compute, the first seeded host


def test_admin_lists_each_hosts_ovn_agents(client):
    listed = client.get(f"{N}/agents", headers=client.admin)
    assert listed.status_code == 200 and listed.headers["Content-Type"] == "application/json"
    agents = listed.get_json()["agents"]
    assert [(a["agent_type"], a["binary"], a["host"]) for a in agents] == [
        ("OVN Controller Gateway agent", "ovn-controller", "fakenova-compute"),
        ("OVN Metadata agent", "neutron-ovn-metadata-agent", "fakenova-compute")]
    assert agents[0] == {
        "id": GATEWAY_ID, "agent_type": "OVN Controller Gateway agent", "binary": "ovn-controller",
        "topic": "n/a", "host": "fakenova-compute", "admin_state_up": True,
        "heartbeat_timestamp": "2026-01-01 00:00:00", "alive": True, "description": "", "availability_zone": "nova",
        "configurations": {"chassis_name": GATEWAY_ID, "bridge-mappings": "public:br-ex"}}
    only = client.get(f"{N}/agents?binary=ovn-controller&fields=id&fields=alive", headers=client.admin)
    assert only.get_json() == {"agents": [{"id": GATEWAY_ID, "alive": True}]}


@pytest.mark.parametrize("persona", ["demo", "alt"])
def test_non_admins_see_no_agent(client, persona):
    headers = getattr(client, persona)
    listed = client.get(f"{N}/agents", headers=headers)
    assert listed.status_code == 200 and listed.get_json() == {"agents": []}
    shown = client.get(f"{N}/agents/{GATEWAY_ID}", headers=headers)
    assert shown.status_code == 404
    assert neutron_error(shown) == ("AgentNotFound", f"Agent {GATEWAY_ID} could not be found.")
    assert client.put(f"{N}/agents/{GATEWAY_ID}", json={"agent": {"description": "x"}},
                      headers=headers).status_code == 404
    made = client.post(f"{N}/agents", json={"agent": {}}, headers=headers)
    assert made.status_code == 403 and neutron_error(made)[0] == "PolicyNotAuthorized"


WRITES = [
    ("POST", "", {"agent": {}}, 400, "BadRequest", "Bad agents request: Agent creation using API is not supported."),
    ("PUT", f"/{GATEWAY_ID}", {"agent": {"admin_state_up": False}}, 400, "BadRequest",
     "Bad agent request: OVN agent status cannot be updated."),
    ("PUT", f"/{GATEWAY_ID}", {"agent": {"host": "elsewhere"}}, 400, "HTTPBadRequest",
     "Cannot update read-only attribute host"),
    ("PUT", f"/{GATEWAY_ID}", {"agent": {"nope": 1}}, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'nope'"),
    ("GET", "/9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a", None, 404, "AgentNotFound",
     "Agent 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a could not be found."),
]


@pytest.mark.parametrize("method, path, body, code, kind, message", WRITES)
def test_admin_refusals(client, method, path, body, code, kind, message):
    answered = client.open(f"{N}/agents{path}", method=method, json=body, headers=client.admin)
    assert answered.status_code == code and neutron_error(answered) == (kind, message)


def test_sdk_agents_describe_and_delete(live_server):
    control(live_server.app).reset()
    conn = openstack.connect(auth_url=f"{live_server.url}/identity", username="admin", password="admin",
                             project_name="admin", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")
    assert conn.has_service("network") and conn.network.find_extension("agent") is not None
    [gateway] = conn.network.agents(agent_type="OVN Controller Gateway agent")
    assert (gateway.id, gateway.is_alive, gateway.is_admin_state_up) == (GATEWAY_ID, True, True)
    described = conn.network.update_agent(gateway, description="gateway chassis")
    assert described.description == "gateway chassis"
    assert conn.network.get_agent(GATEWAY_ID).description == "gateway chassis"
    conn.network.delete_agent(GATEWAY_ID)
    assert [agent.agent_type for agent in conn.network.agents()] == ["OVN Metadata agent"]
    demo = openstack.connect(auth_url=f"{live_server.url}/identity", username="demo", password="demo",
                             project_name="demo", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")
    assert list(demo.network.agents()) == []
