"""Real clients on fakenova's Glance: openstacksdk (image proxy and cloud layer) and the ``openstack`` CLI
create, upload, download, tag, share and delete images against the live server."""
from __future__ import annotations

import hashlib
import json

import pytest
from support.cli import AVAILABLE, MISSING
from test_openstack_cli import run

openstack = pytest.importorskip("openstack")
ALT_PROJECT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"


def connect(auth_url: str, user: str = "demo"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")


@pytest.fixture
def disk(tmp_path):
    path = tmp_path / "disk.raw"
    path.write_bytes(b"fakenova-disk" * 500)
    return path


def test_sdk_create_upload_download_tag_delete(auth_url, disk):
    conn = connect(auth_url)
    image = conn.image.create_image(name="sdk-img", disk_format="raw", container_format="bare",
                                    filename=str(disk), visibility="private", tags=["one"])
    shown = conn.image.get_image(image.id)
    data = disk.read_bytes()
    assert (shown.status, shown.size, shown.checksum, shown.hash_value, shown.tags) == (
        "active", len(data), hashlib.md5(data).hexdigest(), hashlib.sha512(data).hexdigest(), ["one"])
    assert conn.image.download_image(shown).content == data
    conn.image.add_tag(shown, "two")
    conn.image.remove_tag(shown, "one")
    current = conn.image.get_image(image.id)
    assert current.tags == ["two"]
    conn.image.update_image(current, min_ram=256, purpose="ci")
    updated = conn.image.get_image(image.id)
    assert (updated.min_ram, updated.properties["purpose"]) == (256, "ci")
    conn.image.delete_image(shown)
    assert conn.image.find_image(image.id) is None


def test_sdk_cloud_layer_create_image_and_members(auth_url, disk):
    conn, alt = connect(auth_url), connect(auth_url, "alt_demo")
    image = conn.create_image("cloud-img", filename=str(disk), disk_format="raw", container_format="bare",
                              wait=True, visibility="shared")
    assert image.status == "active"
    member = conn.image.add_member(image.id, member_id=ALT_PROJECT)
    assert (member.member_id, member.status) == (ALT_PROJECT, "pending")
    accepted = alt.image.update_member(member, image.id, status="accepted")
    assert accepted.status == "accepted"
    assert image.id in [found.id for found in alt.image.images()]
    assert [m.member_id for m in conn.image.members(image.id)] == [ALT_PROJECT]
    assert conn.delete_image(image.id, wait=True)


@pytest.mark.skipif(not AVAILABLE, reason=MISSING)
def test_cli_create_set_share_delete(auth_url, disk):
    created = json.loads(run(auth_url, "image", "create", "--file", str(disk), "--disk-format", "raw",
                             "--container-format", "bare", "--shared", "-f", "json", "cli-img"))
    assert (created["status"], created["name"], created["size"]) == ("active", "cli-img", len(disk.read_bytes()))
    run(auth_url, "image", "set", "--property", "os_distro=cirros", "--min-ram", "128", created["id"])
    shown = json.loads(run(auth_url, "image", "show", "-f", "json", created["id"]))
    assert (shown["properties"]["os_distro"], shown["min_ram"]) == ("cirros", 128)
    added = json.loads(run(auth_url, "image", "add", "project", "-f", "json", created["id"], ALT_PROJECT))
    assert (added["member_id"], added["status"]) == (ALT_PROJECT, "pending")
    run(auth_url, "image", "delete", created["id"])
    listed = json.loads(run(auth_url, "image", "list", "-f", "json"))
    assert created["id"] not in [row["ID"] for row in listed]
