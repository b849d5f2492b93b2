"""Glance v2 image writes through the API: create, upload/download, PATCH, delete, (de)activate, tags,
members, schemas and discovery, and the image data limit."""
from __future__ import annotations

import hashlib

import pytest
from glance_support import ALT_PROJECT, CIRROS, DEMO_PROJECT, Glance, glance_error
from support.apps import fresh_app

from fakenova.settings import MAX_REQUEST_BODY

ID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def app():
    return fresh_app(seed=5)


@pytest.fixture
def demo(app):
    return Glance(app)


@pytest.fixture
def alt(app):
    return Glance(app, "alt_demo")


@pytest.fixture
def admin(app):
    return Glance(app, "admin")


def test_create_every_core_property_and_custom_ones(demo):
    image = demo.create(id=ID, name="mine", visibility="private", protected=True, min_ram=512, min_disk=2,
                        tags=["a", "b", "a"], os_hidden=True, os_distro="cirros", purpose="test")
    assert {key: image[key] for key in ("id", "name", "status", "visibility", "protected", "min_ram", "min_disk",
                                        "tags", "os_hidden", "os_distro", "purpose", "owner", "size",
                                        "checksum", "os_hash_algo", "disk_format", "container_format")} == {
        "id": ID, "name": "mine", "status": "queued", "visibility": "private", "protected": True, "min_ram": 512,
        "min_disk": 2, "tags": ["a", "b"], "os_hidden": True, "os_distro": "cirros", "purpose": "test",
        "owner": DEMO_PROJECT, "size": None, "checksum": None, "os_hash_algo": None, "disk_format": "raw",
        "container_format": "bare"}
    assert (image["self"], image["file"], image["schema"]) == (
        f"/v2/images/{ID}", f"/v2/images/{ID}/file", "/v2/schemas/image")
    assert demo("GET", f"/images/{ID}").get_json() == image


def test_create_defaults_to_shared_with_a_generated_id(demo):
    image = demo.create()
    assert (image["visibility"], image["protected"], image["min_ram"], image["name"]) == ("shared", False, 0, None)
    assert len(image["id"]) == 36


def test_upload_download_and_ranges(demo):
    data = b"0123456789" * 100
    image = demo.create(name="data")
    response = demo.upload(image["id"], data)
    assert (response.status_code, response.get_data()) == (204, b"")
    shown = demo("GET", f"/images/{image['id']}").get_json()
    assert (shown["status"], shown["size"], shown["checksum"], shown["os_hash_algo"], shown["os_hash_value"]) == (
        "active", 1000, hashlib.md5(data).hexdigest(), "sha512", hashlib.sha512(data).hexdigest())
    full = demo("GET", f"/images/{image['id']}/file")
    assert (full.status_code, full.headers["Content-Type"], full.headers["Content-MD5"], full.get_data()) == (
        200, "application/octet-stream", shown["checksum"], data)
    for header, status, body, content_range in (("bytes=10-19", 206, data[10:20], "bytes 10-19/1000"),
                                                ("bytes=-5", 206, data[-5:], "bytes 995-999/1000"),
                                                ("bytes=990-", 206, data[990:], "bytes 990-999/1000")):
        part = demo("GET", f"/images/{image['id']}/file", headers={"Range": header})
        assert (part.status_code, part.get_data(), part.headers["Content-Range"]) == (status, body, content_range)
    refused = demo("GET", f"/images/{image['id']}/file", headers={"Range": "bytes=5000-6000"})
    assert refused.status_code == 416
    assert refused.get_json() == glance_error(416, "The Range requested is not available.")


def test_a_seeded_image_downloads_its_recorded_size(demo):
    """The fixtures' cirros is ``active`` with a size but no octets: it serves that many bytes (zeros), as a
    cloud serves the image devstack uploaded, so a copy of it can be uploaded again (no checksum: no MD5)."""
    size = demo("GET", f"/images/{CIRROS}").get_json()["size"]
    full = demo("GET", f"/images/{CIRROS}/file")
    assert (full.status_code, full.headers["Content-Type"], full.headers["Content-Length"]) == (
        200, "application/octet-stream", str(size))
    assert "Content-MD5" not in full.headers
    body = full.get_data()
    assert len(body) == size == 21430272 and body.count(0) == size
    part = demo("GET", f"/images/{CIRROS}/file", headers={"Range": "bytes=-5"})
    assert (part.status_code, part.get_data(), part.headers["Content-Range"], part.headers["Content-Length"]) == (
        206, bytes(5), f"bytes {size - 5}-{size - 1}/{size}", "5")
    copy = demo.create(name="copy", disk_format="qcow2", container_format="bare")
    part = body[:2 * MAX_REQUEST_BODY]  # past the JSON body cap, which image data is not held to
    assert demo.upload(copy["id"], part).status_code == 204
    assert demo("GET", f"/images/{copy['id']}").get_json()["size"] == len(part)


