"""The conformance run's leftover check (``conformance/leftovers.py``) finds what a run left, and only that."""
from __future__ import annotations

from typing import Dict, List, Tuple

import pytest

from conformance import leftovers

CIRROS = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
PRIVATE = "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"


def _created(admin: leftovers.AdminClient, path: str, body: dict, key: str) -> str:
    status, answer = admin.fetch("POST", admin.url + path, body, {"X-Auth-Token": admin.token})
    assert status in (201, 202), answer
    return str(answer[key]["id"])  # type: ignore[index]


def _delete(admin: leftovers.AdminClient, path: str) -> None:
    status, answer = admin.fetch("DELETE", admin.url + path, None, {"X-Auth-Token": admin.token})
    assert status in (202, 204), answer


#: (kind, create path, body, answer key, delete path) of one record per listed kind tempest could leave
RECORDS: List[Tuple[str, str, dict, str, str]] = [
    ("project", "/identity/v3/projects", {"project": {"name": "leak"}}, "project", "/identity/v3/projects/{}"),
    ("user", "/identity/v3/users", {"user": {"name": "leak"}}, "user", "/identity/v3/users/{}"),
    ("network", "/network/v2.0/networks", {"network": {"name": "leak"}}, "network", "/network/v2.0/networks/{}"),
    ("security group", "/network/v2.0/security-groups", {"security_group": {"name": "leak"}}, "security_group",
     "/network/v2.0/security-groups/{}"),
    ("router", "/network/v2.0/routers", {"router": {"name": "leak"}}, "router", "/network/v2.0/routers/{}"),
    ("image", "/image/v2/images", {"name": "leak"}, "", "/image/v2/images/{}"),
    ("volume", "/volume/v3/{project}/volumes", {"volume": {"size": 1, "name": "leak"}}, "volume",
     "/volume/v3/{project}/volumes/{}"),
    ("server", "/compute/v2.1/servers", {"server": {
        "name": "leak", "imageRef": CIRROS, "flavorRef": "1", "networks": [{"uuid": PRIVATE}]}}, "server",
     "/compute/v2.1/servers/{}"),
]


def _create(admin: leftovers.AdminClient, path: str, body: dict, key: str) -> str:
    path = path.replace("{project}", admin.project)
    if key:
        return _created(admin, path, body, key)
    status, answer = admin.fetch("POST", admin.url + path, body, {"X-Auth-Token": admin.token})  # Glance: bare
    assert status == 201, answer
    return str(answer["id"])


def test_records_made_after_the_snapshot_are_reported_by_kind_id_and_name(cloud):
    admin = leftovers.AdminClient(cloud.url)
    before = leftovers.snapshot(admin)
    assert before["project"] and before["image"] and before["network"]  # the seed is seen through the APIs
    made: Dict[str, str] = {kind: _create(admin, path, body, key) for kind, path, body, key, _ in RECORDS}
    found = leftovers.leftovers(before, leftovers.snapshot(admin))
    assert {kind: records for kind, records in found.items() if kind in made} == {
        kind: [f"{record_id} (leak)"] for kind, record_id in made.items()}
    assert list(found["port"]) == [found["port"][0]] and found["port"][0].endswith(" ()")  # the server's NIC
    assert set(found) - set(made) == {"port"}
    report = leftovers.report(found)
    assert report.startswith(f"tempest left {sum(map(len, found.values()))} records behind:")
    assert f"    {made['volume']} (leak)" in report.splitlines()
    for kind, _, _, _, delete in RECORDS:
        _delete(admin, delete.replace("{project}", admin.project).format(made[kind]))
    assert leftovers.leftovers(before, leftovers.snapshot(admin)) == {}


def test_nothing_left_reads_as_such_and_allowed_records_are_not_reported():
    before = {"port": {"a": "seed"}, "image": {}}
    after = {"port": {"a": "seed", "b": "p-1"}, "image": {"c": "p-2", "d": "x"}}
    allowed = (leftovers.Allowed("port", r"^p-\d$", "known to leak on any cloud"),)
    assert leftovers.leftovers(before, after, allowed) == {"image": ["c (p-2)", "d (x)"]}
    assert leftovers.leftovers(after, after) == {}
    assert leftovers.report({}) == "tempest left nothing behind"


@pytest.mark.parametrize("name, allowed", [
    ("tempest-backup-1-1589315800", True), ("tempest-backup-2-1589315800", False),
    ("tempest-DeleteServersTestJSON-server-82449811-shelved", False)])
def test_only_the_backup_tempest_never_deletes_is_allowed(name, allowed):
    found = leftovers.leftovers({"image": {}}, {"image": {"i": name}})
    assert found == ({} if allowed else {"image": [f"i ({name})"]})


def _glance_pages(method: str, url: str, body: object, headers: dict) -> Tuple[int, dict]:
    if method == "POST":
        return 201, {"_token": "t", "token": {"project": {"id": "p1"}}}
    assert headers == {"X-Auth-Token": "t"}
    pages = {"http://cloud/image/v2/images": {"images": [{"id": "i1", "name": "a"}], "next": "/v2/images?marker=i1"},
             "http://cloud/image/v2/images?marker=i1": {"images": [{"id": "i2", "name": None}],
                                                        "next": "/v2/images?marker=i2"},
             "http://cloud/image/v2/images?marker=i2": {"images": [], "next": "/v2/images?marker=i2"}}
    return 200, pages[url]


def test_glance_pages_are_followed_to_the_empty_one():
    admin = leftovers.AdminClient("http://cloud/", fetch=_glance_pages)
    image = next(listing for listing in leftovers.LISTINGS if listing.kind == "image")
    assert admin.list(image) == {"i1": "a", "i2": ""}


def test_a_refused_listing_stops_the_check_rather_than_reading_as_empty():
    def refuse(method: str, url: str, body: object, headers: dict) -> Tuple[int, dict]:
        return (201, {"_token": "t", "token": {"project": {"id": "p1"}}}) if method == "POST" else (403, {})

    with pytest.raises(RuntimeError, match=r"GET /identity/v3/projects: 403"):
        leftovers.snapshot(leftovers.AdminClient("http://cloud", fetch=refuse))
