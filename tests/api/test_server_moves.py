"""Moving servers between hosts through the HTTP layer: resize, cold and live migration, evacuation and
unshelve, per microversion and host situation (one host, two hosts, a host disabled or forced down), with
the host the server ends on and the migration record each leaves, as Nova's API and conductor answer."""
from __future__ import annotations

from typing import Any, Optional

import pytest
from support.server_api import IMAGE, Api, fault, make_app

from fakenova.domain.states import VmState

HOST1, HOST2 = "fakenova-compute-1", "fakenova-compute-2"
ONE = "fakenova-compute"  # the default fixtures' only host
NO_HOST = "No valid host was found. There are not enough hosts available."


def admin_api(hosts: Optional[int] = 2, **settings: Any) -> Api:
    return Api(make_app(hosts=hosts, **settings), "admin", "admin")


def act(api: Api, server_id: str, body: Any, version: str = "2.1"):
    return api("POST", f"/servers/{server_id}/action", body, version=version)


def show(api: Api, server_id: str) -> dict:
    return api("GET", f"/servers/{server_id}", version="2.47").json["server"]


def host_of(api: Api, server_id: str) -> str:
    return show(api, server_id)["OS-EXT-SRV-ATTR:host"]


def migrations(api: Api, server_id: str) -> list:
    found = api("GET", f"/os-migrations?instance_uuid={server_id}", version="2.59").json["migrations"]
    return sorted(found, key=lambda record: record["id"])


def force_down(api: Api, host: str) -> None:
    response = api("PUT", "/os-services/force-down",
                   {"host": host, "binary": "nova-compute", "forced_down": True}, version="2.11")
    assert response.status_code == 200, response.json


def disable(api: Api, host: str) -> None:
    assert api("PUT", "/os-services/disable", {"host": host, "binary": "nova-compute"}).status_code == 200


# --- moves that succeed on two hosts ------------------------------------------------------------------

#: (body, version, status after, migration_type, migration status after, the confirm that follows)
MOVES = [
    ({"migrate": None}, "2.1", "VERIFY_RESIZE", "migration", "finished"),
    ({"migrate": {"host": HOST2}}, "2.56", "VERIFY_RESIZE", "migration", "finished"),
    ({"migrate": {"host": None}}, "2.56", "VERIFY_RESIZE", "migration", "finished"),
    ({"os-migrateLive": {"host": None, "block_migration": False, "disk_over_commit": False}}, "2.1", "ACTIVE",
     "live-migration", "completed"),
    ({"os-migrateLive": {"host": HOST2, "block_migration": "auto"}}, "2.25", "ACTIVE", "live-migration",
     "completed"),
    ({"os-migrateLive": {"host": HOST2, "block_migration": "auto", "force": True}}, "2.30", "ACTIVE",
     "live-migration", "completed"),
    ({"os-migrateLive": {"host": None, "block_migration": "auto"}}, "2.68", "ACTIVE", "live-migration",
     "completed"),
]


@pytest.mark.parametrize("body,version,status,kind,record_status", MOVES,
                         ids=[f"{next(iter(m[0]))}-{m[1]}" for m in MOVES])
def test_moves_go_to_the_other_host_and_record_a_migration(body, version, status, kind, record_status):
    admin = admin_api()
    server_id = admin.server()
    assert host_of(admin, server_id) == HOST1
    response = act(admin, server_id, body, version)
    assert response.status_code == 202, response.json
    assert response.get_data() == b""
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"]) == (status, HOST2)
    assert after["OS-EXT-SRV-ATTR:hypervisor_hostname"] == HOST2
    (record,) = migrations(admin, server_id)
    assert (record["migration_type"], record["status"]) == (kind, record_status)
    assert (record["source_compute"], record["dest_compute"], record["source_node"], record["dest_node"]) == (
        HOST1, HOST2, HOST1, HOST2)
    assert record["dest_host"] == "192.168.122.11"


