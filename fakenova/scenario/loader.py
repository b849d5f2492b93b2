"""Read a scenario (bundled name, file path or inline mapping) into a :class:`~.model.Scenario`, or refuse it.

Steps: :func:`~fakenova.yaml_io.read_yaml` (safe, size-capped, alias-bounded) -> JSON Schema -> resolution of
every name against the lifecycle table (``Action``, ``LIFECYCLE`` outcomes), the state Enums, pace syntax,
microversions and fixture names. Every error names the file, the rule and the field (:class:`ScenarioError`),
so a typo fails at load, not mid-test.
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple, Union

from .. import yaml_io
from ..domain.cinder_paths import PATHS, AnyAction
from ..domain.lifecycle import engine as lifecycle
from ..domain.pace import Pace, parse_pace
from ..domain.policy import PolicyError, check_overrides
from ..domain.states import PowerState, TaskState, VmState
from ..microversions import MAX_VERSION, MIN_VERSION, InvalidVersion, Version, VersionRange
from ..seed import bundled_dir, fixture_names
from ..yaml_io import YamlError, read_yaml
from . import checks, matchers, model
from .defaults import default_message, fault_name
from .schema import validator

#: scenario files larger than this are refused before parsing (a scenario is a page of YAML, not data)
MAX_BYTES = yaml_io.MAX_BYTES

Source = Union[str, Path, Mapping[str, Any]]


class ScenarioError(ValueError):
    """A scenario that cannot be loaded: where (file, rule, field) and why.

    .. versionadded:: 0.1
    """

    def __init__(self, source: str, reason: str, rule: Optional[str] = None, field: Optional[str] = None):
        self.source, self.reason, self.rule, self.field = source, reason, rule, field
        where = [source]
        if rule is not None:
            where.append(f"rule {rule!r}")
        if field:
            where.append(field)
        super().__init__(": ".join(where) + ": " + reason)


def bundled_names() -> List[str]:
    """Names of the scenarios shipped in ``scenarios/``, sorted."""
    return sorted(path.stem for path in bundled_dir("scenarios").glob("*.yaml"))


def resolve_path(name_or_path: Union[str, Path]) -> Path:
    """A bundled scenario's file for a bare name, else the path itself."""
    text = str(name_or_path)
    if "/" not in text and "\\" not in text and not text.endswith((".yaml", ".yml")):
        return bundled_dir("scenarios") / f"{text}.yaml"
    return Path(text)


def read_document(path: Path) -> Dict[str, Any]:
    """The YAML mapping in ``path``, read by :func:`~fakenova.yaml_io.read_yaml` (size cap, alias budget,
    parse cache: a test loads the same scenario over and over); anything not a mapping is refused."""
    source = str(path)
    try:
        document = read_yaml(path)
    except OSError as exc:
        known = ", ".join(bundled_names())
        raise ScenarioError(source, f"cannot read it ({exc.strerror}); bundled scenarios are: {known}") from None
    except YamlError as exc:
        raise ScenarioError(source, str(exc).split(": ", 1)[-1]) from None
    if not isinstance(document, dict):
        raise ScenarioError(source, "expected a mapping at the top level")
    return document


def read(source: Source) -> Tuple[Dict[str, Any], str]:
    """The document and its origin (the file path, or ``<inline>``) for a name, a path or a mapping."""
    if isinstance(source, Mapping):
        return dict(source), "<inline>"
    path = resolve_path(source)
    return read_document(path), str(path)


def load(source: Source) -> model.Scenario:
    """Load a scenario from a bundled name, a path, or an inline mapping (already parsed YAML/JSON).

    :raises ScenarioError: naming the file, rule and field at fault.

    .. versionadded:: 0.1
    """
    return build(*read(source))


_BUILT: Dict[str, model.Scenario] = {}


def build(document: Dict[str, Any], source: str) -> model.Scenario:
    """Validate a parsed document and resolve its names into a Scenario (memoised: Scenarios are frozen)."""
    key = source + "\0" + json.dumps(document, sort_keys=True, default=str)
    scenario = _BUILT.get(key)
    if scenario is None:
        scenario = _build(document, source)
        if len(_BUILT) > 256:
            _BUILT.clear()
        _BUILT[key] = scenario
    return scenario


