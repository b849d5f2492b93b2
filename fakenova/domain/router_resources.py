"""Neutron's ``routers`` as a resource of the Neutron machinery, with its gateway and interface use cases.

The attribute table is ``neutron_lib/api/definitions/l3.py`` plus the extensions devstack enables (ext-gw-mode,
extraroute, dvr, l3-ha, router availability zones, flavors); the checks are :mod:`fakenova.domain.routers`'.
Neutron's ``<action>_router:external_gateway_info:<key>`` rules (SNAT and fixed IPs are admin's) apply to the
gateway's keys a request sets.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import neutron_policy as policy
from . import neutron_validators as v
from . import routers
from .context import RequestContext
from .neutron_plugin import StoredPlugin
from .neutron_resource import Attr, Record, definition, explicit, new_record
from .ports import Runtime, Store

_GATEWAY_KEYS = ("network_id", "enable_snat", "external_fixed_ips", "qos_policy_id")


def _gateway_info(data: Any) -> Optional[str]:
    """``type:dict_or_nodata`` with the gateway's keys (``network_id`` required, a UUID)."""
    if data is None or data == {}:
        return None
    if not isinstance(data, dict):
        return f"'{data}' is not a dictionary"
    unknown = sorted(set(data) - set(_GATEWAY_KEYS))
    if unknown or "network_id" not in data:
        return (f"Validation of dictionary's keys failed. Expected keys: {{'network_id'}} Provided keys: "
                f"{set(data)}")
    reason = v.is_uuid(data["network_id"])
    if reason:
        return reason
    if "enable_snat" in data and not isinstance(data["enable_snat"], bool):
        return f"'{data['enable_snat']}' is not a valid boolean value"
    fixed = data.get("external_fixed_ips")
    return v.fixed_ips(fixed) if fixed is not None else None


ROUTER = definition("router", "routers", not_found=lambda i: routers.RouterNotFound(router_id=i), attrs=(
    Attr("admin_state_up", post=True, put=True, default=True, convert=v.to_boolean),
    Attr("status"),
    Attr("external_gateway_info", post=True, put=True, default=None, validate=_gateway_info,
         enforce_policy=True, is_filter=False, is_sort_key=False),
    Attr("routes", put=True, default=[], convert=v.none_to_empty_list, is_filter=False, is_sort_key=False),
    Attr("distributed", post=True, put=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("ha", post=True, put=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("availability_zone_hints", post=True, default=[], convert=v.none_to_empty_list, is_filter=False,
         is_sort_key=False),
    Attr("availability_zones", is_filter=False, is_sort_key=False),
    Attr("flavor_id", post=True, default=None),
    Attr("enable_ndp_proxy", post=True, put=True, default=False, convert=v.to_boolean),
))


def _gateway_rules(item: Mapping[str, Any]) -> List[str]:
    """``external_gateway_info:<key>`` for each gateway key the request sets (their rules join the check)."""
    info = item.get("external_gateway_info") or {}
    return [f"external_gateway_info:{key}" for key in ("network_id", "enable_snat", "external_fixed_ips")
            if key in info]


class RouterPlugin(StoredPlugin):
    """Routers: quota, gateway port, interfaces, in-use checks."""

    touches: Sequence[str] = ("port",)
    quota = "router"

    def authorize_create(self, store: Store, ctx: RequestContext, item: Record) -> None:
        names = [*explicit(self.definition, item, creating=True), *_gateway_rules(item)]
        policy.enforce(ctx, self.definition.rule("create"), self.target(store, item), names)

    def make(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        store = runtime.store
        with store.atomically():
            record = new_record(self.definition, runtime.ids.uuid(), item, ctx.now)
            record.update(status="ACTIVE", availability_zones=["nova"], _interfaces=[], _gw_port_id=None,
                          external_gateway_info=None)
            record = routers.set_gateway(store, ctx, record, item.get("external_gateway_info"))
            store.put(self.definition.kind, record["id"], record, project=record["project_id"])
        return record

    def update(self, runtime: Runtime, ctx: RequestContext, rid: str, changes: Record) -> Record:
        store = runtime.store
        record = self.get(store, ctx, rid)
        names = [*explicit(self.definition, changes, creating=False), *_gateway_rules(changes)]
        policy.enforce(ctx, self.definition.rule("update"), self.target(store, {**record, **changes}), names)
        with store.atomically():
            if "external_gateway_info" in changes:
                gateway = routers.set_gateway(store, ctx, record, changes["external_gateway_info"])
                changes = {**changes, **{key: gateway[key] for key in ("external_gateway_info", "_gw_port_id")}}
            return self._write(runtime, ctx, rid, changes)

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        routers.check_delete(record)

    def after_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        routers.set_gateway(runtime.store, ctx, record, None)

    def interface(self, runtime: Runtime, ctx: RequestContext, rid: str, info: Any, *, adding: bool) -> Dict[str, Any]:
        """``PUT /routers/{id}/add_router_interface`` and ``remove_router_interface``."""
        store = runtime.store
        record = self.get(store, ctx, rid)
        action = "add_router_interface" if adding else "remove_router_interface"
        policy.enforce(ctx, action, self.target(store, record))
        with store.atomically():
            if adding:
                item = routers.add_interface(store, ctx, record, info)
                kept = [*routers.interfaces(record), item]
            else:
                item = routers.remove_interface(store, record, info)
                kept = [i for i in routers.interfaces(record) if i["port_id"] != item["port_id"]]
            self._write(runtime, ctx, rid, {"_interfaces": kept})
        return routers.info_body(record, item)


PLUGIN = RouterPlugin(ROUTER)
