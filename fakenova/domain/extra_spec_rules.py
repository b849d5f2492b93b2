"""Which flavor extra specs Nova knows and what values it takes (validated from microversion 2.86).

One table, ``RULES``, restating the facts of Nova's ``nova/api/validation/extra_specs/*`` (the names, with
``{param}`` placeholders, and each value's type, choices, format or bounds), and one function that judges a
key and value as Nova's ``validators.validate`` does: a known key must have a valid value; an unknown key in
a namespace Nova knows (``hw:``, ``quota:``, ``resources1:`` ...) is refused; anything else is allowed.

Known gap: Nova checks ``trait`` keys against the os-traits catalogue; this table accepts any upper-case
trait name (fakenova does not carry that catalogue).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Sequence, Tuple

from . import errors
from .strings import parse_bool

_CPU_MASK = r"\^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*"
_GROUP = r"([a-zA-Z0-9_-]{1,64})?"
_FILTER = r"(:\w+)*"
_SHARES_LEVELS = ("custom", "high", "normal", "low")


@dataclass(frozen=True)
class Rule:
    """One known extra spec: its value ``kind`` (``str``, ``int`` or ``bool``) and the value's constraints.

    :param params: placeholder -> regex, for names such as ``hw:numa_cpus.{num}``.
    """

    name: str
    kind: str = "str"
    enum: Tuple[str, ...] = ()
    pattern: Optional[str] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def name_regex(self) -> str:
        regex = self.name
        for param, pattern in self.params.items():
            regex = regex.replace(f"{{{param}}}", f"(?P<{param}>{pattern})")
        return regex


def _ints(names: Sequence[str], minimum: Optional[int] = 0) -> Tuple[Rule, ...]:
    return tuple(Rule(name, "int", minimum=minimum) for name in names)


def _bools(names: Sequence[str]) -> Tuple[Rule, ...]:
    return tuple(Rule(name, "bool") for name in names)


_HW = (
    *_bools(["hw:cpu_realtime", "hw:hide_hypervisor_id", "hw:locked_memory", "hw:boot_menu",
             "hw:vif_multiqueue_enabled", "hw:mem_encryption", "hw:pmu", "hw:virtio_packed_ring",
             "hw:ephemeral_encryption"]),
    Rule("hw:cpu_realtime_mask", pattern=r"(\^)?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*"),
    Rule("hw:cpu_policy", enum=("dedicated", "shared", "mixed")),
    Rule("hw:cpu_thread_policy", enum=("prefer", "isolate", "require")),
    Rule("hw:emulator_threads_policy", enum=("isolate", "share")),
    Rule("hw:cpu_dedicated_mask", pattern=_CPU_MASK),
    Rule("hw:mem_page_size", pattern=r"(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)"),
    Rule("hw:numa_cpus.{num}", pattern=_CPU_MASK, params={"num": r"\d+"}),
    Rule("hw:numa_mem.{num}", "int", minimum=1, params={"num": r"\d+"}),
    Rule("hw:pci_numa_affinity_policy", enum=("required", "preferred", "legacy", "socket")),
    *_ints(["hw:numa_nodes", "hw:cpu_sockets", "hw:cpu_cores", "hw:cpu_threads", "hw:cpu_max_sockets",
            "hw:cpu_max_cores", "hw:cpu_max_threads"], minimum=1),
    Rule("hw:mem_encryption_model", enum=("amd-sev", "amd-sev-es", "amd-sev-snp")),
    Rule("hw:pmem", pattern=r"([a-zA-Z0-9_]+(,)?)+"),
    *_ints(["hw:serial_port_count"]),
    Rule("hw:tpm_model", enum=("tpm-tis", "tpm-crb")),
    Rule("hw:tpm_version", enum=("1.2", "2.0")),
    Rule("hw:tpm_secret_security", enum=("user", "host", "deployment")),
    Rule("hw:watchdog_action", enum=("none", "pause", "poweroff", "reset", "disabled")),
    Rule("hw:viommu_model", enum=("intel", "smmuv3", "virtio", "auto")),
    Rule("hw:sound_model", enum=("sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "virtio")),
    Rule("hw:usb_model", enum=("none", "nec-xhci", "qemu-xhci")),
    Rule("hw:redirected_usb_ports", "int", minimum=0, maximum=15),
    Rule("hw:ephemeral_encryption_format", enum=("plain", "luks", "luksv2")),
    *_bools(["hw_rng:allowed"]),
    *_ints(["hw_rng:rate_bytes", "hw_rng:rate_period", "hw_video:ram_max_mb"]),
)

_QUOTA = (
    *(rule for kind in ("cpu", "memory", "disk_io", "vif") for rule in (
        Rule(f"quota:{kind}_limit", "int", minimum=0),
        Rule(f"quota:{kind}_reservation", "int"),
        Rule(f"quota:{kind}_shares_level", enum=_SHARES_LEVELS),
        Rule(f"quota:{kind}_shares_share", "int", minimum=0))),
    *_ints(["quota:cpu_shares", "quota:cpu_period"]),
    Rule("quota:cpu_quota", "int"),
    *_ints([f"quota:disk_{stat}_{metric}_sec" for stat in ("read", "write", "total")
            for metric in ("bytes", "iops")]),
    *_ints([f"quota:vif_{way}_{metric}" for way in ("inbound", "outbound")
            for metric in ("average", "peak", "burst")]),
)

_CAPABILITIES = (
    *(Rule(f"capabilities:{name}") for name in (
        "id", "uuid", "service_id", "host", "vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
        "local_gb_used", "hypervisor_type", "hypervisor_version", "hypervisor_hostname", "free_ram_mb",
        "free_disk_gb", "current_workload", "running_vms", "disk_available_least", "host_ip", "mapped",
        "cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio", "total_usable_ram_mb",
        "total_usable_disk_gb", "disk_mb_used", "free_disk_mb", "vcpus_total", "num_instances", "num_io_ops",
        "failed_builds", "aggregates", "cell_uuid", "updated")),
    *(Rule(f"capabilities:{name}{{filter}}", params={"filter": _FILTER}) for name in (
        "cpu_info", "metrics", "stats", "numa_topology", "supported_hv_specs", "pci_device_pools", "nodename",
        "pci_stats", "supported_instances", "limits", "instances")),
)

#: os-resource-classes' standard classes, which ``resources{group}:<class>`` may request
RESOURCE_CLASSES = (
    "VCPU", "MEMORY_MB", "DISK_GB", "PCI_DEVICE", "SRIOV_NET_VF", "NUMA_SOCKET", "NUMA_CORE", "NUMA_THREAD",
    "NUMA_MEMORY_MB", "IPV4_ADDRESS", "VGPU", "VGPU_DISPLAY_HEAD", "NET_BW_EGR_KILOBIT_PER_SEC",
    "NET_BW_IGR_KILOBIT_PER_SEC", "PCPU", "MEM_ENCRYPTION_CONTEXT", "FPGA", "PGPU",
    "NET_PACKET_RATE_KILOPACKET_PER_SEC", "NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC",
    "NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC",
)

_PLACEMENT = (
    *(Rule(f"resources{{group}}:{name}", "int", params={"group": _GROUP}) for name in RESOURCE_CLASSES),
    Rule("resources{group}:CUSTOM_{resource}", "int", params={"group": _GROUP, "resource": "[A-Z0-9_]+"}),
    Rule("trait{group}:{trait}", enum=("required", "forbidden"), params={"group": _GROUP, "trait": "[A-Z0-9_]+"}),
)

#: every extra spec Nova validates, in its registration order (the first whose name matches judges)
RULES: Tuple[Rule, ...] = (
    *_bools(["hide_hypervisor_id"]),
    Rule("group_policy", enum=("isolate", "none")),
    *_HW, *_QUOTA, *_CAPABILITIES, *_PLACEMENT,
    Rule("aggregate_instance_extra_specs:{key}", params={"key": ".+"}),
    Rule("accel:device_profile"),
    Rule("pci_passthrough:alias", pattern=r"[^:]+:\d+(?:\s*,\s*[^:]+:\d+)*"),
    Rule("vmware:hw_version"),
    Rule("vmware:storage_policy"),
)

_BY_NAME: Dict[str, Rule] = {rule.name: rule for rule in RULES}
_COMPILED: Tuple[Tuple[re.Pattern, Rule], ...] = tuple((re.compile(rule.name_regex), rule) for rule in RULES)
#: the namespaces (the part before the first ``:``, itself a regex) in which unknown keys are refused
_NAMESPACES = tuple(re.compile(regex) for regex in dict.fromkeys(
    rule.name_regex.split(":", 1)[0] for rule in RULES if ":" in rule.name_regex))


class InvalidExtraSpec(errors.BadRequest):
    msg_fmt = "Validation failed; {reason}"


def _check_str(rule: Rule, value: str) -> None:
    if rule.pattern is not None and not re.fullmatch(rule.pattern, value):
        raise InvalidExtraSpec(reason=f"'{value}' is not of the format '{rule.pattern}'.")
    if rule.pattern is None and rule.enum and value not in rule.enum:
        raise InvalidExtraSpec(reason=f"'{value}' is not one of: {', '.join(rule.enum)}.")


def _check_int(rule: Rule, value: str) -> None:
    try:
        number = int(value)
    except ValueError:
        raise InvalidExtraSpec(reason=f"'{value}' is not a valid integer value.") from None
    if rule.maximum is not None and number > rule.maximum:
        raise InvalidExtraSpec(reason=f"'{number}' is greater than the max value of '{rule.maximum}'.")
    if rule.minimum is not None and number < rule.minimum:
        raise InvalidExtraSpec(reason=f"'{number}' is less than the min value of '{rule.minimum}'.")


def _check_bool(rule: Rule, value: str) -> None:
    if parse_bool(value) is None:
        raise InvalidExtraSpec(reason=f"'{value}' is not a valid boolean-like value.")


_CHECKS = {"str": _check_str, "int": _check_int, "bool": _check_bool}


def rule_for(name: str) -> Optional[Rule]:
    """The rule judging ``name``: an exact name first, then the first whose pattern matches it whole."""
    exact = _BY_NAME.get(name)
    if exact is not None:
        return exact
    return next((rule for regex, rule in _COMPILED if regex.fullmatch(name)), None)


def validate(name: str, value: str) -> None:
    """400 ``Validation failed; ...`` (Nova's wording) for a bad value or an unknown key of a known namespace."""
    rule = rule_for(name)
    if rule is not None:
        _CHECKS[rule.kind](rule, value)
        return
    namespace = name.split(":", 1)[0] if ":" in name else None
    if namespace is not None and any(regex.fullmatch(namespace) for regex in _NAMESPACES):
        raise InvalidExtraSpec(reason=f"extra spec '{name}' does not appear to be a valid extra spec.")
