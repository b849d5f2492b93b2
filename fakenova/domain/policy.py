"""Nova's default policy levels (new defaults, project scope) as a closed vocabulary, and the one check.

Rules are named as Nova names them, so a refusal reads ``Policy doesn't allow <rule> to be performed.``
"""
from __future__ import annotations

import enum
from typing import FrozenSet, Mapping

from . import errors
from .context import RequestContext


class Policy(enum.Enum):
    """Who may perform an operation on a server of their project (admins may act on any project's)."""

    READER = "reader"
    MEMBER = "member"
    MANAGER = "manager"
    ADMIN = "admin"
    #: Nova's ``service_or_admin``: the service role (other OpenStack services' users) or an admin
    SERVICE = "service"


#: the roles that pass each level (keystone's implied roles: admin > manager > member > reader)
ROLES: Mapping[Policy, FrozenSet[str]] = {
    Policy.READER: frozenset({"reader", "member", "manager", "admin"}),
    Policy.MEMBER: frozenset({"member", "manager", "admin"}),
    Policy.MANAGER: frozenset({"manager", "admin"}),
    Policy.ADMIN: frozenset({"admin"}),
    Policy.SERVICE: frozenset({"service", "admin"}),
}


def allows(ctx: RequestContext, policy: Policy) -> bool:
    """Whether the caller's roles pass ``policy``."""
    return ctx.is_admin or bool(ROLES[policy] & set(ctx.identity.roles))


def enforce(ctx: RequestContext, policy: Policy, rule: str) -> None:
    """Raise Nova's 403 for ``rule`` unless the caller passes ``policy``.

    :param rule: Nova's rule name, e.g. ``os_compute_api:os-pause-server:pause``.
    """
    if not allows(ctx, policy):
        raise errors.Forbidden(rule=rule)
