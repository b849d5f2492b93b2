"""Request schemas of flavor management, flavor access and flavor extra specs, per microversion.

Nova's ``nova/api/openstack/compute/schemas/flavors.py``, ``flavor_access.py`` and ``flavors_extraspecs.py``:
sizes are integers or digit strings (converted after validation), ``description`` arrives at 2.55 (create)
and is the only thing ``PUT /flavors/{id}`` changes, ``rxtx_factor`` leaves create at 2.102.
"""
from __future__ import annotations

from typing import Sequence

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit
from fakenova.domain.flavor_manage import SQL_SP_FLOAT_MAX

MAX_INT = 0x7FFFFFFF  # the database's MAX_INT


def _size(minimum: int) -> t.Schema:
    return {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": minimum, "maximum": MAX_INT}


#: flavor descriptions: printable characters, up to the TEXT column's 65535
DESCRIPTION: t.Schema = {**t.DESCRIPTION, "maxLength": 65535}

_FLAVOR = ("properties", "flavor")

#: ``POST /flavors``: ``description`` from 2.55, no ``rxtx_factor`` from 2.102.
CREATE = t.evolve("flavors-create", t.object_of({
    "flavor": t.object_of({
        "name": t.NAME,
        "id": {"type": ["string", "number", "null"], "minLength": 1, "maxLength": 255,
               "pattern": "^(?! )[a-zA-Z0-9. _-]+(?<! )$"},
        "ram": _size(1),
        "vcpus": _size(1),
        "disk": _size(0),
        "OS-FLV-EXT-DATA:ephemeral": _size(0),
        "swap": _size(0),
        "rxtx_factor": {"type": ["number", "string"], "pattern": r"^[0-9]+(\.[0-9]+)?$",
                        "exclusiveMinimum": 0, "maximum": SQL_SP_FLOAT_MAX},
        "os-flavor-access:is_public": t.BOOLEAN,
    }, required=["name", "ram", "vcpus", "disk"]),
}, required=["flavor"]), [
    ("2.55", [Edit(_FLAVOR, add={"description": DESCRIPTION})]),
    ("2.102", [Edit(_FLAVOR, remove=("rxtx_factor",))]),
])

#: ``PUT /flavors/{id}`` (the route exists from 2.55).
UPDATE = t.evolve("flavors-update", t.object_of({
    "flavor": t.object_of({"description": DESCRIPTION}, required=["description"]),
}, required=["flavor"]), [])

_TENANT: t.Schema = {"type": "string", "minLength": 1, "maxLength": 255}


def _access(action: str) -> t.Schema:
    return t.object_of({action: t.object_of({"tenant": _TENANT}, required=["tenant"])}, required=[action])


#: ``POST /flavors/{id}/action`` bodies, by action name.
ADD_TENANT_ACCESS = t.evolve("flavor-access-add", _access("addTenantAccess"), [])
REMOVE_TENANT_ACCESS = t.evolve("flavor-access-remove", _access("removeTenantAccess"), [])

_SPEC_VALUE: t.Schema = {"type": ["string", "number"], "maxLength": 255}
_SPECS: t.Schema = {"type": "object", "patternProperties": {t.METADATA_KEY: _SPEC_VALUE},
                    "additionalProperties": False}

#: ``POST /flavors/{id}/os-extra_specs``.
EXTRA_SPECS_CREATE = t.evolve("flavor-extra-specs-create",
                              t.object_of({"extra_specs": _SPECS}, required=["extra_specs"]), [])
#: ``PUT /flavors/{id}/os-extra_specs/{key}``: exactly one key.
EXTRA_SPEC_UPDATE = t.evolve("flavor-extra-spec-update",
                             {**_SPECS, "minProperties": 1, "maxProperties": 1}, [])

# --- query strings ---------------------------------------------------------------------------------

_SORT_KEYS_V21 = ["created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id", "is_public",
                  "memory_mb", "name", "root_gb", "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus"]
_SORT_KEYS_V2102 = [key for key in _SORT_KEYS_V21 if key != "rxtx_factor"]


def _sort_key_param(keys: Sequence[str]) -> t.Schema:
    return t.multi_params({"type": "string", "enum": list(keys)})


_INDEX_QUERY_BASE = t.object_of({
    "sort_key": _sort_key_param(_SORT_KEYS_V21),
    "sort_dir": t.multi_params({"type": "string", "enum": ["asc", "desc"]}),
    "limit": t.QUERY_NON_NEGATIVE_INTEGER,
    "marker": t.QUERY_STRING,
    "is_public": t.QUERY_STRING,
    "minRam": t.QUERY_STRING,
    "minDisk": t.QUERY_STRING,
}, additional=True)

_STRICT = Edit(keywords={"additionalProperties": False})

#: ``GET /flavors`` and ``/flavors/detail``: strict from 2.75; ``name`` filter (and no rxtx sort) from 2.102.
INDEX_QUERY = t.evolve("flavors-index-query", _INDEX_QUERY_BASE, [
    ("2.75", [_STRICT]),
    ("2.102", [Edit(add={"sort_key": _sort_key_param(_SORT_KEYS_V2102), "name": t.QUERY_STRING})]),
])

#: ``GET /flavors/{id}`` and the extra-spec GETs: no parameters; unknown ones refused from 2.102.
SHOW_QUERY = t.evolve("flavors-show-query", t.object_of({}, additional=True), [("2.102", [_STRICT])])
