"""The record codec of out-of-process stores: any record value to compact bytes and back, versioned.

Records are plain values (dicts, lists, strings, numbers) and fakenova's frozen dataclasses and enums
(``Server`` with its ``Transition``, ``VmState`` ...). msgpack carries the plain values; an extension type
each carries what it cannot say itself: tuples (kept apart from lists, as records compare equal only so),
sets, dataclasses and enums. A dataclass or enum is named by ``module:qualname`` and may only come from
fakenova's own modules, so a store cannot be made to import anything else. A dataclass keeps only the
fields that differ from their defaults, by name: a server is a third of its full size, and a record written
before a field was added still decodes. The first byte is the codec version; :func:`decode` refuses others.
"""
from __future__ import annotations

import dataclasses
import enum
import importlib
from types import MappingProxyType
from typing import Any, Callable, Dict, List, Tuple

import msgpack

#: the first byte of every encoded value; a change of layout takes the next number
VERSION = 1
_PREFIX = bytes([VERSION])

#: extension type codes
_TUPLE, _SET, _FROZENSET, _DATACLASS, _ENUM = 1, 2, 3, 4, 5
#: modules a type named in stored bytes may come from
_TRUSTED = ("fakenova.",)


class CodecError(ValueError):
    """Bytes that are not a record of this codec's version, or name a type it may not build."""


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


_TYPES: Dict[str, type] = {}


def _resolve(name: str) -> type:
    """The class stored under ``name`` (``module:qualname``), from fakenova's modules only."""
    cls = _TYPES.get(name)
    if cls is None:
        module, _, qualname = name.partition(":")
        if not module.startswith(_TRUSTED):
            raise CodecError(f"refusing to build {name!r}: not a fakenova type")
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
        if not isinstance(found, type):
            raise CodecError(f"{name!r} is not a class")
        cls = _TYPES[name] = found
    return cls


#: per dataclass: (field name, default or MISSING, default factory or MISSING) for the fields __init__ takes
_FIELDS: Dict[type, List[Tuple[str, Any, Any]]] = {}


def _fields(cls: type) -> List[Tuple[str, Any, Any]]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = [(f.name, f.default, f.default_factory) for f in dataclasses.fields(cls)
                                if f.init]
    return found


def _is_default(value: Any, default: Any, factory: Any) -> bool:
    if default is not dataclasses.MISSING:
        return value is default or (type(value) is type(default) and value == default)
    if factory is not dataclasses.MISSING:
        return type(value) in (dict, list, tuple) and not value and type(factory()) is type(value)
    return False


def _pack(value: Any) -> Any:
    """msgpack's ``default``: what it cannot pack itself, as an extension."""
    kind = type(value)
    if kind is tuple:
        return msgpack.ExtType(_TUPLE, _packb(list(value)))
    if kind is set or kind is frozenset:
        return msgpack.ExtType(_SET if kind is set else _FROZENSET, _packb(list(value)))
    if kind is MappingProxyType:
        return dict(value)
    if isinstance(value, enum.Enum):
        return msgpack.ExtType(_ENUM, _packb([_name(kind), value.value]))
    if dataclasses.is_dataclass(value):
        fields = {name: getattr(value, name) for name, default, factory in _fields(kind)
                  if not _is_default(getattr(value, name), default, factory)}
        return msgpack.ExtType(_DATACLASS, _packb([_name(kind), fields]))
    if isinstance(value, str):  # a str subclass that is not an enum
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        return dict(value)
    raise TypeError(f"cannot encode a {kind.__name__} in a record")


def _unpack(code: int, data: bytes) -> Any:
    """msgpack's ``ext_hook``: build back what :func:`_pack` wrote."""
    items = _unpackb(data)
    if code == _TUPLE:
        return tuple(items)
    if code == _SET:
        return set(items)
    if code == _FROZENSET:
        return frozenset(items)
    if code == _ENUM:
        return _resolve(items[0])(items[1])
    if code == _DATACLASS:
        return _resolve(items[0])(**items[1])
    raise CodecError(f"unknown extension type {code}")


def _packb(value: Any) -> bytes:
    return msgpack.packb(value, default=_pack, strict_types=True, use_bin_type=True)


def _unpackb(data: bytes) -> Any:
    return msgpack.unpackb(data, ext_hook=_unpack, raw=False, strict_map_key=False, use_list=True)


def encode(value: Any) -> bytes:
    """``value`` as bytes: the version byte, then msgpack."""
    return _PREFIX + _packb(value)


def decode(data: bytes) -> Any:
    """The value :func:`encode` gave ``data`` for."""
    if not data or data[0] != VERSION:
        raise CodecError(f"not a version {VERSION} record (first byte {data[:1]!r})")
    return _unpackb(data[1:])


#: what a store calls to turn records into bytes and back
Encoder = Callable[[Any], bytes]
Decoder = Callable[[bytes], Any]

__all__ = ["VERSION", "CodecError", "decode", "encode"]
