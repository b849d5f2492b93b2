"""The five server operations through the HTTP layer (Flask test client, injected clock, no sleeping).

Covers the create-flow options of the foundation issue: paces, multiple create, reservation ids, boot from
volume, soft delete, locks, isolation, paging, and Nova's own response schemas at every microversion.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
from support.apps import control, fresh_app
from support.nova_reference import needs_shared, schema_errors
from support.tokens import issue_token

from fakenova.domain.pace import AfterPolls, AfterSeconds
from fakenova.microversions import all_versions

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"
DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
DROP = object()  # a create() keyword set to DROP leaves that key out of the body


class Api:
    """A tiny client over the Flask test client: one token, one microversion."""

    def __init__(self, app, user: str = "demo", project: str = "demo", version: str = "2.1"):
        self.app, self.client = app, app.test_client()
        self.token, self.version = issue_token(app, user, project), version

    def __call__(self, method: str, path: str, body: Any = None, version: Optional[str] = None, **kwargs):
        headers = {"X-Auth-Token": self.token, "OpenStack-API-Version": f"compute {version or self.version}"}
        return self.client.open(f"/compute/v2.1{path}", method=method, json=body, headers=headers, **kwargs)

    def create(self, version: Optional[str] = None, **server: Any):
        body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}], **server}
        body = {key: value for key, value in body.items() if value is not DROP}
        return self("POST", "/servers", {"server": body}, version=version)


@pytest.fixture
def app():
    return fresh_app(seed=7)


@pytest.fixture
def clock(app):
    """The apps' clock, moved through the control operation (every shared app keeps the same one)."""
    return control(app).clock


def make(clock, **settings) -> Any:
    """The shared app reset with ``settings`` (``clock`` keeps moving it: a reset rewinds it to 2026)."""
    return fresh_app(**{"seed": 7, **settings})


@pytest.fixture
def demo(app):
    return Api(app)


@pytest.fixture
def admin(app):
    return Api(app, "admin", "admin")


def status_of(api: Api, server_id: str) -> Dict[str, Any]:
    response = api("GET", f"/servers/{server_id}")
    assert response.status_code == 200
    server = response.json["server"]
    return {"status": server["status"], "task": server["OS-EXT-STS:task_state"],
            "progress": server.get("progress"), "addresses": server["addresses"], "hostId": server["hostId"]}


def test_create_returns_novas_short_body_and_location(demo):
    response = demo.create()
    assert response.status_code == 202
    server = response.json["server"]
    assert set(server) == {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"}
    assert server["security_groups"] == [{"name": "default"}] and len(server["adminPass"]) == 12
    assert response.headers["Location"] == f"http://localhost/compute/v2.1/servers/{server['id']}"
    assert server["links"][1] == {"rel": "bookmark", "href": f"http://localhost/compute/servers/{server['id']}"}


def test_given_password_and_groups_are_echoed(app, demo):
    app.extensions["fakenova"].store.put("security_group", "sg-web", {"id": "sg-web", "name": "web"},
                                         project="3a2d4c2f0b7e4d209f8e7d6c5b4a3928")
    server = demo.create(adminPass="s3cret", security_groups=[{"name": "web"}]).json["server"]
    assert server["adminPass"] == "s3cret" and server["security_groups"] == [{"name": "web"}]


def test_build_walks_to_active_after_polls(clock):
    api = Api(make(clock, pace=AfterPolls(3)))
    server_id = api.create().json["server"]["id"]
    seen = [status_of(api, server_id) for _ in range(3)]
    assert [(s["status"], s["task"]) for s in seen] == [("BUILD", "networking"), ("BUILD", "spawning"),
                                                       ("ACTIVE", None)]
    assert seen[0]["addresses"] == {} and seen[0]["progress"] == 33 and seen[1]["progress"] == 66
    assert seen[2]["addresses"]["private"][0]["addr"].startswith("10.0.0.") and len(seen[2]["hostId"]) == 56


def test_build_follows_the_injected_clock(clock):
    api = Api(make(clock, pace=AfterSeconds(30)))
    server_id = api.create().json["server"]["id"]
    assert status_of(api, server_id)["status"] == "BUILD"
    clock.advance(29)
    assert status_of(api, server_id)["status"] == "BUILD"
    clock.advance(1)
    assert status_of(api, server_id)["status"] == "ACTIVE"


def test_multiple_create_names_and_reservation(admin):
    response = admin.create(name="web", min_count=2, max_count=3, return_reservation_id=False)
    assert response.status_code == 202 and set(response.json["server"]) >= {"id", "adminPass"}
    servers = admin("GET", "/servers/detail", version="2.3").json["servers"]
    assert sorted(s["name"] for s in servers) == ["web-1", "web-2", "web-3"]
    assert {s["OS-EXT-SRV-ATTR:reservation_id"] for s in servers} == {servers[0]["OS-EXT-SRV-ATTR:reservation_id"]}
    assert sorted(s["OS-EXT-SRV-ATTR:launch_index"] for s in servers) == [0, 1, 2]
    assert sorted(s["OS-EXT-SRV-ATTR:hostname"] for s in servers) == ["web-1", "web-2", "web-3"]


def test_return_reservation_id_gives_only_the_id(demo):
    response = demo.create(return_reservation_id=True, max_count=2)
    assert response.status_code == 202 and set(response.json) == {"reservation_id"}
    assert response.json["reservation_id"].startswith("r-") and len(response.json["reservation_id"]) == 10
    assert "Location" not in response.headers


def test_multiple_create_stops_at_quota(demo):
    assert demo.create(min_count=1, max_count=25).status_code == 202
    assert len(demo("GET", "/servers").json["servers"]) == 10
    refused = demo.create()
    assert refused.status_code == 403
    assert refused.json == {"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, "
                                                                  "but already used 10 of 10 instances"}}


