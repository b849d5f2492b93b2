"""openstacksdk and python-novaclient, unmodified, against a live fakenova: os-migrations, a server's live
migrations (list, show, force complete, abort) and os-simple-tenant-usage."""
from __future__ import annotations

import dataclasses
import datetime

import pytest
from support.apps import control

from fakenova.domain.states import TaskState

openstack = pytest.importorskip("openstack")
novaclient_client = pytest.importorskip("novaclient.client")

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"


def connect(auth_url: str, user: str = "demo", version: str = "2.80"):
    return openstack.connect(auth_url=auth_url, username=user, password=user, project_name=user,
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


def boot(conn):
    server = conn.compute.create_server(name="mover", flavor_id="1", image_id=IMAGE,
                                        networks=[{"uuid": conn.get_network("private").id}])
    return conn.compute.wait_for_server(server, status="ACTIVE", wait=30)


def around_now(cloud):
    """A day either side of the live server's clock (Nova caps the end at now)."""
    now = datetime.datetime.fromtimestamp(cloud.app.extensions["fakenova"].clock.now(), datetime.timezone.utc)
    naive = now.replace(tzinfo=None)
    return naive - datetime.timedelta(days=1), naive + datetime.timedelta(days=1)


def nova(auth_url: str, version: str):
    from keystoneauth1 import loading
    from keystoneauth1 import session as ks_session

    auth = loading.get_plugin_loader("password").load_from_options(
        auth_url=auth_url, username="admin", password="admin", project_name="admin",
        user_domain_name="Default", project_domain_name="Default")
    return novaclient_client.Client(version, session=ks_session.Session(auth=auth))


def live_migrating(cloud, server_id: str, number: int = 41) -> str:
    """An in-progress live migration of ``server_id`` (one host cannot run a real one), returning its id."""
    store = cloud.app.extensions["fakenova"].store
    record = {"id": number, "uuid": f"bbbbbbbb-2222-4333-8444-{number:012d}", "instance_uuid": server_id,
              "source_compute": "fakenova-compute", "dest_compute": "compute-2", "source_node": "fakenova-compute",
              "dest_node": "compute-2", "dest_host": "127.0.0.1", "status": "running",
              "migration_type": "live-migration", "created_at": 0.0, "updated_at": 0.0, "project_id": DEMO,
              "user_id": "u", "old_instance_type_id": 1, "new_instance_type_id": 1, "hidden": False}
    store.put("migration", record["uuid"], record)
    store.compute("server", server_id, lambda s: dataclasses.replace(s, task_state=TaskState.MIGRATING))
    return str(number)


def test_sdk_lists_a_resize_among_migrations(cloud, auth_url):
    demo, admin = connect(auth_url), connect(auth_url, "admin")
    server = boot(demo)
    demo.compute.resize_server(server, "2")
    (migration,) = admin.compute.migrations()
    assert migration.server_id == server.id and migration.migration_type == "resize"
    assert migration.new_flavor_id == 2 and migration.project_id == DEMO
    assert list(admin.compute.migrations(migration_type="live-migration")) == []


def test_sdk_server_migrations_show_force_complete_and_abort(cloud, auth_url):
    demo, admin = connect(auth_url), connect(auth_url, "admin")
    server = boot(demo)
    migration_id = live_migrating(cloud, server.id)
    (listed,) = admin.compute.server_migrations(server)
    assert listed.id == int(migration_id) and listed.status == "running"
    shown = admin.compute.get_server_migration(migration_id, server)
    assert shown.dest_compute == "compute-2"
    admin.compute.force_complete_server_migration(migration_id, server)
    admin.compute.abort_server_migration(migration_id, server)
    assert list(admin.compute.server_migrations(server)) == []
    actions = [a.action for a in demo.compute.server_actions(server)]
    assert actions[:2] == ["live_migration_cancel", "live_migration_force_complete"]


def test_sdk_usage(cloud, auth_url):
    demo, admin = connect(auth_url), connect(auth_url, "admin")
    server = boot(demo)
    control(cloud.app).clock.advance(1800)
    usage = demo.compute.get_usage(DEMO, *around_now(cloud))
    assert usage.total_hours == pytest.approx(0.5, abs=0.01) and usage.server_usages[0]["instance_id"] == server.id
    (everyone,) = admin.compute.usages(*around_now(cloud), detailed=True)
    assert everyone.project_id == DEMO and everyone.total_vcpus_usage == pytest.approx(0.5, abs=0.01)


def test_novaclient_migrations_and_usage(cloud, auth_url):
    demo = connect(auth_url)
    server = boot(demo)
    demo.compute.resize_server(server, "2")
    control(cloud.app).clock.advance(1800)
    client = nova(auth_url, "2.80")
    (migration,) = client.migrations.list(instance_uuid=server.id)
    assert migration.migration_type == "resize" and migration.user_id
    assert client.migrations.list(limit=1, marker=migration.uuid) == []
    (usage,) = client.usage.list(*around_now(cloud), detailed=True)
    assert usage.tenant_id == DEMO and usage.total_hours == pytest.approx(0.5, abs=0.01)
    assert client.usage.get(DEMO, *around_now(cloud)).server_usages[0]["flavor"] == "m1.small"
