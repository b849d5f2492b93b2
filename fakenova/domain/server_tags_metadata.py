"""Server metadata and server tags: Nova's read and write use cases for ``/metadata`` and ``/tags``.

Metadata writes are lock- and state-checked and count against the ``metadata_items`` quota (403). Tags find
the server as Nova's tags controller does, through the cell mapping first: an unknown server is
``has no mapping to a cell``, another project's server is a policy 403 (the mapping is not project
filtered), and only a deleted one is ``could not be found``.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from . import compute, errors, policy, quotas
from .context import RequestContext
from .lifecycle import engine as lifecycle
from .lifecycle.table import Action
from .models import Server, evolve
from .ports import Runtime

#: Nova's per-server tag limit (``objects.instance.MAX_TAG_COUNT``)
MAX_TAGS = 50
_TAG_POLICY = "os_compute_api:os-server-tags:{}"


class MetadataItemNotFound(errors.NotFound):
    msg_fmt = "Metadata item was not found"


# --- metadata ---------------------------------------------------------------------------------------


def get_metadata(runtime: Runtime, ctx: RequestContext, server_id: str) -> Dict[str, str]:
    """``GET /servers/{id}/metadata``."""
    return dict(compute.observe(runtime, ctx, server_id, observed=False).metadata)


def get_item(runtime: Runtime, ctx: RequestContext, server_id: str, key: str) -> str:
    """``GET /servers/{id}/metadata/{key}``; 404 ``Metadata item was not found``."""
    metadata = get_metadata(runtime, ctx, server_id)
    if key not in metadata:
        raise MetadataItemNotFound()
    return metadata[key]


def set_metadata(runtime: Runtime, ctx: RequestContext, server_id: str, items: Mapping[str, str], *,
                 replace_all: bool) -> Dict[str, str]:
    """``POST`` (merge), ``PUT`` (replace) and ``PUT .../{key}``: the resulting metadata.

    The quota counts the metadata the server would end with, as Nova's ``_check_metadata_properties_quota``.
    """
    def change(server: Server) -> Server:
        lifecycle.guard(server, Action.UPDATE_METADATA, is_admin=ctx.is_admin)
        metadata = dict(items) if replace_all else {**server.metadata, **items}
        # Nova checks the caller's quota (context project and user), not the server owner's
        quotas.check_metadata_items(runtime.store, ctx.project_id, ctx.user_id, len(metadata))
        return evolve(server, metadata=metadata, updated_at=ctx.now)

    return dict(compute.edit(runtime, ctx, server_id, change).metadata)


def delete_item(runtime: Runtime, ctx: RequestContext, server_id: str, key: str) -> None:
    """``DELETE /servers/{id}/metadata/{key}``: 404 for a missing key comes before the lock and state."""
    def change(server: Server) -> Server:
        if key not in server.metadata:
            raise MetadataItemNotFound()
        lifecycle.guard(server, Action.DELETE_METADATA, is_admin=ctx.is_admin)
        return evolve(server, metadata={k: v for k, v in server.metadata.items() if k != key},
                       updated_at=ctx.now)

    compute.edit(runtime, ctx, server_id, change)


# --- tags -------------------------------------------------------------------------------------------


def _mapped(runtime: Runtime, ctx: RequestContext, server_id: str, action: str) -> Server:
    """The server as the tags controller finds it: mapping (404), policy (403), then the row (404)."""
    server: Optional[Server] = runtime.store.get("server", server_id)
    if server is None:
        raise errors.InstanceMappingNotFound(uuid=server_id)
    policy.authorize(ctx, _TAG_POLICY.format(action), policy.server_target(server))
    return compute.observe(runtime, ctx, server_id, observed=False)  # settled; a deleted one is a 404


def list_tags(runtime: Runtime, ctx: RequestContext, server_id: str) -> Tuple[str, ...]:
    """``GET /servers/{id}/tags``."""
    return _mapped(runtime, ctx, server_id, "index").tags


def has_tag(runtime: Runtime, ctx: RequestContext, server_id: str, tag: str) -> None:
    """``GET /servers/{id}/tags/{tag}``: returns when present, else 404 ``Server <id> has no tag``."""
    if tag not in _mapped(runtime, ctx, server_id, "show").tags:
        raise errors.NotFound(f"Server {server_id} has no tag '{tag}'")


def _write_tags(runtime: Runtime, ctx: RequestContext, server_id: str, action: str, guard: Action,
                change: Any) -> Server:
    _mapped(runtime, ctx, server_id, action)

    def apply(server: Server) -> Server:
        lifecycle.guard(server, guard, is_admin=ctx.is_admin)
        tags = change(server.tags)
        return server if tags == server.tags else evolve(server, tags=tags, updated_at=ctx.now)

    return compute.edit(runtime, ctx, server_id, apply)


def replace_tags(runtime: Runtime, ctx: RequestContext, server_id: str, tags: Any) -> Tuple[str, ...]:
    """``PUT /servers/{id}/tags``: the new list, duplicates dropped (Nova stores a set)."""
    wanted = tuple(dict.fromkeys(tags))
    return _write_tags(runtime, ctx, server_id, "update_all", Action.UPDATE_TAGS, lambda _old: wanted).tags


def add_tag(runtime: Runtime, ctx: RequestContext, server_id: str, tag: str, invalid: Optional[str]) -> bool:
    """``PUT /servers/{id}/tags/{tag}``: True when added (201), False when already there (204).

    :param invalid: the jsonschema message when the URL's tag breaks the tag rules (checked after the
        state, as in Nova), else None.
    """
    added = []

    def change(tags: Tuple[str, ...]) -> Tuple[str, ...]:
        if invalid is not None:
            raise errors.BadRequest(f"Tag '{tag}' is invalid. It must be a non empty string without "
                                    f"characters '/' and ','. Validation error message: {invalid}")
        if len(tags) >= MAX_TAGS:  # before the presence check: a full server refuses even a known tag
            raise errors.BadRequest(f"The number of tags exceeded the per-server limit {MAX_TAGS}")
        if tag in tags:
            return tags
        added.append(tag)
        return (*tags, tag)

    _write_tags(runtime, ctx, server_id, "update", Action.UPDATE_TAG, change)
    return bool(added)


def delete_tag(runtime: Runtime, ctx: RequestContext, server_id: str, tag: str) -> None:
    """``DELETE /servers/{id}/tags/{tag}``; 404 ``Instance <id> has no tag '<tag>'``."""
    def change(tags: Tuple[str, ...]) -> Tuple[str, ...]:
        if tag not in tags:
            raise errors.NotFound(f"Instance {server_id} has no tag '{tag}'")
        return tuple(t for t in tags if t != tag)

    _write_tags(runtime, ctx, server_id, "delete", Action.DELETE_TAG, change)


def delete_tags(runtime: Runtime, ctx: RequestContext, server_id: str) -> None:
    """``DELETE /servers/{id}/tags``."""
    _write_tags(runtime, ctx, server_id, "delete_all", Action.DELETE_TAGS, lambda _old: ())
