"""What tempest's interop volume tests read from Cinder: next links on full pages, a null snapshot volume_id,
the strict trailing slash, the extension listing and snapshot metadata CRUD."""
from __future__ import annotations

import pytest
from support.cinder_api import MISSING, VOL1, fault

#: (limit, volumes on the page, whether a next link follows): Cinder links whenever the page is full
PAGES = [("1", 1, True), ("2", 2, True), ("3", 3, True), ("4", 3, False), ("0", 0, False)]


@pytest.mark.parametrize("listing", ["/volumes", "/volumes/detail"])
@pytest.mark.parametrize("limit,count,linked", PAGES)
def test_a_full_page_links_the_next(demo, listing, limit, count, linked):
    response = demo("GET", f"{listing}?limit={limit}")
    assert response.status_code == 200 and len(response.json["volumes"]) == count
    assert ("volumes_links" in response.json) == linked
    if linked:
        (link,) = response.json["volumes_links"]
        last = response.json["volumes"][-1]["id"]
        assert link["rel"] == "next" and link["href"].startswith(f"http://localhost/volume/v3/{demo.project_id}"
                                                                 f"{listing}?")
        assert f"marker={last}" in link["href"] and f"limit={limit}" in link["href"]


def test_following_next_links_ends_on_an_empty_page(demo):
    seen, path = [], "/volumes?limit=1"
    for _ in range(5):
        page = demo("GET", path).json
        seen += [volume["id"] for volume in page["volumes"]]
        if "volumes_links" not in page:
            break
        path = "/volumes?" + page["volumes_links"][0]["href"].split("?", 1)[1]
    assert len(seen) == 3 == len(set(seen)) and page["volumes"] == []


#: (method, path, body, status, Cinder's message)
REFUSALS = [
    ("POST", "/snapshots", {"snapshot": {"volume_id": None, "display_name": "s"}}, 404,
     "Volume None could not be found."),
    ("GET", "/volumes/", None, 404, "The resource could not be found."),
    ("DELETE", "/volumes/", None, 404, "The resource could not be found."),
    ("GET", f"/snapshots/{MISSING}/metadata", None, 404, f"Snapshot {MISSING} could not be found."),
]


@pytest.mark.parametrize("method,path,body,status,message", REFUSALS)
def test_refusals(demo, method, path, body, status, message):
    before = demo("GET", "/snapshots").json
    response = demo(method, path, body)
    assert response.status_code == status and fault(response) == message
    assert demo("GET", "/snapshots").json == before


#: (alias, name) of extensions tempest and clients look for
EXTENSIONS = [("os-hosts", "Hosts"), ("os-quota-sets", "Quotas"), ("os-volume-actions", "VolumeActions"),
              ("os-vol-tenant-attr", "VolumeTenantAttribute"), ("encryption", "VolumeTypeEncryption")]


@pytest.mark.parametrize("alias,name", EXTENSIONS)
def test_extensions_list_cinders_contrib(demo, alias, name):
    response = demo("GET", "/extensions")
    assert response.status_code == 200
    by_alias = {extension["alias"]: extension for extension in response.json["extensions"]}
    assert len(by_alias) == 32 and by_alias[alias]["name"] == name and by_alias[alias]["links"] == []
    assert set(by_alias[alias]) == {"name", "alias", "description", "updated", "links"}


def _snapshot(demo) -> str:
    made = demo("POST", "/snapshots", {"snapshot": {"volume_id": VOL1, "metadata": {"a": "1"}}})
    assert made.status_code == 202
    return made.json["snapshot"]["id"]


#: (method, metadata path under the snapshot, body, status, answer); each row runs after the ones before it
SNAPSHOT_METADATA = [
    ("GET", "/metadata", None, 200, {"metadata": {"a": "1"}}),
    ("POST", "/metadata", {"metadata": {"b": "2"}}, 200, {"metadata": {"a": "1", "b": "2"}}),
    ("PUT", "/metadata/b", {"meta": {"b": "3"}}, 200, {"meta": {"b": "3"}}),
    ("GET", "/metadata/b", None, 200, {"meta": {"b": "3"}}),
    ("PUT", "/metadata/b", {"meta": {"c": "3"}}, 400, "Request body and URI mismatch"),
    ("DELETE", "/metadata/a", None, 200, None),
    ("GET", "/metadata/a", None, 404, "Snapshot {id} has no metadata with key a."),
    ("DELETE", "/metadata/a", None, 404, "Snapshot {id} has no metadata with key a."),
    ("PUT", "/metadata", {"metadata": {"z": "9"}}, 200, {"metadata": {"z": "9"}}),
    ("GET", "/metadata", None, 200, {"metadata": {"z": "9"}}),
]


