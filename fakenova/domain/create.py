"""The create-server use case: Nova's semantic checks after schema validation, then new records.

Checks run in Nova's order for each kind of failure (400 for unknown references, 403 for policy and quota),
and the records enter the lifecycle's ``create`` path at the configured pace.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ..version_history import at
from . import (
    auto_allocation,
    boot_volumes,
    compute,
    errors,
    flavors,
    history,
    hosts,
    images,
    network,
    placement,
    policy,
    quotas,
    security_groups,
    server_groups,
    services,
)
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .models import Fault, Server, evolve
from .ports import Runtime, Store
from .strings import bool_from_string, normal_ipv6

_SERVER_DESCRIPTION = at("server-description")


@dataclass(frozen=True)
class Created:
    """What the create response needs: the servers made, and the password and groups to echo."""

    servers: Tuple[Server, ...]
    admin_pass: Optional[str]
    security_groups: Optional[List[Dict[str, str]]]
    reservation_id: str


def sanitize_hostname(name: str, default: str) -> str:
    """Nova's ``sanitize_hostname``: lower case, separators to ``-``, other symbols dropped, 63 chars."""
    hostname = name.encode("latin-1", "ignore").decode("latin-1")
    hostname = re.sub(r"[ _.]", "-", hostname)
    hostname = re.sub(r"[^\w.-]+", "", hostname).lower().strip(".-")[:63].rstrip(".-")
    return hostname or default


def _image_id(store: Store, server: Mapping[str, Any], ctx: Optional[RequestContext] = None,
              flavor: Optional[Mapping[str, Any]] = None) -> str:
    """The image to boot, or ``""`` for boot from volume (block device mappings without imageRef)."""
    image_ref = server.get("imageRef") or ""
    has_bdm = bool(server.get("block_device_mapping_v2") or server.get("block_device_mapping"))
    if server.get("block_device_mapping_v2") and server.get("block_device_mapping"):
        raise errors.BadRequest("Using different block_device_mapping syntaxes is not allowed in the same "
                                "request.")
    if not image_ref:
        if not has_bdm:
            raise errors.BadRequest("Missing imageRef attribute")
        return ""
    image = store.get("image", image_ref)
    if image is None or (ctx is not None and not images.can_see(image, ctx)):
        raise errors.BadRequest("Can not find requested image")
    if image.get("status") != "active":
        raise errors.BadRequest(f"Image {image_ref} is not active.")
    if flavor is not None and not has_bdm:
        _check_flavor_fits(image, flavor)
    return image["id"]


_GIB = 1024 ** 3


def _check_flavor_fits(image: Mapping[str, Any], flavor: Mapping[str, Any]) -> None:
    """Nova's ``_validate_flavor_image_nostatus``: the flavor's memory and (non-zero) root disk against the
    image's ``min_ram``, size and ``min_disk``."""
    if int(flavor.get("ram") or 0) < int(image.get("min_ram") or 0):
        raise errors.BadRequest("Flavor's memory is too small for requested image.")
    disk = int(flavor.get("disk") or 0) * _GIB
    if not disk:
        return
    size, min_disk = int(image.get("size") or 0), int(image.get("min_disk") or 0) * _GIB
    if size > disk:
        raise errors.BadRequest(f"Flavor's disk is too small for requested image. Flavor disk is {disk} bytes, "
                                f"image is {size} bytes.")
    if min_disk > disk:
        raise errors.BadRequest(f"Flavor's disk is smaller than the minimum size specified in image metadata. "
                                f"Flavor disk is {disk} bytes, minimum size is {min_disk} bytes.")


def _zone(store: Store, ctx: RequestContext, requested: Optional[str]) -> Tuple[Optional[str], Dict[str, str]]:
    """The zone asked for, and the host and node an admin forced with ``zone:host[:node]``."""
    if not requested:
        return None, {}
    parts = requested.split(":")
    if len(parts) > 3:
        raise errors.BadRequest("Invalid input received: Unable to parse availability_zone")
    if len(parts) > 1:
        policy.authorize(ctx, "os_compute_api:servers:create:forced_host")
    forced = {key: value for key, value in zip(("host", "node"), parts[1:]) if value}
    if "host" in forced:  # Nova puts a forced host's server in the host's own zone, whatever was asked
        return hosts.zone_of(store, forced["host"]), forced
    if parts[0] and parts[0] not in services.available_zones(store):
        raise errors.BadRequest("The requested availability zone is not available")
    return parts[0] or None, forced


