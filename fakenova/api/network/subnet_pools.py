"""Neutron's ``/v2.0/subnetpools``: the machinery's routes over the subnet pool plugin."""
from __future__ import annotations

from ...domain.subnet_pool_resources import PLUGIN
from . import resource

ROUTES = resource.routes(PLUGIN)
