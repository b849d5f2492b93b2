"""Server actions one by one: bodies, headers and the semantic checks each makes after the table's guards."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, MISSING, Api, fault, make_app

from fakenova.domain.pace import AfterPolls
from fakenova.domain.states import VmState


def act(api: Api, server_id: str, body, version: str = "2.1"):
    return api("POST", f"/servers/{server_id}/action", body, version=version)


def show(api: Api, server_id: str, version: str = "2.1"):
    return api("GET", f"/servers/{server_id}", version=version).json["server"]


@pytest.mark.parametrize("body", [{}, {"pause": None, "unpause": None}, [], None, "pause"])
def test_body_must_have_exactly_one_key(demo, body):
    response = act(demo, demo.server(), body)
    assert response.status_code == 400 and fault(response) == "Malformed request body"


def test_unknown_action_is_named(demo):
    response = act(demo, demo.server(), {"fly": None})
    assert response.status_code == 400 and fault(response) == "There is no such action: fly"


def test_missing_server_is_404_and_start_stop_name_the_cell(demo):
    assert fault(act(demo, MISSING, {"pause": None})) == f"Instance {MISSING} could not be found."
    assert fault(act(demo, MISSING, {"os-stop": None})) == f"Instance {MISSING} has no mapping to a cell."


def test_schema_error_comes_before_lookup(demo):
    response = act(demo, MISSING, {"reboot": {"type": "GENTLE"}})
    assert response.status_code == 400 and "type" in fault(response)


def test_other_projects_server_is_404(app, demo):
    server_id = Api(app, "alt_demo", "alt_demo").server()
    assert act(demo, server_id, {"pause": None}).status_code == 404


def test_resize_confirm_keeps_new_flavor_and_revert_restores_old(demo):
    server_id = demo.server()
    assert act(demo, server_id, {"resize": {"flavorRef": "2"}}).status_code == 202
    resized = show(demo, server_id, "2.47")
    assert resized["status"] == "VERIFY_RESIZE" and resized["flavor"]["original_name"] == "m1.small"
    assert act(demo, server_id, {"confirmResize": None}).status_code == 204
    assert show(demo, server_id, "2.47")["flavor"]["original_name"] == "m1.small"
    act(demo, server_id, {"resize": {"flavorRef": "3"}})
    assert act(demo, server_id, {"revertResize": None}).status_code == 202
    reverted = show(demo, server_id, "2.47")
    assert reverted["status"] == "ACTIVE" and reverted["flavor"]["original_name"] == "m1.small"


def test_confirm_of_a_stopped_resize_leaves_it_shutoff(demo):
    server_id = demo.server()
    act(demo, server_id, {"os-stop": None})
    assert show(demo, server_id)["status"] == "SHUTOFF"
    act(demo, server_id, {"resize": {"flavorRef": "2"}})
    assert show(demo, server_id)["status"] == "VERIFY_RESIZE"
    act(demo, server_id, {"confirmResize": None})
    server = show(demo, server_id)
    assert server["status"] == "SHUTOFF" and server["OS-EXT-STS:power_state"] == 4


@pytest.mark.parametrize("flavor,message", [
    ("1", "When resizing, instances must change flavor!"), ("99", "Flavor 99 could not be found.")])
def test_resize_semantic_errors(demo, flavor, message):
    response = act(demo, demo.server(), {"resize": {"flavorRef": flavor}})
    assert response.status_code == 400 and fault(response) == message


def test_resize_checks_the_quota_delta(demo, app):
    server_id = demo.server(flavorRef="4")  # m1.large: 4 vcpus, 8192 MB
    app.extensions["fakenova"].store.put("quota", "3a2d4c2f0b7e4d209f8e7d6c5b4a3928", {"cores": 5})
    response = act(demo, server_id, {"resize": {"flavorRef": "5"}})  # m1.xlarge: 8 vcpus
    assert response.status_code == 403 and fault(response).startswith("Quota exceeded for cores")


def test_resize_records_a_migration(demo, app):
    server_id = demo.server()
    act(demo, server_id, {"resize": {"flavorRef": "2"}})
    show(demo, server_id)
    act(demo, server_id, {"confirmResize": None})
    (migration,) = app.extensions["fakenova"].store.list("migration")
    assert migration["instance_uuid"] == server_id and migration["migration_type"] == "resize"
    assert migration["status"] == "confirmed" and migration["new_instance_type_id"] == 2


@pytest.mark.parametrize("version,extra", [
    ("2.1", set()), ("2.54", {"key_name"}), ("2.57", {"key_name", "user_data"})])
def test_rebuild_answers_202_with_reduced_server_and_location(demo, version, extra):
    server_id = demo.server()
    response = act(demo, server_id, {"rebuild": {"imageRef": IMAGE, "name": "again", "adminPass": "pw"}},
                   version)
    assert response.status_code == 202
    body = response.json["server"]
    assert body["status"] == "REBUILD" and body["progress"] == 0 and body["adminPass"] == "pw"
    assert body["name"] == "again" and extra <= set(body) and "OS-EXT-STS:task_state" not in body
    assert response.headers["Location"].endswith(f"/servers/{server_id}")
    assert show(demo, server_id)["status"] == "ACTIVE"


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.26", "2.54", "2.57", "2.63", "2.75", "2.96", "2.100"])
def test_rebuild_body_matches_novas_schema(admin, version):
    server_id = admin.server()
    body = act(admin, server_id, {"rebuild": {"imageRef": IMAGE}}, version).json
    assert schema_errors("POST", "/servers/{id}/action", version, body, action="rebuild") == []


def test_rebuild_with_unknown_image_and_volume_backed_server(demo):
    response = act(demo, demo.server(), {"rebuild": {"imageRef": MISSING}})
    assert response.status_code == 400 and fault(response) == "Cannot find image for rebuild"
    bfv = demo.server(imageRef="", block_device_mapping_v2=[
        {"boot_index": 0, "uuid": IMAGE, "source_type": "image", "destination_type": "volume",
         "volume_size": 1}])
    refused = act(demo, bfv, {"rebuild": {"imageRef": IMAGE}}, "2.92")
    assert refused.status_code == 400 and "volume-backed" in fault(refused)
    assert act(demo, bfv, {"rebuild": {"imageRef": IMAGE}}, "2.93").status_code == 202


def test_rescue_returns_password_then_unrescue(demo):
    server_id = demo.server()
    response = act(demo, server_id, {"rescue": {"adminPass": "secret"}})
    assert response.status_code == 200 and response.json == {"adminPass": "secret"}
    assert show(demo, server_id)["status"] == "RESCUE"
    act(demo, server_id, {"unrescue": None})
    assert show(demo, server_id)["status"] == "ACTIVE"


def test_shelve_offloads_and_clears_host_then_unshelve(admin):
    server_id = admin.server()
    act(admin, server_id, {"shelve": None})
    server = show(admin, server_id)
    assert server["status"] == "SHELVED_OFFLOADED" and server["OS-EXT-SRV-ATTR:host"] is None
    assert act(admin, server_id, {"unshelve": {"availability_zone": "nova"}}, "2.77").status_code == 202
    server = show(admin, server_id)
    assert server["status"] == "ACTIVE" and server["OS-EXT-SRV-ATTR:host"] == "fakenova-compute"


def test_unshelve_to_host_is_admin_only(demo):
    server_id = demo.server()
    act(demo, server_id, {"shelve": None})
    show(demo, server_id)
    response = act(demo, server_id, {"unshelve": {"host": "fakenova-compute"}}, "2.91")
    assert fault(response) == "Policy doesn't allow os_compute_api:os-shelve:unshelve_to_host to be performed."


def test_create_image_appears_in_glance_owned_by_the_project(demo):
    server_id = demo.server()
    old = act(demo, server_id, {"createImage": {"name": "snap", "metadata": {"purpose": "test"}}}, "2.44")
    assert old.status_code == 202 and not old.get_data()
    image_id = old.headers["Location"].rsplit("/", 1)[-1]
    assert old.headers["Location"] == f"http://localhost/image/images/{image_id}"
    glance = demo.client.get(f"/image/v2/images/{image_id}", headers={"X-Auth-Token": demo.token}).json
    assert glance["status"] == "active" and glance["owner"] == "3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
    assert glance["instance_uuid"] == server_id and glance["purpose"] == "test"
    new = act(demo, server_id, {"createImage": {"name": "snap2"}}, "2.45")
    assert set(new.json) == {"image_id"} and "Location" not in new.headers


def test_snapshot_stays_saving_until_the_path_ends():
    app = make_app(paces={"create_image": AfterPolls(4)})
    demo = Api(app)
    server_id = demo.server()
    image_id = act(demo, server_id, {"createImage": {"name": "slow"}}, "2.45").json["image_id"]
    glance = lambda: demo.client.get(f"/image/v2/images/{image_id}",  # noqa: E731
                                     headers={"X-Auth-Token": demo.token}).json["status"]
    task = lambda: show(demo, server_id)["OS-EXT-STS:task_state"]  # noqa: E731
    assert task() == "image_snapshot"
    assert glance() == "saving"  # reading the image is a poll of the server's path too (image_pending_upload)
    assert [task(), task()] == ["image_uploading", None]
    assert glance() == "active"


def test_create_image_metadata_limit(demo, app):
    app.extensions["fakenova"].store.put("quota", "3a2d4c2f0b7e4d209f8e7d6c5b4a3928", {"metadata_items": 1})
    response = act(demo, demo.server(), {"createImage": {"name": "s", "metadata": {"a": "1", "b": "2"}}})
    assert response.status_code == 403 and fault(response) == "Image metadata limit exceeded"


def test_backup_rotation_keeps_the_newest(demo, app):
    server_id = demo.server()
    ids = [act(demo, server_id, {"createBackup": {"name": f"b{n}", "backup_type": "daily", "rotation": 2}},
               "2.45").json["image_id"] for n in range(3)]
    store = app.extensions["fakenova"].store
    assert [store.get("image", image_id) is not None for image_id in ids] == [False, True, True]
    old = act(demo, server_id, {"createBackup": {"name": "z", "backup_type": "daily", "rotation": 0}})
    assert old.status_code == 202 and "Location" not in old.headers


def test_lock_owner_and_admin(app, demo, admin):
    server_id = demo.server()
    assert act(demo, server_id, {"lock": {"locked_reason": "mine"}}, "2.73").status_code == 202
    assert act(demo, server_id, {"lock": {"locked_reason": "again"}}, "2.73").status_code == 202
    server = show(demo, server_id, "2.73")
    assert server["locked"] is True and server["locked_reason"] == "mine"
    assert demo("DELETE", f"/servers/{server_id}").status_code == 409
    act(demo, server_id, {"unlock": None})
    act(admin, server_id, {"lock": None})
    refused = act(demo, server_id, {"unlock": None})
    assert refused.status_code == 403
    assert fault(refused) == ("Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be "
                              "performed.")
    assert act(admin, server_id, {"unlock": None}).status_code == 202
    assert show(demo, server_id, "2.9")["locked"] is False


def test_lock_reason_is_ignored_before_2_73(demo):
    server_id = demo.server()
    act(demo, server_id, {"lock": None})
    assert show(demo, server_id, "2.73")["locked_reason"] is None


def test_change_password_shows_password_status():
    app = make_app(paces={"change_password": AfterPolls(2)})
    demo = Api(app)
    server_id = demo.server()
    act(demo, server_id, {"changePassword": {"adminPass": "x"}})
    assert show(demo, server_id)["status"] == "PASSWORD"
    assert show(demo, server_id)["status"] == "ACTIVE"


@pytest.mark.parametrize("length,lines", [(None, 12), (-1, 12), (2, 2), ("3", 3), (0, 0)])
def test_console_output_length(demo, length, lines):
    response = act(demo, demo.server(), {"os-getConsoleOutput": {"length": length}})
    assert response.status_code == 200
    output = response.json["output"]
    assert len(output.split("\n")) == lines if lines else output == ""


def test_console_output_needs_a_host(demo):
    server_id = demo.server()
    demo.set_state(server_id, VmState.BUILDING, host=None)
    response = act(demo, server_id, {"os-getConsoleOutput": {}})
    assert response.status_code == 409 and fault(response) == f"Instance {server_id} is not ready"


@pytest.mark.parametrize("protocol,kind,version,code", [
    ("vnc", "novnc", "2.6", 200), ("spice", "spice-html5", "2.6", 200), ("serial", "serial", "2.6", 200),
    ("mks", "webmks", "2.8", 200), ("mks", "webmks", "2.6", 400), ("spice", "spice-direct", "2.99", 200),
    ("vnc", "serial", "2.6", 400), ("rdp", "rdp-html5", "2.6", 400)])
def test_remote_consoles(demo, protocol, kind, version, code):
    response = demo("POST", f"/servers/{demo.server()}/remote-consoles",
                    {"remote_console": {"protocol": protocol, "type": kind}}, version=version)
    assert response.status_code == code
    if code == 200:
        assert response.json["remote_console"]["protocol"] == protocol
        assert response.json["remote_console"]["url"].split(":")[0] in ("http", "ws")


def test_remote_consoles_route_starts_at_2_6(demo):
    response = demo("POST", f"/servers/{demo.server()}/remote-consoles",
                    {"remote_console": {"protocol": "vnc", "type": "novnc"}}, version="2.5")
    assert response.status_code == 404


@pytest.mark.parametrize("key", ["resetNetwork", "os-getRDPConsole"])
def test_removed_actions_are_gone(admin, key):
    response = act(admin, admin.server(), {key: None})
    assert response.status_code == 410 and "computeFault" in response.json


def test_security_groups(app, demo):
    server_id = demo.server()
    missing = act(demo, server_id, {"addSecurityGroup": {"name": "nope"}})
    assert missing.status_code == 404
    assert fault(missing) == "Security group nope is not found for project 3a2d4c2f0b7e4d209f8e7d6c5b4a3928"
    again = act(demo, server_id, {"addSecurityGroup": {"name": "default"}})
    assert again.status_code == 400
    assert act(demo, server_id, {"removeSecurityGroup": {"name": "default"}}).status_code == 202
    assert "security_groups" not in show(demo, server_id)


def test_reset_state_is_admin_only_and_clears_task(admin, demo):
    server_id = demo.server()
    demo.set_state(server_id, VmState.ACTIVE, task_state=None)
    assert act(demo, server_id, {"os-resetState": {"state": "error"}}).status_code == 403
    assert act(admin, server_id, {"os-resetState": {"state": "error"}}).status_code == 202
    assert show(demo, server_id)["status"] == "ERROR"


def test_evacuate_is_refused_while_the_host_is_up(admin):
    response = act(admin, admin.server(), {"evacuate": {"host": "fakenova-compute"}}, "2.29")
    assert response.status_code == 400 and fault(response) == "The target host can't be the same one."
    other = act(admin, admin.server(), {"evacuate": {}}, "2.14")
    assert fault(other) == "Compute service of fakenova-compute is still in use."


def test_floating_ip_actions_until_2_43(app, demo):
    network = demo.client.get("/network/v2.0/networks?name=public", headers={"X-Auth-Token": demo.token}).json
    fip = demo.client.post("/network/v2.0/floatingips", headers={"X-Auth-Token": demo.token}, json={
        "floatingip": {"floating_network_id": network["networks"][0]["id"]}}).json["floatingip"]
    server_id = demo.server()
    address = fip["floating_ip_address"]
    assert act(demo, server_id, {"addFloatingIp": {"address": address}}, "2.43").status_code == 202
    addresses = show(demo, server_id)["addresses"]["private"]
    assert address in [entry["addr"] for entry in addresses]
    assert act(demo, server_id, {"removeFloatingIp": {"address": address}}, "2.43").status_code == 202
    assert act(demo, server_id, {"addFloatingIp": {"address": address}}, "2.44").status_code == 404


def test_restore_of_a_soft_deleted_server():
    app = make_app(reclaim_instance_interval=3600)
    demo = Api(app)
    server_id = demo.server()
    assert demo("DELETE", f"/servers/{server_id}").status_code == 204
    assert show(demo, server_id)["status"] == "SOFT_DELETED"
    assert act(demo, server_id, {"restore": None}).status_code == 202
    assert show(demo, server_id)["status"] == "ACTIVE"
    demo("DELETE", f"/servers/{server_id}")
    assert act(demo, server_id, {"forceDelete": None}).status_code == 202
    assert demo("GET", f"/servers/{server_id}").status_code == 404


def test_restore_checks_the_quota():
    app = make_app(reclaim_instance_interval=3600)
    demo = Api(app)
    server_id = demo.server()
    demo("DELETE", f"/servers/{server_id}")
    demo.server()  # takes the only instance the quota allows once the first one is soft-deleted
    app.extensions["fakenova"].store.put("quota", "3a2d4c2f0b7e4d209f8e7d6c5b4a3928", {"instances": 1})
    response = act(demo, server_id, {"restore": None})
    assert response.status_code == 403 and fault(response).startswith("Quota exceeded for instances")