@pytest.mark.parametrize("answer,status,host,record_status", [
    ("confirmResize", "ACTIVE", HOST2, "confirmed"),
    ("revertResize", "ACTIVE", HOST1, "reverted"),
])
def test_confirm_keeps_the_new_host_and_revert_goes_back(answer, status, host, record_status):
    admin = admin_api()
    server_id = admin.server()
    assert act(admin, server_id, {"migrate": None}).status_code == 202
    assert act(admin, server_id, {answer: None}).status_code in (202, 204)
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"]) == (status, host)
    assert after["OS-EXT-AZ:availability_zone"] == "nova"
    assert migrations(admin, server_id)[0]["status"] == record_status


@pytest.mark.parametrize("same_host,host", [(True, HOST1), (False, HOST2)])
def test_resize_stays_only_when_allow_resize_to_same_host(same_host, host):
    admin = admin_api(allow_resize_to_same_host=same_host)
    server_id = admin.server()
    admin("POST", "/servers", {"server": {"name": "filler", "imageRef": show(admin, server_id)["image"]["id"],
                                          "flavorRef": "3", "networks": "none"}}, version="2.37")
    assert act(admin, server_id, {"resize": {"flavorRef": "2"}}).status_code == 202
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"]) == ("VERIFY_RESIZE", host)
    (record,) = migrations(admin, server_id)
    assert (record["migration_type"], record["dest_compute"]) == ("resize", host)


# --- no valid host: one host, or the other one disabled ---------------------------------------------

#: (apps's hosts, body, version): the request is accepted, the server stays where and as it was, and its
#: migration record ends ``error`` (Nova's conductor: NoValidHost)
UNPLACED = [
    (None, {"migrate": None}, "2.1", "migration"),
    (None, {"resize": {"flavorRef": "2"}}, "2.1", "resize"),
    (None, {"os-migrateLive": {"host": None, "block_migration": "auto"}}, "2.34", "live-migration"),
    (2, {"migrate": {"host": HOST2}}, "2.56", "migration"),
    (2, {"os-migrateLive": {"host": HOST2, "block_migration": "auto"}}, "2.68", "live-migration"),
    (2, {"os-migrateLive": {"host": HOST1, "block_migration": "auto"}}, "2.68", "live-migration"),
]


@pytest.mark.parametrize("hosts,body,version,kind", UNPLACED, ids=[f"{u[0]}-{next(iter(u[1]))}-{u[2]}"
                                                                   for u in UNPLACED])
def test_a_move_with_no_valid_host_is_accepted_and_changes_nothing(hosts, body, version, kind):
    admin = admin_api(hosts, allow_resize_to_same_host=False)
    server_id = admin.server()
    source = host_of(admin, server_id)
    if hosts:
        disable(admin, HOST2)
    response = act(admin, server_id, body, version)
    assert response.status_code == 202, response.json
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-STS:task_state"], after["OS-EXT-SRV-ATTR:host"]) == (
        "ACTIVE", None, source)
    (record,) = migrations(admin, server_id)
    assert (record["migration_type"], record["status"], record["source_compute"]) == (kind, "error", source)
    actions = admin("GET", f"/servers/{server_id}/os-instance-actions").json["instanceActions"]
    assert actions[0]["action"] == {"os-migrateLive": "live-migration"}.get(next(iter(body)), next(iter(body)))


def test_one_host_resizes_in_place_by_default():
    admin = admin_api(None)
    server_id = admin.server()
    assert act(admin, server_id, {"resize": {"flavorRef": "2"}}).status_code == 202
    assert (show(admin, server_id)["status"], host_of(admin, server_id)) == ("VERIFY_RESIZE", ONE)


# --- refused requests (nothing stored) ---------------------------------------------------------------

