"""Server actions generated from the LIFECYCLE table: every row in every vm_state, locked, out of range.

Allowed states get the success code and the server walks the row's path (one step per read, pace
``polls:N``); other states get Nova's 409; a lock stops members (the owner too) and not admins; an action
outside its microversions is a 404; every success body matches Nova's own response schema.
"""
from __future__ import annotations

import pytest
from support.action_cases import CASES, ELSEWHERE, expected_end
from support.nova_reference import needs_shared, schema_errors
from support.server_api import Api, fault, make_app

from fakenova.api.compute.actions import ACTIONS
from fakenova.domain.lifecycle.table import LIFECYCLE, Action
from fakenova.domain.pace import AfterPolls
from fakenova.domain.states import VmState
from fakenova.microversions import MIN_VERSION, Version

DEMO_PROJECT = "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
# every row with a path walks it one step per read, so each step can be seen
PACES = {row.action.value: AfterPolls(len(row.path)) for row in LIFECYCLE.values()
         if row.path and row.action is not Action.CREATE}


@pytest.fixture
def app():
    app = make_app(paces=PACES, hosts=2)  # a second host for the moves to go to
    app.extensions["fakenova"].store.put("security_group", "sg-web", {"id": "sg-web", "name": "web"},
                                         project=DEMO_PROJECT)
    return app


@pytest.fixture
def apis(app):
    return {"demo": Api(app), "admin": Api(app, "admin", "admin")}


@pytest.fixture
def server(apis):
    """A fresh ACTIVE server of demo's (the next test's reset removes it)."""
    return apis["demo"].server()


def _post(api: Api, server_id: str, case, version=None):
    return api("POST", f"/servers/{server_id}/action", case.body, version=version or case.version)


def _walk(api: Api, server_id: str, case, origin: VmState) -> None:
    row = case.row
    stored = api.stored(server_id)
    assert stored.task_state is row.path[0].task_state
    seen = [api("GET", f"/servers/{server_id}").json["server"]["OS-EXT-STS:task_state"] for _ in row.path[1:]]
    assert seen == [step.task_state.value for step in row.path[1:]]
    final = api("GET", f"/servers/{server_id}")
    end = expected_end(row, origin)
    if end is None:
        assert final.status_code == 404
        return
    body = final.json["server"]
    assert (body["OS-EXT-STS:vm_state"], body["OS-EXT-STS:task_state"]) == (end.value, None)


def test_every_row_has_a_case_or_a_reason():
    covered = {case.action for case in CASES} | ELSEWHERE
    assert covered == set(Action)


@pytest.mark.parametrize("state", list(VmState), ids=lambda s: s.value)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_action_in_every_vm_state(apis, server, case, state):
    demo, api = apis["demo"], apis[case.caller]
    demo.set_state(server, state)
    response = _post(api, server, case)
    if case.row.allowed is not None and state not in case.row.allowed:
        assert response.status_code == 409, response.json
        assert fault(response) == (f"Cannot '{case.row.nova_name}' instance {server} while it is in vm_state "
                                   f"{state.value}")
        return
    assert response.status_code == case.code, response.get_data(as_text=True)
    if case.row.path and case.code < 400:
        _walk(demo, server, case, state)


def _startable(case) -> VmState:
    allowed = case.row.allowed
    return VmState.ACTIVE if allowed is None or VmState.ACTIVE in allowed else sorted(allowed)[0]


@pytest.mark.parametrize("case", [c for c in CASES if c.row.checks_lock], ids=str)
def test_locked_server_refuses_members_and_lets_admins_through(apis, server, case):
    apis["demo"].set_state(server, _startable(case), locked_by="owner")
    if case.caller == "demo":
        refused = _post(apis["demo"], server, case)
        assert refused.status_code == 409
        expected = (f"Instance {server} is in an invalid state for 'changePassword'"
                    if case.action is Action.CHANGE_PASSWORD else f"Instance {server} is locked")
        assert fault(refused) == expected
    assert _post(apis["admin"], server, case).status_code == case.code


@pytest.mark.parametrize("case", [c for c in CASES if not c.row.checks_lock and c.caller == "demo"], ids=str)
def test_rows_without_lock_check_ignore_the_lock(apis, server, case):
    apis["demo"].set_state(server, _startable(case), locked_by="admin")
    assert _post(apis["demo"], server, case).status_code in (case.code, 403)  # unlock of an admin lock: 403


@pytest.mark.parametrize("case", [c for c in CASES if c.caller == "admin"], ids=str)
def test_manager_and_admin_rows_refuse_members(apis, server, case):
    apis["demo"].set_state(server, _startable(case))
    response = _post(apis["demo"], server, case)
    assert response.status_code == 403
    assert fault(response) == f"Policy doesn't allow {case.row.rule} to be performed."


def _outside(entry):
    versions = entry.versions
    if versions.since > MIN_VERSION:
        yield Version(2, versions.since.minor - 1)
    if versions.until is not None:
        yield Version(2, versions.until.minor + 1)


OUT_OF_RANGE = [(key, str(version)) for key, entry in ACTIONS.items() for version in _outside(entry)]


@pytest.mark.parametrize("key,version", OUT_OF_RANGE)
def test_actions_outside_their_versions_are_404(apis, server, key, version):
    response = apis["admin"]("POST", f"/servers/{server}/action", {key: None}, version=version)
    assert response.status_code == 404
    assert fault(response) == "The resource could not be found."


def test_out_of_range_covers_the_versioned_actions():
    keys = {key for key, _ in OUT_OF_RANGE}
    assert keys >= {"trigger_crash_dump", "os-getVNCConsole", "addFixedIp", "addFloatingIp", "os-getRDPConsole"}


@needs_shared
@pytest.mark.parametrize("case", [c for c in CASES if c.code < 400], ids=str)
def test_success_bodies_match_novas_response_schema(apis, server, case):
    apis["demo"].set_state(server, _startable(case))
    response = _post(apis[case.caller], server, case)
    assert response.status_code == case.code
    body = response.json if response.get_data() else None
    assert schema_errors("POST", "/servers/{id}/action", case.version, body, action=case.key) == []
