"""``os-volume_attachments`` through the HTTP layer: key sets per microversion, attach/detach/update with
Nova's checks in Nova's order, boot-from-volume root volumes, seeded volumes, and Nova's response schemas."""
from __future__ import annotations

import pytest
from support.nova_reference import needs_shared, schema_errors
from support.server_api import IMAGE, MISSING, fault

from fakenova.domain.lifecycle.table import LIFECYCLE, Action
from fakenova.domain.states import VmState
from fakenova.microversions import V

VOL1, VOL2 = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e01", "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e02"
ALT_VOL = "0c2e4a6f-1b3d-4c5e-8f70-9a1b2c3d4e11"

#: (first version, keys of a listed attachment): the version table of the view
KEYS = [
    ("2.1", {"id", "volumeId", "serverId", "device"}),
    ("2.70", {"id", "volumeId", "serverId", "device", "tag"}),
    ("2.79", {"id", "volumeId", "serverId", "device", "tag", "delete_on_termination"}),
    ("2.89", {"volumeId", "serverId", "device", "tag", "delete_on_termination", "attachment_id", "bdm_uuid"}),
]


def keys_at(version: str):
    return [keys for since, keys in KEYS if V(since) <= V(version)][-1]


@pytest.fixture
def server(demo):
    return demo.server()


def attach(api, server, volume=VOL1, version=None, **extra):
    return api("POST", f"/servers/{server}/os-volume_attachments",
               {"volumeAttachment": {"volumeId": volume, **extra}}, version=version)


@pytest.mark.parametrize("version", ["2.1", "2.69", "2.70", "2.79", "2.88", "2.89", "2.104"])
def test_list_and_show_keys_per_version(demo, server, version):
    assert attach(demo, server).status_code == 200
    (item,) = demo("GET", f"/servers/{server}/os-volume_attachments", version=version).json["volumeAttachments"]
    assert set(item) == keys_at(version) and item["device"] == "/dev/vdb"
    shown = demo("GET", f"/servers/{server}/os-volume_attachments/{VOL1}", version=version).json
    assert shown == {"volumeAttachment": item}


@pytest.mark.parametrize("version,keys", [
    ("2.1", {"id", "serverId", "volumeId", "device"}),
    ("2.70", {"id", "serverId", "volumeId", "device", "tag"}),
    ("2.79", {"id", "serverId", "volumeId", "device", "tag", "delete_on_termination"}),
    ("2.100", {"id", "serverId", "volumeId", "device", "tag", "delete_on_termination"}),
])
def test_attach_response_per_version(demo, server, version, keys):
    response = attach(demo, server, version=version)
    assert response.status_code == 200 and set(response.json["volumeAttachment"]) == keys


def test_attach_from_2_101_is_202_without_body(demo, server):
    response = attach(demo, server, version="2.101")
    assert response.status_code == 202 and response.get_data() == b""


def test_attach_echoes_delete_on_termination_and_server_shows_it(demo, server):
    made = attach(demo, server, version="2.79", delete_on_termination="yes", tag="data").json["volumeAttachment"]
    assert made["delete_on_termination"] == "yes" and made["tag"] == "data"
    volumes = demo("GET", f"/servers/{server}", version="2.3").json["server"]["os-extended-volumes:volumes_attached"]
    assert volumes == [{"id": VOL1, "delete_on_termination": True}]


def test_devices_follow_each_other_and_detach_frees_them(demo, server):
    assert attach(demo, server).json["volumeAttachment"]["device"] == "/dev/vdb"
    assert attach(demo, server, VOL2).json["volumeAttachment"]["device"] == "/dev/vdc"
    assert demo("DELETE", f"/servers/{server}/os-volume_attachments/{VOL1}").status_code == 202
    assert [a["volumeId"] for a in demo("GET", f"/servers/{server}/os-volume_attachments").json[
        "volumeAttachments"]] == [VOL2]


def test_attach_errors(app, demo, server):
    missing = attach(demo, server, MISSING)
    assert missing.status_code == 404 and fault(missing) == f"Volume {MISSING} could not be found."
    assert fault(attach(demo, server, ALT_VOL)) == f"Volume {ALT_VOL} could not be found."
    assert attach(demo, server).status_code == 200
    other = demo.server()
    for target in (server, other):
        again = attach(demo, target)
        assert again.status_code == 400
        assert fault(again) == f"Invalid volume: volume {VOL1} is already attached to instances: {server}"


def test_limit_and_offset(demo, server):
    attach(demo, server)
    attach(demo, server, VOL2)
    listed = demo("GET", f"/servers/{server}/os-volume_attachments?offset=1&limit=1").json["volumeAttachments"]
    assert [a["volumeId"] for a in listed] == [VOL2]
    assert demo("GET", f"/servers/{server}/os-volume_attachments?x=1", version="2.74").status_code == 200
    assert demo("GET", f"/servers/{server}/os-volume_attachments?x=1", version="2.75").status_code == 400


def test_not_attached(demo, server):
    for method in ("GET", "DELETE"):
        response = demo(method, f"/servers/{server}/os-volume_attachments/{VOL1}")
        assert response.status_code == 404
        assert fault(response) == f"Instance {server} is not attached to volume {VOL1}"