def _build(document: Dict[str, Any], source: str) -> model.Scenario:
    _check_schema(document, source)
    names = Resolver(source, document)
    api = document.get("api", {})
    return model.Scenario(
        name=document["name"], description=document.get("description", ""), source=source,
        min_version=names.version(api.get("min_version"), "api.min_version"),
        max_version=names.version(api.get("max_version"), "api.max_version"),
        config=dict(document.get("config", {})),
        paces={action: names.pace(text, f"pace.{key}") for key, text in document.get("pace", {}).items()
               for action in names.actions(key, f"pace.{key}")},
        seed=names.seed(document.get("seed", {})),
        policy=names.policy(document.get("policy", {})),
        rules=checks.checked_rules(tuple(names.rule(rule, index)
                                         for index, rule in enumerate(document.get("rules", []))), source),
        random_seed=document.get("random_seed"),
    )


def _check_schema(document: Dict[str, Any], source: str) -> None:
    errors = sorted(validator().iter_errors(document), key=lambda error: list(error.absolute_path))
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    rule = None
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rule = str(document["rules"][path[1]].get("name", f"#{path[1] + 1}"))
        path = path[2:]
    field = ".".join(str(part) for part in path)
    raise ScenarioError(source, error.message, rule, field)


def _suggest(value: Any, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def path_template(text: str) -> model.PathTemplate:
    """``/servers/{id}/*`` -> an anchored regex with named groups; full paths start with a service prefix."""
    parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\}|\*)", text.rstrip("/") or "/")
    regex = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else ".*" if part == "*" else re.escape(part)
        for part in parts)
    full = any(text == f"/{s.value}" or text.startswith(f"/{s.value}/") for s in model.Service)
    return model.PathTemplate(text=text, pattern=re.compile(f"^{regex}/?$"), full=full)


