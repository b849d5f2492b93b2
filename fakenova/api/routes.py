"""Every route fakenova serves, as ordered tables per service, turned into blueprints.

Compute routes are served under ``/compute/v2.1`` and ``/compute/v2.1/<project_id>`` (Nova 2.18 made the
project id optional; fakenova accepts both at every version, as Nova does).
"""
from __future__ import annotations

from typing import List

from flask import Blueprint

from .compute import (
    actions,
    aggregates,
    consoles,
    flavors,
    hypervisors,
    images,
    instance_actions,
    keypairs,
    limits,
    os_hosts,
    quota_sets,
    server_extras,
    server_metadata,
    server_ports,
    servers,
    services,
    versions,
    volume_attachments,
    zones,
)
from .identity import tokens
from .image import images as glance
from .network import floating_ips, networks
from .routing import Route, blueprint

COMPUTE_ROUTES = (
    *servers.ROUTES,
    *actions.ROUTES,
    *consoles.ROUTES,
    *instance_actions.ROUTES,
    *server_metadata.ROUTES,
    *server_ports.ROUTES,
    *volume_attachments.ROUTES,
    *server_extras.ROUTES,
    *flavors.ROUTES,
    *keypairs.ROUTES,
    *limits.ROUTES,
    *quota_sets.ROUTES,
    *zones.ROUTES,
    *services.ROUTES,
    *hypervisors.ROUTES,
    *aggregates.ROUTES,
    *os_hosts.ROUTES,
    *images.ROUTES,
)


def blueprints() -> List[Blueprint]:
    """All blueprints of the app, compute last so its catch-all project prefix cannot shadow others."""
    compute_root = blueprint("compute_root", "/compute",
                             (Route("GET", "/", versions.root, public=True, negotiates=False),))
    v21 = blueprint("compute_v21_doc", "/compute/v2.1", versions.ROUTES)
    compute = blueprint("compute", "/compute/v2.1", COMPUTE_ROUTES, ("", "/<project_id>"),
                        checks_project=True)
    return [blueprint("identity", "/identity", tokens.ROUTES),
            blueprint("image", "/image", glance.ROUTES),
            blueprint("network", "/network", (*networks.ROUTES, *floating_ips.ROUTES)),
            compute_root, v21, compute]
