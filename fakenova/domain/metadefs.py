"""Glance metadata-definition namespaces: who sees one, the policy check on it, create, list, replace, delete.

A namespace is one ``metadef_namespace`` record keyed by its name; its objects, properties, tags and resource
type associations live inside it (``objects``/``properties``/``tags``/``resource_types``, each by name), so a
namespace and its contents change in one ``compute``. Resource types themselves are ``metadef_resource_type``
records (seeded as ``glance-manage db_load_metadefs`` leaves them, and made on first association).
Behaviour and messages are ``glance/api/v2/metadef_namespaces.py`` and ``glance/db/sqlalchemy/metadef_api``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import errors, metadef_schemas
from .context import RequestContext
from .images import parse_glance_limit
from .policy import allowed
from .ports import Runtime, Store

Namespace = Dict[str, Any]
KIND = "metadef_namespace"
RESOURCE_TYPE = "metadef_resource_type"
#: what a namespace holds, by name: the record's key for each kind of content
CONTENTS = ("objects", "properties", "tags", "resource_types")
#: attributes a client may not set (Glance's 403 ``Attribute '<name>' is read-only.``)
READ_ONLY = ("self", "schema", "created_at", "updated_at")
#: Glance's ``limit_param_default`` and ``api_limit_max``
LIMIT_DEFAULT, LIMIT_MAX = 25, 1000
FORBIDDEN = "You are not authorized to complete {rule} action."


def visible(namespace: Mapping[str, Any], ctx: RequestContext) -> bool:
    """``_is_namespace_visible``: admins, public namespaces, ownerless ones and the owner's own."""
    return (ctx.is_admin or namespace.get("owner") is None or namespace.get("visibility") == "public"
            or namespace.get("owner") == ctx.project_id)


def target(namespace: Mapping[str, Any]) -> Dict[str, Any]:
    """``MetadefAPIPolicy``'s target: the namespace's owner as ``project_id``, and its visibility."""
    return {"project_id": namespace.get("owner"), "visibility": namespace.get("visibility")}


def enforce(ctx: RequestContext, rule: str, namespace: Mapping[str, Any]) -> None:
    """``MetadefAPIPolicy._enforce``: a refusal is a bare 404 when the caller may not see the namespace."""
    if allowed(ctx, rule, target(namespace)):
        return
    if rule == "get_metadef_namespace" or not allowed(ctx, "get_metadef_namespace", target(namespace)):
        raise errors.NotFound()
    raise errors.Forbidden(FORBIDDEN.format(rule=rule))


def missing(name: str) -> errors.NotFound:
    """``MetadefNamespaceNotFound``."""
    return errors.NotFound(f"Metadata definition namespace={name} was not found.")


def find(store: Store, ctx: RequestContext, name: str, *, plain_missing: bool = True) -> Namespace:
    """The namespace the caller may see, else the controllers' 404 ``Namespace <name> not found`` (the
    repository's own wording for a namespace that does not exist where ``plain_missing`` is False)."""
    found = store.get(KIND, name)
    if found is None and not plain_missing:
        raise missing(name)
    if found is None or not visible(found, ctx):
        raise errors.NotFound(f"Namespace {name} not found")
    return found


def check_read_only(body: Mapping[str, Any], fields: Tuple[str, ...] = READ_ONLY) -> None:
    for key in fields:
        if key in body:
            raise errors.Forbidden(f"Attribute '{key}' is read-only.")


def _property_schema(value: Mapping[str, Any]) -> Dict[str, Any]:
    """A property's stored definition: what ``PropertyType`` keeps of the body, less its name."""
    return {key: value[key] for key in PROPERTY_KEYS if key in value and key != "name" and value[key] is not None}


#: ``PropertyType``'s attributes (wsme drops any other key of a property body)
PROPERTY_KEYS = ("name", "type", "title", "description", "operators", "default", "readonly", "minimum", "maximum",
                 "enum", "pattern", "minLength", "maxLength", "confidential", "items", "uniqueItems", "minItems",
                 "maxItems", "additionalItems")


def new_object(body: Mapping[str, Any], now: float) -> Dict[str, Any]:
    properties = body.get("properties")
    return {"name": body["name"], "description": body.get("description"), "required": body.get("required"),
            "properties": {name: _property_schema(value) for name, value in properties.items()}
            if isinstance(properties, dict) else None, "created_at": now, "updated_at": now}


