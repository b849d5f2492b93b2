"""The :class:`FakeNova` handle: one vocabulary to drive a fake cloud in-process or at a remote URL.

In-process, the handle calls :mod:`fakenova.operations` on the app's runtime directly (no HTTP, so a per-test
reset costs well under a millisecond); remotely, it calls the same operations through ``/_fakenova``. Either
way it also hands out what clients need: URLs, a clouds.yaml-style dict, a keystoneauth session and an
openstacksdk connection.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Union

from .. import operations
from ..domain.errors import FakeNovaError

if TYPE_CHECKING:
    from flask import Flask

    from ..runtime import Runtime

ScenarioSource = Union[str, Mapping[str, Any]]
#: the control plane's shared-secret header (fakenova.control.TOKEN_HEADER; not imported: no Flask needed here)
CONTROL_TOKEN_HEADER = "X-Fakenova-Control-Token"
_COMPUTE_PATH = re.compile(r"^/compute/v2\.1(?:/[0-9a-f]{32})?(?P<rest>/.*)$")


class _Local:
    """Operations on an app's runtime, called directly."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.runtime: Runtime = app.extensions["fakenova"]

    def __call__(self, name: str, *args: Any) -> Any:
        return getattr(operations, name)(self.runtime, *args)


class _Remote:
    """The same operations over HTTP (``/_fakenova``), for a fakenova running elsewhere."""

    def __init__(self, url: str, control_token: Optional[str] = None) -> None:
        self.base = url.rstrip("/") + "/_fakenova"
        self.headers = {"Content-Type": "application/json"}
        if control_token:  # the server's --control-token / FAKENOVA_CONTROL_TOKEN
            self.headers[CONTROL_TOKEN_HEADER] = control_token

    def http(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            fault: Dict[str, Any] = next(iter(json.loads(exc.read() or b"{}").values()), {})
            error = FakeNovaError(fault.get("message", str(exc)))
            error.code = exc.code
            raise error from None

    def __call__(self, name: str, *args: Any) -> Any:
        return getattr(self, name)(*args)

    def reset(self, project: Optional[str] = None, settings: Optional[Mapping[str, Any]] = None) -> Any:
        body = {"project": project} if project else {"settings": {k: str(v) for k, v in (settings or {}).items()}}
        return self.http("POST", "/reset", body)

    def seed(self, data: Mapping[str, Any]) -> Any:
        return self.http("POST", "/seed", dict(data))

    def load_scenario(self, source: ScenarioSource) -> Any:
        if isinstance(source, str) and ("/" in source or source.endswith((".yaml", ".yml"))):
            from ..scenario.loader import read  # a local file: send its document inline

            source = read(source)[0]
        body = {"scenario": dict(source)} if isinstance(source, Mapping) else {"name": source}
        return self.http("POST", "/scenarios", body)["scenario"]

    def unload_scenario(self, name: Optional[str] = None) -> Any:
        return self.http("DELETE", f"/scenarios/{name}" if name else "/scenarios")

    def scenarios(self) -> Any:
        return self.http("GET", "/scenarios")["scenarios"]

    def clock(self) -> Any:
        return self.http("GET", "/clock")

    def advance_clock(self, seconds: float) -> Any:
        return self.http("POST", "/clock", {"advance": seconds})

    def freeze_clock(self, frozen: bool) -> Any:
        return self.http("POST", "/clock", {"freeze": frozen})

    def servers(self, project: Optional[str] = None) -> Any:
        return self.http("GET", "/servers" + (f"?project_id={project}" if project else ""))["servers"]

    def set_server_state(self, server_id: str, data: Mapping[str, Any]) -> Any:
        return self.http("PUT", f"/servers/{server_id}/state", dict(data))["server"]

    def step_server(self, server_id: str) -> Any:
        return self.http("POST", f"/servers/{server_id}/step")["server"]

    def step_volume(self, collection: str, record_id: str) -> Any:
        return self.http("POST", f"/{collection}/{record_id}/step")["record"]

    def journal(self, server_id: Optional[str] = None) -> Any:
        query = "?" + urllib.parse.urlencode({"server_id": server_id}) if server_id else ""
        return self.http("GET", "/journal" + query)["journal"]

    def clear_journal(self) -> Any:
        return self.http("DELETE", "/journal")

    def health(self) -> Any:
        return self.http("GET", "/health")


class Clock:
    """``fakenova.clock``: the fake cloud's time."""

    def __init__(self, call: Any) -> None:
        self._call = call

    def now(self) -> float:
        """Seconds since the epoch, as the cloud sees it."""
        return float(self._call("clock")["epoch"])

    def advance(self, seconds: float) -> float:
        """Move time forward; returns the new time."""
        return float(self._call("advance_clock", seconds)["epoch"])

    def freeze(self) -> None:
        self._call("freeze_clock", True)

    def unfreeze(self) -> None:
        self._call("freeze_clock", False)


class Journal:
    """``fakenova.journal``: the requests the cloud served since the last reset, with assertion helpers."""

    def __init__(self, call: Any) -> None:
        self._call = call

    def entries(self) -> List[Dict[str, Any]]:
        return list(self._call("journal"))

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self.entries())

    def clear(self) -> None:
        self._call("clear_journal")

    def calls(self, method: Optional[str] = None, path: Optional[str] = None) -> List[Dict[str, Any]]:
        """Entries for ``method`` and ``path``: a full path, or a compute template like ``/servers/{id}``."""
        pattern = _path_pattern(path) if path else None
        return [entry for entry in self.entries()
                if (method is None or entry["method"] == method.upper())
                and (pattern is None or pattern(entry["path"]))]

    def assert_called(self, method: str, path: str, times: Optional[int] = None) -> List[Dict[str, Any]]:
        """Assert ``method path`` was requested (exactly ``times`` times when given); returns the entries."""
        found = self.calls(method, path)
        if (times is None and not found) or (times is not None and len(found) != times):
            seen = "\n".join(f"  {e['method']} {e['path']} -> {e['status']}" for e in self.entries()) or "  none"
            expected = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(f"expected {method.upper()} {path} {expected}, got {len(found)}; requests:\n{seen}")
        return found

    def assert_not_called(self, method: str, path: str) -> None:
        self.assert_called(method, path, times=0)

    def verdicts(self, rule: str) -> List[Dict[str, Any]]:
        """Every journalled verdict for ``rule`` (``scenario/rule`` or just the rule's name), oldest first."""
        return [dict(verdict, method=entry["method"], path=entry["path"]) for entry in self.entries()
                for verdict in entry.get("rules", ())
                if verdict["rule"] == rule or verdict["rule"].endswith("/" + rule)]

    def touching(self, server_id: str) -> List[Dict[str, Any]]:
        """The requests that touched ``server_id`` (its path names it, or a create made it), oldest first."""
        return list(self._call("journal", server_id))

    def errors(self) -> List[Dict[str, Any]]:
        """Requests that ended in an unexpected server error (with its traceback)."""
        return [entry for entry in self.entries() if entry.get("error")]


