"""``POST /servers/{id}/action``: exactly one body key, dispatched through the ACTIONS table.

Each entry names the action's request-schema table, the microversions in which the key exists (404
outside, as Nova answers an action method out of its range) and the function that calls the use case and
renders Nova's response. The order of checks is Nova's: body shape (400) → key (400) → version (404) →
schema (400) → then, in the domain, lookup (404) → policy (403) → guards (409) → semantic checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Mapping, Optional, Tuple

from flask import Response

from ...domain import errors, resize, server_actions, snapshots
from ...domain.lifecycle.table import LIFECYCLE, Action
from ...domain.strings import parse_bool
from ...microversions import Version, Versioned, VersionRange
from ...views import servers as views
from ..http import action_body, context, json_response, runtime
from ..routing import Route
from ..schema_types import Schema
from ..validation import validate_body
from . import consoles
from .schemas import actions as schemas
from .servers import view_context

#: how an entry runs its action: (the action resolved from the body, server id, the key's value) -> response
Run = Callable[[Action, str, Any], Response]


@dataclass(frozen=True)
class Entry:
    """One action key: the LIFECYCLE rows it runs, its request schemas, and how it runs and answers.

    :param actions: the rows this key can run; the one that exists in the request's microversion runs
        (``evacuate``: EVACUATE until 2.94, EVACUATE_STOPPED from 2.95), or ``pick`` chooses by the body.
    :param pick: the row named by the body (``reboot``'s ``type``); None when the body does not name one.
    """

    actions: Tuple[Action, ...]
    schemas: Versioned[Schema]
    run: Run
    pick: Optional[Callable[[Any], Optional[Action]]] = None

    @cached_property
    def versions(self) -> VersionRange:
        """The microversions in which the key exists (404 outside): those of its rows together."""
        ranges = [LIFECYCLE[action].versions for action in self.actions]
        ends = [r.until for r in ranges if r.until is not None]
        return VersionRange(min(r.since for r in ranges), max(ends) if len(ends) == len(ranges) else None)

    def action_for(self, payload: Any, version: Version) -> Optional[Action]:
        """The one row this request runs; None when the key does not exist then or the body names none."""
        if version not in self.versions:
            return None
        if self.pick is not None:
            return self.pick(payload)
        return next(action for action in self.actions if version in LIFECYCLE[action].versions)


def _row(code: int = 202) -> Run:
    """Run a LIFECYCLE row that needs nothing from the body; answer ``code`` with no body."""
    def run(action: Action, server_id: str, payload: Any) -> Response:
        server_actions.perform(runtime(), context(), action, server_id)
        return json_response(None, code)
    return run


def _accepted(call: Callable[..., Any]) -> Run:
    """Run ``call(runtime, ctx, server_id, payload)``; answer 202 with no body."""
    def run(action: Action, server_id: str, payload: Any) -> Response:
        call(runtime(), context(), server_id, payload)
        return json_response(None, 202)
    return run


def _entry(action: Action, table: Versioned[Schema], run: Optional[Run] = None, code: int = 202) -> Entry:
    return Entry((action,), table, run or _row(code))


def _given(payload: Any) -> Mapping[str, Any]:
    return payload if isinstance(payload, dict) else {}


# What the body says, by microversion: before these versions Nova ignores the key's value.
LOCK_REASON: Versioned[Callable[[Any], Optional[str]]] = Versioned(
    [("2.1", lambda payload: None), ("2.73", lambda payload: _given(payload).get("locked_reason"))],
    name="lock-reason")
MIGRATE_HOST: Versioned[Callable[[Any], Optional[str]]] = Versioned(
    [("2.1", lambda payload: None), ("2.56", lambda payload: _given(payload).get("host"))], name="migrate-host")


def _force(payload: Any) -> bool:
    return bool(parse_bool(_given(payload).get("force", False)))


#: a live migration's or evacuation's ``force``: None while a given host is always forced, the body's
#: value (default False) from 2.29/2.30, False from 2.68 (the scheduler always checks the host)
LIVE_FORCE: Versioned[Callable[[Any], Optional[bool]]] = Versioned(
    [("2.1", lambda payload: None), ("2.30", _force), ("2.68", lambda payload: False)], name="live-force")
EVACUATE_FORCE: Versioned[Callable[[Any], Optional[bool]]] = Versioned(
    [("2.1", lambda payload: None), ("2.29", _force), ("2.68", lambda payload: False)], name="evacuate-force")
#: from 2.34 a live migration is accepted before the conductor's checks run
LIVE_WAITS: Versioned[bool] = Versioned([("2.1", True), ("2.34", False)], name="live-waits")
#: before 2.14 evacuate reads ``onSharedStorage`` (and then generates no password)
SHARED_STORAGE: Versioned[Callable[[Any], bool]] = Versioned(
    [("2.1", lambda payload: bool(parse_bool(payload.get("onSharedStorage")))),
     ("2.14", lambda payload: False)], name="on-shared-storage")


def _lock(action: Action, server_id: str, payload: Any) -> Response:
    reason = LOCK_REASON.get(context().version)(payload)  # type: ignore[misc]
    server_actions.lock(runtime(), context(), server_id, reason)
    return json_response(None, 202)


def _migrate(action: Action, server_id: str, payload: Any) -> Response:
    host = MIGRATE_HOST.get(context().version)(payload)  # type: ignore[misc]
    resize.migrate(runtime(), context(), server_id, host)
    return json_response(None, 202)


def _rebuild(action: Action, server_id: str, payload: Any) -> Response:
    server, admin_pass = snapshots.rebuild(runtime(), context(), server_id, payload)
    vctx = view_context()
    return json_response({"server": views.rebuild(server, vctx, admin_pass)}, 202,
                         {"Location": views.self_url(server.id, vctx)})


def _rescue(action: Action, server_id: str, payload: Any) -> Response:
    admin_pass = snapshots.rescue(runtime(), context(), server_id, payload)
    return json_response({"adminPass": admin_pass} if admin_pass is not None else {}, 200)


def _image_location(image_id: str) -> Response:
    return json_response(None, 202, {"Location": f"{view_context().image_url}/images/{image_id}"})


#: how a new snapshot is announced: a Location header before 2.45, ``{"image_id"}`` from 2.45
IMAGE_RESPONSE: Versioned[Callable[[str, bool], Response]] = Versioned([
    ("2.1", lambda image_id, located: _image_location(image_id) if located else json_response(None, 202)),
    ("2.45", lambda image_id, located: json_response({"image_id": image_id}, 202)),
], name="image-response")


def _create_image(action: Action, server_id: str, payload: Any) -> Response:
    image_id = snapshots.create_image(runtime(), context(), server_id, payload["name"], payload.get("metadata") or {})
    return IMAGE_RESPONSE.get(context().version)(image_id, True)  # type: ignore[misc]


def _create_backup(action: Action, server_id: str, payload: Any) -> Response:
    rotation = int(payload["rotation"])
    image_id = snapshots.create_backup(runtime(), context(), server_id, payload["name"], payload["backup_type"],
                                       rotation, payload.get("metadata") or {})
    return IMAGE_RESPONSE.get(context().version)(image_id, rotation > 0)  # type: ignore[misc]


def _console_output(action: Action, server_id: str, payload: Any) -> Response:
    output = server_actions.console_output(runtime(), context(), server_id, payload.get("length"))
    return json_response({"output": output}, 200)


#: evacuate answers 200: with the admin password before 2.14, with no body from 2.14
EVACUATE_RESPONSE: Versioned[Callable[[Optional[str]], Response]] = Versioned([
    ("2.1", lambda admin_pass: json_response({"adminPass": admin_pass}, 200)),
    ("2.14", lambda admin_pass: json_response(None, 200)),
], name="evacuate-response")


#: the unshelve body keys Nova reads (it ignores the rest of the body before these versions)
UNSHELVE_KEYS: Versioned[Tuple[str, ...]] = Versioned(
    [("2.1", ()), ("2.77", ("availability_zone",)), ("2.91", ("availability_zone", "host"))], name="unshelve-keys")


def _unshelve(action: Action, server_id: str, payload: Any) -> Response:
    keys = UNSHELVE_KEYS.get(context().version) or ()
    snapshots.unshelve(runtime(), context(), server_id, {key: _given(payload)[key] for key in keys
                                                        if key in _given(payload)})
    return json_response(None, 202)


def _live_migrate(action: Action, server_id: str, payload: Any) -> Response:
    version = context().version
    target = resize.Target(payload["host"], LIVE_FORCE.get(version)(payload))  # type: ignore[misc]
    resize.live_migrate(runtime(), context(), server_id, target, waits=bool(LIVE_WAITS.get(version)))
    return json_response(None, 202)


def _evacuate(action: Action, server_id: str, payload: Any) -> Response:
    version = context().version
    shared = SHARED_STORAGE.get(version)(payload)  # type: ignore[misc]
    target = resize.Target(payload.get("host"), EVACUATE_FORCE.get(version)(payload),  # type: ignore[misc]
                           password_on_shared_storage=shared and "adminPass" in payload)
    resize.evacuate(runtime(), context(), server_id, target, action)
    admin_pass = None if shared else payload.get("adminPass") or runtime().ids.password()
    if not runtime().settings.enable_instance_password:
        return json_response(None, 200)
    return EVACUATE_RESPONSE.get(version)(admin_pass)  # type: ignore[misc]


def _confirm_resize(action: Action, server_id: str, payload: Any) -> Response:
    resize.confirm_resize(runtime(), context(), server_id)
    return json_response(None, 204)


def _gone(action: Action, server_id: str, payload: Any) -> Response:
    server_actions.lookup(runtime().store.get("server", server_id), context(), server_id, action)
    raise errors.Gone()


#: ``reboot``'s body ``type``, in any case Nova accepts -> row
REBOOT_TYPES: Mapping[str, Action] = {"SOFT": Action.REBOOT_SOFT, "HARD": Action.REBOOT_HARD}


def _reboot_type(payload: Any) -> Optional[Action]:
    return REBOOT_TYPES.get(str(_given(payload).get("type", "")).upper())


_A = Action
ACTIONS: Mapping[str, Entry] = {
    "reboot": Entry((_A.REBOOT_SOFT, _A.REBOOT_HARD), schemas.REBOOT, _row(), pick=_reboot_type),
    "os-stop": _entry(_A.STOP, schemas.plain("os-stop")),
    "os-start": _entry(_A.START, schemas.plain("os-start")),
    "pause": _entry(_A.PAUSE, schemas.plain("pause")),
    "unpause": _entry(_A.UNPAUSE, schemas.plain("unpause")),
    "suspend": _entry(_A.SUSPEND, schemas.plain("suspend")),
    "resume": _entry(_A.RESUME, schemas.plain("resume")),
    "lock": _entry(_A.LOCK, schemas.LOCK, _lock),
    "unlock": _entry(_A.UNLOCK, schemas.plain("unlock"),
                     _accepted(lambda rt, ctx, sid, p: server_actions.unlock(rt, ctx, sid))),
    "resize": _entry(_A.RESIZE, schemas.RESIZE, _accepted(
        lambda rt, ctx, sid, p: resize.resize(rt, ctx, sid, p["flavorRef"], p.get("OS-DCF:diskConfig")))),
    "confirmResize": _entry(_A.CONFIRM_RESIZE, schemas.plain("confirmResize"), _confirm_resize),
    "revertResize": _entry(_A.REVERT_RESIZE, schemas.plain("revertResize"),
                           _accepted(lambda rt, ctx, sid, p: resize.revert_resize(rt, ctx, sid))),
    "rebuild": _entry(_A.REBUILD, schemas.REBUILD, _rebuild),
    "rescue": _entry(_A.RESCUE, schemas.RESCUE, _rescue),
    "unrescue": _entry(_A.UNRESCUE, schemas.plain("unrescue")),
    "shelve": _entry(_A.SHELVE, schemas.plain("shelve"),
                     _accepted(lambda rt, ctx, sid, p: snapshots.shelve(rt, ctx, sid))),
    "shelveOffload": _entry(_A.SHELVE_OFFLOAD, schemas.plain("shelveOffload")),
    "unshelve": _entry(_A.UNSHELVE, schemas.UNSHELVE, _unshelve),
    "createImage": _entry(_A.CREATE_IMAGE, schemas.CREATE_IMAGE, _create_image),
    "createBackup": _entry(_A.CREATE_BACKUP, schemas.CREATE_BACKUP, _create_backup),
    "changePassword": _entry(_A.CHANGE_PASSWORD, schemas.CHANGE_PASSWORD,
                             _accepted(lambda rt, ctx, sid, p: server_actions.change_password(rt, ctx, sid))),
    "trigger_crash_dump": _entry(_A.TRIGGER_CRASH_DUMP, schemas.TRIGGER_CRASH_DUMP),
    "restore": _entry(_A.RESTORE, schemas.plain("restore"),
                      _accepted(lambda rt, ctx, sid, p: server_actions.restore(rt, ctx, sid))),
    "forceDelete": _entry(_A.FORCE_DELETE, schemas.plain("forceDelete")),
    "os-resetState": _entry(_A.RESET_STATE, schemas.RESET_STATE,
                            _accepted(lambda rt, ctx, sid, p: server_actions.reset_state(rt, ctx, sid, p["state"]))),
    "migrate": _entry(_A.MIGRATE, schemas.MIGRATE, _migrate),
    "os-migrateLive": _entry(_A.LIVE_MIGRATE, schemas.MIGRATE_LIVE, _live_migrate),
    "evacuate": Entry((_A.EVACUATE, _A.EVACUATE_STOPPED), schemas.EVACUATE, _evacuate),
    "injectNetworkInfo": _entry(_A.INJECT_NETWORK_INFO, schemas.plain("injectNetworkInfo")),
    "resetNetwork": _entry(_A.RESET_NETWORK, schemas.REMOVED, _gone),
    "os-getConsoleOutput": _entry(_A.CONSOLE_OUTPUT, schemas.CONSOLE_OUTPUT, _console_output),
    "os-getVNCConsole": _entry(_A.VNC_CONSOLE, schemas.VNC_CONSOLE, consoles.legacy),
    "os-getSPICEConsole": _entry(_A.SPICE_CONSOLE, schemas.SPICE_CONSOLE, consoles.legacy),
    "os-getSerialConsole": _entry(_A.SERIAL_CONSOLE, schemas.SERIAL_CONSOLE, consoles.legacy),
    "os-getRDPConsole": _entry(_A.RDP_CONSOLE, schemas.REMOVED, _gone),
    "addSecurityGroup": _entry(_A.ADD_SECURITY_GROUP, schemas.ADD_SECURITY_GROUP, _accepted(
        lambda rt, ctx, sid, p: server_actions.add_security_group(rt, ctx, sid, p["name"]))),
    "removeSecurityGroup": _entry(_A.REMOVE_SECURITY_GROUP, schemas.REMOVE_SECURITY_GROUP, _accepted(
        lambda rt, ctx, sid, p: server_actions.remove_security_group(rt, ctx, sid, p["name"]))),
    "addFixedIp": _entry(_A.ADD_FIXED_IP, schemas.ADD_FIXED_IP),
    "removeFixedIp": _entry(_A.REMOVE_FIXED_IP, schemas.REMOVE_FIXED_IP),
    "addFloatingIp": _entry(_A.ADD_FLOATING_IP, schemas.ADD_FLOATING_IP, _accepted(
        lambda rt, ctx, sid, p: server_actions.add_floating_ip(rt, ctx, sid, p["address"], p.get("fixed_address")))),
    "removeFloatingIp": _entry(_A.REMOVE_FLOATING_IP, schemas.REMOVE_FLOATING_IP, _accepted(
        lambda rt, ctx, sid, p: server_actions.remove_floating_ip(rt, ctx, sid, p["address"]))),
}


def server_action(server_id: str) -> Response:
    """``POST /servers/{id}/action``."""
    key, entry, body = action_body(ACTIONS)
    ctx = context()
    if ctx.version not in entry.versions:
        raise errors.NotFound()
    validate_body(entry.schemas, ctx.version, body)
    action = entry.action_for(body[key], ctx.version)
    assert action is not None, "the schema admits only bodies that name a row"
    return entry.run(action, server_id, body[key])


def action_of(args: Mapping[str, str], body: Any) -> Optional[Action]:
    """The row ``server_action`` will run for this body, read before dispatch for scenario rules (None when
    the handler will refuse the body)."""
    if not isinstance(body, dict) or len(body) != 1:
        return None
    key, payload = next(iter(body.items()))
    entry = ACTIONS.get(key)
    return entry.action_for(payload, context().version) if entry is not None else None


ROUTES = (
    Route("POST", "/servers/<server_id>/action", server_action, action_of=action_of,
          unguarded="per body key, in the handler"),
)