#: (body, version, status, message); ``{self}`` is the server's id, ``{host}`` its host
REFUSED = [
    ({"migrate": {"host": HOST1}}, "2.56", 400, "Cannot migrate to the host where the server exists."),
    ({"migrate": {"host": "nowhere"}}, "2.56", 400, "Compute host nowhere could not be found."),
    ({"os-migrateLive": {"host": "nowhere", "block_migration": "auto"}}, "2.68", 400,
     "Compute host nowhere could not be found."),
    ({"os-migrateLive": {"host": None, "block_migration": "auto", "force": True}}, "2.30", 400,
     "Can't force to a non-provided destination"),
    # before 2.34 the API waits for the conductor's checks; before 2.30 a given host is forced
    ({"os-migrateLive": {"host": HOST1, "block_migration": False, "disk_over_commit": False}}, "2.1", 400,
     "Unable to migrate instance ({self}) to current host ({host})."),
    ({"os-migrateLive": {"host": HOST1, "block_migration": "auto"}}, "2.33", 400, NO_HOST),
    ({"evacuate": {}}, "2.14", 400, "Compute service of {host} is still in use."),
    ({"evacuate": {"host": HOST2}}, "2.29", 400, "Compute service of {host} is still in use."),
    ({"evacuate": {"host": HOST1}}, "2.29", 400, "The target host can't be the same one."),
    ({"evacuate": {"host": "nowhere"}}, "2.29", 404, "Compute host nowhere not found."),
    ({"evacuate": {"force": True}}, "2.29", 400, "Can't force to a non-provided destination"),
    ({"evacuate": {"onSharedStorage": True, "adminPass": "p"}}, "2.1", 400,
     "admin password can't be changed on existing disk"),
]


@pytest.mark.parametrize("body,version,status,message", REFUSED,
                         ids=[f"{next(iter(r[0]))}-{r[1]}-{i}" for i, r in enumerate(REFUSED)])
def test_refused_moves_answer_novas_error_and_store_nothing(body, version, status, message):
    admin = admin_api()
    server_id = admin.server()
    response = act(admin, server_id, body, version)
    assert response.status_code == status
    assert fault(response) == message.format(self=server_id, host=HOST1)
    assert show(admin, server_id)["status"] == "ACTIVE" and host_of(admin, server_id) == HOST1
    assert migrations(admin, server_id) == []


#: Nova's API handlers check these before the compute API's state checks (a suspended server's 409), and the
#: rest after: (body, version, status, message); ``{self}`` is the server's id
ORDERED = [
    ({"evacuate": {"force": True}}, "2.29", 400, "Can't force to a non-provided destination"),
    ({"evacuate": {"onSharedStorage": True, "adminPass": "p"}}, "2.1", 400,
     "admin password can't be changed on existing disk"),
    ({"evacuate": {"host": "nowhere"}}, "2.29", 404, "Compute host nowhere not found."),
    ({"evacuate": {"host": HOST1}}, "2.29", 400, "The target host can't be the same one."),
    ({"evacuate": {"host": HOST2}}, "2.29", 409,
     "Cannot 'evacuate' instance {self} while it is in vm_state suspended"),
    ({"os-migrateLive": {"host": None, "block_migration": "auto", "force": True}}, "2.30", 400,
     "Can't force to a non-provided destination"),
    ({"os-migrateLive": {"host": "nowhere", "block_migration": "auto"}}, "2.68", 409,
     "Cannot 'os-migrateLive' instance {self} while it is in vm_state suspended"),
    ({"os-migrateLive": {"host": HOST1, "block_migration": False, "disk_over_commit": False}}, "2.1", 409,
     "Cannot 'os-migrateLive' instance {self} while it is in vm_state suspended"),
]


@pytest.mark.parametrize("body,version,status,message", ORDERED,
                         ids=[f"{next(iter(r[0]))}-{r[1]}-{r[2]}-{i}" for i, r in enumerate(ORDERED)])
def test_body_and_host_errors_come_before_the_state_conflict_as_in_nova(body, version, status, message):
    admin = admin_api()
    server_id = admin.server()
    admin.set_state(server_id, VmState.SUSPENDED)
    response = act(admin, server_id, body, version)
    assert response.status_code == status
    assert fault(response) == message.format(self=server_id)
    assert show(admin, server_id)["status"] == "SUSPENDED" and host_of(admin, server_id) == HOST1
    assert migrations(admin, server_id) == []


@pytest.mark.parametrize("body,rule", [
    ({"migrate": {"host": HOST2}}, "os_compute_api:os-migrate-server:migrate:host"),
    ({"migrate": None}, "os_compute_api:os-migrate-server:migrate"),
    ({"os-migrateLive": {"host": None, "block_migration": "auto"}}, "os_compute_api:os-migrate-server:migrate_live"),
    ({"evacuate": {}}, "os_compute_api:os-evacuate"),
])
def test_members_may_not_move_servers(body, rule):
    app = make_app(hosts=2)
    demo = Api(app)
    server_id = demo.server()
    response = act(demo, server_id, body, "2.68")
    assert response.status_code == 403
    assert fault(response) == f"Policy doesn't allow {rule} to be performed."


