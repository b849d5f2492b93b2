"""What Glance loads before its policy check, as ``Route.looks_up`` values.

Glance's controllers get the image from the repository first (another project's private image is
``No image found with ID <id>``), and its policy layer turns a refusal into a 404 for an image the caller cannot
see: so a caller a rule refuses is told the image does not exist unless they can see it (:data:`BY_PARAMETER`
makes that every ``<image_id>`` and ``<namespace>`` route's lookup). The members controller words its 404 itself
(``Image <id> not found.``), and the objects controller its namespace's: their routes name their own.
"""
from __future__ import annotations

from typing import Mapping, Optional

from ...domain import errors, metadefs
from ...domain.context import RequestContext
from ...domain.glance_errors import not_found
from ...domain.images import can_see
from ...domain.metadef_contents import Kind
from ..http import runtime
from ..routing import Lookup


def _unseen(image_id: str, ctx: RequestContext) -> bool:
    image = runtime().store.get("image", image_id)
    return image is None or not can_see(image, ctx)


def image(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """The image repository's 404 for an image the caller cannot see, else None."""
    return not_found(args["image_id"]) if _unseen(args["image_id"], ctx) else None


def member_image(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """The members controller's 404 for an image the caller cannot see, else None."""
    return errors.NotFound(f"Image {args['image_id']} not found.") if _unseen(args["image_id"], ctx) else None


def _namespace(args: Mapping[str, str], ctx: RequestContext, plain_missing: bool) -> Optional[errors.FakeNovaError]:
    try:
        metadefs.find(runtime().store, ctx, args["namespace"], plain_missing=plain_missing)
    except errors.NotFound as missing:
        return missing
    return None


def namespace(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """The metadef controllers' 404 (``Namespace <name> not found``) for a namespace the caller cannot see or
    that does not exist: they get the namespace from its repository before ``MetadefAPIPolicy`` checks a rule."""
    return _namespace(args, ctx, plain_missing=True)


def objects_namespace(args: Mapping[str, str], ctx: RequestContext) -> Optional[errors.FakeNovaError]:
    """As :func:`namespace`, with the repository's wording for one that does not exist (the objects
    controller passes ``MetadefNamespaceNotFound`` through)."""
    return _namespace(args, ctx, plain_missing=False)


def kind_namespace(kind: Kind) -> Lookup:
    """The lookup of a metadef kind's routes: :func:`objects_namespace` where the kind's controller passes the
    repository's wording through (``Kind.plain_missing``), else :func:`namespace`."""
    return namespace if kind.plain_missing else objects_namespace


#: the lookup of a route whose path names an image or a metadef namespace and whose row names none
BY_PARAMETER: Mapping[str, Lookup] = {"image_id": image, "namespace": namespace}
