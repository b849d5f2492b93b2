"""Operator overrides reach every service: a scenario's ``policy:`` section or a ``--policy`` file flips an
allowed call to a refusal (in that service's own status, shape and words, with nothing stored) and a refused
call to an allowed one, for Nova, Keystone, Glance, Neutron and Cinder alike."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

import pytest
from glance_support import glance_error
from support.apps import control, fresh_app
from support.tokens import auth_headers

from fakenova.policy_file import read_policy_file

#: the refusal each service words for a rule (status 403 everywhere); Neutron names the rule it built
REFUSALS: Mapping[str, Callable[[str, str], Any]] = {
    "compute": lambda rule, built: {"forbidden": {
        "code": 403, "message": f"Policy doesn't allow {rule} to be performed."}},
    "volume": lambda rule, built: {"forbidden": {
        "code": 403, "message": f"Policy doesn't allow {rule} to be performed."}},
    "identity": lambda rule, built: {"error": {
        "code": 403, "title": "Forbidden",
        "message": f"You are not authorized to perform the requested action: {rule}."}},
    "image": lambda rule, built: glance_error(403, f"You are not authorized to complete {rule} action."),
    "network": lambda rule, built: {"NeutronError": {
        "type": "PolicyNotAuthorized", "message": f"{built or 'rule:' + rule} is disallowed by policy", "detail": ""}},
}


@dataclass(frozen=True)
class Case:
    """One call under one overridden rule: ``path`` may name ``{project}`` (the caller's project id), the body
    ``{public}`` (the public network's id)."""

    service: str
    rule: str
    check: str
    user: str
    method: str
    path: str
    body: Optional[Mapping[str, Any]]
    kind: str  # the store kind a create adds to
    #: for a call the override allows: the status and what the body must say
    status: int = 403
    shows: Callable[[Any], bool] = lambda body: True
    #: Neutron's match rule for the request, when attribute rules join the action's
    built: str = ""

    def refusal(self) -> Any:
        return REFUSALS[self.service](self.rule, self.built)

    def __str__(self) -> str:
        return f"{self.service}-{self.rule}-{'refused' if self.status == 403 else 'allowed'}"


#: per service, one call the defaults allow that the override refuses, and one they refuse that it allows
CASES = [
    Case("compute", "os_compute_api:os-keypairs:create", "!", "demo", "POST", "/compute/v2.1/os-keypairs",
         {"keypair": {"name": "k1"}}, "keypair"),
    Case("compute", "os_compute_api:os-flavor-manage:create", "role:member", "demo", "POST", "/compute/v2.1/flavors",
         {"flavor": {"name": "f9", "ram": 64, "vcpus": 1, "disk": 1}}, "flavor", 200,
         lambda body: body["flavor"]["name"] == "f9"),
    Case("identity", "identity:create_project", "!", "admin", "POST", "/identity/v3/projects",
         {"project": {"name": "p9"}}, "project"),
    Case("identity", "identity:create_domain", "role:member", "demo", "POST", "/identity/v3/domains",
         {"domain": {"name": "d9"}}, "domain", 201, lambda body: body["domain"]["name"] == "d9"),
    Case("image", "add_image", "role:admin", "demo", "POST", "/image/v2/images", {"name": "i9"}, "image"),
    Case("image", "publicize_image", "role:member", "demo", "POST", "/image/v2/images",
         {"name": "i9", "visibility": "public"}, "image", 201, lambda body: body["visibility"] == "public"),
    Case("network", "create_network", "role:admin", "demo", "POST", "/network/v2.0/networks",
         {"network": {"name": "n9"}}, "network"),
    Case("network", "create_network:shared", "role:member", "demo", "POST", "/network/v2.0/networks",
         {"network": {"name": "n9", "shared": True}}, "network", 201, lambda body: body["network"]["shared"] is True,
         "(rule:create_network and rule:create_network:shared)"),
    Case("network", "create_floatingip", "role:admin", "demo", "POST", "/network/v2.0/floatingips",
         {"floatingip": {"floating_network_id": "{public}"}}, "floatingip"),
    Case("volume", "volume:create", "role:admin", "demo", "POST", "/volume/v3/{project}/volumes",
         {"volume": {"size": 1}}, "volume"),
    Case("volume", "volume_extension:type_create", "role:member", "demo", "POST", "/volume/v3/{project}/types",
         {"volume_type": {"name": "t9"}}, "volume_type", 200, lambda body: body["volume_type"]["name"] == "t9"),
]


def _call(app, case: Case):
    headers = {**auth_headers(app, case.user, case.user), "Accept": "application/json"}
    store = app.extensions["fakenova"].store
    project = next(p["id"] for p in store.list("project") if p["name"] == case.user)
    public = next(n["id"] for n in store.list("network") if n["name"] == "public")
    body = json.loads(json.dumps(case.body).replace("{public}", public))
    return app.test_client().open(case.path.format(project=project), method=case.method, json=body,
                                  headers=headers)


def _expect(app, case: Case) -> None:
    store = app.extensions["fakenova"].store
    before = len(store.list(case.kind))
    response = _call(app, case)
    assert response.status_code == case.status, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("application/json")
    if case.status == 403:
        assert response.get_json() == case.refusal()
        assert len(store.list(case.kind)) == before  # nothing stored on a refusal
    else:
        assert case.shows(response.get_json())
        assert len(store.list(case.kind)) == before + 1


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_defaults_answer_the_other_way(case):
    app = fresh_app()
    response = _call(app, case)
    if case.status == 403:
        assert response.status_code in (200, 201, 202), response.get_data(as_text=True)
    else:
        assert (response.status_code, response.get_json()) == (403, case.refusal())


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_scenarios_policy_section_flips_the_call(case):
    app = fresh_app()
    handle = control(app)
    handle.load_scenario({"name": "flip", "policy": {case.rule: case.check}})
    try:
        _expect(app, case)
    finally:
        handle.unload_scenario("flip")


def test_one_policy_file_refuses_in_every_service(tmp_path):
    refused = [case for case in CASES if case.status == 403]
    path = tmp_path / "policy.yaml"
    path.write_text("".join(f'"{case.rule}": "{case.check}"\n' for case in refused))
    app = fresh_app(policy=read_policy_file(path))
    for case in refused:
        _expect(app, case)


@pytest.mark.parametrize("check, status", [("role:admin", 404), ("", 200)])
def test_neutron_hides_what_an_overridden_get_rule_refuses(check, status):
    """Neutron answers a record its ``get_`` rule refuses with the 404 of a missing one."""
    app = fresh_app()
    client = app.test_client()
    demo = auth_headers(app)
    made = client.post("/network/v2.0/networks", json={"network": {"name": "mine"}}, headers=demo).get_json()
    network_id = made["network"]["id"]
    handle = control(app)
    handle.load_scenario({"name": "hide", "policy": {"get_network": check}})
    try:
        response = client.get(f"/network/v2.0/networks/{network_id}", headers=demo)
    finally:
        handle.unload_scenario("hide")
    assert response.status_code == status
    if status == 404:
        assert response.get_json() == {"NeutronError": {
            "type": "NetworkNotFound", "message": f"Network {network_id} could not be found.", "detail": ""}}
    else:
        assert response.get_json()["network"]["id"] == network_id


@pytest.mark.parametrize("rule, method, status", [
    ("get_floatingip", "GET", 404),  # what the get rule refuses is hidden, as a missing one
    ("update_floatingip", "PUT", 403),
    ("delete_floatingip", "DELETE", 403),
])
def test_neutron_floating_ips_obey_overridden_rules(rule, method, status):
    app = fresh_app()
    client = app.test_client()
    demo = auth_headers(app)
    public = next(n["id"] for n in app.extensions["fakenova"].store.list("network") if n["name"] == "public")
    made = client.post("/network/v2.0/floatingips", json={"floatingip": {"floating_network_id": public}},
                       headers=demo)
    assert made.status_code == 201, made.get_data(as_text=True)
    fip_id = made.get_json()["floatingip"]["id"]
    handle = control(app)
    handle.load_scenario({"name": "fip", "policy": {rule: "role:admin"}})
    try:
        response = client.open(f"/network/v2.0/floatingips/{fip_id}", method=method,
                               json={"floatingip": {"description": "d"}} if method == "PUT" else None,
                               headers=demo)
        listed = client.get("/network/v2.0/floatingips", headers=demo).get_json()["floatingips"]
    finally:
        handle.unload_scenario("fip")
    assert response.status_code == status
    if status == 404:
        assert response.get_json()["NeutronError"]["type"] == "FloatingIPNotFound"
        assert listed == []  # and absent from the list
    else:
        assert response.get_json() == {"NeutronError": {
            "type": "PolicyNotAuthorized", "message": f"rule:{rule} is disallowed by policy", "detail": ""}}
        assert [fip["id"] for fip in listed] == [fip_id]
    # the record is untouched by the refusal
    record = app.extensions["fakenova"].store.get("floatingip", fip_id)
    assert record is not None and record.description == ""
