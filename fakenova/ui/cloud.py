"""What the Cloud and server pages show: the stored state, read without changing it, as plain rows.

The dashboard is an observer. A server is shown as it stands *now* on the fake clock by running the pure
lifecycle ``advance`` on a copy (``observed=False``: looking is not a poll), and nothing is written back, so
opening the dashboard never moves a server, finishes an action or counts against an ``AfterPolls`` pace.
Filters and sort orders are tables; one small function applies each.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, Dict, List, Mapping, Optional, Sequence, Tuple

from ..domain import history as action_history
from ..domain.lifecycle import engine as lifecycle
from ..domain.models import Server
from ..domain.ports import Runtime, Store
from ..domain.states import PowerState, derive_status
from ..views.common import isotime


@dataclass(frozen=True)
class ServerRow:
    """One server as the dashboard lists it (every value already text, ready for an escaping template)."""

    id: str
    name: str
    project: str
    project_id: str
    user_id: str
    status: str
    vm_state: str
    task_state: str
    power_state: str
    host: str
    flavor: str
    image: str
    addresses: Tuple[str, ...]
    locked: str
    fault: str
    action: str
    created: str
    updated: str
    created_at: float


def _now_view(server: Server, now: float) -> Server:
    """The server as it stands at ``now``, computed on a copy (the stored record is left alone)."""
    return lifecycle.advance(server, now, observed=False)


def _addresses(server: Server) -> Tuple[str, ...]:
    return tuple(f"{nic.network_name}: {', '.join([ip for _, ip in nic.ips] + list(nic.floating_ips))}"
                 for nic in server.nics)


def _lock(server: Server) -> str:
    if server.locked_by is None:
        return ""
    return f"locked by {server.locked_by}" + (f": {server.locked_reason}" if server.locked_reason else "")


def server_row(server: Server, names: Mapping[str, str], images: Mapping[str, str]) -> ServerRow:
    """A stored server (already brought to now) as a row; ``names`` maps project ids to names."""
    fault = server.fault
    return ServerRow(
        id=server.id, name=server.name, project=names.get(server.project_id, server.project_id),
        project_id=server.project_id, user_id=server.user_id,
        status=derive_status(server.vm_state, server.task_state, server.deleted).value,
        vm_state=server.vm_state.value, task_state=server.task_state.value if server.task_state else "",
        power_state=PowerState(server.power_state).name, host=server.host or "",
        flavor=str(server.flavor.get("name", "")) if server.flavor else "",
        image=images.get(server.image_id, server.image_id or "(volume)"), addresses=_addresses(server),
        locked=_lock(server), fault=f"{fault.code} {fault.message}" if fault else "",
        action=server.transition.action if server.transition else "",
        created=isotime(server.created_at), updated=isotime(server.updated_at), created_at=server.created_at)


def project_names(store: Store) -> Dict[str, str]:
    """Project id -> name."""
    return {project["id"]: project["name"] for project in store.list("project")}


def _image_names(store: Store) -> Dict[str, str]:
    return {image["id"]: image.get("name") or image["id"] for image in store.list("image")}


def server_rows(runtime: Runtime) -> List[ServerRow]:
    """Every server that is not deleted, as it stands now, oldest first."""
    now = runtime.clock.now()
    names, images = project_names(runtime.store), _image_names(runtime.store)
    rows = []
    for stored in runtime.store.list("server"):
        server = _now_view(stored, now) if not stored.deleted else stored
        if not server.deleted:
            rows.append(server_row(server, names, images))
    return rows


#: the Cloud page's filters: query parameter -> does the row match the (non-empty) value
FILTERS: Dict[str, Callable[[ServerRow, str], bool]] = {
    "project": lambda row, value: value in (row.project, row.project_id),
    "status": lambda row, value: row.status == value.upper(),
    "name": lambda row, value: value.lower() in row.name.lower(),
    "host": lambda row, value: row.host == value,
}

#: the Cloud page's sort orders: query parameter value -> key
SORTS: Dict[str, Callable[[ServerRow], Any]] = {
    "created": lambda row: row.created_at,
    "name": lambda row: row.name.lower(),
    "status": lambda row: row.status,
    "project": lambda row: row.project,
    "host": lambda row: row.host,
}


def select(rows: Sequence[ServerRow], args: Mapping[str, str]) -> List[ServerRow]:
    """Rows passing every filter given in ``args``, in the order ``sort``/``dir`` ask (oldest first)."""
    chosen = [row for row in rows
              if all(test(row, args[name]) for name, test in FILTERS.items() if args.get(name))]
    key = SORTS.get(args.get("sort") or "created", SORTS["created"])
    return sorted(chosen, key=key, reverse=args.get("dir") == "desc")


def by_project(rows: Sequence[ServerRow], projects: Mapping[str, str],
               every: bool = True) -> List[Tuple[str, List[ServerRow]]]:
    """Rows grouped under their project's name; with ``every``, empty projects are listed too."""
    groups: Dict[str, List[ServerRow]] = {name: [] for name in sorted(projects.values())} if every else {}
    for row in rows:
        groups.setdefault(row.project, []).append(row)
    return list(groups.items())


