"""Every route fakenova serves, as ordered tables per service, turned into blueprints.

Compute routes are served under ``/compute/v2.1`` and ``/compute/v2.1/<project_id>`` (Nova 2.18 made the
project id optional; fakenova accepts both at every version, as Nova does).
"""
from __future__ import annotations

from typing import List

from flask import Blueprint

from . import flavors, identity, images, keypairs, limits, neutron, neutron_floating, servers, versions, zones
from . import quota_sets
from . import actions, consoles, instance_actions
from . import server_extras, server_metadata, server_ports, volume_attachments
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
    *images.COMPUTE_ROUTES,
)


def blueprints() -> List[Blueprint]:
    """All blueprints of the app, compute last so its catch-all project prefix cannot shadow others."""
    compute_root = blueprint("compute_root", "/compute", (Route("GET", "/", versions.root, public=True, negotiates=False),))
    v21 = blueprint("compute_v21_doc", "/compute/v2.1", versions.ROUTES)
    compute = blueprint("compute", "/compute/v2.1", COMPUTE_ROUTES, ("", "/<project_id>"),
                        checks_project=True)
    return [blueprint("identity", "/identity", identity.ROUTES),
            blueprint("image", "/image", images.GLANCE_ROUTES),
            blueprint("network", "/network", (*neutron.ROUTES, *neutron_floating.ROUTES)),
            compute_root, v21, compute]
