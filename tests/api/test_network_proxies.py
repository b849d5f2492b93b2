"""Nova's deprecated network proxies, ``os-networks`` and ``os-tenant-networks``: list and show per role and
microversion (404 from 2.36), Nova's shapes over Neutron's network records, and 410 for the removed writes."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import Api, fault, make_app

PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PUBLIC = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
NULLS = ("cidr", "netmask", "gateway", "broadcast", "dns1", "dns2", "cidr_v6", "gateway_v6", "netmask_v6")
ADMIN_NULLS = ("created_at", "updated_at", "deleted_at", "deleted", "injected", "bridge", "vlan",
               "vpn_public_address", "vpn_public_port", "vpn_private_address", "dhcp_start", "project_id", "host",
               "bridge_interface", "multi_host", "priority", "rxtx_base", "mtu", "dhcp_server", "enable_dhcp",
               "share_address")


@pytest.fixture
def app():
    return make_app()


def expected(proxy: str, user: str, network_id: str, name: str) -> dict:
    if proxy == "os-tenant-networks":
        return {"id": network_id, "cidr": "None", "label": name}
    nulls = NULLS + (ADMIN_NULLS if user == "admin" else ())
    return {"id": network_id, "label": name, **{field: None for field in nulls}}


@pytest.mark.parametrize("proxy", ["os-networks", "os-tenant-networks"])
@pytest.mark.parametrize("user", ["demo", "admin"])
@pytest.mark.parametrize("version", ["2.1", "2.35"])
def test_list_and_show_in_novas_shape(app, proxy, user, version):
    api = Api(app, user, user)
    listed = api("GET", f"/{proxy}", version=version)
    assert listed.status_code == 200
    assert listed.json == {"networks": [expected(proxy, user, PRIVATE, "private"),
                                        expected(proxy, user, PUBLIC, "public")]}
    shown = api("GET", f"/{proxy}/{PRIVATE}", version=version)
    assert shown.status_code == 200 and shown.json == {"network": expected(proxy, user, PRIVATE, "private")}
    assert shown.headers["x-openstack-request-id"].startswith("req-")


@needs_shared
@pytest.mark.parametrize("proxy", ["os-networks", "os-tenant-networks"])
@pytest.mark.parametrize("user", ["demo", "admin"])
def test_bodies_match_novas_response_schemas(app, proxy, user):
    api = Api(app, user, user)
    assert schema_errors("GET", f"/{proxy}", "2.35", api("GET", f"/{proxy}", version="2.35").json) == []
    body = api("GET", f"/{proxy}/{PUBLIC}", version="2.35").json
    assert schema_errors("GET", f"/{proxy}/{{id}}", "2.35", body) == []


def test_another_projects_private_network_is_not_found(app):
    store = app.extensions["fakenova"].store
    store.put("network", "net-x", {**store.get("network", PRIVATE), "id": "net-x", "name": "theirs",
                                   "project_id": "someone-else", "shared": False, "external": False})
    demo, admin = Api(app), Api(app, "admin", "admin")
    for proxy in ("os-networks", "os-tenant-networks"):
        response = demo("GET", f"/{proxy}/net-x", version="2.35")
        assert (response.status_code, fault(response)) == (404, "Network not found")
        assert "net-x" not in [net["id"] for net in demo("GET", f"/{proxy}", version="2.35").json["networks"]]
        assert admin("GET", f"/{proxy}/net-x", version="2.35").json["network"]["label"] == "theirs"


@pytest.mark.parametrize("path", ["/os-networks", "/os-networks/x", "/os-tenant-networks",
                                  "/os-tenant-networks/x"])
def test_gone_from_2_36(app, path):
    response = Api(app)("GET", path, version="2.36")
    assert response.status_code == 404
    assert fault(response) == "The resource could not be found."


@pytest.mark.parametrize("method,path,body", [
    ("POST", "/os-networks", {"network": {"label": "x"}}),
    ("POST", "/os-networks/add", {"id": None}),
    ("DELETE", f"/os-networks/{PRIVATE}", None),
    ("POST", f"/os-networks/{PRIVATE}/action", {"disassociate": None}),
    ("POST", "/os-tenant-networks", {"network": {"label": "x"}}),
    ("DELETE", f"/os-tenant-networks/{PRIVATE}", None),
])
@pytest.mark.parametrize("version", ["2.1", "2.36"])
def test_removed_writes_are_410(app, method, path, body, version):
    response = Api(app, "admin", "admin")(method, path, body, version=version)
    assert response.status_code == 410
    assert response.json == {"computeFault": {"code": 410, "message": "This resource is no longer available."}}


def test_a_bad_token_is_keystones_401(app):
    token_less = Api(app)("GET", "/os-networks", version="2.35", headers={"X-Auth-Token": "bogus"})
    assert token_less.status_code == 401
