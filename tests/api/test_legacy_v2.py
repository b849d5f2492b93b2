"""Nova's legacy v2.0 endpoint (``/compute/v2``) and the legacy ``/extensions`` listing."""
from __future__ import annotations

import pytest
from support.server_api import IMAGE, PRIVATE, fault, make_app
from support.tokens import issue_token

PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def call(app):
    client, token = app.test_client(), issue_token(app, "demo", "demo")

    def call(method: str, path: str, body=None, version: str = "2.90"):
        headers = {"X-Auth-Token": token, "OpenStack-API-Version": f"compute {version}",
                   "X-OpenStack-Nova-API-Version": version}
        return client.open(path, method=method, json=body, headers=headers)
    return call


def _server(**extra):
    return {"server": {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}],
                       **extra}}


@pytest.mark.parametrize("path", ["/compute/v2", "/compute/v2/", "/compute/v2/versions/v2.1"])
def test_the_v2_document(call, path):
    response = call("GET", path)
    version = response.json["version"]
    assert response.status_code == 200 and version["id"] == "v2.0" and version["status"] == "DEPRECATED"
    assert version["links"][0] == {"rel": "self", "href": "http://localhost/compute/v2/"}
    assert version["media-types"][0]["type"] == "application/vnd.openstack.compute+json;version=2"


@pytest.mark.parametrize("prefix", ["/compute/v2", f"/compute/v2/{PROJECT}"])
def test_v2_is_v2_1_at_2_1_without_version_headers(call, prefix):
    response = call("GET", f"{prefix}/flavors/1")
    assert response.status_code == 200 and "OpenStack-API-Version" not in response.headers
    assert "X-OpenStack-Nova-API-Version" not in response.headers and response.headers["x-compute-request-id"]
    flavor = response.json["flavor"]
    assert "description" not in flavor  # 2.55 fields stay out whatever the header asks
    assert flavor["links"][0]["href"] == f"http://localhost{prefix}/flavors/1"
    assert call("GET", f"{prefix}/servers/detail").json == {"servers": []}


def test_v2_drops_unknown_body_keys_where_v2_1_refuses_them(call):
    refused = call("POST", "/compute/v2.1/servers", _server(color="red"), version="2.1")
    assert refused.status_code == 400 and "'color' was unexpected" in fault(refused)
    made = call("POST", "/compute/v2/servers", {**_server(color="red"), "extra": {"x": 1}})
    assert made.status_code == 202
    assert made.headers["Location"].startswith("http://localhost/compute/v2/servers/")
    server_id = made.json["server"]["id"]
    renamed = call("PUT", f"/compute/v2/servers/{server_id}", {"server": {"name": "new", "color": "red"}})
    assert renamed.status_code == 200 and renamed.json["server"]["name"] == "new"


def test_v2_still_validates_the_keys_it_knows(call):
    response = call("POST", "/compute/v2/servers", _server(name=""))
    assert response.status_code == 400


def test_v2_project_mismatch_and_other_errors_are_nova_faults(call):
    response = call("GET", "/compute/v2/4b3e5d301c8f4e31a09f8e7d6c5b4a39/servers")
    assert response.status_code == 400 and "doesn't match Context's project_id" in fault(response)
    assert call("GET", "/compute/v2/nonsense").status_code == 404


def test_v2_needs_a_token(app):
    assert app.test_client().get("/compute/v2/servers").status_code == 401


def test_extensions_list_and_show(call):
    listed = call("GET", "/compute/v2.1/extensions").json["extensions"]
    aliases = [ext["alias"] for ext in listed]
    assert len(listed) == 99 and aliases == sorted(aliases) and "OS-EXT-VIF-NET" not in aliases
    assert {"os-keypairs", "os-security-groups", "OS-DCF", "os-hypervisors"} <= set(aliases)
    shown = call("GET", "/compute/v2.1/extensions/OS-DCF").json["extension"]
    assert shown == {"alias": "OS-DCF", "description": "Disk Management Extension.", "links": [],
                     "name": "DiskConfig", "namespace": "http://docs.openstack.org/compute/ext/fake_xml",
                     "updated": "2014-12-03T00:00:00Z"}
    missing = call("GET", "/compute/v2.1/extensions/nope")
    assert missing.status_code == 404 and fault(missing) == "The resource could not be found."


def test_v2_extensions_add_the_vif_net_extension(call):
    listed = call("GET", "/compute/v2/extensions").json["extensions"]
    assert len(listed) == 100 and "OS-EXT-VIF-NET" in [ext["alias"] for ext in listed]
    assert "updated" not in call("GET", "/compute/v2/extensions/OS-EXT-VIF-NET").json["extension"]
    assert call("GET", "/compute/v2.1/extensions/OS-EXT-VIF-NET").status_code == 404


@pytest.mark.parametrize("version, code", [("2.101", 200), ("2.102", 400)])
def test_extensions_query_is_strict_from_2_102(call, version, code):
    assert call("GET", "/compute/v2.1/extensions?foo=1", version=version).status_code == code
    assert call("GET", "/compute/v2.1/extensions/OS-DCF?foo=1", version=version).status_code == code


def test_extensions_are_open_to_readers_and_admins(app):
    for user in ("admin", "alt_demo"):
        token = issue_token(app, user, user)
        assert app.test_client().get("/compute/v2.1/extensions",
                                     headers={"X-Auth-Token": token}).status_code == 200