def test_boot_from_volume_has_empty_image(demo):
    """A seeded (Cinder) volume of the project boots the server: Nova 400s a volume Cinder does not have."""
    bdm = [{"uuid": "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01", "source_type": "volume", "destination_type": "volume",
            "boot_index": 0, "delete_on_termination": True}]
    server_id = demo.create(imageRef=DROP, block_device_mapping_v2=bdm).json["server"]["id"]
    server = demo("GET", f"/servers/{server_id}", version="2.3").json["server"]
    assert server["image"] == ""
    assert server["os-extended-volumes:volumes_attached"] == [
        {"id": "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01", "delete_on_termination": True}]


def test_networks_none_and_auto(demo):
    none_id = demo.create(version="2.37", networks="none").json["server"]["id"]
    auto_id = demo.create(version="2.37", networks="auto").json["server"]["id"]
    none = demo("GET", f"/servers/{none_id}").json["server"]
    assert none["addresses"] == {} and "security_groups" not in none
    assert list(demo("GET", f"/servers/{auto_id}").json["server"]["addresses"]) == ["private"]


def test_update_shapes_and_fields(demo):
    server_id = demo.create().json["server"]["id"]
    response = demo("PUT", f"/servers/{server_id}", {"server": {"name": "new", "description": "d"}},
                    version="2.19")
    assert response.status_code == 200
    body = response.json["server"]
    assert body["name"] == "new" and body["description"] == "d"
    assert "OS-EXT-STS:vm_state" not in body  # reduced view before 2.75
    full = demo("PUT", f"/servers/{server_id}", {"server": {"accessIPv4": "192.0.2.7"}}, version="2.75").json
    assert full["server"]["accessIPv4"] == "192.0.2.7" and full["server"]["OS-EXT-STS:vm_state"] == "active"


def test_pinning_zone_at_2_104(demo):
    server_id = demo.create().json["server"]["id"]
    demo("GET", f"/servers/{server_id}")
    wrong = demo("PUT", f"/servers/{server_id}", {"server": {"pinned_availability_zone": "other"}}, version="2.104")
    assert wrong.status_code == 409 and wrong.json["conflictingRequest"]["message"] == (
        "Server can only be pinned to its current availability zone 'nova', but 'other' was requested.")
    pinned = demo("PUT", f"/servers/{server_id}", {"server": {"pinned_availability_zone": "nova"}}, version="2.104")
    assert pinned.json["server"]["pinned_availability_zone"] == "nova"


def test_delete_passes_through_deleting_then_404(clock):
    api = Api(make(clock, pace=AfterPolls(1)))
    server_id = api.create().json["server"]["id"]
    status_of(api, server_id)
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    shown = api("GET", f"/servers/{server_id}")
    assert shown.status_code == 404
    assert api("GET", "/servers").json == {"servers": []}


def test_delete_shows_deleting_with_manual_pace(clock):
    from fakenova.domain.pace import Manual

    api = Api(make(clock, paces={"delete": Manual()}))
    server_id = api.create().json["server"]["id"]
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    state = status_of(api, server_id)
    assert (state["status"], state["task"]) == ("ACTIVE", "deleting")


def test_soft_delete_with_reclaim_interval(clock):
    api = Api(make(clock, reclaim_instance_interval=60))
    admin = Api(api.app, "admin", "admin")
    server_id = api.create().json["server"]["id"]
    status_of(api, server_id)
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    assert status_of(api, server_id)["status"] == "SOFT_DELETED"
    assert api("GET", "/servers").json == {"servers": []}
    # As in Nova's database layer, a listing without deleted=true excludes soft-deleted rows even when the
    # status asks for them; deleted=true (admin) includes them.
    assert admin("GET", "/servers?all_tenants=1&status=SOFT_DELETED").json["servers"] == []
    listed = admin("GET", "/servers?all_tenants=1&status=SOFT_DELETED&deleted=true").json["servers"]
    assert [s["id"] for s in listed] == [server_id]
    clock.advance(60)
    assert api("GET", f"/servers/{server_id}").status_code == 404


def lock(app, server_id: str, by: str = "owner") -> None:
    store = app.extensions["fakenova"].store
    store.compute("server", server_id, lambda s: dataclasses.replace(s, locked_by=by))


