"""Evaluate Neutron's default rules (``fakenova.policies.network.RULES``) for a caller and a target record.

A small reader of oslo.policy's language as Neutron's defaults use it: ``or`` / ``and`` / ``not``,
parentheses, ``rule:``, ``role:``, ``field:<collection>:<attr>=<value>`` (``=~`` a regex), a credential
compared with ``%(key)s`` of the target (``project_id:%(project_id)s``), ``@``, ``!`` and the empty rule.
Refusals read as oslo.policy words them around the rule Neutron builds: ``rule:create_network is disallowed
by policy``, or ``(rule:create_port and rule:create_port:mac_address) is disallowed by policy`` when an
attribute rule joins it. This keeps handlers right until the shared evaluator enforces ``Route.policy``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from ..policies.network import RULES as NETWORK_RULES
from .context import RequestContext
from .neutron_errors import PolicyNotAuthorized

Target = Mapping[str, Any]
Check = Callable[["Creds", Target], bool]

#: Keystone's implied roles in a default deployment: each role grants the ones listed.
IMPLIED: Mapping[str, FrozenSet[str]] = {
    "admin": frozenset({"admin", "manager", "member", "reader"}),
    "manager": frozenset({"manager", "member", "reader"}),
    "member": frozenset({"member", "reader"}),
}

#: Every Neutron rule fakenova knows; other Neutron resources add theirs with :func:`register`.
RULES: Dict[str, str] = dict(NETWORK_RULES)


def register(rules: Mapping[str, str]) -> None:
    """Add a resource's default rules (routers, security groups ...) to the table this module evaluates."""
    RULES.update(rules)
    _compiled.cache_clear()


class Creds:
    """The caller as oslo.policy's credentials: roles (with the implied ones) and project."""

    def __init__(self, ctx: RequestContext) -> None:
        roles: set = set()
        for role in ctx.identity.roles:
            roles |= IMPLIED.get(role, frozenset({role}))
        self.roles = frozenset(roles)
        self.values = {"project_id": ctx.project_id, "tenant_id": ctx.project_id, "user_id": ctx.user_id}


def _tokens(text: str) -> List[str]:
    # ``%(project_id)s`` holds parentheses that are not grouping ones
    return re.findall(r"[^\s()]*%\([^)]*\)[^\s()]*|\(|\)|[^\s()]+", text)


def _atom(token: str) -> Check:
    if token == "@":
        return lambda creds, target: True
    if token == "!":
        return lambda creds, target: False
    kind, _, match = token.partition(":")
    if kind == "rule":
        return lambda creds, target: _compiled(match)(creds, target)
    if kind == "role":
        return lambda creds, target: match.lower() in creds.roles
    if kind == "field":
        return _field(match)
    return _generic(kind, match)


def _field(match: str) -> Check:
    _collection, _, rest = match.partition(":")
    name, _, wanted = rest.rpartition("=")
    if wanted.startswith("~"):  # ``field:port:device_owner=~^network:``: a regular expression
        return lambda creds, target: bool(re.match(wanted[1:], str(target.get(name) or "")))
    return lambda creds, target: str(target.get(name)) == wanted


def _generic(kind: str, match: str) -> Check:
    key = re.fullmatch(r"%\((.+)\)s", match)
    if key:
        return lambda creds, target: (creds.values.get(kind) is not None
                                      and target.get(key.group(1)) == creds.values.get(kind))
    return lambda creds, target: str(creds.values.get(kind)) == match


def _parse(tokens: Sequence[str], start: int, stop: Optional[str]) -> "tuple[Check, int]":
    """``or`` of ``and`` of (``not``) atoms or parenthesised groups, from ``tokens[start]``."""
    alternatives: List[List[Check]] = [[]]
    index, negate = start, False
    while index < len(tokens) and tokens[index] != stop:
        token = tokens[index]
        if token == "or":
            alternatives.append([])
        elif token == "not":
            negate = True
        elif token != "and":
            if token == "(":
                check, index = _parse(tokens, index + 1, ")")
            else:
                check = _atom(token)
            alternatives[-1].append(_negated(check) if negate else check)
            negate = False
        index += 1
    return _any([_all(group) for group in alternatives]), index


def _negated(check: Check) -> Check:
    return lambda creds, target: not check(creds, target)


def _all(checks: Iterable[Check]) -> Check:
    items = tuple(checks)
    return lambda creds, target: all(check(creds, target) for check in items)


def _any(checks: Iterable[Check]) -> Check:
    items = tuple(checks)
    return lambda creds, target: any(check(creds, target) for check in items)


@lru_cache(maxsize=None)
def _compiled(name: str) -> Check:
    text = RULES.get(name)
    if text is None:  # an unknown rule falls back to ``default``, as oslo.policy does
        text = RULES.get("default", "!") if name != "default" else "!"
    if not text.strip():
        return lambda creds, target: True
    return _parse(_tokens(text), 0, None)[0]


def allowed(ctx: RequestContext, rule: str, target: Target) -> bool:
    """Whether ``rule`` passes for the caller on ``target``."""
    return _compiled(rule)(Creds(ctx), target)


#: a rule Neutron builds for a request: ``("rule", name)`` or ``("and", [trees])``
Tree = Tuple[str, Any]


def _text(tree: Tree) -> str:
    """The tree as oslo.policy prints it (``rule:x``; ``(a and b)``)."""
    kind, value = tree
    return f"rule:{value}" if kind == "rule" else "(" + " and ".join(_text(part) for part in value) + ")"


def _passes(tree: Tree, creds: Creds, target: Target) -> bool:
    kind, value = tree
    if kind == "rule":
        return _compiled(value)(creds, target)
    return all(_passes(part, creds, target) for part in value)


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
    if not _passes(tree, Creds(ctx), target):
        raise PolicyNotAuthorized(rule=_text(tree))
