"""Neutron's auto-allocated topology (``neutron/services/auto_allocate/db.py``), sans-IO: on a project's first
``GET /auto-allocated-topology/{project}`` a network, a subnet from each default subnet pool and a router
joining them to the default external network are made through the resources' own plugins (so their checks
and quotas apply); later calls return the same network; ``DELETE`` tears it down. Nova's ``networks: "auto"``
boots on that same network when the project has none of its own (:func:`network_for`).

The topology record (kind ``auto_allocated_topology``, keyed by project) names the network and router.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import errors, neutron_networks, router_resources
from .context import RequestContext
from .neutron_resource import bumped, prepare
from .ports import Runtime, Store
from .subnet_pool_resources import SUBNETPOOL

KIND = "auto_allocated_topology"
DRY_RUN = "dry-run"


class AutoAllocationFailure(errors.Conflict):
    msg_fmt = "Deployment error: {reason}."


class NotAuthorized(errors.Forbidden):
    msg_fmt = "Not authorized."


class BadRequest(errors.BadRequest):
    msg_fmt = "Bad {resource} request: {msg}."


def _project(ctx: RequestContext, project_id: str) -> str:
    project = ctx.project_id if project_id == "None" else project_id
    if not ctx.is_admin and project != ctx.project_id:
        raise NotAuthorized()
    return project


def _default_external(store: Store) -> str:
    found = [net for net in store.list("network") if net.get("is_default")
             and net.get("router:external", net.get("external"))]
    if not found:
        raise AutoAllocationFailure(reason="No default router:external network")
    return str(found[0]["id"])


def _default_pools(store: Store) -> List[Mapping[str, Any]]:
    """The default pool of each IP version (``get_default_subnetpool`` for 4 and 6), where there is one."""
    pools = store.list(SUBNETPOOL.kind)
    found = (next((p for p in pools if p.get("is_default") and p.get("ip_version") == version), None)
             for version in (4, 6))
    return [pool for pool in found if pool is not None]


def get(runtime: Runtime, ctx: RequestContext, project_id: str, fields: List[str]) -> Dict[str, Any]:
    """The project's topology, built on first call (``fields=dry-run`` only checks the requirements)."""
    project = _project(ctx, project_id)
    store = runtime.store
    if DRY_RUN in fields:
        _default_external(store)
        if not _default_pools(store):
            raise AutoAllocationFailure(reason="No default subnetpools defined")
        return {"id": "dry-run=pass", "project_id": project}
    if fields:
        raise BadRequest(resource="auto_allocate", msg="Unrecognized field")
    existing = store.get(KIND, project)
    if existing is None:
        existing = _build(runtime, ctx, project, _default_external(store))
    return {"id": existing["network_id"], "tenant_id": project, "project_id": project}


def _create(plugin: Any, runtime: Runtime, ctx: RequestContext, body: Mapping[str, Any]) -> Dict[str, Any]:
    item = prepare(plugin.definition, ctx, dict(body), creating=True)
    # Neutron's allocator calls the plugins directly: the quota is the API layer's, and it is not asked
    return dict(plugin.make(runtime, ctx, item))


def _build(runtime: Runtime, ctx: RequestContext, project: str, external: str) -> Dict[str, Any]:
    pools = _default_pools(runtime.store)
    if not pools:
        raise AutoAllocationFailure(reason="Unable to provide project private network")
    network = _create(neutron_networks.NETWORK_PLUGIN, runtime, ctx, {
        "name": "auto_allocated_network", "admin_state_up": False, "project_id": project, "shared": False})
    subnets = [_create(neutron_networks.SUBNET_PLUGIN, runtime, ctx, {
        "name": f"auto_allocated_subnet_v{pool['ip_version']}", "network_id": network["id"],
        "project_id": project, "ip_version": pool["ip_version"], "subnetpool_id": pool["id"]}) for pool in pools]
    router = _create(router_resources.PLUGIN, runtime, ctx, {
        "name": "auto_allocated_router", "project_id": project, "external_gateway_info": {"network_id": external}})
    for subnet in subnets:
        router_resources.PLUGIN.interface(runtime, ctx, router["id"], {"subnet_id": subnet["id"]}, adding=True)
    topology = {"project_id": project, "network_id": network["id"], "router_id": router["id"]}
    runtime.store.put(KIND, project, topology, project=project)
    # built with the network down so no one uses it half made; up once saved, as Neutron's _save does
    runtime.store.compute(neutron_networks.NETWORK.kind, network["id"],
                          lambda record: bumped(record, {"admin_state_up": True}, ctx.now))
    return topology


class UnableToAutoAllocateNetwork(errors.BadRequest):
    """Nova's answer (400) when Neutron cannot give a project its topology."""

    msg_fmt = "Unable to automatically allocate a network for project {project_id}"


def network_for(runtime: Runtime, ctx: RequestContext) -> Mapping[str, Any]:
    """The network Nova boots a server on for ``networks: "auto"`` when the project has none: its topology's
    (built on first use, the same record ``GET /auto-allocated-topology`` answers with), as Nova's
    ``_auto_allocate_network`` asks Neutron for it after the dry-run check; a conflict either raises is
    Nova's ``UnableToAutoAllocateNetwork``."""
    try:
        get(runtime, ctx, ctx.project_id, [DRY_RUN])
        network_id = get(runtime, ctx, ctx.project_id, [])["id"]
    except errors.Conflict:
        raise UnableToAutoAllocateNetwork(project_id=ctx.project_id) from None
    network = neutron_networks.network_record(runtime.store, network_id)
    if network is None:
        raise UnableToAutoAllocateNetwork(project_id=ctx.project_id)
    return network


def delete(runtime: Runtime, ctx: RequestContext, project_id: str) -> None:
    """Tear the project's topology down: router interfaces and router, subnets, network."""
    project = _project(ctx, project_id)
    store = runtime.store
    topology: Optional[Mapping[str, Any]] = store.get(KIND, project)
    if topology is None:
        return
    router_plugin = router_resources.PLUGIN
    subnets = [s for s in store.list("subnet") if s["network_id"] == topology["network_id"]]
    if store.get(router_plugin.definition.kind, topology["router_id"]) is not None:
        for subnet in subnets:
            router_plugin.interface(runtime, ctx, topology["router_id"], {"subnet_id": subnet["id"]}, adding=False)
        router_plugin.delete(runtime, ctx, topology["router_id"])
    for subnet in subnets:
        neutron_networks.SUBNET_PLUGIN.delete(runtime, ctx, subnet["id"])
    neutron_networks.NETWORK_PLUGIN.delete(runtime, ctx, topology["network_id"])
    store.delete(KIND, project)
