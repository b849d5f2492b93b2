"""Server-group policies over a fleet (``--hosts``): placement honours them host by host, as Nova's scheduler
does, and a member that no host can take ends in ERROR with Nova's NoValidHost fault."""
from __future__ import annotations

import pytest
from support.server_api import IMAGE, Api, make_app

NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


@pytest.fixture
def api():
    return Api(make_app(hosts=2), "demo", "demo", version="2.74")


@pytest.fixture
def admin(api):
    return Api(api.app, "admin", "admin", version="2.74")


def group(api, policy: str) -> str:
    response = api("POST", "/os-server-groups", {"server_group": {"name": "g", "policy": policy}})
    assert response.status_code == 200, response.json
    return response.json["server_group"]["id"]


def boot(api, group_id: str, count: int = 1):
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "none", "min_count": count}
    response = api("POST", "/servers", {"server": body, "os:scheduler_hints": {"group": group_id}})
    assert response.status_code == 202, response.json
    return response


def hosts_of(admin, group_id: str):
    members = admin("GET", f"/os-server-groups/{group_id}").json["server_group"]["members"]
    shown = [admin("GET", f"/servers/{member}").json["server"] for member in members]
    return [(server["status"], server["OS-EXT-SRV-ATTR:host"]) for server in shown]


def test_anti_affinity_spreads_members_over_the_hosts_then_finds_no_valid_host(api, admin):
    group_id = group(api, "anti-affinity")
    boot(api, group_id, count=2)
    placed = hosts_of(admin, group_id)
    assert sorted(placed) == [("ACTIVE", "fakenova-compute-1"), ("ACTIVE", "fakenova-compute-2")]
    third = boot(api, group_id).json["server"]["id"]
    server = admin("GET", f"/servers/{third}").json["server"]
    assert server["status"] == "ERROR" and server["fault"]["message"] == NO_VALID_HOST


def test_affinity_keeps_members_on_one_host(api, admin):
    group_id = group(api, "affinity")
    boot(api, group_id, count=2)
    boot(api, group_id)
    statuses, hosts = zip(*hosts_of(admin, group_id))
    assert set(statuses) == {"ACTIVE"} and len(set(hosts)) == 1 and hosts[0].startswith("fakenova-compute-")