class Resolver:
    """Resolves one document's names, raising ScenarioError with the file, rule and field."""

    def __init__(self, source: str, document: Dict[str, Any]) -> None:
        self.source = source
        self.scenario = str(document["name"])
        self.rule_name: Optional[str] = None
        seed = document.get("seed", {})
        self.known = fixture_names()
        for kind in ("flavors", "images", "networks", "projects", "users"):
            for item in seed.get(kind, []):
                self.known[kind] |= {str(item["name"]), str(item.get("id", item["name"]))}

    def fail(self, field: str, reason: str) -> ScenarioError:
        return ScenarioError(self.source, reason, self.rule_name, field)

    def version(self, text: Optional[str], field: str) -> Optional[Version]:
        if text is None:
            return None
        try:
            version = Version.parse(text)
        except InvalidVersion:
            raise self.fail(field, f"{text!r} is not a microversion") from None
        if not MIN_VERSION <= version <= MAX_VERSION:
            raise self.fail(field, f"{text} is outside {MIN_VERSION}-{MAX_VERSION}")
        return version

    def actions(self, name: str, field: str) -> FrozenSet[AnyAction]:
        """The actions ``name`` stands for: the one whose value it is (``reboot_hard``), else every row Nova
        calls by it (``reboot``: soft and hard), looked up in the live LIFECYCLE table."""
        named = actions_named(name)
        if named:
            return named
        choices = {a.value for a in OUTCOMES} | {r.nova_name for r in lifecycle.LIFECYCLE.values()}
        raise self.fail(field, f"unknown action {name!r}{_suggest(name, choices)}")

    def pace(self, text: str, field: str) -> Pace:
        try:
            return parse_pace(text)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from None

    def enum(self, kind: Any, value: Any, field: str) -> Any:
        """A member of ``kind`` by value (``soft-delete``, ``1``) or by name (``SOFT_DELETED``, ``running``)."""
        for member in kind:
            if value == member.value or str(value).upper() == member.name:
                return member
        choices = [str(member.value) for member in kind] + [member.name.lower() for member in kind]
        raise self.fail(field, f"unknown {kind.__name__} {value!r}{_suggest(value, choices)}")

    def known_name(self, kind: str, value: str, field: str) -> str:
        if value not in self.known[kind]:
            raise self.fail(field, f"no {kind[:-1]} named {value!r}{_suggest(value, self.known[kind])}")
        return value

    def rule(self, data: Dict[str, Any], index: int) -> model.Rule:
        self.rule_name = str(data["name"])
        when = self.when(data.get("when", {}))
        then = self.then(data["then"], when)
        times = data.get("times", "always")
        parsed = (model.Times(model.TimesKind.N, times) if isinstance(times, int) and times > 1
                  else model.ONCE if times in (1, "once") else model.ALWAYS)
        rule = model.Rule(scenario=self.scenario, name=self.rule_name, when=when, then=then, times=parsed,
                          sets_state=data.get("sets_state"), index=index)
        self.rule_name = None
        return rule

    def _strings(self, value: Any) -> Tuple[str, ...]:
        return (value,) if isinstance(value, str) else tuple(value or ())

    def when(self, data: Dict[str, Any]) -> model.When:
        actions: Set[AnyAction] = set()
        for name in self._strings(data.get("action")):
            actions |= self.actions(name, "when.action")
        try:
            server_name = model.compile_regex(data["server_name"]) if "server_name" in data else None
        except re.error as exc:
            raise self.fail("when.server_name", f"invalid regular expression: {exc}") from None
        versions = data.get("versions")
        try:
            matching: Dict[str, Any] = {key: compile(data[key]) for key, compile in _MATCHERS.items()
                                        if key in data}
        except matchers.MatcherError as exc:
            raise self.fail(exc.field, str(exc)) from None
        return model.When(
            **matching, after=int(data.get("after", 0)), every=int(data.get("every", 1)),
            probability=float(data["probability"]) if "probability" in data else None,
            method=data["method"].upper() if "method" in data else None,
            path=path_template(data["path"]) if "path" in data else None,
            service=self.enum(model.Service, data["service"], "when.service") if "service" in data else None,
            actions=frozenset(actions), server_name=server_name, metadata=dict(data.get("metadata", {})),
            versions=VersionRange(self.version(versions.get("min"), "when.versions.min") or MIN_VERSION,
                                  self.version(versions.get("max"), "when.versions.max")) if versions else None,
            projects=frozenset(self._strings(data.get("project"))),
            users=frozenset(self._strings(data.get("user"))), state=data.get("state"))

    def then(self, data: Dict[str, Any], when: model.When) -> model.Then:
        effects = [effect for effect in model.Effect if effect.value in data]
        if len(effects) > 1 and model.Effect.DELAY in effects:
            effects.remove(model.Effect.DELAY)  # a delay goes alone (then the request goes through) or with respond
            if effects != [model.Effect.RESPOND]:
                raise self.fail("then.delay", "a delay goes alone (the real answer, later) or with respond")
        if len(effects) != 1:
            found = ", ".join(effect.value for effect in effects) or "none"
            raise self.fail("then", f"needs exactly one of {', '.join(e.value for e in model.Effect)} "
                                    f"(found {found})")
        effect = effects[0]
        if "fault" in data and effect is not model.Effect.OUTCOME:
            raise self.fail("then.fault", "a fault goes with 'outcome: error' (or inside set_state)")
        builders = {
            model.Effect.RESPOND: lambda: {"respond": self.respond(data["respond"])},
            model.Effect.OUTCOME: lambda: self.outcome(data, when),
            model.Effect.PACE: lambda: {"pace": self.pace(data["pace"], "then.pace")},
            model.Effect.SET_STATE: lambda: {"pin": self.pin(data["set_state"], "then.set_state")},
            model.Effect.TRANSPORT: lambda: {"transport": self.transport(data["transport"])},
            model.Effect.LIST_LAG: lambda: {"list_lag": int(data["list_lag"]["reads"])},
            model.Effect.DELAY: lambda: {},
        }
        return model.Then(effect=effect, delay=float(data.get("delay", 0)), **builders[effect]())

    def respond(self, data: Dict[str, Any]) -> model.Respond:
        status = int(data["status"])
        if "body" in data and "body_text" in data:
            raise self.fail("then.respond.body_text", "give body (JSON) or body_text, not both")
        if "content_type" in data and "body_text" not in data:
            raise self.fail("then.respond.content_type", "content_type goes with body_text")
        return model.Respond(status=status, fault=data.get("fault") or fault_name(max(status, 400)),
                             message=data.get("message", default_message(max(status, 400))),
                             headers={key: str(value) for key, value in data.get("headers", {}).items()},
                             delay=float(data.get("delay", 0)), body=data.get("body"),
                             body_text=data.get("body_text"),
                             content_type=data.get("content_type", "text/plain" if "body_text" in data else None))

    def outcome(self, data: Dict[str, Any], when: model.When) -> Dict[str, Any]:
        outcome = self.enum(lifecycle.Outcome, data["outcome"], "then.outcome")
        if not when.actions:
            raise self.fail("when.action", "an outcome rule must name the action whose outcome it chooses")
        for action in (a for a in OUTCOMES if a in when.actions):  # table order, for a stable message
            if outcome not in OUTCOMES[action]:
                declared = ", ".join(o.value for o in OUTCOMES[action])
                raise self.fail("then.outcome", f"action {action.value!r} has no outcome {outcome.value!r} "
                                                f"(declared: {declared})")
        fault = data.get("fault")
        return {"outcome": outcome, "fault": model.FaultSpec(**fault) if fault is not None else None}

    def pin(self, data: Dict[str, Any], field: str) -> model.StatePin:
        fault = data.get("fault")
        return model.StatePin(
            vm_state=self.enum(VmState, data["vm_state"], f"{field}.vm_state") if "vm_state" in data else None,
            task_state=(self.enum(TaskState, data["task_state"], f"{field}.task_state")
                        if data.get("task_state") is not None else None),
            sets_task_state="task_state" in data,
            power_state=(self.enum(PowerState, data["power_state"], f"{field}.power_state")
                         if "power_state" in data else None),
            fault=model.FaultSpec(**fault) if fault is not None else None)

    def transport(self, data: Dict[str, Any]) -> model.TransportFault:
        return model.TransportFault(kind=self.enum(model.Transport, data["fault"], "then.transport.fault"),
                                    delay=float(data.get("delay", 1.0)), chunks=int(data.get("chunks", 4)))

    def policy(self, data: Dict[str, str]) -> Mapping[str, str]:
        """Policy overrides, refused as ``--policy FILE`` refuses them (unknown rule, bad check string)."""
        try:
            check_overrides(data)
        except PolicyError as exc:
            raise self.fail("policy", str(exc)) from None
        return dict(data)

    def seed(self, data: Dict[str, Any]) -> Mapping[str, Any]:
        """Check the seed's references (projects, users, flavors, images, networks, states)."""
        for index, user in enumerate(data.get("users", [])):
            self.known_name("projects", user["project"], f"seed.users[{index}].project")
        for project in data.get("quotas", {}):
            self.known_name("projects", project, f"seed.quotas.{project}")
        for index, server in enumerate(data.get("servers", [])):
            field = f"seed.servers[{index}]"
            for kind, default in (("projects", "demo"), ("flavors", "m1.tiny"), ("images", "cirros"),
                                  ("networks", "private")):
                self.known_name(kind, server.get(kind[:-1], default), f"{field}.{kind[:-1]}")
            self.pin({key: server[key] for key in ("vm_state", "task_state", "power_state") if key in server},
                     field)
        return data


#: ``when`` keys compiled into request matchers, and their compilers
_MATCHERS = {"query": matchers.compile_query, "headers": matchers.compile_headers, "body": matchers.compile_body}


#: every action a rule may name, in table order (the server LIFECYCLE's, then Cinder's PATHS), with the
#: outcomes it declares
OUTCOMES: Mapping[AnyAction, Tuple[lifecycle.Outcome, ...]] = {
    **{action: tuple(row.outcomes) for action, row in lifecycle.LIFECYCLE.items()},
    **{action: tuple(path.ends) for action, path in PATHS.items()},
}


def actions_named(name: str) -> FrozenSet[AnyAction]:
    """What ``when.action: name`` matches: the action of that value, else all rows of that Nova name."""
    exact = frozenset(action for action in OUTCOMES if action.value == name)
    return exact or frozenset(row.action for row in lifecycle.LIFECYCLE.values() if row.nova_name == name)


#: the public name (``fakenova.load_scenario``) of :func:`load`
load_scenario = load
