"""A server create is all or nothing on both stores: its ports, addresses, the address cursor and its boot
volumes (new records, attachments) are written in the servers' own transaction, so a failure there leaves no
port, address, volume, attachment or quota usage behind.

On Redis the fault is the connection lost as the servers' commit goes out (503); on the memory store an
error raised inside the create's compute (a store failure there, 503) must leave nothing either.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List

import pytest
import redis
from support.apps import fresh_app
from support.cinder_api import VOL1, Cinder
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


def _losing_server_commits(store: Any) -> Callable[[List[Any]], List[Any]]:
    """The store's commit, except that a commit writing a server loses its connection as it is sent."""
    assert isinstance(store, RedisStore)
    real, servers = store.scripts.commit, store.keys.record("server", "")

    def commit(args: List[Any]) -> List[Any]:
        if any(isinstance(arg, str) and arg.startswith(servers) for arg in args[5:]):
            raise redis.ConnectionError("connection lost while sending the commit")
        return real(args)
    return commit


@pytest.mark.parametrize("networks, count", CASES)
def test_on_redis_a_lost_server_commit_leaves_no_port_or_address(redis_app, monkeypatch, networks, count):
    store = redis_app.extensions["fakenova"].store
    monkeypatch.setattr(store.scripts, "commit", _losing_server_commits(store))
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


#: the placeholder of the ``uuid`` of a snapshot source, the id of a snapshot of VOL1 made in the app first
SNAPSHOT = "<snapshot of VOL1>"
#: source -> (the server's image, its one block device mapping of destination volume): a root volume made from
#: an image or a snapshot (deleted with the server), a blank data volume next to the image (kept)
BDMS: Dict[str, Any] = {
    "image": (
        "", {"source_type": "image", "uuid": IMAGE, "boot_index": 0, "volume_size": 1,
             "delete_on_termination": True}),
    "blank": (
        IMAGE, {"source_type": "blank", "boot_index": None, "volume_size": 2, "delete_on_termination": False}),
    "snapshot": (
        "", {"source_type": "snapshot", "uuid": SNAPSHOT, "boot_index": 0, "delete_on_termination": True}),
}
VOLUME_CASES = [(source, count) for source in BDMS for count in (1, 2)]
#: what a failed boot-from-volume create must leave as it was, besides the NIC-making kinds
VOLUME_KINDS = (*KINDS, "volume", "volume_snapshot")


def _snapshot(cinder: Cinder) -> str:
    """A snapshot of VOL1 (made once per app; the Redis app lives for the module)."""
    listed = cinder("GET", "/snapshots").json["snapshots"]
    if listed:
        return str(listed[0]["id"])
    made = cinder("POST", "/snapshots", {"snapshot": {"volume_id": VOL1, "name": "aon"}})
    assert made.status_code == 202, made.json
    return str(made.json["snapshot"]["id"])


def _volume_body(cinder: Cinder, source: str, count: int) -> Dict[str, Any]:
    image, bdm = BDMS[source]
    bdm = {**bdm, "destination_type": "volume", **({"uuid": _snapshot(cinder)} if source == "snapshot" else {})}
    return {"server": {"name": "bfv", "imageRef": image, "flavorRef": "1", "min_count": count, "max_count": count,
                       "networks": [{"uuid": PRIVATE}], "block_device_mapping_v2": [bdm]}}


def _usage(cinder: Cinder) -> Dict[str, Any]:
    """What the project's quotas count, as Cinder's and Nova's APIs show them."""
    volumes = cinder("GET", f"/os-quota-sets/{cinder.project_id}?usage=True")
    servers = cinder.nova("GET", f"/os-quota-sets/{cinder.project_id}/detail")
    assert volumes.status_code == 200 and servers.status_code == 200
    return {"cinder": volumes.json["quota_set"], "nova": servers.json["quota_set"]}


