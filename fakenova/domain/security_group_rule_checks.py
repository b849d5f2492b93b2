"""Neutron's security group rule checks, sans-IO: converters, validation and the duplicate key.

Read from ``neutron/extensions/securitygroup.py`` (converters, exceptions) and ``neutron/db/securitygroups_db.py``
(``_validate_base_security_group_rule_attributes`` and ``_rule_to_key``), in Neutron's order and words. The
protocol table is ``neutron_lib.constants.IP_PROTOCOL_MAP``; the error classes carry Neutron's names because
the ``NeutronError`` body's ``type`` is the class name.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, Mapping, Optional, Tuple

from . import errors

Rule = Dict[str, Any]

#: neutron_lib.constants.IP_PROTOCOL_MAP, in its order (the order shows in an error message)
PROTOCOLS: Mapping[str, int] = {
    "ah": 51, "dccp": 33, "egp": 8, "esp": 50, "gre": 47, "hopopt": 0, "icmp": 1, "igmp": 2, "ip": 0,
    "ipip": 4, "ipv6-encap": 41, "ipv6-frag": 44, "ipv6-icmp": 58, "icmpv6": 58, "ipv6-nonxt": 59,
    "ipv6-opts": 60, "ipv6-route": 43, "ospf": 89, "pgm": 113, "rsvp": 46, "sctp": 132, "tcp": 6, "udp": 17,
    "udplite": 136, "vrrp": 112,
}
#: number -> name, as ``IP_PROTOCOL_NUM_TO_NAME_MAP`` (the last name of a number wins, as in a dict build)
NUMBERS: Mapping[str, str] = {str(number): name for name, number in PROTOCOLS.items()}
ANY = (None, "any")
SUPPORTED = (*ANY, *PROTOCOLS)
ETHERTYPES = ("IPv4", "IPv6")
#: protocols whose rules may name ports (``SG_PORT_PROTO_NAMES`` / ``_NUMS``)
PORT_PROTOCOLS = ("dccp", "sctp", "tcp", "udp", "udplite")
ICMP_NUMBERS = (1, 58)
#: protocols only IPv6 carries (``_validate_ethertype_and_protocol``)
IPV6_ONLY = frozenset({"ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts",
                       "ipv6-route", "41", "44", "58", "59", "60", "43"})
LEGACY_IPV6_ICMP = ("icmp", "icmpv6")


class InvalidInput(errors.FakeNovaError):
    """neutron_lib's ``InvalidInput``: raised by converters, it reaches the client as itself (the attribute
    machinery wraps only validators' reasons), so it is not a :class:`errors.BadRequest`."""

    code = 400
    msg_fmt = "Invalid input for operation: {error_message}."


class SecurityGroupInvalidPortRange(InvalidInput):
    msg_fmt = "For TCP/UDP protocols, port_range_min must be <= port_range_max"


class SecurityGroupInvalidProtocolForPort(InvalidInput):
    msg_fmt = ("Ports cannot be specified for protocol {protocol}. Ports are only supported for "
               "{valid_port_protocols}.")


class SecurityGroupInvalidPortValue(InvalidInput):
    msg_fmt = "Invalid value for port {port}"


class SecurityGroupInvalidIcmpValue(InvalidInput):
    msg_fmt = "Invalid value for ICMP {field} ({attr}) {value}. It must be 0 to 255."


class SecurityGroupEthertypeConflictWithProtocol(InvalidInput):
    msg_fmt = "Invalid ethertype {ethertype} for protocol {protocol}."


class SecurityGroupMissingIcmpType(InvalidInput):
    msg_fmt = "ICMP code (port-range-max) {value} is provided but ICMP type (port-range-min) is missing."


class SecurityGroupRuleInvalidProtocol(InvalidInput):
    msg_fmt = ("Security group rule protocol {protocol} not supported. Only protocol values {values} and "
               "integer representations [0 to 255] are supported.")


class SecurityGroupMultipleRemoteEntites(InvalidInput):
    msg_fmt = "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided."


class SecurityGroupProtocolRequiredWithPorts(InvalidInput):
    msg_fmt = "Must also specify protocol if port range is given."


class SecurityGroupRuleParameterConflict(InvalidInput):
    msg_fmt = "Conflicting value ethertype {ethertype} for CIDR {cidr}"


class SecurityGroupRuleInvalidEtherType(InvalidInput):
    msg_fmt = "Security group rule for ethertype '{ethertype}' not supported. Allowed values are {values}."


class InvalidCIDR(InvalidInput):
    msg_fmt = "Invalid CIDR {input} given as IP prefix."


class SecurityGroupRuleExists(errors.Conflict):
    msg_fmt = "Security group rule already exists. Rule id is {rule_id}."


class DuplicateSecurityGroupRuleInPost(errors.Conflict):
    msg_fmt = "Duplicate Security Group Rule in POST."


# --- converters (run on the request body, before validation) -------------------------------------------


def _invalid_protocol(value: Any) -> errors.FakeNovaError:
    return SecurityGroupRuleInvalidProtocol(protocol=value, values=repr(SUPPORTED))


def convert_protocol(value: Any) -> Optional[str]:
    """``convert_protocol``: None for any, a known name lower-cased, or a number 0-255 as text."""
    if value in ANY:
        return None
    if isinstance(value, bool):
        raise _invalid_protocol(value)
    try:
        number = int(value)
    except (TypeError, ValueError):
        if isinstance(value, str) and value.lower() in PROTOCOLS:
            return value.lower()
        raise _invalid_protocol(value) from None
    if 0 <= number <= 255:
        return str(value)
    raise _invalid_protocol(value)