def images(store: Store) -> List[Dict[str, Any]]:
    """Images (Glance records), by name."""
    return sorted(store.list("image"), key=lambda image: str(image.get("name") or ""))


def flavors(store: Store) -> List[Dict[str, Any]]:
    """Flavors, by id as Nova lists them."""
    return sorted(store.list("flavor"), key=lambda flavor: (len(str(flavor["id"])), str(flavor["id"])))


def volumes(store: Store) -> List[Dict[str, Any]]:
    """Volumes, by name."""
    return sorted(store.list("volume"), key=lambda volume: str(volume.get("name") or ""))


def ports(store: Store, rows: Sequence[ServerRow]) -> List[Dict[str, str]]:
    """The ports of the servers listed (a port lives on its server's record as a NIC)."""
    servers = [store.get("server", row.id) for row in rows]
    return [{"id": nic.port_id, "server": server.name, "server_id": server.id, "network": nic.network_name,
             "mac": nic.mac, "ips": ", ".join(ip for _, ip in nic.ips)}
            for server in servers if server is not None for nic in server.nics]


@dataclass(frozen=True)
class Moment:
    """One line of a server's history: when (fake clock), what, and the request behind it if known."""

    when: str
    what: str
    request_id: str = ""


#: requests that only read a server: left out of its history (a client polling would drown it)
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _request_moments(requests: Sequence[Mapping[str, Any]],
                     shown: Collection[str]) -> List[Tuple[float, int, Moment]]:
    """The requests that changed (or tried to change) the server and left no instance action, at their times."""
    return [(entry["time"], 1, Moment(isotime(entry["time"]), f"{entry['method']} {entry['path']} answered "
                                      f"{entry['status']}", entry["request_id"]))
            for entry in requests
            if entry.get("time") is not None and entry["method"] not in _READS and entry["request_id"] not in shown]


def history(runtime: Runtime, server: Server, requests: Sequence[Mapping[str, Any]] = ()) -> List[Moment]:
    """The server's history of states, oldest first: created, each instance action, launched, now.

    :param requests: the journal entries that touched it (readable); those that wrote to it without an
        instance action of their own (a set-metadata, a failed action) are placed at their fake-clock time.
    """
    moments = [(server.created_at, 0, Moment(isotime(server.created_at), "created (BUILD)"))]
    actions = action_history.actions_of(runtime.store, server.id)
    moments += _request_moments(requests, {action["request_id"] for action in actions})
    for action in actions:
        events = ", ".join(f"{e['event']} {e['result']}" for e in action["events"])
        moments.append((action["start_time"], 1, Moment(isotime(action["start_time"]),
                                                         f"{action['action']} by {action['user_id']}"
                                                         + (f" ({events})" if events else ""),
                                                         action["request_id"])))
    if server.launched_at is not None:
        moments.append((server.launched_at, 2, Moment(isotime(server.launched_at), "launched")))
    now = _now_view(server, runtime.clock.now())
    status = derive_status(now.vm_state, now.task_state, now.deleted).value
    task = f", task {now.task_state.value}" if now.task_state else ""
    moments.append((now.updated_at, 3, Moment(isotime(now.updated_at),
                                              f"now {status} (vm {now.vm_state.value}{task})")))
    return [moment for _, _, moment in sorted(moments, key=lambda item: (item[0], item[1]))]


def find_server(runtime: Runtime, server_id: str) -> Optional[Server]:
    """The stored server (deleted ones too, their log stays), brought to now; None when unknown."""
    stored = runtime.store.get("server", server_id)
    return _now_view(stored, runtime.clock.now()) if stored is not None and not stored.deleted else stored
