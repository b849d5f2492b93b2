"""Neutron's ``subnetpools`` as a resource of the Neutron machinery (``neutron_lib/api/definitions/subnetpool.py``
plus default-subnetpools and address-scope's ``address_scope_id``), checked by :mod:`.subnet_pools`, and the
allocator subnets created with ``subnetpool_id`` get their CIDR from."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from . import address_scopes, neutron_networks, subnet_pools
from . import neutron_validators as v
from .context import RequestContext
from .neutron_plugin import StoredPlugin
from .neutron_resource import REQUIRED, UNSET, Attr, Record, definition
from .ports import Runtime, Store


def _name(data: Any) -> Optional[str]:
    reason = v.string(v.NAME_LEN)(data)
    return reason or ("'' Blank strings are not permitted" if not str(data).strip() else None)


def _non_negative(data: Any) -> Optional[str]:
    return None if data is None else v.integer_range(0, 2 ** 31 - 1)(data)


SUBNETPOOL = definition("subnetpool", "subnetpools",
                        not_found=lambda i: subnet_pools.SubnetPoolNotFound(subnetpool_id=i), attrs=(
    Attr("name", post=True, put=True, default=REQUIRED, validate=_name),
    Attr("prefixes", post=True, put=True, default=REQUIRED, validate=v.list_of(v.subnet_cidr), is_sort_key=False),
    Attr("default_quota", post=True, put=True, default=UNSET, convert=v.to_int, validate=_non_negative),
    Attr("ip_version"),
    Attr("default_prefixlen", post=True, put=True, default=UNSET, convert=v.to_int, validate=_non_negative),
    Attr("min_prefixlen", post=True, put=True, default=UNSET, convert=v.to_int, validate=_non_negative),
    Attr("max_prefixlen", post=True, put=True, default=UNSET, convert=v.to_int, validate=_non_negative),
    Attr("is_default", post=True, put=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("shared", post=True, default=False, convert=v.to_boolean, enforce_policy=True),
    Attr("address_scope_id", post=True, put=True, default=None, validate=v.or_none(v.is_uuid)),
))


class SubnetPoolPlugin(StoredPlugin):
    """Pools: prefixes compacted, bounds checked, in use while a subnet names them."""

    quota = "subnetpool"

    def check_create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        item = {**item, "default_quota": item.get("default_quota"), **subnet_pools.read(item)}
        address_scopes.check_pool(runtime.store, ctx, item)
        return item

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        bounds = ("prefixes", "min_prefixlen", "max_prefixlen", "default_prefixlen")
        if any(key in changes for key in bounds):
            changes = {**changes, **subnet_pools.read(changes, record)}
        if changes.get("address_scope_id"):
            address_scopes.check_pool(runtime.store, ctx, {**record, **changes})
        return changes

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        if subnet_pools.in_use(runtime.store, record["id"]):
            raise subnet_pools.SubnetPoolDeleteError(reason="Subnet pool has existing allocations")


PLUGIN = SubnetPoolPlugin(SUBNETPOOL)


def cidr_for(store: Store, item: Mapping[str, Any]) -> str:
    """The CIDR of a subnet created with ``subnetpool_id`` (404 for a pool that does not exist)."""
    pool = store.get(SUBNETPOOL.kind, item["subnetpool_id"])
    if pool is None:
        raise subnet_pools.SubnetPoolNotFound(subnetpool_id=item["subnetpool_id"])
    return subnet_pools.allocate(store, pool, item.get("cidr"), item.get("prefixlen"))


neutron_networks.SUBNET_POOL_ALLOCATOR.append(cidr_for)


def seed(store: Store, spec: Mapping[str, Any], project_id: str, now: float) -> None:
    """Store a subnet pool given in the fixtures' shape (``subnetpools.yaml``)."""
    from .neutron_resource import new_record
    given = {key: value for key, value in spec.items() if key not in ("id", "project")}
    item = {"description": "", "shared": False, "is_default": False, "address_scope_id": None,
            "default_quota": None, **given, "project_id": project_id, "tenant_id": project_id}
    record = new_record(SUBNETPOOL, spec["id"], {**item, **subnet_pools.read(item)}, now)
    store.put(SUBNETPOOL.kind, record["id"], record, project=project_id)
