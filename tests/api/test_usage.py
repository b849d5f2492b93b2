"""``os-simple-tenant-usage``: hours and resource hours over a period from launched/terminated times and the
clock, Nova's start/end parsing and messages, policies (admin lists, readers see their project), 2.40
paging and 2.75's strict query."""
from __future__ import annotations

import pytest
from support.apps import control
from support.nova_reference import needs_shared, schema_errors
from support.server_api import Api, fault, make_app

DEMO = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
ALT = "4b3e5d301c8f4e31a09f8e7d6c5b4a39"
DAY = "start=2025-12-31T00:00:00&end=2026-01-02T00:00:00"
TOTALS = {"start", "stop", "tenant_id", "total_hours", "total_local_gb_usage", "total_memory_mb_usage",
          "total_vcpus_usage"}


@pytest.fixture
def app():
    return make_app(token_ttl=7 * 86400.0)


@pytest.fixture
def alt(app):
    return Api(app, "alt_demo", "alt_demo")


def advance(app, seconds: float) -> None:
    control(app).clock.advance(seconds)


def usage(api: Api, path: str = "", query: str = DAY, version: str = "2.1"):
    response = api("GET", f"/os-simple-tenant-usage{path}?{query}", version=version)
    assert response.status_code == 200, response.json
    return response.json


def test_two_hours_of_a_tiny_server(app, demo, admin):
    server = demo.server()  # m1.tiny: 1 vcpu, 512 MB, 1 GB, launched at 2026-01-01T00:00:00
    advance(app, 7200)
    body = usage(admin, query=DAY + "&detailed=1")
    (tenant,) = body["tenant_usages"]
    assert {key: tenant[key] for key in TOTALS} == {
        "start": "2025-12-31T00:00:00.000000", "stop": "2026-01-01T02:00:00.000000", "tenant_id": DEMO,
        "total_hours": 2.0, "total_local_gb_usage": 2.0, "total_memory_mb_usage": 1024.0,
        "total_vcpus_usage": 2.0}
    (item,) = tenant["server_usages"]
    assert item == {"ended_at": None, "flavor": "m1.tiny", "hours": 2.0, "instance_id": server, "local_gb": 1,
                    "memory_mb": 512, "name": "vm", "started_at": "2026-01-01T00:00:00.000000",
                    "state": "active", "tenant_id": DEMO, "uptime": 7200, "vcpus": 1}
    assert "server_usages" not in usage(admin)["tenant_usages"][0]
    assert "tenant_usages_links" not in usage(admin, version="2.40")


def test_a_deleted_server_counts_until_it_was_terminated(app, demo, admin):
    server = demo.server()
    advance(app, 1800)
    assert demo("DELETE", f"/servers/{server}").status_code == 204
    assert demo("GET", f"/servers/{server}").status_code == 404  # the client sees it gone: terminated now
    advance(app, 1800)
    (item,) = usage(demo, f"/{DEMO}")["tenant_usage"]["server_usages"]
    assert item["state"] == "terminated" and item["hours"] == 0.5 and item["uptime"] == 1800
    assert item["ended_at"] == "2026-01-01T00:30:00.000000"
    later = "start=2026-01-01T00:45:00&end=2026-01-02T00:00:00"
    assert usage(demo, f"/{DEMO}", later) == {"tenant_usage": {}}


def test_the_period_clips_the_hours(app, demo, admin):
    demo.server()
    advance(app, 4 * 3600)
    window = "start=2026-01-01T01:00:00.5&end=2026-01-01 03:00:00.5"
    (tenant,) = usage(admin, query=window)["tenant_usages"]
    assert tenant["total_hours"] == 2.0 and tenant["start"] == "2026-01-01T01:00:00.500000"


def test_start_and_end_default_to_now(app, demo, admin):
    demo.server()
    advance(app, 60)
    (empty,) = usage(admin, query="")["tenant_usages"]  # an empty period: the server, for no time
    assert empty["total_hours"] == 0.0 and empty["start"] == empty["stop"] == "2026-01-01T00:01:00.000000"
    assert usage(admin, query="start=2026-01-01T00:00:00")["tenant_usages"][0]["total_hours"] == 60 / 3600