def association(body: Mapping[str, Any], now: float) -> Dict[str, Any]:
    return {"name": body["name"], "prefix": body.get("prefix"), "properties_target": body.get("properties_target"),
            "created_at": now, "updated_at": now}


def seed_resource_type(name: str, now: float) -> Dict[str, Any]:
    """A seeded-system resource type (``db_load_metadefs`` marks them protected)."""
    return {"name": name, "protected": True, "created_at": now, "updated_at": now}


def ensure_resource_type(store: Store, name: str, now: float) -> None:
    """Glance makes an unknown resource type (unprotected) when a namespace is first associated with it."""
    if store.get(RESOURCE_TYPE, name) is None:
        store.put(RESOURCE_TYPE, name, {"name": name, "protected": False, "created_at": now, "updated_at": now})


def check_namespace(body: Any) -> Mapping[str, Any]:
    """The deserializer's checks of a namespace body (before the policy, as Glance runs them)."""
    check_read_only(body)
    metadef_schemas.validate(metadef_schemas.namespace(), body)
    return body


def new_namespace(body: Mapping[str, Any], owner: str, now: float, number: int) -> Namespace:
    """A namespace record from a checked body (or one of Glance's ``etc/metadefs`` documents, which have the
    same shape). ``number`` orders namespaces made at the same instant, as the database's ids do."""
    return {
        "id": number, "namespace": body["namespace"], "display_name": body.get("display_name"),
        # MetadefNamespace: private and unprotected unless the body says otherwise
        "description": body.get("description"), "visibility": body.get("visibility") or "private",
        "protected": body.get("protected") or False, "owner": body.get("owner", owner),
        "created_at": now, "updated_at": now,
        "objects": {item["name"]: new_object(item, now) for item in body.get("objects") or ()},
        "properties": {key: _property_schema(value) for key, value in (body.get("properties") or {}).items()},
        "tags": {item["name"]: {"name": item["name"], "created_at": now, "updated_at": now}
                 for item in body.get("tags") or ()},
        "resource_types": {item["name"]: association(item, now) for item in body.get("resource_type_associations")
                           or ()}}


def seed(store: Store, documents: List[Mapping[str, Any]], resource_types: List[str], now: float) -> None:
    """What ``glance-manage db_load_metadefs`` leaves (devstack runs it): the resource types, marked protected,
    then the namespaces of ``documents`` (owner ``admin`` unless they name one)."""
    for name in resource_types:
        store.put(RESOURCE_TYPE, name, seed_resource_type(name, now))
    for document in documents:
        record = new_namespace(document, "admin", now, store.next_counter(KIND))
        for name in record["resource_types"]:
            ensure_resource_type(store, name, now)
        store.put(KIND, record["namespace"], record)


def create(runtime: Runtime, ctx: RequestContext, body: Mapping[str, Any]) -> Namespace:
    """``POST /v2/metadefs/namespaces`` with a checked body: the namespace, with any contents it brings."""
    name, now = body["namespace"], ctx.now
    record = new_namespace(body, ctx.project_id, now, runtime.store.next_counter(KIND))

    def put(current: Optional[Namespace]) -> Namespace:
        if current is not None:
            raise errors.Conflict(f"The metadata definition namespace={name} already exists.")
        for kind in record["resource_types"]:
            ensure_resource_type(runtime.store, kind, now)
        return record

    return runtime.store.compute(KIND, name, put, touches=(RESOURCE_TYPE,))


def _limit(args: Mapping[str, str]) -> int:
    return parse_glance_limit(args.get("limit"), LIMIT_DEFAULT, LIMIT_MAX)


def _filters(ctx: RequestContext, args: Mapping[str, str]) -> List[Callable[[Namespace], bool]]:
    """The list's filters: what the caller may see (and pass ``get_metadef_namespace`` on), visibility and
    resource types (comma-separated, any of them)."""
    checks: List[Callable[[Namespace], bool]] = [
        lambda ns: visible(ns, ctx) and allowed(ctx, "get_metadef_namespace", target(ns))]
    visibility = args.get("visibility")
    if visibility:
        if visibility not in ("public", "private"):
            raise errors.BadRequest(f"Invalid visibility value: {visibility}")
        checks.append(lambda ns: ns.get("visibility") == visibility)
    if "resource_types" in args:
        wanted = set(args["resource_types"].split(","))
        checks.append(lambda ns: bool(wanted & set(ns.get("resource_types") or {})))
    return checks


