"""The filters of ``GET /servers``: one table row per query parameter, saying how Nova matches it and from
which microversion a member (not only an admin) may use it (nova-facts §d.4).

``FILTERS`` is the single statement of those facts; :func:`predicates` turns the parameters a request kept
into predicates over stored servers. Scope (``all_tenants``, ``project_id``), ``status``, ``deleted`` and the
time windows are decided in ``listing.py``, because they change what is listed rather than test a field.

Matching, as Nova's database layer does it: *regex* filters are an unanchored search over the column's text
(``name=bob`` matches ``bobb``; timestamps as ``YYYY-MM-DD HH:MM:SS``, integers as digits, NULL never
matches); *exact* filters compare the text; ``ip``/``ip6`` are Neutron's ``ip_address_substr`` substring over
the fixed addresses of every port (either version), their matches united; tag filters split on commas.
"""
from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional, Tuple

from ..microversions import V, Version
from . import errors, safe_regex
from .models import Server
from .strings import ACCEPTABLE, bool_from_string, parse_bool

Predicate = Callable[[Server], bool]
Subject = Callable[[Server], Optional[str]]


class Match(enum.Enum):
    REGEX = "regex"
    EXACT = "exact"
    LOCKED = "locked"
    IP = "ip"
    TAGS_ALL = "tags"
    TAGS_ANY = "tags-any"
    NOT_TAGS_ALL = "not-tags"
    NOT_TAGS_ANY = "not-tags-any"


@dataclass(frozen=True)
class Filter:
    """One query parameter: how it matches, what it reads, and since when members may use it.

    ``members_since=None`` means admin only at every version (ignored, silently, for members).
    """

    param: str
    match: Match
    subject: Optional[Subject] = None
    members_since: Optional[Version] = None


def _db_time(when: Optional[float]) -> Optional[str]:
    # The text a DATETIME column shows to REGEXP: whole seconds, a space, no zone.
    return None if when is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(when)))


def _text(value: object) -> Optional[str]:
    return None if value is None or value == "" else str(value)


_ADMIN = None
_V21, _V25, _V226, _V273, _V283, _V290 = V("2.1"), V("2.5"), V("2.26"), V("2.73"), V("2.83"), V("2.90")
_R, _E = Match.REGEX, Match.EXACT

FILTERS: Mapping[str, Filter] = {row.param: row for row in (
    Filter("reservation_id", _R, lambda s: s.reservation_id, _V21),
    Filter("name", _R, lambda s: s.name, _V21),
    Filter("display_name", _R, lambda s: s.name, _ADMIN),
    Filter("description", _R, lambda s: s.description, _ADMIN),
    Filter("display_description", _R, lambda s: s.description, _ADMIN),
    Filter("hostname", _R, lambda s: _text(s.hostname), _V290),
    Filter("key_name", _R, lambda s: s.key_name, _V283),
    Filter("availability_zone", _R, lambda s: _text(s.availability_zone), _V283),
    Filter("config_drive", _R, lambda s: "True" if s.config_drive else "", _V283),
    Filter("created_at", _R, lambda s: _db_time(s.created_at), _V283),
    Filter("launched_at", _R, lambda s: _db_time(s.launched_at), _V283),
    Filter("terminated_at", _R, lambda s: _db_time(s.terminated_at), _V283),
    Filter("power_state", _R, lambda s: str(int(s.power_state)), _V283),
    Filter("progress", _R, lambda s: str(s.progress), _V283),
    Filter("node", _R, lambda s: s.node, _ADMIN),
    Filter("kernel_id", _R, lambda s: s.kernel_id, _ADMIN),
    Filter("ramdisk_id", _R, lambda s: s.ramdisk_id, _ADMIN),
    Filter("root_device_name", _R, lambda s: s.root_device_name, _ADMIN),
    Filter("launch_index", _R, lambda s: str(s.launch_index), _ADMIN),
    Filter("locked_by", _R, lambda s: s.locked_by, _ADMIN),
    Filter("access_ip_v4", _R, lambda s: _text(s.access_ipv4), _ADMIN),
    Filter("access_ip_v6", _R, lambda s: _text(s.access_ipv6), _ADMIN),
    Filter("auto_disk_config", _R, lambda s: "1" if s.disk_config == "AUTO" else "0", _ADMIN),
    Filter("image", _E, lambda s: s.image_id, _V21),
    Filter("image_ref", _E, lambda s: s.image_id, _ADMIN),
    # Nova resolves the flavor id first; an unknown one lists nothing rather than failing.
    Filter("flavor", _E, lambda s: _text(s.flavor.get("id")) if s.flavor else None, _V21),
    Filter("user_id", _E, lambda s: s.user_id, _V283),
    Filter("vm_state", _E, lambda s: s.vm_state.value, _V283),
    Filter("task_state", _E, lambda s: s.task_state.value if s.task_state else None, _V283),
    Filter("host", _E, lambda s: s.host, _ADMIN),
    Filter("uuid", _E, lambda s: s.id, _ADMIN),
    Filter("locked", Match.LOCKED, None, _V273),
    Filter("ip", Match.IP, None, _V21),
    Filter("ip6", Match.IP, None, _V25),
    Filter("tags", Match.TAGS_ALL, None, _V226),
    Filter("tags-any", Match.TAGS_ANY, None, _V226),
    Filter("not-tags", Match.NOT_TAGS_ALL, None, _V226),
    Filter("not-tags-any", Match.NOT_TAGS_ANY, None, _V226),
)}