def _check_limits(store: Store, ctx: RequestContext, server: Mapping[str, Any]) -> None:
    limits = quotas.quotas_for(store, ctx.project_id, ctx.user_id)
    quotas.check_metadata_items(store, ctx.project_id, ctx.user_id, len(server.get("metadata") or {}))
    files = server.get("personality") or []
    if 0 <= limits["injected_files"] < len(files):
        raise errors.Forbidden("Personality file limit exceeded")
    for item in files:
        if 0 <= limits["injected_file_path_bytes"] < len(item["path"]):
            raise errors.Forbidden(f"Personality file path exceeds maximum "
                                   f"{limits['injected_file_path_bytes']}")
        if 0 <= limits["injected_file_content_bytes"] < len(item["contents"]) * 3 // 4:
            raise errors.Forbidden(f"Personality file content exceeds maximum "
                                   f"{limits['injected_file_content_bytes']}")


def _destination(store: Store, ctx: RequestContext, server: Mapping[str, Any],
                 forced: Mapping[str, str]) -> Dict[str, str]:
    """The host and node to place on: 2.74's ``host``/``hypervisor_hostname`` (admin, checked to exist as
    Nova checks them) or those forced through the zone."""
    if "host" in server or "hypervisor_hostname" in server:
        policy.authorize(ctx, "compute:servers:create:requested_destination")
    if forced and ("host" in server or "hypervisor_hostname" in server):
        raise errors.BadRequest("One mechanism with host and/or hypervisor_hostname and another mechanism with "
                                "zone:host:node are mutually exclusive.")
    host, node = server.get("host"), server.get("hypervisor_hostname")
    known = {record["host"]: record["hypervisor_hostname"] for record in hosts.compute_hosts(store)}
    if host is not None and (host not in known or (node is not None and known[host] != node)):
        raise errors.BadRequest(f"Compute host {host} could not be found.")
    if host is None and node is not None and node not in known.values():
        raise errors.BadRequest(f"Compute host {node} could not be found.")
    chosen = {key: value for key, value in (("host", host), ("node", node)) if value is not None}
    return chosen or dict(forced)


def _counts(server: Mapping[str, Any], version: Any) -> Tuple[int, int]:
    min_count = int(server.get("min_count", 1))
    max_count = int(server.get("max_count", min_count))
    if min_count > max_count:
        raise errors.BadRequest("min_count must be <= max_count")
    requested = server.get("networks")
    for item in requested if max_count > 1 and isinstance(requested, list) else ():
        # nova/compute/api.py checks requested networks against max_count first
        if item.get("uuid") and item.get("fixed_ip"):
            raise errors.BadRequest("Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip "
                                    "is specified.")
    for item in requested if max_count > 1 and isinstance(requested, list) else ():
        if item.get("port"):
            raise errors.BadRequest("Failed to launch instances: Unable to launch multiple instances with a single "
                                    "configured port ID. Please launch your instance one by one with different "
                                    "ports.")
    if max_count > 1 and server.get("hostname"):
        raise errors.BadRequest("Unable to allocate a single hostname to multiple instances")
    return min_count, max_count


def _key_name(store: Store, ctx: RequestContext, name: Optional[str]) -> Optional[str]:
    if name is None:
        return None
    if store.get("keypair", f"{ctx.user_id}/{name}") is None:
        raise errors.BadRequest("Invalid key_name provided.")
    return name


def _security_groups(server: Mapping[str, Any], has_nics: bool) -> Tuple[str, ...]:
    names = [group["name"] for group in server.get("security_groups") or [{"name": "default"}]]
    return tuple(dict.fromkeys(names)) if has_nics else ()


def _template(runtime: Runtime, ctx: RequestContext, server: Mapping[str, Any],
              hints: Mapping[str, Any]) -> Dict[str, Any]:
    """Everything the new servers share, after every semantic check has passed."""
    store = runtime.store
    flavor = flavors.for_server(store, ctx, server["flavorRef"])
    image_id = _image_id(store, server, ctx, flavor)
    zone, forced = _zone(store, ctx, server.get("availability_zone"))
    destination = _destination(store, ctx, server, forced)
    _check_limits(store, ctx, server)
    security_groups.check_requested(store, ctx, [group["name"] for group in server.get("security_groups") or ()])
    key_name = _key_name(store, ctx, server.get("key_name"))
    chosen = network.requested_networks(store, ctx, server.get("networks"),
                                        lambda: auto_allocation.network_for(runtime, ctx))
    description = server.get("description")
    if ctx.version < _SERVER_DESCRIPTION:
        description = server["name"]  # before servers had descriptions, Nova stored the name as one
    certificates = server.get("trusted_image_certificates")
    return {
        # the stored flavor record is never changed in place, so it is the snapshot (Server shares it)
        "flavor": flavor, "image_id": image_id, "key_name": key_name, "chosen": chosen,
        "metadata": dict(server.get("metadata") or {}), "tags": tuple(dict.fromkeys(server.get("tags") or ())),
        "access_ipv4": server.get("accessIPv4", ""), "access_ipv6": normal_ipv6(server.get("accessIPv6", "")),
        "disk_config": server.get("OS-DCF:diskConfig", "MANUAL"),
        "config_drive": bool_from_string(server.get("config_drive", False)),
        "requested_zone": zone, "user_data": server.get("user_data"), "description": description,
        "trusted_image_certificates": tuple(certificates) if certificates is not None else None,
        "scheduler_hints": dict(hints), "volumes": boot_volumes.plan(runtime, ctx, server),
        "pinned_availability_zone": zone, "destination": destination,
    }