def test_snapshot_metadata_crud(demo):
    snapshot = _snapshot(demo)
    for method, path, body, status, answer in SNAPSHOT_METADATA:
        response = demo(method, f"/snapshots/{snapshot}{path}", body)
        assert response.status_code == status, (method, path)
        if isinstance(answer, str):
            assert fault(response) == answer.format(id=snapshot)
        elif answer is not None:
            assert response.json == answer
    assert demo("GET", f"/snapshots/{snapshot}").json["snapshot"]["metadata"] == {"z": "9"}


def test_snapshot_metadata_is_not_the_volumes(demo):
    snapshot = _snapshot(demo)
    assert demo("GET", f"/volumes/{VOL1}/metadata").json["metadata"].get("a") is None
    assert demo("GET", f"/volumes/{snapshot}/metadata").status_code == 404


#: (snapshot listing query, status, Cinder's message when refused)
SNAPSHOT_LISTINGS = [
    ("limit=invalid", 400, "Invalid input received: limit param must be an integer"),
    ("limit=-1", 400, "Invalid input received: limit param must be positive"),
    ("sort_key=invalid", 400, "Invalid input received: sort_key=invalid"),
    ("sort=name:sideways", 400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"),
    (f"marker={MISSING}", 404, f"Marker {MISSING} could not be found."),
]


@pytest.mark.parametrize("listing", ["/snapshots", "/snapshots/detail"])
@pytest.mark.parametrize("query,status,message", SNAPSHOT_LISTINGS)
def test_snapshot_listing_refusals(demo, listing, query, status, message):
    response = demo("GET", f"{listing}?{query}")
    assert response.status_code == status and fault(response) == message


@pytest.mark.parametrize("listing", ["/snapshots", "/snapshots/detail"])
def test_snapshot_listing_pages(demo, listing):
    made = [_snapshot(demo) for _ in range(2)]
    first = demo("GET", f"{listing}?limit=1&sort=created_at:asc,id:asc")
    assert first.status_code == 200 and len(first.json["snapshots"]) == 1
    (link,) = first.json["snapshots_links"]
    assert link["rel"] == "next" and link["href"].startswith(f"http://localhost/volume/v3/{demo.project_id}{listing}?")
    rest = demo("GET", f"{listing}?" + link["href"].split("?", 1)[1]).json
    assert {first.json["snapshots"][0]["id"], rest["snapshots"][0]["id"]} == set(made)
    everything = demo("GET", listing).json
    assert {s["id"] for s in everything["snapshots"]} == set(made) and "snapshots_links" not in everything


def _image(demo, **fields) -> str:
    headers = {"X-Auth-Token": demo.token}
    made = demo.client.post("/image/v2/images", json={"name": "img", "disk_format": "raw",
                                                      "container_format": "bare", **fields}, headers=headers)
    assert made.status_code == 201
    image_id = made.json["id"]
    stored = demo.client.put(f"/image/v2/images/{image_id}/file", data=b"x" * 1024,
                             headers={**headers, "Content-Type": "application/octet-stream"})
    assert stored.status_code == 204
    return image_id


#: (image's min_disk, volume size, status, Cinder's message when refused)
FROM_IMAGE = [
    (2, 1, 400, "Invalid input received: Volume size 1GB cannot be smaller than the image minDisk size 2GB."),
    (2, 2, 202, None),
    (0, 1, 202, None),
]


@pytest.mark.parametrize("min_disk,size,status,message", FROM_IMAGE)
def test_a_volume_from_an_image_must_fit_it(demo, min_disk, size, status, message):
    image_id = _image(demo, min_disk=min_disk)
    before = len(demo("GET", "/volumes").json["volumes"])
    response = demo("POST", "/volumes", {"volume": {"size": size, "imageRef": image_id}})
    assert response.status_code == status
    if message is not None:
        assert fault(response) == message
        assert len(demo("GET", "/volumes").json["volumes"]) == before
    else:
        assert response.json["volume"]["size"] == size
