"""``GET /v2.0/ports?device_id=`` answered from the store's device index (IndexedStore), not a scan: the same
ports as before through openstacksdk (moves, deletes, servers that come and go), and no listing of every port."""
from __future__ import annotations

import pytest
from support.apps import control, fresh_app
from support.tokens import auth_headers

openstack = pytest.importorskip("openstack")

N = "/network/v2.0"
PRIVATE_NET = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"


@pytest.fixture
def conn(live_server):
    control(live_server.app).reset()
    return openstack.connect(auth_url=f"{live_server.url}/identity", username="demo", password="demo",
                             project_name="demo", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne")


def _ids(ports) -> list:
    return sorted(port.id for port in ports)


def test_sdk_ports_by_device_follow_creates_moves_and_deletes(conn):
    a1 = conn.network.create_port(network_id=PRIVATE_NET, device_id="dev-a", name="a1")
    a2 = conn.network.create_port(network_id=PRIVATE_NET, device_id="dev-a", name="a2")
    b1 = conn.network.create_port(network_id=PRIVATE_NET, device_id="dev-b", name="b1")
    free = conn.network.create_port(network_id=PRIVATE_NET, name="free")
    assert _ids(conn.network.ports(device_id="dev-a")) == sorted([a1.id, a2.id])
    assert [p.name for p in conn.network.ports(device_id="dev-a", name="a2")] == ["a2"]
    conn.network.update_port(a2, device_id="dev-b")
    assert [p.id for p in conn.network.ports(device_id="dev-a")] == [a1.id]
    assert _ids(conn.network.ports(device_id="dev-b")) == sorted([a2.id, b1.id])
    conn.network.delete_port(b1)
    assert [p.id for p in conn.network.ports(device_id="dev-b")] == [a2.id]
    assert list(conn.network.ports(device_id="nothing")) == []
    # an empty device_id is a value like any other (the ports not on a device), answered by a scan
    assert free.id in [p.id for p in conn.network.ports(device_id="")]


def test_sdk_server_ports_by_device_id_until_the_server_goes(conn):
    mine = conn.network.create_port(network_id=PRIVATE_NET, name="mine")
    server = conn.create_server("indexed", image="cirros", flavor="m1.tiny", nics=[{"port-id": mine.id}],
                                wait=True, timeout=30)
    [bound] = conn.network.ports(device_id=server.id)
    assert (bound.id, bound.device_owner, bound.status) == (mine.id, "compute:nova", "ACTIVE")
    assert conn.delete_server(server.id, wait=True, timeout=30) is True
    # Nova unbinds the user's port: still filed under the server's id in the store, but it reads unbound
    assert list(conn.network.ports(device_id=server.id)) == []
    assert conn.network.get_port(mine.id).device_id == ""


def test_device_id_filter_lists_no_port_kind(monkeypatch):
    app = fresh_app()
    client, demo = app.test_client(), auth_headers(app)
    made = [client.post(f"{N}/ports", json={"port": {"network_id": PRIVATE_NET, "device_id": f"d{i % 2}"}},
                        headers=demo).get_json()["port"]["id"] for i in range(4)]
    store = app.extensions["fakenova"].store
    listing = store.list

    def no_port_scan(kind, project=None):
        assert kind != "port", "a device_id filter scanned every port"
        return listing(kind, project)
    monkeypatch.setattr(store, "list", no_port_scan)
    response = client.get(f"{N}/ports?device_id=d1&device_id=d0&fields=id&fields=device_id", headers=demo)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.get_json() == {"ports": [{"id": made[i], "device_id": f"d{i % 2}"} for i in (1, 3, 0, 2)]}
