"""Tokens: turning an ``X-Auth-Token`` into an :class:`Identity`, or Keystone's 401.

Issuing tokens (the identity API) stores records of kind ``token``; every other API validates them here.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from . import errors
from .context import Identity
from .ports import Store


def identity_from_token_record(record: Mapping[str, Any]) -> Identity:
    """The identity a stored token record describes."""
    return Identity(user_id=record["user_id"], user_name=record.get("user_name", ""),
                    project_id=record.get("project_id") or "",
                    project_name=record.get("project_name") or "",
                    roles=tuple(record.get("roles", ())), domain_id=record.get("domain_id", "default"))


def validate_token(store: Store, token: Optional[str], now: float) -> Mapping[str, Any]:
    """The stored record of a live token; raise :class:`errors.Unauthorized` when missing or expired.

    :param store: the runtime's store (tokens are kind ``token``).
    :param token: the raw header value, possibly None.
    :param now: current time from the injected clock.
    """
    if not token:
        raise errors.Unauthorized()
    record = store.get("token", token)
    if record is None or record["expires_at"] <= now:
        raise errors.Unauthorized()
    return record
