"""What a metadata-definition namespace holds: objects, properties, tags and resource type associations.

One table (:data:`KINDS`) says, for each kind, the namespace record's key, the policy rules (which also guard
its routes, ``fakenova/api/image/metadef_contents.py``) and Glance's messages (``glance/common/exception.py``);
the operations below read it. Every change is one ``compute`` on the namespace record. A protected namespace
refuses to delete what it holds (``MetadefObject.delete`` etc.).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from . import errors
from .context import RequestContext
from .metadefs import KIND, RESOURCE_TYPE, Namespace, enforce, ensure_resource_type, find
from .ports import Runtime

Item = Dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """One kind of namespace content: where it lives, its rules, and Glance's wording about it."""

    key: str
    #: the rule of the kind's list (``GET .../{key}``); the others guard one item each
    get_all: str
    get: str
    add: str
    modify: str
    delete: str
    duplicate: str
    missing: str
    protected: str
    #: whether a namespace that does not exist gets the repository's wording (objects) or the controller's
    plain_missing: bool = True
    #: tag names are unique regardless of case (the database's collation)
    fold_case: bool = False
    #: the rule of a create of several at once (tags' ``POST .../tags``); other kinds' collection ``POST``
    #: creates one, under ``add``
    add_all: str = ""


KINDS: Mapping[str, Kind] = {
    "objects": Kind(
        "objects", "get_metadef_objects", "get_metadef_object", "add_metadef_object", "modify_metadef_object",
        "delete_metadef_object",
        "A metadata definition object with name={name} already exists in namespace={namespace}.",
        "The metadata definition object with name={name} was not found in namespace={namespace}.",
        "Metadata definition object {name} is protected and cannot be deleted.", plain_missing=False),
    "properties": Kind(
        "properties", "get_metadef_properties", "get_metadef_property", "add_metadef_property",
        "modify_metadef_property", "remove_metadef_property",
        "A metadata definition property with name={name} already exists in namespace={namespace}.",
        "The metadata definition property with name={name} was not found in namespace={namespace}.",
        "Metadata definition property {name} is protected and cannot be deleted."),
    "tags": Kind(
        "tags", "get_metadef_tags", "get_metadef_tag", "add_metadef_tag", "modify_metadef_tag", "delete_metadef_tag",
        "A metadata tag with name={name} already exists in namespace={namespace}. (Please note that metadata tag "
        "names are case insensitive).",
        "The metadata definition tag with name={name} was not found in namespace={namespace}.",
        "Metadata definition tag {name} is protected and cannot be deleted.", fold_case=True,
        add_all="add_metadef_tags"),
    "resource_types": Kind(
        "resource_types", "list_metadef_resource_types", "get_metadef_resource_type",
        "add_metadef_resource_type_association", "", "remove_metadef_resource_type_association",
        "The metadata definition resource-type association of resource-type={name} to namespace={namespace} "
        "already exists.",
        "Failed to find resource type {name} to delete",
        "Metadata definition resource-type-association {name} is protected and cannot be deleted."),
}


def _taken(kind: Kind, items: Mapping[str, Any], name: str) -> bool:
    if kind.fold_case:
        return name.lower() in (existing.lower() for existing in items)
    return name in items


#: a namespace body's lists -> the kind of content each makes
_BODY_LISTS = {"objects": "objects", "tags": "tags", "resource_type_associations": "resource_types"}


def check_unique(body: Mapping[str, Any]) -> None:
    """A namespace body naming one object, tag or resource type twice: Glance's 409 (its database refuses
    the second row, and the namespace is removed again)."""
    for field, kind_name in _BODY_LISTS.items():
        kind = KINDS[kind_name]
        seen: Dict[str, Any] = {}
        for item in body.get(field) or ():
            if _taken(kind, seen, item["name"]):
                raise errors.Conflict(kind.duplicate.format(name=item["name"], namespace=body["namespace"]))
            seen[item["name"]] = item


def _namespace(runtime: Runtime, ctx: RequestContext, kind: Kind, namespace: str, rule: str) -> Namespace:
    found = find(runtime.store, ctx, namespace, plain_missing=kind.plain_missing)
    enforce(ctx, rule, found)
    return found


def listing(runtime: Runtime, ctx: RequestContext, kind_name: str, namespace: str) -> List[Item]:
    """The namespace's items of one kind in the order they were made (the database's ids)."""
    kind = KINDS[kind_name]
    found = _namespace(runtime, ctx, kind, namespace, kind.get_all)
    return [{"name": name, **item} for name, item in (found.get(kind_name) or {}).items()]


def page(items: List[Item], query: Mapping[str, str], namespace: str) -> List[Item]:
    """Tags as their list pages them: ``sort_key`` (``created_at``) then ``created_at`` and id, ``sort_dir``
    (``desc``), after the ``marker`` tag's place, at most ``limit`` (0: all)."""
    key = query.get("sort_key", "created_at")
    order = sorted(enumerate(items), reverse=query.get("sort_dir", "desc") == "desc",
                   key=lambda pair: tuple((pair[1].get(name) is not None, pair[1].get(name) or 0)
                                          for name in (key, "created_at")) + (pair[0],))
    ordered = [item for _, item in order]
    marker = query.get("marker")
    if marker:
        names = [item["name"] for item in ordered]
        if marker not in names:
            raise errors.NotFound(KINDS["tags"].missing.format(name=marker, namespace=namespace))
        ordered = ordered[names.index(marker) + 1:]
    limit = int(query.get("limit") or 0)
    return ordered[:limit] if limit else ordered


