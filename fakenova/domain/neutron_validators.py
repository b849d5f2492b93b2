"""Neutron's attribute validators and converters, worded as ``neutron_lib.api.validators`` / ``converters``.

A validator returns None or the reason (Neutron's message, which the caller wraps as ``Invalid input for
<attr>. Reason: <reason>.``); a converter returns the converted value or raises ``InvalidInput``.
"""
from __future__ import annotations

import ipaddress
import re
import uuid
from typing import Any, Callable, List, Optional, Sequence

from .neutron_errors import InvalidInput
from .strings import parse_bool

Validator = Callable[[Any], Optional[str]]
Converter = Callable[[Any], Any]

NAME_LEN = 255
DESCRIPTION_LEN = 255
PROJECT_LEN = 255
DEVICE_ID_LEN = 255
DEVICE_OWNER_LEN = 255
TAG_LEN = 255


def string(max_len: Optional[int] = None) -> Validator:
    def check(data: Any) -> Optional[str]:
        if not isinstance(data, str):
            return f"'{data}' is not a valid string"
        if max_len is not None and len(data) > max_len:
            return f"'{data}' exceeds maximum length of {max_len}"
        return None
    return check


def or_none(check: Validator) -> Validator:
    return lambda data: None if data is None else check(data)


def is_uuid(data: Any) -> Optional[str]:
    try:
        uuid.UUID(str(data)) if isinstance(data, str) else uuid.UUID(data)
    except (TypeError, ValueError, AttributeError):
        return f"'{data}' is not a valid UUID"
    return None


def ip_address(data: Any) -> Optional[str]:
    try:
        text = str(data)
        ipaddress.ip_address(text)
        if ":" not in text and text.count(".") != 3:
            raise ValueError(text)
    except ValueError:
        return f"'{data}' is not a valid IP address"
    return None


def subnet_cidr(data: Any) -> Optional[str]:
    try:
        ipaddress.ip_network(str(data), strict=False)
        if "/" not in str(data):
            raise ValueError(data)
    except ValueError:
        return f"'{data}' is not a valid IP subnet"
    return None


def mac_address(data: Any) -> Optional[str]:
    if not isinstance(data, str) or not re.fullmatch(r"([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}", data):
        return f"'{data}' is not a valid MAC address"
    if data.replace("-", ":").lower() == "00:00:00:00:00:00":
        return f"'{data}' is not a valid MAC address"
    return None


def values(*allowed: Any) -> Validator:
    return lambda data: None if data in allowed else f"{data} is not in {list(allowed)}"


def integer_range(low: int, high: int) -> Validator:
    def check(data: Any) -> Optional[str]:
        if isinstance(data, bool) or not isinstance(data, int):
            return f"'{data}' is not an integer"
        if data < low:
            return f"'{data}' is too small - must be at least '{low}'"
        return f"'{data}' is too large - must be no larger than '{high}'" if data > high else None
    return check


def list_of(item: Validator, *, unique_strings: bool = False) -> Validator:
    def check(data: Any) -> Optional[str]:
        if not isinstance(data, list):
            return f"'{data}' is not a list"
        if unique_strings:
            dupes = sorted({value for value in data if isinstance(value, str) and data.count(value) > 1})
            if dupes:
                return f"Duplicate items in the list: '{', '.join(dupes)}'"
        return next((reason for reason in map(item, data) if reason), None)
    return check


def dict_or_empty(data: Any) -> Optional[str]:
    return None if data is None or isinstance(data, dict) else f"'{data}' is not a dictionary"


def fixed_ips(data: Any) -> Optional[str]:
    if not isinstance(data, list):
        return f"Invalid data format for fixed IP: '{data}'"
    seen: List[str] = []
    for item in data:
        if not isinstance(item, dict):
            return f"Invalid data format for fixed IP: '{item}'"
        if "ip_address" in item:
            if item["ip_address"] in seen:
                return f"Duplicate IP address '{item['ip_address']}'"
            reason = ip_address(item["ip_address"])
            if reason:
                return reason
            seen.append(item["ip_address"])
        if "subnet_id" in item:
            reason = is_uuid(item["subnet_id"])
            if reason:
                return reason
    return None


def _keys(expected: Sequence[str], data: Any) -> Optional[str]:
    if not isinstance(data, dict) or set(data) != set(expected):
        if not isinstance(data, dict):
            return f"Invalid input. '{data}' must be a dictionary with keys: {set(expected)}"
        return (f"Validation of dictionary's keys failed. Expected keys: {set(expected)} "
                f"Provided keys: {set(data)}")
    return None


def ip_pools(data: Any) -> Optional[str]:
    if not isinstance(data, list):
        return f"Invalid data format for IP pool: '{data}'"
    for pool in data:
        reason = _keys(("start", "end"), pool) or ip_address(pool["start"]) or ip_address(pool["end"])
        if reason:
            return reason
    return None


def nameservers(data: Any) -> Optional[str]:
    if not isinstance(data, list):
        return f"Invalid data format for nameserver: '{data}'"
    seen: List[Any] = []
    for host in data:
        reason = ip_address(host)
        if reason:
            return f"'{host}' is not a valid nameserver. {reason}"
        if host in seen:
            return f"Duplicate nameserver '{host}'"
        seen.append(host)
    return None


def hostroutes(data: Any) -> Optional[str]:
    if not isinstance(data, list):
        return f"Invalid data format for hostroute: '{data}'"
    seen: List[Any] = []
    for route in data:
        reason = (_keys(("destination", "nexthop"), route) or subnet_cidr(route["destination"])
                  or ip_address(route["nexthop"]))
        if reason:
            return reason
        if route in seen:
            return f"Duplicate hostroute '{route}'"
        seen.append(route)
    return None


def address_pairs(data: Any) -> Optional[str]:
    if not isinstance(data, list):
        return "Allowed address pairs must be a list."
    for pair in data:
        if not isinstance(pair, dict) or "ip_address" not in pair:
            return "AllowedAddressPair must contain ip_address"
        address = str(pair["ip_address"])
        if (subnet_cidr(address) if "/" in address else ip_address(address)) is not None:
            return f"'{address}' is neither a valid IP address, nor is it a valid IP subnet"
        if "mac_address" in pair and mac_address(pair["mac_address"]):
            return mac_address(pair["mac_address"])
    return None


# --- converters ---------------------------------------------------------------------------------------


def to_boolean(data: Any) -> bool:
    value: Optional[bool] = None
    if isinstance(data, bool) or (isinstance(data, int) and data in (0, 1)):
        value = bool(data)
    elif isinstance(data, str):
        value = parse_bool(data)
    if value is None:
        raise InvalidInput(error_message=f"'{data}' cannot be converted to boolean")
    return value


def to_int(data: Any) -> int:
    try:
        return int(data)
    except (ValueError, TypeError):
        raise InvalidInput(error_message=f"'{data}' is not an integer") from None


def none_to_empty_list(data: Any) -> Any:
    return [] if data is None else data


def none_to_empty_dict(data: Any) -> Any:
    return {} if data is None else data


def to_cidr(data: Any) -> Any:
    """A CIDR in canonical form (``10.0.0.5/24`` stays, ``fe80::0/64`` compresses), or the value unchanged."""
    try:
        address, _, prefix = str(data).partition("/")
        return f"{ipaddress.ip_address(address)}/{prefix}" if prefix else data
    except ValueError:
        return data


def to_ip(data: Any) -> Any:
    try:
        return str(ipaddress.ip_address(data))
    except ValueError:
        return data
