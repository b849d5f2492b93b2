"""Every route of the Neutron resources around networks (security groups, routers, floating IPs, subnet
pools, quotas, ...), gathered so the app's route table names them once."""
from __future__ import annotations

from . import floating_ips, quotas, routers, security_groups

ROUTES = (*security_groups.ROUTES, *routers.ROUTES, *floating_ips.ROUTES, *quotas.ROUTES)
