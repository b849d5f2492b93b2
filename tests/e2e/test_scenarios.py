"""Every bundled scenario, proven with a real client (openstacksdk or novaclient) against the plugin's live server.

Each test names its scenario with the pytest marker, as a user of the plugin would; none of them sleeps (paces
count reads, and the soft-delete interval passes on the fake cloud's clock).
"""
from __future__ import annotations

import pytest
import requests

openstack = pytest.importorskip("openstack")
from openstack import exceptions  # noqa: E402

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"   # cirros, fixed in fixtures/catalogue/images.yaml
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"  # the private network


def boot(conn, name: str = "vm", flavor: str = "1", wait: bool = True):
    server = conn.compute.create_server(name=name, image_id=IMAGE, flavor_id=flavor, networks=[{"uuid": PRIVATE}])
    if wait:
        server = conn.compute.wait_for_server(server, status="ACTIVE", interval=0.01, wait=10)
    return server


def statuses(conn, server, reads: int):
    return [conn.compute.get_server(server.id).status for _ in range(reads)]


@pytest.mark.fakenova(scenario="locked-delete", strict=True)
def test_locked_delete_answers_409(fakenova):
    conn = fakenova.connection()
    server = boot(conn)
    with pytest.raises(exceptions.ConflictException, match=f"Instance {server.id} is locked"):
        conn.compute.delete_server(server)
    assert conn.compute.get_server(server.id).status == "ACTIVE"
    fakenova.journal.assert_called("DELETE", "/servers/{id}", times=1)


@pytest.mark.fakenova(scenario="build-error", strict=True)
def test_build_error_ends_in_error_with_no_valid_host(fakenova):
    conn = fakenova.connection()
    server = boot(conn, wait=False)
    with pytest.raises(exceptions.ResourceFailure):
        conn.compute.wait_for_server(server, status="ACTIVE", interval=0.01, wait=10)
    failed = conn.compute.get_server(server.id)
    assert failed.status == "ERROR"
    assert failed.fault["message"] == "No valid host was found. There are not enough hosts available."
    assert failed.fault["code"] == 500


@pytest.mark.fakenova(scenario="slow-build")
def test_slow_build_stays_in_build_for_three_reads(fakenova):
    conn = fakenova.connection()
    server = boot(conn, wait=False)
    assert statuses(conn, server, 3) == ["BUILD", "BUILD", "ACTIVE"]


@pytest.mark.fakenova(scenario="resize-verify")
def test_resize_waits_in_verify_resize_until_confirmed(fakenova):
    conn = fakenova.connection()
    seeded = conn.compute.find_server("resizing")
    assert seeded.status == "VERIFY_RESIZE"
    server = boot(conn)
    conn.compute.resize_server(server, "2")
    assert statuses(conn, server, 4) == ["RESIZE", "VERIFY_RESIZE", "VERIFY_RESIZE", "VERIFY_RESIZE"]
    conn.compute.confirm_server_resize(server)
    assert conn.compute.wait_for_server(server, status="ACTIVE", interval=0.01, wait=10).status == "ACTIVE"
    assert conn.compute.get_server(server.id).flavor.original_name == "m1.small"


@pytest.mark.fakenova(scenario="old-cloud-2.60")
def test_old_cloud_advertises_and_enforces_2_60(fakenova):
    assert requests.get(fakenova.compute_url).json()["version"]["version"] == "2.60"
    conn = fakenova.connection()
    assert conn.compute.get_endpoint_data().max_microversion == (2, 60)
    token = conn.session.get_token()
    too_new = requests.get(fakenova.compute_url + "/servers", headers={
        "X-Auth-Token": token, "OpenStack-API-Version": "compute 2.61"})
    assert too_new.status_code == 406
    latest = requests.get(fakenova.compute_url + "/servers", headers={
        "X-Auth-Token": token, "OpenStack-API-Version": "compute latest"})
    assert latest.headers["OpenStack-API-Version"] == "compute 2.60"


@pytest.mark.fakenova(scenario="quota-exceeded")
def test_quota_exceeded_is_403_with_novas_message(fakenova):
    conn = fakenova.connection()
    with pytest.raises(exceptions.ForbiddenException, match="Quota exceeded for instances"):
        boot(conn, wait=False)


