"""Roles, role inference rules and grants (``PUT/HEAD/DELETE /v3/{projects,domains}/{id}/{users,groups}/{id}/
roles/{id}`` and ``/v3/system/...``), sans-IO.

Role names are unique among global roles. Grants are stored by role name (:mod:`.grants`), so a rename or a
delete rewrites them. Revoking a grant revokes the tokens left without any role on that scope.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Tuple

from .. import errors
from ..ports import Runtime, Store
from . import grants
from .records import Record, conflict, forbidden_not_security, found, not_found
from .users import members_of, revoke_roleless

#: what a grant's actor and target kinds are called in Keystone's 404s
LABELS = {"user": "user", "group": "group", "project": "project", "domain": "domain"}


def create_role(runtime: Runtime, data: Mapping[str, Any]) -> Record:
    """A new global role (409 for a taken name)."""
    record = {"description": None, "options": {}, **{k: v for k, v in data.items() if k != "links"},
              "id": runtime.ids.hex_id(), "domain_id": data.get("domain_id")}
    _name_free(runtime.store, record)
    runtime.store.put("role", record["id"], record)
    return record


def _name_free(store: Store, record: Mapping[str, Any]) -> None:
    for other in store.list("role"):
        if other["id"] != record["id"] and other["name"] == record["name"] \
                and other.get("domain_id") == record.get("domain_id"):
            raise conflict("role", f"Duplicate entry found with name {record['name']}")


def update_role(runtime: Runtime, role_id: str, data: Mapping[str, Any]) -> Record:
    """Rename or describe a role; grants follow the new name."""
    store = runtime.store
    current = found(store, "role", role_id)
    record = {**current, **{k: v for k, v in data.items() if k != "links"}, "id": role_id}
    _name_free(store, record)
    store.put("role", role_id, record)
    if record["name"] != current["name"]:
        for row in grants.direct(store):
            if row.role_id == role_id:
                grants.grant(store, row.actor, row.actor_id, row.target, row.target_id, record["name"])
                grants.revoke(store, row.actor, row.actor_id, row.target, row.target_id, current["name"])
    return record


def delete_role(runtime: Runtime, role_id: str) -> None:
    """Delete a role, its grants and inference rules; tokens left without roles are revoked."""
    store = runtime.store
    role = found(store, "role", role_id)
    holders = {row.actor_id for row in grants.listing(store, {"role.id": role_id, "effective": "true"})}
    grants.drop_role(store, role["name"])
    for rule in store.list("implied_role"):
        if role_id in (rule["prior_role_id"], rule["implied_role_id"]):
            store.delete("implied_role", f"{rule['prior_role_id']}:{rule['implied_role_id']}")
    store.delete("role", role_id)
    revoke_roleless(runtime, holders)


# -- inference rules ---------------------------------------------------------------------------------------

def create_implied(runtime: Runtime, prior_id: str, implied_id: str) -> Tuple[Record, Record]:
    """``PUT /v3/roles/{prior}/implies/{implied}``: the (prior, implied) roles of the new rule."""
    store = runtime.store
    prior, implied = found(store, "role", prior_id), found(store, "role", implied_id)
    if implied["name"] == "admin":  # keystone's [assignment] prohibited_implied_role default
        raise forbidden_implied(implied_id)
    store.put("implied_role", f"{prior_id}:{implied_id}", {"prior_role_id": prior_id, "implied_role_id": implied_id})
    return prior, implied


def forbidden_implied(role_id: str) -> errors.IdentityError:
    """Keystone's ``InvalidImpliedRole`` (403)."""
    return forbidden_not_security(f"{role_id} cannot be an implied roles.")


def check_implied(store: Store, prior_id: str, implied_id: str) -> Tuple[Record, Record]:
    """The rule's roles, or Keystone's 404 ``<prior> does not imply <implied>.``."""
    prior, implied = found(store, "role", prior_id), found(store, "role", implied_id)
    if store.get("implied_role", f"{prior_id}:{implied_id}") is None:
        raise not_found(f"{prior_id} does not imply {implied_id}.")
    return prior, implied


def delete_implied(runtime: Runtime, prior_id: str, implied_id: str) -> None:
    check_implied(runtime.store, prior_id, implied_id)
    runtime.store.delete("implied_role", f"{prior_id}:{implied_id}")


def implied_roles(store: Store, prior_id: str) -> List[Record]:
    """The roles ``prior_id`` implies directly."""
    found(store, "role", prior_id)
    return [found(store, "role", rule["implied_role_id"]) for rule in store.list("implied_role")
            if rule["prior_role_id"] == prior_id]


# -- grants ------------------------------------------------------------------------------------------------

def grant_parts(store: Store, actor: str, actor_id: str, target: str, target_id: str,
                role_id: str) -> Tuple[Record, Record, Record]:
    """The actor, target and role records of a grant URL, or Keystone's 404 for the first one missing."""
    role = found(store, "role", role_id)
    actor_ref = found(store, actor, actor_id, LABELS[actor])
    target_ref = {"id": grants.SYSTEM} if target == "system" else found(store, target, target_id, LABELS[target])
    return actor_ref, target_ref, role


def add_grant(runtime: Runtime, actor: str, actor_id: str, target: str, target_id: str, role_id: str) -> None:
    _, _, role = grant_parts(runtime.store, actor, actor_id, target, target_id, role_id)
    grants.grant(runtime.store, actor, actor_id, target, target_id, role["name"])


def check_grant(store: Store, actor: str, actor_id: str, target: str, target_id: str, role_id: str) -> None:
    """404 ``Could not find role assignment with role: …`` unless the role is granted directly."""
    _, _, role = grant_parts(store, actor, actor_id, target, target_id, role_id)
    if role["name"] not in grants.direct_roles(store, actor, actor_id, target, target_id):
        raise _no_assignment(role_id, actor_id, target_id)


def remove_grant(runtime: Runtime, actor: str, actor_id: str, target: str, target_id: str, role_id: str) -> None:
    """Revoke a grant; the affected users' tokens left without roles are revoked too."""
    store = runtime.store
    _, _, role = grant_parts(store, actor, actor_id, target, target_id, role_id)
    if not grants.revoke(store, actor, actor_id, target, target_id, role["name"]):
        raise _no_assignment(role_id, actor_id, target_id)
    revoke_roleless(runtime, [actor_id] if actor == "user" else members_of(store, actor_id))


def _no_assignment(role_id: str, actor_id: str, target_id: str) -> errors.IdentityError:
    return not_found(f"Could not find role assignment with role: {role_id}, user or group: {actor_id}, "
                     f"project, domain, or system: {target_id}.")


def roles_granted(store: Store, actor: str, actor_id: str, target: str, target_id: str) -> List[Record]:
    """``GET …/roles``: the role records granted directly."""
    names = grants.direct_roles(store, actor, actor_id, target, target_id)
    return [role for role in store.list("role") if role["name"] in names]

