"""Every route fakenova serves, as ordered tables per service, turned into blueprints.

Compute routes are served under ``/compute/v2.1`` and ``/compute/v2.1/<project_id>`` (Nova 2.18 made the
project id optional; fakenova accepts both at every version, as Nova does), and again under Nova's legacy
v2.0 endpoint ``/compute/v2`` (fixed at 2.1, no microversion headers; ``pipeline.Service.legacy_v2``).
"""
from __future__ import annotations

from typing import List, Tuple

from flask import Blueprint

from . import identity
from .compute import versions
from .identity import identity_blueprint
from .lazy_routes import rows, table
from .routing import Route, blueprint

#: each blueprint's route tables, in order, named ``module:attribute`` so that a table's module is imported
#: by the first request to one of its routes (fakenova/api/lazy_routes.py), not by ``create_app()``
COMPUTE_SOURCES = (
    "fakenova.api.compute.servers:ROUTES",
    "fakenova.api.compute.actions:ROUTES",
    "fakenova.api.compute.consoles:ROUTES",
    "fakenova.api.compute.instance_actions:ROUTES",
    "fakenova.api.compute.server_metadata:ROUTES",
    "fakenova.api.compute.server_ports:ROUTES",
    "fakenova.api.compute.volume_attachments:ROUTES",
    "fakenova.api.compute.volumes_proxy:ROUTES",
    "fakenova.api.compute.assisted_snapshots:ROUTES",
    "fakenova.api.compute.server_extras:ROUTES",
    "fakenova.api.compute.server_migrations:ROUTES",
    "fakenova.api.compute.migrations:ROUTES",
    "fakenova.api.compute.usage:ROUTES",
    "fakenova.api.compute.audit_log:ROUTES",
    "fakenova.api.compute.external_events:ROUTES",
    "fakenova.api.compute.flavors:ROUTES",
    "fakenova.api.compute.flavor_access:ROUTES",
    "fakenova.api.compute.flavor_extra_specs:ROUTES",
    "fakenova.api.compute.keypairs:ROUTES",
    "fakenova.api.compute.server_groups:ROUTES",
    "fakenova.api.compute.limits:ROUTES",
    "fakenova.api.compute.quota_sets:ROUTES",
    "fakenova.api.compute.zones:ROUTES",
    "fakenova.api.compute.services:ROUTES",
    "fakenova.api.compute.hypervisors:ROUTES",
    "fakenova.api.compute.aggregates:ROUTES",
    "fakenova.api.compute.os_hosts:ROUTES",
    "fakenova.api.compute.images:ROUTES",
    "fakenova.api.compute.extensions:ROUTES",
    "fakenova.api.compute.security_groups:ROUTES",
    "fakenova.api.compute.floating_ips:ROUTES",
    "fakenova.api.compute.networks_proxy:ROUTES",
)
VOLUME_SOURCES = (
    "fakenova.api.volume.volumes:ROUTES",
    "fakenova.api.volume.snapshots:ROUTES",
    "fakenova.api.volume.attachments:ROUTES",
    "fakenova.api.volume.types:ROUTES",
    "fakenova.api.volume.misc:ROUTES",
    "fakenova.api.volume.extensions:ROUTES",
    "fakenova.api.volume.metadata:ROUTES",
)
VOLUME_VERSION_SOURCES = ("fakenova.api.volume.volumes:VERSION_ROUTES",)
IMAGE_SOURCES = (
    "fakenova.api.image.images:ROUTES",
    "fakenova.api.image.data:ROUTES",
    "fakenova.api.image.members:ROUTES",
    "fakenova.api.image.discovery:ROUTES",
    "fakenova.api.image.metadefs:ROUTES",
    "fakenova.api.image.metadef_contents:ROUTES",
)
NETWORK_SOURCES = ("fakenova.api.network.networks:ROUTES", "fakenova.api.network.l3:ROUTES")
#: what each service loads before its policy check, by the path parameter naming it (``blueprint(lookups=...)``)
COMPUTE_LOOKUPS = "fakenova.api.compute.lookups:BY_PARAMETER"
VOLUME_LOOKUPS = "fakenova.api.volume.lookups:BY_PARAMETER"
IMAGE_LOOKUPS = "fakenova.api.image.lookups:BY_PARAMETER"
#: every table whose rows the generated index holds (scripts/route_index.py)
ALL_SOURCES = (*identity.SOURCES, *VOLUME_VERSION_SOURCES, *VOLUME_SOURCES, *IMAGE_SOURCES, *NETWORK_SOURCES,
               *COMPUTE_SOURCES)
#: the tables by the names tests and tools import (``from fakenova.api.routes import COMPUTE_ROUTES``)
_TABLES = {"COMPUTE_ROUTES": COMPUTE_SOURCES, "VOLUME_ROUTES": VOLUME_SOURCES}


def __getattr__(name: str) -> Tuple[Route, ...]:
    """``COMPUTE_ROUTES`` and ``VOLUME_ROUTES``: every route of those tables (their modules imported)."""
    if name not in _TABLES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return tuple(route for source in _TABLES[name] for route in table(source))


def _before_volume_request() -> None:
    from .volume.base import before_volume_request  # with the volume handlers, not at start-up
    before_volume_request()


def blueprints() -> List[Blueprint]:
    """All blueprints of the app, compute last so its catch-all project prefix cannot shadow others."""
    compute_root = blueprint("compute_root", "/compute",
                             (Route("GET", "/", versions.root, public=True, negotiates=False),))
    v21 = blueprint("compute_v21_doc", "/compute/v2.1", versions.ROUTES)
    compute_routes = rows(COMPUTE_SOURCES)
    compute = blueprint("compute", "/compute/v2.1", compute_routes, ("", "/<project_id>"), checks_project=True,
                        lookups=COMPUTE_LOOKUPS)
    v2_doc = blueprint("compute_v2_doc", "/compute/v2", versions.LEGACY_V2_ROUTES)
    legacy = blueprint("compute_v2", "/compute/v2", compute_routes, ("", "/<project_id>"), checks_project=True,
                       lookups=COMPUTE_LOOKUPS)
    volume = blueprint("volume_v3", "/volume/v3", rows(VOLUME_SOURCES), ("", "/<project_id>"), strict_slashes=True,
                       lookups=VOLUME_LOOKUPS)
    volume.before_request(_before_volume_request)  # Cinder's URL project check and its default rules
    return [identity_blueprint(),
            blueprint("volume", "/volume", rows(VOLUME_VERSION_SOURCES)), volume,
            blueprint("image", "/image", rows(IMAGE_SOURCES), lookups=IMAGE_LOOKUPS),
            blueprint("network", "/network", rows(NETWORK_SOURCES)),
            compute_root, v21, compute, v2_doc, legacy]
