"""The ``openstack`` CLI (python-openstackclient) against a live fakenova: in-process through its own entry point
(``support.cli``), and once as the installed console script."""
from __future__ import annotations

import json

import pytest
from support.apps import control
from support.cli import AVAILABLE, MISSING, credentials, invoke, run_cli, run_script

pytestmark = pytest.mark.skipif(not AVAILABLE, reason=MISSING)


def run(auth_url: str, *args: str) -> str:
    """``openstack ARGS`` as the demo user, its stdout (asserting it exited 0)."""
    return run_cli(credentials(auth_url), *args)


def test_console_script_lists_servers(auth_url):
    """The installed ``openstack`` script itself (every other test runs its entry point in-process)."""
    listed = run_script(credentials(auth_url), "server", "list", "-f", "json")
    assert (listed.code, json.loads(listed.stdout)) == (0, []), listed.stderr


def test_a_refused_password_exits_1_with_the_401_on_stderr(auth_url):
    refused = invoke(credentials(auth_url, password="wrong"), "server", "list")
    assert (refused.code, refused.stdout) == (1, "")
    assert "(HTTP 401)" in refused.stderr, refused.stderr


def test_each_run_is_its_own_user_even_after_a_reset(cloud, auth_url):
    """Runs share a process, not clients: osc-lib caches service clients per class, which a run must not reuse."""
    created = json.loads(run(auth_url, "server", "create", "--flavor", "m1.tiny", "--image", "cirros",
                             "--network", "private", "-f", "json", "mine"))
    assert [s["ID"] for s in json.loads(run(auth_url, "server", "list", "-f", "json"))] == [created["id"]]
    assert json.loads(run_cli(credentials(auth_url, "admin"), "server", "list", "-f", "json")) == []
    control(cloud.app).reset()  # the same token ids are issued again, to nobody who held them before
    assert json.loads(run(auth_url, "server", "list", "-f", "json")) == []


def test_server_create_list_show_delete(auth_url):
    created = json.loads(run(auth_url, "server", "create", "--flavor", "m1.tiny", "--image", "cirros",
                             "--network", "private", "--wait", "-f", "json", "cli-vm"))
    assert (created["status"], created["name"], created["OS-EXT-STS:vm_state"]) == ("ACTIVE", "cli-vm", "active")
    address = created["addresses"]["private"][0]
    assert address.startswith("10.0.0.") and len(created["adminPass"]) == 12
    assert created["flavor"]["original_name"] == "m1.tiny" and created["image"].startswith("cirros (")
    listed = json.loads(run(auth_url, "server", "list", "-f", "json"))
    assert listed == [{"ID": created["id"], "Name": "cli-vm", "Status": "ACTIVE",
                       "Networks": {"private": [address]}, "Image": "cirros", "Flavor": "m1.tiny"}]
    shown = json.loads(run(auth_url, "server", "show", "-f", "json", created["id"]))
    assert (shown["id"], shown["status"], shown["addresses"]) == (created["id"], "ACTIVE", {"private": [address]})
    run(auth_url, "server", "delete", "--wait", created["id"])
    assert json.loads(run(auth_url, "server", "list", "-f", "json")) == []


def after_progress(output: str) -> dict:
    """The JSON a ``--wait`` command prints after its own ``Progress: N`` reports (shown while the server builds
    at a pace that is not immediate)."""
    return json.loads(output[output.index("{"):])


def volume_reaches(auth_url: str, name: str, status: str, reads: int = 20) -> dict:
    """``volume show`` until the volume is in ``status`` (the CLI's ``volume create`` and ``server add volume``
    do not wait); each call is a poll, and at a clock or manual pace the pace driver moves the cloud."""
    for _ in range(reads):
        shown = json.loads(run(auth_url, "volume", "show", "-f", "json", name))
        if shown["status"] == status:
            return shown
    raise AssertionError(f"volume {name} still {shown['status']!r} after {reads} reads, not {status!r}")


def test_volume_create_boot_from_volume_add_and_remove_volume(pace, auth_url):
    volume = json.loads(run(auth_url, "volume", "create", "--size", "1", "-f", "json", "cli-vol"))
    assert (volume["name"], volume["size"], volume["type"]) == ("cli-vol", 1, "__DEFAULT__")
    assert volume["status"] in ("creating", "available")
    volume_reaches(auth_url, "cli-vol", "available")
    server = after_progress(run(auth_url, "server", "create", "--flavor", "m1.tiny", "--image", "cirros",
                                "--boot-from-volume", "1", "--network", "private", "--wait", "-f", "json",
                                "cli-bfv"))
    assert server["status"] == "ACTIVE" and server["image"] in ("", "N/A (booted from volume)")
    run(auth_url, "server", "add", "volume", "cli-bfv", "cli-vol")
    attached = volume_reaches(auth_url, "cli-vol", "in-use")
    assert attached["attachments"][0]["server_id"] == server["id"]
    run(auth_url, "server", "remove", "volume", "cli-bfv", "cli-vol")
    assert volume_reaches(auth_url, "cli-vol", "available")["attachments"] == []
    listed = json.loads(run(auth_url, "volume", "list", "-f", "json"))
    assert {item["Name"] for item in listed} >= {"cli-vol", "demo-vol-1"}
