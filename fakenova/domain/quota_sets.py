"""Quota management, as Nova's os-quota-sets and os-quota-class-sets controllers do it, sans-IO.

Reading a quota set (with usage for ``detail``), the range each limit may be set to (Nova's
``get_settable_quotas``), updating limits with Nova's checks and messages, dropping them, and updating a
quota class. Who may do what is the HTTP layer's business; the layering of limits is :mod:`.quotas`.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from . import errors, quotas
from .context import RequestContext
from .ports import Store

#: Nova shows no usage for these in a detailed quota set, although it enforces them (per user, per group).
_UNCOUNTED_IN_DETAIL = frozenset({"key_pairs", "server_group_members"})
UNLIMITED = -1


class InvalidProject(errors.BadRequest):
    msg_fmt = "Project ID {project_id} is not a valid project."


class LimitBelowUsage(errors.BadRequest):
    msg_fmt = ("Quota limit {limit} for {resource} must be greater than or equal to already used and "
               "reserved {minimum}.")


class LimitAboveMaximum(errors.BadRequest):
    msg_fmt = "Quota limit {limit} for {resource} must be less than or equal to {maximum}."


class InvalidClassName(errors.BadRequest):
    msg_fmt = "Invalid input received: quota_class_name has more than 255 characters."


def verify_project(store: Store, ctx: RequestContext, project_id: str) -> None:
    """Nova asks Keystone, with the caller's token, whether the project exists.

    Keystone answers 404 only to someone allowed to see any project (an admin); for anyone else it answers
    403 about other projects, which Nova takes as "fine". So only admins get the 400.
    """
    if ctx.is_admin and store.get("project", project_id) is None:
        raise InvalidProject(project_id=project_id)


def detail(store: Store, project_id: str, user_id: Optional[str] = None) -> Dict[str, Dict[str, int]]:
    """``{resource: {"in_use", "limit", "reserved"}}``; reservations no longer exist, so reserved is 0."""
    limits = quotas.quotas_for(store, project_id, user_id)
    used = quotas.usage(store, project_id, user_id)
    return {name: {"in_use": 0 if name in _UNCOUNTED_IN_DETAIL else used.get(name, 0), "limit": limit,
                   "reserved": 0}
            for name, limit in limits.items()}


def _unlimited(value: int) -> bool:
    return value <= UNLIMITED  # Nova's _is_unlimited_value: any negative total counts as unlimited


def _add(first: int, second: int) -> int:
    return UNLIMITED if _unlimited(first) or _unlimited(second) else first + second


def _subtract(first: int, second: int) -> int:
    return UNLIMITED if _unlimited(first) or _unlimited(second) else first - second


def settable(store: Store, project_id: str, user_id: Optional[str] = None) -> Dict[str, Dict[str, int]]:
    """``{resource: {"minimum", "maximum"}}`` an update may set (Nova's ``get_settable_quotas``).

    A project's limit must cover its usage and the limits already handed out to its users; a user's limit
    must cover the user's usage and fit in what the project has not handed out to other users.
    """
    limits = quotas.quotas_for(store, project_id)
    remains = dict(limits)
    for record in quotas.users_with_limits(store, project_id):
        for name, value in record["limits"].items():
            remains[name] -= value  # raw, as Nova: a user's -1 gives the project one more
    ranges = {}
    if user_id:
        own = quotas.own_user_limits(store, project_id, user_id)
        for name, row in detail(store, project_id, user_id).items():
            ranges[name] = {"minimum": row["in_use"], "maximum": _add(remains[name], own.get(name, 0))}
        return ranges
    for name, row in detail(store, project_id).items():
        ranges[name] = {"minimum": max(_subtract(limits[name], remains[name]), row["in_use"]),
                        "maximum": UNLIMITED}
    return ranges


def _as_number(value: int) -> float:
    return float("inf") if value == UNLIMITED else value


def _check_range(resource: str, limit: int, bounds: Mapping[str, int]) -> None:
    if _as_number(limit) < _as_number(bounds["minimum"]):
        raise LimitBelowUsage(limit=limit, resource=resource, minimum=bounds["minimum"])
    if _as_number(limit) > _as_number(bounds["maximum"]):
        raise LimitAboveMaximum(limit=limit, resource=resource, maximum=bounds["maximum"])


def update(store: Store, project_id: str, values: Mapping[str, Any], *, user_id: Optional[str] = None,
           force: bool = False) -> None:
    """Set a project's (or a user's) limits from a schema-valid ``quota_set`` without ``force``.

    Every value is checked (in the body's order) before any is written, so a 400 changes nothing; with
    ``force`` a limit may go below usage. Runs under the store's lock, so a create cannot slip in between.
    """
    with store.atomically():
        bounds = settable(store, project_id, user_id)
        wanted = {name: int(value) for name, value in values.items()}
        if not force:
            for name, limit in wanted.items():
                _check_range(name, limit, bounds[name])
        _write(store, project_id, user_id, wanted)


def _write(store: Store, project_id: str, user_id: Optional[str], wanted: Mapping[str, int]) -> None:
    if not user_id:
        store.put(quotas.PROJECT, project_id, {**(store.get(quotas.PROJECT, project_id) or {}), **wanted})
        return
    limits = {**quotas.own_user_limits(store, project_id, user_id), **wanted}
    store.put(quotas.USER, quotas.user_key(project_id, user_id), {"user_id": user_id, "limits": limits},
              project=project_id)


def delete(store: Store, project_id: str, user_id: Optional[str] = None) -> None:
    """Drop a user's limits, or the project's together with all its users' (Nova's ``destroy_all_by_*``)."""
    with store.atomically():
        everyone = [record["user_id"] for record in quotas.users_with_limits(store, project_id)]
        for user in [user_id] if user_id else everyone:
            store.delete(quotas.USER, quotas.user_key(project_id, user))
        if not user_id:
            store.delete(quotas.PROJECT, project_id)


def update_class(store: Store, name: str, values: Mapping[str, Any]) -> Dict[str, int]:
    """Set a quota class's limits (no usage check, as in Nova) and return the class's limits."""
    if len(name) > 255:
        raise InvalidClassName()
    with store.atomically():
        store.put(quotas.CLASS, name, {**(store.get(quotas.CLASS, name) or {}),
                                       **{key: int(value) for key, value in values.items()}})
    return quotas.class_quotas(store, name)
