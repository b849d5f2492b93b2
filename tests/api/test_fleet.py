"""The fleet of compute hosts through the HTTP layer: os-services, os-hypervisors, os-aggregates,
os-availability-zone and placement, per microversion boundary and role, against Nova's response schemas."""
from __future__ import annotations

from typing import Any

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, Api, fault, make_app

HOST1, HOST2, HOST3 = "fakenova-compute-1", "fakenova-compute-2", "fakenova-compute-3"


@pytest.fixture
def app():
    return make_app(hosts=3)


@pytest.fixture
def admin(app) -> Api:
    return Api(app, "admin", "admin")


@pytest.fixture
def member(app) -> Api:
    return Api(app)


def boot(api: Api, version: str = "2.37", **server: Any) -> dict:
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "none", **server}
    response = api("POST", "/servers", {"server": body}, version=version)
    assert response.status_code == 202, response.json
    return api("GET", f"/servers/{response.json['server']['id']}", version="2.37").json["server"]


# --- roles -------------------------------------------------------------------------------------------

MEMBER_REFUSED = [
    ("GET", "/os-services", None, "os_compute_api:os-services:list"),
    ("GET", "/os-hypervisors", None, "os_compute_api:os-hypervisors:list"),
    ("GET", "/os-hypervisors/detail", None, "os_compute_api:os-hypervisors:list-detail"),
    ("GET", "/os-hypervisors/statistics", None, "os_compute_api:os-hypervisors:statistics"),
    ("GET", "/os-hypervisors/1", None, "os_compute_api:os-hypervisors:show"),
    ("GET", "/os-aggregates", None, "os_compute_api:os-aggregates:index"),
    ("POST", "/os-aggregates", {"aggregate": {"name": "a"}}, "os_compute_api:os-aggregates:create"),
    ("GET", "/os-availability-zone/detail", None, "os_compute_api:os-availability-zone:detail"),
]


@pytest.mark.parametrize("method,path,body,rule", MEMBER_REFUSED)
def test_members_get_novas_403(member, method, path, body, rule):
    response = member(method, path, body)
    assert response.status_code == 403
    assert fault(response) == f"Policy doesn't allow {rule} to be performed."


# --- hosts and placement -----------------------------------------------------------------------------

def test_default_fixtures_have_one_host(admin):
    single = Api(make_app(), "admin", "admin")
    names = [hyp["hypervisor_hostname"] for hyp in single("GET", "/os-hypervisors").json["hypervisors"]]
    assert names == ["fakenova-compute"]


def test_servers_spread_over_hosts_least_loaded_first(admin):
    hosts = [boot(admin)["OS-EXT-SRV-ATTR:host"] for _ in range(4)]
    assert hosts == [HOST1, HOST2, HOST3, HOST1]


def test_host_ids_differ_between_hosts(admin):
    first, second = boot(admin), boot(admin)
    assert first["hostId"] != second["hostId"]
    assert first["OS-EXT-SRV-ATTR:hypervisor_hostname"] == HOST1


def test_requested_host_at_2_74(admin):
    assert boot(admin, "2.74", host=HOST3)["OS-EXT-SRV-ATTR:host"] == HOST3
    assert boot(admin, "2.74", hypervisor_hostname=HOST2)["OS-EXT-SRV-ATTR:host"] == HOST2


@pytest.mark.parametrize("fields,message", [
    ({"host": "nope"}, "Compute host nope could not be found."),
    ({"hypervisor_hostname": "nope"}, "Compute host nope could not be found."),
    ({"host": HOST1, "hypervisor_hostname": HOST2}, f"Compute host {HOST1} could not be found."),
    ({"host": HOST1, "availability_zone": f"nova:{HOST2}"},
     "One mechanism with host and/or hypervisor_hostname and another mechanism with zone:host:node are "
     "mutually exclusive."),
])
def test_requested_host_errors(admin, fields, message):
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": "1", "networks": "none", **fields}
    response = admin("POST", "/servers", {"server": body}, version="2.74")
    assert response.status_code == 400 and fault(response) == message


def test_forced_host_through_the_zone(admin):
    assert boot(admin, availability_zone=f"nova:{HOST2}")["OS-EXT-SRV-ATTR:host"] == HOST2


