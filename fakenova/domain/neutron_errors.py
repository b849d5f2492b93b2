"""Neutron's errors: each class is named as Neutron's, so the pipeline's ``NeutronError.type`` is right.

Messages follow ``neutron_lib/exceptions`` and ``neutron/api/v2/base.py``; keyword arguments fill them.
``HTTPBadRequest`` and ``HTTPNotFound`` are the webob errors Neutron's API layer raises directly.
"""
from __future__ import annotations

from typing import Any

from . import errors


class HTTPBadRequest(errors.BadRequest):
    """webob's 400, for a bad query or body."""


class HTTPNotFound(errors.NotFound):
    msg_fmt = "The resource could not be found."


class PolicyNotAuthorized(errors.Forbidden):
    """oslo.policy's refusal: the rule as it was built (``rule:create_network``, or an ``(a and b)``)."""

    msg_fmt = "{rule} is disallowed by policy"


class InvalidInput(errors.BadRequest):
    msg_fmt = "Invalid input for operation: {error_message}."


class BadRequest(errors.BadRequest):
    """neutron_lib's ``BadRequest(resource, msg)``."""

    msg_fmt = "Bad {resource} request: {msg}."


class Conflict(errors.Conflict):
    msg_fmt = "A conflict occurred attempting to process the request."


class NetworkNotFound(errors.NotFound):
    msg_fmt = "Network {net_id} could not be found."


class SubnetNotFound(errors.NotFound):
    msg_fmt = "Subnet {subnet_id} could not be found."


class PortNotFound(errors.NotFound):
    msg_fmt = "Port {port_id} could not be found."


class TagNotFound(errors.NotFound):
    msg_fmt = "Tag {tag} could not be found."


class NetworkInUse(errors.Conflict):
    msg_fmt = "Unable to complete operation on network {net_id}. {reason}."

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("reason", "There are one or more ports still in use on the network")
        super().__init__(**kwargs)


class SubnetInUse(errors.Conflict):
    msg_fmt = "Unable to complete operation on subnet {subnet_id}: {reason}."

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("reason", "One or more ports have an IP allocation from this subnet")
        super().__init__(**kwargs)


class ServicePortInUse(errors.Conflict):
    msg_fmt = "Port {port_id} cannot be deleted directly via the port API: {reason}."


class IpAddressAlreadyAllocated(errors.Conflict):
    msg_fmt = "IP address {ip} already allocated in subnet {subnet_id}"


class IpAddressGenerationFailure(errors.Conflict):
    msg_fmt = "No more IP addresses available on network {net_id}."


class MacAddressInUse(errors.Conflict):
    msg_fmt = "Unable to complete operation for network {net_id}. The mac address {mac} is in use."


class InvalidIpForNetwork(errors.BadRequest):
    msg_fmt = "IP address {ip_address} is not a valid IP for any of the subnets on the specified network."


class InvalidIpForSubnet(errors.BadRequest):
    msg_fmt = "IP address {ip_address} is not a valid IP for the specified subnet."


class PortInUse(errors.Conflict):
    msg_fmt = ("Unable to complete operation on port {port_id} for network {net_id}. Port already has an "
               "attached device {device_id}.")


class InvalidAllocationPool(errors.BadRequest):
    msg_fmt = "The allocation pool {pool} is not valid."


class OverlappingAllocationPools(errors.Conflict):
    msg_fmt = "Found overlapping allocation pools: {pool_1} {pool_2} for subnet {subnet_cidr}."


class OutOfBoundsAllocationPool(errors.BadRequest):
    msg_fmt = "The allocation pool {pool} spans beyond the subnet cidr {subnet_cidr}."


class GatewayConflictWithAllocationPools(errors.Conflict):
    msg_fmt = "Gateway ip {ip_address} conflicts with allocation pool {pool}."


class SecurityGroupNotFound(errors.NotFound):
    msg_fmt = "Security group {id} does not exist"


class MalformedRequestBody(errors.BadRequest):
    msg_fmt = "Malformed request body: {reason}."