def test_boot_from_volume_root_is_listed_and_cannot_be_detached(demo):
    bdm = [{"source_type": "image", "uuid": IMAGE, "destination_type": "volume", "boot_index": 0,
            "volume_size": 1, "delete_on_termination": True}]
    server = demo.server(imageRef="", block_device_mapping_v2=bdm)
    (root,) = demo("GET", f"/servers/{server}/os-volume_attachments", version="2.89").json["volumeAttachments"]
    assert root["device"] == "/dev/vda" and root["delete_on_termination"] is True
    assert attach(demo, server).json["volumeAttachment"]["device"] == "/dev/vdb"
    response = demo("DELETE", f"/servers/{server}/os-volume_attachments/{root['volumeId']}")
    assert response.status_code == 400 and fault(response) == "Cannot detach a root device volume"
    again = demo("GET", f"/servers/{server}/os-volume_attachments", version="2.89").json["volumeAttachments"][0]
    assert again == root  # derived ids are stable


def test_deleting_the_server_frees_or_deletes_its_volumes(demo, server):
    attach(demo, server, version="2.79", delete_on_termination=False)
    attach(demo, server, VOL2, version="2.79", delete_on_termination=True)
    assert demo("DELETE", f"/servers/{server}").status_code == 204
    other = demo.server()
    assert attach(demo, other).status_code == 200
    assert fault(attach(demo, other, VOL2)) == f"Volume {VOL2} could not be found."


@pytest.mark.parametrize("vm_state", [VmState.SHELVED, VmState.SHELVED_OFFLOADED], ids=lambda s: s.value)
def test_shelved_servers_from_2_20(demo, server, vm_state):
    demo.set_state(server, vm_state)
    refused = attach(demo, server, version="2.19")
    assert refused.status_code == 409
    assert fault(refused) == f"Cannot 'attach_volume' instance {server} while it is in vm_state {vm_state.value}"
    assert attach(demo, server, version="2.20").status_code == 200
    detach = demo("DELETE", f"/servers/{server}/os-volume_attachments/{VOL1}", version="2.19")
    assert fault(detach) == f"Cannot 'detach_volume' instance {server} while it is in vm_state {vm_state.value}"


def test_tagged_attach_to_offloaded_server(demo, server):
    demo.set_state(server, VmState.SHELVED_OFFLOADED)
    response = attach(demo, server, version="2.49", tag="t")
    assert response.status_code == 400
    assert fault(response) == "Tagged volume attachment is not supported for shelved-offloaded instances."


@pytest.mark.parametrize("vm_state", sorted(set(VmState) - LIFECYCLE[Action.ATTACH_VOLUME].allowed - {VmState.DELETED},
                                            key=lambda s: s.value), ids=lambda s: s.value)
def test_attach_and_detach_refuse_other_states(demo, server, vm_state):
    assert attach(demo, server).status_code == 200
    demo.set_state(server, vm_state)
    assert fault(attach(demo, server, VOL2)) == (f"Cannot 'attach_volume' instance {server} while it is in "
                                                 f"vm_state {vm_state.value}")
    detach = demo("DELETE", f"/servers/{server}/os-volume_attachments/{VOL1}")
    assert detach.status_code == 409
    assert fault(detach) == f"Cannot 'detach_volume' instance {server} while it is in vm_state {vm_state.value}"


def test_lock_blocks_members_not_admins(demo, admin, server):
    demo.set_state(server, VmState.ACTIVE, locked_by="owner")
    assert fault(attach(demo, server)) == f"Instance {server} is locked"
    assert attach(admin, server).status_code == 200


def test_update_before_2_85_is_a_swap(demo, admin, server):
    attach(demo, server)
    body = {"volumeAttachment": {"volumeId": VOL2}}
    member = demo("PUT", f"/servers/{server}/os-volume_attachments/{VOL1}", body)
    assert member.status_code == 403
    assert fault(member) == "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed."
    swap = admin("PUT", f"/servers/{server}/os-volume_attachments/{VOL1}", body)
    assert swap.status_code == 409
    assert fault(swap) == f"volume {VOL1} is not migrating; this API should only be called by Cinder"


def test_update_delete_on_termination_from_2_85(demo, server):
    attach(demo, server)
    path = f"/servers/{server}/os-volume_attachments/{VOL1}"
    body = {"volumeAttachment": {"volumeId": VOL1, "delete_on_termination": True}}
    assert demo("PUT", path, body, version="2.85").status_code == 202
    assert demo("GET", path, version="2.85").json["volumeAttachment"]["delete_on_termination"] is True
    immutable = demo("PUT", path, {"volumeAttachment": {"volumeId": VOL1, "tag": "new"}}, version="2.85")
    assert immutable.status_code == 400 and fault(immutable) == "The tag property is not mutable"
    missing = demo("PUT", f"/servers/{server}/os-volume_attachments/{VOL2}",
                   {"volumeAttachment": {"volumeId": VOL2}}, version="2.85")
    assert missing.status_code == 404 and fault(missing) == f"No volume Block Device Mapping with id {VOL2}."


@needs_shared
@pytest.mark.parametrize("version", ["2.1", "2.70", "2.79", "2.89", "2.100", "2.104"])
def test_bodies_match_novas_schemas(demo, server, version):
    made = attach(demo, server, version=version)
    made_body = made.json if made.get_data() else None
    assert schema_errors("POST", "/servers/{server_id}/os-volume_attachments", version, made_body) == []
    listed = demo("GET", f"/servers/{server}/os-volume_attachments", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/os-volume_attachments", version, listed) == []
    shown = demo("GET", f"/servers/{server}/os-volume_attachments/{VOL1}", version=version).json
    assert schema_errors("GET", "/servers/{server_id}/os-volume_attachments/{id}", version, shown) == []
