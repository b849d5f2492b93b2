"""Neutron's ``/v2.0/security-groups`` and ``/v2.0/security-group-rules``: the machinery's routes over the
security group plugins (``fakenova.domain.security_group_resources``)."""
from __future__ import annotations

from dataclasses import replace

from ...domain.security_group_resources import GROUP_PLUGIN, RULE_PLUGIN
from . import resource


def _dashed(routes: tuple, plural: str) -> tuple:
    # Neutron's URLs spell these collections with dashes, their bodies with underscores
    return tuple(replace(route, path=route.path.replace(plural, plural.replace("_", "-"))) for route in routes)


ROUTES = (*_dashed(resource.routes(GROUP_PLUGIN), "security_groups"),
          *_dashed(resource.routes(RULE_PLUGIN), "security_group_rules"))