def _shown(cinder: Cinder) -> Dict[str, Any]:
    volumes = cinder("GET", "/volumes/detail")
    servers = cinder.nova("GET", "/servers/detail")
    assert volumes.status_code == 200 and servers.status_code == 200
    return {"volumes": volumes.json["volumes"], "servers": servers.json["servers"],
            "attachments": cinder("GET", "/attachments", version="3.27").json["attachments"], **_usage(cinder)}


def _armed(monkeypatch: Any, owner: Any, name: str, failing: Callable[..., Any]) -> Callable[[], None]:
    """``owner.name`` replaced by ``failing``; what puts it back."""
    monkeypatch.setattr(owner, name, failing)
    return monkeypatch.undo


def _volume_fails_with_nothing_left(app: Any, source: str, count: int, fault: Callable[[], Any]) -> None:
    """With ``fault`` armed (after the reads before, which settle records and so commit), the create is a 503
    that leaves every record, listing and quota usage as it was."""
    cinder, store = Cinder(app), app.extensions["fakenova"].store
    body = _volume_body(cinder, source, count)
    shown = _shown(cinder)  # first: its reads settle the records the raw lists compare
    before = {kind: store.list(kind) for kind in VOLUME_KINDS}
    disarm = fault()
    response = cinder.nova("POST", "/servers", body)
    disarm()
    assert response.status_code == 503, response.data
    assert response.headers["Retry-After"] == "1" and response.json["serviceUnavailable"]["code"] == 503
    assert {kind: store.list(kind) for kind in VOLUME_KINDS} == before
    assert _shown(cinder) == shown


def _volume_succeeds_as_before(app: Any, source: str, count: int) -> None:
    """Each server has its own new volume, in-use and attached to it; deleting the servers deletes or frees
    their volumes as ``delete_on_termination`` says."""
    cinder = Cinder(app)
    made = cinder.nova("POST", "/servers", {"server": {**_volume_body(cinder, source, count)["server"],
                                                       "return_reservation_id": True}})
    assert made.status_code == 202, made.data
    reservation = made.json["reservation_id"]
    servers = cinder.nova("GET", f"/servers/detail?reservation_id={reservation}").json["servers"]
    assert len(servers) == count and {server["status"] for server in servers} == {"ACTIVE"}
    keep = not BDMS[source][1]["delete_on_termination"]
    pairs = []
    for server in servers:
        (attached,) = server["os-extended-volumes:volumes_attached"]
        assert attached == {"id": attached["id"], "delete_on_termination": not keep}
        volume = cinder("GET", f"/volumes/{attached['id']}").json["volume"]
        assert volume["status"] == "in-use" and volume["size"] == BDMS[source][1].get("volume_size", 1)
        assert [item["server_id"] for item in volume["attachments"]] == [server["id"]]
        assert volume["bootable"] == str(source == "image").lower()
        pairs.append((server["id"], attached["id"]))
    for server_id, volume_id in pairs:
        assert cinder.nova("DELETE", f"/servers/{server_id}").status_code == 204
        after = cinder("GET", f"/volumes/{volume_id}")
        if keep:
            assert after.status_code == 200 and after.json["volume"]["status"] == "available"
            assert after.json["volume"]["attachments"] == []
        else:
            assert after.status_code == 404, after.json


@pytest.mark.parametrize("source, count", VOLUME_CASES)
def test_on_redis_a_lost_server_commit_leaves_no_boot_volume(redis_app, monkeypatch, source, count):
    store = redis_app.extensions["fakenova"].store
    _volume_fails_with_nothing_left(redis_app, source, count, lambda: _armed(
        monkeypatch, store.scripts, "commit", _losing_server_commits(store)))
    _volume_succeeds_as_before(redis_app, source, count)


@pytest.mark.parametrize("source, count", VOLUME_CASES)
def test_on_memory_an_error_inside_the_create_leaves_no_boot_volume(monkeypatch, source, count):
    app = fresh_app()
    # the action log is written after the volumes and servers
    _volume_fails_with_nothing_left(app, source, count, lambda: _armed(monkeypatch, history, "record_row",
                                                                        _store_fails))
    _volume_succeeds_as_before(app, source, count)
