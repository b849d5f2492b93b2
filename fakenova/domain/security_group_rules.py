"""``os-security-group-rules`` (Nova's proxy, 2.1 to 2.35): ingress rules added to and removed from the
Neutron rule records of :mod:`.security_groups`, checked as Nova's proxy checks them before Neutron and then
stored as the Neutron rule Nova's driver asks for."""
from __future__ import annotations

import ipaddress
from typing import Any, Dict, Mapping, Optional, Tuple

from . import errors, policy
from . import security_groups as groups
from .context import RequestContext
from .ports import Runtime

_RULE = "os_compute_api:os-security-groups:rule:{}"
_MATCH = ("group_id", "cidr", "from_port", "to_port", "ip_protocol")
#: protocol -> (lowest, highest) port, and how Nova words a range outside it
_RANGES: Mapping[str, Tuple[int, int, str]] = {
    "TCP": (1, 65535, "Valid TCP ports should be between 1-65535"),
    "UDP": (1, 65535, "Valid UDP ports should be between 1-65535"),
    "ICMP": (-1, 255, "For ICMP, the type:code must be valid"),
}
#: a rule from a source group with no ports opens the protocol's whole range
_OPEN: Mapping[str, Tuple[int, int]] = {"ICMP": (-1, -1), "TCP": (1, 65535), "UDP": (1, 65535)}


def _cidr(text: Optional[str]) -> str:
    if not text:
        return "0.0.0.0/0"
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise errors.BadRequest(f"{text} is not a valid IP network.") from None
    if network.prefixlen == 0 and str(network.network_address) not in ("0.0.0.0", "::"):
        raise errors.BadRequest(f"Bad prefix for network in cidr {text}")
    return text


def _ports(protocol: str, low: Any, high: Any) -> Tuple[int, int]:
    try:
        first, last = int(low), int(high)
    except (TypeError, ValueError):
        reason = ("Type and Code must be integers for ICMP protocol type" if protocol.upper() == "ICMP"
                  else "To and From ports must be integers")
        raise errors.BadRequest(f"Invalid input received: {reason}") from None
    if protocol.upper() not in _RANGES:
        raise errors.BadRequest(f"Invalid IP protocol {protocol}.")
    lowest, highest, message = _RANGES[protocol.upper()]
    icmp = protocol.upper() == "ICMP"
    if not icmp and first > last:
        message = "Former value cannot be greater than the later"
    elif lowest <= first and last <= highest and (not icmp or (first <= highest and last >= lowest)):
        return first, last
    raise errors.BadRequest(f"Invalid port range {first}:{last}. {message}")


def _new_rule(body: Mapping[str, Any], source: Optional[str]) -> Optional[Dict[str, Any]]:
    """Nova's ``_rule_args_to_dict``: None when a CIDR rule lacks its protocol and ports."""
    protocol, low, high = body.get("ip_protocol"), body.get("from_port"), body.get("to_port")
    rule: Dict[str, Any] = {"group_id": source, "cidr": None, "ip_protocol": None, "from_port": None,
                            "to_port": None}
    if source is not None:
        if protocol and low is None and high is None:
            low, high = _OPEN.get(str(protocol).upper(), (None, None))
    else:
        rule["cidr"] = _cidr(body.get("cidr"))
    if protocol and low is not None and high is not None:
        first, last = _ports(str(protocol), low, high)
        return {**rule, "ip_protocol": str(protocol), "from_port": first, "to_port": last}
    return None if source is None else rule


def _neutron_rule(rule: Mapping[str, Any]) -> Dict[str, Any]:
    """Nova's ingress rule as the Neutron rule Nova's driver asks for (``-1`` ports mean none; a group rule
    is IPv4, a CIDR rule takes its family)."""
    cidr = rule.get("cidr")
    version = ipaddress.ip_network(cidr, strict=False).version if cidr else 4
    protocol = rule.get("ip_protocol")
    given = {"direction": "ingress", "ethertype": f"IPv{version}",
             "protocol": str(protocol).lower() if protocol else None, "remote_ip_prefix": cidr,
             "remote_group_id": rule.get("group_id")}
    for nova, neutron in (("from_port", "port_range_min"), ("to_port", "port_range_max")):
        if rule.get(nova) is not None and rule[nova] != -1:
            given[neutron] = rule[nova]
    return given


def create(runtime: Runtime, ctx: RequestContext, body: Mapping[str, Any]) -> Tuple[Dict[str, Any], groups.Group]:
    """Add an ingress rule to a group; returns the rule (Nova's shape) and the group it names as its source
    (or ``{}``)."""
    policy.authorize(ctx, _RULE.format("create"))
    store = runtime.store
    parent = groups.get(store, ctx, body["parent_group_id"])
    source = groups.get(store, ctx, body["group_id"]) if body.get("group_id") is not None else {}
    rule = _new_rule(body, source.get("id"))
    if rule is None:
        raise errors.BadRequest("Not enough parameters to build a valid rule.")
    if any(all(old.get(key) == rule[key] for key in _MATCH) for old in parent["rules"]):
        raise errors.BadRequest(f"This rule already exists in group {parent['id']}")
    groups.ensure_default(store, parent["project_id"], ctx.now)
    record = groups.new_rule(runtime.ids.uuid(), parent, ctx.now, **_neutron_rule(rule))
    store.put(groups.RULE_KIND, record["id"], record, project=parent["project_id"])
    return groups.nova_rule(record), source


def delete(runtime: Runtime, ctx: RequestContext, rule_id: str) -> None:
    """Remove a rule from its group; 404 ``Security group rule <id> does not exist``."""
    policy.authorize(ctx, _RULE.format("delete"))
    groups.check_id(rule_id)
    rule = runtime.store.get(groups.RULE_KIND, rule_id)
    if rule is None or not (ctx.is_admin or rule["project_id"] == ctx.project_id):
        raise errors.NotFound(f"Security group rule {rule_id} does not exist")
    runtime.store.delete(groups.RULE_KIND, rule_id)
