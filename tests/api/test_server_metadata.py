"""``/servers/{id}/metadata`` and ``/servers/{id}/tags`` through the HTTP layer: codes, bodies, limits,
Nova's exact messages, the state and lock guards of the writes, and Nova's own response schemas."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import MISSING, Api, fault, make_app

from fakenova.domain.lifecycle.table import LIFECYCLE, Action
from fakenova.domain.states import VmState
from fakenova.microversions import V, all_versions


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def demo(app):
    return Api(app, version="2.26")


@pytest.fixture
def admin(app):
    return Api(app, "admin", "admin", version="2.26")


@pytest.fixture
def server(demo):
    return demo.server(metadata={"a": "1"})


def _allowed(action):
    return sorted(LIFECYCLE[action].allowed, key=lambda s: s.value)


def _refused(action):
    return sorted(set(VmState) - LIFECYCLE[action].allowed - {VmState.DELETED}, key=lambda s: s.value)


# --- metadata ------------------------------------------------------------------------------------------


def test_metadata_round_trip(demo, server):
    base = f"/servers/{server}/metadata"
    assert demo("GET", base).json == {"metadata": {"a": "1"}}
    assert demo("POST", base, {"metadata": {"b": "2"}}).json == {"metadata": {"a": "1", "b": "2"}}
    assert demo("PUT", f"{base}/c", {"meta": {"c": "3"}}).json == {"meta": {"c": "3"}}
    assert demo("GET", f"{base}/c").json == {"meta": {"c": "3"}}
    assert demo("PUT", base, {"metadata": {"z": "9"}}).json == {"metadata": {"z": "9"}}
    response = demo("DELETE", f"{base}/z")
    assert response.status_code == 204 and response.get_data() == b""
    assert demo("GET", base).json == {"metadata": {}}
    assert demo("GET", f"/servers/{server}").json["server"]["metadata"] == {}


@pytest.mark.parametrize("method,suffix", [("GET", ""), ("GET", "/a"), ("DELETE", "/a"),
                                           ("POST", ""), ("PUT", ""), ("PUT", "/a")])
def test_unknown_and_other_projects_servers_are_404(app, demo, server, method, suffix):
    body = {"meta": {"a": "x"}} if suffix and method == "PUT" else {"metadata": {"a": "x"}}
    alt = Api(app, "alt_demo", "alt_demo")
    for api, server_id in ((demo, MISSING), (alt, server)):
        response = api(method, f"/servers/{server_id}/metadata{suffix}", body)
        assert response.status_code == 404
        assert fault(response) == f"Instance {server_id} could not be found."


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_missing_key_is_404(demo, server, method):
    response = demo(method, f"/servers/{server}/metadata/nope")
    assert response.status_code == 404 and fault(response) == "Metadata item was not found"


def test_key_must_match_the_url(demo, server):
    response = demo("PUT", f"/servers/{server}/metadata/a", {"meta": {"b": "1"}})
    assert response.status_code == 400 and fault(response) == "Request body and URI mismatch"


@pytest.mark.parametrize("body,message", [
    ({"meta": {"a": "1", "b": "2"}}, "has too many properties"),
    ({"meta": {}}, "should be non-empty"),
    ({"meta": {"a": 1}}, "is not of type 'string'"),
    ({"meta": {"a": "x" * 256}}, "is too long"),
    ({"meta": {"a/b": "1"}}, "does not match any of the regexes"),
])
def test_item_body_rules(demo, server, body, message):
    response = demo("PUT", f"/servers/{server}/metadata/a", body)
    assert response.status_code == 400 and message in fault(response)


def test_quota_counts_the_merged_metadata(demo, server):
    many = {f"k{index}": "v" for index in range(127)}
    assert demo("POST", f"/servers/{server}/metadata", {"metadata": many}).status_code == 200
    response = demo("POST", f"/servers/{server}/metadata", {"metadata": {"one-more": "v"}})
    assert response.status_code == 403
    assert fault(response) == "Maximum number of metadata items exceeds 128"
    assert demo("PUT", f"/servers/{server}/metadata", {"metadata": {"only": "v"}}).status_code == 200


@pytest.mark.parametrize("vm_state", _refused(Action.UPDATE_METADATA), ids=lambda s: s.value)
@pytest.mark.parametrize("method,suffix,action", [("POST", "", "update metadata"),
                                                  ("PUT", "", "update metadata"),
                                                  ("PUT", "/a", "update metadata"),
                                                  ("DELETE", "/a", "delete metadata")])
def test_writes_refuse_other_states(demo, server, vm_state, method, suffix, action):
    demo.set_state(server, vm_state)
    body = {"meta": {"a": "2"}} if suffix and method == "PUT" else {"metadata": {"a": "2"}}
    response = demo(method, f"/servers/{server}/metadata{suffix}", body)
    assert response.status_code == 409
    assert fault(response) == f"Cannot '{action}' instance {server} while it is in vm_state {vm_state.value}"


@pytest.mark.parametrize("vm_state", _allowed(Action.UPDATE_METADATA), ids=lambda s: s.value)
def test_writes_allowed_states_and_any_task_state(demo, server, vm_state):
    from fakenova.domain.states import TaskState
    demo.set_state(server, vm_state, TaskState.POWERING_OFF)
    assert demo("POST", f"/servers/{server}/metadata", {"metadata": {"b": "2"}}).status_code == 200
    assert demo("DELETE", f"/servers/{server}/metadata/b").status_code == 204


def test_writes_need_a_launched_server(demo, server):
    demo.set_state(server, VmState.ACTIVE, launched_at=None)
    response = demo("POST", f"/servers/{server}/metadata", {"metadata": {"b": "2"}})
    assert fault(response) == f"Cannot 'update metadata' instance {server} while it is in launched_at None"


@pytest.mark.parametrize("method,suffix", [("POST", ""), ("PUT", ""), ("PUT", "/a"), ("DELETE", "/a")])
def test_locked_server_refuses_members_not_admins(demo, admin, server, method, suffix):
    demo.set_state(server, VmState.ACTIVE, locked_by="owner")
    body = {"meta": {"a": "2"}} if suffix and method == "PUT" else {"metadata": {"a": "2"}}
    response = demo(method, f"/servers/{server}/metadata{suffix}", body)
    assert response.status_code == 409 and fault(response) == f"Instance {server} is locked"
    assert admin(method, f"/servers/{server}/metadata{suffix}", body).status_code in (200, 204)


@pytest.mark.parametrize("version", ["2.101", "2.102"])
def test_unknown_query_parameters_are_refused_from_2_102(demo, server, version):
    response = demo("GET", f"/servers/{server}/metadata?foo=1", version=version)
    assert response.status_code == (400 if V(version) >= V("2.102") else 200)


@needs_shared
@pytest.mark.parametrize("method,path,body,suffix", [
    ("GET", "/servers/{server_id}/metadata", None, ""),
    ("POST", "/servers/{server_id}/metadata", {"metadata": {"b": "2"}}, ""),
    ("PUT", "/servers/{server_id}/metadata", {"metadata": {"b": "2"}}, ""),
    ("GET", "/servers/{server_id}/metadata/{id}", None, "/a"),
    ("PUT", "/servers/{server_id}/metadata/{id}", {"meta": {"a": "2"}}, "/a"),
])
def test_bodies_match_novas_schemas(demo, server, method, path, body, suffix):
    response = demo(method, f"/servers/{server}/metadata{suffix}", body)
    assert schema_errors(method, path, "2.1", response.json) == []


# --- tags ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [str(v) for v in all_versions()])
def test_tags_exist_from_2_26(demo, server, version):
    response = demo("GET", f"/servers/{server}/tags", version=version)
    assert response.status_code == (200 if V(version) >= V("2.26") else 404)


def test_tag_round_trip(demo, server):
    base = f"/servers/{server}/tags"
    created = demo("PUT", f"{base}/blue")
    assert created.status_code == 201
    assert created.headers["Location"] == f"http://localhost/compute/v2.1/servers/{server}/tags/blue"
    assert demo("PUT", f"{base}/blue").status_code == 204
    assert demo("GET", f"{base}/blue").status_code == 204
    assert demo("PUT", base, {"tags": ["x", "y", "x"]}).json == {"tags": ["x", "y"]}
    assert demo("GET", base).json == {"tags": ["x", "y"]}
    assert demo("GET", f"/servers/{server}").json["server"]["tags"] == ["x", "y"]
    assert demo("DELETE", f"{base}/x").status_code == 204
    assert demo("DELETE", base).status_code == 204
    assert demo("GET", base).json == {"tags": []}


def test_tag_messages(demo, server):
    base = f"/servers/{server}/tags"
    assert fault(demo("GET", f"{base}/nope")) == f"Server {server} has no tag 'nope'"
    assert fault(demo("DELETE", f"{base}/nope")) == f"Instance {server} has no tag 'nope'"
    invalid = demo("PUT", f"{base}/a,b")
    assert invalid.status_code == 400 and fault(invalid).startswith(
        "Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','. "
        "Validation error message: ")
    assert demo("PUT", f"{base}/t", {"x": 1}).status_code == 400


def test_fifty_tags_at_most(demo, server):
    base = f"/servers/{server}/tags"
    assert demo("PUT", base, {"tags": [f"t{n}" for n in range(51)]}).status_code == 400
    assert demo("PUT", base, {"tags": [f"t{n}" for n in range(50)]}).status_code == 200
    for tag in ("new", "t0"):  # Nova counts before it looks: even a present tag is refused
        response = demo("PUT", f"{base}/{tag}")
        assert response.status_code == 400
        assert fault(response) == "The number of tags exceeded the per-server limit 50"


def test_tags_find_servers_through_the_cell_mapping(app, demo, admin, server):
    unknown = demo("GET", f"/servers/{MISSING}/tags")
    assert unknown.status_code == 404 and fault(unknown) == f"Instance {MISSING} has no mapping to a cell."
    other = Api(app, "alt_demo", "alt_demo", version="2.26")("GET", f"/servers/{server}/tags")
    assert other.status_code == 403
    assert fault(other) == "Policy doesn't allow os_compute_api:os-server-tags:index to be performed."
    assert admin("GET", f"/servers/{server}/tags").status_code == 200
    assert demo("DELETE", f"/servers/{server}").status_code == 204
    gone = demo("GET", f"/servers/{server}/tags")
    assert gone.status_code == 404 and fault(gone) == f"Instance {server} could not be found."


@pytest.mark.parametrize("vm_state", _refused(Action.UPDATE_TAG), ids=lambda s: s.value)
@pytest.mark.parametrize("method,suffix,action", [("PUT", "/t", "update tag"), ("PUT", "", "update tags"),
                                                  ("DELETE", "/t", "delete tag"), ("DELETE", "", "delete tags")])
def test_tag_writes_refuse_other_states(demo, server, vm_state, method, suffix, action):
    demo.set_state(server, vm_state)
    response = demo(method, f"/servers/{server}/tags{suffix}", {"tags": []} if method == "PUT" and not suffix else None)
    assert response.status_code == 409
    assert fault(response) == f"Cannot '{action}' instance {server} while it is in vm_state {vm_state.value}"


@pytest.mark.parametrize("vm_state", _allowed(Action.UPDATE_TAG), ids=lambda s: s.value)
def test_tag_writes_ignore_the_lock(demo, server, vm_state):
    demo.set_state(server, vm_state, locked_by="admin")
    assert demo("PUT", f"/servers/{server}/tags/t").status_code == 201
    assert demo("DELETE", f"/servers/{server}/tags/t").status_code == 204


def test_tags_ignore_unknown_query_parameters_at_every_version(demo, server):
    assert demo("GET", f"/servers/{server}/tags?foo=1", version="2.104").status_code == 200


@needs_shared
@pytest.mark.parametrize("method,path,body,suffix", [
    ("GET", "/servers/{server_id}/tags", None, ""),
    ("PUT", "/servers/{server_id}/tags", {"tags": ["a", "b"]}, ""),
])
def test_tag_bodies_match_novas_schemas(demo, server, method, path, body, suffix):
    response = demo(method, f"/servers/{server}/tags{suffix}", body)
    assert schema_errors(method, path, "2.26", response.json) == []
