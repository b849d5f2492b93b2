"""Route tables and how one becomes a Flask blueprint.

A :class:`Route` is data: method, path, handler, the microversions in which it exists, whether it needs a
token and the policy rule guarding it. ``blueprint()`` turns an ordered table into a blueprint whose views
check the version range (404 outside it, as Nova does), the project id in the URL and the route's rule (for
the caller on their own project; after the record's lookup where the service loads it first) before calling
the handler. Which record a service loads first is named once per service, by the path parameter naming it
(``blueprint(lookups=...)``); a route overrides it only where its controller loads something else. A table row
may also be a :class:`LazyRoute` (method, path and endpoint name only), whose route is loaded by the first
request to it.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Optional, Protocol, Sequence, Tuple, Union

from flask import Blueprint, Response, g
from werkzeug.routing import Rule

from ..domain import errors
from ..domain.context import RequestContext
from ..domain.lifecycle.table import Action
from ..domain.policy import CALLER_TARGET, checked_by_handlers, policies_of, services_defining, target_keys
from ..microversions import VersionRange

Handler = Callable[..., Response]
#: the lifecycle action a request asks for, read as its handler will read it: (URL args, JSON body) -> action
ActionOf = Callable[[Mapping[str, str], Any], Optional[Action]]
#: the record a service loads before its policy check: (URL args, caller) -> the error it answers when that
#: record is not the caller's to see (Nova's 404 for another project's server), else None
Lookup = Callable[[Mapping[str, str], RequestContext], Optional[errors.FakeNovaError]]


@dataclass(frozen=True)
class Route:
    """One row of a route table.

    :param versions: the compute microversions in which the route exists (404 outside).
    :param public: True for version documents, which need no token.
    :param negotiates: False where Nova answers outside microversion control (the ``/compute/`` root).
    :param action_of: which lifecycle action the request runs, for scenario rules' ``when.action``.
    :param policy: the owning service's default policy rule name that guards the route (Nova's
        ``os_compute_api:servers:index``, Keystone's ``identity:list_users``, Glance's ``get_images``, Neutron's
        ``get_network``), whose default check string lives in ``fakenova.policies.<service>.RULES``.
    :param unguarded: why the route has no ``policy``: the service checks none there, or the rule depends on
        the body (``POST /servers/{id}/action``), so the handler checks it.
    :param looks_up: the service loads the record the URL names before checking ``policy`` (most of Nova's
        ``/servers/{id}/...`` controllers): a caller the rule refuses gets the lookup's 404 when the record
        is not theirs to see, and the 403 only for one they can see. None: the blueprint's lookup for the
        first path parameter it has one for (``blueprint(lookups=...)``), and without one the policy comes
        first. Set only where the controller loads something else (Nova's tags read the instance mapping).
    """

    method: str
    path: str
    handler: Handler
    versions: VersionRange = VersionRange()
    public: bool = False
    negotiates: bool = True
    action_of: Optional[ActionOf] = None
    policy: Optional[str] = None
    unguarded: str = ""
    looks_up: Optional[Lookup] = None


def endpoint_stem(route: Route) -> str:
    """The start of a route's endpoint names: its handler's module and name."""
    return f"{route.handler.__module__.rsplit('.', 1)[-1]}_{route.handler.__name__}"


class LazyRoute(Protocol):
    """A table row known before its handler module is imported (``fakenova.api.lazy_routes.RouteRef``)."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def stem(self) -> str: ...

    def load(self) -> Route: ...


#: a path parameter in a route's path (``<server_id>``, ``<int:index>``): its name
_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


class _Binding:
    """The route behind one view, its central policy check and the lookup before it, worked out by the first
    request that needs them: loading the handler and lookup modules and compiling the rule's default are
    start-up costs otherwise."""

    __slots__ = ("source", "lookups", "loaded", "rule", "service", "looks_up")

    def __init__(self, source: Union[Route, LazyRoute], lookups: str) -> None:
        self.source = source
        self.lookups = lookups
        self.loaded: Optional[Route] = None
        self.rule: Optional[str] = None
        self.service: Optional[str] = None
        self.looks_up: Optional[Lookup] = None

    def load(self) -> Route:
        loaded = self.loaded
        if loaded is None:
            route = self.source if isinstance(self.source, Route) else self.source.load()
            self.rule, self.service = _central_rule(route)
            if self.rule is not None:  # without a central check, nothing is looked up before the handler
                self.looks_up = route.looks_up or _lookup_by_path(route.path, self.lookups)
            self.loaded = loaded = route  # last: a concurrent request sees a route only with its rule
        return loaded


def _lookup_by_path(path: str, lookups: str) -> Optional[Lookup]:
    """The service's lookup for the first parameter of ``path`` that it loads a record by, if any."""
    if not lookups:
        return None
    module, _, attribute = lookups.partition(":")
    by_parameter: Mapping[str, Lookup] = getattr(importlib.import_module(module), attribute)
    return next((by_parameter[name] for name in _PARAMETER.findall(path) if name in by_parameter), None)


def _central_rule(route: Route) -> Tuple[Optional[str], Optional[str]]:
    # the table that defines the route's rule; a rule no table of this build defines is left to the handler
    # (tests/api/test_route_policies.py fails for it), rather than refusing everyone; so is a rule about the
    # record's own fields (Glance's owner, visibility), which only the handler can fill in
    owners = services_defining(route.policy) if route.policy else []
    rule, service = (route.policy, owners[0]) if len(owners) == 1 else (None, None)
    if rule is not None and service is not None and (
            checked_by_handlers(service) or not target_keys(service, rule) <= CALLER_TARGET):
        return None, None
    return rule, service


def _view(source: Union[Route, LazyRoute], *, checks_project: bool, lookups: str) -> Handler:
    binding = _Binding(source, lookups)

    def view(**kwargs: str) -> Response:
        route = binding.loaded or binding.load()
        url_project = kwargs.pop("project_id", None)
        state = g._get_current_object()  # one context lookup, not one per attribute
        state.fakenova_url_project = url_project
        ctx = getattr(state, "fakenova_ctx", None)
        if checks_project and url_project is not None and ctx is not None and url_project != ctx.project_id:
            raise errors.BadRequest(
                f"Malformed request URL: URL's project_id '{url_project}' doesn't match Context's "
                f"project_id '{ctx.project_id}'")
        if ctx is not None and ctx.version not in route.versions:
            raise errors.NotFound()
        rule = binding.rule
        if rule is not None and ctx is not None:  # on the caller's own project: records are the handler's
            policies = policies_of(ctx)
            if not policies.allowed(ctx, rule, service=binding.service):
                # a token holds roles on one project: refused there, the caller is refused on the record's
                # project too, so what is left is which answer comes first, the lookup's 404 or the 403
                looks_up = binding.looks_up
                missing = looks_up(kwargs, ctx) if looks_up is not None else None
                return _refused(state, missing or policies.forbidden(rule, binding.service), route.handler, kwargs)
        return route.handler(**kwargs)

    view.fakenova_binding = binding  # type: ignore[attr-defined]
    return view


def _refused(state: Any, refusal: errors.FakeNovaError, handler: Handler, kwargs: Mapping[str, str]) -> Response:
    """Run a refused caller's handler only up to its shape checks.

    Nova validates the body and query before the policy: the refusal waits for the handler's first use of the
    runtime (``api.http.runtime``), and is raised at the latest when the handler returns.
    """
    state.fakenova_refused = refusal
    try:
        response = handler(**kwargs)
    finally:  # a 400 leaves nothing pending for the code that runs after the handler
        pending = state.pop("fakenova_refused", None)
    if pending is not None:
        raise pending
    return response


def blueprint(name: str, url_prefix: str, routes: Sequence[Union[Route, LazyRoute]],
              project_prefixes: Iterable[str] = ("",), *, checks_project: bool = False,
              strict_slashes: bool = False, lookups: str = "") -> Blueprint:
    """Register every route of ``routes`` under each of ``project_prefixes`` (e.g. ``/<project_id>``).

    :param checks_project: compare a ``project_id`` URL segment with the token's project (Nova's 400).
    :param strict_slashes: a trailing slash is another URL (Cinder: ``GET /volumes/`` is a 404, not the list).
    :param lookups: ``"<module>:<attribute>"`` naming the service's lookups by path parameter (``server_id``:
        Nova's instance lookup), the ``looks_up`` of every route that sets none; imported by the first
        request to such a route.
    """
    bp = Blueprint(name, __name__, url_prefix=url_prefix)
    seen: set = set()
    for prefix in project_prefixes:
        for index, route in enumerate(routes):
            stem = endpoint_stem(route) if isinstance(route, Route) else route.stem
            endpoint = f"{stem}_{route.method.lower()}_{index}{'_p' if prefix else ''}"
            if endpoint in seen:
                raise ValueError(f"duplicate route {route}")
            seen.add(endpoint)
            bp.add_url_rule(prefix + route.path, endpoint=endpoint, methods=[route.method],
                            view_func=_view(route, checks_project=checks_project, lookups=lookups),
                            strict_slashes=strict_slashes)
    return bp


class LazyBuildRule(Rule):
    """A werkzeug rule that compiles its URL builders (``url_for``) on first use instead of when added.

    werkzeug generates and compiles two Python functions per rule as it is added to the map, which was most
    of ``create_app()``'s time (~180 rules); fakenova matches URLs on every request but builds almost none.
    The builders are the ones werkzeug would have made, from the same parsed rule, only later.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., Tuple[str, str]]:
        attribute = "_build_unknown" if append_unknown else "_build"
        compile_builder = super()._compile_builder

        def build(rule: Rule, /, **values: object) -> Tuple[str, str]:
            real = compile_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, real)  # later calls go straight to the compiled builder
            return real(**values)

        return build


def route_of(view: Optional[Callable]) -> Optional[Route]:
    """The route row behind a matched view, if any (its handler module imported on first use)."""
    binding: Optional[_Binding] = getattr(view, "fakenova_binding", None)
    return None if binding is None else binding.loaded or binding.load()

