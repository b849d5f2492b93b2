"""The records fakenova keeps: servers and their parts, as frozen dataclasses with ``__slots__``.

A record is never mutated, nor are the mappings it holds; use cases build a new one with :func:`evolve` inside
``store.compute`` (its fast copier lives in :mod:`fakenova.fastcopy` and is re-exported here). Catalogue data
(flavors, images, networks, keypairs, identities) is kept as plain dicts loaded from fixtures, since nothing
derives from it.

Memory (a store holds tens of thousands of servers): records have slots, not an instance dict (a 50-field
dict alone is ~1.6 KB), and a new :class:`Server` shares its flavor snapshot with every equal one and its
empty metadata and scheduler hints with every server (:func:`share`), which is safe because nothing changes
a record's mappings in place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Hashable, Mapping, Optional, Tuple

from ..fastcopy import evolve, slotted
from .pace import Immediate, Pace
from .states import PowerState, TaskState, VmState

__all__ = ["Fault", "Nic", "Transition", "Server", "evolve", "share", "EMPTY"]

if TYPE_CHECKING:  # the lifecycle table imports this module's neighbours; only the type is needed here
    from .lifecycle.table import Action

#: equal flavor snapshots, shared by the servers that hold them (bounded: fixtures have a handful)
_FLAVORS: Dict[Hashable, Mapping[str, Any]] = {}
_FLAVORS_MAX = 1024
#: id -> the shared snapshot itself, so a server built from a shared snapshot skips the equality key
_SHARED: Dict[int, Mapping[str, Any]] = {}
#: the one empty mapping every server without metadata or scheduler hints holds
EMPTY: Mapping[str, Any] = {}


def _frozen(value: Any) -> Hashable:
    if isinstance(value, dict):
        return (dict, tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_frozen(item) for item in value))
    hash(value)
    return (type(value), value)


def share(flavor: Optional[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    """The shared copy of a flavor snapshot equal to ``flavor`` (``flavor`` itself the first time)."""
    if type(flavor) is not dict or _SHARED.get(id(flavor)) is flavor:
        return flavor  # not a snapshot, or already the shared one (every create after the first)
    try:
        key = _frozen(flavor)
    except TypeError:  # an unhashable value somewhere: keep the server's own copy
        return flavor
    shared = _FLAVORS.get(key)
    if shared is None:
        if len(_FLAVORS) >= _FLAVORS_MAX:
            return flavor
        shared = _FLAVORS[key] = flavor
        _SHARED[id(flavor)] = flavor  # kept alive by _FLAVORS, so the id stays this object's
    return shared


@slotted
@dataclass(frozen=True)
class Fault:
    """Why a server is in ERROR: rendered as ``fault`` for ERROR and DELETED servers."""

    code: int
    message: str
    created: float
    details: str = ""


@slotted
@dataclass(frozen=True)
class Nic:
    """One port of a server on one network, with its fixed addresses as (ip version, address).

    ``floating_ips`` mirrors the Neutron floating IPs associated with this port, in association order;
    ``domain/floating_ips.py`` keeps it in step with the floating IP records (same ``store.atomically``).
    """

    port_id: str
    network_id: str
    network_name: str
    subnet_id: str
    mac: str
    ips: Tuple[Tuple[int, str], ...]
    tag: Optional[str] = None
    floating_ips: Tuple[str, ...] = ()


@slotted
@dataclass(frozen=True)
class Transition:
    """An action under way: which lifecycle row, which outcome, where along its path, since when.

    ``origin`` is the vm_state the action started from, for ends that return to it (resume, revert).
    ``destination`` and ``zone`` are the host placement chose for a server without one, and its zone: the
    path's first step on a host puts the server there.
    """

    action: Action
    outcome: str
    step: int
    started: float
    polls: int
    origin: VmState
    pace: Pace = Immediate()
    fault: Optional[Fault] = None
    destination: Optional[str] = None
    zone: Optional[str] = None


@slotted
@dataclass(frozen=True)
class Server:
    """A server as stored; ``status`` is never stored (see ``states.derive_status``)."""

    id: str
    name: str
    project_id: str
    user_id: str
    flavor: Mapping[str, Any]
    image_id: str
    created_at: float
    updated_at: float
    vm_state: VmState = VmState.BUILDING
    task_state: Optional[TaskState] = TaskState.SCHEDULING
    power_state: PowerState = PowerState.NOSTATE
    progress: int = 0
    launched_at: Optional[float] = None
    terminated_at: Optional[float] = None
    deleted_at: Optional[float] = None
    deleted: bool = False
    locked_by: Optional[str] = None
    locked_reason: Optional[str] = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    tags: Tuple[str, ...] = ()
    key_name: Optional[str] = None
    access_ipv4: str = ""
    access_ipv6: str = ""
    disk_config: str = "MANUAL"
    config_drive: bool = False
    availability_zone: str = ""
    requested_zone: Optional[str] = None
    host: Optional[str] = None
    node: Optional[str] = None
    instance_name: str = ""
    hostname: str = ""
    reservation_id: str = ""
    launch_index: int = 0
    user_data: Optional[str] = None
    description: Optional[str] = None
    trusted_image_certificates: Optional[Tuple[str, ...]] = None
    security_groups: Tuple[str, ...] = ()
    nics: Tuple[Nic, ...] = ()
    volumes_attached: Tuple[Tuple[str, bool], ...] = ()
    fault: Optional[Fault] = None
    scheduler_hints: Mapping[str, Any] = field(default_factory=dict)
    pinned_availability_zone: Optional[str] = None
    server_groups: Tuple[str, ...] = ()
    root_device_name: Optional[str] = None
    kernel_id: str = ""
    ramdisk_id: str = ""
    transition: Optional[Transition] = None
    # A resize or cold migration in progress (Nova's instance.new_flavor/old_flavor and the old_vm_state it
    # keeps in system metadata): confirmResize and revertResize read them.
    new_flavor: Optional[Mapping[str, Any]] = None
    old_flavor: Optional[Mapping[str, Any]] = None
    previous_vm_state: Optional[VmState] = None
    # Nova's ``shelved_at`` and ``shelved_image_id`` system metadata: when the server was shelved (offloaded
    # ``shelved_offload_time`` later) and the snapshot it is unshelved from.
    shelved_at: Optional[float] = None
    shelved_image_id: Optional[str] = None

    def __post_init__(self) -> None:
        """Share what many servers hold equal (see the module's note on memory)."""
        setattr_ = object.__setattr__
        flavor = share(self.flavor)
        if flavor is not self.flavor:
            setattr_(self, "flavor", flavor)
        if type(self.metadata) is dict and not self.metadata:
            setattr_(self, "metadata", EMPTY)
        if type(self.scheduler_hints) is dict and not self.scheduler_hints:
            setattr_(self, "scheduler_hints", EMPTY)
        if self.hostname == self.name:
            setattr_(self, "hostname", self.name)
