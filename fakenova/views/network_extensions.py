"""The Neutron extensions fakenova implements, as ``GET /v2.0/extensions`` lists them: alias -> name,
description and updated time, worded as neutron-lib's API definitions and neutron's extension descriptors.

Only what is implemented is listed (clients such as openstacksdk and tempest decide what to use from it).
A module implementing another extension adds its rows with :func:`register`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

Row = Tuple[str, str, str]  # name, description, updated

EXTENSIONS: Dict[str, Row] = {
    "allowed-address-pairs": ("Allowed Address Pairs", "Provides allowed address pairs", "2013-07-23T10:00:00-00:00"),
    "binding": ("Port Binding", "Expose port bindings of a virtual port to external application",
                "2014-02-03T10:00:00-00:00"),
    "dns-integration": ("DNS Integration", "Provides integration with DNS.", "2015-08-15T18:00:00-00:00"),
    "empty-string-filtering": ("Empty String Filtering Extension",
                               "Allow filtering by attributes with empty string value", "2018-05-01T10:00:00-00:00"),
    "external-net": ("Neutron external network", "Adds external network attribute to network resource.",
                     "2013-01-14T10:00:00-00:00"),
    "filter-validation": ("Filter parameters validation", "Provides validation on filter parameters.",
                          "2018-07-04T10:00:00-00:00"),
    "ip-substring-filtering": ("IP address substring filtering",
                               "Provides IP address substring filtering when listing ports",
                               "2017-11-28T09:00:00-00:00"),
    "net-mtu": ("Network MTU", "Provides MTU attribute for a network resource.", "2015-03-25T10:00:00-00:00"),
    "net-mtu-writable": ("Network MTU (writable)", "Provides a writable MTU attribute for a network resource.",
                         "2017-07-12T00:00:00-00:00"),
    "pagination": ("Pagination support", "Extension that indicates that pagination is enabled.",
                   "2016-06-12T00:00:00-00:00"),
    "port-security": ("Port Security", "Provides port security", "2012-07-23T10:00:00-00:00"),
    "project-id": ("project_id field enabled", "Extension that indicates that project_id field is enabled.",
                   "2016-09-09T09:09:09-09:09"),
    "provider": ("Provider Network", "Expose mapping of virtual networks to physical networks",
                 "2012-09-07T10:00:00-00:00"),
    "sorting": ("Sorting support", "Extension that indicates that sorting is enabled.", "2016-06-12T00:00:00-00:00"),
    "standard-attr-description": ("standard-attr-description",
                                  "Extension to add descriptions to standard attributes", "2016-02-10T10:00:00-00:00"),
    "standard-attr-revisions": ("Resource revision numbers",
                                "This extension will display the revision number of neutron resources.",
                                "2016-04-11T10:00:00-00:00"),
    "standard-attr-tag": ("Tag support for resources with standard attribute: network, subnet, port",
                          "Enables to set tag on resources with standard attribute.", "2017-01-01T00:00:00-00:00"),
    "standard-attr-timestamp": ("Resource timestamps", "Adds created_at and updated_at fields to all Neutron "
                                "resources that have Neutron standard attributes.", "2016-09-12T10:00:00-00:00"),
    "subnet-external-network": ("Subnet belongs to an external network",
                                "Informs if the subnet belongs to an external network", "2024-02-05T18:00:00-00:00"),
}


def register(rows: Mapping[str, Row]) -> None:
    """Add the extensions another module implements (routers, security groups ...)."""
    EXTENSIONS.update(rows)


def extension_body(alias: str) -> Optional[Dict[str, Any]]:
    row = EXTENSIONS.get(alias)
    if row is None:
        return None
    name, description, updated = row
    return {"alias": alias, "name": name, "description": description, "updated": updated, "links": []}


def extensions() -> List[Dict[str, Any]]:
    return [body for body in (extension_body(alias) for alias in sorted(EXTENSIONS)) if body is not None]
