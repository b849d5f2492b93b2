"""Every field filter of ``GET /servers`` and ``/servers/detail``, for a member and an admin, just before and
at the microversion where it opens up to members (nova-facts §d.4).

Two servers of the demo project differ in exactly the field under test; ``CASES`` says how server A is
changed, the query value, and which server(s) the filter keeps. A filter a caller may not use (admin-only,
or not yet known to the query schema) is ignored silently: both servers come back.
"""
from __future__ import annotations

import calendar
import dataclasses
from typing import Any, Dict, List, Tuple

import pytest
from support.server_api import Api, make_app

from fakenova.domain import server_filters
from fakenova.domain.models import Nic
from fakenova.domain.states import PowerState, TaskState, VmState
from fakenova.microversions import V, all_versions

DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
OTHER_IMAGE = "11111111-2222-4333-8444-555555555555"
WHEN = float(calendar.timegm((2001, 2, 3, 4, 5, 6)))


def _nic(*ips: Tuple[int, str]) -> Nic:
    return Nic(port_id="p", network_id="n", network_name="private", subnet_id="s", mac="fa:16:3e:00:00:01",
               ips=ips)


#: param -> (changes to server A, query value, which servers the filter keeps: "A" or "B")
CASES: Dict[str, Tuple[Dict[str, Any], str, str]] = {
    "reservation_id": ({"reservation_id": "r-special"}, "special", "A"),
    "name": ({"name": "alpha"}, "^alp", "A"),
    "display_name": ({"name": "alpha"}, "lph", "A"),
    "description": ({"description": "the special one"}, "spec", "A"),
    "display_description": ({"description": "the special one"}, "one$", "A"),
    "hostname": ({"hostname": "alpha-host"}, "alpha-h", "A"),
    "key_name": ({"key_name": "kp-a"}, "kp-", "A"),
    "availability_zone": ({"availability_zone": "az-special"}, "special", "A"),
    "config_drive": ({"config_drive": True}, "True", "A"),
    "created_at": ({"created_at": WHEN}, "^2001-02-03 04:05", "A"),
    "launched_at": ({"launched_at": WHEN}, "2001-02-03", "A"),
    "terminated_at": ({"terminated_at": WHEN}, "2001", "A"),
    "power_state": ({"power_state": PowerState.SHUTDOWN}, "4", "A"),
    "progress": ({"progress": 42}, "42", "A"),
    "node": ({"node": "node-special"}, "special", "A"),
    "kernel_id": ({"kernel_id": "k-special"}, "k-sp", "A"),
    "ramdisk_id": ({"ramdisk_id": "r-special"}, "r-sp", "A"),
    "root_device_name": ({"root_device_name": "/dev/vdz"}, "vdz", "A"),
    "launch_index": ({"launch_index": 7}, "7", "A"),
    "locked_by": ({"locked_by": "admin"}, "adm", "A"),
    "access_ip_v4": ({"access_ipv4": "192.0.2.77"}, "2\\.77$", "A"),
    "access_ip_v6": ({"access_ipv6": "2001:db8::77"}, "::77", "A"),
    "auto_disk_config": ({"disk_config": "AUTO"}, "1", "A"),
    "image": ({"image_id": OTHER_IMAGE}, OTHER_IMAGE, "A"),
    "image_ref": ({"image_id": OTHER_IMAGE}, OTHER_IMAGE, "A"),
    "flavor": ({"flavor": {"id": "42", "name": "x", "vcpus": 1, "ram": 1, "disk": 1}}, "42", "A"),
    "user_id": ({"user_id": "u-special"}, "u-special", "A"),
    "vm_state": ({"vm_state": VmState.STOPPED}, "stopped", "A"),
    "task_state": ({"task_state": TaskState.IMAGE_SNAPSHOT}, "image_snapshot", "A"),
    "host": ({"host": "host-special"}, "host-special", "A"),
    "uuid": ({}, "<A>", "A"),
    "locked": ({"locked_by": "owner"}, "true", "A"),
    "ip": ({"nics": (_nic((4, "203.0.113.5")),)}, "203.0.113", "A"),
    "ip6": ({"nics": (_nic((4, "10.0.0.9"), (6, "2001:db8:5::9")),)}, "db8:5::", "A"),
    "tags": ({"tags": ("a", "b")}, "a,b", "A"),
    "tags-any": ({"tags": ("a", "b")}, "z,b", "A"),
    "not-tags": ({"tags": ("a", "b")}, "a,b", "B"),
    "not-tags-any": ({"tags": ("a",)}, "b,a", "B"),
}
#: filters the query schema only knows from a version on: before it they are dropped for everyone
SCHEMA_SINCE = {"tags": "2.26", "tags-any": "2.26", "not-tags": "2.26", "not-tags-any": "2.26", "locked": "2.73"}