#: Parameters that are not field filters, with the version from which members may send them
#: (``None``: admins only). Everything else a member sends is dropped, as Nova's ``remove_invalid_options``.
CONTROLS: Mapping[str, Optional[Version]] = {
    "status": _V21, "all_tenants": _V21, "changes-since": _V21, "changes-before": V("2.66"),
    "project_id": _ADMIN, "tenant_id": _ADMIN, "deleted": _ADMIN, "soft_deleted": _ADMIN,
}
#: Paging and sorting: never stripped (Nova pops them before the allow-list applies).
PAGING = frozenset({"limit", "marker", "sort_key", "sort_dir"})
#: Joined-table names an admin may not filter on (``Invalid filter field``); so is any name starting "_".
JOINED = frozenset({"block_device_mapping", "services", "metadata", "system_metadata", "info_cache",
                    "security_groups", "pci_devices"})



def member_may_use(param: str, version: Version) -> bool:
    """Whether a member's ``param`` is honoured at ``version`` (else silently ignored)."""
    if param in PAGING:
        return True
    since = FILTERS[param].members_since if param in FILTERS else CONTROLS.get(param)
    return since is not None and version >= since


def strict_bool(text: str) -> bool:
    """oslo's ``bool_from_string(strict=True)``; 400 worded as Nova's ``InvalidInput`` otherwise."""
    value = parse_bool(text)
    if value is not None:
        return value
    raise errors.BadRequest(f"Invalid input received: Unrecognized value '{text}', acceptable values are: "
                            f"{ACCEPTABLE}")


def loose_bool(text: str) -> bool:
    """oslo's ``bool_from_string(default=False)``: anything unknown is False."""
    return bool_from_string(text)


def _fixed_ips(server: Server) -> List[str]:
    return [address for nic in server.nics for _version, address in nic.ips]


def _tags(value: str) -> frozenset:
    return frozenset(value.split(","))


_TAG_TESTS: Dict[Match, Callable[[frozenset, frozenset], bool]] = {
    Match.TAGS_ALL: lambda wanted, have: wanted <= have,
    Match.TAGS_ANY: lambda wanted, have: bool(wanted & have),
    Match.NOT_TAGS_ALL: lambda wanted, have: not wanted <= have,
    Match.NOT_TAGS_ANY: lambda wanted, have: not wanted & have,
}


def _predicate(row: Filter, value: str, budget: safe_regex.Budget) -> Predicate:
    subject = row.subject
    if row.match is Match.REGEX:
        search = safe_regex.searcher(row.param, value, budget)
        return lambda server: search(subject(server))  # type: ignore[misc]
    if row.match is Match.EXACT:
        return lambda server: subject(server) == value  # type: ignore[misc]
    if row.match is Match.LOCKED:
        locked = strict_bool(value)
        return lambda server: (server.locked_by is not None) is locked
    test, wanted = _TAG_TESTS[row.match], _tags(value)
    return lambda server: test(wanted, frozenset(server.tags))


def _ip_predicate(values: Mapping[str, str]) -> Optional[Predicate]:
    """``ip``/``ip6``: a server matches either substring; Nova then *adds* a given ``uuid`` to the matches."""
    needles = [values[name] for name in ("ip", "ip6") if values.get(name)]
    if not needles:
        return None
    uuid = values.get("uuid")
    return lambda server: (server.id == uuid
                           or any(needle in address for needle in needles for address in _fixed_ips(server)))


def predicates(values: Mapping[str, str]) -> Tuple[Predicate, ...]:
    """Predicates for the field filters among ``values`` (one value per parameter, already allowed).

    :raises errors.BadRequest: a regex is refused, or ``locked`` is not a boolean word.
    :raises safe_regex.MatchTimeout: (from a predicate) the regex filters spent the request's matching budget.
    """
    found: List[Predicate] = []
    budget = safe_regex.Budget()
    by_ip = _ip_predicate(values)
    for param, value in values.items():
        row = FILTERS.get(param)
        if row is None or row.match is Match.IP or (param == "uuid" and by_ip is not None):
            continue
        found.append(_predicate(row, value, budget))
    if by_ip is not None:
        found.append(by_ip)
    return tuple(found)
