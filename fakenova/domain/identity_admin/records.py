"""What every identity resource module shares: Keystone's errors, lookups, name uniqueness and list filters.

Records are plain dicts in the store, one kind per resource (``domain``, ``project``, ``user``, ``group``,
``role``, ``membership``, ``grant``, ``implied_role``, ``app_cred``). Messages are keystone/exception.py's.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

import jsonschema

from .. import errors
from ..keystone import bad_request, forbidden, not_found
from ..ports import Store
from ..strings import bool_from_string
from .schemas import SCHEMAS

Record = Dict[str, Any]
Query = Mapping[str, str]

__all__ = ["bad_request", "forbidden", "not_found", "conflict", "forbidden_not_security", "found", "validate", "member",
           "filtered", "Record", "Query"]


def conflict(kind: str, details: str) -> errors.IdentityError:
    """Keystone's ``Conflict`` (409): ``Conflict occurred attempting to store <kind> - <details>.``."""
    return errors.IdentityError(f"Conflict occurred attempting to store {kind} - {details}.",
                                code=409, title="Conflict")


def forbidden_not_security(message: str) -> errors.IdentityError:
    """Keystone's ``ForbiddenNotSecurity`` (403) whose message is always shown."""
    return errors.IdentityError(message, code=403, title="Forbidden")


def found(store: Store, kind: str, key: str, label: Optional[str] = None) -> Record:
    """The ``kind`` record ``key``, or Keystone's 404 ``Could not find <label>: <key>.``."""
    record = store.get(kind, key)
    if record is None:
        raise not_found(f"Could not find {label or kind}: {key}.")
    return dict(record)


def validate(schema: Mapping[str, Any], body: Any) -> None:
    """Keystone's ``SchemaValidationError`` (400): ``Invalid input for field '<path>': <reason>``."""
    error = jsonschema.exceptions.best_match(jsonschema.Draft4Validator(schema).iter_errors(body))
    if error is None:
        return
    path = "/".join(str(part) for part in error.path)
    raise bad_request(f"Invalid input for field '{path}': {error.message}" if path else error.message)


def member(name: str, body: Any) -> Record:
    """Validate a whole request body against the member schema ``name`` (``project.create``...), as Keystone's
    ``request_body_schema`` does, and return the member object."""
    key = name.split(".")[0]
    validate({"type": "object", "properties": {key: SCHEMAS[name]}, "required": [key]}, body)
    return dict(body[key])


#: fields whose query value is a boolean, read as Keystone reads it, and their default on a record
_BOOLEANS: Mapping[str, bool] = {"enabled": True, "is_domain": False}


def _matches(record: Mapping[str, Any], field: str, value: str) -> bool:
    if field in _BOOLEANS:
        return bool(record.get(field, _BOOLEANS[field])) == bool_from_string(value, False)
    return str(record.get(field)) == value


def filtered(records: Sequence[Mapping[str, Any]], query: Query, fields: Sequence[str]) -> List[Record]:
    """Records matching every filter of ``fields`` present in ``query`` (exact match, as Keystone's SQL)."""
    wanted = [(field, query[field]) for field in fields if field in query]
    return [dict(record) for record in records if all(_matches(record, f, v) for f, v in wanted)]
