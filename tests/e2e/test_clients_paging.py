"""openstacksdk and python-novaclient, unmodified, paging a live five-host fakenova's hypervisor (2.33),
migration (2.59) and usage (2.40) lists: novaclient page by page with ``limit`` and ``marker``, openstacksdk
following the ``hypervisors_links`` Nova returns, each seeing every item once in Nova's order."""
from __future__ import annotations

import datetime

import pytest
from support.apps import control

openstack = pytest.importorskip("openstack")
novaclient_client = pytest.importorskip("novaclient.client")
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
HOSTS = [f"fakenova-compute-{number}" for number in range(1, 6)]


@pytest.fixture
def fleet(cloud):
    control(cloud.app).reset(hosts=len(HOSTS))
    yield cloud
    control(cloud.app).reset()  # the live server's next test starts with the fixtures' one host


def sdk(auth_url: str, version: str):
    return openstack.connect(auth_url=auth_url, username="admin", password="admin", project_name="admin",
                             user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", compute_api_version=version)


def nova(auth_url: str, version: str):
    auth = v3.Password(auth_url=f"{auth_url}/v3", username="admin", password="admin", project_name="admin",
                       user_domain_id="default", project_domain_id="default")
    return novaclient_client.Client(version, session=ks_session.Session(auth=auth))


def pages(fetch, key, limit: int = 2) -> list:
    """Every item of a novaclient list, asked ``limit`` at a time from the last one's ``key``."""
    seen, marker = [], None
    while True:
        page = fetch(limit=limit, marker=marker)
        seen += page
        if len(page) < limit:
            return seen
        marker = getattr(page[-1], key)


def test_hypervisors_page_through_both_clients(fleet, auth_url):
    client = nova(auth_url, "2.33")
    listed = pages(lambda **at: client.hypervisors.list(detailed=True, **at), "id")
    assert [hypervisor.hypervisor_hostname for hypervisor in listed] == HOSTS
    assert [hypervisor.running_vms for hypervisor in listed] == [0] * len(HOSTS)
    conn = sdk(auth_url, "2.53")
    assert [hypervisor.name for hypervisor in conn.compute.hypervisors(details=True, limit=2)] == HOSTS


def _boot(conn) -> str:
    server = conn.compute.create_server(name="vm", flavor_id="1", image_id=IMAGE, networks="none")
    return conn.compute.wait_for_server(server, status="ACTIVE", wait=30).id


def test_migrations_and_usage_page_through_both_clients(fleet, auth_url):
    conn = sdk(auth_url, "2.80")
    servers = [_boot(conn) for _ in range(3)]
    for server in servers:
        conn.compute.migrate_server(server)
    store = fleet.app.extensions["fakenova"].store
    newest_first = [record["uuid"] for record in sorted(store.list("migration"), key=lambda r: -r["id"])]
    assert len(newest_first) == 3
    client = nova(auth_url, "2.59")
    assert [migration.uuid for migration in pages(client.migrations.list, "uuid")] == newest_first
    # (openstacksdk's migrations(limit=...) is left out: after the last page it tries once more with the
    # integer id as marker, which Nova, like fakenova, refuses with 400 "Marker 1 could not be found.")

    clock = fleet.app.extensions["fakenova"].clock
    now = datetime.datetime.fromtimestamp(clock.now(), datetime.timezone.utc).replace(tzinfo=None)
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    client, seen, marker = nova(auth_url, "2.40"), [], None
    for size in (2, 1):  # Nova's (project_id, uuid) order, two servers a page
        (usage,) = client.usage.list(start, end, detailed=True, limit=2, marker=marker)
        assert len(usage.server_usages) == size
        seen += [server["instance_id"] for server in usage.server_usages]
        marker = seen[-1]
    assert seen == sorted(servers)
