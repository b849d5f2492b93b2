"""Neutron's ``/v2.0/address-scopes``: the machinery's routes over the address scope plugin."""
from __future__ import annotations

from dataclasses import replace

from ...domain.address_scopes import PLUGIN
from . import resource

# Neutron's URL spells the collection with a dash, its body with an underscore
ROUTES = tuple(replace(route, path=route.path.replace("address_scopes", "address-scopes"))
               for route in resource.routes(PLUGIN))
