"""Request schemas of ``POST /os-server-external-events`` per microversion: each version adds event names
(after Nova's ``schemas/server_external_events.py``)."""
from __future__ import annotations

from fakenova.api import schema_types as t
from fakenova.api.schema_types import Edit, Schema
from fakenova.microversions import Versioned

#: the first version of each event name
NAMES_SINCE = (
    ("2.1", ("network-changed", "network-vif-plugged", "network-vif-unplugged", "network-vif-deleted")),
    ("2.51", ("volume-extended",)),
    ("2.76", ("power-update",)),
    ("2.82", ("accelerator-request-bound",)),
    ("2.93", ("volume-reimaged",)),
)
STATUSES = ("failed", "completed", "in-progress")
_ITEM = ("properties", "events", "items")


def _body(names: Schema) -> Schema:
    event = t.object_of({"name": names, "server_uuid": t.UUID, "status": {"type": "string", "enum": list(STATUSES)},
                         "tag": {"type": "string", "maxLength": 255}}, required=["name", "server_uuid"])
    return t.object_of({"events": {"type": "array", "minItems": 1, "items": event}}, required=["events"])


def _names(upto: int) -> Schema:
    return {"type": "string", "enum": [name for _, names in NAMES_SINCE[:upto + 1] for name in names]}


CREATE: Versioned[Schema] = t.evolve("external_events", _body(_names(0)), [
    (since, [Edit(path=_ITEM, add={"name": _names(index)})]) for index, (since, _) in enumerate(NAMES_SINCE)
    if index
])