# --- evacuation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("version,body,end,password", [
    ("2.1", {"onSharedStorage": False}, "ACTIVE", True),
    ("2.1", {"onSharedStorage": True}, "ACTIVE", None),
    ("2.1", {"onSharedStorage": False, "adminPass": "s3cret"}, "ACTIVE", "s3cret"),
    ("2.14", {}, "ACTIVE", False),
    ("2.29", {"host": HOST2, "force": True}, "ACTIVE", False),
    ("2.68", {"host": HOST2}, "ACTIVE", False),
    ("2.95", {}, "SHUTOFF", False),
])
def test_evacuation_from_a_forced_down_host(version, body, end, password):
    admin = admin_api()
    server_id = admin.server()
    force_down(admin, HOST1)
    response = act(admin, server_id, {"evacuate": body}, version)
    assert response.status_code == 200, response.json
    if password is False:
        assert response.get_data() == b""
    elif password is True:
        assert isinstance(response.json["adminPass"], str) and response.json["adminPass"]
    else:
        assert response.json == {"adminPass": password}
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"]) == (end, HOST2)
    (record,) = migrations(admin, server_id)
    assert (record["migration_type"], record["status"], record["source_compute"], record["dest_compute"]) == (
        "evacuation", "done", HOST1, HOST2)


def test_evacuation_with_nowhere_to_go_ends_in_error():
    admin = admin_api()
    server_id = admin.server()
    force_down(admin, HOST1)
    disable(admin, HOST2)
    assert act(admin, server_id, {"evacuate": {}}, "2.14").status_code == 200
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"], after["fault"]["message"]) == ("ERROR", HOST1, NO_HOST)
    assert migrations(admin, server_id)[0]["status"] == "error"


def test_a_stopped_server_is_evacuated_stopped():
    admin = admin_api()
    server_id = admin.server()
    assert act(admin, server_id, {"os-stop": None}).status_code == 202
    force_down(admin, HOST1)
    assert act(admin, server_id, {"evacuate": {}}, "2.14").status_code == 200
    assert (show(admin, server_id)["status"], host_of(admin, server_id)) == ("SHUTOFF", HOST2)


# --- unshelve of an offloaded server -------------------------------------------------------------------

def _offloaded(admin: Api) -> str:
    server_id = admin.server()
    assert act(admin, server_id, {"shelve": None}).status_code == 202
    assert show(admin, server_id)["status"] == "SHELVED_OFFLOADED"
    return server_id


@pytest.mark.parametrize("body,version,host", [
    (None, "2.1", HOST1),
    ({"host": HOST2}, "2.91", HOST2),
    ({"availability_zone": "nova"}, "2.77", HOST1),
    ({"availability_zone": None}, "2.91", HOST1),
    ({"host": HOST2}, "2.90", HOST1),  # before 2.91 Nova ignores the host... and 2.77's schema refuses it
])
def test_unshelve_places_the_server_again(body, version, host):
    admin = admin_api()
    server_id = _offloaded(admin)
    response = act(admin, server_id, {"unshelve": body}, version)
    if version == "2.90":
        assert response.status_code == 400
        return
    assert response.status_code == 202, response.json
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", host)


@pytest.mark.parametrize("body,status,message", [
    ({"host": "nowhere"}, 400, "Compute host nowhere could not be found."),
    ({"availability_zone": "elsewhere"}, 400, "The requested availability zone is not available"),
])
def test_unshelve_refusals(body, status, message):
    admin = admin_api()
    server_id = _offloaded(admin)
    response = act(admin, server_id, {"unshelve": body}, "2.91")
    assert (response.status_code, fault(response)) == (status, message)
    assert show(admin, server_id)["status"] == "SHELVED_OFFLOADED"


