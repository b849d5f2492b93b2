"""Neutron's generic resource machinery, driven by one table per resource (its attribute map).

A resource is a :class:`Definition`: its names, the store kind holding its records, and its attributes as
Neutron's ``RESOURCE_ATTRIBUTE_MAP`` declares them (:class:`Attr`: default or required, ``allow_post``,
``allow_put``, converter, validator, ``is_visible``, ``is_filter``, ``is_sort_key``, ``enforce_policy``).
The standard attributes every Neutron resource has (id, project_id/tenant_id, name, description, tags,
created_at, updated_at, revision_number) are added by :func:`definition`. From the table alone this module
checks request bodies as ``Controller.prepare_request_body`` does, makes and bumps records, and answers
lists (filters, ``tags``/``tags-any``/``not-tags``/``not-tags-any``, sorting, paging, ``fields``) — see
:mod:`fakenova.domain.neutron_query`. Records are plain dicts keyed by attribute name.

How a new resource plugs in (routers, say)::

    ROUTER = definition("router", "routers", not_found=lambda i: RouterNotFound(router_id=i), attrs=(
        Attr("admin_state_up", post=True, put=True, default=True, convert=v.to_boolean),
        Attr("external_gateway_info", post=True, put=True, default=None, validate=...),
        Attr("status"),
    ))

then a :class:`fakenova.api.network.resource.Plugin` for it (what is visible, create/update/delete side
effects) and ``resource.routes(plugin)`` in the route table. Rules come from the resource's RULES table
(``create_router``, ``get_router:<attr>`` ...), asked through :mod:`fakenova.domain.neutron_policy`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import errors
from . import neutron_validators as v
from .context import RequestContext
from .neutron_errors import HTTPBadRequest

Record = Dict[str, Any]
#: the value for "no default: the attribute is required on create"
REQUIRED = object()
#: Neutron's ATTR_NOT_SPECIFIED: optional, left out of the prepared body so the plugin computes it
UNSET = object()


@dataclass(frozen=True)
class Attr:
    """One attribute of a resource, as Neutron's attribute map declares it.

    :param default: the value filled in on create when absent; :data:`REQUIRED` makes it mandatory (only
        meaningful with ``post``).
    :param present: how the stored value is shown (timestamps to ISO text); identity when None.
    :param enforce_policy: setting it to a non-default value also needs ``<action>_<res>:<name>``.
    """

    name: str
    post: bool = False
    put: bool = False
    default: Any = None
    convert: Optional[v.Converter] = None
    validate: Optional[v.Validator] = None
    visible: bool = True
    is_filter: bool = True
    is_sort_key: bool = True
    enforce_policy: bool = False
    present: Optional[Callable[[Any], Any]] = None


@dataclass(frozen=True)
class Definition:
    """A Neutron resource: ``singular``/``plural`` names, store ``kind`` and attribute table."""

    singular: str
    plural: str
    kind: str
    attrs: Mapping[str, Attr]
    not_found: Callable[[str], errors.FakeNovaError]
    bulk: bool = True
    tags: bool = True

    def rule(self, action: str) -> str:
        """Neutron's rule name for ``action`` (create, get, update, delete) on this resource."""
        return f"{action}_{self.singular}"


def _isotime(when: Any) -> Any:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(when))) if isinstance(when, (int, float)) else when


def standard_attrs() -> Tuple[Attr, ...]:
    """The attributes every resource has (``id``, owner, name/description, tags, timestamps, revision)."""
    return (
        Attr("id", validate=v.is_uuid),
        Attr("name", post=True, put=True, default="", validate=v.string(v.NAME_LEN)),
        Attr("description", post=True, put=True, default="", validate=v.string(v.DESCRIPTION_LEN)),
        Attr("tenant_id", post=True, default=REQUIRED, validate=v.string(v.PROJECT_LEN)),
        Attr("project_id", post=True, default=REQUIRED, validate=v.string(v.PROJECT_LEN)),
        Attr("tags", is_sort_key=False),
        Attr("created_at", present=_isotime),
        Attr("updated_at", present=_isotime),
        Attr("revision_number"),
    )


def definition(singular: str, plural: str, *, attrs: Sequence[Attr],
               not_found: Callable[[str], errors.FakeNovaError], kind: Optional[str] = None,
               bulk: bool = True, tags: bool = True) -> Definition:
    """A resource with the standard attributes plus ``attrs`` (which may override a standard one).

    :param not_found: the resource's 404 for an id (``lambda i: NetworkNotFound(net_id=i)``).
    """
    table = {attr.name: attr for attr in (*standard_attrs(), *attrs)}
    return Definition(singular=singular, plural=plural, kind=kind or singular, attrs=table,
                      not_found=not_found, bulk=bulk, tags=tags)


# --- request bodies (neutron/api/v2/base.py prepare_request_body, neutron_lib attributes) --------------


