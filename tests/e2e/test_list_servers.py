"""Real clients page through filtered server lists while other threads create and delete servers: every
server that exists throughout is seen exactly once, and none twice (openstacksdk and python-novaclient).

The live server here has ``max_limit=5`` so that clients that page by following ``servers_links`` (the SDK)
or by markers (novaclient's ``limit=-1``) need many pages. The writer threads go straight to the store (the
way the control plane seeds servers) so that the quota does not bound them; their loops are bounded.
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable, List

import pytest
from support.apps import control

from fakenova.domain.lifecycle.engine import Action, advance, begin
from fakenova.domain.pace import Immediate

openstack = pytest.importorskip("openstack")
novaclient_client = pytest.importorskip("novaclient.client")
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402

IMAGE_ID = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
STABLE = 23


@pytest.fixture
def paged_server(live_server):
    """The session's live server, reset with ``max_limit=5``."""
    control(live_server.app).reset(max_limit=5)
    return live_server


@pytest.fixture
def world(paged_server):
    """Stable ``pg-`` servers plus a pool that a writer deletes; returns (url, store, stable ids, template)."""
    runtime = paged_server.app.extensions["fakenova"]
    conn = _sdk(f"{paged_server.url}/identity")
    template = conn.compute.create_server(name="template", image_id=IMAGE_ID, flavor_id="1", networks="none")
    conn.compute.wait_for_server(template, wait=30, interval=0)
    store = runtime.store
    record = store.get("server", template.id)
    store.delete("server", template.id)
    stable = [_clone(store, record, f"pg-{index:02d}", record.created_at - 1000 + index) for index in range(STABLE)]
    return f"{paged_server.url}/identity", store, stable, record


def _clone(store: Any, record: Any, name: str, created_at: float) -> str:
    server_id = f"{int(created_at * 1000):016x}-0000-4000-8000-{abs(hash(name)) % 10**12:012d}"
    store.put("server", server_id, dataclasses.replace(record, id=server_id, name=name, created_at=created_at),
              project=record.project_id)
    return server_id


def _churn(store: Any, record: Any, rounds: int) -> List[Callable[[], None]]:
    """Writers: one creates newer servers, one deletes servers of a pool older than every stable one."""
    pool = [_clone(store, record, f"pg-pool-{index}", record.created_at - 5000 + index) for index in range(rounds)]

    def create() -> None:
        for index in range(rounds):
            _clone(store, record, f"pg-new-{index}", record.created_at + 10 + index)

    def delete() -> None:
        for server_id in pool:
            store.compute("server", server_id, lambda s: advance(
                begin(s, Action.DELETE, s.updated_at, pace=Immediate(), is_admin=True), s.updated_at,
                observed=False))
    return [create, delete]


def _during(writers: List[Callable[[], None]], read: Callable[[], List[str]]) -> List[str]:
    threads = [threading.Thread(target=writer) for writer in writers]
    for thread in threads:
        thread.start()
    try:
        return read()
    finally:
        for thread in threads:
            thread.join()


def _sdk(auth_url: str):
    return openstack.connect(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                             user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")


def _nova(auth_url: str):
    auth = v3.Password(auth_url=auth_url, username="demo", password="demo", project_name="demo",
                       user_domain_id="default", project_domain_id="default")
    return novaclient_client.Client("2.79", session=ks_session.Session(auth=auth))


def _check(seen: List[str], stable: List[str]) -> None:
    assert len(seen) == len(set(seen)), "a server was listed twice"
    assert set(stable) <= set(seen), "a server that existed throughout was missed"


def test_openstacksdk_pages_with_filters_during_churn(world):
    auth_url, store, stable, record = world
    conn = _sdk(auth_url)
    seen = _during(_churn(store, record, 60), lambda: [
        server.id for server in conn.compute.servers(details=True, name="^pg-[0-9]", status="ACTIVE", limit=4)])
    _check(seen, stable)
    assert set(seen) == set(stable)  # the name filter excludes the churned servers


def test_novaclient_pages_by_marker_during_churn(world):
    auth_url, store, stable, record = world
    client = _nova(auth_url)
    seen = _during(_churn(store, record, 60), lambda: [
        server.id for server in client.servers.list(search_opts={"name": "^pg-"}, limit=-1)])
    _check(seen, stable)


def test_novaclient_sorted_pages(world):
    auth_url, _, stable, _ = world
    client = _nova(auth_url)
    listed = client.servers.list(search_opts={"name": "^pg-"}, limit=-1, sort_keys=["display_name"],
                                 sort_dirs=["asc"])
    assert [server.name for server in listed] == [f"pg-{index:02d}" for index in range(STABLE)]
