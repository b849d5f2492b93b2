"""``os-instance_usage_audit_log`` (Nova's summary with no task logs, for the last whole month) and
``os-server-external-events`` (per-event codes, 200/207, service-or-admin policy, effects of accepted
events)."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.roles import grant
from support.server_api import MISSING, Api, fault, make_app

from fakenova.domain.audit_log import last_completed_month
from fakenova.domain.states import PowerState, TaskState, VmState

AUDIT = "/os-instance_usage_audit_log"
EVENTS = "/os-server-external-events"
EMPTY_SUMMARY = {"hosts_not_run": ["fakenova-compute"], "log": {}, "num_hosts": 1, "num_hosts_done": 0,
                 "num_hosts_not_run": 1, "num_hosts_running": 0, "overall_status": "0 of 1 hosts done. 0 errors.",
                 "total_errors": 0, "total_instances": 0}


# --- audit log ------------------------------------------------------------------------------------------


def test_index_summarises_the_last_whole_month(admin):
    body = admin("GET", AUDIT).json["instance_usage_audit_logs"]  # the clock is at 2026-01-01T00:00:00
    assert body == {**EMPTY_SUMMARY, "period_beginning": "2025-11-01 00:00:00",
                    "period_ending": "2025-12-01 00:00:00"}


def test_the_summary_names_every_compute_host_of_the_fleet():
    admin = Api(make_app(hosts=3), "admin", "admin")
    body = admin("GET", AUDIT).json["instance_usage_audit_logs"]
    assert body["hosts_not_run"] == ["fakenova-compute-1", "fakenova-compute-2", "fakenova-compute-3"]
    assert body["num_hosts"] == 3 and body["overall_status"] == "0 of 3 hosts done. 0 errors."


@pytest.mark.parametrize("before,period", [
    ("2012-07-15 10:00:00", ("2012-06-01 00:00:00", "2012-07-01 00:00:00")),
    ("2012-01-15 10:00:00.25", ("2011-12-01 00:00:00", "2012-01-01 00:00:00")),
    ("2012-03-01 00:00:00", ("2012-01-01 00:00:00", "2012-02-01 00:00:00")),
    ("2012-03-01 00:00:01", ("2012-02-01 00:00:00", "2012-03-01 00:00:00")),
])
def test_show_takes_the_period_before_a_time(admin, before, period):
    body = admin("GET", f"{AUDIT}/{before}").json["instance_usage_audit_log"]
    assert (body["period_beginning"], body["period_ending"]) == period


@pytest.mark.parametrize("before", ["2012-07-15", "yesterday", "2012-07-15T10:00:00", "2012-07-15 10:00:00.x"])
def test_show_refuses_a_bad_time(admin, before):
    response = admin("GET", f"{AUDIT}/{before}")
    assert response.status_code == 400 and fault(response) == f"Invalid timestamp for date {before}"


def test_audit_log_is_admin_only(demo):
    for path, rule in ((AUDIT, "list"), (f"{AUDIT}/2012-07-15 10:00:00", "show")):
        response = demo("GET", path)
        assert response.status_code == 403
        assert fault(response) == (f"Policy doesn't allow os_compute_api:os-instance-usage-audit-log:{rule} "
                                   "to be performed.")


def test_audit_log_refuses_unknown_parameters_from_2_102(admin):
    assert admin("GET", f"{AUDIT}?x=1", version="2.101").status_code == 200
    assert admin("GET", f"{AUDIT}?x=1", version="2.102").status_code == 400


def test_month_arithmetic_wraps_the_year():
    assert last_completed_month(1_767_225_600.5) == ("2025-12-01 00:00:00", "2026-01-01 00:00:00")


# --- external events -------------------------------------------------------------------------------------


@pytest.fixture
def service(app):
    grant(app, "alt_demo", "alt_demo", "service")
    return Api(app, "alt_demo", "alt_demo")


def post(api: Api, *events, version: str = "2.1"):
    return api("POST", EVENTS, {"events": list(events)}, version=version)


def test_all_handled_is_200_with_novas_body(demo, admin):
    server = demo.server()
    response = post(admin, {"name": "network-changed", "server_uuid": server, "tag": "foo"},
                    {"name": "network-vif-plugged", "server_uuid": server, "status": "in-progress"})
    assert response.status_code == 200
    assert response.json == {"events": [
        {"name": "network-changed", "server_uuid": server, "tag": "foo", "status": "completed", "code": 200},
        {"name": "network-vif-plugged", "server_uuid": server, "status": "completed", "code": 200}]}


def test_mixed_and_all_missing_are_207(demo, admin):
    server = demo.server()
    mixed = post(admin, {"name": "network-changed", "server_uuid": server},
                 {"name": "network-changed", "server_uuid": MISSING})
    assert mixed.status_code == 207 and [e["code"] for e in mixed.json["events"]] == [200, 404]
    assert mixed.json["events"][1]["status"] == "failed"
    missing = post(admin, {"name": "network-changed", "server_uuid": MISSING})
    assert missing.status_code == 207 and missing.json["events"][0]["code"] == 404  # Nova dropped its 404


def test_a_server_on_no_host_is_422_and_a_missing_tag_400(demo, admin):
    server = demo.server()
    demo.set_state(server, VmState.SHELVED_OFFLOADED, host=None, node=None)
    response = post(admin, {"name": "network-changed", "server_uuid": server})
    assert response.status_code == 207 and response.json["events"][0]["code"] == 422
    other = demo.server()
    response = post(admin, {"name": "volume-extended", "server_uuid": other}, version="2.51")
    assert response.status_code == 207 and response.json["events"][0] == {
        "name": "volume-extended", "server_uuid": other, "status": "failed", "code": 400}


@pytest.mark.parametrize("name,since", [("volume-extended", "2.51"), ("power-update", "2.76"),
                                        ("accelerator-request-bound", "2.82"), ("volume-reimaged", "2.93")])
def test_event_names_per_version(demo, admin, name, since):
    server = demo.server()
    event = {"name": name, "server_uuid": server, "tag": "POWER_OFF"}
    before = f"2.{int(since.split('.')[1]) - 1}"
    assert post(admin, event, version=before).status_code == 400
    assert post(admin, event, version=since).status_code == 200


@pytest.mark.parametrize("body", [{}, {"events": []}, {"events": [{"name": "network-changed"}]},
                                  {"events": [{"name": "x", "server_uuid": MISSING}]},
                                  {"events": [{"name": "network-changed", "server_uuid": MISSING, "bogus": 1}]},
                                  {"events": [{"name": "network-changed", "server_uuid": MISSING,
                                               "status": "done"}]}])
def test_bad_bodies_are_400(admin, body):
    assert admin("POST", EVENTS, body).status_code == 400


def test_only_service_and_admin_roles(app, demo):
    server = demo.server()
    own = Api(app, "alt_demo", "alt_demo").server()  # as a member: Nova lets no service-only user boot one
    grant(app, "alt_demo", "alt_demo", "service")
    service = Api(app, "alt_demo", "alt_demo")
    response = post(demo, {"name": "network-changed", "server_uuid": server})
    assert response.status_code == 403
    assert fault(response) == ("Policy doesn't allow os_compute_api:os-server-external-events:create to be "
                               "performed.")
    assert post(service, {"name": "network-changed", "server_uuid": own}).status_code == 200
    # without the admin role, Nova finds servers through the caller's project only
    assert post(service, {"name": "network-changed", "server_uuid": server}).json["events"][0]["code"] == 404


def test_power_update_moves_a_steady_server_and_records_actions(demo, admin):
    server = demo.server()
    assert post(admin, {"name": "power-update", "server_uuid": server, "tag": "POWER_OFF"},
                version="2.76").status_code == 200
    stored = demo.stored(server)
    assert (stored.vm_state, stored.power_state) == (VmState.STOPPED, PowerState.SHUTDOWN)
    post(admin, {"name": "power-update", "server_uuid": server, "tag": "POWER_ON"}, version="2.76")
    assert demo("GET", f"/servers/{server}").json["server"]["status"] == "ACTIVE"
    post(admin, {"name": "volume-extended", "server_uuid": server, "tag": "vol"}, version="2.76")
    actions = demo("GET", f"/servers/{server}/os-instance-actions").json["instanceActions"]
    assert [a["action"] for a in actions][:3] == ["extend_volume", "start", "stop"]


def test_power_update_of_a_busy_server_is_a_no_op(demo, admin):
    server = demo.server()
    demo.set_state(server, VmState.ACTIVE, TaskState.REBOOTING)
    post(admin, {"name": "power-update", "server_uuid": server, "tag": "POWER_OFF"}, version="2.76")
    assert demo.stored(server).vm_state is VmState.ACTIVE


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.51", "2.76", "2.82", "2.93", "2.104"])
def test_bodies_match_novas_schemas(demo, admin, version):
    server = demo.server()
    body = post(admin, {"name": "network-changed", "server_uuid": server, "tag": "t"},
                {"name": "network-changed", "server_uuid": MISSING}, version=version).json
    assert schema_errors("POST", EVENTS, version, body) == []
    # Nova's schema calls host names uuids (its functional tests name hosts so); real hosts have names
    named_host = "'fakenova-compute' is not a 'uuid'"
    listed = admin("GET", AUDIT, version=version).json
    assert [e for e in schema_errors("GET", AUDIT, version, listed) if not e.endswith(named_host)] == []
    shown = admin("GET", f"{AUDIT}/2012-07-15 10:00:00", version=version).json
    errors = schema_errors("GET", f"{AUDIT}/{{id}}", version, shown)
    assert [e for e in errors if not e.endswith(named_host)] == []