@pytest.mark.fakenova(scenario="rate-limited", strict=True)
def test_rate_limited_is_429_with_retry_after(fakenova):
    novaclient = pytest.importorskip("novaclient.client")
    from novaclient import exceptions as nova_exceptions

    nova = novaclient.Client("2.1", session=fakenova.session())
    with pytest.raises(nova_exceptions.RateLimit) as caught:
        nova.servers.list()
    assert caught.value.code == 429 and caught.value.retry_after == 30
    assert nova.servers.list() == []


@pytest.mark.fakenova(scenario="rate-limited")
def test_rate_limited_body_carries_retry_after(fakenova):
    token = fakenova.connection().session.get_token()
    answer = requests.get(fakenova.compute_url + "/servers/detail", headers={"X-Auth-Token": token})
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "30"
    assert answer.json() == {"overLimit": {"code": 429, "message": "This request was rate-limited.",
                                           "retryAfter": "30"}}
    assert answer.headers["x-compute-request-id"].startswith("req-")


@pytest.mark.fakenova(scenario="flaky-503", strict=True)
def test_flaky_503_fails_the_first_call_only(fakenova):
    conn = fakenova.connection()
    with pytest.raises(exceptions.HttpException) as caught:
        list(conn.compute.servers())
    assert caught.value.status_code == 503
    assert list(conn.compute.servers()) == []
    assert fakenova.scenarios()[0]["state"] == "recovered"


@pytest.mark.fakenova(scenario="delete-stuck")
def test_delete_stuck_stays_in_deleting_until_stepped(fakenova):
    conn = fakenova.connection()
    server = boot(conn)
    conn.compute.delete_server(server)
    for _ in range(3):
        seen = conn.compute.get_server(server.id)
        assert (seen.status, seen.task_state) == ("ACTIVE", "deleting")
    fakenova.step_server(server.id)
    with pytest.raises(exceptions.NotFoundException):
        conn.compute.get_server(server.id)


@pytest.mark.fakenova(scenario="soft-delete")
def test_soft_delete_keeps_the_server_until_reclaimed(fakenova):
    conn = fakenova.connection()
    server = boot(conn)
    conn.compute.delete_server(server)
    assert conn.compute.get_server(server.id).status == "SOFT_DELETED"
    assert list(conn.compute.servers()) == []
    fakenova.clock.advance(3600)
    with pytest.raises(exceptions.NotFoundException):
        conn.compute.get_server(server.id)


@pytest.mark.fakenova(scenario="password-reset")
def test_password_reset_shows_password_status(fakenova):
    conn = fakenova.connection()
    server = boot(conn)
    conn.compute.change_server_password(server, "n3w-Passw0rd")
    assert statuses(conn, server, 3) == ["PASSWORD", "ACTIVE", "ACTIVE"]


@pytest.mark.fakenova(scenario="eventually-consistent-list", strict=True)
def test_new_server_is_missing_from_lists_for_two_reads(fakenova):
    conn = fakenova.connection()
    server = boot(conn)
    listed = [[s.id for s in conn.compute.servers()] for _ in range(3)]
    assert listed == [[], [], [server.id]]
    assert conn.compute.get_server(server.id).id == server.id
    verdicts = fakenova.journal.verdicts("new-servers-lag")
    assert [v["fired"] for v in verdicts if v["path"].endswith("/detail")] == [True, True, False]


@pytest.mark.fakenova(scenario="third-poll-503", strict=True)
def test_third_poll_of_a_server_answers_503_once(fakenova):
    conn = fakenova.connection()
    server = boot(conn, wait=False)
    assert statuses(conn, server, 2) == ["ACTIVE", "ACTIVE"]
    with pytest.raises(exceptions.HttpException) as raised:
        conn.compute.get_server(server.id)
    assert raised.value.status_code == 503
    assert conn.compute.get_server(server.id).status == "ACTIVE"
    reasons = [verdict["reason"] for verdict in fakenova.journal.verdicts("third-poll-503/third-show-fails")]
    assert reasons[-4:] == ["skipped: call 1 of 2 let through", "skipped: call 2 of 2 let through",
                            "fired: call 3", "skipped: times once already used (1 hits)"]


