"""Request schemas of the fleet's admin APIs: os-services, os-hypervisors, os-aggregates and os-hosts.

Facts of Nova's ``schemas/services.py``, ``hypervisors.py``, ``aggregates.py``, ``aggregate_images.py`` and
``hosts.py``: which bodies and query parameters each microversion accepts, restated as tables.
"""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit
from fakenova.microversions import Versioned

_STRICT = Edit(keywords={"additionalProperties": False})
_STRING_255: t.Schema = {"type": "string", "minLength": 1, "maxLength": 255}
_HOST: t.Schema = {**_STRING_255, "pattern": "^[a-zA-Z0-9-._]*$"}
_ONE = {"maxItems": 1}


def _single(schema: t.Schema) -> t.Schema:
    return {"type": "array", "items": schema, "maxItems": 1}


# --- os-services -------------------------------------------------------------------------------------

#: ``GET /os-services``: ``host`` and ``binary`` filters; unknown names refused from 2.75.
SERVICES_QUERY = t.evolve("services-index-query", t.object_of(
    {"binary": t.QUERY_STRING, "host": t.QUERY_STRING}, additional=True), [("2.75", [_STRICT])])

_SERVICE_LEGACY = t.object_of({"binary": _STRING_255, "disabled_reason": _STRING_255, "host": _HOST},
                              required=["host", "binary"])
_SERVICE_LEGACY_V211 = t.extend(_SERVICE_LEGACY, add={"forced_down": t.BOOLEAN})
_SERVICE_V253 = t.object_of({"disabled_reason": _STRING_255, "forced_down": t.BOOLEAN,
                             "status": {"type": "string", "enum": ["enabled", "disabled"]}})

#: ``PUT /os-services/<action>`` before 2.53 (``forced_down`` from 2.11), then ``PUT /os-services/{uuid}``.
SERVICES_UPDATE: Versioned[t.Schema] = Versioned(
    [("2.1", _SERVICE_LEGACY), ("2.11", _SERVICE_LEGACY_V211), ("2.53", _SERVICE_V253)], name="services-update")

# --- os-hypervisors ----------------------------------------------------------------------------------

_PAGE = {"limit": t.QUERY_NON_NEGATIVE_INTEGER, "marker": t.QUERY_STRING}
_BOOLEAN_PARAM = _single(t.BOOLEAN)

#: ``GET /os-hypervisors[/detail]``: paging 2.33; single values, pattern and ``with_servers`` 2.53.
HYPERVISORS_QUERY = t.evolve("hypervisors-index-query", t.object_of({}, additional=True), [
    ("2.33", [Edit(add=_PAGE)]),
    ("2.53", [Edit(add={"hypervisor_hostname_pattern": _single(_HOST), "limit": {**_PAGE["limit"], **_ONE},
                        "marker": {**_PAGE["marker"], **_ONE}, "with_servers": _BOOLEAN_PARAM}),
              _STRICT]),
])

#: ``GET /os-hypervisors/{id}``: ``with_servers`` from 2.53.
HYPERVISOR_QUERY = t.evolve("hypervisors-show-query", t.object_of({}, additional=True), [
    ("2.53", [Edit(add={"with_servers": _BOOLEAN_PARAM}), _STRICT]),
])

#: the legacy routes (statistics, uptime, search, servers) take any query.
ANY_QUERY = t.evolve("any-query", t.object_of({}, additional=True), [])

# --- os-aggregates -----------------------------------------------------------------------------------

_ZONE: t.Schema = {"oneOf": [{**_STRING_255, "format": "az_name"}, {"type": "null"}]}
_AGGREGATE = ("properties", "aggregate")

AGGREGATE_CREATE = t.evolve("aggregates-create", t.object_of({"aggregate": t.object_of(
    {"name": t.NAME, "availability_zone": _ZONE}, required=["name"])}, required=["aggregate"]), [])

AGGREGATE_UPDATE = t.evolve("aggregates-update", t.object_of({"aggregate": {
    **t.object_of({"name": {**_STRING_255, "format": "name_with_leading_trailing_spaces"},
                   "availability_zone": _ZONE}),
    "anyOf": [{"required": ["name"]}, {"required": ["availability_zone"]}],
}}, required=["aggregate"]), [])


def _host_action(key: str) -> t.Schema:
    return t.object_of({key: t.object_of({"host": _HOST}, required=["host"])}, required=[key])


ADD_HOST = t.evolve("aggregates-add-host", _host_action("add_host"), [])
REMOVE_HOST = t.evolve("aggregates-remove-host", _host_action("remove_host"), [])
SET_METADATA = t.evolve("aggregates-set-metadata", t.object_of({"set_metadata": t.object_of({"metadata": {
    "type": "object", "additionalProperties": False,
    "patternProperties": {t.METADATA_KEY: {"type": ["string", "null"], "maxLength": 255}},
}}, required=["metadata"])}, required=["set_metadata"]), [])

#: ``POST /os-aggregates/{id}/images`` (2.81).
IMAGES = t.evolve("aggregates-images", t.object_of({"cache": {
    "type": ["array"], "minItems": 1, "items": t.object_of({"id": t.UUID}, required=["id"]),
}}, required=["cache"]), [])

#: ``GET /os-aggregates`` and ``/{id}``, ``/os-availability-zone[/detail]``: no parameters; strict 2.102.
NO_QUERY = t.evolve("no-query", t.object_of({}, additional=True), [("2.102", [_STRICT])])

# --- os-hosts ----------------------------------------------------------------------------------------

HOSTS_QUERY = t.evolve("hosts-index-query", t.object_of({"zone": t.QUERY_STRING}, additional=True), [])
_MODE: t.Schema = {"type": "string", "enum": ["enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"]}
HOST_UPDATE = t.evolve("hosts-update", {
    **t.object_of({"status": _MODE, "maintenance_mode": _MODE}),
    "anyOf": [{"required": ["status"]}, {"required": ["maintenance_mode"]}],
}, [])
