"""Nova against Neutron's quotas: a boot needing more ports than the project has left is refused up front
(``validate_networks``: 403 ``Maximum number of ports exceeded``, a multiple create lowered to what fits),
interface attaches and Nova's floating IP proxy map Neutron's OverQuota as Nova does, and the openstacksdk
sees Neutron's 409 as a ConflictException."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
N = "/network/v2.0"
QUOTAS = f"{N}/quotas/{DEMO}"
SERVERS = "/compute/v2.1/servers"
MAXIMUM = {"forbidden": {"code": 403, "message": "Maximum number of ports exceeded"}}


def _image(client) -> str:
    return client.get("/image/v2/images", headers=client.demo).get_json()["images"][0]["id"]


def _ports_used(client) -> int:
    answer = client.get(f"{QUOTAS}/details", headers=client.admin)
    assert answer.status_code == 200
    return int(answer.get_json()["quota"]["port"]["used"])


def _port_limit(client, limit: int, force: bool = False) -> None:
    body: Dict[str, Any] = {"port": limit, **({"force": True} if force else {})}
    assert client.put(QUOTAS, json={"quota": body}, headers=client.admin).status_code == 200


def _free_ports(client, free: int) -> int:
    """Set the demo project's port limit so that ``free`` more fit; returns the ports it uses."""
    used = _ports_used(client)
    _port_limit(client, used + free)
    return used


def _boot(client, version: str = "2.1", **server: Any):
    body = {"server": {"name": "vm", "imageRef": _image(client), "flavorRef": "1", **server}}
    return client.post(SERVERS, json=body, headers={**client.demo, "OpenStack-API-Version": f"compute {version}"})


def _servers(client) -> List[str]:
    return [s["name"] for s in client.get(SERVERS, headers=client.demo).get_json()["servers"]]


def _nova_ports(client) -> List[Dict[str, Any]]:
    ports = client.get(f"{N}/ports", headers=client.demo).get_json()["ports"]
    return [port for port in ports if port["device_owner"].startswith("compute:")]


@pytest.mark.parametrize("version, networks", [
    ("2.1", None), ("2.1", [{"uuid": PRIVATE}]), ("2.37", "auto"), ("2.37", [{"uuid": PRIVATE}]),
], ids=["omitted", "uuid", "auto", "uuid-2.37"])
def test_a_boot_past_the_port_quota_is_refused_and_leaves_nothing(client, version, networks):
    before_servers = _servers(client)
    used = _free_ports(client, 0)
    refused = _boot(client, version, **({} if networks is None else {"networks": networks}))
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.get_json() == MAXIMUM
    assert _servers(client) == before_servers and _nova_ports(client) == []
    assert _ports_used(client) == used


def test_a_boot_takes_the_last_port(client):
    used = _free_ports(client, 1)
    made = _boot(client, networks=[{"uuid": PRIVATE}])
    assert made.status_code == 202
    assert _ports_used(client) == used + 1
    assert _boot(client, networks=[{"uuid": PRIVATE}]).get_json() == MAXIMUM


def test_two_networks_need_two_ports_each(client):
    _free_ports(client, 3)
    refused = _boot(client, networks=[{"uuid": PRIVATE}, {"uuid": PRIVATE}], min_count=2)
    assert refused.status_code == 403 and refused.get_json() == MAXIMUM
    assert _servers(client) == []


def test_a_multiple_create_is_lowered_to_the_servers_the_ports_allow(client):
    used = _free_ports(client, 2)
    made = _boot(client, networks=[{"uuid": PRIVATE}], min_count=1, max_count=3, return_reservation_id=True)
    assert made.status_code == 202
    assert sorted(_servers(client)) == ["vm-1", "vm-2"]
    assert _ports_used(client) == used + 2


def test_more_ports_than_the_limit_is_novas_count_message(client):
    used = _ports_used(client)
    _port_limit(client, used - 1, force=True)
    refused = _boot(client, networks=[{"uuid": PRIVATE}])
    assert refused.status_code == 403
    assert refused.get_json() == {"forbidden": {"code": 403, "message": (
        f"The number of defined ports: {used} is over the limit: {used - 1}")}}