def _sort_key(key: str) -> Callable[[Namespace], Tuple[Tuple[bool, Any], ...]]:
    """The database's order: ``sort_key``, then ``created_at``, then id; nulls first."""
    def of(ns: Namespace) -> Tuple[Tuple[bool, Any], ...]:
        return tuple((ns.get(name) is not None, ns.get(name) if ns.get(name) is not None else 0)
                     for name in (key, "created_at", "id"))
    return of


def listing(runtime: Runtime, ctx: RequestContext, args: Mapping[str, str]) -> Tuple[List[Namespace], bool]:
    """``GET /v2/metadefs/namespaces``: one page, and whether it is full (then a ``next`` link follows)."""
    sort_dir = args.get("sort_dir", "desc")
    if sort_dir not in ("asc", "desc"):
        raise errors.BadRequest(f"Invalid sort direction: {sort_dir}")
    limit = _limit(args)
    checks = _filters(ctx, args)
    store = runtime.store
    found = sorted((ns for ns in store.list(KIND) if all(check(ns) for check in checks)),
                   key=_sort_key(args.get("sort_key", "created_at")), reverse=sort_dir == "desc")
    marker = args.get("marker")
    if marker:
        after = find(store, ctx, marker, plain_missing=False)
        names = [ns["namespace"] for ns in found]
        found = found[names.index(after["namespace"]) + 1:] if after["namespace"] in names else []
    page = found[:limit]
    return page, bool(page) and len(page) == limit


def show(runtime: Runtime, ctx: RequestContext, name: str) -> Namespace:
    """``GET /v2/metadefs/namespaces/{name}``; one the caller may not see is a bare 404."""
    found = runtime.store.get(KIND, name)
    if found is None:
        raise missing(name)
    if not visible(found, ctx):
        raise errors.NotFound()
    enforce(ctx, "get_metadef_namespace", found)
    return found


def update(runtime: Runtime, ctx: RequestContext, name: str, body: Mapping[str, Any]) -> Namespace:
    """``PUT /v2/metadefs/namespaces/{name}``: the body replaces the namespace's own attributes."""
    store = runtime.store
    enforce(ctx, "modify_metadef_namespace", find(store, ctx, name))
    new_name = body["namespace"]
    changes = {"namespace": new_name, "display_name": body.get("display_name"),
               "description": body.get("description"), "visibility": body.get("visibility") or "private",
               "protected": body.get("protected") or False, "owner": body.get("owner") or ctx.project_id,
               "updated_at": ctx.now}

    def rename(current: Optional[Namespace]) -> Namespace:
        old = store.get(KIND, name)
        if old is None:
            raise errors.NotFound(f"Namespace {name} not found")
        if current is not None and new_name != name:
            raise errors.Conflict("Invalid update. It would result in a duplicate metadata definition namespace "
                                  f"with the same name of {new_name}")
        if new_name != name:
            store.delete(KIND, name)
        return {**old, **changes}

    return store.compute(KIND, new_name, rename, touches=(KIND,))


def protected_refusal(namespace: Mapping[str, Any]) -> None:
    """``MetadefNamespace.delete``: a protected namespace keeps itself and its contents."""
    if namespace.get("protected"):
        raise errors.Forbidden(f"Metadata definition namespace {namespace['namespace']} is protected and cannot "
                               "be deleted.")


def delete(runtime: Runtime, ctx: RequestContext, name: str, contents: Optional[str] = None) -> None:
    """``DELETE /v2/metadefs/namespaces/{name}`` (with everything in it), or only its ``contents`` (objects,
    properties or tags) for ``DELETE .../{contents}``; either is refused while the namespace is protected."""
    store = runtime.store
    namespace = find(store, ctx, name)
    enforce(ctx, "delete_metadef_namespace", namespace)
    if contents == "tags":
        enforce(ctx, "delete_metadef_tags", namespace)
    protected_refusal(namespace)

    def remove(current: Optional[Namespace]) -> Any:
        if current is None:
            raise errors.NotFound(f"Namespace {name} not found")
        protected_refusal(current)
        return store_remove() if contents is None else {**current, contents: {}}

    store.compute(KIND, name, remove)


def store_remove() -> Any:
    from ..store.base import REMOVE  # the store package's sentinel; domain code imports no store at load
    return REMOVE