def test_disabled_hosts_get_no_servers_and_none_left_is_no_valid_host(admin):
    for host in (HOST1, HOST2):
        assert admin("PUT", "/os-services/disable", {"host": host, "binary": "nova-compute"}).status_code == 200
    assert boot(admin)["OS-EXT-SRV-ATTR:host"] == HOST3
    admin("PUT", "/os-services/force-down", {"host": HOST3, "binary": "nova-compute", "forced_down": True},
          version="2.11")
    failed = boot(admin)
    assert failed["status"] == "ERROR" and failed["OS-EXT-SRV-ATTR:host"] is None
    assert failed["fault"]["message"].startswith("No valid host was found.")


def test_placement_is_deterministic(app):
    runs = []
    for _ in range(2):
        api = Api(make_app(hosts=3), "admin", "admin")
        runs.append([boot(api)["OS-EXT-SRV-ATTR:host"] for _ in range(5)])
    assert runs[0] == runs[1]


# --- os-services ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("version,keys,id_type", [
    ("2.1", {"binary", "host", "id", "zone", "status", "state", "updated_at", "disabled_reason"}, int),
    ("2.11", {"binary", "host", "id", "zone", "status", "state", "updated_at", "disabled_reason",
              "forced_down"}, int),
    ("2.52", None, int), ("2.53", None, str), ("2.75", None, str),
])
def test_service_list_shape(admin, version, keys, id_type):
    services = admin("GET", "/os-services", version=version).json["services"]
    assert [(s["host"], s["binary"]) for s in services][:4] == [
        (HOST1, "nova-conductor"), (HOST1, "nova-scheduler"), (HOST1, "nova-compute"), (HOST2, "nova-compute")]
    assert {s["zone"] for s in services} == {"internal", "nova"}
    assert all(isinstance(s["id"], id_type) for s in services)
    if keys:
        assert set(services[0]) == keys


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.11", "2.53", "2.69"])
def test_service_list_matches_novas_schema(admin, version):
    assert schema_errors("GET", "/os-services", version, admin("GET", "/os-services", version=version).json) == []


def test_service_filters(admin):
    found = admin("GET", f"/os-services?host={HOST2}&binary=nova-compute").json["services"]
    assert [(s["host"], s["binary"]) for s in found] == [(HOST2, "nova-compute")]
    assert admin("GET", "/os-services?binary=nova-scheduler").json["services"][0]["zone"] == "internal"
    assert admin("GET", "/os-services?bogus=1", version="2.75").status_code == 400


def test_legacy_disable_with_reason_and_enable(admin):
    body = {"host": HOST2, "binary": "nova-compute", "disabled_reason": "maintenance"}
    response = admin("PUT", "/os-services/disable-log-reason", body)
    assert response.json == {"service": {**body, "status": "disabled"}}
    shown = admin("GET", f"/os-services?host={HOST2}").json["services"][0]
    assert (shown["status"], shown["disabled_reason"]) == ("disabled", "maintenance")
    response = admin("PUT", "/os-services/enable", {"host": HOST2, "binary": "nova-compute"})
    assert response.json == {"service": {"host": HOST2, "binary": "nova-compute", "status": "enabled"}}


@pytest.mark.parametrize("path,body,version,status,message", [
    ("/os-services/disable-log-reason", {"host": HOST2, "binary": "nova-compute"}, "2.1", 400,
     "Missing disabled reason field"),
    ("/os-services/force-down", {"host": HOST2, "binary": "nova-compute"}, "2.10", 404, "Unknown action"),
    ("/os-services/bogus", {"host": HOST2, "binary": "nova-compute"}, "2.1", 404, "Unknown action"),
    ("/os-services/disable", {"host": HOST1, "binary": "nova-scheduler"}, "2.1", 400,
     "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated."),
    ("/os-services/disable", {"host": "nope", "binary": "nova-compute"}, "2.1", 404,
     "Host 'nope' is not mapped to any cell"),
])
def test_legacy_update_errors(admin, path, body, version, status, message):
    response = admin("PUT", path, body, version=version)
    assert (response.status_code, fault(response)) == (status, message)


def _compute_uuid(admin: Api, host: str) -> str:
    services = admin("GET", f"/os-services?host={host}&binary=nova-compute", version="2.53").json["services"]
    return services[0]["id"]


def test_update_by_uuid_at_2_53(admin):
    service_id = _compute_uuid(admin, HOST2)
    response = admin("PUT", f"/os-services/{service_id}", {"status": "disabled", "disabled_reason": "r"},
                     version="2.53")
    assert response.status_code == 200
    shown = response.json["service"]
    assert (shown["id"], shown["status"], shown["disabled_reason"]) == (service_id, "disabled", "r")
    response = admin("PUT", f"/os-services/{service_id}", {"forced_down": True}, version="2.53")
    assert (response.json["service"]["state"], response.json["service"]["forced_down"]) == ("down", True)


