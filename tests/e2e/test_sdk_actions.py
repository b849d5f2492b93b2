"""openstacksdk, unmodified, driving server actions against a live fakenova (each action, then its wait)."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")


def connect(auth_url: str, user: str = "demo", version=None):
    kwargs = {"compute_api_version": version} if version else {}
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne",
                             **kwargs)


@pytest.fixture
def conn(auth_url):
    return connect(auth_url)


@pytest.fixture
def server(conn):
    image = conn.image.find_image("cirros")
    network = conn.network.find_network("private")
    made = conn.compute.create_server(name="acts", image_id=image.id, flavor_id="1",
                                      networks=[{"uuid": network.id}])
    return conn.compute.wait_for_server(made, status="ACTIVE", wait=30)


def wait(conn, server, status):
    return conn.compute.wait_for_server(server, status=status, wait=30, interval=0.01)


def test_stop_start_reboot(conn, server):
    conn.compute.stop_server(server)
    assert wait(conn, server, "SHUTOFF").power_state == 4
    conn.compute.start_server(server)
    wait(conn, server, "ACTIVE")
    conn.compute.reboot_server(server, "SOFT")
    wait(conn, server, "ACTIVE")
    conn.compute.reboot_server(server, "HARD")
    assert wait(conn, server, "ACTIVE").power_state == 1


def test_pause_unpause_suspend_resume(conn, server):
    conn.compute.pause_server(server)
    wait(conn, server, "PAUSED")
    conn.compute.unpause_server(server)
    wait(conn, server, "ACTIVE")
    conn.compute.suspend_server(server)
    wait(conn, server, "SUSPENDED")
    conn.compute.resume_server(server)
    wait(conn, server, "ACTIVE")


def test_lock_then_delete_as_demo_is_a_conflict(conn, server):
    conn.compute.lock_server(server)
    with pytest.raises(openstack.exceptions.ConflictException) as caught:
        conn.compute.delete_server(server)
    assert f"Instance {server.id} is locked" in str(caught.value)
    conn.compute.unlock_server(server)
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=30)


def test_resize_confirm_and_revert(conn, server):
    conn.compute.resize_server(server, "2")
    assert wait(conn, server, "VERIFY_RESIZE").flavor.original_name == "m1.small"
    conn.compute.confirm_server_resize(server)
    wait(conn, server, "ACTIVE")
    conn.compute.resize_server(server, "3")
    wait(conn, server, "VERIFY_RESIZE")
    conn.compute.revert_server_resize(server)
    assert wait(conn, server, "ACTIVE").flavor.original_name == "m1.small"


def test_rebuild(conn, server):
    image = conn.image.find_image("cirros")
    rebuilt = conn.compute.rebuild_server(server, image, name="reborn", admin_password="pw")
    assert rebuilt.name == "reborn"
    assert wait(conn, server, "ACTIVE").name == "reborn"


def test_rescue_unrescue_shelve_unshelve(conn, server):
    conn.compute.rescue_server(server, admin_pass="pw")
    wait(conn, server, "RESCUE")
    conn.compute.unrescue_server(server)
    wait(conn, server, "ACTIVE")
    conn.compute.shelve_server(server)
    wait(conn, server, "SHELVED_OFFLOADED")
    conn.compute.unshelve_server(server)
    wait(conn, server, "ACTIVE")


def test_snapshot_is_visible_in_glance(conn, server):
    image = conn.compute.create_server_image(server, "sdk-snap", metadata={"purpose": "e2e"}, wait=True,
                                             timeout=30)
    assert image.status == "active"
    names = {found.name: found for found in conn.image.images()}
    assert names["sdk-snap"].owner == server.project_id


def test_instance_actions_list(conn, server):
    conn.compute.stop_server(server)
    wait(conn, server, "SHUTOFF")
    listed = [action.action for action in conn.compute.server_actions(server)]
    assert listed == ["stop", "create"]


def test_console_output_and_remote_console(auth_url, server):
    conn = connect(auth_url, version="2.6")
    output = conn.compute.get_server_console_output(server, length=1)
    assert output["output"].endswith("login: ")
    console = conn.compute.create_server_remote_console(server, protocol="vnc", type="novnc")
    assert console.url.startswith("http://127.0.0.1:6080/")