def convert_ethertype(value: Any) -> str:
    """Case-insensitive ``IPv4`` / ``IPv6``."""
    if isinstance(value, str):
        for ethertype in ETHERTYPES:
            if ethertype.lower() == value.lower():
                return ethertype
    raise SecurityGroupRuleInvalidEtherType(ethertype=value, values=list(ETHERTYPES))


def convert_port(value: Any) -> Optional[int]:
    """A port 0-65535 as an int (oslo's ``is_valid_port``), or None."""
    if value is None:
        return None
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = -1
    if isinstance(value, bool) or not 0 <= port <= 65535 or isinstance(value, float):
        raise SecurityGroupInvalidPortValue(port=value)
    return port


def convert_prefix(value: Any) -> Optional[str]:
    """An IP prefix as netaddr writes it (host bits kept, mask added), or None when empty."""
    if not value:
        return None
    try:
        interface = ipaddress.ip_interface(str(value))
    except ValueError:
        raise InvalidCIDR(input=value) from None
    return str(interface)


# --- validation (securitygroups_db._validate_base_security_group_rule_attributes) -----------------------


def _number(protocol: Optional[str]) -> Optional[int]:
    if protocol in ANY:
        return None
    return PROTOCOLS[str(protocol)] if str(protocol) in PROTOCOLS else int(str(protocol))


def _canonical(rule: Rule) -> None:
    if rule.get("ethertype") == "IPv6":
        if rule.get("protocol") in LEGACY_IPV6_ICMP:
            rule["protocol"] = "ipv6-icmp"
        elif rule.get("protocol") == "1":
            rule["protocol"] = "58"
    if rule.get("port_range_min") == 1 and rule.get("port_range_max") == 65535:
        rule["port_range_min"] = rule["port_range_max"] = None


def _check_ports(rule: Rule) -> None:
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if low is None and high is None:
        return
    if not rule.get("protocol"):
        raise SecurityGroupProtocolRequiredWithPorts()
    number = _number(rule["protocol"])
    if number in [PROTOCOLS[name] for name in PORT_PROTOCOLS]:
        if low == 0 or high == 0:
            raise SecurityGroupInvalidPortValue(port=0)
        if low is None or high is None or low > high:
            raise SecurityGroupInvalidPortRange()
    elif number in ICMP_NUMBERS:
        for attr, field in (("port_range_min", "type"), ("port_range_max", "code")):
            if rule.get(attr) is not None and not 0 <= rule[attr] <= 255:
                raise SecurityGroupInvalidIcmpValue(field=field, attr=attr, value=rule[attr])
        if low is None and high is not None:
            raise SecurityGroupMissingIcmpType(value=high)
    else:
        raise SecurityGroupInvalidProtocolForPort(protocol=number,
                                                  valid_port_protocols=", ".join(p.upper() for p in PORT_PROTOCOLS))


def _check_prefix(rule: Rule) -> None:
    prefix = rule.get("remote_ip_prefix")
    if prefix:
        version = ipaddress.ip_interface(prefix).version
        if rule["ethertype"] != f"IPv{version}":
            raise SecurityGroupRuleParameterConflict(ethertype=rule["ethertype"], cidr=prefix)


def validate(rule: Rule) -> Rule:
    """The rule made canonical (IPv6 ICMP names, the whole port range as none) and checked; raises Neutron's
    400s. ``rule`` holds converted values (protocol text, ports ints, ethertype, prefix)."""
    rule = dict(rule)
    _canonical(rule)
    _check_ports(rule)
    _check_prefix(rule)
    if rule.get("protocol") in IPV6_ONLY and rule.get("ethertype") == "IPv4":
        raise SecurityGroupEthertypeConflictWithProtocol(ethertype="IPv4", protocol=rule["protocol"])
    remotes = [name for name in ("remote_ip_prefix", "remote_group_id", "remote_address_group_id")
               if rule.get(name)]
    if len(remotes) > 1:
        raise SecurityGroupMultipleRemoteEntites()
    return rule


# --- duplicates (securitygroups_db._rule_to_key) --------------------------------------------------------

_KEY = ("direction", "ethertype", "port_range_max", "port_range_min", "protocol", "remote_group_id",
        "remote_address_group_id", "remote_ip_prefix", "security_group_id")
_ANY_PREFIX = ("0.0.0.0/0", "::/0", None)


def _name_and_number(protocol: Any, ethertype: Optional[str]) -> Tuple[str, str]:
    text = str(protocol)
    if ethertype == "IPv6":
        text = "ipv6-icmp" if text in LEGACY_IPV6_ICMP else "58" if text == "1" else text
    if text in PROTOCOLS:
        return text, str(PROTOCOLS[text])
    return NUMBERS.get(text, text), text


def key(rule: Mapping[str, Any]) -> Tuple[Any, ...]:
    """What makes two rules the same rule: ``tcp`` and ``6`` match, any address matches none."""
    def part(name: str) -> Any:
        value = rule.get(name)
        if name == "remote_ip_prefix" and value in _ANY_PREFIX:
            return None
        if name == "protocol" and value is not None:
            return _name_and_number(value, rule.get("ethertype"))
        return value
    return tuple(part(name) for name in _KEY)


def check_new(existing: Any, new: Any) -> None:
    """409 when the new rules repeat one another or a rule of the group (Neutron's two conflicts)."""
    seen = set()
    for rule in new:
        found = key(rule)
        if found in seen:
            raise DuplicateSecurityGroupRuleInPost()
        seen.add(found)
    for old in existing:
        if key(old) in seen:
            raise SecurityGroupRuleExists(rule_id=old["id"])
