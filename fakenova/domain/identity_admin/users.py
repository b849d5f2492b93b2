"""Users, groups and group membership (Keystone's identity API), sans-IO.

Names are unique per domain. Passwords are stored as given (this is a fake) and never shown. A password
change, disabling or deleting a user revokes every token of that user; losing a group (deletion, membership
removal) revokes the member's tokens on scopes where no role is left.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Mapping

from .. import errors
from ..ports import Runtime, Store
from . import grants, revocation
from .records import Record, bad_request, conflict, found, not_found
from .resources import domain_of, flag

#: user fields kept out of the record (``links``) or handled apart (``password``)
_NOT_STORED = ("id", "links")


def _name_free(store: Store, kind: str, record: Mapping[str, Any]) -> None:
    for other in store.list(kind):
        if other["id"] != record["id"] and other["name"] == record["name"] \
                and other.get("domain_id", "default") == record["domain_id"]:
            raise conflict(kind, f"Duplicate entry found with name {record['name']} at domain ID "
                                 f"{record['domain_id']}")


def _fields(data: Mapping[str, Any]) -> Record:
    record = {key: value for key, value in data.items() if key not in _NOT_STORED}
    if "enabled" in data:
        record["enabled"] = flag(data["enabled"])
    return record


# -- users -------------------------------------------------------------------------------------------------

def create_user(runtime: Runtime, data: Mapping[str, Any], caller: Mapping[str, Any]) -> Record:
    """A new user in the body's domain (or the caller's)."""
    store = runtime.store
    record = {"enabled": True, "options": {}, **_fields(data), "id": runtime.ids.hex_id(),
              "domain_id": domain_of(store, data, caller)}
    _name_free(store, "user", record)
    store.put("user", record["id"], record)
    return record


def update_user(runtime: Runtime, user_id: str, data: Mapping[str, Any]) -> Record:
    """Change a user; a new password, disabling or a rename collision as Keystone handles them."""
    current = found(runtime.store, "user", user_id)
    if "domain_id" in data and data["domain_id"] != current.get("domain_id", "default"):
        raise bad_request("Cannot change Domain ID")
    record = {**current, **_fields(data), "id": user_id}
    _name_free(runtime.store, "user", {**record, "domain_id": record.get("domain_id", "default")})
    runtime.store.put("user", user_id, record)
    if "password" in data or not record.get("enabled", True):
        revocation.revoke_tokens(runtime.store, runtime.clock.now(), revocation.of_user(user_id))
    return record


def change_password(runtime: Runtime, user_id: str, original: str, password: str) -> None:
    """``POST /v3/users/{id}/password``: the original must match (401 otherwise, the reason hidden)."""
    user = runtime.store.get("user", user_id)
    if user is None or not user.get("enabled", True) or user.get("password") != original:
        raise errors.Unauthorized()  # "Error when changing user password: …", hidden as Keystone hides it
    update_user(runtime, user_id, {"password": password})


def delete_user(runtime: Runtime, user_id: str) -> None:
    """Delete a user with its grants, memberships and application credentials; revoke its tokens."""
    store = runtime.store
    found(store, "user", user_id)
    grants.forget(store, actor="user", actor_id=user_id)
    for member in [m for m in store.list("membership") if m["user_id"] == user_id]:
        store.delete("membership", f"{member['group_id']}:{user_id}")
    for cred in [c for c in store.list("app_cred") if c["user_id"] == user_id]:
        store.delete("app_cred", cred["id"])
    store.delete("user", user_id)
    revocation.revoke_tokens(store, runtime.clock.now(), revocation.of_user(user_id))


# -- groups ------------------------------------------------------------------------------------------------

def create_group(runtime: Runtime, data: Mapping[str, Any], caller: Mapping[str, Any]) -> Record:
    """A new group in the body's domain (or the caller's)."""
    record = {"description": "", **_fields(data), "id": runtime.ids.hex_id(),
              "domain_id": domain_of(runtime.store, data, caller)}
    _name_free(runtime.store, "group", record)
    runtime.store.put("group", record["id"], record)
    return record


def update_group(runtime: Runtime, group_id: str, data: Mapping[str, Any]) -> Record:
    """Rename or describe a group."""
    current = found(runtime.store, "group", group_id)
    if "domain_id" in data and data["domain_id"] != current["domain_id"]:
        raise bad_request("Cannot change Domain ID")
    record = {**current, **_fields(data), "id": group_id}
    _name_free(runtime.store, "group", record)
    runtime.store.put("group", group_id, record)
    return record


def delete_group(runtime: Runtime, group_id: str) -> None:
    """Delete a group, its memberships and grants; members lose the tokens left without roles."""
    store = runtime.store
    found(store, "group", group_id)
    members = members_of(store, group_id)
    for user_id in members:
        store.delete("membership", f"{group_id}:{user_id}")
    grants.forget(store, actor="group", actor_id=group_id)
    store.delete("group", group_id)
    revoke_roleless(runtime, members)


def members_of(store: Store, group_id: str) -> List[str]:
    """Ids of the group's users."""
    return [member["user_id"] for member in store.list("membership") if member["group_id"] == group_id]


def add_member(runtime: Runtime, group_id: str, user_id: str) -> None:
    """Put a user in a group (idempotent)."""
    found(runtime.store, "group", group_id)
    found(runtime.store, "user", user_id)
    runtime.store.put("membership", f"{group_id}:{user_id}", {"group_id": group_id, "user_id": user_id})


def check_member(store: Store, group_id: str, user_id: str) -> None:
    """404 unless the user is in the group (Keystone's words)."""
    found(store, "group", group_id)
    found(store, "user", user_id)
    if store.get("membership", f"{group_id}:{user_id}") is None:
        raise not_found(f"User '{user_id}' not found in group '{group_id}'")


def remove_member(runtime: Runtime, group_id: str, user_id: str) -> None:
    """Take a user out of a group; its tokens on scopes left without a role are revoked."""
    check_member(runtime.store, group_id, user_id)
    runtime.store.delete("membership", f"{group_id}:{user_id}")
    revoke_roleless(runtime, [user_id])


def revoke_roleless(runtime: Runtime, user_ids: Iterable[str]) -> None:
    """Revoke the users' scoped tokens whose scope no longer gives them any role."""
    wanted = set(user_ids)
    store = runtime.store

    def roleless(record: Mapping[str, Any]) -> bool:
        if record.get("user_id") not in wanted:
            return False
        target = scope_of(record)
        return target is not None and not grants.effective_roles(store, record["user_id"], *target)

    revocation.revoke_tokens(store, runtime.clock.now(), roleless)


def scope_of(record: Mapping[str, Any]) -> Any:
    """A token record's (target, target id), None when unscoped."""
    if record.get("project_id"):
        return "project", record["project_id"]
    if record.get("scope_domain_id"):
        return "domain", record["scope_domain_id"]
    if record.get("system"):
        return "system", grants.SYSTEM
    return None
