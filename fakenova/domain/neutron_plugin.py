"""The use cases behind every Neutron resource: list, get, create, update, delete and tags, with policy.

:class:`StoredPlugin` keeps a resource's records in the store kind its :class:`Definition` names and
applies Neutron's rules in force (:mod:`fakenova.domain.neutron_policy`): a record the caller may not
``get_<resource>`` is invisible (404, and absent from lists), a write the rule refuses on a visible record
is 403, ``get_<resource>:<attr>`` rules hide attributes. A resource subclasses it and overrides the hooks
(``target`` for the policy target, ``check_create``/``check_update``/``check_delete``, ``effective`` for
derived values); the HTTP side (``fakenova.api.network.resource``) is the same for all of them.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, cast

from ..store.base import IndexedStore
from . import errors, network_quotas
from . import neutron_policy as policy
from . import neutron_validators as validators
from .context import RequestContext
from .neutron_errors import BadRequest, InvalidInput, TagNotFound
from .neutron_resource import Definition, Record, bumped, explicit, new_record, view
from .ports import Runtime, Store

MAX_TAGS = 50
#: store class -> whether it offers IndexedStore (a runtime Protocol's isinstance inspects every method)
_INDEXED_CLASSES: Dict[type, bool] = {}


def _filed(name: str) -> Callable[[Any], Optional[str]]:
    """What a record is filed under in the index of attribute ``name``: its stored value, unless empty."""
    return lambda record: record.get(name) or None


class StoredPlugin:
    """A Neutron resource stored as dict records of ``definition.kind``."""

    definition: Definition
    #: store kinds the hooks write besides the resource's own (``Store.compute`` touches)
    touches: Sequence[str] = ()
    #: attributes whose stored value may decide a non-empty filter before ``effective`` runs (a fast path
    #: for ``GET /ports?device_id=``): ``effective`` never turns another stored value into a non-empty one
    prefilter: FrozenSet[str] = frozenset()

    #: attributes the store files records by (IndexedStore, one index per attribute, named after it), so a
    #: list filtered on one costs the records filed under the wanted values; like ``prefilter``,
    #: ``effective`` never turns another stored value into a non-empty one
    indexed: FrozenSet[str] = frozenset()

    #: the quota resource (:mod:`.network_quotas`) a create counts against (Neutron's registered resource
    #: name), checked before the create's own checks as Neutron's API layer reserves before the plugin runs;
    #: None: Neutron counts no quota for it
    quota: Optional[str] = None

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        prefix = f"get_{definition.singular}:"
        self._guarded = [name for name in definition.attrs if prefix + name in policy.RULES]

    # --- hooks ---------------------------------------------------------------------------------------

    def target(self, store: Store, record: Mapping[str, Any]) -> Dict[str, Any]:
        """What the rules see for ``record`` (a network's owner for its ports and subnets, say)."""
        return dict(record)

    def effective(self, store: Store, record: Record) -> Optional[Record]:
        """The record as it reads now (None: it is gone), for values derived from other records."""
        return record

    def check_create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        """Semantic checks and derived values for a new record (raise to refuse)."""
        return item

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        return changes

    def check_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        """Raise to refuse deleting ``record`` (in use)."""

    def after_delete(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        """Side effects of a delete (release addresses, delete children)."""

    # --- reads ---------------------------------------------------------------------------------------

    def define_indexes(self, store: Store) -> bool:
        """Have the store file records by the ``indexed`` attributes (idempotent); False when it cannot."""
        indexed = _INDEXED_CLASSES.get(type(store))
        if indexed is None:
            indexed = _INDEXED_CLASSES[type(store)] = isinstance(store, IndexedStore)
        if not indexed or not self.indexed:
            return False
        for name in sorted(self.indexed):
            cast(IndexedStore, store).define_index(self.definition.kind, name, _filed(name))
        return True

    def _candidates(self, store: Store, wanted: Mapping[str, Sequence[Any]]) -> List[Record]:
        """The stored records a list filtered by ``wanted`` can match: those filed under a wanted value of
        an indexed attribute, else all of them."""
        for name in sorted(self.indexed & set(wanted)):
            values = list(dict.fromkeys(wanted[name]))
            if values and all(isinstance(value, str) and value for value in values) and self.define_indexes(store):
                found = cast(IndexedStore, store)
                return [record for value in values for record in found.find(self.definition.kind, name, value)]
        return store.list(self.definition.kind)

    def all_records(self, store: Store, wanted: Optional[Mapping[str, Sequence[Any]]] = None) -> List[Record]:
        stored = self._candidates(store, wanted or {})
        for name in self.prefilter & set(wanted or ()):
            values = set((wanted or {})[name])
            if values and "" not in values and all(isinstance(value, str) for value in values):
                stored = [record for record in stored if record.get(name) in values]
        found = (self.effective(store, record) for record in stored)
        return [record for record in found if record is not None]

    def visible(self, ctx: RequestContext, store: Store, record: Mapping[str, Any]) -> bool:
        return policy.allowed(ctx, self.definition.rule("get"), self.target(store, record))

    def records(self, store: Store, ctx: RequestContext,
                wanted: Optional[Mapping[str, Sequence[Any]]] = None) -> List[Record]:
        """The records the caller may see (``wanted``: the list's filters, which may narrow the search)."""
        return [record for record in self.all_records(store, wanted) if self.visible(ctx, store, record)]

    def get(self, store: Store, ctx: RequestContext, rid: str) -> Record:
        """The record, or the resource's 404 when it is missing or hidden from the caller."""
        record = store.get(self.definition.kind, rid)
        record = self.effective(store, record) if record is not None else None
        if record is None or not self.visible(ctx, store, record):
            raise self.definition.not_found(rid)
        return record

    def body(self, store: Store, ctx: RequestContext, record: Record) -> Dict[str, Any]:
        """The record as the caller may see it (``get_<res>:<attr>`` rules hide attributes)."""
        target = self.target(store, record) if self._guarded else record
        prefix = f"get_{self.definition.singular}:"
        hidden = [name for name in self._guarded if not policy.allowed(ctx, prefix + name, target)]
        return view(self.definition, record, hidden)

    # --- writes --------------------------------------------------------------------------------------

    def authorize_create(self, store: Store, ctx: RequestContext, item: Record) -> None:
        target = self.target(store, item)
        policy.enforce(ctx, self.definition.rule("create"), target,
                       explicit(self.definition, item, creating=True))

    def create(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        """``POST /v2.0/<plural>`` with one item."""
        return self.create_all(runtime, ctx, [item])[0]

    def create_all(self, runtime: Runtime, ctx: RequestContext, items: Sequence[Record]) -> List[Record]:
        """Create ``items`` (a bulk create's batch) all or nothing, counted against the quota as one.

        Neutron's API layer reserves the whole batch per project before the plugin runs, so a batch over the
        quota makes nothing; counting and making hold the store's lock, so two creates racing for the last
        one cannot both have it. A later item refused deletes the earlier ones again.
        """
        store = runtime.store
        made: List[Record] = []
        with store.atomically():
            if self.quota is not None:
                network_quotas.check_many(store, self.quota, [item["project_id"] for item in items])
            try:
                for item in items:
                    made.append(self.make(runtime, ctx, item))
            except errors.FakeNovaError:
                for record in made:
                    self.delete(runtime, ctx, record["id"])
                raise
        return made

    def make(self, runtime: Runtime, ctx: RequestContext, item: Record) -> Record:
        """The plugin's own create, past the quota (Neutron's auto-allocation calls plugins this way)."""
        item = self.check_create(runtime, ctx, item)
        record = new_record(self.definition, runtime.ids.uuid(), item, ctx.now)
        self.store_new(runtime, ctx, record)
        return self.effective(runtime.store, record) or record

    def store_new(self, runtime: Runtime, ctx: RequestContext, record: Record) -> None:
        runtime.store.put(self.definition.kind, record["id"], record, project=record.get("project_id"))

    def _authorize(self, store: Store, ctx: RequestContext, action: str, record: Record,
                   attributes: Sequence[str] = ()) -> None:
        policy.enforce(ctx, self.definition.rule(action), self.target(store, record), attributes)

    def update(self, runtime: Runtime, ctx: RequestContext, rid: str, changes: Record) -> Record:
        store = runtime.store
        record = self.get(store, ctx, rid)
        self._authorize(store, ctx, "update", {**record, **changes},
                        explicit(self.definition, changes, creating=False))
        changes = self.check_update(runtime, ctx, record, changes)
        written = self._write(runtime, ctx, rid, changes)
        return self.effective(store, written) or written

    def _write(self, runtime: Runtime, ctx: RequestContext, rid: str, changes: Mapping[str, Any]) -> Record:
        def change(current: Optional[Record]) -> Record:
            if current is None:
                raise self.definition.not_found(rid)
            return bumped(current, changes, ctx.now)
        return runtime.store.compute(self.definition.kind, rid, change, touches=self.touches)

    def delete(self, runtime: Runtime, ctx: RequestContext, rid: str) -> None:
        store = runtime.store
        record = self.get(store, ctx, rid)
        self._authorize(store, ctx, "delete", record)
        with store.atomically():
            self.check_delete(runtime, ctx, record)
            store.delete(self.definition.kind, rid)
            self.after_delete(runtime, ctx, record)

    # --- tags (neutron/extensions/tagging.py) ----------------------------------------------------------

    def tags(self, store: Store, ctx: RequestContext, rid: str) -> List[str]:
        record = self.get(store, ctx, rid)
        self._authorize_tags(store, ctx, "get", record)
        return list(record["tags"])

    def has_tag(self, store: Store, ctx: RequestContext, rid: str, tag: str) -> None:
        _check_tag(tag)
        if tag not in self.tags(store, ctx, rid):
            raise TagNotFound(tag=tag)

    def set_tags(self, runtime: Runtime, ctx: RequestContext, rid: str, tags: Any) -> List[str]:
        if not isinstance(tags, dict) or "tags" not in tags:
            raise InvalidInput(error_message="Invalid tags body")
        reason = validators.list_of(validators.string(validators.TAG_LEN), unique_strings=True)(tags["tags"])
        if reason:
            raise InvalidInput(error_message=reason)
        return self._retag(runtime, ctx, rid, lambda current: list(tags["tags"]))

    def add_tag(self, runtime: Runtime, ctx: RequestContext, rid: str, tag: str) -> None:
        _check_tag(tag)
        self._retag(runtime, ctx, rid, lambda current: current + [tag] if tag not in current else current)

    def remove_tag(self, runtime: Runtime, ctx: RequestContext, rid: str, tag: Optional[str]) -> None:
        if tag is not None:
            _check_tag(tag)
            record = self.get(runtime.store, ctx, rid)
            if tag not in record["tags"]:
                self._authorize_tags(runtime.store, ctx, "delete", record)
                raise TagNotFound(tag=tag)
        self._retag(runtime, ctx, rid, lambda current: [t for t in current if tag is not None and t != tag],
                    action="delete")

    def _authorize_tags(self, store: Store, ctx: RequestContext, action: str, record: Record) -> None:
        """Neutron's tagging controller checks ``<action>_<resource>:tags`` on its own."""
        policy.enforce(ctx, f"{self.definition.rule(action)}:tags", self.target(store, record))

    def _retag(self, runtime: Runtime, ctx: RequestContext, rid: str, new: Callable[[List[str]], List[str]],
               action: str = "update") -> List[str]:
        record = self.get(runtime.store, ctx, rid)
        self._authorize_tags(runtime.store, ctx, action, record)
        tags = new(list(record["tags"]))
        if len(set(tags)) > MAX_TAGS:
            raise BadRequest(resource=self.definition.singular,
                             msg=f"The number of tags exceed the per-resource limit of {MAX_TAGS}")
        return self._write(runtime, ctx, rid, {"tags": tags})["tags"]


def _check_tag(tag: str) -> None:
    if len(tag) > 255:
        raise InvalidInput(error_message=f"'{tag}' exceeds maximum length of 255")
