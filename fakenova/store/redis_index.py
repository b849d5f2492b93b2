"""What the Redis store keeps per record beside its value, and the byte order its sorted sets sort by.

An ordered kind (``define_order``) is a sorted set of members with equal scores, so Redis orders them by
their bytes: :func:`sortable` turns an ``order(record) + (key,)`` tuple into bytes whose order is the tuple's
(numbers as flipped IEEE doubles, strings escaped and terminated so no encoding is a prefix of another).
The member is that, then the raw key and its length, so a script can take the key back without decoding.
Each stored record carries its :class:`Meta` (project, member, marks held, contributions to the sums and to
the per-group totals), so a
write knows what to take out of the indexes without running the order functions on the record it replaces.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

Order = Callable[[Any], Tuple[Any, ...]]
Mark = Callable[[Any], bool]
Sum = Callable[[Any], Tuple[int, ...]]

_DOUBLE = struct.Struct(">d")
_UINT = struct.Struct(">Q")
_LENGTH = struct.Struct(">H")
_SIGN = 1 << 63


def _number(value: float) -> bytes:
    bits = _UINT.unpack(_DOUBLE.pack(float(value)))[0]
    return b"\x02" + _UINT.pack(bits ^ 0xFFFFFFFFFFFFFFFF if bits & _SIGN else bits | _SIGN)


def _text(tag: bytes, data: bytes) -> bytes:
    return tag + data.replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def sortable(entry: Tuple[Any, ...]) -> bytes:
    """Bytes that sort as ``entry`` does (None, then numbers, then strings); no result prefixes another."""
    parts = []
    for item in entry:
        if item is None:
            parts.append(b"\x01")
        elif isinstance(item, (int, float)):
            parts.append(_number(item))
        elif isinstance(item, str):
            parts.append(_text(b"\x03", item.encode("utf-8")))
        elif isinstance(item, bytes):
            parts.append(_text(b"\x04", item))
        else:
            raise TypeError(f"cannot order by a {type(item).__name__}")
    return b"".join(parts)


def member(entry: Tuple[Any, ...], key: str) -> bytes:
    """The sorted-set member of ``key`` at ``entry`` (its ``order(record)``): sortable bytes of
    ``entry + (key,)``, then the key and its length for :data:`~fakenova.store.redis_scripts` to read."""
    raw = key.encode("utf-8")
    return sortable((*entry, key)) + raw + _LENGTH.pack(len(raw))


def key_of(member_bytes: bytes) -> str:
    """The key a :func:`member` was made for."""
    length = _LENGTH.unpack(member_bytes[-2:])[0]
    return member_bytes[-2 - length:-2].decode("utf-8")


@dataclass(frozen=True)
class Definition:
    """One ordered kind's functions (``OrderedStore.define_order``)."""

    order: Order
    marks: Mapping[str, Mark]
    sums: Mapping[str, Sum]

    def meta(self, key: str, value: Any) -> Tuple[bytes, Tuple[str, ...], Dict[str, Tuple[int, ...]]]:
        """(member, marks that hold, sum contributions) of ``value`` stored under ``key``."""
        return (member(tuple(self.order(value)), key), tuple(name for name, holds in self.marks.items()
                                                            if holds(value)),
                {name: tuple(part(value)) for name, part in self.sums.items()})


@dataclass(frozen=True)
class Meta:
    """What a stored record carries beside its value: its project and, for an ordered kind, its index entry."""

    project: Optional[str]
    member: Optional[bytes] = None
    marks: Tuple[str, ...] = ()
    sums: Optional[Dict[str, Tuple[int, ...]]] = None
    #: GroupedStore totals it counts in: name -> (its group, its contribution)
    groups: Optional[Dict[str, Tuple[str, Tuple[int, ...]]]] = None

    def pack(self) -> list:
        return [self.project, self.member, list(self.marks), {k: list(v) for k, v in (self.sums or {}).items()}]

    def pack_groups(self) -> dict:
        return {name: [group, list(parts)] for name, (group, parts) in (self.groups or {}).items()}

    @classmethod
    def unpack(cls, data: list, groups: Optional[dict] = None) -> "Meta":
        project, member_bytes, marks, sums = data
        return cls(project, member_bytes, tuple(marks), {k: tuple(v) for k, v in sums.items()} if sums else None,
                   {name: (group, tuple(parts)) for name, (group, parts) in groups.items()} if groups else None)