def test_queued_image_downloads_nothing_and_cannot_be_uploaded_twice(demo):
    image = demo.create()
    assert demo("GET", f"/images/{image['id']}/file").status_code == 204
    assert demo.upload(image["id"], b"x").status_code == 204
    again = demo.upload(image["id"], b"y")
    assert (again.status_code, again.get_json()) == (
        409, glance_error(409, "Image status transition from active to saving is not allowed"))


def test_patch_add_replace_remove(demo):
    image = demo.create(name="old", os_distro="cirros")
    response = demo.patch(image["id"], {"op": "replace", "path": "/name", "value": "new"},
                          {"op": "add", "path": "/color", "value": "blue"},
                          {"op": "remove", "path": "/os_distro"},
                          {"op": "replace", "path": "/min_ram", "value": 64},
                          {"op": "add", "path": "/tags", "value": ["x"]})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["color"], body["min_ram"], body["tags"], "os_distro" in body) == (
        "new", "blue", 64, ["x"], False)


def test_delete_frees_data_and_protected_refuses(app, demo):
    store = app.extensions["fakenova"].store
    image = demo.create(protected=True)
    demo.upload(image["id"], b"abc")
    refused = demo("DELETE", f"/images/{image['id']}")
    assert (refused.status_code, refused.get_json()) == (
        403, glance_error(403, f"Image {image['id']} is protected and cannot be deleted."))
    demo.patch(image["id"], {"op": "replace", "path": "/protected", "value": False})
    assert demo("DELETE", f"/images/{image['id']}").status_code == 204
    assert demo("GET", f"/images/{image['id']}").status_code == 404
    assert store.get("image_data", image["id"]) is None


def test_deactivate_reactivate(demo, admin):
    image = demo.create()
    refused = demo("POST", f"/images/{image['id']}/actions/deactivate")
    assert (refused.status_code, refused.get_json()) == (
        403, glance_error(403, "Not allowed to deactivate image in status 'queued'"))
    demo.upload(image["id"], b"data")
    assert demo("POST", f"/images/{image['id']}/actions/deactivate").status_code == 204
    assert demo("GET", f"/images/{image['id']}").get_json()["status"] == "deactivated"
    blocked = demo("GET", f"/images/{image['id']}/file")
    assert (blocked.status_code, blocked.get_json()) == (403, glance_error(
        403, "The requested image has been deactivated. Image data download is forbidden."))
    assert admin("GET", f"/images/{image['id']}/file").get_data() == b"data"
    assert demo("POST", f"/images/{image['id']}/actions/reactivate").status_code == 204
    assert demo("GET", f"/images/{image['id']}").get_json()["status"] == "active"


def test_tags(demo):
    image = demo.create()
    assert demo("PUT", f"/images/{image['id']}/tags/gold").status_code == 204
    assert demo("PUT", f"/images/{image['id']}/tags/gold").status_code == 204
    assert demo("GET", f"/images/{image['id']}").get_json()["tags"] == ["gold"]
    assert demo("DELETE", f"/images/{image['id']}/tags/gold").status_code == 204
    missing = demo("DELETE", f"/images/{image['id']}/tags/gold")
    assert (missing.status_code, missing.get_json()) == (404, glance_error(404, "The resource could not be found."))


def test_members_share_accept_and_visibility(demo, alt):
    image = demo.create(name="shared-one")
    added = demo("POST", f"/images/{image['id']}/members", {"member": ALT_PROJECT})
    assert added.status_code == 200
    assert {key: added.get_json()[key] for key in ("member_id", "image_id", "status", "schema")} == {
        "member_id": ALT_PROJECT, "image_id": image["id"], "status": "pending", "schema": "/v2/schemas/member"}
    listed = lambda: [item["id"] for item in alt("GET", "/images").get_json()["images"]]  # noqa: E731
    assert image["id"] not in listed()
    pending = alt("GET", "/images?member_status=pending").get_json()["images"]
    assert [item["id"] for item in pending if item["id"] == image["id"]] == [image["id"]]
    accepted = alt("PUT", f"/images/{image['id']}/members/{ALT_PROJECT}", {"status": "accepted"})
    assert (accepted.status_code, accepted.get_json()["status"]) == (200, "accepted")
    assert image["id"] in listed()
    owner_try = demo("PUT", f"/images/{image['id']}/members/{ALT_PROJECT}", {"status": "rejected"})
    assert (owner_try.status_code, owner_try.get_json()) == (
        403, glance_error(403, f"Not allowed to update members for image {image['id']}."))
    members = demo("GET", f"/images/{image['id']}/members").get_json()
    assert ([m["member_id"] for m in members["members"]], members["schema"]) == ([ALT_PROJECT], "/v2/schemas/members")
    assert alt("GET", f"/images/{image['id']}/members/{ALT_PROJECT}").get_json()["status"] == "accepted"
    assert demo("DELETE", f"/images/{image['id']}/members/{ALT_PROJECT}").status_code == 204
    assert alt("GET", f"/images/{image['id']}").status_code == 404


