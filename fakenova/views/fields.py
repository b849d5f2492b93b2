"""Field tables and the one renderer that walks them: which key a body has, for whom, at which microversion.

A view is a :class:`FieldTable` of :class:`Field` rows. Each row says how to compute one key from the stored
record, the microversion range in which the key exists, whether only admins see it and, optionally, a
condition on the record (``progress`` only for some statuses). :func:`render` is the only code that looks at
those ranges, and it does so once per (table, version, role): the result is cached as a *plan*, so rendering
a list of a thousand servers walks a short tuple of callables per server and never compares versions.

Rows are the unit of version-dependent behaviour: a render never reads ``ctx.version`` (a behaviour that
changes with the version is a second row with its own range). So two versions whose plans hold the same rows
render identically, and a plan's :attr:`Plan.signature` (one number per distinct row sequence) is what a cache of
renderings keys on: a new row with a new ``since`` changes the signature at that version by construction.

Rows, tables and plans are generic over the record type ``R`` they render: ``FieldTable[Server]`` for
server bodies, ``FieldTable[Flavor]`` (a mapping) for flavors, so a render given the wrong record is a type
error rather than an ``AttributeError`` at one microversion.
"""
from __future__ import annotations

import dataclasses
import functools
import operator
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Generic, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar

from ..microversions import V, Version, VersionRange


def _no_image_properties(image_id: str) -> Optional[dict]:
    """Default image-property lookup: nothing known, so 2.98's ``image.properties`` renders as ``{}``."""
    return None


def _no_records(kind: str, key: str) -> Optional[Any]:
    """Default record lookup: nothing stored, so a row reading another record sees none."""
    return None


@dataclass(frozen=True)
class ViewContext:
    """Everything a view needs from the request, as plain values (the HTTP layer builds it).

    :param version: the negotiated microversion.
    :param is_admin: whether the caller passes Nova's admin-only policies.
    :param compute_url: the versioned compute base, e.g. ``http://127.0.0.1:8774/compute/v2.1``.
    :param bookmark_url: the unversioned compute base, e.g. ``http://127.0.0.1:8774/compute``.
    :param project_prefix: ``""``, or ``"/<project_id>"`` when the request URL carried the project id.
    :param image_url: the image service base, e.g. ``http://127.0.0.1:8774/image``.
    :param image_properties: image id -> its properties (for 2.98's ``image.properties``), or None.
    :param now: the injected clock's current time, epoch seconds.
    :param records: ``(kind, key) -> stored record or None``, for rows that read other records
        (:attr:`Field.reads`, e.g. 2.71's ``server_groups``).

    .. versionadded:: 0.1
    """

    version: Version
    is_admin: bool
    compute_url: str
    bookmark_url: str
    project_prefix: str = ""
    image_url: str = ""
    image_properties: Callable[[str], Optional[dict]] = _no_image_properties
    now: float = 0.0
    records: Callable[[str, str], Optional[Any]] = _no_records


#: the record type a view renders (``Server``, a flavor mapping, a keypair mapping, ...)
R = TypeVar("R")

Render = Callable[[R, ViewContext], Any]
Condition = Callable[[R, ViewContext], bool]


class Attr:
    """A render that returns one attribute of the record as is: ``Field("name", attr("name"))``.

    Behaves like any render callable; the planner also recognises it and reads all such attributes of a
    record with one C-level :func:`operator.attrgetter` call, which is most of a detail body's keys.
    """

    __slots__ = ("attribute",)

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __call__(self, record: object, ctx: "ViewContext") -> Any:
        return getattr(record, self.attribute)

    def __repr__(self) -> str:
        return f"attr({self.attribute!r})"


def attr(attribute: str) -> Attr:
    """A render returning ``record.<attribute>`` unchanged (see :class:`Attr`); fits any ``Field[R]``."""
    return Attr(attribute)


# eq=False: rows and tables hash by identity, which keeps the plan cache lookup O(1) and cheap.
@dataclass(frozen=True, eq=False)
class Field(Generic[R]):
    """One key of a view of records of type ``R``.

    :param name: the JSON key.
    :param render: ``(record, ctx) -> value``.
    :param since: first microversion with the key.
    :param until: last microversion with the key (inclusive), or None for open-ended.
    :param when: ``(record, ctx) -> bool``; the key is present only when it returns true.
    :param admin_only: only admins (by Nova's default policy) see the key.
    :param reads: records besides the server the render reads (``"image"``), so a cache of renderings knows
        what else an entry depends on.

    .. versionadded:: 0.1
    """

    name: str
    render: Render[R]
    since: str = "2.1"
    until: Optional[str] = None
    when: Optional[Condition[R]] = None
    admin_only: bool = False
    reads: Tuple[str, ...] = ()
    versions: VersionRange = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        versions = VersionRange.of(self.since, self.until)
        if versions.until is not None and versions.until < versions.since:
            raise ValueError(f"field {self.name!r}: until {self.until} is before since {self.since}")
        object.__setattr__(self, "versions", versions)

    def within(self, since: Optional[str] = None, until: Optional[str] = None) -> Optional["Field[R]"]:
        """This row narrowed to ``[since, until]``, or None when no version is left.

        Used to compose tables (PUT's view is a reduced view up to 2.74, then the full one).
        """
        low = max(self.versions.since, V(since)) if since else self.versions.since
        highs = [v for v in (self.versions.until, V(until) if until else None) if v is not None]
        high = min(highs) if highs else None
        if high is not None and high < low:
            return None
        return dataclasses.replace(self, since=str(low), until=str(high) if high else None)


