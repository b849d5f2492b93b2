"""The one policy evaluator: every service's default rules, the operator's overrides, and the check.

Each service's defaults are a table, ``fakenova/policies/<service>.py`` ``RULES`` (rule name -> check string in
oslo.policy's language, :mod:`.policy_language`), with an optional ``FORBIDDEN`` wording of a refusal
(``{rule}`` filled in; oslo.policy's own ``"{rule} is disallowed by policy"`` otherwise). A
:class:`Policies` holds every service's effective rules (defaults, then overrides from ``--policy FILE`` or
a scenario's ``policy:`` section), compiles each check string once, and answers :meth:`Policies.allowed`.
``rule:`` names resolve inside their own service's table. Handlers and use cases call :func:`authorize`
with a rule name; ``api/routing.py`` calls it with the route's ``policy`` before the handler runs. Keystone's
and Neutron's handlers ask through thin adapters that shape their credentials, targets and refusals
(``identity_admin/access.py``, ``neutron_policy.py``): there is no other evaluator.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

from . import errors
from .context import Identity, RequestContext
from .policy_language import Check, PolicySyntaxError, Resolve, compile_check

#: the services that may have a table, in ``fakenova.policies``
SERVICES: Tuple[str, ...] = ("compute", "identity", "image", "network", "volume")
#: oslo.policy's ``PolicyNotAuthorized`` wording, for a service whose table names none
DEFAULT_FORBIDDEN = "{rule} is disallowed by policy"
#: Keystone's default implied roles: a token carries every role its assigned roles imply
IMPLIED_ROLES: Mapping[str, Tuple[str, ...]] = {
    "admin": ("manager", "member", "reader"), "manager": ("member", "reader"), "member": ("reader",),
}

Target = Mapping[str, Any]


class PolicyError(ValueError):
    """Overrides that cannot be loaded: an unknown rule name, a bad check string, a cycle of ``rule:``."""


@lru_cache(maxsize=None)
def tables() -> Mapping[str, Tuple[Mapping[str, str], str]]:
    """Each service with a table in this build: (default rules, refusal wording)."""
    found: Dict[str, Tuple[Mapping[str, str], str]] = {}
    for service in SERVICES:
        try:
            module = importlib.import_module(f"fakenova.policies.{service}")
        except ModuleNotFoundError:
            continue
        found[service] = (module.RULES, getattr(module, "FORBIDDEN", DEFAULT_FORBIDDEN))
    return found


def checked_by_handlers(service: str) -> bool:
    """Whether ``service``'s handlers check every rule against the record itself (its table's module says
    ``CHECKED_BY_HANDLERS = True``): Neutron's controller builds each target from the resource and words its
    refusal per rule, so a route-level check would only pre-empt that with a poorer answer."""
    module = importlib.import_module(f"fakenova.policies.{service}")
    return bool(getattr(module, "CHECKED_BY_HANDLERS", False))


def services_defining(rule: str) -> List[str]:
    """The services whose default table has ``rule`` (base rules such as ``context_is_admin`` recur)."""
    return [service for service, (rules, _) in tables().items() if rule in rules]


def _cycle(rules: Mapping[str, str], compiled: Mapping[str, Check]) -> Optional[str]:
    """A rule that reaches itself through ``rule:`` references, if any."""
    done: set = set()

    def visit(name: str, path: FrozenSet[str]) -> Optional[str]:
        if name in path:
            return name
        if name in done or name not in rules:
            return None
        tree = compiled.get(name) or compile_check(rules[name])
        for ref in tree.rule_refs():
            looped = visit(ref, path | {name})
            if looped:
                return looped
        done.add(name)
        return None

    return next((looped for name in compiled if (looped := visit(name, frozenset()))), None)


def check_overrides(overrides: Mapping[str, Any]) -> Dict[str, Dict[str, str]]:
    """Validate overrides in oslo.policy's file format and sort them by service.

    A name must be a rule of some service's table, or a helper rule that another override refers to with
    ``rule:`` (it then joins every service); a base rule that several services define applies to each.

    :raises PolicyError: naming the first bad rule and why.
    """
    if not isinstance(overrides, Mapping):
        raise PolicyError("a policy file maps rule names to check strings")
    compiled: Dict[str, Check] = {}
    for name, text in overrides.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise PolicyError(f"policy rule {name!r}: the check string must be a string, not {text!r}")
        try:
            compiled[name] = compile_check(text)
        except PolicySyntaxError as exc:
            raise PolicyError(f"policy rule {name!r}: {exc}") from None
    referred = {ref for tree in compiled.values() for ref in tree.rule_refs()}
    by_service: Dict[str, Dict[str, str]] = {service: {} for service in tables()}
    for name, text in overrides.items():
        owners = services_defining(name) or (list(tables()) if name in referred else [])
        if not owners:
            raise PolicyError(f"unknown policy rule {name!r}: no service ({', '.join(tables())}) defines it")
        for service in owners:
            by_service[service][name] = text
    for service, (defaults, _) in tables().items():
        looped = _cycle({**defaults, **by_service[service]}, {n: compiled[n] for n in by_service[service]})
        if looped:
            raise PolicyError(f"policy rule {looped!r} refers to itself through rule: checks")
    return {service: rules for service, rules in by_service.items() if rules}


class Policies:
    """Every service's effective rules, each compiled on first use."""

    def __init__(self, overrides: Optional[Mapping[str, Any]] = None) -> None:
        self.given = overrides  # what it was built from, so a runtime knows when to rebuild
        self.overrides = check_overrides(overrides or {})
        self._compiled: Dict[Tuple[str, str], Check] = {}
        self._creds: Dict[Identity, Dict[str, Any]] = {}
        self._resolvers: Dict[str, Resolve] = {}
        self._decided: Dict[Any, bool] = {}

    def source(self, service: str, rule: str) -> Optional[str]:
        """The check string in force for ``rule`` of ``service`` (None: undefined, which fails closed)."""
        override = self.overrides.get(service, {}).get(rule)
        return override if override is not None else tables()[service][0].get(rule)

    def _tree(self, service: str, rule: str) -> Optional[Check]:
        key = (service, rule)
        tree = self._compiled.get(key)
        if tree is None:
            text = self.source(service, rule)
            if text is None:
                return None
            tree = self._compiled[key] = compile_check(text)
        return tree

    def check(self, service: str, rule: str, target: Target, creds: Mapping[str, Any]) -> bool:
        """Whether ``rule`` of ``service`` passes for these credentials on ``target``."""
        tree = self._tree(service, rule)
        return tree is not None and tree(target, creds, self._resolver(service))

    def _resolver(self, service: str) -> Resolve:
        """How ``rule:`` checks of ``service``'s rules reach its other rules (one function per service)."""
        resolve = self._resolvers.get(service)
        if resolve is None:
            def resolve(name: str, target: Target, creds: Mapping[str, Any]) -> bool:
                return self.check(service, name, target, creds)

            self._resolvers[service] = resolve
        return resolve

    def credentials(self, identity: Identity) -> Mapping[str, Any]:
        """oslo.policy's credentials for a caller (implied roles included), worked out once per identity."""
        creds = self._creds.get(identity)
        if creds is None:
            roles = set(identity.roles)
            roles.update(implied for role in identity.roles for implied in IMPLIED_ROLES.get(role, ()))
            creds = {"user_id": identity.user_id, "project_id": identity.project_id,
                     "domain_id": identity.domain_id, "user_domain_id": identity.domain_id,
                     "project_domain_id": identity.domain_id, "roles": sorted(roles),
                     "system_scope": getattr(identity, "system_scope", None)}
            # Nova's context.is_admin is the context_is_admin rule (role:admin by default)
            creds["is_admin"] = self.check("compute", "context_is_admin", {}, creds) if (
                "compute" in tables()) else "admin" in roles
            if len(self._creds) > 4096:  # tokens come and go; keep the cache bounded
                self._creds.clear()
            self._creds[identity] = creds
        return creds

    def allowed(self, ctx: RequestContext, rule: str, target: Optional[Target] = None,
                service: Optional[str] = None) -> bool:
        """Whether the caller passes ``rule``; the target is the caller's own project unless given."""
        service = service or service_of(rule)
        identity = ctx.identity
        if target is None:
            target = {"project_id": identity.project_id, "user_id": identity.user_id}
        # a decision depends only on the rule, the caller and the target: remembered, it costs a lookup
        try:
            key: Any = (service, rule, identity, tuple(target.items()))
            decided = self._decided.get(key)
        except TypeError:  # an unhashable target value: decide afresh
            key, decided = None, None
        if decided is None:
            decided = self.check(service, rule, target, self.credentials(identity))
            if key is not None:
                if len(self._decided) > 65536:
                    self._decided.clear()
                self._decided[key] = decided
        return decided

    def forbidden(self, rule: str, service: Optional[str] = None) -> errors.Forbidden:
        """The service's refusal of ``rule``."""
        wording = tables().get(service or service_of(rule), ("", DEFAULT_FORBIDDEN))[1]
        return errors.Forbidden(wording.format(rule=rule))