def items_of(defn: Definition, body: Any) -> Tuple[List[Any], bool]:
    """The resource objects of a POST/PUT body and whether it was a bulk one, or Neutron's 400."""
    if not body:
        raise HTTPBadRequest("Resource body required")
    try:
        if defn.plural in body:
            if not defn.bulk:
                raise HTTPBadRequest("Bulk operation not supported")
            listed = body[defn.plural]
            if not listed:
                raise HTTPBadRequest("Resources required")
            return [item.get(defn.singular, item) if isinstance(item, dict) else item for item in listed], True
        item = body.get(defn.singular)
    except (AttributeError, TypeError):
        raise HTTPBadRequest("Body contains invalid data") from None
    if item is None:
        raise HTTPBadRequest(f"Unable to find '{defn.singular}' in request body")
    return [item], False


def _owner(item: Record, ctx: RequestContext, creating: bool) -> None:
    project, tenant = item.get("project_id"), item.get("tenant_id")
    if project is not None and tenant is not None and project != tenant:
        raise HTTPBadRequest("'project_id' and 'tenant_id' do not match")
    given = project if project is not None else tenant
    if given is not None:
        item["project_id"] = item["tenant_id"] = given
    if given is not None and given != ctx.project_id and not ctx.is_admin:
        raise HTTPBadRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in "
                             "request requires admin privileges")
    if creating and given is None:
        item["project_id"] = item["tenant_id"] = ctx.project_id


def prepare(defn: Definition, ctx: RequestContext, item: Any, *, creating: bool) -> Record:
    """One checked resource object: owner filled, unknown/forbidden attributes refused, defaults filled,
    values converted and validated — in Neutron's order, with its messages (all ``HTTPBadRequest``)."""
    if not isinstance(item, dict):
        raise HTTPBadRequest(f"Object '{defn.singular}' contains invalid data")
    item = dict(item)
    _owner(item, ctx, creating)
    unknown = [name for name in item if name not in defn.attrs]
    if unknown:
        raise HTTPBadRequest(f"Unrecognized attribute(s) '{', '.join(unknown)}'")
    for name, attr in defn.attrs.items():
        if creating and attr.post:
            if attr.default is REQUIRED and name not in item:
                raise HTTPBadRequest(f"Failed to parse request. Required attribute '{name}' not specified")
            if name not in item and attr.default not in (REQUIRED, UNSET):
                item[name] = _copy(attr.default)
        elif creating and name in item:
            raise HTTPBadRequest(f"Attribute '{name}' not allowed in POST")
        elif not creating and name in item and not attr.put:
            raise HTTPBadRequest(f"Cannot update read-only attribute {name}")
    for name in list(item):
        attr = defn.attrs[name]
        try:
            if attr.convert is not None:
                item[name] = attr.convert(item[name])
        except errors.BadRequest as error:
            raise HTTPBadRequest(f"Invalid input for {name}. Reason: {_reason(error)}.") from None
        reason = attr.validate(item[name]) if attr.validate else None
        if reason:
            raise HTTPBadRequest(f"Invalid input for {name}. Reason: {reason}.")
    return item


def _reason(error: errors.FakeNovaError) -> str:
    text = error.message
    prefix = "Invalid input for operation: "
    return text[len(prefix):].rstrip(".") if text.startswith(prefix) else text


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def explicit(defn: Definition, item: Mapping[str, Any], *, creating: bool) -> List[str]:
    """The ``enforce_policy`` attributes a request sets (to a non-default value on create), whose
    ``<rule>:<attr>`` rules also apply."""
    return [name for name, attr in defn.attrs.items() if attr.enforce_policy and name in item
            and (not creating or item[name] != attr.default)]


# --- records --------------------------------------------------------------------------------------------


def new_record(defn: Definition, rid: str, item: Mapping[str, Any], now: float) -> Record:
    """A stored record from a prepared create body: every attribute present, standard ones set."""
    record = {name: _copy(attr.default) if attr.default not in (REQUIRED, UNSET) else None
              for name, attr in defn.attrs.items()}
    record.update(item)
    record.update(id=rid, tags=[], created_at=now, updated_at=now, revision_number=1)  # as Neutron shows it
    return record


def bumped(record: Mapping[str, Any], changes: Mapping[str, Any], now: float) -> Record:
    """``record`` with ``changes``, its revision bumped and ``updated_at`` moved (Neutron bumps on any
    update, even one that changes nothing)."""
    return {**record, **changes, "updated_at": now, "revision_number": record["revision_number"] + 1}


def view(defn: Definition, record: Mapping[str, Any], hidden: Sequence[str] = ()) -> Record:
    """The body of a record: its visible attributes as shown, minus the policy-``hidden`` ones."""
    body = {}
    for name, attr in defn.attrs.items():
        if attr.visible and name not in hidden:
            value = record.get(name)
            body[name] = attr.present(value) if attr.present and value is not None else value
    return body
