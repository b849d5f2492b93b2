"""A server create with ports is all or nothing on both stores: its ports, addresses and the address cursor
are written in the servers' own transaction, so a failure there leaves no port or address behind.

On Redis the fault is the connection lost as the servers' commit goes out (503); on the memory store an
error raised inside the create's compute (a store failure there, 503) must leave nothing either.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest
import redis
from support.apps import fresh_app
from support.server_api import IMAGE, PRIVATE
from support.tokens import auth_headers

from fakenova import Settings, create_app
from fakenova.domain import history
from fakenova.store import StoreUnavailable, open_store
from fakenova.store.redis_store import RedisStore

#: the NIC-making kinds a failed create must leave as they were
KINDS = ("port", "ip_allocation", "ip_cursor", "server", "instance_action")
#: (networks of the request, servers made): a port on a named network, one on the default network, several
CASES = [([{"uuid": PRIVATE}], 1), (None, 1), ([{"uuid": PRIVATE}, {"uuid": PRIVATE}], 1), ([{"uuid": PRIVATE}], 3)]


def _body(networks: Any, count: int) -> Dict[str, Any]:
    server = {"name": "aon", "imageRef": IMAGE, "flavorRef": "1", "min_count": count, "max_count": count}
    return {"server": {**server, **({"networks": networks} if networks is not None else {})}}


def _records(store: Any) -> Dict[str, List[Any]]:
    return {kind: store.list(kind) for kind in KINDS}


def _fails_with_nothing_left(app: Any, networks: Any, count: int) -> None:
    client, headers, store = app.test_client(), auth_headers(app), app.extensions["fakenova"].store
    before = _records(store)
    ports = client.get("/network/v2.0/ports", headers=headers).json["ports"]
    response = client.post("/compute/v2.1/servers", json=_body(networks, count), headers=headers)
    assert response.status_code == 503, response.data
    assert response.headers["Retry-After"] == "1" and response.json["serviceUnavailable"]["code"] == 503
    assert _records(store) == before
    assert client.get("/network/v2.0/ports", headers=headers).json["ports"] == ports


def _succeeds_with_its_ports(app: Any, networks: Any, count: int) -> None:
    client, headers, store = app.test_client(), auth_headers(app), app.extensions["fakenova"].store
    ports = len(store.list("port"))
    response = client.post("/compute/v2.1/servers", json=_body(networks, count), headers=headers)
    assert response.status_code == 202, response.data
    assert len(store.list("port")) == ports + count * len(networks or [None])


@pytest.fixture(scope="module")
def redis_app(redis_server):
    url = redis_server.url.rsplit("/", 1)[0] + "/9"
    open_store(url).client.flushdb()  # type: ignore[attr-defined]
    return create_app(Settings(quota={"instances": -1, "cores": -1, "ram": -1}), store=url)


@pytest.mark.parametrize("networks, count", CASES)
def test_on_redis_a_lost_server_commit_leaves_no_port_or_address(redis_app, monkeypatch, networks, count):
    store = redis_app.extensions["fakenova"].store
    assert isinstance(store, RedisStore)
    real, servers = store.scripts.commit, store.keys.record("server", "")

    def commit(args: List[Any]) -> List[Any]:
        if any(isinstance(arg, str) and arg.startswith(servers) for arg in args[5:]):
            raise redis.ConnectionError("connection lost while sending the commit")
        return real(args)
    monkeypatch.setattr(store.scripts, "commit", commit)
    _fails_with_nothing_left(redis_app, networks, count)
    monkeypatch.undo()
    _succeeds_with_its_ports(redis_app, networks, count)


def _store_fails(*args: Any, **kwargs: Any) -> None:
    raise StoreUnavailable("the store failed inside the create's compute")


@pytest.mark.parametrize("networks, count", CASES)
def test_on_memory_an_error_inside_the_create_leaves_no_port_or_address(monkeypatch, networks, count):
    app = fresh_app()
    monkeypatch.setattr(history, "record_row", _store_fails)  # after the ports and servers are written
    _fails_with_nothing_left(app, networks, count)
    monkeypatch.undo()
    _succeeds_with_its_ports(app, networks, count)
