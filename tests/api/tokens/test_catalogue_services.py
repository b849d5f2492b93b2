"""The Glance (``/image``) and Neutron (``/network``) subsets, and the token helper the suite shares.

Covers the version documents, list/show shapes, filters, visibility per project and role, the clients'
find-by-name flow (show by name 404s, then a filtered list) and the error bodies of each service.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import pytest
from support.apps import fresh_app
from support.tokens import auth_headers, issue_token

CIRROS = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE_NET = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
PUBLIC_NET = "8f4b0c6a-3d5e-4f70-8b12-c3d4e5f60718"
PRIVATE_SUBNET = "7e3a9b5f-2c4d-4e6f-9a01-b2c3d4e5f607"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ALT_PROJECT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def app():
    return fresh_app(seed=3)


def get(client, path: str, token: Optional[str] = None):
    return client.get(path, headers={"X-Auth-Token": token} if token else {})


def glance_error(code: int, message: str) -> dict:
    """Glance's (webob's) JSON error body for a message given as the explanation."""
    title = {400: "Bad Request", 404: "Not Found"}[code]
    return {"code": f"{code} {title}", "title": title, "message": f"{message}<br /><br />\n\n\n"}


def ids(response, plural: str) -> list:
    return [item["id"] for item in response.get_json()[plural]]


# --- the helper -------------------------------------------------------------------------------------


def test_issue_token_scopes_seeded_users(app, client):
    headers = auth_headers(app, "admin", "demo", version="2.60")
    assert headers["OpenStack-API-Version"] == "compute 2.60"
    record = app.extensions["fakenova"].store.get("token", headers["X-Auth-Token"])
    assert (record["user_name"], record["project_name"]) == ("admin", "demo")
    assert "admin" in record["roles"] and record["expires_at"] - record["issued_at"] == 3600
    assert client.get("/compute/v2.1/flavors", headers=headers).status_code == 200
    with pytest.raises(LookupError):
        issue_token(app, "demo", "admin")
    with pytest.raises(LookupError):
        issue_token(app, "nobody")


def test_expired_helper_token_is_401(app, client):
    token = issue_token(app, ttl=0)
    response = get(client, "/image/v2/images", token)
    assert response.status_code == 401
    assert response.get_json()["error"]["title"] == "Unauthorized"


# --- Glance -----------------------------------------------------------------------------------------


def add_image(store, image_id: str, **fields: Any) -> None:
    record = {"id": image_id, "name": image_id, "status": "active", "visibility": "public", "protected": False,
              "tags": [], "disk_format": "qcow2", "container_format": "bare", "size": 1024, "min_disk": 0,
              "min_ram": 0, "properties": {}, "created_at": 1_767_225_700.0, "updated_at": 1_767_225_700.0,
              "owner": DEMO_PROJECT, **fields}
    store.put("image", image_id, record)


@pytest.mark.parametrize("path, status", [("/image", 300), ("/image/", 300), ("/image/versions", 200)])
def test_glance_version_document_needs_no_token(client, path, status):
    response = get(client, path)
    assert response.status_code == status
    versions = response.get_json()["versions"]
    assert versions[0] == {"id": "v2.16", "status": "CURRENT",
                           "links": [{"rel": "self", "href": "http://localhost/image/v2/"}]}
    assert versions[-1]["id"] == "v2.0"
    assert {version["status"] for version in versions[1:]} == {"SUPPORTED"}


def test_glance_needs_a_token(client):
    response = get(client, "/image/v2/images")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Keystone uri="http://localhost/identity"'


GLANCE_KEYS = {"id", "name", "status", "visibility", "protected", "os_hidden", "checksum", "os_hash_algo",
               "os_hash_value", "owner", "size", "virtual_size", "min_disk", "min_ram", "disk_format",
               "container_format", "created_at", "updated_at", "tags", "self", "file", "schema"}


def test_glance_image_shape(client, demo):
    image = get(client, f"/image/v2/images/{CIRROS}", demo).get_json()
    assert set(image) == GLANCE_KEYS | {"hw_rng_model", "os_distro"}
    assert (image["hw_rng_model"], image["os_distro"]) == ("virtio", "cirros")
    assert (image["status"], image["visibility"], image["owner"]) == ("active", "public",
                                                                     "2f1c3b1e9a6d4c1f8e7d6c5b4a392817")
    assert image["self"] == f"/v2/images/{CIRROS}" and image["file"] == f"/v2/images/{CIRROS}/file"
    assert image["schema"] == "/v2/schemas/image"
    assert STAMP.match(image["created_at"]) and STAMP.match(image["updated_at"])
    assert re.fullmatch("[0-9a-f]{32}", image["checksum"]) and image["os_hash_algo"] == "sha512"
    assert re.fullmatch("[0-9a-f]{128}", image["os_hash_value"])
    assert (image["size"], image["min_disk"], image["os_hidden"], image["protected"]) == (21430272, 0, False,
                                                                                          False)


def test_glance_list_shape_and_paging(client, store, demo):
    add_image(store, "newer")
    body = get(client, "/image/v2/images", demo).get_json()
    assert set(body) == {"images", "first", "schema"}
    assert (body["first"], body["schema"]) == ("/v2/images", "/v2/schemas/images")
    assert [image["id"] for image in body["images"]] == ["newer", CIRROS]
    page = get(client, "/image/v2/images?limit=1", demo).get_json()
    assert [image["id"] for image in page["images"]] == ["newer"]
    assert (page["first"], page["next"]) == ("/v2/images?limit=1", "/v2/images?limit=1&marker=newer")
    rest = get(client, f"/image/v2{page['next'][3:]}", demo).get_json()
    assert [image["id"] for image in rest["images"]] == [CIRROS]
    for query, message in (("limit=x", "limit param must be an integer"),
                           ("limit=-1", "limit param must be positive"),
                           ("marker=nope", "No image found with ID nope"),
                           ("visibility=friends", "Invalid visibility value: friends")):
        response = client.get(f"/image/v2/images?{query}",
                              headers={"X-Auth-Token": demo, "Accept": "application/json"})
        assert response.get_json() == glance_error(400, message)


def test_glance_filters(client, store, demo):
    add_image(store, "queued", status="queued", tags=["gold"], properties={"os_distro": "ubuntu"})
    assert ids(get(client, "/image/v2/images?name=cirros", demo), "images") == [CIRROS]
    assert ids(get(client, "/image/v2/images?status=queued", demo), "images") == ["queued"]
    assert ids(get(client, "/image/v2/images?tag=gold", demo), "images") == ["queued"]
    assert ids(get(client, "/image/v2/images?os_distro=ubuntu", demo), "images") == ["queued"]
    assert ids(get(client, "/image/v2/images?name=in:cirros,queued", demo), "images") == ["queued", CIRROS]
    queued = get(client, "/image/v2/images/queued", demo).get_json()
    assert (queued["checksum"], queued["os_hash_value"]) == (None, None)


def test_glance_visibility(client, store, demo, alt, admin):
    add_image(store, "mine", visibility="private")
    add_image(store, "community", visibility="community")
    add_image(store, "shared", visibility="shared", members=[ALT_PROJECT])
    add_image(store, "hidden", os_hidden=True)
    assert sorted(ids(get(client, "/image/v2/images", demo), "images")) == sorted(
        [CIRROS, "mine", "community", "shared"])
    assert sorted(ids(get(client, "/image/v2/images", alt), "images")) == sorted([CIRROS, "shared"])
    assert client.get("/image/v2/images/mine", headers={"X-Auth-Token": alt, "Accept": "application/json"}
                      ).get_json() == glance_error(404, "No image found with ID mine")
    assert get(client, "/image/v2/images/community", alt).status_code == 200
    assert ids(get(client, "/image/v2/images?visibility=community", alt), "images") == ["community"]
    assert ids(get(client, "/image/v2/images?os_hidden=true", alt), "images") == ["hidden"]
    assert "mine" in ids(get(client, "/image/v2/images", admin), "images")
    assert ids(get(client, "/image/v2/images?visibility=private", admin), "images") == ["mine"]


def test_glance_find_by_name_flow(client, demo):
    assert get(client, "/image/v2/images/cirros", demo).status_code == 404
    assert ids(get(client, "/image/v2/images?name=cirros", demo), "images") == [CIRROS]


# --- Neutron ----------------------------------------------------------------------------------------


def boot(client, token: str, networks: Any = "auto") -> str:
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": CIRROS, "networks": networks}}
    response = client.post("/compute/v2.1/servers", json=body,
                           headers={"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.37"})
    assert response.status_code == 202, response.get_json()
    return response.get_json()["server"]["id"]


@pytest.mark.parametrize("path", ["/network", "/network/"])
def test_neutron_version_document_needs_no_token(client, path):
    assert get(client, path).get_json() == {"versions": [{
        "id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": "http://localhost/network/v2.0/"}]}]}


def test_neutron_resources_and_token(client, demo):
    assert get(client, "/network/v2.0/networks").status_code == 401
    resources = get(client, "/network/v2.0", demo).get_json()["resources"]
    assert [resource["collection"] for resource in resources] == ["networks", "subnets", "ports"]


NETWORK_KEYS = {"id", "name", "admin_state_up", "availability_zone_hints", "availability_zones", "description",
                "dns_domain", "ipv4_address_scope", "ipv6_address_scope", "l2_adjacency", "mtu",
                "port_security_enabled", "qos_policy_id", "router:external", "shared", "status", "subnets",
                "tags", "project_id", "tenant_id", "created_at", "updated_at", "revision_number"}
PROVIDER = {"provider:network_type", "provider:physical_network", "provider:segmentation_id"}


def test_network_shapes(client, demo, admin):
    private = get(client, f"/network/v2.0/networks/{PRIVATE_NET}", demo).get_json()["network"]
    assert set(private) == NETWORK_KEYS
    assert (private["name"], private["shared"], private["router:external"], private["mtu"]) == (
        "private", True, False, 1450)
    assert private["subnets"] == [PRIVATE_SUBNET] and private["project_id"] == private["tenant_id"] == DEMO_PROJECT
    assert STAMP.match(private["created_at"]) and private["status"] == "ACTIVE"
    public = get(client, f"/network/v2.0/networks/{PUBLIC_NET}", admin).get_json()["network"]
    assert set(public) == NETWORK_KEYS | PROVIDER | {"is_default"}
    assert (public["router:external"], public["provider:network_type"]) == (True, "flat")


def test_network_visibility(client, store, demo, alt, admin):
    store.put("network", "alt-net", {"id": "alt-net", "name": "alt-only", "project_id": ALT_PROJECT,
                                     "shared": False, "external": False, "status": "ACTIVE",
                                     "admin_state_up": True, "mtu": 1450, "subnets": []})
    assert ids(get(client, "/network/v2.0/networks", demo), "networks") == [PRIVATE_NET, PUBLIC_NET]
    assert ids(get(client, "/network/v2.0/networks", alt), "networks") == [PRIVATE_NET, PUBLIC_NET, "alt-net"]
    assert len(ids(get(client, "/network/v2.0/networks", admin), "networks")) == 3
    assert get(client, "/network/v2.0/networks/alt-net", demo).get_json() == {"NeutronError": {
        "type": "NetworkNotFound", "message": "Network alt-net could not be found.", "detail": ""}}


def test_find_network_by_name_flow(client, demo):
    response = get(client, "/network/v2.0/networks/private", demo)
    assert response.status_code == 404
    assert response.get_json()["NeutronError"]["type"] == "NetworkNotFound"
    assert ids(get(client, "/network/v2.0/networks?name=private", demo), "networks") == [PRIVATE_NET]


def test_network_filters_and_fields(client, demo):
    assert ids(get(client, "/network/v2.0/networks?router:external=true", demo), "networks") == [PUBLIC_NET]
    assert ids(get(client, "/network/v2.0/networks?shared=False", demo), "networks") == [PUBLIC_NET]
    both = get(client, f"/network/v2.0/networks?id={PRIVATE_NET}&id={PUBLIC_NET}", demo)
    assert ids(both, "networks") == [PRIVATE_NET, PUBLIC_NET]
    projected = get(client, "/network/v2.0/networks?name=public&fields=id&fields=name", demo).get_json()
    assert projected == {"networks": [{"id": PUBLIC_NET, "name": "public"}]}
    assert ids(get(client, "/network/v2.0/networks?limit=1", demo), "networks") == [PRIVATE_NET]
    assert ids(get(client, f"/network/v2.0/networks?marker={PRIVATE_NET}", demo), "networks") == [PUBLIC_NET]
    bad = get(client, "/network/v2.0/networks?colour=red", demo)
    assert bad.status_code == 400
    assert bad.get_json() == {"NeutronError": {
        "type": "HTTPBadRequest", "message": "[colour] is invalid attribute for filtering", "detail": ""}}


def test_subnets(client, demo):
    subnet = get(client, f"/network/v2.0/subnets/{PRIVATE_SUBNET}", demo).get_json()["subnet"]
    assert (subnet["cidr"], subnet["gateway_ip"], subnet["ip_version"]) == ("10.0.0.0/26", "10.0.0.1", 4)
    assert subnet["allocation_pools"] == [{"start": "10.0.0.2", "end": "10.0.0.62"}]
    assert subnet["network_id"] == PRIVATE_NET and subnet["tenant_id"] == DEMO_PROJECT
    by_network = get(client, f"/network/v2.0/subnets?network_id={PUBLIC_NET}", demo).get_json()["subnets"]
    assert [s["allocation_pools"] for s in by_network] == [[{"start": "172.24.4.2", "end": "172.24.4.254"}]]
    assert get(client, "/network/v2.0/subnets/nope", demo).get_json() == {"NeutronError": {
        "type": "SubnetNotFound", "message": "Subnet nope could not be found.", "detail": ""}}


def compute_ports(client, token):
    """The caller's ports that servers hold (devstack's router1 holds the private subnet's gateway port)."""
    ports = get(client, "/network/v2.0/ports", token).get_json()["ports"]
    return [p for p in ports if p["device_owner"].startswith("compute:")]