def _chaos_run(fakenova, calls: int = 60):
    """A client retrying each failed list up to 3 times: which attempts failed, and whether every list made it."""
    fakenova.reset()
    fakenova.load_scenario("chaos-10-percent")
    token = requests.post(f"{fakenova.url}/identity/v3/auth/tokens", json={"auth": {"identity": {
        "methods": ["password"], "password": {"user": {"name": "demo", "domain": {"id": "default"},
                                                       "password": "demo"}}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}).headers["X-Subject-Token"]
    http = requests.Session()
    http.headers["X-Auth-Token"] = token
    failures, done = [], 0
    for call in range(calls):
        for attempt in range(4):
            if http.get(f"{fakenova.url}/compute/v2.1/servers").status_code == 200:
                done += 1
                break
            failures.append((call, attempt))
    return failures, done


def test_chaos_10_percent_fails_one_call_in_ten_reproducibly(fakenova):
    first, done = _chaos_run(fakenova)
    assert done == 60, "retries got every list through"
    assert 2 <= len(first) <= 15
    assert _chaos_run(fakenova) == (first, done), "the same seed draws the same failures"
    reasons = [v["reason"] for v in fakenova.journal.verdicts("chaos-10-percent/one-in-ten-fails")]
    assert sum(r.startswith("fired: probability draw ") for r in reasons) == len(first)
    assert any(r.startswith("skipped: probability draw ") and " >= 0.1 " in r for r in reasons)


@pytest.mark.fakenova(scenario="slow-identity", strict=True)
def test_slow_identity_stall_moves_the_fake_clock_in_process(fakenova):
    before = fakenova.clock.now()
    conn = fakenova.connection()
    assert list(conn.compute.servers()) == []
    assert fakenova.clock.now() - before >= 30, "the first token request stalled 30 s on the cloud's clock"


@pytest.mark.fakenova(scenario="slow-identity")
def test_slow_identity_stalls_past_a_client_timeout(fakenova, fakenova_server):
    """With real delays (as ``fakenova serve`` runs) the token request outlives a 0.2 s client timeout; the
    unload below ends the stall at once, so the test waits only for the client's timeout."""
    engine = fakenova_server.app.extensions["fakenova"].engine
    engine.real_delays = True
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "domain": {"id": "default"}, "password": "demo"}}}}}
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.post(f"{fakenova.url}/identity/v3/auth/tokens", json=body, timeout=0.2)
        retried = requests.post(f"{fakenova.url}/identity/v3/auth/tokens", json=body, timeout=5)
        assert retried.status_code == 201 and retried.headers["X-Subject-Token"]
    finally:
        engine.real_delays = False
        fakenova.unload_scenario()  # wakes the stalled request


VOL1 = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01"  # demo's fixture volume (fixtures/catalogue)


@pytest.mark.fakenova(scenario="volume-error", strict=True)
def test_volume_error_fails_creates_and_the_doomed_deletes(fakenova):
    storage = fakenova.connection().block_storage
    volume = storage.create_volume(size=1, name="doomed-1")
    with pytest.raises(exceptions.ResourceFailure, match="error"):
        storage.wait_for_status(volume, "available", failures=["error"], interval=0.01, wait=10)
    assert storage.get_volume(volume.id).status == "error"
    storage.delete_volume(volume)
    with pytest.raises(exceptions.ResourceFailure, match="error_deleting"):
        storage.wait_for_status(volume, "deleted", failures=["error_deleting"], interval=0.01, wait=10)
    snapshot = storage.create_snapshot(volume_id=VOL1, name="s")
    with pytest.raises(exceptions.ResourceFailure):
        storage.wait_for_status(snapshot, "available", failures=["error"], interval=0.01, wait=10)
    assert storage.get_snapshot(snapshot.id).status == "error"


@pytest.mark.fakenova(scenario="volume-delete-stuck")
def test_volume_delete_stuck_stays_deleting(fakenova):
    storage = fakenova.connection().block_storage
    volume = storage.wait_for_status(storage.create_volume(size=1), "available", interval=0.01, wait=10)
    storage.delete_volume(volume)
    seen = storage.wait_for_status(volume, "deleting", failures=["error_deleting"], interval=0.01, wait=10)
    assert seen.status == "deleting"
    fakenova.clock.advance(600)
    assert [storage.get_volume(volume.id).status for _ in range(3)] == ["deleting"] * 3
