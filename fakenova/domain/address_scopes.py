"""Neutron address scopes as far as subnet pools need them: the resource (``address_scope`` definition, no
standard attributes, as Neutron's model has none) and the checks a pool's ``address_scope_id`` passes
(``_validate_address_scope_id``): the scope exists, the caller may use it, its IP version is the pool's."""
from __future__ import annotations

from typing import Any, Mapping

from . import errors
from . import neutron_validators as v
from .context import RequestContext
from .neutron_plugin import StoredPlugin
from .neutron_resource import REQUIRED, Attr, Record, definition
from .ports import Runtime, Store


class AddressScopeNotFound(errors.NotFound):
    msg_fmt = "Address scope {address_scope_id} could not be found."


class AddressScopeInUse(errors.Conflict):
    msg_fmt = ("Unable to complete operation on address scope {address_scope_id}. There are one or more subnet "
               "pools in use on the address scope.")


class IllegalSubnetPoolAssociationToAddressScope(errors.BadRequest):
    msg_fmt = ("Illegal subnetpool association: subnetpool {subnetpool_id} cannot be associated with address "
               "scope {address_scope_id}.")


class IllegalSubnetPoolIpVersionAssociationToAddressScope(errors.BadRequest):
    msg_fmt = ("Illegal subnetpool association: subnetpool {subnetpool_id} cannot associate with address scope "
               "{address_scope_id} because subnetpool ip_version is not {ip_version}.")


_HIDDEN = {"visible": False, "is_filter": False, "is_sort_key": False}
ADDRESS_SCOPE = definition(
    "address_scope", "address_scopes", not_found=lambda i: AddressScopeNotFound(address_scope_id=i), tags=False,
    attrs=(
        Attr("shared", post=True, put=True, default=False, convert=v.to_boolean, enforce_policy=True),
        Attr("ip_version", post=True, default=REQUIRED, convert=v.to_int, validate=v.values(4, 6)),
        *(Attr(name, **_HIDDEN) for name in ("description", "tags", "created_at", "updated_at",  # type: ignore
                                             "revision_number")),
    ))


class AddressScopePlugin(StoredPlugin):
    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        if any(pool.get("address_scope_id") == record["id"] for pool in runtime.store.list("subnetpool")):
            raise AddressScopeInUse(address_scope_id=record["id"])


PLUGIN = AddressScopePlugin(ADDRESS_SCOPE)


def check_pool(store: Store, ctx: RequestContext, pool: Mapping[str, Any]) -> None:
    """A pool's ``address_scope_id``, checked as Neutron checks it on create and update."""
    scope_id = pool.get("address_scope_id")
    if not scope_id:
        return
    scope = PLUGIN.get(store, ctx, scope_id)  # 404 AddressScopeNotFound when missing or hidden
    if not (ctx.is_admin or scope["shared"] or scope["project_id"] == pool.get("project_id")):
        raise IllegalSubnetPoolAssociationToAddressScope(subnetpool_id=pool.get("id"), address_scope_id=scope_id)
    if scope["ip_version"] != pool.get("ip_version"):
        raise IllegalSubnetPoolIpVersionAssociationToAddressScope(subnetpool_id=pool.get("id"),
                                                                  address_scope_id=scope_id,
                                                                  ip_version=scope["ip_version"])
