"""Bodies of a server's sub-resources (ips, os-interface, os-volume_attachments, security groups,
diagnostics) as field tables per microversion, rendered by the one renderer in ``fields.py``.

Like ``views/servers.py``, every function returns the inner object; the HTTP layer wraps it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from ..domain.interfaces import Nic
from ..domain.models import Server
from ..domain.states import PowerState
from ..domain.volumes import Attachment
from ..microversions import Versioned
from . import servers as server_views
from .fields import Field, FieldTable, ViewContext, attr, render, render_many

# --- ips ----------------------------------------------------------------------------------------------


#: ``/ips``: the server body's ``addresses`` without the extended keys (one renderer for both)
addresses = server_views.addresses


# --- os-interface -------------------------------------------------------------------------------------

#: ``interfaceAttachment``: ``tag`` from 2.70 (the NIC's tag, given at attach from 2.49 or at create).
INTERFACE_FIELDS: FieldTable[Nic] = FieldTable("interfaceAttachment", [
    Field("net_id", attr("network_id")),
    Field("port_id", attr("port_id")),
    Field("mac_addr", attr("mac")),
    Field("port_state", lambda nic, c: "ACTIVE"),
    Field("fixed_ips", lambda nic, c: [{"subnet_id": nic.subnet_id, "ip_address": address}
                                       for _, address in nic.ips]),
    Field("tag", attr("tag"), since="2.70"),
])


def interface(nic: Nic, ctx: ViewContext) -> Dict[str, Any]:
    return render(INTERFACE_FIELDS, nic, ctx)


def interfaces(nics: Tuple[Nic, ...], ctx: ViewContext) -> List[Dict[str, Any]]:
    return render_many(INTERFACE_FIELDS, nics, ctx)


# --- os-volume_attachments ----------------------------------------------------------------------------


def _has_device(att: Attachment, ctx: ViewContext) -> bool:
    return bool(att.device)  # Nova leaves the key out when the mapping has no device name


#: show/list ``volumeAttachment``: 2.89 drops ``id`` and adds the attachment and bdm ids.
ATTACHMENT_FIELDS: FieldTable[Attachment] = FieldTable("volumeAttachment", [
    Field("id", attr("volume_id"), until="2.88"),
    Field("volumeId", attr("volume_id")),
    Field("serverId", attr("server_id")),
    Field("device", attr("device"), when=_has_device),
    Field("tag", attr("tag"), since="2.70"),
    Field("delete_on_termination", attr("delete_on_termination"), since="2.79"),
    Field("attachment_id", attr("attachment_id"), since="2.89"),
    Field("bdm_uuid", attr("bdm_uuid"), since="2.89"),
])

#: the attach response (until 2.100; 2.101 has no body): Nova forgot 2.89 here and always shows ``device``.
CREATED_ATTACHMENT_FIELDS: FieldTable[Attachment] = FieldTable("volumeAttachment-created", [
    Field("id", attr("volume_id")),
    Field("serverId", attr("server_id")),
    Field("volumeId", attr("volume_id")),
    Field("device", attr("device")),
    Field("tag", attr("tag"), since="2.70"),
    Field("delete_on_termination", attr("delete_on_termination"), since="2.79"),
])


def attachment(att: Attachment, ctx: ViewContext) -> Dict[str, Any]:
    return render(ATTACHMENT_FIELDS, att, ctx)


def attachments(atts: List[Attachment], ctx: ViewContext) -> List[Dict[str, Any]]:
    return render_many(ATTACHMENT_FIELDS, atts, ctx)


def created_attachment(att: Attachment, ctx: ViewContext, delete_on_termination: Any) -> Dict[str, Any]:
    """The attach response; ``delete_on_termination`` echoes the request's raw value, as Nova does."""
    body = render(CREATED_ATTACHMENT_FIELDS, att, ctx)
    if "delete_on_termination" in body:
        body["delete_on_termination"] = delete_on_termination
    return body


# --- diagnostics --------------------------------------------------------------------------------------

_DIAGNOSTIC_STATES: Mapping[PowerState, str] = {
    PowerState.NOSTATE: "pending", PowerState.RUNNING: "running", PowerState.PAUSED: "paused",
    PowerState.SHUTDOWN: "shutdown", PowerState.CRASHED: "crashed", PowerState.SUSPENDED: "suspended",
}


def _disks(server: Server, volumes: int) -> int:
    return (0 if not server.image_id else 1) + volumes


def _legacy_diagnostics(server: Server, ctx: ViewContext, volumes: int) -> Dict[str, Any]:
    body: Dict[str, Any] = {"cpu0_time": 0, "memory": server.flavor.get("ram", 0) * 1024}
    for index in range(_disks(server, volumes)):
        body.update({f"vd{chr(97 + index)}_{key}": 0 for key in ("read", "read_req", "write", "write_req",
                                                                 "errors")})
    for index, nic in enumerate(server.nics):
        body.update({f"tap{index}_{key}": 0 for key in ("rx", "rx_drop", "rx_errors", "rx_packets", "tx",
                                                        "tx_drop", "tx_errors", "tx_packets")})
    return body


def _standard_diagnostics(server: Server, ctx: ViewContext, volumes: int) -> Dict[str, Any]:
    vcpus, disks = server.flavor.get("vcpus", 1), _disks(server, volumes)
    return {
        "state": _DIAGNOSTIC_STATES[server.power_state], "driver": "libvirt", "hypervisor": "kvm",
        "hypervisor_os": "ubuntu",
        "uptime": int(ctx.now - server.launched_at) if server.launched_at is not None else 0,
        "config_drive": server.config_drive, "num_cpus": vcpus, "num_nics": len(server.nics),
        "num_disks": disks, "memory_details": {"maximum": server.flavor.get("ram", 0) * 1024, "used": 0},
        "cpu_details": [{"id": index, "time": 0, "utilisation": 0} for index in range(vcpus)],
        "nic_details": [{"mac_address": nic.mac, **{key: 0 for key in _NIC_COUNTERS}} for nic in server.nics],
        "disk_details": [{key: 0 for key in _DISK_COUNTERS} for _ in range(disks)],
    }


#: libvirt's flat counters before 2.48 (Nova passes the driver's dict through), the standard object after.
DIAGNOSTICS = Versioned([("2.1", _legacy_diagnostics), ("2.48", _standard_diagnostics)], name="diagnostics")


def diagnostics(server: Server, ctx: ViewContext, volumes: int) -> Dict[str, Any]:
    """``GET /servers/{id}/diagnostics`` for a server with ``volumes`` attached volumes."""
    return DIAGNOSTICS.get(ctx.version)(server, ctx, volumes)  # type: ignore[misc]


_NIC_COUNTERS = ("rx_drop", "rx_errors", "rx_octets", "rx_packets", "rx_rate", "tx_drop", "tx_errors",
                 "tx_octets", "tx_packets", "tx_rate")
_DISK_COUNTERS = ("errors_count", "read_bytes", "read_requests", "write_bytes", "write_requests")
