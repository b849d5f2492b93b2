"""What Nova's server controllers load before their policy check, as ``Route.looks_up`` values.

Most ``/servers/{id}/...`` controllers call ``common.get_instance`` (scoped to the caller's project) before
``context.can``: a caller the rule refuses still gets ``Instance <id> could not be found.`` for a server that
is missing or another project's: :data:`BY_PARAMETER` makes that every ``<server_id>`` route's lookup. The tags
and shares controllers look up the instance mapping instead (any project), so only a missing server is a 404
there and another project's is the policy's 403: their routes name :func:`mapping`.
"""
from __future__ import annotations

from typing import Mapping, Optional

from ...domain import compute, errors
from ...domain.context import RequestContext
from ..http import runtime
from ..routing import Lookup


def instance(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """``common.get_instance``: the 404 for a server the caller may not see, else None."""
    try:
        compute.callers_server(runtime().store.get("server", args["server_id"]), ctx, args["server_id"])
    except errors.NotFound as missing:
        return missing
    return None


def mapping(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """``InstanceMapping.get_by_instance_uuid``: the 404 for a server unknown in any project, else None."""
    if runtime().store.get("server", args["server_id"]) is None:
        return errors.InstanceMappingNotFound(uuid=args["server_id"])
    return None


#: the lookup of a route whose path names a server and whose row names none
BY_PARAMETER: Mapping[str, Lookup] = {"server_id": instance}
