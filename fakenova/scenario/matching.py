"""Whether a rule's ``when`` holds for a request: each rule's conditions compiled once into a short list of checks.

A check returns None when its condition holds, else the journal's reason ("method GET != DELETE"). Only the
conditions a rule writes become checks, cheapest first (method, service, path before query, headers and body),
and :class:`RuleIndex` files rules by method so a request only runs the checks of rules that can match it; the
others get their reason ("method GET != DELETE") without running anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple

from ..domain.cinder_paths import AnyAction
from ..microversions import Version
from . import model
from .matchers import NO_BODY


@dataclass(frozen=True)
class Probe:
    """The facts of one request that rules can test, as the HTTP layer read them.

    ``query``, ``headers`` (lower-case names) and ``body`` are read only when a loaded rule tests them.
    """

    method: Optional[str] = None
    path: Optional[str] = None
    api_path: Optional[str] = None  # the compute path after /compute/v2.1[/<project>], else None
    service: Optional[model.Service] = None
    action: Optional[AnyAction] = None  # what the request asks of the lifecycle, as its handler reads it
    version: Optional[Version] = None
    project: Tuple[str, ...] = ()  # id and name
    user: Tuple[str, ...] = ()
    server_id: Optional[str] = None
    server_name: Optional[str] = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, List[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: object = NO_BODY


Check = Callable[[Probe], Optional[str]]


def path_params(template: Optional[model.PathTemplate], probe: Probe) -> Optional[Dict[str, str]]:
    """The template's ``{names}`` captured from the probe's path; None when it does not match."""
    if template is None:
        return {}
    target = probe.path if template.full else probe.api_path
    if target is None:
        return None
    match = template.pattern.match(target)
    return match.groupdict() if match else None


def _names(actions: FrozenSet[AnyAction]) -> str:
    return "/".join(sorted(action.value for action in actions))


def _method(when: model.When) -> Check:
    expected = when.method
    return lambda p: None if p.method == expected else f"method {p.method or 'none'} != {expected}"


def _service(when: model.When) -> Check:
    expected = when.service
    assert expected is not None
    return lambda p: None if p.service is expected else \
        f"service {p.service.value if p.service else 'none'} != {expected.value}"


def _path(when: model.When) -> Check:
    template = when.path
    assert template is not None
    return lambda p: None if path_params(template, p) is not None else \
        f"path {p.path or 'none'} does not match {template.text}"


def _action(when: model.When) -> Check:
    actions = when.actions
    return lambda p: None if p.action in actions else \
        f"action {p.action.value if p.action else 'none'} is not {_names(actions)}"


def _versions(when: model.When) -> Check:
    versions = when.versions
    assert versions is not None
    return lambda p: None if p.version is not None and p.version in versions else \
        f"microversion {p.version or 'none'} not in {versions}"


def _projects(when: model.When) -> Check:
    projects = when.projects
    return lambda p: None if set(p.project) & projects else \
        f"project {'/'.join(p.project) or 'none'} not in {sorted(projects)}"


def _users(when: model.When) -> Check:
    users = when.users
    return lambda p: None if set(p.user) & users else f"user {'/'.join(p.user) or 'none'} not in {sorted(users)}"


def _query(when: model.When) -> Check:
    matcher = when.query
    assert matcher is not None
    return lambda p: matcher.reason(p.query)


def _headers(when: model.When) -> Check:
    matcher = when.headers
    assert matcher is not None
    return lambda p: matcher.reason(p.headers)


def _body(when: model.When) -> Check:
    matcher = when.body
    assert matcher is not None
    return lambda p: matcher.reason(p.body)


#: (condition present?, check builder), cheapest and most selective first; the method is left to the index
REQUEST_CHECKS: Tuple[Tuple[Callable[[model.When], bool], Callable[[model.When], Check]], ...] = (
    (lambda w: w.service is not None, _service),
    (lambda w: w.path is not None, _path),
    (lambda w: bool(w.actions), _action),
    (lambda w: w.versions is not None, _versions),
    (lambda w: bool(w.projects), _projects),
    (lambda w: bool(w.users), _users),
    (lambda w: w.query is not None, _query),
    (lambda w: w.headers is not None, _headers),
    (lambda w: w.body is not None, _body),
)


def compile_checks(when: model.When, *, with_method: bool = True) -> Tuple[Check, ...]:
    """The checks of ``when``'s request conditions (not the scenario state, not the server's name/metadata)."""
    checks = [_method(when)] if with_method and when.method is not None else []
    return tuple(checks + [build(when) for applies, build in REQUEST_CHECKS if applies(when)])


def first_reason(checks: Tuple[Check, ...], probe: Probe) -> Optional[str]:
    for check in checks:
        reason = check(probe)
        if reason is not None:
            return reason
    return None


def server_reason(when: model.When, probe: Probe) -> Optional[str]:
    """Why the server the request names (or creates) fails ``server_name``/``metadata``; None when it passes."""
    if when.server_name is not None:
        if probe.server_name is None:
            return "no server name in this request"
        if not when.server_name.search(probe.server_name):
            return f"server name {probe.server_name!r} does not match {when.server_name.pattern!r}"
    for key, value in when.metadata.items():
        if probe.metadata.get(key) != value:
            return f"metadata {key}={probe.metadata.get(key)!r} != {value!r}"
    return None


#: distinct verdicts an index keeps for sharing before it starts over
_SHARED_VERDICTS = 4096


class RuleIndex:
    """Rules with their compiled checks, filed by method and service: a request runs only the checks of the
    rules that can match its method and service; every other rule's reason is the method or service."""

    def __init__(self, rules: Tuple[model.Rule, ...]) -> None:
        self.rules = rules
        self.checks: Dict[str, Tuple[Check, ...]] = {rule.key: compile_checks(rule.when) for rule in rules}
        self._positions = {rule.key: position for position, rule in enumerate(rules)}
        #: the rules that choose an action's pace or outcome, asked for at every action's start
        self.action_rules = tuple(rule for rule in rules if rule.then.phase is model.Phase.ACTION_BEGIN)
        self._filed: Dict[Tuple[Optional[str], Optional[model.Service]], Tuple[model.Rule, ...]] = {}
        self._verdicts: Dict[Tuple[str, bool, str], Dict[str, Any]] = {}
        self._skipped: Dict[Tuple[str, Optional[str], Optional[model.Service]], Dict[str, object]] = {}
        self.needs = frozenset(name for rule in rules for name in ("query", "headers", "body")
                               if getattr(rule.when, name) is not None) | frozenset(
            "server" for rule in rules if rule.when.server_name is not None or rule.when.metadata)
        self._templates: Dict[Tuple[Optional[str], Optional[model.Service]], List[object]] = {}

    def verdicts(self, method: Optional[str], service: Optional[model.Service],
                 found: Mapping[str, Dict[str, object]]) -> List[object]:
        """Every rule's verdict in load order: ``found`` for the candidates, the shared ones for the others
        (a copy of a list made once per method and service, with the candidates' verdicts put in place)."""
        template = self._templates.get((method, service))
        if template is None:
            template = self._templates[(method, service)] = [
                None if rule.when.method in (None, method) and rule.when.service in (None, service)
                else self.skipped(rule, method, service) for rule in self.rules]
        entries = list(template)
        positions = self._positions
        for key, verdict in found.items():
            entries[positions[key]] = verdict
        return [entry for entry in entries if entry is not None] if None in entries else entries

    def candidates(self, method: Optional[str], service: Optional[model.Service]) -> Tuple[model.Rule, ...]:
        """The rules that may match a ``method`` request to ``service``, in load order (worked out once)."""
        found = self._filed.get((method, service))
        if found is None:
            found = self._filed[(method, service)] = tuple(
                rule for rule in self.rules
                if rule.when.method in (None, method) and rule.when.service in (None, service))
        return found

    def verdict(self, rule: model.Rule, fired: bool, reason: str) -> Dict[str, Any]:
        """A journal verdict, shared (read-only) between the requests that reach the same one: the journal keeps
        thousands of entries, and one dict per rule and request would be most of its memory."""
        key = (rule.key, fired, reason)
        verdict = self._verdicts.get(key)
        if verdict is None:
            if len(self._verdicts) >= _SHARED_VERDICTS:
                self._verdicts.clear()
            verdict = self._verdicts[key] = {"rule": rule.key, "effect": rule.then.effect.value, "fired": fired,
                                             "reason": reason}
        return verdict

    def skipped(self, rule: model.Rule, method: Optional[str], service: Optional[model.Service]) -> Dict[str, object]:
        """The journal's verdict for a rule the index filed elsewhere: one shared (read-only) dict per rule,
        method and service, so rules that cannot match cost a lookup per request, not a new verdict."""
        key = (rule.key, method, service)
        verdict = self._skipped.get(key)
        if verdict is None:
            expected = rule.when.service
            reason = (f"method {method or 'none'} != {rule.when.method}" if rule.when.method not in (None, method)
                      else f"service {service.value if service else 'none'} != {expected.value if expected else ''}")
            verdict = self._skipped[key] = {"rule": rule.key, "effect": rule.then.effect.value, "fired": False,
                                            "reason": "skipped: " + reason}
        return verdict