def _path_pattern(path: str) -> Any:
    from ..scenario.loader import path_template

    template = path_template(path)
    if template.full:
        return lambda full: template.pattern.match(full) is not None

    def match(full: str) -> bool:
        found = _COMPUTE_PATH.match(full)
        return template.pattern.match(found.group("rest") if found else full) is not None
    return match


class FakeNova:
    """A handle on one fake cloud: reset it, script it, inspect it, and connect clients to it.

    :param url: the base URL clients use (``http://127.0.0.1:PORT``); None for an app without a socket.
    :param app: the in-process app (operations are then called directly); None to drive ``url`` over HTTP.
    :param control_token: the remote server's control token; ``FAKENOVA_CONTROL_TOKEN`` when not given.

    .. versionadded:: 0.1
    """

    def __init__(self, url: Optional[str] = None, app: Optional[Flask] = None,
                 control_token: Optional[str] = None) -> None:
        if url is None and app is None:
            raise ValueError("FakeNova needs a url, an app, or both")
        self._url = url.rstrip("/") if url else None
        self.app = app
        token = control_token if control_token is not None else os.environ.get("FAKENOVA_CONTROL_TOKEN")
        self._call = _Local(app) if app is not None else _Remote(str(url), token)
        self.clock = Clock(self._call)
        self.journal = Journal(self._call)

    # -- where it is --------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("this fakenova has no socket (fakenova_client); use the fakenova fixture for URLs")
        return self._url

    @property
    def auth_url(self) -> str:
        return self.url + "/identity"

    @property
    def compute_url(self) -> str:
        return self.url + "/compute/v2.1"

    def cloud_config(self, project: str = "demo", user: Optional[str] = None,
                     password: Optional[str] = None) -> Dict[str, Any]:
        """One clouds.yaml entry; the seed's users are named like their projects, passwords like users."""
        user = user or project
        return {"auth": {"auth_url": self.auth_url, "username": user, "password": password or user,
                         "project_name": project, "user_domain_name": "Default", "project_domain_name": "Default"},
                "region_name": "RegionOne", "identity_api_version": "3", "interface": "public"}

    @property
    def clouds(self) -> Dict[str, Any]:
        """A clouds.yaml document with ``fakenova`` (demo) and ``fakenova-admin``."""
        return {"clouds": {"fakenova": self.cloud_config(), "fakenova-admin": self.cloud_config("admin")}}

    def session(self, project: str = "demo", user: Optional[str] = None, password: Optional[str] = None) -> Any:
        """A keystoneauth1 session authenticated as ``user`` on ``project``."""
        from keystoneauth1 import session
        from keystoneauth1.identity import v3

        auth = v3.Password(**self.cloud_config(project, user, password)["auth"])
        return session.Session(auth=auth)

    def connection(self, project: str = "demo", user: Optional[str] = None, password: Optional[str] = None,
                   **options: Any) -> Any:
        """An openstacksdk Connection (``options`` such as ``compute_api_version`` go to it)."""
        import openstack.connection

        config = self.cloud_config(project, user, password)
        return openstack.connection.Connection(auth=config["auth"], region_name=config["region_name"],
                                               identity_api_version="3", **options)

    # -- control ------------------------------------------------------------------------------------------
    def reset(self, project: Optional[str] = None, **settings: Any) -> Any:
        """Back to the seed data (``settings`` such as ``max_version`` hold until the next reset)."""
        return self._call("reset", project, {k: v for k, v in settings.items() if v is not None})

    def seed(self, data: Mapping[str, Any]) -> Any:
        return self._call("seed", data)

    def load_scenario(self, source: ScenarioSource) -> Dict[str, Any]:
        """Load a bundled scenario by name, a YAML file by path, or an inline mapping."""
        return self._call("load_scenario", source)

    def unload_scenario(self, name: Optional[str] = None) -> Any:
        return self._call("unload_scenario", name)

    def scenarios(self) -> List[Dict[str, Any]]:
        """Loaded scenarios with their rules and hit counts."""
        return self._call("scenarios")

    def servers(self, project: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every live server's stored state, across projects."""
        return self._call("servers", project)

    def set_server_state(self, server_id: str, **states: Any) -> Dict[str, Any]:
        """Force ``vm_state``, ``task_state``, ``power_state``, ``fault`` and/or ``locked``."""
        return self._call("set_server_state", server_id, states)

    def step_server(self, server_id: str) -> Dict[str, Any]:
        """Move a server one step along its action (the ``manual`` pace)."""
        return self._call("step_server", server_id)

    def step_volume(self, collection: str, record_id: str) -> Dict[str, Any]:
        """End a volume's (``volumes``) or snapshot's (``snapshots``) transient status (the ``manual`` pace)."""
        return self._call("step_volume", collection, record_id)

    def health(self) -> Dict[str, Any]:
        return self._call("health")

    # -- assertions ---------------------------------------------------------------------------------------
    def assert_all_fired(self) -> None:
        """Fail, with each rule's last reasons, if a loaded rule never fired."""
        silent = [rule["rule"] for scenario in self.scenarios() for rule in scenario["rules"] if not rule["hits"]]
        if not silent:
            return
        lines = []
        for rule in silent:
            reasons = [f"    {v['method']} {v['path']}: {v['reason']}" for v in self.journal.verdicts(rule)[-5:]]
            lines.append(f"  rule {rule} never fired" + ("; last verdicts:\n" + "\n".join(reasons) if reasons
                                                          else " (no request reached it)"))
        raise AssertionError("scripted rules did not fire:\n" + "\n".join(lines))

    def check_errors(self) -> None:
        """Fail with the server-side traceback if a request ended in an unexpected server error."""
        failed = self.journal.errors()
        if failed:
            first = failed[0]
            raise AssertionError(f"fakenova raised while serving {first['method']} {first['path']} "
                                 f"({len(failed)} request(s) failed):\n{first['error']}")