def test_locked_server_delete_is_409_for_members_and_allowed_for_admins(demo, admin):
    server_id = demo.create().json["server"]["id"]
    lock(demo.app, server_id)
    refused = demo("DELETE", f"/servers/{server_id}")
    assert refused.status_code == 409
    assert refused.json == {"conflictingRequest": {"code": 409, "message": f"Instance {server_id} is locked"}}
    assert demo("PUT", f"/servers/{server_id}", {"server": {"name": "still-editable"}}).status_code == 200
    assert demo("GET", f"/servers/{server_id}", version="2.9").json["server"]["locked"] is True
    assert admin("DELETE", f"/servers/{server_id}").status_code == 204


def test_projects_are_isolated_and_admin_needs_all_tenants(demo, admin, app):
    alt = Api(app, "alt_demo", "alt_demo")
    mine = demo.create().json["server"]["id"]
    theirs = alt.create(name="alt").json["server"]["id"]
    assert [s["id"] for s in demo("GET", "/servers").json["servers"]] == [mine]
    assert demo("GET", f"/servers/{theirs}").status_code == 404
    assert admin("GET", "/servers").json["servers"] == []
    everyone = admin("GET", "/servers?all_tenants=True").json["servers"]
    assert {s["id"] for s in everyone} == {mine, theirs}
    only_demo = admin("GET", f"/servers?all_tenants=1&project_id={DEMO_PROJECT}").json["servers"]
    assert [s["id"] for s in only_demo] == [mine]
    assert admin("GET", f"/servers/{theirs}").status_code == 200


def test_project_id_in_url_is_kept_in_links(demo):
    response = demo("POST", f"/{DEMO_PROJECT}/servers", {"server": {
        "name": "p", "imageRef": IMAGE, "flavorRef": "1"}})
    server_id = response.json["server"]["id"]
    assert response.headers["Location"] == f"http://localhost/compute/v2.1/{DEMO_PROJECT}/servers/{server_id}"
    shown = demo("GET", f"/{DEMO_PROJECT}/servers/{server_id}").json["server"]
    assert shown["links"][1]["href"] == f"http://localhost/compute/{DEMO_PROJECT}/servers/{server_id}"
    assert shown["flavor"]["links"][0]["href"] == f"http://localhost/compute/{DEMO_PROJECT}/flavors/1"


def test_paging_visits_every_server_once_newest_first(clock):
    api = Api(make(clock))
    made = []
    for index in range(7):
        made.append(api.create(name=f"s{index}").json["server"]["id"])
        clock.advance(1)
    seen, path = [], "/servers?limit=3"
    while True:
        body = api("GET", path).json
        seen += [s["id"] for s in body["servers"]]
        if "servers_links" not in body:
            break
        href = body["servers_links"][0]["href"]
        assert parse_qs(urlsplit(href).query)["limit"] == ["3"]
        path = "/servers?" + urlsplit(href).query
    assert seen == list(reversed(made))


def test_name_regex_and_status_filters(demo):
    for name in ("web-1", "web-2", "db"):
        demo.create(name=name)
    names = sorted(s["name"] for s in demo("GET", "/servers?name=^web").json["servers"])
    assert names == ["web-1", "web-2"]
    assert len(demo("GET", "/servers?status=active").json["servers"]) == 3
    assert demo("GET", "/servers?status=SHUTOFF").json["servers"] == []
    assert demo("GET", "/servers?status=bogus", version="2.37").json["servers"] == []


def _bodies(api: Api, version: str, server_id: str):
    yield "POST", "/servers", api.create(version=version).json
    yield "GET", "/servers/{id}", api("GET", f"/servers/{server_id}", version=version).json
    yield "GET", "/servers/detail", api("GET", "/servers/detail?limit=1", version=version).json
    yield "GET", "/servers", api("GET", "/servers?limit=1", version=version).json
    yield "PUT", "/servers/{id}", api("PUT", f"/servers/{server_id}", {"server": {"name": "n"}},
                                      version=version).json


@needs_shared
@pytest.mark.parametrize("user", ["demo", "admin"])
@pytest.mark.parametrize("version", [str(v) for v in all_versions()])
def test_every_body_matches_novas_response_schema(clock, version, user):
    api = Api(make(clock), user, user)
    server_id = api.create(version="2.37", networks="auto", metadata={"k": "v"}).json["server"]["id"]
    for method, path, body in _bodies(api, version, server_id):
        assert schema_errors(method, path, version, body) == [], (method, path)


def test_cached_detail_items_follow_image_changes_from_2_98(demo):
    server_id = demo.create().json["server"]["id"]
    first = demo("GET", "/servers/detail", version="2.98").json["servers"]
    assert first[0]["id"] == server_id and first[0]["image"]["properties"]["os_distro"] == "cirros"
    store = demo.app.extensions["fakenova"].store
    store.compute("image", IMAGE, lambda image: {**image, "properties": {"os_distro": "ubuntu"}})
    again = demo("GET", "/servers/detail", version="2.98").json["servers"]
    assert again[0]["image"]["properties"] == {"os_distro": "ubuntu"}
