"""Server bodies (show, detail, list item, PUT, create) as field tables per microversion (nova-facts §b).

``SERVER_FIELDS`` is the single statement of which key a server body has at which microversion and for whom;
the detail and PUT views are derived from it by table operations, never by version checks in code.
Every function here returns the *inner* object; the HTTP layer wraps it (``{"server": ...}``,
``{"servers": [...]}``) and adds ``servers_links``.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ..domain.models import Server
from ..domain.states import FAULT_STATUSES, PROGRESS_STATUSES, Status, TaskState, VmState, derive_status
from ..ids import host_id
from .common import isotime, link, usage_time
from .fields import Field, FieldTable, ViewContext, attr, render, render_many

# The prefix Nova uses for internal scheduler hints it never shows (e.g. ``_nova_check_type``).
_INTERNAL_HINT_PREFIX = "_nova"


# Every (vm_state, task_state, deleted) combination, derived once: status is needed up to three times per
# body (status, progress, fault), and a dict lookup is far cheaper than re-deriving it.
_STATUSES: Dict[Tuple[VmState, Optional[TaskState], bool], Status] = {
    (vm_state, task_state, deleted): derive_status(vm_state.value, task_state.value if task_state else None,
                                                   deleted)
    for vm_state in VmState for task_state in (None, *TaskState) for deleted in (False, True)
}
# Enum ``.value`` is a Python-level property; these lookups are several times faster.
_VM_STATE_VALUES = {member: member.value for member in VmState}
_TASK_STATE_VALUES: Dict[Optional[TaskState], Optional[str]] = {None: None, **{m: m.value for m in TaskState}}
_STATUS_VALUES = {member: member.value for member in Status}


def status_of(server: Server) -> Status:
    """The API status of a stored server (derived, never stored; see ``states.derive_status``)."""
    return _STATUSES[server.vm_state, server.task_state, server.deleted]


# Many servers share one (project, host) pair, and sha224 is the costliest step of a detail body.
_host_id = functools.lru_cache(maxsize=4096)(host_id)


def self_url(server_id: str, ctx: ViewContext) -> str:
    """The server's versioned URL: ``<compute_url>[/<project_id>]/servers/<id>`` (also ``Location``)."""
    return f"{ctx.compute_url}{ctx.project_prefix}/servers/{server_id}"


def links(server_id: str, ctx: ViewContext) -> List[Dict[str, str]]:
    """``[self, bookmark]``: the bookmark is the self link without the version segment."""
    return [link("self", self_url(server_id, ctx)),
            link("bookmark", f"{ctx.bookmark_url}{ctx.project_prefix}/servers/{server_id}")]


def _has_progress(server: Server, ctx: ViewContext) -> bool:
    return status_of(server) in PROGRESS_STATUSES


def _has_fault(server: Server, ctx: ViewContext) -> bool:
    return server.fault is not None and status_of(server) in FAULT_STATUSES


def _has_security_groups(server: Server, ctx: ViewContext) -> bool:
    # Groups hang off ports: a server without ports (networks "none") has no key at all.
    return bool(server.nics and server.security_groups)


