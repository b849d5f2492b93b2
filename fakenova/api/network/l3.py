"""Every route of the Neutron resources around networks (security groups, routers, floating IPs, subnet
pools, quotas, ...), gathered so the app's route table names them once."""
from __future__ import annotations

from ...views import l3_extensions, network_extensions
from . import (
    address_scopes,
    agents,
    auto_allocation,
    availability_zones,
    floating_ips,
    ip_availability,
    quotas,
    routers,
    security_groups,
    subnet_pools,
)

network_extensions.register(l3_extensions.EXTENSIONS)  # what these routes implement, listed at /extensions

ROUTES = (*security_groups.ROUTES, *routers.ROUTES, *floating_ips.ROUTES, *quotas.ROUTES,
          *availability_zones.ROUTES, *subnet_pools.ROUTES, *ip_availability.ROUTES,
          *auto_allocation.ROUTES, *address_scopes.ROUTES, *agents.ROUTES)
