"""Checks across a scenario's rules that the JSON Schema cannot express: rules that can never fire.

Run by the loader on every file (so ``fakenova scenarios check`` and loading agree), each refusal naming the
file, the rule and the field: a body matcher on a method without a body, a probability of 0, an ``after`` or
``every`` on a rule an earlier rule always answers first, ``every``/``after`` with effects that never count.
"""
from __future__ import annotations

from typing import Callable, Optional, Tuple

from . import model

#: methods whose requests carry no body a ``when.body`` could match
_BODILESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


class RuleError(ValueError):
    """A rule that cannot fire: its field and why (the loader adds the file)."""

    def __init__(self, rule: model.Rule, field: str, reason: str) -> None:
        super().__init__(reason)
        self.rule, self.field = rule, field


def _body_on_bodiless(rule: model.Rule, earlier: Tuple[model.Rule, ...]) -> Optional[Tuple[str, str]]:
    method = rule.when.method
    if rule.when.body is not None and method in _BODILESS:
        return "when.body", f"a {method} request has no body to match"
    return None


def _never_drawn(rule: model.Rule, earlier: Tuple[model.Rule, ...]) -> Optional[Tuple[str, str]]:
    if rule.when.probability == 0:
        return "when.probability", "probability 0 can never fire"
    return None


def _counts_without_calls(rule: model.Rule, earlier: Tuple[model.Rule, ...]) -> Optional[Tuple[str, str]]:
    if rule.when.counts and rule.then.effect is model.Effect.LIST_LAG:
        field = "when.after" if rule.when.after else "when.every" if rule.when.every > 1 else "when.probability"
        return field, "list_lag counts list reads per server, not calls: after/every/probability never apply"
    return None


def _shadowed(rule: model.Rule, earlier: Tuple[model.Rule, ...]) -> Optional[Tuple[str, str]]:
    """An earlier ``respond`` rule with the very same conditions, no counters and no limit answers every call
    this rule would count, so its ``after``/``every`` is never reached."""
    when = rule.when
    if not (when.after or when.every > 1) or rule.then.effect is not model.Effect.RESPOND:
        return None
    bare = _conditions(when)
    for other in earlier:
        if (other.then.effect is model.Effect.RESPOND and other.times.limit is None and not other.when.counts
                and _conditions(other.when) == bare and other.sets_state is None):
            field = "when.after" if when.after else "when.every"
            return field, f"can never fire: rule {other.name!r} answers every matching call first (times: always)"
    return None


def _conditions(when: model.When) -> Tuple[object, ...]:
    return (when.method, when.path.text if when.path else None, when.service, when.actions,
            when.server_name.pattern if when.server_name else None, tuple(sorted(when.metadata.items())),
            when.versions, when.projects, when.users, when.state, when.query, when.headers, when.body)


CHECKS: Tuple[Callable[[model.Rule, Tuple[model.Rule, ...]], Optional[Tuple[str, str]]], ...] = (
    _body_on_bodiless, _never_drawn, _counts_without_calls, _shadowed)


def checked_rules(rules: Tuple[model.Rule, ...], source: str) -> Tuple[model.Rule, ...]:
    """``rules`` unchanged, or the first refusal as a ScenarioError naming file, rule and field."""
    from .loader import ScenarioError  # the loader imports this module

    for position, rule in enumerate(rules):
        for check in CHECKS:
            problem = check(rule, rules[:position])
            if problem is not None:
                raise ScenarioError(source, problem[1], rule.name, problem[0])
    return rules
