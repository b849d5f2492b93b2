"""Neutron's default policies (new defaults) for routers, security groups, floating IPs, subnet pools, address
scopes, quotas, IP availabilities, availability zones and auto-allocated topology: rule name -> check string.

Read from ``neutron/conf/policies/<resource>.py`` (one block per file below). Kept apart from
``network.py`` (networks, subnets, ports) so the two branches merge without conflict; ``network.py`` folds this
table into its ``RULES``.
"""
from __future__ import annotations

from typing import Dict

RULES: Dict[str, str] = {
    # neutron/conf/policies/router.py
    "create_router": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_router:distributed": "rule:admin_only",
    "create_router:ha": "rule:admin_only",
    "create_router:external_gateway_info": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_router:external_gateway_info:network_id": (
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)"),
    "create_router:external_gateway_info:enable_snat": "rule:admin_only",
    "create_router:external_gateway_info:external_fixed_ips": "rule:admin_only",
    "create_router:enable_default_route_bfd": "rule:admin_only",
    "create_router:enable_default_route_ecmp": "rule:admin_only",
    "create_router:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "get_router": "(rule:admin_only) or (role:reader and project_id:%(project_id)s)",
    "get_router:distributed": "rule:admin_only",
    "get_router:ha": "rule:admin_only",
    "get_router:tags": "(rule:admin_only) or (role:reader and project_id:%(project_id)s)",
    "update_router": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_router:distributed": "rule:admin_only",
    "update_router:ha": "rule:admin_only",
    "update_router:external_gateway_info": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_router:external_gateway_info:network_id": (
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)"),
    "update_router:external_gateway_info:enable_snat": "rule:admin_only",
    "update_router:external_gateway_info:external_fixed_ips": "rule:admin_only",
    "update_router:enable_default_route_bfd": "rule:admin_only",
    "update_router:enable_default_route_ecmp": "rule:admin_only",
    "update_router:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_router": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_router:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "add_router_interface": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "remove_router_interface": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "add_extraroutes": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "remove_extraroutes": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "add_external_gateways": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "add_external_gateways:external_gateways": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "add_external_gateways:external_gateways:network_id": (
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)"),
    "add_external_gateways:external_gateways:enable_snat": "rule:admin_only",
    "add_external_gateways:external_gateways:external_fixed_ips": "rule:admin_only",
    "update_external_gateways": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_external_gateways:external_gateways": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_external_gateways:external_gateways:network_id": (
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)"),
    "update_external_gateways:external_gateways:enable_snat": "rule:admin_only",
    "update_external_gateways:external_gateways:external_fixed_ips": "rule:admin_only",
    "remove_external_gateways": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "remove_external_gateways:external_gateways": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    # neutron/conf/policies/security_group.py
    "admin_or_sg_owner": "rule:context_is_admin or project_id:%(security_group:project_id)s",
    "admin_owner_or_sg_owner": "rule:owner or rule:admin_or_sg_owner",
    "shared_security_group": "field:security_groups:shared=True",
    "rule_default_sg": "field:security_group_rules:belongs_to_default_sg=True",
    "create_security_group": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_security_group:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "get_security_group": (
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_security_group"),
    "get_security_group:tags": (
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_security_group"),
    "update_security_group": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_security_group:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_security_group": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_security_group:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_security_group_rule": "(rule:admin_only) or (role:member and rule:sg_owner)",
    "get_security_group_rule": "(rule:admin_only) or (role:reader and rule:sg_owner)",
    "delete_security_group_rule": "(rule:admin_only) or (role:member and rule:sg_owner)",
    # neutron/conf/policies/floatingip.py
    "create_floatingip": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_floatingip:floating_ip_address": "(rule:admin_only) or (role:manager and project_id:%(project_id)s)",
    "create_floatingip:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "get_floatingip": "(rule:admin_only) or (role:reader and project_id:%(project_id)s)",
    "get_floatingip:tags": "(rule:admin_only) or (role:reader and project_id:%(project_id)s)",
    "update_floatingip": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_floatingip:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_floatingip": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_floatingip:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    # neutron/conf/policies/subnetpool.py
    "shared_subnetpools": "field:subnetpools:shared=True",
    "create_subnetpool": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_subnetpool:shared": "rule:admin_only",
    "create_subnetpool:is_default": "rule:admin_only",
    "create_subnetpool:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "get_subnetpool": "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_subnetpools",
    "get_subnetpool:tags": (
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_subnetpools"),
    "update_subnetpool": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_subnetpool:is_default": "rule:admin_only",
    "update_subnetpool:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_subnetpool": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_subnetpool:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "onboard_network_subnets": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "add_prefixes": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "remove_prefixes": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    # neutron/conf/policies/address_scope.py
    "shared_address_scopes": "field:address_scopes:shared=True",
    "create_address_scope": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_address_scope:shared": "rule:admin_only",
    "get_address_scope": "rule:admin_only or role:reader and project_id:%(project_id)s or rule:shared_address_scopes",
    "update_address_scope": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_address_scope:shared": "rule:admin_only",
    "delete_address_scope": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    # neutron/conf/policies/quotas.py
    "get_quota": "(rule:admin_only) or (role:manager and project_id:%(project_id)s)",
    "update_quota": "rule:admin_only",
    "delete_quota": "rule:admin_only",
    # neutron/conf/policies/network_ip_availability.py
    "get_network_ip_availability": "(rule:admin_only) or (rule:service_api)",
    # neutron/conf/policies/availability_zone.py
    "get_availability_zone": "role:reader",
    # neutron/conf/policies/auto_allocated_topology.py
    "get_auto_allocated_topology": "(rule:admin_only) or (role:reader and project_id:%(project_id)s)",
    "delete_auto_allocated_topology": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    # neutron/conf/policies/agent.py
    "create_agent": "rule:admin_only",
    "get_agent": "rule:admin_only",
    "update_agent": "rule:admin_only",
    "delete_agent": "rule:admin_only",
    # neutron/conf/policies/floatingip_pools.py
    "get_floatingip_pool": "(rule:admin_only) or (role:reader and project_id:%(project_id)s)",
}