def test_unshelve_with_no_valid_host_stays_offloaded():
    admin = admin_api()
    server_id = _offloaded(admin)
    disable(admin, HOST1)
    disable(admin, HOST2)
    assert act(admin, server_id, {"unshelve": None}).status_code == 202
    after = show(admin, server_id)
    assert (after["status"], after["OS-EXT-STS:task_state"], after["OS-EXT-SRV-ATTR:host"]) == (
        "SHELVED_OFFLOADED", None, None)


def test_unshelve_of_a_shelved_server_with_a_host_is_a_conflict():
    admin = admin_api(shelved_offload_time=-1)
    server_id = admin.server()
    assert act(admin, server_id, {"shelve": None}).status_code == 202
    response = act(admin, server_id, {"unshelve": {"host": HOST2}}, "2.91")
    assert response.status_code == 409
    assert fault(response) == (f'Specifying an availability zone or a host when unshelving server "{server_id}" '
                               f'with status "shelved" is not supported. The server status must be '
                               f'SHELVED_OFFLOADED.')


# --- server groups: soft policies weigh, hard ones filter ---------------------------------------------

def _boot(admin: Api, flavor: str = "1", **hints: Any) -> str:
    body = {"name": "vm", "imageRef": IMAGE, "flavorRef": flavor, "networks": "none"}
    response = admin("POST", "/servers", {"server": body, "os:scheduler_hints": hints}, version="2.37")
    assert response.status_code == 202, response.json
    return response.json["server"]["id"]


@pytest.mark.parametrize("policy,filler_on_member_host,expected", [
    # the least-loaded weigher alone would pick the other host each time
    ("soft-affinity", False, HOST1),
    ("soft-anti-affinity", False, HOST2),
    ("soft-anti-affinity", True, HOST2),
])
def test_soft_group_policies_outweigh_the_load(policy, filler_on_member_host, expected):
    admin = admin_api()
    group = admin("POST", "/os-server-groups", {"server_group": {"name": "g", "policy": policy}},
                  version="2.64").json["server_group"]["id"]
    disable(admin, HOST2)
    assert host_of(admin, _boot(admin, group=group)) == HOST1
    if not filler_on_member_host:
        assert admin("PUT", "/os-services/enable", {"host": HOST2, "binary": "nova-compute"}).status_code == 200
    if policy == "soft-anti-affinity":
        _boot(admin, "4")  # m1.large on the least loaded host: HOST1 while HOST2 is disabled, else HOST2
    admin("PUT", "/os-services/enable", {"host": HOST2, "binary": "nova-compute"})
    assert host_of(admin, _boot(admin, group=group)) == expected


def test_a_live_migration_respects_anti_affinity():
    admin = Api(make_app(hosts=3), "admin", "admin")
    group = admin("POST", "/os-server-groups", {"server_group": {"name": "g", "policy": "anti-affinity"}},
                  version="2.64").json["server_group"]["id"]
    first, second = _boot(admin, group=group), _boot(admin, group=group)
    assert {host_of(admin, first), host_of(admin, second)} == {HOST1, HOST2}
    body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
    assert act(admin, first, body, "2.68").status_code == 202
    assert host_of(admin, first) == "fakenova-compute-3"
    assert act(admin, second, body, "2.68").status_code == 202  # only host1 is free of members now
    assert host_of(admin, second) == HOST1


@pytest.mark.parametrize("hint,expected", [("same_host", HOST1), ("different_host", HOST2)])
@pytest.mark.parametrize("as_list", [False, True])
def test_same_and_different_host_hints(hint, expected, as_list):
    admin = admin_api()
    first = _boot(admin)
    assert host_of(admin, first) == HOST1
    _boot(admin, "3")  # host2 is busier now, host1 the least loaded... until the hint says otherwise
    _boot(admin, "3")
    second = _boot(admin, **{hint: [first] if as_list else first})
    assert host_of(admin, second) == expected


def test_a_same_host_hint_on_a_busy_host_finds_no_host():
    admin = admin_api()
    first = _boot(admin)
    disable(admin, HOST1)
    second = _boot(admin, same_host=first)
    after = show(admin, second)
    assert (after["status"], after["fault"]["message"]) == ("ERROR", NO_HOST)