def show(runtime: Runtime, ctx: RequestContext, kind_name: str, namespace: str, name: str) -> Item:
    kind = KINDS[kind_name]
    found = _namespace(runtime, ctx, kind, namespace, kind.get)
    item = (found.get(kind.key) or {}).get(name)
    if item is None:
        raise errors.NotFound(kind.missing.format(name=name, namespace=namespace))
    return {"name": name, **item}


def add(runtime: Runtime, ctx: RequestContext, kind_name: str, namespace: str, items: List[Item],
        *, bulk: bool = False, replace_all: bool = False) -> List[Item]:
    """Add ``items`` (each with its ``name``; ``bulk``: several at once, under the kind's ``add_all``);
    ``replace_all`` first drops what is there (tags without ``X-Openstack-Append``). A name already taken is
    Glance's 409 and adds nothing."""
    kind = KINDS[kind_name]
    _namespace(runtime, ctx, kind, namespace, kind.add_all if bulk else kind.add)
    now = ctx.now
    made = [{**item, "created_at": now, "updated_at": now} for item in items]
    store = runtime.store

    def put(current: Optional[Namespace]) -> Namespace:
        if current is None:
            raise errors.NotFound(f"Namespace {namespace} not found")
        held: Dict[str, Any] = {} if replace_all else dict(current.get(kind.key) or {})
        for item in made:
            name = item["name"]
            if _taken(kind, held, name):
                raise errors.Conflict(kind.duplicate.format(name=name, namespace=namespace))
            held[name] = {key: value for key, value in item.items() if key != "name"}
            if kind_name == "resource_types":
                ensure_resource_type(store, name, now)
        return {**current, kind.key: held}

    store.compute(KIND, namespace, put, touches=(RESOURCE_TYPE,))
    return made


def replace(runtime: Runtime, ctx: RequestContext, kind_name: str, namespace: str, name: str,
            item: Item) -> Item:
    """``PUT`` an item: the body replaces it (a new ``name`` renames it); ``created_at`` stays."""
    kind = KINDS[kind_name]
    _namespace(runtime, ctx, kind, namespace, kind.modify)
    new_name = item["name"]

    def put(current: Optional[Namespace]) -> Namespace:
        held = dict((current or {}).get(kind.key) or {})
        if current is None or name not in held:
            raise errors.NotFound(kind.missing.format(name=name, namespace=namespace))
        others = {key: value for key, value in held.items() if key != name}
        if _taken(kind, others, new_name):
            raise errors.Conflict(kind.duplicate.format(name=new_name, namespace=namespace))
        made = {**{key: value for key, value in item.items() if key != "name"},
                "created_at": held[name].get("created_at"), "updated_at": ctx.now}
        # a rename keeps the item's place (its database id)
        return {**current, kind.key: {new_name if key == name else key: made if key == name else value
                                      for key, value in held.items()}}

    updated = runtime.store.compute(KIND, namespace, put)
    return {"name": new_name, **updated[kind.key][new_name]}


def remove(runtime: Runtime, ctx: RequestContext, kind_name: str, namespace: str, name: str) -> None:
    kind = KINDS[kind_name]
    _namespace(runtime, ctx, kind, namespace, kind.delete)

    def drop(current: Optional[Namespace]) -> Namespace:
        held = dict((current or {}).get(kind.key) or {})
        if current is None or name not in held:
            raise errors.NotFound(kind.missing.format(name=name, namespace=namespace))
        if current.get("protected"):
            raise errors.Forbidden(kind.protected.format(name=name))
        del held[name]
        return {**current, kind.key: held}

    runtime.store.compute(KIND, namespace, drop)


def unprefixed(runtime: Runtime, ctx: RequestContext, namespace: str, name: str, resource_type: str) -> str:
    """A property name asked for with ``?resource_type=``: less the association's prefix (Glance's 404s when
    there is no such association or the name lacks the prefix)."""
    found = find(runtime.store, ctx, namespace)
    enforce(ctx, "get_metadef_resource_type", found)
    association = (found.get("resource_types") or {}).get(resource_type)
    if association is None:
        raise errors.NotFound(f"The metadata definition resource-type association of resource-type={resource_type} "
                              f"to namespace={namespace}, was not found.")
    prefix = association.get("prefix")
    if not prefix or not name.startswith(prefix):
        raise errors.NotFound(f"Property {name} does not start with the expected resource type association prefix "
                              f"of '{prefix}'.")
    return name[len(prefix):]


def resource_types(runtime: Runtime) -> List[Item]:
    """``GET /v2/metadefs/resource_types``: every resource type, as the database lists them."""
    return list(runtime.store.list(RESOURCE_TYPE))
