"""What a canned response says when the scenario file only gives a status: Nova's fault name and wording."""
from __future__ import annotations

from typing import Mapping

from ..domain.errors import fault_name

__all__ = ["DEFAULT_MESSAGES", "default_message", "fault_name"]

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


def default_message(status: int) -> str:
    """Nova's generic message for ``status``."""
    return DEFAULT_MESSAGES.get(status, "An unknown error occurred.")
