"""What a canned response says when the scenario file only gives a status: Nova's fault name and wording."""
from __future__ import annotations

from typing import Mapping

#: Nova's ``wsgi.Fault._fault_names`` (the renderer in ``api/faults.py`` uses the same table)
FAULT_NAMES: Mapping[int, str] = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
    409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit",
    501: "notImplemented", 503: "serviceUnavailable",
}

#: the message Nova (or the WSGI stack in front of it) gives for a status when nothing more specific applies
DEFAULT_MESSAGES: Mapping[int, str] = {
    400: "Bad request",
    403: "Policy doesn't allow this operation to be performed.",
    404: "The resource could not be found.",
    409: "There was a conflict when trying to complete your request.",
    413: "Request is too large.",
    429: "This request was rate-limited.",
    500: "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova "
         "API log if possible.",
    502: "Bad Gateway",
    503: "The server is currently unavailable. Please try again at a later time.",
    504: "Gateway Timeout",
}


def fault_name(status: int) -> str:
    """The fault key Nova renders for ``status`` (``computeFault`` for anything unnamed)."""
    return FAULT_NAMES.get(status, "computeFault")


def default_message(status: int) -> str:
    """Nova's generic message for ``status``."""
    return DEFAULT_MESSAGES.get(status, "An unknown error occurred.")
