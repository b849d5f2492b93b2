"""``/flavors/{id}/os-flavor-access`` and the ``addTenantAccess``/``removeTenantAccess`` flavor actions.

Admins share a private flavor with projects; those projects' members then see it in lists and may boot from
it (:func:`fakenova.domain.flavors.visible`). The use cases and Nova's refusals are
:mod:`fakenova.domain.flavor_manage`; ``ACTIONS`` maps each action name to its schema and its handler.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping

from flask import Response, request

from ...domain import flavor_manage, policy
from ...domain.context import RequestContext
from ...domain.flavors import Flavor
from ...domain.ports import Store
from ...domain.quota_sets import InvalidProject, verify_project
from ...microversions import Versioned
from ...version_history import at
from ..http import action_body, context, json_response, runtime
from ..routing import Route
from ..validation import validate_body, validate_query
from .schemas.flavors import ADD_TENANT_ACCESS, REMOVE_TENANT_ACCESS, SHOW_QUERY

_REFUSES_PUBLIC = at("public-flavor-access-refused")


def _grant(store: Store, ctx: RequestContext, flavor_id: str, tenant: str) -> Flavor:
    policy.authorize(ctx, "os_compute_api:os-flavor-access:add_tenant_access")
    verify_project(store, ctx, tenant)
    return flavor_manage.add_access(store, ctx, flavor_id, tenant, refuse_public=ctx.version >= _REFUSES_PUBLIC)


def _revoke(store: Store, ctx: RequestContext, flavor_id: str, tenant: str) -> Flavor:
    policy.authorize(ctx, "os_compute_api:os-flavor-access:remove_tenant_access")
    try:
        verify_project(store, ctx, tenant)
    except InvalidProject:
        pass  # Nova removes a grant to a project Keystone no longer knows
    return flavor_manage.remove_access(store, ctx, flavor_id, tenant)


@dataclass(frozen=True)
class FlavorAction:
    """One ``POST /flavors/{id}/action`` key: its body schemas and what it does."""

    schemas: Versioned[Any]
    run: Callable[[Store, RequestContext, str, str], Flavor]


ACTIONS: Mapping[str, FlavorAction] = {
    "addTenantAccess": FlavorAction(ADD_TENANT_ACCESS, _grant),
    "removeTenantAccess": FlavorAction(REMOVE_TENANT_ACCESS, _revoke),
}


def _listing(access: List[Dict[str, str]]) -> Response:
    return json_response({"flavor_access": access})


def index(flavor_id: str) -> Response:
    """``GET /flavors/{id}/os-flavor-access``: the projects a private flavor is shared with."""
    ctx = context()
    validate_query(SHOW_QUERY, ctx.version, request.args.to_dict(flat=False))
    return _listing(flavor_manage.shared_with(runtime().store, ctx, flavor_id))


def flavor_action(flavor_id: str) -> Response:
    """``POST /flavors/{id}/action``: exactly one known action key."""
    key, action, body = action_body(ACTIONS)
    ctx = context()
    validate_body(action.schemas, ctx.version, body)
    flavor = action.run(runtime().store, ctx, flavor_id, body[key]["tenant"])
    return _listing(flavor_manage.access_list(flavor))


ROUTES = (
    Route("GET", "/flavors/<flavor_id>/os-flavor-access", index, policy="os_compute_api:os-flavor-access"),
    Route("POST", "/flavors/<flavor_id>/action", flavor_action, unguarded="per body key, in the handler"),
)
