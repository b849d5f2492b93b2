"""Nova's order for a server of another project: the instance lookup's 404 comes before the policy's 403.

Most ``/servers/{id}/...`` controllers call ``common.get_instance`` (scoped to the caller's project) and only then
``context.can(..., target={'project_id': instance.project_id})``, so a reader or member of project B acting on
project A's server is told the server does not exist, whatever the rule says. The tags controllers read the
instance mapping (any project) first, and the legacy console actions check the policy on the caller's own
project first: those keep the 403 for a caller the rule refuses.
"""
from __future__ import annotations

import pytest
from support.roles import grant
from support.server_api import MISSING, PRIVATE, Api, make_app

from fakenova.api.compute import lookups

VOLUME = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01"

#: (method, path under /servers/{id}, body, microversion): reads and writes whose controller loads first
LOADED_FIRST = [
    ("GET", "", None, "2.1"),
    ("PUT", "", {"server": {"name": "y"}}, "2.1"),
    ("DELETE", "", None, "2.1"),
    ("GET", "/metadata", None, "2.1"),
    ("POST", "/metadata", {"metadata": {"a": "b"}}, "2.1"),
    ("PUT", "/metadata", {"metadata": {"a": "b"}}, "2.1"),
    ("PUT", "/metadata/a", {"meta": {"a": "b"}}, "2.1"),
    ("DELETE", "/metadata/a", None, "2.1"),
    ("GET", "/ips", None, "2.1"),
    ("GET", "/os-interface", None, "2.1"),
    ("POST", "/os-interface", {"interfaceAttachment": {"net_id": PRIVATE}}, "2.1"),
    ("DELETE", f"/os-interface/{MISSING}", None, "2.1"),
    ("GET", "/os-volume_attachments", None, "2.1"),
    ("POST", "/os-volume_attachments", {"volumeAttachment": {"volumeId": VOLUME}}, "2.1"),
    ("DELETE", f"/os-volume_attachments/{VOLUME}", None, "2.1"),
    ("GET", "/os-server-password", None, "2.1"),
    ("DELETE", "/os-server-password", None, "2.1"),
    ("GET", "/diagnostics", None, "2.48"),  # admin only: a reader of the server's own project gets the 403
    ("GET", "/os-security-groups", None, "2.1"),
    ("GET", "/topology", None, "2.78"),
    ("GET", "/os-instance-actions", None, "2.1"),
    ("GET", "/migrations", None, "2.23"),
    ("POST", "/migrations/1/action", {"force_complete": None}, "2.22"),
    ("DELETE", "/migrations/1", None, "2.24"),
    ("POST", "/remote-consoles", {"remote_console": {"protocol": "vnc", "type": "novnc"}}, "2.6"),
    ("POST", "/action", {"reboot": {"type": "SOFT"}}, "2.1"),
    ("POST", "/action", {"os-stop": None}, "2.1"),
    ("POST", "/action", {"pause": None}, "2.1"),
    ("POST", "/action", {"lock": None}, "2.1"),
    ("POST", "/action", {"createImage": {"name": "snap"}}, "2.1"),
    ("POST", "/action", {"resize": {"flavorRef": "2"}}, "2.1"),
    ("POST", "/action", {"shelve": None}, "2.1"),
    ("POST", "/action", {"addSecurityGroup": {"name": "default"}}, "2.1"),
    ("POST", "/action", {"os-resetState": {"state": "error"}}, "2.1"),  # admin only
    ("POST", "/action", {"migrate": None}, "2.1"),  # admin only
    ("POST", "/action", {"trigger_crash_dump": None}, "2.17"),
]
OTHERS = ("reader of another project", "member of another project")
#: actions whose controller (servers.py ``_get_instance``) reads the instance mapping first: a missing server
#: is ``has no mapping to a cell`` there, another project's still ``could not be found``
READ_THROUGH_MAPPING = ("os-stop", "trigger_crash_dump")


def _caller(app, who: str) -> Api:
    if who == "reader of another project":
        grant(app, "alt_demo", "alt_demo", "reader")
    return Api(app, "alt_demo", "alt_demo")


def _not_found(server_id: str) -> dict:
    return {"itemNotFound": {"code": 404, "message": f"Instance {server_id} could not be found."}}


def _unmapped(server_id: str) -> dict:
    return {"itemNotFound": {"code": 404, "message": f"Instance {server_id} has no mapping to a cell."}}