class FieldTable(Generic[R]):
    """An ordered, checked sequence of :class:`Field` rows forming one view.

    Rows sharing a name must have disjoint version ranges (e.g. ``flavor`` as a link until 2.46, embedded
    from 2.47); this is checked here, so a bad table fails when its module is imported.

    :param name: the table's name, for error messages.
    :param rows: the rows; ``None`` entries (rows narrowed away by :meth:`Field.within`) are dropped.

    .. versionadded:: 0.1
    """

    def __init__(self, name: str, rows: Iterable[Optional[Field[R]]]) -> None:
        self.name = name
        self.rows: Tuple[Field[R], ...] = tuple(row for row in rows if row is not None)
        self._check()

    def _check(self) -> None:
        for index, row in enumerate(self.rows):
            for other in self.rows[index + 1:]:
                if other.name == row.name and _overlap(row.versions, other.versions):
                    raise ValueError(f"{self.name}: rows for {row.name!r} overlap ({row.versions} / "
                                     f"{other.versions})")

    def __iter__(self) -> Iterator[Field[R]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"FieldTable({self.name!r}, {len(self.rows)} rows)"

    def without(self, name: str, *more: str) -> "FieldTable[R]":
        """A new table with every row for the given key names removed."""
        dropped = {name, *more}
        return FieldTable(f"{self.name}-without-{'-'.join(sorted(dropped))}",
                          (row for row in self.rows if row.name not in dropped))

    def names(self) -> Tuple[str, ...]:
        """The distinct key names, in table order (for listings and tests)."""
        return tuple(dict.fromkeys(row.name for row in self.rows))


def _overlap(first: VersionRange, second: VersionRange) -> bool:
    first_ends_before = first.until is not None and first.until < second.since
    second_ends_before = second.until is not None and second.until < first.since
    return not (first_ends_before or second_ends_before)


@dataclass(frozen=True)
class Plan(Generic[R]):
    """A table resolved for one (version, role): what :func:`render` walks per record.

    ``names``/``getter`` read the plain-attribute keys in one call; ``computed`` are the other
    unconditional ``(name, render)`` pairs; ``conditional`` are ``(name, render, when)`` triples.
    ``signature`` is the same number for two plans exactly when they hold the same rows in the same order
    (so they render identically); ``reads`` is the union of the rows' :attr:`Field.reads`.
    """

    names: Tuple[str, ...]
    getter: Callable[[R], Tuple[Any, ...]]
    computed: Tuple[Tuple[str, Render[R]], ...]
    conditional: Tuple[Tuple[str, Render[R], Condition[R]], ...]
    signature: int
    reads: FrozenSet[str]


# Rows (in table order, which is key order) -> signature. Rows hash by identity. A lock, because two threads
# may resolve plans at once and each new row sequence must get a number no other sequence has.
_SIGNATURES: Dict[Tuple[Field[Any], ...], int] = {}
_SIGNATURES_LOCK = threading.Lock()


def _signature(rows: Iterable[Field[Any]]) -> int:
    with _SIGNATURES_LOCK:
        return _SIGNATURES.setdefault(tuple(rows), len(_SIGNATURES))


def _tuple_getter(attributes: Sequence[str]) -> Callable[[Any], Tuple[Any, ...]]:
    if not attributes:
        return lambda record: ()
    if len(attributes) == 1:
        single = operator.attrgetter(attributes[0])
        return lambda record: (single(record),)  # attrgetter of one name returns the bare value
    return operator.attrgetter(*attributes)


@functools.lru_cache(maxsize=2048)
def fields_for(table: FieldTable[R], version: Version, is_admin: bool) -> Plan[R]:
    """The rows of ``table`` that apply at ``version`` for this role, resolved once and cached.

    :param table: the view's table.
    :param version: the negotiated microversion.
    :param is_admin: whether admin-only rows apply.
    """
    rows = [row for row in table.rows if version in row.versions and (is_admin or not row.admin_only)]
    plain = [(row.name, row.render) for row in rows if row.when is None and isinstance(row.render, Attr)]
    return Plan(names=tuple(name for name, _ in plain),
                getter=_tuple_getter([render.attribute for _, render in plain if isinstance(render, Attr)]),
                computed=tuple((row.name, row.render) for row in rows
                               if row.when is None and not isinstance(row.render, Attr)),
                conditional=tuple((row.name, row.render, row.when) for row in rows if row.when is not None),
                signature=_signature(rows), reads=frozenset(read for row in rows for read in row.reads))


def _apply(plan: Plan[R], record: R, ctx: ViewContext) -> Dict[str, Any]:
    body = dict(zip(plan.names, plan.getter(record)))
    for name, compute in plan.computed:
        body[name] = compute(record, ctx)
    for name, compute, when in plan.conditional:
        if when(record, ctx):
            body[name] = compute(record, ctx)
    return body


def render(fields: FieldTable[R], record: R, ctx: ViewContext) -> Dict[str, Any]:
    """Render one record with a field table at the context's version and role.

    :param fields: the view's table.
    :param record: the stored record.
    :param ctx: the request's view context.

    .. versionadded:: 0.1
    """
    return _apply(fields_for(fields, ctx.version, ctx.is_admin), record, ctx)


def render_many(fields: FieldTable[R], records: Sequence[R], ctx: ViewContext) -> List[Dict[str, Any]]:
    """Render many records with one table; the plan is resolved once for the whole list.

    .. versionadded:: 0.1
    """
    plan = fields_for(fields, ctx.version, ctx.is_admin)
    return [_apply(plan, record, ctx) for record in records]
