"""What goes with a deleted server, as in the real services (found by the conformance run's leftover check).

Nova's API deletes a shelved server's snapshot as it accepts the delete (``compute/api.py`` ``_delete``), and
the ports Nova made for a server go with it, so they no longer hold the project's security groups (Neutron's
``SecurityGroupInUse``): tempest's credential cleanup deletes each project's default group afterwards. A port the
user made outlives the server, unbound, and still holds its groups.
"""
from __future__ import annotations

import pytest
from support.server_api import PRIVATE, Api, make_app
from support.tokens import issue_token


def _image_status(app, image_id: str) -> int:
    headers = {"X-Auth-Token": issue_token(app), "Accept": "application/json"}
    return app.test_client().get(f"/image/v2/images/{image_id}", headers=headers).status_code


@pytest.mark.parametrize("offload_time, status", [(0, "SHELVED_OFFLOADED"), (-1, "SHELVED")])
def test_deleting_a_shelved_server_deletes_its_snapshot(offload_time, status):
    app = make_app(shelved_offload_time=offload_time)
    api = Api(app)
    server_id = api.server()
    assert api("POST", f"/servers/{server_id}/action", {"shelve": None}).status_code == 202
    assert api("GET", f"/servers/{server_id}").json["server"]["status"] == status
    snapshot = api.stored(server_id).shelved_image_id
    assert _image_status(app, snapshot) == 200
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    assert _image_status(app, snapshot) == 404
    assert app.extensions["fakenova"].store.get("image", snapshot) is None


def test_deleting_an_active_server_keeps_the_snapshots_taken_of_it():
    app = make_app()
    api = Api(app)
    server_id = api.server()
    response = api("POST", f"/servers/{server_id}/action", {"createImage": {"name": "snap"}}, version="2.45")
    image_id = response.json["image_id"]
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    assert _image_status(app, image_id) == 200


def _neutron(app, method: str, path: str, body=None, user: str = "demo", project: str = "demo"):
    headers = {"X-Auth-Token": issue_token(app, user, project)}
    return app.test_client().open(f"/network/v2.0{path}", method=method, json=body, headers=headers)


def _default_group(app) -> str:
    """demo's default group, as demo lists it (the listing that makes it, as Neutron does on first use)."""
    found = _neutron(app, "GET", "/security-groups?name=default").get_json()["security_groups"]
    return found[0]["id"]


def test_a_deleted_servers_ports_no_longer_hold_the_default_group():
    app = make_app()
    api = Api(app)
    server_id = api.server()
    group = _default_group(app)
    in_use = _neutron(app, "DELETE", f"/security-groups/{group}", user="admin", project="admin")
    assert (in_use.status_code, in_use.get_json()["NeutronError"]["type"]) == (409, "SecurityGroupInUse")
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    assert api("GET", f"/servers/{server_id}").status_code == 404  # gone, as tempest waits to see
    response = _neutron(app, "DELETE", f"/security-groups/{group}", user="admin", project="admin")
    assert response.status_code == 204, response.get_json()


def test_a_users_own_port_outlives_the_server_and_still_holds_its_group():
    app = make_app()
    api = Api(app)
    port = _neutron(app, "POST", "/ports", {"port": {"network_id": PRIVATE}}).get_json()["port"]
    server_id = api.server(networks=[{"port": port["id"]}])
    assert api("DELETE", f"/servers/{server_id}").status_code == 204
    assert api("GET", f"/servers/{server_id}").status_code == 404
    group = _default_group(app)
    response = _neutron(app, "DELETE", f"/security-groups/{group}", user="admin", project="admin")
    assert (response.status_code, response.get_json()) == (409, {"NeutronError": {
        "type": "SecurityGroupInUse", "message": f"Security Group {group} in use.", "detail": ""}})
    assert _neutron(app, "GET", f"/ports/{port['id']}").get_json()["port"]["device_id"] == ""