def test_list_filters_sorting_and_paging(demo):
    made = [demo.create(name=name, min_ram=index) for index, name in enumerate(("b", "a", "c"))]
    demo.upload(made[0]["id"], b"12345")
    names = lambda query: [i["name"] for i in demo("GET", f"/images?{query}").get_json()["images"]]  # noqa: E731
    assert names("sort=name:asc&visibility=shared") == ["a", "b", "c"]
    assert names("sort_key=name&sort_dir=desc&visibility=shared") == ["c", "b", "a"]
    assert names("size_min=5&size_max=5") == ["b"]
    assert names("status=queued&sort=name:asc") == ["a", "c"]
    assert names("created_at=lt:2000-01-01T00:00:00Z") == []
    page = demo("GET", "/images?limit=2&sort=name:asc&visibility=shared").get_json()
    assert [i["name"] for i in page["images"]] == ["a", "b"]
    assert page["next"] == f"/v2/images?limit=2&sort=name%3Aasc&visibility=shared&marker={made[0]['id']}"
    rest = demo("GET", page["next"][3:]).get_json()
    assert [i["name"] for i in rest["images"]] == ["c"]


def test_schemas_and_discovery(demo, admin):
    image_schema = demo("GET", "/schemas/image").get_json()
    assert image_schema["name"] == "image" and image_schema["additionalProperties"] == {"type": "string"}
    assert image_schema["properties"]["visibility"]["enum"] == ["community", "public", "private", "shared"]
    assert demo("GET", "/schemas/images").get_json()["name"] == "images"
    assert demo("GET", "/schemas/member").get_json()["name"] == "member"
    assert demo("GET", "/schemas/members").get_json()["name"] == "members"
    assert demo("GET", "/info/import").get_json()["import-methods"]["value"] == ["glance-direct"]
    assert demo("GET", "/info/stores").get_json() == glance_error(404, "Multi backend is not supported at this site.")
    assert admin("GET", "/tasks").get_json() == {"tasks": [], "first": "/v2/tasks", "schema": "/v2/schemas/tasks"}
    made = admin("POST", "/tasks", {"type": "import", "input": {"import_from": "http://nowhere.example/x.qcow2"}})
    task = made.get_json()
    assert (made.status_code, made.headers["Location"], task["status"], task["self"], task["created_at"]) == (
        201, f"/v2/tasks/{task['id']}", "failure", f"/v2/tasks/{task['id']}", "2026-01-01T00:00:00Z")
    assert task["message"].startswith("Error: <class 'urllib.error.URLError'>")
    assert admin("GET", f"/tasks/{task['id']}").get_json() == task
    assert [stub["id"] for stub in admin("GET", "/tasks").get_json()["tasks"]] == [task["id"]]
    assert admin("GET", "/tasks/nope").get_json() == glance_error(404, "Could not find task nope")
    assert admin("POST", "/tasks", {"input": {}}).get_json() == glance_error(400, "Task 'type' is required")
    assert demo("GET", "/tasks").get_json() == glance_error(
        403, "You are not authorized to complete tasks_api_access action.")


def test_glance_direct_import(demo):
    image = demo.create()
    staged = demo("PUT", f"/images/{image['id']}/stage", data=b"staged", content_type="application/octet-stream")
    assert staged.status_code == 204
    assert demo("GET", f"/images/{image['id']}").get_json()["status"] == "uploading"
    done = demo("POST", f"/images/{image['id']}/import", {"method": {"name": "glance-direct"}})
    assert done.status_code == 202
    shown = demo("GET", f"/images/{image['id']}").get_json()
    assert (shown["status"], shown["size"]) == ("active", 6)
    assert demo("GET", f"/images/{image['id']}/file").get_data() == b"staged"
    (task,) = demo("GET", f"/images/{image['id']}/tasks").get_json()["tasks"]
    assert (task["type"], task["status"], task["request_id"], task["input"]["import_req"], task["created_at"]) == (
        "api_image_import", "success", done.headers["x-openstack-request-id"], {"method": {"name": "glance-direct"}},
        "2026-01-01T00:00:00.000000")
    again = demo("POST", f"/images/{image['id']}/import", {"method": {"name": "glance-direct"}})
    assert (again.status_code, again.get_json()) == (
        409, glance_error(409, "Image with status active cannot be target for import"))


def test_image_data_limit_is_glances_413_and_nothing_is_kept():
    app = fresh_app(seed=5, image_data_limit=10)
    demo = Glance(app)
    image = demo.create()
    assert demo.upload(image["id"], b"0123456789").status_code == 204
    other = demo.create()
    refused = demo.upload(other["id"], b"x")
    assert (refused.status_code, refused.get_json()) == (413, glance_error(
        413, "Image storage media is full: There is not enough disk space on the image storage media."))
    assert demo("GET", f"/images/{other['id']}").get_json()["status"] == "queued"
    assert app.extensions["fakenova"].store.get("image_data", other["id"]) is None
    demo("DELETE", f"/images/{image['id']}")
    assert demo.upload(other["id"], b"x").status_code == 204


def test_cirros_is_still_listed_and_shown(demo):
    assert demo("GET", f"/images/{CIRROS}").get_json()["name"] == "cirros"
    empty_id = demo("GET", "/images/")
    assert (empty_id.status_code, empty_id.get_json()) == (404, glance_error(404, "The resource could not be found."))
