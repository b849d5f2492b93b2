"""``GET /limits``: the project's quotas and usage as Nova's absolute limits (nova-facts i).

``ABSOLUTE_FIELDS`` is the whole story of the key set: network-related keys end at 2.35, ``maxImageMeta`` at
2.38 and the personality keys at 2.56. Limits come from :func:`~fakenova.domain.quotas.quotas_for` and usage
is counted live by :func:`~fakenova.domain.quotas.usage`; ``rate`` is always empty, as in Nova.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Mapping

from flask import Response, request

from ...domain import policy
from ...domain.ports import Store
from ...domain.quotas import quotas_for, settle, usage
from ...views.fields import Field, FieldTable, ViewContext, render
from .. import schema_types as t
from ..http import context, json_response, runtime
from ..routing import Route
from ..schema_types import Edit
from ..validation import validate_query
from .servers import view_context

Figures = Mapping[str, Mapping[str, int]]
Source = Callable[[Figures, ViewContext], int]

#: ``tenant_id`` (admin only); unknown parameters are refused from 2.75.
INDEX_QUERY = t.evolve("limits-index-query", t.object_of({"tenant_id": t.QUERY_STRING}, additional=True), [
    ("2.75", [Edit(keywords={"additionalProperties": False})]),
])

OTHER_PROJECT_RULE = "os_compute_api:limits:other_project"


def _limit(resource: str) -> Source:
    return lambda figures, ctx: figures["limits"][resource]


def _used(resource: str) -> Source:
    return lambda figures, ctx: figures["used"][resource]


def _fixed(value: int) -> Source:
    # Security groups and floating IPs belong to Neutron: unlimited, nothing counted here.
    return lambda figures, ctx: value


#: The ``absolute`` object, in the order of Nova's api sample.
ABSOLUTE_FIELDS = FieldTable("limits-absolute", [
    Field("maxImageMeta", _limit("metadata_items"), until="2.38"),
    Field("maxPersonality", _limit("injected_files"), until="2.56"),
    Field("maxPersonalitySize", _limit("injected_file_content_bytes"), until="2.56"),
    Field("maxSecurityGroupRules", _fixed(-1), until="2.35"),
    Field("maxSecurityGroups", _fixed(-1), until="2.35"),
    Field("maxServerMeta", _limit("metadata_items")),
    Field("maxTotalCores", _limit("cores")),
    Field("maxTotalFloatingIps", _fixed(-1), until="2.35"),
    Field("maxTotalInstances", _limit("instances")),
    Field("maxTotalKeypairs", _limit("key_pairs")),
    Field("maxTotalRAMSize", _limit("ram")),
    Field("maxServerGroups", _limit("server_groups")),
    Field("maxServerGroupMembers", _limit("server_group_members")),
    Field("totalCoresUsed", _used("cores")),
    Field("totalInstancesUsed", _used("instances")),
    Field("totalRAMUsed", _used("ram")),
    Field("totalSecurityGroupsUsed", _fixed(0), until="2.35"),
    Field("totalFloatingIpsUsed", _fixed(0), until="2.35"),
    Field("totalServerGroupsUsed", _used("server_groups")),
])


def figures_for(store: Store, project_id: str) -> Dict[str, Dict[str, int]]:
    """The project's limits and usage, the same figures ``/os-quota-sets/{id}/detail`` shows."""
    return {"limits": quotas_for(store, project_id), "used": usage(store, project_id)}


def index() -> Response:
    """``GET /limits[?tenant_id=<project>]``."""
    ctx = context()
    args: Dict[str, List[str]] = validate_query(INDEX_QUERY, ctx.version, request.args.to_dict(flat=False))
    project_id = ctx.project_id
    if "tenant_id" in args:
        project_id = args["tenant_id"][-1]
        policy.authorize(ctx, OTHER_PROJECT_RULE, {"project_id": project_id, "user_id": ctx.user_id})
    settle(runtime(), project_id, ctx.now)
    absolute = render(ABSOLUTE_FIELDS, figures_for(runtime().store, project_id), view_context())
    return json_response({"limits": {"rate": [], "absolute": absolute}})


ROUTES = (
    Route("GET", "/limits", index, policy="os_compute_api:limits"),
)