#: what the route's central check knows of the target: the caller's own project and user
CALLER_TARGET = frozenset({"project_id", "user_id"})


@lru_cache(maxsize=None)
def target_keys(service: str, rule: str) -> FrozenSet[str]:
    """Every target key ``rule``'s default reads, through the rules it refers to (the defaults are fixed:
    worked out once per rule, not once per route that names it)."""
    rules = tables()[service][0]
    seen: set = set()
    keys: set = set()
    pending = [rule]
    while pending:
        name = pending.pop()
        if name in seen or name not in rules:
            continue
        seen.add(name)
        tree = compile_check(rules[name])
        keys.update(tree.target_keys())
        pending.extend(tree.rule_refs())
    return frozenset(keys)


@lru_cache(maxsize=None)
def service_of(rule: str) -> str:
    """The one service whose table defines ``rule``.

    :raises LookupError: when no table or several define it (then name the service explicitly).
    """
    owners = services_defining(rule)
    if len(owners) != 1:
        raise LookupError(f"policy rule {rule!r} is defined by {owners or 'no service'}; name the service")
    return owners[0]


@lru_cache(maxsize=1)
def default_policies() -> Policies:
    """The defaults of every table, for contexts built without an app (tests, tools)."""
    return Policies()


def policies_of(ctx: RequestContext) -> Policies:
    return ctx.policies if ctx.policies is not None else default_policies()


