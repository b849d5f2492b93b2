"""Issue 12 §8: accessIPv6 in Nova's compact form, createImage metadata, shelve's snapshot and offload time,
an unknown security group on create, and the ``Allow`` header of a 405."""
from __future__ import annotations

import pytest
from support.server_api import IMAGE, PRIVATE, Api, fault, make_app

from fakenova.domain.pace import AfterPolls

LONG_V6 = "0000:0000:0000:0000:0000:babe:220.12.22.2"
SHORT_V6 = "::babe:dc0c:1602"


def act(api: Api, server_id: str, body, version: str = "2.1"):
    return api("POST", f"/servers/{server_id}/action", body, version=version)


def show(api: Api, server_id: str):
    return api("GET", f"/servers/{server_id}").json["server"]


def glance(api: Api, image_id: str):
    return api.client.get(f"/image/v2/images/{image_id}", headers={"X-Auth-Token": api.token})


def test_access_ipv6_is_stored_compact_on_create_update_and_rebuild(demo):
    server_id = demo.server(accessIPv6=LONG_V6)
    assert show(demo, server_id)["accessIPv6"] == SHORT_V6
    demo("PUT", f"/servers/{server_id}", {"server": {"accessIPv6": "2001:0db8:0000:0000:0000:0000:0000:0001"}})
    assert show(demo, server_id)["accessIPv6"] == "2001:db8::1"
    rebuilt = act(demo, server_id, {"rebuild": {"imageRef": IMAGE, "accessIPv6": LONG_V6}})
    assert rebuilt.json["server"]["accessIPv6"] == SHORT_V6 and show(demo, server_id)["accessIPv6"] == SHORT_V6


def test_create_image_metadata_becomes_image_properties(demo):
    response = act(demo, demo.server(), {"createImage": {"name": "snap", "metadata": {"purpose": "test"}}}, "2.45")
    image_id = response.json["image_id"]
    assert glance(demo, image_id).json["purpose"] == "test"
    proxied = demo("GET", f"/images/{image_id}").json["image"]
    assert proxied["metadata"]["purpose"] == "test"


@pytest.mark.parametrize("action,body,image_type,backup_type", [
    # Nova applies the caller's metadata after its own properties, so it may replace ``image_type``...
    ("createImage", {"name": "s", "metadata": {"image_type": "test"}}, "test", None),
    ("createImage", {"name": "s"}, "snapshot", None),
    # ...but a backup's ``backup_type`` is the request's own, whatever the metadata says
    ("createBackup", {"name": "b", "backup_type": "daily", "rotation": 1, "metadata": {"backup_type": "x"}},
     "backup", "daily"),
])
def test_snapshot_metadata_is_applied_over_novas_properties(demo, action, body, image_type, backup_type):
    server_id = demo.server()
    image_id = act(demo, server_id, {action: body}, "2.45").json["image_id"]
    image = glance(demo, image_id).json
    assert (image["image_type"], image.get("backup_type"), image["instance_uuid"]) == (
        image_type, backup_type, server_id)
    assert demo("GET", f"/images/{image_id}").json["image"]["metadata"]["image_type"] == image_type


def _shelved_image(api: Api, server_id: str):
    images = api.client.get("/image/v2/images", headers={"X-Auth-Token": api.token}).json["images"]
    return [image for image in images if image.get("instance_uuid") == server_id]


def test_shelve_snapshots_offloads_at_once_and_unshelve_deletes_the_snapshot(admin):
    server_id = admin.server(name="web")
    act(admin, server_id, {"shelve": None})
    (image,) = _shelved_image(admin, server_id)
    assert image["name"] == "web-shelved" and image["status"] == "active"
    assert show(admin, server_id)["status"] == "SHELVED_OFFLOADED"
    act(admin, server_id, {"unshelve": None})
    server = show(admin, server_id)
    assert server["status"] == "ACTIVE" and server["image"]["id"] == IMAGE
    assert _shelved_image(admin, server_id) == [] and glance(admin, image["id"]).status_code == 404


def test_shelve_keeps_the_host_until_the_offload_time():
    app = make_app(shelved_offload_time=60)
    api = Api(app, "admin", "admin")
    server_id = api.server()
    act(api, server_id, {"shelve": None})
    server = show(api, server_id)
    assert server["status"] == "SHELVED" and server["OS-EXT-SRV-ATTR:host"] == "fakenova-compute"
    app.extensions["fakenova"].clock.advance(59)
    assert show(api, server_id)["status"] == "SHELVED"
    app.extensions["fakenova"].clock.advance(1)
    listed = api("GET", "/servers/detail").json["servers"]
    assert [(s["id"], s["status"], s["OS-EXT-SRV-ATTR:host"]) for s in listed] == [
        (server_id, "SHELVED_OFFLOADED", None)]
    actions = api("GET", f"/servers/{server_id}/os-instance-actions").json["instanceActions"]
    assert [a["action"] for a in actions] == ["shelve", "create"]


def test_shelve_never_offloads_at_minus_one_and_unshelve_from_shelved():
    app = make_app(shelved_offload_time=-1)
    api = Api(app)
    server_id = api.server()
    act(api, server_id, {"shelve": None})
    app.extensions["fakenova"].clock.advance(3000)  # tokens last an hour
    assert show(api, server_id)["status"] == "SHELVED"
    assert act(api, server_id, {"unshelve": None}).status_code == 202
    assert show(api, server_id)["status"] == "ACTIVE" and _shelved_image(api, server_id) == []


def test_the_shelved_snapshot_is_saving_until_shelving_ends():
    api = Api(make_app(paces={"shelve": AfterPolls(4)}))
    server_id = api.server()
    act(api, server_id, {"shelve": None})
    (image,) = _shelved_image(api, server_id)
    assert image["status"] == "saving"
    for _ in range(4):
        show(api, server_id)
    assert glance(api, image["id"]).json["status"] == "active"


@pytest.mark.parametrize("version", ["2.1", "2.52"])
def test_unknown_security_group_on_create_is_400(demo, version):
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}],
            "security_groups": [{"name": "default"}, {"name": "nope"}]}
    response = demo("POST", "/servers", {"server": body}, version=version)
    assert response.status_code == 400
    assert fault(response) == "Unable to find security_group with name or id 'nope'"


def test_a_405_names_the_allowed_methods(demo):
    response = demo("PATCH", "/servers")
    assert response.status_code == 405 and response.json["badMethod"]["code"] == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"  # Flask answers OPTIONS itself
    assert demo("PATCH", "/flavors/1").headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PUT"  # routed at every version


def test_a_member_method_on_a_collection_with_a_trailing_slash_is_404(demo):
    response = demo("DELETE", "/os-security-groups/")
    assert response.status_code == 404 and "Allow" not in response.headers