def test_every_filter_of_the_table_has_a_case():
    assert set(CASES) == set(server_filters.FILTERS)


def _previous(version: str) -> str:
    versions = [str(v) for v in all_versions()]
    return versions[max(0, versions.index(version) - 1)]


def _versions(param: str) -> List[str]:
    since = server_filters.FILTERS[param].members_since
    marks = {"2.1", str(all_versions()[-1]), SCHEMA_SINCE.get(param, "2.1")}
    if since is not None:
        marks |= {str(since), _previous(str(since))}
    return sorted(marks, key=V)


ROWS = [(param, version, role) for param in CASES for version in _versions(param) for role in ("member", "admin")]


@pytest.fixture
def world():
    """A fresh app per case, so that cases cannot disturb each other (or run into the quota)."""
    app = make_app()
    return app, Api(app), Api(app, "admin", "admin")


def _pair(demo: Api, changes: Dict[str, Any]) -> Tuple[str, str]:
    first, second = demo.server(name="beta"), demo.server(name="beta")
    store = demo.app.extensions["fakenova"].store
    store.compute("server", first, lambda s: dataclasses.replace(s, **changes))
    return first, second


@pytest.mark.parametrize("param,version,role", ROWS)
def test_filter(world, param, version, role):
    app, demo, admin = world
    changes, value, keeps = CASES[param]
    first, second = _pair(demo, changes)
    value = value.replace("<A>", first)
    since = server_filters.FILTERS[param].members_since
    known = V(version) >= V(SCHEMA_SINCE.get(param, "2.1"))
    honoured = known and (role == "admin" or (since is not None and V(version) >= since))
    scope = f"all_tenants=1&project_id={DEMO_PROJECT}&" if role == "admin" else ""
    caller = admin if role == "admin" else demo
    for path in ("/servers", "/servers/detail"):
        response = caller("GET", f"{path}?{scope}{param}={value}", version=version)
        assert response.status_code == 200, response.json
        listed = {s["id"] for s in response.json["servers"]} & {first, second}
        expected = ({first} if keeps == "A" else {second}) if honoured else {first, second}
        assert listed == expected, (path, honoured)


def test_ip_and_ip6_unite_and_add_the_uuid_filter(world):
    app, demo, admin = world
    first, _ = _pair(demo, {"nics": (_nic((4, "198.51.100.1")),)})
    third, _ = _pair(demo, {"nics": (_nic((6, "2001:db8:77::1")),)})
    lone = demo.server(name="lone")
    scope = f"all_tenants=1&project_id={DEMO_PROJECT}"
    listed = admin("GET", f"/servers?{scope}&ip=198.51.100.&ip6=db8:77::&uuid={lone}", version="2.5").json
    assert {s["id"] for s in listed["servers"]} == {first, third, lone}


def test_flavor_that_does_not_exist_lists_nothing(world):
    _, demo, _ = world
    demo.server()
    assert demo("GET", "/servers?flavor=no-such-flavor").json == {"servers": []}
