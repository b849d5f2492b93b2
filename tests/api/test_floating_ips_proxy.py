"""Nova's deprecated floating IP proxy (``os-floating-ips``, ``os-floating-ip-pools``), 2.1 to 2.35, over
the floating IP records Neutron's API shows."""
from __future__ import annotations

import pytest
from support.server_api import MISSING, Api, fault

PUBLIC = "public"


def neutron(api: Api, path: str):
    return api.client.get(f"/network/v2.0{path}", headers={"X-Auth-Token": api.token})


def test_pools_are_the_external_networks(demo):
    assert demo("GET", "/os-floating-ip-pools").json == {"floating_ip_pools": [{"name": PUBLIC}]}


def test_allocate_show_list_release_through_neutrons_records(demo):
    made = demo("POST", "/os-floating-ips", {"pool": PUBLIC})
    assert made.status_code == 200
    fip = made.json["floating_ip"]
    assert fip["pool"] == PUBLIC and fip["instance_id"] is None and fip["fixed_ip"] is None
    assert neutron(demo, f"/floatingips/{fip['id']}").json["floatingip"]["floating_ip_address"] == fip["ip"]
    assert demo("GET", f"/os-floating-ips/{fip['id']}").json == {"floating_ip": fip}
    assert demo("GET", "/os-floating-ips").json == {"floating_ips": [fip]}
    assert demo("DELETE", f"/os-floating-ips/{fip['id']}").status_code == 202
    assert neutron(demo, f"/floatingips/{fip['id']}").status_code == 404


def test_allocate_from_the_default_pool_without_a_body(demo):
    made = demo("POST", "/os-floating-ips")
    assert made.status_code == 200 and made.json["floating_ip"]["pool"] == PUBLIC


def test_an_associated_ip_names_its_server(demo):
    server_id = demo.server()
    fip = demo("POST", "/os-floating-ips", {"pool": PUBLIC}).json["floating_ip"]
    assert demo("POST", f"/servers/{server_id}/action", {"addFloatingIp": {"address": fip["ip"]}}).status_code == 202
    shown = demo("GET", f"/os-floating-ips/{fip['id']}").json["floating_ip"]
    assert shown["instance_id"] == server_id and shown["fixed_ip"].startswith("10.0.0.")


def test_errors(demo):
    missing = demo("GET", f"/os-floating-ips/{MISSING}")
    assert missing.status_code == 404 and fault(missing) == f"Floating IP not found for ID {MISSING}"
    bad = demo("DELETE", "/os-floating-ips/nope")
    assert bad.status_code == 400 and fault(bad) == "Invalid ID received nope."
    pool = demo("POST", "/os-floating-ips", {"pool": "nowhere"})
    assert pool.status_code == 404 and fault(pool) == "Floating IP pool not found."
    assert demo("POST", "/os-floating-ips", {"pool": 5}).status_code == 400


def test_other_projects_ips_are_not_found(app, demo):
    fip = demo("POST", "/os-floating-ips").json["floating_ip"]
    other = Api(app, "alt_demo", "alt_demo")
    assert other("GET", f"/os-floating-ips/{fip['id']}").status_code == 404
    assert other("GET", "/os-floating-ips").json == {"floating_ips": []}


@pytest.mark.parametrize("version, code", [("2.35", 200), ("2.36", 404)])
def test_the_proxy_ends_at_2_35(demo, version, code):
    assert demo("GET", "/os-floating-ips", version=version).status_code == code
    assert demo("GET", "/os-floating-ip-pools", version=version).status_code == code
