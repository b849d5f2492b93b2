"""Changing flavors: create, describe, delete, share private ones with projects, and set their extra specs.

Nova's ``FlavorsController`` writes, ``FlavorAccessController``, ``FlavorExtraSpecsController`` and
``nova/compute/flavors.py`` ``create``: who may (``RULES``, Nova's policy names and default levels), what a new
flavor holds and the conflicts and refusals worded as Nova words them. Servers keep their own copy of their
flavor, so deleting one in use is allowed, as in Nova.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import errors
from .context import RequestContext
from .flavors import ExtraSpecNotFound, Flavor, get_flavor
from .ports import Store
from .strings import parse_bool

KIND = "flavor"
#: the largest single-precision float the database column keeps (Nova's ``SQL_SP_FLOAT_MAX``)
SQL_SP_FLOAT_MAX = 3.40282e+38

#: body key -> (record key, lowest value Nova's ``validate_integer`` allows)
_SIZES: Mapping[str, Tuple[str, int]] = {
    "ram": ("ram", 1), "vcpus": ("vcpus", 1), "disk": ("disk", 0),
    "OS-FLV-EXT-DATA:ephemeral": ("ephemeral", 0), "swap": ("swap", 0),
}


class FlavorExists(errors.Conflict):
    msg_fmt = "Flavor with name {name} already exists."


class FlavorIdExists(errors.Conflict):
    msg_fmt = "Flavor with ID {flavor_id} already exists."


class FlavorAccessExists(errors.Conflict):
    msg_fmt = "Flavor access already exists for flavor {flavor_id} and project {project_id} combination."


class FlavorAccessNotFound(errors.NotFound):
    msg_fmt = "Flavor access not found for {flavor_id} / {project_id} combination."


class InvalidInput(errors.BadRequest):
    msg_fmt = "Invalid input received: {reason}"


def _integer(value: Any, name: str) -> int:
    # the schema already bounds digit strings and integers; a JSON float such as 512.0 still reaches here
    try:
        return int(str(value))
    except ValueError:
        raise InvalidInput(reason=f"{name} must be an integer") from None


def _rxtx_factor(value: Any) -> float:
    # the schema bounds numbers only: a digit string such as "0" is judged here, as Nova judges it
    factor = float(value)
    if not 0 < factor <= SQL_SP_FLOAT_MAX:
        raise InvalidInput(reason=f"'rxtx_factor' argument must be a float between 0 and {SQL_SP_FLOAT_MAX:g}")
    return factor


def new_flavor(body: Mapping[str, Any], new_id: Callable[[], str]) -> Dict[str, Any]:
    """The record ``POST /flavors`` makes from a validated ``flavor`` body (Nova's ``flavors.create``; the
    schema admits ``description`` from 2.55 only)."""
    sizes = {key: 0 for key, _ in _SIZES.values()}
    sizes.update({key: _integer(body[name], key) for name, (key, _) in _SIZES.items() if name in body})
    flavor_id = body.get("id")
    return {
        # Nova generates a UUID for any false id (absent, null or 0) and stores the rest as text
        "id": str(flavor_id) if flavor_id else new_id(),
        "name": body["name"].strip(), **sizes,
        "rxtx_factor": _rxtx_factor(body.get("rxtx_factor", 1.0)),
        "is_public": bool(parse_bool(body.get("os-flavor-access:is_public", True))),
        "disabled": False,
        "description": body.get("description"),
        "extra_specs": {}, "projects": [],
    }


def create_flavor(store: Store, record: Dict[str, Any]) -> Flavor:
    """Store a new flavor; 409 when its id or its name is taken (the id is checked first)."""
    with store.atomically():
        if store.get(KIND, record["id"]) is not None:
            raise FlavorIdExists(flavor_id=record["id"])
        if any(flavor["name"] == record["name"] for flavor in store.list(KIND)):
            raise FlavorExists(name=record["name"])
        store.put(KIND, record["id"], record)
    return record


def _edit(store: Store, flavor_id: str, change: Callable[[Flavor], Dict[str, Any]]) -> Flavor:
    def apply(flavor: Optional[Flavor]) -> Dict[str, Any]:
        if flavor is None:
            raise errors.FlavorNotFound(flavor_id=flavor_id)
        return change(flavor)
    return store.compute(KIND, flavor_id, apply)


def describe(store: Store, ctx: RequestContext, flavor_id: str, description: Optional[str]) -> Flavor:
    """``PUT /flavors/{id}``: the new description."""
    get_flavor(store, ctx, flavor_id)
    return _edit(store, flavor_id, lambda flavor: {**flavor, "description": description})


def delete_flavor(store: Store, flavor_id: str) -> None:
    """``DELETE /flavors/{id}``: gone for good; servers built from it keep their copy."""
    if not store.delete(KIND, flavor_id):
        raise errors.FlavorNotFound(flavor_id=flavor_id)


# --- access -----------------------------------------------------------------------------------------


def access_list(flavor: Flavor) -> List[Dict[str, str]]:
    """``{"flavor_id", "tenant_id"}`` per project a flavor is shared with."""
    return [{"flavor_id": flavor["id"], "tenant_id": project} for project in flavor.get("projects", ())]


def shared_with(store: Store, ctx: RequestContext, flavor_id: str) -> List[Dict[str, str]]:
    """``GET /flavors/{id}/os-flavor-access``: 404 for public flavors, whose list would be everyone."""
    flavor = get_flavor(store, ctx, flavor_id)
    if flavor["is_public"]:
        raise errors.NotFound("Access list not available for public flavors.")
    return access_list(flavor)


def add_access(store: Store, ctx: RequestContext, flavor_id: str, project_id: str,
               refuse_public: bool) -> Flavor:
    """``addTenantAccess``: 409 for a public flavor (when ``refuse_public``) or a project already there."""
    flavor = get_flavor(store, ctx, flavor_id)
    if refuse_public and flavor["is_public"]:
        raise errors.Conflict("Can not add access to a public flavor.")

    def grant(current: Flavor) -> Dict[str, Any]:
        projects = list(current.get("projects", ()))
        if project_id in projects:
            raise FlavorAccessExists(flavor_id=flavor_id, project_id=project_id)
        return {**current, "projects": [*projects, project_id]}
    return _edit(store, flavor_id, grant)


def remove_access(store: Store, ctx: RequestContext, flavor_id: str, project_id: str) -> Flavor:
    """``removeTenantAccess``: 404 when the project was not granted."""
    get_flavor(store, ctx, flavor_id)

    def revoke(current: Flavor) -> Dict[str, Any]:
        projects = list(current.get("projects", ()))
        if project_id not in projects:
            raise FlavorAccessNotFound(flavor_id=flavor_id, project_id=project_id)
        return {**current, "projects": [p for p in projects if p != project_id]}
    return _edit(store, flavor_id, revoke)


# --- extra specs ------------------------------------------------------------------------------------


def set_extra_specs(store: Store, ctx: RequestContext, flavor_id: str, specs: Mapping[str, Any]) -> Flavor:
    """Add or replace extra specs; values are kept as text, as Nova's string-valued column keeps them."""
    get_flavor(store, ctx, flavor_id)
    text = {key: str(value) for key, value in specs.items()}
    return _edit(store, flavor_id, lambda flavor: {**flavor, "extra_specs": {**flavor["extra_specs"], **text}})


def delete_extra_spec(store: Store, ctx: RequestContext, flavor_id: str, key: str) -> None:
    """Remove one extra spec; 404 worded as Nova's when the flavor has no such key."""
    get_flavor(store, ctx, flavor_id)

    def drop(flavor: Flavor) -> Dict[str, Any]:
        if key not in flavor["extra_specs"]:
            raise ExtraSpecNotFound(flavor_id=flavor_id, key=key)
        return {**flavor, "extra_specs": {k: v for k, v in flavor["extra_specs"].items() if k != key}}
    _edit(store, flavor_id, drop)