def _fault(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    fault = server.fault
    assert fault is not None  # guarded by _has_fault
    body: Dict[str, Any] = {"code": fault.code, "created": isotime(fault.created), "message": fault.message}
    # Nova hides the details (a traceback, for a 500) from non-admins; empty details are never shown.
    if fault.details and (ctx.is_admin or fault.code != 500):
        body["details"] = fault.details
    return body


def _image(server: Server, ctx: ViewContext) -> Any:
    if not server.image_id:
        return ""  # boot from volume: the empty string, not null
    href = f"{ctx.bookmark_url}{ctx.project_prefix}/images/{server.image_id}"
    return {"id": server.image_id, "links": [link("bookmark", href)]}


def _image_with_properties(server: Server, ctx: ViewContext) -> Any:
    image = _image(server, ctx)
    if image:
        properties = ctx.image_properties(server.image_id) or {}
        # Nova reads these from system metadata, where every value is a string (or null).
        image["properties"] = {key: value if value is None or isinstance(value, str) else str(value)
                               for key, value in properties.items()}
    return image


def _flavor_link(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    if not server.flavor:
        return {}  # Nova's answer when the flavor data was lost
    flavor_id = str(server.flavor["id"])
    href = f"{ctx.bookmark_url}{ctx.project_prefix}/flavors/{flavor_id}"
    return {"id": flavor_id, "links": [link("bookmark", href)]}


def _flavor_embedded(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    flavor = server.flavor
    if not flavor:
        return {}
    # extra_specs is shown to members too: its policy defaults to project reader.
    return {"vcpus": flavor["vcpus"], "ram": flavor["ram"], "disk": flavor["disk"],
            "ephemeral": flavor.get("ephemeral") or 0, "swap": int(flavor.get("swap") or 0),
            "original_name": flavor["name"], "extra_specs": dict(flavor.get("extra_specs") or {})}


def addresses(server: Server, *, extended: bool = False) -> Dict[str, List[Dict[str, Any]]]:
    """Nova's ``addresses``: ``{network label: [{"version", "addr"}]}``, each port's fixed then floating ones.

    ``{}`` while building (Nova hides them). ``extended`` adds ``OS-EXT-IPS:type`` and
    ``OS-EXT-IPS-MAC:mac_addr`` (the server body); without it this is ``/ips`` and PUT's view before 2.75.
    """
    if server.vm_state is VmState.BUILDING:
        return {}
    found: Dict[str, List[Dict[str, Any]]] = {}
    for nic in server.nics:
        # Neutron floating IPs are IPv4 only; Nova lists them after the port's fixed addresses.
        kinds = [(version, addr, "fixed") for version, addr in nic.ips]
        kinds += [(4, addr, "floating") for addr in nic.floating_ips]
        entries = found.setdefault(nic.network_name, [])
        for version, addr, kind in kinds:
            entry: Dict[str, Any] = {"version": version, "addr": addr}
            if extended:
                entry["OS-EXT-IPS:type"], entry["OS-EXT-IPS-MAC:mac_addr"] = kind, nic.mac
            entries.append(entry)
    return found


def _addresses(server: Server, ctx: ViewContext) -> Dict[str, List[Dict[str, Any]]]:
    return addresses(server, extended=True)


def _plain_addresses(server: Server, ctx: ViewContext) -> Dict[str, List[Dict[str, Any]]]:
    """PUT's reduced view before 2.75: only ``version`` and ``addr``."""
    return addresses(server)


def _security_groups(server: Server, ctx: ViewContext) -> List[Dict[str, str]]:
    # One entry per (port, group) pair, so a server with two ports lists "default" twice, as Nova does.
    return [{"name": group} for _nic in server.nics for group in server.security_groups]


def _scheduler_hints(server: Server, ctx: ViewContext) -> Dict[str, List[str]]:
    # Nova stores hints as lists of strings (single values become one-element lists) and hides its own.
    return {key: [str(item) for item in value] if isinstance(value, (list, tuple)) else [str(value)]
            for key, value in server.scheduler_hints.items() if not key.startswith(_INTERNAL_HINT_PREFIX)}


def _server_groups(server: Server, ctx: ViewContext) -> List[str]:
    # read from the group records: a group deleted since the server joined it is no longer shown
    return [group for group in server.server_groups if ctx.records("server_group", group) is not None]


def _host_status(server: Server, ctx: ViewContext) -> str:
    # fakenova's compute hosts never go down; an unscheduled server has no host, hence "".
    return "UP" if server.host else ""


SERVER_FIELDS: FieldTable[Server] = FieldTable("server", [
    Field("id", attr("id")),
    Field("name", attr("name")),
    Field("status", lambda s, c: _STATUS_VALUES[status_of(s)]),
    Field("tenant_id", attr("project_id")),
    Field("user_id", attr("user_id")),
    Field("metadata", lambda s, c: dict(s.metadata)),
    Field("hostId", lambda s, c: _host_id(s.project_id, s.host)),
    Field("image", _image, until="2.97"),
    Field("image", _image_with_properties, since="2.98", reads=("image",)),
    Field("flavor", _flavor_link, until="2.46"),
    Field("flavor", _flavor_embedded, since="2.47"),
    Field("created", lambda s, c: isotime(s.created_at)),
    Field("updated", lambda s, c: isotime(s.updated_at)),
    Field("addresses", _addresses),
    Field("accessIPv4", attr("access_ipv4")),
    Field("accessIPv6", attr("access_ipv6")),
    Field("links", lambda s, c: links(s.id, c)),
    Field("OS-DCF:diskConfig", attr("disk_config")),
    Field("fault", _fault, when=_has_fault),
    Field("progress", attr("progress"), when=_has_progress),
    Field("OS-EXT-AZ:availability_zone", attr("availability_zone")),
    Field("config_drive", lambda s, c: "True" if s.config_drive else ""),
    Field("key_name", attr("key_name")),
    Field("OS-SRV-USG:launched_at", lambda s, c: usage_time(s.launched_at)),
    Field("OS-SRV-USG:terminated_at", lambda s, c: usage_time(s.terminated_at)),
    Field("security_groups", _security_groups, when=_has_security_groups),
    Field("OS-EXT-SRV-ATTR:host", attr("host"), admin_only=True),
    Field("OS-EXT-SRV-ATTR:instance_name", attr("instance_name"), admin_only=True),
    Field("OS-EXT-SRV-ATTR:hypervisor_hostname", attr("node"), admin_only=True),
    Field("OS-EXT-SRV-ATTR:reservation_id", attr("reservation_id"), since="2.3", admin_only=True),
    Field("OS-EXT-SRV-ATTR:launch_index", attr("launch_index"), since="2.3", admin_only=True),
    Field("OS-EXT-SRV-ATTR:hostname", attr("hostname"), since="2.3", until="2.89", admin_only=True),
    Field("OS-EXT-SRV-ATTR:hostname", attr("hostname"), since="2.90"),
    Field("OS-EXT-SRV-ATTR:kernel_id", attr("kernel_id"), since="2.3", admin_only=True),
    Field("OS-EXT-SRV-ATTR:ramdisk_id", attr("ramdisk_id"), since="2.3", admin_only=True),
    Field("OS-EXT-SRV-ATTR:root_device_name", attr("root_device_name"), since="2.3", admin_only=True),
    Field("OS-EXT-SRV-ATTR:user_data", attr("user_data"), since="2.3", admin_only=True),
    Field("OS-EXT-STS:task_state", lambda s, c: _TASK_STATE_VALUES[s.task_state]),
    Field("OS-EXT-STS:vm_state", lambda s, c: _VM_STATE_VALUES[s.vm_state]),
    Field("OS-EXT-STS:power_state", lambda s, c: int(s.power_state)),
    Field("os-extended-volumes:volumes_attached",
          lambda s, c: [{"id": volume} for volume, _ in s.volumes_attached], until="2.2"),
    Field("os-extended-volumes:volumes_attached",
          lambda s, c: [{"id": volume, "delete_on_termination": delete}
                        for volume, delete in s.volumes_attached], since="2.3"),
    Field("host_status", _host_status, since="2.16", admin_only=True),
    Field("locked", lambda s, c: s.locked_by is not None, since="2.9"),
    Field("description", attr("description"), since="2.19"),
    Field("tags", lambda s, c: list(s.tags), since="2.26"),
    Field("trusted_image_certificates", lambda s, c: (None if s.trusted_image_certificates is None
                                                      else list(s.trusted_image_certificates)), since="2.63"),
    Field("server_groups", _server_groups, since="2.71", reads=("server_group",)),
    Field("locked_reason", attr("locked_reason"), since="2.73"),
    Field("pinned_availability_zone", attr("pinned_availability_zone"), since="2.96"),
    Field("scheduler_hints", _scheduler_hints, since="2.100"),
])

#: ``/servers/detail`` items: the show body without ``server_groups`` (Nova never lists them).
DETAIL_FIELDS = SERVER_FIELDS.without("server_groups")

#: ``/servers`` items (down-cell entries of 2.69 are not modelled).
SUMMARY_FIELDS: FieldTable[Server] = FieldTable("summary", [
    Field("id", attr("id")),
    Field("links", lambda s, c: links(s.id, c)),
    Field("name", attr("name")),
])

# Keys of PUT's reduced view (nova-facts b.4); ``addresses`` there has its own, shorter row.
_REDUCED_KEYS = frozenset({
    "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor", "created",
    "updated", "accessIPv4", "accessIPv6", "links", "OS-DCF:diskConfig", "fault", "progress", "locked",
    "description", "tags", "trusted_image_certificates", "server_groups", "locked_reason",
})

#: ``PUT /servers/{id}``: the reduced view up to 2.74, the full show body from 2.75.
UPDATE_FIELDS: FieldTable[Server] = FieldTable("update", [
    *(row.within(until="2.74") for row in SERVER_FIELDS if row.name in _REDUCED_KEYS),
    Field("addresses", _plain_addresses, until="2.74"),
    *(row.within(since="2.75") for row in SERVER_FIELDS),
])

#: rebuild's 202 body: PUT's split (reduced before 2.75) without the admin ``user_data`` attribute, plus
#: ``key_name`` from 2.54 and ``user_data`` from 2.57 at every version; the handler adds ``adminPass``.
REBUILD_FIELDS: FieldTable[Server] = FieldTable("rebuild", [
    *UPDATE_FIELDS.without("OS-EXT-SRV-ATTR:user_data"),
    Field("key_name", attr("key_name"), since="2.54", until="2.74"),
    Field("user_data", attr("user_data"), since="2.57"),
])


def show(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    """The ``GET /servers/{id}`` object (wrap it as ``{"server": ...}``).

    .. versionadded:: 0.1
    """
    return render(SERVER_FIELDS, server, ctx)


def detail_item(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    """One ``GET /servers/detail`` item.

    .. versionadded:: 0.1
    """
    return render(DETAIL_FIELDS, server, ctx)


def detail_items(servers: Sequence[Server], ctx: ViewContext) -> List[Dict[str, Any]]:
    """All ``GET /servers/detail`` items of a page; the field plan is resolved once for the list.

    .. versionadded:: 0.1
    """
    return render_many(DETAIL_FIELDS, servers, ctx)


def summary(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    """One ``GET /servers`` item: ``id``, ``links``, ``name``.

    .. versionadded:: 0.1
    """
    return render(SUMMARY_FIELDS, server, ctx)


def summaries(servers: Sequence[Server], ctx: ViewContext) -> List[Dict[str, Any]]:
    """All ``GET /servers`` items of a page.

    .. versionadded:: 0.1
    """
    return render_many(SUMMARY_FIELDS, servers, ctx)


def update(server: Server, ctx: ViewContext) -> Dict[str, Any]:
    """The ``PUT /servers/{id}`` object: reduced before 2.75, the full show body from 2.75.

    .. versionadded:: 0.1
    """
    return render(UPDATE_FIELDS, server, ctx)


def rebuild(server: Server, ctx: ViewContext, admin_pass: Optional[str]) -> Dict[str, Any]:
    """The rebuild action's ``server`` object; ``adminPass`` only when passwords are enabled.

    .. versionadded:: 0.2
    """
    body = render(REBUILD_FIELDS, server, ctx)
    if admin_pass is not None:
        body["adminPass"] = admin_pass
    return body


def create_response(server: Server, ctx: ViewContext, admin_pass: Optional[str],
                    requested_security_groups: Optional[Sequence[Mapping[str, Any]]]) -> Dict[str, Any]:
    """The ``POST /servers`` object (202; wrap it as ``{"server": ...}``), the same at every version.

    :param admin_pass: the given or generated password; None leaves ``adminPass`` out
        (``enable_instance_password`` off).
    :param requested_security_groups: the request's ``security_groups`` list, echoed verbatim; None (not
        given) shows ``[{"name": "default"}]``.

    .. versionadded:: 0.1
    """
    groups = ([{"name": "default"}] if requested_security_groups is None
              else [dict(group) for group in requested_security_groups])
    body: Dict[str, Any] = {"id": server.id, "links": links(server.id, ctx),
                            "OS-DCF:diskConfig": server.disk_config, "security_groups": groups}
    if admin_pass is not None:
        body["adminPass"] = admin_pass
    return body