def _forbidden(rule: str) -> dict:
    return {"forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}}


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize("method, path, body, version", LOADED_FIRST, ids=lambda v: str(v)[:40])
def test_another_projects_server_is_missing_whatever_the_rule(method, path, body, version, who):
    app = make_app()
    owner = Api(app)
    server_id = owner.server()
    before = owner("GET", f"/servers/{server_id}").json
    response = _caller(app, who)(method, f"/servers/{server_id}{path}", body, version=version)
    assert (response.status_code, response.json) == (404, _not_found(server_id))
    assert response.headers["Content-Type"] == "application/json"
    assert owner("GET", f"/servers/{server_id}").json == before  # nothing changed


WRITES_OF_READERS = [row for row in LOADED_FIRST if row[0] != "GET" and "/migrations" not in row[1]]


@pytest.mark.parametrize("method, path, body, version", WRITES_OF_READERS, ids=lambda v: str(v)[:40])
def test_a_reader_is_told_a_missing_server_is_missing_before_being_refused(method, path, body, version):
    app = make_app()
    response = Api(app, "demo_reader", "demo")(method, f"/servers/{MISSING}{path}", body, version=version)
    mapped = isinstance(body, dict) and next(iter(body)) in READ_THROUGH_MAPPING
    assert (response.status_code, response.json) == (404, _unmapped(MISSING) if mapped else _not_found(MISSING))


def test_a_reader_of_the_servers_own_project_is_still_refused():
    app = make_app()
    server_id = Api(app).server()
    reader = Api(app, "demo_reader", "demo")
    response = reader("POST", f"/servers/{server_id}/metadata", {"metadata": {"a": "b"}})
    assert (response.status_code, response.json) == (403, _forbidden("os_compute_api:server-metadata:create"))
    response = reader("GET", f"/servers/{server_id}/diagnostics", version="2.48")
    assert (response.status_code, response.json) == (403, _forbidden("os_compute_api:os-server-diagnostics"))


def test_a_bad_body_is_refused_before_the_lookup():
    app = make_app()
    server_id = Api(app).server()
    response = _caller(app, OTHERS[0])("POST", f"/servers/{server_id}/metadata", {"metadata": "x"})
    assert response.status_code == 400 and "badRequest" in response.json


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize("method, path, body", [
    ("GET", "/tags", None), ("PUT", "/tags/t", None), ("PUT", "/tags", {"tags": ["t"]}), ("DELETE", "/tags", None)])
def test_tags_read_the_mapping_so_another_projects_server_is_the_policys_403(method, path, body, who):
    app = make_app()
    server_id = Api(app).server()
    response = _caller(app, who)(method, f"/servers/{server_id}{path}", body, version="2.26")
    rule = {("GET", "/tags"): "index", ("PUT", "/tags/t"): "update", ("PUT", "/tags"): "update_all",
            ("DELETE", "/tags"): "delete_all"}[(method, path)]
    assert (response.status_code, response.json) == (403, _forbidden(f"os_compute_api:os-server-tags:{rule}"))
    missing = Api(app, "demo_reader", "demo")(method, f"/servers/{MISSING}{path}", body, version="2.26")
    assert (missing.status_code, missing.json) == (404, _unmapped(MISSING))


@pytest.mark.parametrize("who, expected", [
    (OTHERS[0], "forbidden"), (OTHERS[1], "missing"), ("reader of its own project", "forbidden")])
@pytest.mark.parametrize("server", ["another project's", "missing"])
def test_legacy_console_actions_check_the_policy_before_the_lookup(who, expected, server):
    app = make_app()
    server_id = Api(app).server() if server != "missing" else MISSING
    caller = Api(app, "demo_reader", "demo") if who.endswith("own project") else _caller(app, who)
    response = caller("POST", f"/servers/{server_id}/action", {"os-getVNCConsole": {"type": "novnc"}})
    assert (response.status_code, response.json) == {
        "forbidden": (403, _forbidden("os_compute_api:os-remote-consoles")),
        "missing": (404, _not_found(server_id))}[expected]


#: the paths under ``/servers/{id}`` whose controller reads the instance mapping, not the instance
MAPPING_FIRST = ("/tags", "/shares")


def _lookups_by_server_route(app) -> dict:
    found = {}
    for rule in app.url_map.iter_rules():
        binding = getattr(app.view_functions[rule.endpoint], "fakenova_binding", None)
        if binding is None or "<server_id>" not in rule.rule:
            continue
        binding.load()
        if binding.rule is not None:  # guarded by the route: something is looked up before the 403
            found[(rule.rule, *sorted(rule.methods - {"HEAD", "OPTIONS"}))] = binding.looks_up
    return found


def test_every_guarded_server_route_loads_the_server_first_unless_its_controller_reads_the_mapping():
    found = _lookups_by_server_route(make_app())
    assert len(found) > 100  # every blueprint (v2.1, v2, with and without the project id) is covered
    for (path, *_), looks_up in found.items():
        tail = path.split("<server_id>", 1)[1]
        expected = lookups.mapping if tail.startswith(MAPPING_FIRST) else lookups.instance
        assert looks_up is expected, path