def _member_host(server: Server) -> Optional[str]:
    """Where a group member is, or will be: its host, or the host placement chose for a build bound to succeed."""
    if server.host:
        return server.host
    begun = server.transition
    if begun is not None and begun.action is lifecycle.Action.CREATE and begun.outcome == lifecycle.Outcome.OK.value:
        return begun.destination or lifecycle.DEFAULT_HOST
    return None


#: a group's plan: a host for each new member (None: no group), or NO_PLACE when its policy leaves none
Plan = Optional[Tuple[str, ...]]
NO_PLACE: Tuple[str, ...] = ()


def _group_plan(runtime: Runtime, group: Optional[server_groups.Group], count: int) -> Plan:
    """Hosts for ``count`` new members of ``group`` that its policy allows, among the hosts placement may use
    (enabled and up); :data:`NO_PLACE` when one of them finds none (Nova builds none of a multiple create)."""
    if group is None:
        return None
    store = runtime.store
    # least loaded first: the group's soft policy weighs first, and the load breaks its ties, as in Nova
    usable = [host.host for host in placement.by_load(runtime, placement.candidates(store)) if host.enabled and host.up]
    members = server_groups.members_hosts([_member_host(member) for member in server_groups.live_servers(store, group)])
    return server_groups.place(group, members, usable, count) or NO_PLACE


def _begin(runtime: Runtime, ctx: RequestContext, record: Server, plan: Plan, index: int,
           destination: Mapping[str, Any]) -> Server:
    if plan is None:
        return compute.begin_action(runtime, ctx, record, lifecycle.Action.CREATE, **destination)
    if plan:  # the group's policy chose this member's host; an admin's own choice must agree with it
        if destination.get("host") not in (None, plan[index]):
            plan = NO_PLACE
        else:
            return compute.begin_action(runtime, ctx, record, lifecycle.Action.CREATE,
                                        **{**destination, "host": plan[index]})
    # Nova's scheduler finds no valid host: the build ends in ERROR with the NoValidHost fault, at the pace
    # chosen for creates
    choice = runtime.choose(lifecycle.Action.CREATE, record, ctx)
    return lifecycle.begin(record, lifecycle.Action.CREATE, ctx.now, pace=choice.pace, is_admin=ctx.is_admin,
                           outcome=lifecycle.Outcome.ERROR)


@dataclass(frozen=True)
class Planned:
    """One server of a create before its transaction: the record without NICs, and what it makes for it."""

    record: Server
    ports: network.DrawnIds  # the ids of its ports
    volumes: Tuple[boot_volumes.Drawn, ...]  # its boot volumes, ids and records drawn


def _new_server(runtime: Runtime, ctx: RequestContext, server: Mapping[str, Any], shared: Dict[str, Any],
                index: int, count: int, reservation_id: str, plan: Plan) -> Planned:
    """A new server without its NICs yet, and the ids of the ports and volumes the create's transaction makes
    for it (drawn here, where they always were, so seeded ids are unchanged)."""
    ids, store, now = runtime.ids, runtime.store, ctx.now
    server_id = ids.uuid()
    name = server["name"] if count == 1 else f"{server['name']}-{index + 1}"
    default_hostname = f"server-{server_id}"
    hostname = server.get("hostname") or sanitize_hostname(name, default_hostname)
    drawn = network.DrawnIds(ids, shared["chosen"])  # where the ports used to be made: the id sequence stays
    volumes = boot_volumes.draw(runtime, ctx, server_id, bool(shared["image_id"]), shared["volumes"])
    record = Server(
        id=server_id, name=name, project_id=ctx.project_id, user_id=ctx.user_id, flavor=shared["flavor"],
        image_id=shared["image_id"], created_at=now, updated_at=now, key_name=shared["key_name"],
        metadata=shared["metadata"], tags=shared["tags"], access_ipv4=shared["access_ipv4"],
        access_ipv6=shared["access_ipv6"], disk_config=shared["disk_config"],
        config_drive=shared["config_drive"], availability_zone=shared["requested_zone"] or "",
        requested_zone=shared["requested_zone"], hostname=hostname,
        instance_name=f"instance-{store.next_counter('instance'):08x}", reservation_id=reservation_id,
        launch_index=index, user_data=shared["user_data"], description=shared["description"],
        trusted_image_certificates=shared["trusted_image_certificates"],
        security_groups=_security_groups(server, bool(shared["chosen"])),
        volumes_attached=boot_volumes.attached(volumes),
        scheduler_hints=shared["scheduler_hints"], pinned_availability_zone=shared["pinned_availability_zone"],
        root_device_name="/dev/vda", server_groups=shared["server_groups"],
    )
    return Planned(_begin(runtime, ctx, record, plan, index, shared["destination"]), drawn, volumes)