def test_no_network_and_own_ports_need_no_quota(client):
    made = client.post(f"{N}/ports", json={"port": {"network_id": PRIVATE}}, headers=client.demo)
    assert made.status_code == 201
    _free_ports(client, 0)
    assert _boot(client, "2.37", networks="none").status_code == 202
    assert _boot(client, networks=[{"port": made.get_json()["port"]["id"]}]).status_code == 202


def test_the_port_quota_is_checked_before_the_instance_quota(client):
    """Nova's validate_networks runs before its instance quota, so both over says the port's message."""
    assert client.put(f"/compute/v2.1/os-quota-sets/{DEMO}", json={"quota_set": {"instances": 0}},
                      headers=client.admin).status_code == 200
    _free_ports(client, 0)
    assert _boot(client, networks=[{"uuid": PRIVATE}]).get_json() == MAXIMUM


def test_an_interface_attach_past_the_port_quota(client):
    made = _boot(client, networks=[{"uuid": PRIVATE}])
    server = made.get_json()["server"]["id"]
    assert client.get(f"{SERVERS}/{server}", headers=client.demo).get_json()["server"]["status"] == "ACTIVE"
    _free_ports(client, 0)
    refused = client.post(f"{SERVERS}/{server}/os-interface", json={"interfaceAttachment": {"net_id": PRIVATE}},
                          headers=client.demo)
    assert refused.status_code == 403 and refused.get_json() == MAXIMUM
    listed = client.get(f"{SERVERS}/{server}/os-interface", headers=client.demo).get_json()
    assert len(listed["interfaceAttachments"]) == 1


@pytest.mark.parametrize("body, message", [
    (None, "IP allocation over quota."), ({"pool": "public"}, "IP allocation over quota in pool public."),
])
def test_novas_floating_ip_proxy_over_quota(client, body, message):
    assert client.put(QUOTAS, json={"quota": {"floatingip": 0}}, headers=client.admin).status_code == 200
    refused = client.post("/compute/v2.1/os-floating-ips", json=body, headers=client.demo)
    assert refused.status_code == 403 and refused.get_json() == {"forbidden": {"code": 403, "message": message}}
    assert client.get("/compute/v2.1/os-floating-ips", headers=client.demo).get_json() == {"floating_ips": []}


def test_sdk_create_port_over_quota(live_server):
    openstack = pytest.importorskip("openstack")
    from support.apps import control

    control(live_server.app).reset()

    def connect(name: str) -> Any:
        return openstack.connect(auth_url=f"{live_server.url}/identity", username=name, password=name,
                                 project_name=name, user_domain_name="Default", project_domain_name="Default",
                                 region_name="RegionOne")
    admin, demo = connect("admin"), connect("demo")
    used = admin.network.get_quota(DEMO, details=True).ports["used"]
    admin.network.update_quota(DEMO, ports=used)
    with pytest.raises(openstack.exceptions.ConflictException) as refused:
        demo.network.create_port(network_id=PRIVATE, name="over")
    assert refused.value.status_code == 409
    assert "Quota exceeded for resources: ['port']." in str(refused.value)
    assert list(demo.network.ports(name="over")) == []
    admin.network.update_quota(DEMO, ports=-1)
    assert demo.network.create_port(network_id=PRIVATE, name="unlimited").name == "unlimited"


def test_auto_past_the_port_quota_allocates_no_topology(client):
    """alt_demo with no network to use: "auto" would build a topology, but the port quota refuses first."""
    alt = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
    assert client.put(f"{N}/networks/{PRIVATE}", json={"network": {"shared": False}},
                      headers=client.admin).status_code == 200
    assert client.put(f"{N}/quotas/{alt}", json={"quota": {"port": 0}}, headers=client.admin).status_code == 200
    body = {"server": {"name": "auto", "imageRef": _image(client), "flavorRef": "1", "networks": "auto"}}
    refused = client.post(SERVERS, json=body, headers={**client.alt, "OpenStack-API-Version": "compute 2.37"})
    assert refused.status_code == 403 and refused.get_json() == MAXIMUM
    assert client.get(f"{N}/networks?name=auto_allocated_network", headers=client.admin).get_json() == {
        "networks": []}
    assert client.get(SERVERS, headers=client.alt).get_json() == {"servers": []}
