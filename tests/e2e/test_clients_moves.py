"""openstacksdk and python-novaclient, unmodified, moving servers between the hosts of a live two-host
fakenova: cold migration with confirm, live migration, evacuation from a forced-down host, unshelve to a
host, and the one-host "no valid host" answer of a live migration before 2.34."""
from __future__ import annotations

import pytest
from support.apps import control

openstack = pytest.importorskip("openstack")
novaclient_client = pytest.importorskip("novaclient.client")

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
HOST1, HOST2 = "fakenova-compute-1", "fakenova-compute-2"


@pytest.fixture
def two_hosts(cloud):
    control(cloud.app).reset(hosts=2)
    yield cloud
    control(cloud.app).reset()  # the live server's next test starts with the fixtures' one host


def admin(auth_url: str, version: str = "2.95"):
    return openstack.connect(auth_url=auth_url, username="admin", password="admin", project_name="admin",
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


def boot(conn):
    server = conn.compute.create_server(name="mover", flavor_id="1", image_id=IMAGE, networks="none")
    return conn.compute.wait_for_server(server, status="ACTIVE", wait=30)


def test_sdk_cold_migrates_and_confirms(two_hosts, auth_url):
    conn = admin(auth_url)
    server = boot(conn)
    assert server.compute_host == HOST1
    conn.compute.migrate_server(server)
    moved = conn.compute.wait_for_server(server, status="VERIFY_RESIZE", wait=30)
    assert moved.compute_host == HOST2
    conn.compute.confirm_server_resize(server)
    assert conn.compute.wait_for_server(server, status="ACTIVE", wait=30).compute_host == HOST2
    (migration,) = conn.compute.migrations()
    assert (migration.migration_type, migration.status, migration.dest_compute) == ("migration", "confirmed", HOST2)


@pytest.mark.parametrize("version,host,force", [("2.25", None, False), ("2.30", HOST2, True), ("2.68", HOST2, False)])
def test_sdk_live_migrates(two_hosts, auth_url, version, host, force):
    conn = admin(auth_url, version)
    server = boot(admin(auth_url))
    conn.compute.live_migrate_server(server, host=host, force=force, block_migration="auto")
    assert conn.compute.get_server(server.id).compute_host == HOST2
    (migration,) = conn.compute.migrations()
    assert (migration.migration_type, migration.status) == ("live-migration", "completed")


def test_sdk_evacuates_from_a_forced_down_host(two_hosts, auth_url):
    conn = admin(auth_url)
    server = boot(conn)
    service = next(conn.compute.services(host=HOST1, binary="nova-compute"))
    conn.compute.update_service_forced_down(service, HOST1, "nova-compute", True)
    conn.compute.evacuate_server(server)
    evacuated = conn.compute.wait_for_server(server, status="SHUTOFF", wait=30)  # 2.95: left stopped
    assert evacuated.compute_host == HOST2


def test_sdk_evacuation_from_a_host_that_is_up_is_refused(two_hosts, auth_url):
    conn = admin(auth_url)
    server = boot(conn)
    with pytest.raises(openstack.exceptions.BadRequestException) as refused:
        conn.compute.evacuate_server(server)
    assert f"Compute service of {HOST1} is still in use." in str(refused.value)


def test_sdk_unshelves_to_a_host(two_hosts, auth_url):
    conn = admin(auth_url, "2.91")
    server = boot(conn)
    conn.compute.shelve_server(server)
    conn.compute.wait_for_server(server, status="SHELVED_OFFLOADED", wait=30)
    conn.compute.unshelve_server(server, host=HOST2)
    assert conn.compute.wait_for_server(server, status="ACTIVE", wait=30).compute_host == HOST2


def test_novaclient_live_migration_on_one_host_finds_no_valid_host(cloud, auth_url):
    from keystoneauth1 import loading
    from keystoneauth1 import session as ks_session
    from novaclient import exceptions

    auth = loading.get_plugin_loader("password").load_from_options(
        auth_url=auth_url, username="admin", password="admin", project_name="admin",
        user_domain_name="Default", project_domain_name="Default")
    nova = novaclient_client.Client("2.33", session=ks_session.Session(auth=auth))
    server = boot(admin(auth_url))
    with pytest.raises(exceptions.BadRequest) as refused:
        nova.servers.live_migrate(server.id, None, "auto")
    assert "No valid host was found. There are not enough hosts available." in str(refused.value)
    nova.servers.migrate(server.id)  # cold: accepted, then the conductor finds no host either
    assert nova.servers.get(server.id).status == "ACTIVE"
    assert [m.status for m in nova.migrations.list()] == ["error"]
