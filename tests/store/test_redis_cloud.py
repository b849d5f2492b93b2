"""One cloud across processes: ``fakenova serve --store redis://`` (and ``--workers``) against a real redis-server.

Each test talks HTTP to real ``fakenova serve`` processes: two independent ones on two ports sharing one Redis
(so a test knows which process answers), and one ``--workers 2`` for the real-client path.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

import pytest
import requests
from support.redis_server import RedisServer
from support.server_api import IMAGE, PRIVATE

QUOTA = 30
THREADS = 16


class Served:
    """A ``fakenova serve`` process; its URL once it listens."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "FAKENOVA_WORKERS": "1"}
        env.pop("FAKENOVA_WORKER_PORT", None)
        self.process = subprocess.Popen([sys.executable, "-m", "fakenova", "serve", "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        assert self.url.startswith("http://"), "fakenova serve did not start"

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(20)


def _token(url: str, user: str = "demo") -> str:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": user, "domain": {"name": "Default"}}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}}
    response = requests.post(f"{url}/identity/v3/auth/tokens", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


def _create(url: str, token: str, name: str) -> requests.Response:
    body = {"server": {"name": name, "imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}]}}
    return requests.post(f"{url}/compute/v2.1/servers", json=body, headers={"X-Auth-Token": token}, timeout=30)


def _page_all(url: str, token: str, limit: int = 7) -> List[str]:
    """Every server id, page by page (marker = the last id seen)."""
    seen: List[str] = []
    query = f"limit={limit}"
    while True:
        response = requests.get(f"{url}/compute/v2.1/servers?{query}", headers={"X-Auth-Token": token}, timeout=30)
        assert response.status_code == 200, response.text
        page = [server["id"] for server in response.json()["servers"]]
        seen += page
        if len(page) < limit:
            return seen
        query = f"limit={limit}&marker={page[-1]}"


@pytest.fixture(scope="module")
def cloud(redis_server):
    """Two processes serving one cloud from the session's Redis, with a quota the test can reach."""
    redis_server_url = redis_server.url.rsplit("/", 1)[0] + "/3"  # a database of its own
    args = ["--store", redis_server_url, "--quota", f"instances={QUOTA}", "--quota", "cores=-1",
            "--quota", "ram=-1"]
    first = Served(*args)
    second = Served(*args)
    yield first.url, second.url
    first.stop()
    second.stop()


@pytest.fixture()
def fresh(cloud):
    first, _ = cloud
    assert requests.post(f"{first}/_fakenova/reset", json={}, timeout=30).status_code == 200
    return cloud


def test_creates_stop_exactly_at_the_quota_and_paging_sees_each_server_once(fresh):
    urls = list(fresh)
    tokens = {url: _token(url) for url in urls}
    made: List[str] = []
    refused: Dict[int, int] = {}
    lock = threading.Lock()
    stop_paging = threading.Event()
    pages: List[List[str]] = []

    def creator(n: int) -> None:
        url = urls[n % 2]
        for attempt in range(QUOTA):
            response = _create(url, tokens[url], f"vm-{n}-{attempt}")
            with lock:
                if response.status_code == 202:
                    made.append(response.json()["server"]["id"])
                else:
                    refused[response.status_code] = refused.get(response.status_code, 0) + 1
                    assert response.status_code == 403, response.text
                    assert "Quota exceeded for instances" in response.json()["forbidden"]["message"]
                    return

    def pager() -> None:
        while not stop_paging.is_set():
            pages.append(_page_all(urls[0], tokens[urls[0]]))

    paging = threading.Thread(target=pager)
    paging.start()
    with ThreadPoolExecutor(2 * THREADS) as pool:
        list(pool.map(creator, range(2 * THREADS)))
    stop_paging.set()
    paging.join()
    assert len(made) == QUOTA and len(set(made)) == QUOTA
    assert refused == {403: 2 * THREADS}
    for url in urls:  # both processes see exactly the servers made, once each
        listed = _page_all(url, tokens[url])
        assert sorted(listed) == sorted(made)
    assert pages and all(len(page) == len(set(page)) for page in pages)  # paging while writing: no repeats


def test_a_clock_advance_and_a_reset_in_one_process_are_seen_by_the_other(fresh):
    first, second = fresh
    before = requests.get(f"{second}/_fakenova/clock", timeout=10).json()
    moved = requests.post(f"{first}/_fakenova/clock", json={"freeze": True, "advance": 86_400}, timeout=10)
    assert moved.status_code == 200, moved.text
    seen = requests.get(f"{second}/_fakenova/clock", timeout=10).json()
    assert seen["frozen"] is True and seen["epoch"] == moved.json()["epoch"]
    assert seen["epoch"] - before["epoch"] >= 86_400
    token = _token(second)
    assert _create(second, token, "gone-after-reset").status_code == 202
    assert requests.post(f"{first}/_fakenova/reset", json={"settings": {"max_version": "2.60"}},
                         timeout=30).status_code == 200
    listed = requests.get(f"{second}/compute/v2.1/servers", headers={"X-Auth-Token": _token(second)}, timeout=10)
    assert listed.status_code == 200 and listed.json() == {"servers": []}
    versions = requests.get(f"{second}/compute/", timeout=10).json()
    assert versions["versions"][-1]["version"] == "2.60"
    clock = requests.get(f"{second}/_fakenova/clock", timeout=10).json()
    assert clock["frozen"] is False and abs(clock["epoch"] - time.time()) < 60


def test_openstacksdk_boot_list_show_delete_against_two_workers(redis_server):
    openstack = pytest.importorskip("openstack")
    served = Served("--store", redis_server.url.rsplit("/", 1)[0] + "/4", "--workers", "2")
    try:
        conn = openstack.connect(auth_url=f"{served.url}/identity/v3", username="demo", password="demo",
                                 project_name="demo", user_domain_name="Default", project_domain_name="Default",
                                 region_name="RegionOne")
        server = conn.compute.create_server(name="sdk", image_id=IMAGE, flavor_id="1",
                                            networks=[{"uuid": PRIVATE}])
        server = conn.compute.wait_for_server(server, wait=30, interval=0.1)
        assert server.status == "ACTIVE"
        assert [s.id for s in conn.compute.servers()] == [server.id]
        assert conn.compute.get_server(server.id).name == "sdk"
        conn.compute.delete_server(server.id)
        conn.compute.wait_for_delete(server, wait=30, interval=0.1)
        assert list(conn.compute.servers()) == []
    finally:
        served.stop()


#: one request per service and its error shape
SHAPES = [
    ("get", "/compute/v2.1/servers", lambda body: body["serviceUnavailable"]["code"] == 503),
    ("get", "/network/v2.0/networks", lambda body: body["NeutronError"]["type"] == "ServiceUnavailable"),
    ("post", "/identity/v3/auth/tokens", lambda body: body["error"]["code"] == 503),
    # Glance answers in webob's shape, JSON when asked for it
    ("get", "/image/v2/images", lambda body: body["code"] == "503 Service Unavailable"),
]


def _answers_503_quickly(url: str, limit: float) -> None:
    for method, path, shaped in SHAPES:
        started = time.monotonic()
        response = requests.request(method, url + path, headers={"X-Auth-Token": "t", "Accept": "application/json"},
                                    json={}, timeout=30)
        assert time.monotonic() - started < limit
        assert response.status_code == 503 and response.headers["Retry-After"] == "1", (path, response.text)
        assert shaped(response.json()), response.text


def test_redis_down_or_stalled_answers_503_and_serving_resumes_without_restart(tmp_path):
    redis = RedisServer().start()
    served = Served("--store", redis.url + "?socket_timeout=0.5&socket_connect_timeout=0.5")
    try:
        token = _token(served.url)
        assert _create(served.url, token, "survives-a-stall").status_code == 202
        os.kill(redis.process.pid, signal.SIGSTOP)  # slow: the store's timeout bounds every request
        try:
            _answers_503_quickly(served.url, limit=2.0)
        finally:
            os.kill(redis.process.pid, signal.SIGCONT)
        listed = requests.get(f"{served.url}/compute/v2.1/servers", headers={"X-Auth-Token": token}, timeout=10)
        assert listed.status_code == 200 and [s["name"] for s in listed.json()["servers"]] == ["survives-a-stall"]
        redis.process.terminate()  # down: refused at once
        redis.process.wait(10)
        _answers_503_quickly(served.url, limit=2.0)
        redis.start()  # back, empty: the cloud is seeded again on the next request
        response = requests.get(f"{served.url}/compute/v2.1/servers",
                                headers={"X-Auth-Token": _token(served.url)}, timeout=10)
        assert response.status_code == 200 and response.json() == {"servers": []}
    finally:
        served.stop()
        redis.stop()