def test_ports_follow_servers(client, demo, alt, admin):
    server = boot(client, demo)
    everything = get(client, "/network/v2.0/ports", demo).get_json()["ports"]
    assert sorted(p["device_owner"] for p in everything) == ["compute:nova", "network:router_interface"]
    ports = compute_ports(client, demo)
    assert len(ports) == 1
    port = ports[0]
    assert (port["device_id"], port["device_owner"], port["network_id"]) == (server, "compute:nova", PRIVATE_NET)
    assert port["fixed_ips"] == [{"subnet_id": PRIVATE_SUBNET, "ip_address": "10.0.0.2"}]
    assert re.fullmatch("fa:16:3e(:[0-9a-f]{2}){3}", port["mac_address"])
    assert (port["status"], port["name"], port["project_id"], port["tenant_id"]) == (
        "ACTIVE", "", DEMO_PROJECT, DEMO_PROJECT)
    assert "binding:host_id" not in port
    shown = get(client, f"/network/v2.0/ports/{port['id']}", demo).get_json()["port"]
    assert shown == port
    assert get(client, "/network/v2.0/ports", alt).get_json() == {"ports": []}
    assert get(client, f"/network/v2.0/ports/{port['id']}", alt).get_json() == {"NeutronError": {
        "type": "PortNotFound", "message": f"Port {port['id']} could not be found.", "detail": ""}}
    admin_view = get(client, f"/network/v2.0/ports?device_id={server}", admin).get_json()["ports"]
    assert [p["id"] for p in admin_view] == [port["id"]] and "binding:host_id" in admin_view[0]
    query = f"/network/v2.0/ports?device_id=other&device_id={server}&fixed_ips=ip_address=10.0.0.2"
    assert ids(get(client, query, demo), "ports") == [port["id"]]
    assert ids(get(client, "/network/v2.0/ports?network_id=elsewhere", demo), "ports") == []


def test_ports_go_with_their_server(client, demo):
    server = boot(client, demo)
    assert len(compute_ports(client, demo)) == 1
    assert client.delete(f"/compute/v2.1/servers/{server}", headers={"X-Auth-Token": demo}).status_code == 204
    # Like Nova, the server holds its ports while it is being deleted; a later read completes the delete.
    get(client, f"/compute/v2.1/servers/{server}", demo)
    assert compute_ports(client, demo) == []


def test_server_without_networks_has_no_ports(client, demo):
    boot(client, demo, networks="none")
    assert compute_ports(client, demo) == []
