"""Fast copies of frozen dataclass records: :func:`slotted` gives a record class ``__slots__`` and a generated
copier, and :func:`evolve` is :func:`dataclasses.replace` without calling ``__init__`` again.

Why this exists: ``replace`` re-runs ``__init__``, which for Server's 50 fields was the largest single cost of an
action (see the numbers in ``tests/test_fastcopy.py``'s docstring). What is surprising here, and why it is safe:

- the copier is generated with ``exec`` from the dataclass's own field names (no outside input), so each field
  is copied with a specialised slot write instead of a loop over ``fields()``;
- it fills a mutable *twin* class of the same slot layout, then switches the copy's ``__class__`` to the frozen
  class (same slots, so the layout is identical; the frozen class's ``__setattr__`` refuses writes afterwards);
- copiers are kept in a registry keyed by the frozen class.

``tests/test_fastcopy.py`` pins the contract against ``dataclasses.replace`` for every record class.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Callable, Dict, FrozenSet, Tuple, TypeVar

__all__ = ["slotted", "evolve"]

R = TypeVar("R")
_FIELD_NAMES: Dict[type, FrozenSet[str]] = {}
#: per slotted record class, the function :func:`evolve` copies it with
_BUILDERS: Dict[type, Callable[[Any, Dict[str, Any]], Any]] = {}


def _getstate(self: Any) -> Tuple[Any, ...]:
    return tuple(getattr(self, name) for name in self.__slots__)


def _setstate(self: Any, state: Tuple[Any, ...]) -> None:
    for name, value in zip(self.__slots__, state):
        object.__setattr__(self, name, value)


def slotted(cls: "type[R]") -> "type[R]":
    """A frozen dataclass rebuilt with ``__slots__`` for its fields, as ``dataclass(slots=True)`` does on
    Python 3.10+ (this runs on 3.9 too), with pickling support and a fast copier for :func:`evolve`.

    The copier fills a mutable twin class of the same layout with plain attribute stores (specialised to slot
    writes, unlike ``object.__setattr__``), then switches the copy's ``__class__`` to the frozen class.
    """
    names = tuple(item.name for item in fields(cls))  # type: ignore[arg-type]
    namespace = {key: value for key, value in cls.__dict__.items()
                 if key not in names and key not in ("__dict__", "__weakref__")}
    namespace["__slots__"] = names
    namespace.setdefault("__getstate__", _getstate)
    namespace.setdefault("__setstate__", _setstate)
    frozen = type(cls)(cls.__name__, cls.__bases__, namespace)  # type: ignore[misc]
    frozen.__qualname__ = cls.__qualname__
    twin = type(f"_{cls.__name__}Copy", cls.__bases__, {"__slots__": names, "__module__": cls.__module__})
    source = "\n".join([
        "def copy(record, changes):",
        "    new = make(twin)",
        *(f"    new.{name} = record.{name}" for name in names),
        "    if changes:",
        "        try:",
        "            for name, value in changes.items():",
        "                setattr(new, name, value)",
        "        except AttributeError:",
        "            raise TypeError(f'{frozen.__name__} has no field(s) {sorted(set(changes) - set(names))}')"
        " from None",
        "    new.__class__ = frozen",
        "    return new",
    ])
    scope: Dict[str, Any] = {"make": object.__new__, "twin": twin, "frozen": frozen, "names": names}
    exec(source, scope)  # noqa: S102 - generated from the dataclass's own field names
    _BUILDERS[frozen] = scope["copy"]
    return frozen


def evolve(record: R, **changes: Any) -> R:
    """A copy of the dataclass ``record`` with ``changes`` applied, like :func:`dataclasses.replace`.

    ``replace`` calls ``__init__`` again, which for Server's 50 fields was the largest single cost of an
    action. Records have no ``__post_init__`` that derives a field (Server's only shares equal values), so a
    field-by-field copy is equivalent: :func:`slotted` records use their generated copier, other dataclasses
    a copy of their instance dict.
    """
    cls = type(record)
    build = _BUILDERS.get(cls)
    if build is not None:
        return build(record, changes)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
    if not names.issuperset(changes):
        raise TypeError(f"{cls.__name__} has no field(s) {sorted(set(changes) - names)}")
    state = record.__dict__.copy()
    state.update(changes)
    copy = object.__new__(cls)
    object.__setattr__(copy, "__dict__", state)
    return copy
