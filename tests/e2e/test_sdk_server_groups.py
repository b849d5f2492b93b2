"""Real clients on server groups: openstacksdk's compute proxy and novaclient's ``server_groups`` manager."""
from __future__ import annotations

import pytest

openstack = pytest.importorskip("openstack")

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"


def connect(auth_url: str, version: str):
    return openstack.connect(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


@pytest.mark.parametrize("version", ["2.1", "2.64"])
def test_sdk_create_list_get_delete(auth_url, version):
    conn = connect(auth_url, version)
    group = conn.compute.create_server_group(name="sdk-group", policy="anti-affinity")
    assert group.name == "sdk-group" and group.policy == "anti-affinity"
    assert [g.id for g in conn.compute.server_groups()] == [group.id]
    fetched = conn.compute.get_server_group(group.id)
    shown = fetched.policy if version == "2.64" else fetched.policies[0]  # the SDK keeps Nova's two shapes
    assert (shown, fetched.member_ids) == ("anti-affinity", [])
    conn.compute.delete_server_group(group)
    assert list(conn.compute.server_groups()) == []
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_server_group(group.id)


def test_sdk_members_and_no_valid_host(auth_url):
    conn = connect(auth_url, "2.71")
    group = conn.compute.create_server_group(name="g", policy="anti-affinity", rules={"max_server_per_host": 1})
    network = conn.get_network("private").id
    servers = [conn.compute.create_server(name=f"m{n}", flavor_id="1", image_id=IMAGE,
                                          networks=[{"uuid": network}], scheduler_hints={"group": group.id})
               for n in range(2)]
    first = conn.compute.wait_for_server(servers[0], status="ACTIVE", wait=30)
    assert first.server_groups == [group.id]
    second = conn.compute.wait_for_server(servers[1], status="ERROR", failures=[], wait=30)
    assert second.fault["message"] == "No valid host was found. There are not enough hosts available."
    assert sorted(conn.compute.get_server_group(group.id).member_ids) == sorted(s.id for s in servers)


def test_novaclient_server_groups(auth_url):
    client_module = pytest.importorskip("novaclient.client")
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    auth = v3.Password(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                       user_domain_id="default", project_domain_id="default")
    nova = client_module.Client("2.64", session=ks_session.Session(auth=auth))
    group = nova.server_groups.create(name="nc-group", policy="soft-anti-affinity")
    assert group.policy == "soft-anti-affinity" and group.members == []
    assert [g.id for g in nova.server_groups.list()] == [group.id]
    assert nova.server_groups.get(group.id).name == "nc-group"
    nova.server_groups.delete(group.id)
    assert nova.server_groups.list() == []
