"""The Neutron extensions the routers / security groups / floating IPs / subnet pools / quotas side implements,
as ``GET /v2.0/extensions`` lists them: alias -> (name, description, updated), worded as neutron-lib's API
definitions and neutron's extension descriptors. Registered into the extensions table of
``fakenova.views.network_extensions``; only what is implemented is listed (tempest and openstacksdk decide
what to call from it)."""
from __future__ import annotations

from typing import Dict, Tuple

Row = Tuple[str, str, str]  # name, description, updated

EXTENSIONS: Dict[str, Row] = {
    "security-group": ("security-group", "The security groups extension.", "2012-10-05T10:00:00-00:00"),
    "stateful-security-group": ("Stateful security group", "Indicates if the security group is stateful or not",
                                "2019-11-26T09:00:00-00:00"),
    "security-groups-normalized-cidr": ("Normalized CIDR field for security group rules",
                                        "Add new field with normalized remote_ip_prefix cidr in SG rule",
                                        "2020-07-28T10:00:00-00:00"),
    "security-groups-remote-address-group": ("Remote address group id field for security group rules",
                                             "Add new field of remote address group id in SG rules",
                                             "2020-08-25T10:00:00-00:00"),
    "security-groups-rules-belongs-to-default-sg": (
        "Security group rule belongs to the project's default security group",
        "Flag to determine if the security group rule belongs to the project's default security group",
        "2023-05-23T10:00:00-00:00"),
    "security-groups-shared-filtering": ("Security group filtering on the shared field",
                                         "Support filtering security groups on the shared field",
                                         "2021-10-05T09:00:00-00:00"),
    "router": ("Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and "
               "access to external networks via a NAT gateway.", "2012-07-20T10:00:00-00:00"),
    "ext-gw-mode": ("Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for "
                    "specifying whether SNAT should occur on the external gateway", "2013-03-28T10:00:00-00:00"),
    "extraroute": ("Neutron Extra Route", "Extra routes configuration for L3 router", "2013-02-01T10:00:00-00:00"),
    "router_availability_zone": ("Router Availability Zone", "Availability zone support for router.",
                                 "2015-01-01T10:00:00-00:00"),
    "availability_zone": ("Availability Zone", "The availability zone extension.", "2015-01-01T10:00:00-00:00"),
    "fip-port-details": ("Floating IP Port Details Extension", "Add port_details attribute to Floating IP resource",
                         "2018-04-09T10:00:00-00:00"),
    "quotas": ("Quota management support", "Expose functions for quotas management per project",
               "2012-07-29T10:00:00-00:00"),
    "quota_details": ("Quota details management support", "Expose functions for quotas usage statistics per "
                      "project", "2017-02-10T10:00:00-00:00"),
    "quota-check-limit": ("Quota engine limit check", "Support for checking the resource usage before applying a "
                          "new quota limit", "2021-09-08T16:00:00-00:00"),
    "subnet_allocation": ("Subnet Allocation", "Enables allocation of subnets from a subnet pool",
                          "2015-03-30T10:00:00-00:00"),
    "default-subnetpools": ("Default Subnetpools", "Provides ability to mark and use a subnetpool as the default.",
                            "2016-02-18T18:00:00-00:00"),
    "network-ip-availability": ("Network IP Availability", "Provides IP availability data for each network and "
                                "subnet.", "2015-09-24T00:00:00-00:00"),
    "auto-allocated-topology": ("Auto Allocated Topology Services", "Auto Allocated Topology Services.",
                                "2016-01-01T00:00:00-00:00"),
    "address-scope": ("Address scope", "Address scopes extension.", "2015-07-26T10:00:00-00:00"),
    "agent": ("agent", "The agent management extension.", "2013-02-03T10:00:00-00:00"),
}

#: rows for extensions not built yet (subnet pools, address scopes, IP availability, auto-allocated topology,
#: DVR/HA routers): listed once their resources exist
PENDING: Dict[str, Row] = {
    "dvr": ("Distributed Virtual Router", "Enables configuration of Distributed Virtual Routers.",
            "2014-06-1T10:00:00-00:00"),
    "l3-ha": ("HA Router extension", "Adds HA capability to routers.", "2014-04-26T00:00:00-00:00"),
    "l3-flavors": ("Router Flavor Extension", "Flavor support for routers.", "2016-05-17T00:00:00-00:00"),
    "l3-ext-ndp-proxy": ("Router support to enable NDP proxy", "Router extension to enable ndp proxy",
                         "2020-08-25T00:00:00-00:00"),
}