@pytest.mark.parametrize("body,message", [
    ({"status": "enabled", "disabled_reason": "x"}, "Specifying 'disabled_reason' with status 'enabled' is invalid."),
    ({}, "No updates were requested. Fields 'status' or 'forced_down' should be specified."),
])
def test_update_by_uuid_errors(admin, body, message):
    response = admin("PUT", f"/os-services/{_compute_uuid(admin, HOST2)}", body, version="2.53")
    assert (response.status_code, fault(response)) == (400, message)


def test_update_by_uuid_unknown_and_malformed(admin):
    missing = "00000000-0000-4000-8000-000000000000"
    response = admin("PUT", f"/os-services/{missing}", {"status": "enabled"}, version="2.53")
    assert (response.status_code, fault(response)) == (404, f"Service {missing} could not be found.")
    response = admin("PUT", "/os-services/disable", {"status": "enabled"}, version="2.53")
    assert (response.status_code, fault(response)) == (400, "Invalid uuid disable")


def test_delete_service(admin):
    boot(admin)  # lands on HOST1
    busy = admin("DELETE", f"/os-services/{_compute_uuid(admin, HOST1)}", version="2.53")
    assert busy.status_code == 409
    assert fault(busy) == ("Unable to delete compute service that is hosting instances. Migrate or delete the "
                           "instances first.")
    assert admin("DELETE", f"/os-services/{_compute_uuid(admin, HOST3)}", version="2.53").status_code == 204
    names = [hyp["hypervisor_hostname"] for hyp in admin("GET", "/os-hypervisors").json["hypervisors"]]
    assert names == [HOST1, HOST2]
    assert admin("DELETE", "/os-services/abc").status_code == 400
    assert fault(admin("DELETE", "/os-services/99")) == "Service 99 not found."


# --- os-hypervisors ------------------------------------------------------------------------------------

@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.28", "2.33", "2.53", "2.75", "2.88"])
@pytest.mark.parametrize("path", ["/os-hypervisors", "/os-hypervisors/detail"])
def test_hypervisor_lists_match_novas_schema(admin, version, path):
    boot(admin)
    body = admin("GET", path, version=version).json
    assert schema_errors("GET", path, version, body) == []


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.28", "2.53", "2.88"])
def test_hypervisor_show_matches_novas_schema(admin, version):
    first = admin("GET", "/os-hypervisors", version=version).json["hypervisors"][0]["id"]
    body = admin("GET", f"/os-hypervisors/{first}", version=version).json
    assert schema_errors("GET", "/os-hypervisors/{id}", version, body) == []


def test_hypervisor_usage_until_2_87_and_uptime_from_2_88(admin):
    boot(admin)
    detail = admin("GET", "/os-hypervisors/detail", version="2.87").json["hypervisors"][0]
    assert (detail["running_vms"], detail["memory_mb_used"], detail["vcpus_used"]) == (1, 512, 1)
    assert isinstance(detail["cpu_info"], dict)
    assert isinstance(admin("GET", "/os-hypervisors/detail", version="2.27").json["hypervisors"][0]["cpu_info"],
                      str)
    detail = admin("GET", "/os-hypervisors/detail", version="2.88").json["hypervisors"][0]
    assert "running_vms" not in detail and "cpu_info" not in detail and "uptime" in detail


def test_hypervisor_paging_from_2_33(admin):
    assert "hypervisors_links" not in admin("GET", "/os-hypervisors?limit=1", version="2.32").json
    page = admin("GET", "/os-hypervisors?limit=2", version="2.33").json
    assert [hyp["id"] for hyp in page["hypervisors"]] == [1, 2]
    assert page["hypervisors_links"][0]["href"].endswith("/os-hypervisors?limit=2&marker=2")
    rest = admin("GET", "/os-hypervisors?limit=2&marker=2", version="2.33").json
    assert [hyp["id"] for hyp in rest["hypervisors"]] == [3] and "hypervisors_links" not in rest
    bad = admin("GET", "/os-hypervisors?marker=99", version="2.33")
    assert (bad.status_code, fault(bad)) == (400, "marker [99] not found")


