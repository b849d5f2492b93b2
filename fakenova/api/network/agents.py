"""Neutron's ``/v2.0/agents`` (the ``agent`` extension): list, show, update and delete through the generic
resource routes, and a create that Neutron's agent plugin always refuses
(:mod:`fakenova.domain.network_agents`)."""
from __future__ import annotations

from flask import Response

from ...domain import neutron_policy as policy
from ...domain.network_agents import AGENT, PLUGIN
from ...domain.neutron_resource import items_of
from ..http import context
from ..routing import Route
from . import resource


def create_agent() -> Response:
    """Neutron reads the body, checks ``create_agent`` (admin), then its plugin refuses."""
    items_of(AGENT, resource._body())
    policy.enforce(context(), AGENT.rule("create"), {})
    PLUGIN.refuse_create()


ROUTES = tuple(Route("POST", route.path, create_agent, policy=AGENT.rule("create"))
               if route.method == "POST" else route for route in resource.routes(PLUGIN))
