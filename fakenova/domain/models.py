"""The records fakenova keeps: servers and their parts, as frozen dataclasses.

A record is never mutated; use cases build a new one with :func:`dataclasses.replace` inside
``store.compute``. Catalogue data (flavors, images, networks, keypairs, identities) is kept as plain dicts
loaded from fixtures, since nothing derives from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple

from .pace import Immediate, Pace
from .states import PowerState, TaskState, VmState


@dataclass(frozen=True)
class Fault:
    """Why a server is in ERROR: rendered as ``fault`` for ERROR and DELETED servers."""

    code: int
    message: str
    created: float
    details: str = ""


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


@dataclass(frozen=True)
class Transition:
    """An action under way: which lifecycle row, which outcome, where along its path, since when.

    ``origin`` is the vm_state the action started from, for ends that return to it (resume, revert).
    """

    action: str
    outcome: str
    step: int
    started: float
    polls: int
    origin: VmState
    pace: Pace = Immediate()
    fault: Optional[Fault] = None


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