def _build_aborted(record: Server, reason: str, now: float) -> Server:
    """The server's build ends in ERROR with Nova's BuildAbortException fault (its compute manager's answer to
    Cinder refusing a boot volume over quota); a build already bound to fail keeps its own fault."""
    begun = record.transition
    if begun is None or begun.outcome != lifecycle.Outcome.OK.value:
        return record
    fault = Fault(code=500, message=f"Build of instance {record.id} aborted: {reason}", created=now)
    return evolve(record, transition=evolve(begun, outcome=lifecycle.Outcome.ERROR.value, fault=fault))


def _made(runtime: Runtime, ctx: RequestContext, planned: Planned, chosen: Sequence[network.Requested],
          zone: str) -> Server:
    """Inside the create's transaction: the server's ports, addresses and boot volumes written, and the record
    with its NICs (its build aborted if Cinder refused its volumes)."""
    record = planned.record
    nics = network.allocate_nics(runtime.store, planned.ports.replay(), ctx, chosen, record.id, zone)
    refused = boot_volumes.write(runtime, ctx, record.id, planned.volumes)
    if refused is not None:
        record = evolve(_build_aborted(record, refused, ctx.now), volumes_attached=())
    return evolve(record, nics=nics)


def create_servers(runtime: Runtime, ctx: RequestContext, server: Mapping[str, Any],
                   hints: Mapping[str, Any]) -> Created:
    """Create one or more servers from a schema-valid ``server`` dict; quota is checked atomically.

    :param runtime: the app's runtime (store, ids, settings).
    :param server: the validated ``server`` object of the request body.
    :param hints: the validated scheduler hints (``{}`` when absent).
    """
    min_count, max_count = _counts(server, ctx.version)
    shared = _template(runtime, ctx, server, hints)
    boot_volumes.check_count(shared["volumes"], max_count)
    store = runtime.store
    reservation_id = runtime.ids.reservation_id()
    with store.atomically():
        group = server_groups.requested_group(store, hints)
        shared["server_groups"] = (group["id"],) if group is not None else ()
        quotas.settle(runtime, ctx.project_id, ctx.now)
        # Nova asks Neutron's port quota first (validate_networks), which may lower max_count
        max_count = network.port_quota_count(store, ctx.project_id, shared["chosen"], min_count, max_count)
        count = quotas.allowed_count(store, ctx.project_id, shared["flavor"], min_count, max_count,
                                     user_id=ctx.user_id)
        if group is not None:
            server_groups.check_members_quota(store, ctx, group, count)
        plan = _group_plan(runtime, group, count)
        planned = tuple(_new_server(runtime, ctx, server, shared, index, count, reservation_id, plan)
                        for index in range(count))
        boot_volumes.settle_usage(runtime, ctx, shared["volumes"])
        made: List[Server] = []
        zone = shared["requested_zone"] or ""

        def store_all(missing: None) -> None:
            made[:] = [_made(runtime, ctx, one, shared["chosen"], zone) for one in planned]
            for record in made:
                store.put("server", record.id, record, project=record.project_id)
                history.record_row(store, ctx, record.id, lifecycle.Action.CREATE, host=hosts.server_host(record))
            if group is not None:
                server_groups.add_members(store, group["id"], [record.id for record in made])
            return missing  # the first server is written above, in order
        # one transaction: every server of a multi-create, its ports and addresses, its boot volumes (checked
        # against Cinder's quota there), its action log and group membership land together or not at all (and
        # on a shared store in one commit)
        store.compute("server", planned[0].record.id, store_all,
                      touches=("server", "instance_action", server_groups.KIND, *network.PORT_WRITES,
                               *boot_volumes.WRITES))
    admin_pass = None
    if runtime.settings.enable_instance_password:
        admin_pass = server.get("adminPass") or runtime.ids.password()
    groups = server.get("security_groups")
    return Created(servers=tuple(made), admin_pass=admin_pass, reservation_id=reservation_id,
                   security_groups=list(groups) if groups else None)
