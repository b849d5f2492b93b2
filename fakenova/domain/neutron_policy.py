"""Neutron's questions to the one policy evaluator (:mod:`fakenova.domain.policy`), in Neutron's terms.

The rules are ``fakenova.policies.network.RULES`` with the operator's overrides. What is Neutron's own:
a rule no table defines falls back to ``default`` (oslo.policy's ``default_rule``, which Neutron keeps); and
its controller builds the rule it enforces from the action's rule and-ed with one per attribute the request
sets (``_build_match_rule``), so a refusal reads as oslo.policy words it around that rule:
``rule:create_network is disallowed by policy``, or ``(rule:create_port and rule:create_port:mac_address) is
disallowed by policy`` when an attribute rule joins it. Targets are the records, with their parents' owners
under ``network:project_id``-style keys.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence, Tuple

from ..policies.network import RULES
from . import policy as central
from .context import RequestContext
from .neutron_errors import PolicyNotAuthorized

__all__ = ["RULES", "allowed", "build", "enforce"]

SERVICE = "network"
Target = Mapping[str, Any]
#: a rule Neutron builds for a request: ``("rule", name)`` or ``("and", [trees])``
Tree = Tuple[str, Any]


def allowed(ctx: RequestContext, rule: str, target: Target) -> bool:
    """Whether ``rule`` (``default`` when no table has it) passes for the caller on ``target``."""
    return central.allowed(ctx, rule if rule in RULES else "default", target, service=SERVICE)


def _text(tree: Tree) -> str:
    """The tree as oslo.policy prints it (``rule:x``; ``(a and b)``)."""
    kind, value = tree
    return f"rule:{value}" if kind == "rule" else "(" + " and ".join(_text(part) for part in value) + ")"


def _passes(tree: Tree, ctx: RequestContext, target: Target) -> bool:
    kind, value = tree
    if kind == "rule":
        return allowed(ctx, value, target)
    return all(_passes(part, ctx, target) for part in value)


def build(rule: str, target: Target, attributes: Sequence[str] = ()) -> Tree:
    """Neutron's ``_build_match_rule``: the action's rule, and-ed with a rule per attribute the request sets
    (with one per key of the dicts in a list value, ``create_port:fixed_ips:ip_address``)."""
    tree: Tree = ("rule", rule)
    for name in attributes:
        if f"{rule}:{name}" not in RULES:
            continue
        attr: Tree = ("rule", f"{rule}:{name}")
        value = target.get(name)
        if isinstance(value, list):
            keys = [("rule", f"{rule}:{name}:{key}") for item in value if isinstance(item, dict) for key in item]
            if keys:
                attr = ("and", [attr, ("and", keys)])
        tree = ("and", [tree, attr])
    return tree


def enforce(ctx: RequestContext, rule: str, target: Target, attributes: Sequence[str] = ()) -> None:
    """Raise Neutron's 403 unless the rule built for the request passes.

    :param attributes: the attributes the request sets (to non-default values on create) that Neutron checks
        rules for (``enforce_policy``).
    """
    tree = build(rule, target, attributes)
    if not _passes(tree, ctx, target):
        raise PolicyNotAuthorized(rule=_text(tree))