def allowed(ctx: RequestContext, rule: str, target: Optional[Target] = None,
            service: Optional[str] = None) -> bool:
    """Whether the caller passes ``rule`` (on their own project unless ``target`` says whose)."""
    return policies_of(ctx).allowed(ctx, rule, target, service)


def is_admin(ctx: RequestContext) -> bool:
    """Nova's ``context.is_admin``: the caller passes ``context_is_admin`` (admin-only fields, filters)."""
    return bool(policies_of(ctx).credentials(ctx.identity)["is_admin"])


def authorize(ctx: RequestContext, rule: str, target: Optional[Target] = None,
              service: Optional[str] = None) -> None:
    """Raise the service's 403 for ``rule`` unless the caller passes it: the one call every service makes.

    :param rule: the rule's name in its service's table, e.g. ``os_compute_api:os-pause-server:pause``.
    :param target: ``{"project_id": ..., "user_id": ...}`` of the record acted on; the caller's by default.
    :param service: which table, only for names several tables define (``context_is_admin``).
    """
    found = policies_of(ctx)
    if not found.allowed(ctx, rule, target, service):
        raise found.forbidden(rule, service)


def server_target(record: Any) -> Target:
    """The target of a rule about a server, as Nova passes it: the server's project and user."""
    return {"project_id": record.project_id, "user_id": record.user_id}
