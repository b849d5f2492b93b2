"""What every Cinder handler shares: the policy check over Cinder's default rules, the view context, and the
URL project check Cinder makes (``Malformed request url``)."""
from __future__ import annotations

from typing import Optional

from flask import g, request

from ...domain import errors, policy
from ...views.volumes import VolumeViewContext
from ..http import base_url, context, runtime


def authorize(rule: str) -> None:
    """Cinder's 403 (``Policy doesn't allow <rule> to be performed.``) unless the caller passes ``rule`` of
    Cinder's table as the app's policies have it (defaults and overrides), on the caller's own project."""
    policy.authorize(context(), rule, service="volume")


def before_volume_request() -> None:
    """The URL's project must be the token's (Cinder: 400). The route's own rule is the central check's
    (``api/routing.py``), which answers the lookup's 404 first where the route declares Cinder's lookup."""
    ctx = getattr(g, "fakenova_ctx", None)
    url_project = (request.view_args or {}).get("project_id")
    if ctx is not None and url_project is not None and url_project != ctx.project_id:
        raise errors.BadRequest("Malformed request url")


def project_in_url() -> Optional[str]:
    return getattr(g, "fakenova_url_project", None)


def endpoint() -> str:
    """``<base>/volume/v3/<project_id>``: the project is in every link, as devstack's catalog has it."""
    return f"{base_url()}/volume/v3/{project_in_url() or context().project_id}"


def view_context() -> VolumeViewContext:
    ctx = context()
    types = {record["id"]: record for record in runtime().store.list("volume_type")}
    return VolumeViewContext(endpoint=endpoint(), version=ctx.version, is_admin=ctx.is_admin, types=types)
