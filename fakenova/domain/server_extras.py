"""The small read-mostly sub-resources of a server: password and diagnostics.

The password is what a guest would post to the metadata service (kind ``server_password``, keyed by server
id; nothing sets it but the control plane). A server's migrations are ``server_migrations.py``'s.
"""
from __future__ import annotations

from . import compute, errors
from .context import RequestContext
from .models import Server
from .ports import Runtime

PASSWORD_KIND = "server_password"


# --- password -----------------------------------------------------------------------------------------


def get_password(runtime: Runtime, ctx: RequestContext, server_id: str) -> str:
    """``GET /servers/{id}/os-server-password``: the stored (encrypted) password, or ``""``."""
    compute.observe(runtime, ctx, server_id, observed=False)
    return runtime.store.get(PASSWORD_KIND, server_id) or ""


def clear_password(runtime: Runtime, ctx: RequestContext, server_id: str) -> None:
    """``DELETE /servers/{id}/os-server-password`` (the guest's password itself is unchanged)."""
    compute.observe(runtime, ctx, server_id, observed=False)
    runtime.store.delete(PASSWORD_KIND, server_id)


# --- diagnostics --------------------------------------------------------------------------------------


def diagnostics_of(runtime: Runtime, ctx: RequestContext, server_id: str) -> Server:
    """The server whose diagnostics to show: admin only, and it must be on a host (409 otherwise)."""
    server = compute.observe(runtime, ctx, server_id, observed=False)
    if not server.host:
        raise errors.InstanceNotReady(uuid=server_id)
    return server
