"""The dashboard's pages under ``/_fakenova/ui/``: read the runtime, render a template, nothing else.

Every page is a GET and changes nothing. What a page *does* (reset, clock, scenarios, server state) its
JavaScript sends as JSON to the ``/_fakenova`` control plane itself, so the dashboard has no power the API
lacks and is protected exactly as the control plane is. A page asked for with ``?fragment=1`` answers only
its live part, with an ETag, and 304 when nothing changed: that is how the pages poll.
"""
from __future__ import annotations

import hashlib
from typing import Any, Dict

from flask import Response, make_response, render_template, request

from .. import operations
from ..api.http import runtime
from ..domain.states import PowerState, TaskState, VmState
from ..journal import BODY_CAP
from ..store.memory import CAPTURE_LIMIT
from ..views.common import isotime
from . import cloud, journal

#: the pages, in the order the navigation lists them: (endpoint, label)
NAVIGATION = (("cloud", "Cloud"), ("requests", "Requests"), ("scenarios", "Scenarios"), ("controls", "Controls"))

#: the choices the set-state form offers, straight from the state enums
STATE_CHOICES = {
    "vm_state": [state.value for state in VmState if state is not VmState.DELETED],
    "task_state": [state.value for state in TaskState],
    "power_state": [state.name.lower() for state in PowerState],
}


def _args() -> Dict[str, str]:
    return {key: value.strip() for key, value in request.args.items() if key != "fragment"}


def _page(template: str, fragment: str, **context: Any) -> Response:
    """The whole page, or (``?fragment=1``) only its live fragment, answered 304 when unchanged."""
    rt = runtime()
    context.update(navigation=NAVIGATION, clock=operations.clock(rt), args=_args(), active=request.endpoint)
    if not request.args.get("fragment"):
        return make_response(render_template(template, **context))
    html = render_template(fragment, **context)
    tag = hashlib.sha1(html.encode()).hexdigest()
    if tag in request.if_none_match:
        response = make_response("", 304)
    else:
        response = make_response(html)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-store"
    return response


def cloud_page() -> Response:
    """Cloud: every project's servers (filtered, sorted), then images, flavors, ports and volumes."""
    rt = runtime()
    projects = cloud.project_names(rt.store)
    every, args = cloud.server_rows(rt), _args()
    rows = cloud.select(every, args)
    return _page("fakenova_ui/cloud.html", "fakenova_ui/_servers.html",
                 groups=cloud.by_project(rows, projects, every=not args.get("project")), count=len(rows),
                 projects=sorted(projects.values()),
                 statuses=sorted({row.status for row in every}), sorts=list(cloud.SORTS),
                 images=cloud.images(rt.store), flavors=cloud.flavors(rt.store), volumes=cloud.volumes(rt.store),
                 ports=cloud.ports(rt.store, rows))


def server_page(server_id: str) -> Response:
    """One server: its state, the set-state form, its instance actions, history and requests."""
    rt = runtime()
    server = cloud.find_server(rt, server_id)
    if server is None:
        return _missing(f"No server {server_id} is stored.")
    from ..domain import history

    actions = [dict(action, started=isotime(action["start_time"]))
               for action in history.actions_of(rt.store, server.id)]
    row = cloud.server_row(server, cloud.project_names(rt.store),
                           {image["id"]: image.get("name") or image["id"] for image in rt.store.list("image")})
    requests = journal.touching(rt, server.id, [a["request_id"] for a in actions])
    return _page("fakenova_ui/server.html", "fakenova_ui/_server_state.html",
                 server=row, deleted=server.deleted, metadata=sorted(server.metadata.items()),
                 actions=actions, history=cloud.history(rt, server, requests), choices=STATE_CHOICES,
                 requests=requests, fired_rules=journal.fired_rules)


def requests_page() -> Response:
    """Requests: the journal, newest first, filterable; polled while open."""
    rt = runtime()
    rules = sorted({rule["rule"] for item in operations.scenarios(rt) for rule in item["rules"]})
    return _page("fakenova_ui/requests.html", "fakenova_ui/_requests.html",
                 entries=journal.entries(rt, _args()), total=len(rt.store.journal()), rules=rules,
                 filters=list(journal.FILTERS), page=journal.PAGE, fired_rules=journal.fired_rules)


def request_page(request_id: str) -> Response:
    """One journal entry: request, response and every rule's verdict."""
    entry = journal.find(runtime(), request_id)
    if entry is None:
        return _missing(f"No request {request_id} is in the journal.")
    return _page("fakenova_ui/request.html", "fakenova_ui/_entry.html", entry=entry,
                 fired_rules=journal.fired_rules, body_cap=BODY_CAP, capture_limit=CAPTURE_LIMIT)


def scenarios_page() -> Response:
    """Scenarios: loaded ones with their rules' hit counts and state; load a bundled one; unload."""
    from ..scenario.loader import bundled_names

    loaded = operations.scenarios(runtime())
    return _page("fakenova_ui/scenarios.html", "fakenova_ui/_scenarios.html", loaded=loaded,
                 bundled=[name for name in bundled_names() if name not in {item["name"] for item in loaded}])


def controls_page() -> Response:
    """Controls: reset, the clock, a server's state, the control token."""
    rt = runtime()
    return _page("fakenova_ui/controls.html", "fakenova_ui/_clock.html",
                 servers=cloud.server_rows(rt), choices=STATE_CHOICES)


def _missing(message: str) -> Response:
    response = make_response(render_template("fakenova_ui/missing.html", message=message, navigation=NAVIGATION,
                                             clock=operations.clock(runtime()), active=None), 404)
    return response
