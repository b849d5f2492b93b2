"""openstacksdk, unmodified, against a live fakenova: the whole server life at several microversions."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")


def connect(auth_url: str, user: str = "demo", project: str = "demo", compute_api_version=None):
    kwargs = {"compute_api_version": compute_api_version} if compute_api_version else {}
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=project,
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", **kwargs)


@pytest.mark.parametrize("version", ["2.1", "2.37", "2.47", None], ids=["2.1", "2.37", "2.47", "latest"])
def test_cloud_layer_server_life(auth_url, version):
    conn = connect(auth_url, compute_api_version=version)
    server = conn.create_server("sdk-vm", image="cirros", flavor="m1.tiny", network="private", wait=True,
                                timeout=30)
    assert server.status == "ACTIVE" and server.name == "sdk-vm"
    # like devstack, the SDK attached a floating IP from "public" (auto_ip); the object it returns after that
    # is a plain read without the computed *_v4 attributes, so read the server again for them
    fetched = conn.get_server(server.id)
    assert fetched.private_v4.startswith("10.0.0.") and fetched.public_v4.startswith("172.24.4.")
    listed = conn.list_servers()
    assert [s.id for s in listed] == [server.id]
    assert fetched.id == server.id and fetched.image.id == conn.get_image("cirros").id
    renamed = conn.update_server(server.id, name="sdk-renamed")
    assert renamed.name == "sdk-renamed"
    assert conn.delete_server(server.id, wait=True, timeout=30) is True
    assert conn.get_server(server.id) is None
    assert conn.list_servers() == []


def test_proxy_layer_with_auto_network_at_2_37(auth_url):
    conn = connect(auth_url, compute_api_version="2.37")
    image = conn.image.find_image("cirros")
    flavor = conn.compute.find_flavor("m1.small")
    server = conn.compute.create_server(name="auto", image_id=image.id, flavor_id=flavor.id, networks="auto")
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=30)
    assert server.addresses["private"][0]["addr"].startswith("10.0.0.")
    assert server.flavor["id"] == flavor.id
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=30)
    assert conn.compute.find_server(server.id) is None


def test_flavor_is_embedded_from_2_47(auth_url):
    conn = connect(auth_url, compute_api_version="2.47")
    server = conn.create_server("emb", image="cirros", flavor="m1.medium", network="private", wait=True)
    assert server.flavor.original_name == "m1.medium" and server.flavor.vcpus == 2
    assert server.flavor.ram == 4096


def test_member_cannot_see_other_projects_server_admin_can_with_all_tenants(auth_url):
    demo = connect(auth_url)
    alt = connect(auth_url, user="alt_demo", project="alt_demo")
    admin = connect(auth_url, user="admin", project="admin")
    server = demo.create_server("mine", image="cirros", flavor="m1.tiny", network="private", wait=True)
    assert alt.get_server(server.id) is None
    assert alt.list_servers() == []
    with pytest.raises(openstack.exceptions.NotFoundException):
        alt.compute.delete_server(server.id, ignore_missing=False)
    assert admin.list_servers() == []
    assert [s.id for s in admin.list_servers(all_projects=True)] == [server.id]
    assert admin.compute.get_server(server.id).id == server.id


def test_quota_exceeded_is_403_with_novas_message(auth_url):
    conn = connect(auth_url)
    for index in range(10):
        conn.compute.create_server(name=f"q{index}", image_id=conn.get_image("cirros").id, flavor_id="1",
                                   networks=[{"uuid": conn.get_network("private").id}])
    with pytest.raises(openstack.exceptions.ForbiddenException) as caught:
        conn.compute.create_server(name="eleventh", image_id=conn.get_image("cirros").id, flavor_id="1",
                                   networks=[{"uuid": conn.get_network("private").id}])
    assert "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances" in str(caught.value)
