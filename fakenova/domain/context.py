"""Who is asking, at which microversion, and when: the context every use case receives.

Built by the HTTP layer from the token and the negotiated version; the domain never reads headers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Tuple

from ..microversions import MIN_VERSION, Version

if TYPE_CHECKING:
    from .policy import Policies


@dataclass(frozen=True)
class Identity:
    """The authenticated caller, as a validated token describes it."""

    user_id: str
    user_name: str
    project_id: str
    project_name: str
    roles: Tuple[str, ...] = ()
    domain_id: str = "default"

    @property
    def is_admin(self) -> bool:
        """Nova's default policy: the ``admin`` role is admin everywhere."""
        return "admin" in self.roles


@dataclass(frozen=True)
class RequestContext:
    """One request's caller, version and time; ``request_id`` also names instance actions."""

    identity: Identity
    version: Version = MIN_VERSION
    now: float = 0.0
    request_id: str = ""
    #: the app's rules in force (defaults plus overrides); None: every table's defaults
    policies: Optional["Policies"] = field(default=None, compare=False, repr=False)

    @property
    def project_id(self) -> str:
        return self.identity.project_id

    @property
    def user_id(self) -> str:
        return self.identity.user_id

    @property
    def is_admin(self) -> bool:
        return self.identity.is_admin