@pytest.mark.parametrize("query,message", [
    ("start=2026-01-01&end=2026-01-02T00:00:00", "Invalid datetime string: Datetime is in invalid format"),
    ("start=2026-01-01T00:00:00Z", "Invalid datetime string: Datetime is in invalid format"),
    ("start=2026-01-02T00:00:00&end=2026-01-01T00:00:00",
     "Invalid start time. The start time cannot occur after the end time."),
    ("start=2026-01-01T00:00:00&end=2026-01-01T00:00:00",
     "Invalid start time. The start time cannot occur after the end time."),
])
def test_nova_refuses_bad_periods(admin, demo, query, message):
    for api, path in ((admin, ""), (demo, f"/{DEMO}")):
        response = api("GET", f"/os-simple-tenant-usage{path}?{query}")
        assert response.status_code == 400 and fault(response) == message


def test_policies(app, demo, alt, admin):
    demo.server()
    alt.server()
    advance(app, 3600)
    response = demo("GET", f"/os-simple-tenant-usage?{DAY}")
    assert response.status_code == 403
    assert fault(response) == "Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed."
    response = demo("GET", f"/os-simple-tenant-usage/{ALT}?{DAY}")
    assert fault(response) == "Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed."
    assert usage(demo, f"/{DEMO}")["tenant_usage"]["tenant_id"] == DEMO
    assert usage(admin, f"/{ALT}")["tenant_usage"]["tenant_id"] == ALT
    assert [t["tenant_id"] for t in usage(admin)["tenant_usages"]] == sorted([DEMO, ALT])


def test_paging_from_2_40(app, demo, admin):
    servers = sorted(demo.server() for _ in range(3))
    advance(app, 3600)
    assert len(usage(admin, query=DAY + "&detailed=1&limit=1")["tenant_usages"][0]["server_usages"]) == 3
    page = usage(admin, query=DAY + "&detailed=1&limit=2", version="2.40")
    assert [s["instance_id"] for s in page["tenant_usages"][0]["server_usages"]] == servers[:2]
    assert page["tenant_usages"][0]["total_hours"] == 2.0
    (link,) = page["tenant_usages_links"]
    assert link["rel"] == "next" and f"marker={servers[1]}" in link["href"]
    assert "/os-simple-tenant-usage?" in link["href"]
    rest = usage(admin, query=f"{DAY}&detailed=1&limit=2&marker={servers[1]}", version="2.40")
    assert [s["instance_id"] for s in rest["tenant_usages"][0]["server_usages"]] == servers[2:]
    shown = usage(demo, f"/{DEMO}", DAY + "&limit=1", version="2.40")
    assert f"/os-simple-tenant-usage/{DEMO}?" in shown["tenant_usage_links"][0]["href"]
    response = admin("GET", f"/os-simple-tenant-usage?{DAY}&marker=nope", version="2.40")
    assert response.status_code == 400 and fault(response) == "Marker nope could not be found."


def test_pages_follow_novas_project_then_uuid_order_across_projects(app, demo, alt, admin):
    made = [(DEMO, demo.server()) for _ in range(2)] + [(ALT, alt.server()) for _ in range(2)]
    advance(app, 3600)
    order = [server for _, server in sorted(made)]
    seen, marker = [], ""
    for _ in range(2):
        page = usage(admin, query=f"{DAY}&detailed=1&limit=3{marker}", version="2.40")
        listed = [s["instance_id"] for tenant in page["tenant_usages"] for s in tenant["server_usages"]]
        seen += listed
        marker = f"&marker={listed[-1]}"
    assert seen == order
    assert [t["tenant_id"] for t in page["tenant_usages"]] == [sorted(made)[-1][0]]


def test_an_empty_project_id_is_not_found(admin):
    assert admin("GET", f"/os-simple-tenant-usage/?{DAY}").status_code == 404


def test_unknown_parameters_are_refused_from_2_75(admin):
    assert admin("GET", f"/os-simple-tenant-usage?{DAY}&bogus=1", version="2.74").status_code == 200
    response = admin("GET", f"/os-simple-tenant-usage?{DAY}&bogus=1", version="2.75")
    assert response.status_code == 400
    assert admin("GET", f"/os-simple-tenant-usage/{DEMO}?detailed=1", version="2.75").status_code == 400


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.40", "2.104"])
def test_bodies_match_novas_schemas(app, demo, admin, version):
    demo.server()
    advance(app, 3600)
    for suffix, query in (("", DAY + "&detailed=1&limit=1"), ("/{id}", DAY + "&limit=1")):
        body = usage(admin, suffix.replace("{id}", DEMO), query, version=version)
        assert schema_errors("GET", f"/os-simple-tenant-usage{suffix}", version, body) == []
