"""Every route fakenova serves, as ordered tables per service, turned into blueprints.

Compute routes are served under ``/compute/v2.1`` and ``/compute/v2.1/<project_id>`` (Nova 2.18 made the
project id optional; fakenova accepts both at every version, as Nova does), and again under Nova's legacy
v2.0 endpoint ``/compute/v2`` (fixed at 2.1, no microversion headers; ``pipeline.Service.legacy_v2``).
"""
from __future__ import annotations

from typing import List

from flask import Blueprint

from .compute import (
    actions,
    aggregates,
    assisted_snapshots,
    audit_log,
    consoles,
    extensions,
    external_events,
    flavor_access,
    flavor_extra_specs,
    flavors,
    hypervisors,
    images,
    instance_actions,
    keypairs,
    limits,
    migrations,
    networks_proxy,
    os_hosts,
    quota_sets,
    security_groups,
    server_extras,
    server_groups,
    server_metadata,
    server_migrations,
    server_ports,
    servers,
    services,
    usage,
    versions,
    volume_attachments,
    volumes_proxy,
    zones,
)
from .compute import floating_ips as compute_floating_ips
from .identity import identity_blueprint
from .image import data as glance_data
from .image import discovery as glance_discovery
from .image import images as glance
from .image import members as glance_members
from .image import metadef_contents as glance_metadef_contents
from .image import metadefs as glance_metadefs
from .network import l3 as network_l3
from .network import networks
from .routing import Route, blueprint
from .volume import attachments as volume_attachments_api
from .volume import extensions as volume_extensions
from .volume import metadata as volume_metadata
from .volume import misc as volume_misc
from .volume import snapshots as volume_snapshots
from .volume import types as volume_types
from .volume import volumes as cinder_volumes
from .volume.base import before_volume_request

VOLUME_ROUTES = (*cinder_volumes.ROUTES, *volume_snapshots.ROUTES, *volume_attachments_api.ROUTES,
                 *volume_types.ROUTES, *volume_misc.ROUTES, *volume_extensions.ROUTES,
                 *volume_metadata.ROUTES)

COMPUTE_ROUTES = (
    *servers.ROUTES,
    *actions.ROUTES,
    *consoles.ROUTES,
    *instance_actions.ROUTES,
    *server_metadata.ROUTES,
    *server_ports.ROUTES,
    *volume_attachments.ROUTES,
    *volumes_proxy.ROUTES,
    *assisted_snapshots.ROUTES,
    *server_extras.ROUTES,
    *server_migrations.ROUTES,
    *migrations.ROUTES,
    *usage.ROUTES,
    *audit_log.ROUTES,
    *external_events.ROUTES,
    *flavors.ROUTES,
    *flavor_access.ROUTES,
    *flavor_extra_specs.ROUTES,
    *keypairs.ROUTES,
    *server_groups.ROUTES,
    *limits.ROUTES,
    *quota_sets.ROUTES,
    *zones.ROUTES,
    *services.ROUTES,
    *hypervisors.ROUTES,
    *aggregates.ROUTES,
    *os_hosts.ROUTES,
    *images.ROUTES,
    *extensions.ROUTES,
    *security_groups.ROUTES,
    *compute_floating_ips.ROUTES,
    *networks_proxy.ROUTES,
)


def blueprints() -> List[Blueprint]:
    """All blueprints of the app, compute last so its catch-all project prefix cannot shadow others."""
    compute_root = blueprint("compute_root", "/compute",
                             (Route("GET", "/", versions.root, public=True, negotiates=False),))
    v21 = blueprint("compute_v21_doc", "/compute/v2.1", versions.ROUTES)
    compute = blueprint("compute", "/compute/v2.1", COMPUTE_ROUTES, ("", "/<project_id>"),
                        checks_project=True)
    v2_doc = blueprint("compute_v2_doc", "/compute/v2", versions.LEGACY_V2_ROUTES)
    legacy = blueprint("compute_v2", "/compute/v2", COMPUTE_ROUTES, ("", "/<project_id>"), checks_project=True)
    volume = blueprint("volume_v3", "/volume/v3", VOLUME_ROUTES, ("", "/<project_id>"), strict_slashes=True)
    volume.before_request(before_volume_request)  # Cinder's URL project check and its default rules
    return [identity_blueprint(),
            blueprint("volume", "/volume", cinder_volumes.VERSION_ROUTES), volume,
            blueprint("image", "/image", (*glance.ROUTES, *glance_data.ROUTES, *glance_members.ROUTES,
                                          *glance_discovery.ROUTES, *glance_metadefs.ROUTES,
                                          *glance_metadef_contents.ROUTES)),
            blueprint("network", "/network", (*networks.ROUTES, *network_l3.ROUTES)),
            compute_root, v21, compute, v2_doc, legacy]
