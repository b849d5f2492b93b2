"""``sort_key``/``sort_dir`` of ``GET /servers``: the keys Nova sorts by, read from a stored server, and how
Nova turns the request's pairs into a total order (``common.get_sort_params``, ``remove_invalid_sort_keys``
and the database's ``process_sort_params``).

Keys outside ``SORT_FIELDS`` never get here: the query schema refuses them, and the legacy keys it still
accepts (``IGNORED``) are dropped with their direction. The order always ends in ``created_at`` then the
uuid, in the first direction, so it is total and a marker names one position.
"""
from __future__ import annotations

from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from ..microversions import V, Version
from . import errors
from .models import Server

#: sort key -> the value Nova's column holds for a server (None is NULL, which sorts first ascending)
SORT_FIELDS: Mapping[str, Callable[[Server], Any]] = {
    "access_ip_v4": lambda s: s.access_ipv4 or None,
    "access_ip_v6": lambda s: s.access_ipv6 or None,
    "auto_disk_config": lambda s: s.disk_config == "AUTO",
    "availability_zone": lambda s: s.availability_zone or None,
    "config_drive": lambda s: "True" if s.config_drive else "",
    "created_at": lambda s: s.created_at,
    "display_description": lambda s: s.description,
    "display_name": lambda s: s.name,
    "host": lambda s: s.host,
    "hostname": lambda s: s.hostname,
    "image_ref": lambda s: s.image_id,
    "instance_type_id": lambda s: str(s.flavor.get("id")) if s.flavor else None,
    "kernel_id": lambda s: s.kernel_id,
    "key_name": lambda s: s.key_name,
    "launch_index": lambda s: s.launch_index,
    "launched_at": lambda s: s.launched_at,
    "locked": lambda s: s.locked_by is not None,
    "locked_by": lambda s: s.locked_by,
    "node": lambda s: s.node,
    "power_state": lambda s: int(s.power_state),
    "progress": lambda s: s.progress,
    "project_id": lambda s: s.project_id,
    "ramdisk_id": lambda s: s.ramdisk_id,
    "root_device_name": lambda s: s.root_device_name,
    "task_state": lambda s: s.task_state.value if s.task_state else None,
    "terminated_at": lambda s: s.terminated_at,
    "updated_at": lambda s: s.updated_at,
    "user_id": lambda s: s.user_id,
    "uuid": lambda s: s.id,
    "vm_state": lambda s: s.vm_state.value,
}

#: legacy keys dropped silently with their direction, as (keys, ignored before this version or always):
#: ``locked`` became a real key at 2.73, and from 2.75 the schema refuses the rest
IGNORED: Tuple[Tuple[frozenset, Optional[Version]], ...] = (
    (frozenset("architecture cell_name cleaned default_ephemeral_device default_swap_device deleted deleted_at "
               "disable_terminate ephemeral_gb ephemeral_key_uuid id key_data launched_on memory_mb os_type "
               "reservation_id root_gb shutdown_terminate user_data vcpus vm_mode".split()), None),
    (frozenset({"locked"}), V("2.73")),
)
ADMIN_ONLY = ("host", "node")
DEFAULT_KEYS = ("created_at", "uuid")
_DIRECTIONS = ("asc", "desc")

SortSpec = Tuple[Tuple[str, bool], ...]  # (key, descending) pairs
DEFAULT: SortSpec = (("created_at", True), ("uuid", True))


def _ignored(version: Version) -> frozenset:
    return frozenset().union(*(keys for keys, until in IGNORED if until is None or version < until))


def parse(keys: Sequence[str], dirs: Sequence[str], version: Version, is_admin: bool) -> SortSpec:
    """The total order a request asks for.

    :raises errors.Forbidden: a member sorts by ``host`` or ``node``.
    :raises errors.BadRequest: a direction is not ``asc``/``desc``, or there are more directions than keys.
    """
    keys = [key.strip() for key in keys] or ["created_at"]
    dirs = [direction.strip() for direction in dirs] or ["desc"]
    ignored = _ignored(version)
    for key in list(keys):
        if key in ignored:
            if len(dirs) > keys.index(key):  # Nova drops the pair, when the pair exists
                dirs.pop(keys.index(key))
            keys.remove(key)
        elif key in ADMIN_ONLY and not is_admin:
            raise errors.Forbidden(f"Only administrators can sort servers by {key}")
    return _complete(keys, dirs)


def _complete(keys: List[str], dirs: List[str]) -> SortSpec:
    first = dirs[0] if dirs else "desc"
    for direction in dirs:
        if direction not in _DIRECTIONS:
            raise errors.BadRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
    dirs = dirs + [first] * (len(keys) - len(dirs))
    if len(dirs) > len(keys):
        raise errors.BadRequest("Invalid input received: Sort direction size exceeds sort key size")
    pairs = list(zip(keys, dirs)) + [(key, first) for key in DEFAULT_KEYS if key not in keys]
    return tuple((key, direction == "desc") for key, direction in pairs)


def is_index_order(spec: SortSpec) -> bool:
    """Whether ``spec`` is the store's own ``(created_at, uuid)`` order in one direction (walkable)."""
    return [key for key, _ in spec] == list(DEFAULT_KEYS) and spec[0][1] == spec[1][1]


def _null_first(value: Any) -> Tuple[bool, Any]:
    return (value is not None, value)


def sort(servers: List[Server], spec: SortSpec) -> List[Server]:
    """``servers`` in ``spec`` order (stable sorts from the last key to the first)."""
    ordered = list(servers)
    for key, descending in reversed(spec):
        field = SORT_FIELDS[key]
        ordered.sort(key=lambda server: _null_first(field(server)), reverse=descending)
    return ordered
