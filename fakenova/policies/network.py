"""Neutron's default policies (new defaults) for networks, subnets and ports: rule name -> check string.

Read from ``neutron/conf/policies/{base,network,subnet,port}.py``; the routes of ``fakenova.api.network``
name these rules, and handlers ask them through ``fakenova.domain.neutron_policy`` (the one evaluator, with
the operator's overrides, in Neutron's words). The L3 resources' rules join from ``network_l3``.
"""
from __future__ import annotations

from typing import Dict

#: Neutron checks every rule in its controller with the resource as target (owner, network, shared) and 404s
#: what ``get_<resource>`` hides; its handlers here do the same (``domain.neutron_policy``), so a route-level
#: check on the caller's own project would only pre-empt that with a poorer answer
CHECKED_BY_HANDLERS = True

RULES: Dict[str, str] = {
    # neutron/conf/policies/base.py
    "context_is_admin": "role:admin",
    "context_with_global_access": "!",
    "service_api": "role:service",
    "owner": "project_id:%(project_id)s",
    "admin_or_owner": "rule:context_is_admin or rule:owner",
    "context_is_advsvc": "role:advsvc",
    "admin_or_network_owner": "rule:context_is_admin or project_id:%(network:project_id)s",
    "admin_owner_or_network_owner": "rule:owner or rule:admin_or_network_owner",
    "network_owner": "project_id:%(network:project_id)s",
    "admin_only": "rule:context_is_admin",
    "regular_user": "",
    "shared": "field:networks:shared=True",
    "default": "rule:admin_or_owner",
    "admin_or_ext_parent_owner": "rule:context_is_admin or project_id:%(ext_parent:project_id)s",
    "ext_parent_owner": "project_id:%(ext_parent:project_id)s",
    "sg_owner": "project_id:%(security_group:project_id)s",
    # neutron/conf/policies/network.py
    "external": "field:networks:router:external=True",
    "create_network": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_network:shared": "rule:admin_only",
    "create_network:router:external": "rule:admin_only",
    "create_network:is_default": "rule:admin_only",
    "create_network:port_security_enabled": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "create_network:segments": "rule:admin_only",
    "create_network:provider:network_type": "rule:admin_only",
    "create_network:provider:physical_network": "rule:admin_only",
    "create_network:provider:segmentation_id": "rule:admin_only",
    "create_network:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "get_network": (
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:service_api or "
        "rule:shared or rule:external or rule:context_is_advsvc"),
    "get_network:segments": "rule:admin_only",
    "get_network:provider:network_type": "rule:admin_only",
    "get_network:provider:physical_network": "rule:admin_only",
    "get_network:provider:segmentation_id": "rule:admin_only",
    "get_network:tags": (
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared or "
        "rule:external or rule:context_is_advsvc"),
    "update_network": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_network:segments": "rule:admin_only",
    "update_network:shared": "rule:admin_only",
    "update_network:provider:network_type": "rule:admin_only",
    "update_network:provider:physical_network": "rule:admin_only",
    "update_network:provider:segmentation_id": "rule:admin_only",
    "update_network:router:external": "rule:admin_only",
    "update_network:is_default": "rule:admin_only",
    "update_network:port_security_enabled": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "update_network:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_network": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    "delete_network:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
    # neutron/conf/policies/subnet.py
    "external_network": "field:subnets:router:external=True",
    "create_subnet": "(rule:admin_only) or (role:member and rule:network_owner)",
    "create_subnet:segment_id": "rule:admin_only",
    "create_subnet:service_types": "rule:admin_only",
    "create_subnet:tags": (
        "role:member and project_id:%(project_id)s or (rule:admin_only) or "
        "(role:member and rule:network_owner)"),
    "get_subnet": (
        "role:reader and project_id:%(project_id)s or rule:shared or rule:external_network or "
        "(rule:admin_only) or (role:reader and rule:network_owner) or rule:service_api"),
    "get_subnet:segment_id": "rule:admin_only",
    "get_subnet:tags": (
        "role:reader and project_id:%(project_id)s or rule:shared or rule:external_network or "
        "(rule:admin_only) or (role:reader and rule:network_owner)"),
    "update_subnet": (
        "role:member and project_id:%(project_id)s or (rule:admin_only) or "
        "(role:member and rule:network_owner)"),
    "update_subnet:segment_id": "rule:admin_only",
    "update_subnet:service_types": "rule:admin_only",
    "update_subnet:tags": (
        "role:member and project_id:%(project_id)s or (rule:admin_only) or "
        "(role:member and rule:network_owner)"),
    "delete_subnet": (
        "role:member and project_id:%(project_id)s or (rule:admin_only) or "
        "(role:member and rule:network_owner)"),
    "delete_subnet:tags": (
        "role:member and project_id:%(project_id)s or (rule:admin_only) or "
        "(role:member and rule:network_owner)"),
    # neutron/conf/policies/port.py
    "network_device": "field:port:device_owner=~^network:",
    "admin_or_data_plane_int": "rule:context_is_admin or role:data_plane_integrator",
    "create_port": "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared",
    "create_port:device_id": "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:service_api",
    "create_port:device_owner": (
        "not rule:network_device or (rule:admin_only) or (rule:service_api) or "
        "role:member and rule:network_owner"),
    "create_port:mac_address": "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
    "create_port:fixed_ips": (
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared"),
    "create_port:fixed_ips:ip_address": "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
    "create_port:fixed_ips:subnet_id": (
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared"),
    "create_port:port_security_enabled": (
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner"),
    "create_port:binding:host_id": "(rule:admin_only) or (rule:service_api)",
    "create_port:binding:profile": "rule:service_api",
    "create_port:binding:vnic_type": (
        "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:service_api"),
    "create_port:allowed_address_pairs": (
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api"),
    "create_port:allowed_address_pairs:mac_address": (
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api"),
    "create_port:allowed_address_pairs:ip_address": (
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api"),
    "create_port:hints": "rule:admin_only",
    "create_port:trusted": "rule:admin_only",
    "create_port:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:context_is_advsvc",
    "get_port": (
        "(rule:admin_only) or (rule:service_api) or role:reader and rule:network_owner or "
        "role:reader and project_id:%(project_id)s"),
    "get_port:binding:vif_type": "(rule:admin_only) or (rule:service_api)",
    "get_port:binding:vif_details": "(rule:admin_only) or (rule:service_api)",
    "get_port:binding:host_id": "(rule:admin_only) or (rule:service_api)",
    "get_port:binding:profile": "(rule:admin_only) or (rule:service_api)",
    "get_port:resource_request": "rule:admin_only",
    "get_port:hints": "rule:admin_only",
    "get_port:trusted": "rule:admin_only",
    "get_port:tags": (
        "rule:context_is_advsvc or (rule:admin_only) or (role:reader and rule:network_owner) or "
        "role:reader and project_id:%(project_id)s"),
    "update_port": "(rule:admin_only) or (rule:service_api) or role:member and project_id:%(project_id)s",
    "update_port:device_id": "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:service_api",
    "update_port:device_owner": (
        "not rule:network_device or (rule:admin_only) or (rule:service_api) or "
        "role:member and rule:network_owner"),
    "update_port:mac_address": "(rule:admin_only) or (rule:service_api) or role:manager and rule:network_owner",
    "update_port:fixed_ips": "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
    "update_port:fixed_ips:ip_address": "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
    "update_port:fixed_ips:subnet_id": (
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared"),
    "update_port:port_security_enabled": (
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner"),
    "update_port:binding:host_id": "(rule:admin_only) or (rule:service_api)",
    "update_port:binding:profile": "rule:service_api",
    "update_port:binding:vnic_type": (
        "(rule:admin_only) or (rule:service_api) or role:member and project_id:%(project_id)s"),
    "update_port:allowed_address_pairs": (
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api"),
    "update_port:allowed_address_pairs:mac_address": (
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api"),
    "update_port:allowed_address_pairs:ip_address": (
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api"),
    "update_port:data_plane_status": "rule:admin_only or role:data_plane_integrator",
    "update_port:hints": "rule:admin_only",
    "update_port:trusted": "rule:admin_only",
    "update_port:tags": "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:context_is_advsvc",
    "delete_port": (
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or "
        "role:member and project_id:%(project_id)s"),
    "delete_port:tags": (
        "rule:context_is_advsvc or role:member and project_id:%(project_id)s or (rule:admin_only) or "
        "(role:member and rule:network_owner)"),
}

# --- neutron-l3: routers, security groups, floating IPs, subnet pools, address scopes, quotas, AZs, IP
# availabilities, auto-allocated topology (fakenova/policies/network_l3.py, kept apart for an easy merge) ---
from .network_l3 import RULES as _L3_RULES  # noqa: E402

RULES.update(_L3_RULES)
