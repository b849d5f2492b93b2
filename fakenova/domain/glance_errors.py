"""Glance's errors, as its API raises webob's: the message is the ``explanation`` unless marked ``detail``.

Glance raises ``webob.exc.HTTPForbidden(explanation=msg)`` for most refusals but ``HTTPForbidden(msg)`` (the
message as webob's *detail*, under the class's default explanation) for a few; the renderer
(``api/image/faults.py``) tells them apart by :attr:`detail`. Messages are Glance's own.
"""
from __future__ import annotations

from . import errors


class Detail:
    """Mixed into an error whose message webob renders as the detail under its default explanation."""

    detail = True


class ForbiddenDetail(Detail, errors.Forbidden):
    pass


class ConflictDetail(Detail, errors.Conflict):
    pass


class UnsupportedMediaTypeDetail(Detail, errors.UnsupportedMediaType):
    pass


class RangeNotSatisfiable(errors.FakeNovaError):
    code = 416
    msg_fmt = "The Range requested is not available."


class TooLarge(errors.FakeNovaError):
    """Glance's 413 for image data over the store's capacity (``HTTPRequestEntityTooLarge``)."""

    code = 413
    msg_fmt = "Image storage media is full: There is not enough disk space on the image storage media."


def not_found(image_id: str) -> errors.NotFound:
    """The image repository's 404 for an image the caller cannot see (or that does not exist)."""
    return errors.NotFound(f"No image found with ID {image_id}")


def not_authorized(action: str) -> errors.Forbidden:
    """``exception.Forbidden``: a policy refused ``action``."""
    return errors.Forbidden(f"You are not authorized to complete {action} action.")
