"""Every error fakenova can answer with, declared once with its HTTP code and Nova's wording.

The HTTP layer renders these (``api/faults.py``); the domain only raises them. Messages are Nova's own
(``nova/exception.py`` and the API controllers), with ``{name}`` placeholders filled from keyword arguments.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

#: Nova's ``wsgi.Fault._fault_names``: the key of the fault body for each status; anything else is computeFault.
FAULT_NAMES: Mapping[int, str] = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
    409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit",
    501: "notImplemented", 503: "serviceUnavailable",
}


def fault_name(status: int) -> str:
    """The fault key Nova renders for ``status`` (``computeFault`` for anything unnamed)."""
    return FAULT_NAMES.get(status, "computeFault")


class FakeNovaError(Exception):
    """Base of all answerable errors: an HTTP ``code`` and a ``msg_fmt`` worded like Nova."""

    code = 500
    msg_fmt = "Unexpected API Error. Please contact the administrator"

    def __init__(self, message: Optional[str] = None, *, headers: Optional[Dict[str, str]] = None,
                 **kwargs: Any) -> None:
        self.message = message if message is not None else self.msg_fmt.format(**kwargs)
        self.headers = dict(headers or {})
        super().__init__(self.message)


class BadRequest(FakeNovaError):
    code = 400
    msg_fmt = "Bad request"


class MalformedBody(BadRequest):
    msg_fmt = "Malformed request body"


class InvalidVersionString(BadRequest):
    msg_fmt = "API Version String {version} is of invalid format. Must be of format MajorNum.MinorNum."


class Forbidden(FakeNovaError):
    code = 403
    msg_fmt = "Policy doesn't allow {rule} to be performed."


class QuotaExceeded(Forbidden):
    msg_fmt = ("Quota exceeded for {overs}: Requested {requested}, but already used {used} of {allowed} "
               "{overs}")


class NotFound(FakeNovaError):
    code = 404
    msg_fmt = "The resource could not be found."


class InstanceNotFound(NotFound):
    msg_fmt = "Instance {uuid} could not be found."


class InstanceMappingNotFound(NotFound):
    """A server unknown to the API database, for the controllers that look its cell up first."""

    msg_fmt = "Instance {uuid} has no mapping to a cell."


class FlavorNotFound(NotFound):
    msg_fmt = "Flavor {flavor_id} could not be found."


class MethodNotAllowed(FakeNovaError):
    code = 405
    msg_fmt = "The method specified is not allowed for this resource."


class VersionNotAcceptable(FakeNovaError):
    code = 406
    msg_fmt = "Version {version} is not supported by the API. Minimum is {low} and maximum is {high}."


class Conflict(FakeNovaError):
    code = 409
    msg_fmt = "There was a conflict when trying to complete your request."


class InstanceIsLocked(Conflict):
    msg_fmt = "Instance {uuid} is locked"


class InstanceInvalidState(Conflict):
    msg_fmt = "Cannot '{action}' instance {uuid} while it is in {attr} {state}"


class InstanceNotReady(Conflict):
    msg_fmt = "Instance {uuid} is not ready"


class InstanceInvalidStateFor(Conflict):
    """Nova's wording when an API catches InstanceInvalidState without its attr (changePassword on a lock)."""

    msg_fmt = "Instance {uuid} is in an invalid state for '{action}'"


class RequestTooLarge(FakeNovaError):
    code = 413
    msg_fmt = "Request is too large. Larger than max_request_body_size ({limit})."


class UnsupportedMediaType(FakeNovaError):
    code = 415
    msg_fmt = "Unsupported Content-Type"


class NotImplementedFeature(FakeNovaError):
    """What Nova answers when the virt driver does not implement an operation (libvirt's host actions)."""

    code = 501
    msg_fmt = "The requested functionality is not supported."


class ServiceUnavailable(FakeNovaError):
    """The cloud's state store does not answer (Redis down or too slow): retry shortly."""

    code = 503
    msg_fmt = "The service is temporarily unavailable; retry after {retry_after} seconds."


class Gone(FakeNovaError):
    code = 410
    msg_fmt = "This resource is no longer available."



class Unauthorized(FakeNovaError):
    """A missing, unknown or expired token: rendered in Keystone's shape, not Nova's."""

    code = 401
    msg_fmt = "The request you have made requires authentication."


class IdentityError(FakeNovaError):
    """Any error of the identity API, always rendered in Keystone's ``{"error": ...}`` shape."""

    title = "Bad Request"

    def __init__(self, message: str, *, code: int = 400, title: str = "Bad Request") -> None:
        super().__init__(message)
        self.code = code
        self.title = title