def test_hypervisor_pattern_and_with_servers_at_2_53(admin):
    server = boot(admin)
    found = admin("GET", "/os-hypervisors?hypervisor_hostname_pattern=compute-1&with_servers=true",
                  version="2.53").json["hypervisors"]
    assert [hyp["hypervisor_hostname"] for hyp in found] == [HOST1]
    assert found[0]["servers"] == [{"name": "vm", "uuid": server["id"]}]
    empty = admin("GET", f"/os-hypervisors?hypervisor_hostname_pattern={HOST2}&with_servers=true",
                  version="2.75").json["hypervisors"][0]
    assert empty["servers"] == []
    missing = admin("GET", "/os-hypervisors?hypervisor_hostname_pattern=zzz", version="2.53")
    assert (missing.status_code, fault(missing)) == (404, "No hypervisor matching 'zzz' could be found.")
    paged = admin("GET", "/os-hypervisors?hypervisor_hostname_pattern=c&limit=1", version="2.53")
    assert paged.status_code == 400


def test_hypervisor_show_ids(admin):
    uuid = admin("GET", "/os-hypervisors", version="2.53").json["hypervisors"][0]["id"]
    assert admin("GET", f"/os-hypervisors/{uuid}", version="2.53").json["hypervisor"]["id"] == uuid
    assert fault(admin("GET", "/os-hypervisors/1", version="2.53")) == "Invalid uuid 1"
    assert fault(admin("GET", "/os-hypervisors/abc")) == "Hypervisor with ID 'abc' could not be found."
    assert admin("GET", "/os-hypervisors/1").json["hypervisor"]["id"] == 1


def test_retired_routes(admin):
    assert admin("GET", "/os-hypervisors/statistics", version="2.87").json["hypervisor_statistics"]["count"] == 3
    assert admin("GET", "/os-hypervisors/statistics", version="2.88").status_code == 404
    assert "uptime" in admin("GET", "/os-hypervisors/1/uptime", version="2.52").json["hypervisor"]
    found = admin("GET", "/os-hypervisors/compute-2/search", version="2.52").json["hypervisors"]
    assert [hyp["hypervisor_hostname"] for hyp in found] == [HOST2]
    assert admin("GET", "/os-hypervisors/compute-2/search", version="2.53").status_code == 404
    assert admin("GET", "/os-hypervisors/compute-2/servers", version="2.52").status_code == 200


# --- os-hosts (until 2.42) -------------------------------------------------------------------------------

def test_os_hosts_list_and_show(admin):
    server = boot(admin)
    listed = admin("GET", "/os-hosts").json["hosts"]
    assert listed[:3] == [{"host_name": HOST1, "service": "conductor", "zone": "internal"},
                          {"host_name": HOST1, "service": "scheduler", "zone": "internal"},
                          {"host_name": HOST1, "service": "compute", "zone": "nova"}]
    assert [row["service"] for row in admin("GET", "/os-hosts?zone=internal").json["hosts"]] == [
        "conductor", "scheduler"]
    shown = admin("GET", f"/os-hosts/{HOST1}").json["host"]
    assert [row["resource"]["project"] for row in shown] == [
        "(total)", "(used_now)", "(used_max)", server["tenant_id"]]
    assert shown[0]["resource"] == {"host": HOST1, "project": "(total)", "cpu": 8, "memory_mb": 16384,
                                    "disk_gb": 100}
    assert admin("GET", "/os-hosts", version="2.43").status_code == 404


@needs_shared
def test_os_hosts_match_novas_schemas(admin):
    assert schema_errors("GET", "/os-hosts", "2.1", admin("GET", "/os-hosts").json) == []
    assert schema_errors("GET", "/os-hosts/{id}", "2.1", admin("GET", f"/os-hosts/{HOST1}").json) == []


@pytest.mark.parametrize("method,path,body", [
    ("PUT", f"/os-hosts/{HOST1}", {"status": "enable"}),
    ("GET", f"/os-hosts/{HOST1}/reboot", None),
    ("GET", f"/os-hosts/{HOST1}/shutdown", None),
    ("GET", f"/os-hosts/{HOST1}/startup", None),
])
def test_os_hosts_operations_are_not_implemented_by_libvirt(admin, method, path, body):
    response = admin(method, path, body)
    assert (response.status_code, fault(response)) == (501, "The requested functionality is not supported.")
    missing = admin(method, path.replace(HOST1, "nope"), body)
    assert (missing.status_code, fault(missing)) == (404, "Host 'nope' is not mapped to any cell")


def test_os_hosts_errors(admin, member):
    assert admin("PUT", f"/os-hosts/{HOST1}", {"status": "bogus"}).status_code == 400
    assert fault(admin("GET", "/os-hosts/nope")) == "Host 'nope' is not mapped to any cell"
    assert fault(member("GET", f"/os-hosts/{HOST1}/reboot")) == (
        "Policy doesn't allow os_compute_api:os-hosts:reboot to be performed.")
