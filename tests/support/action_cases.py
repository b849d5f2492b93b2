"""One runnable request per LIFECYCLE row, for the tests generated from the table.

``CASES`` gives, for each row reachable through ``POST /servers/{id}/action``, a body that passes the
schema and the semantic checks, the microversion to send it at and the success code. ``expected_end``
reads where the row's ``ok`` outcome leaves a server that started in a given vm_state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from fakenova.domain import policy
from fakenova.domain.context import Identity, RequestContext
from fakenova.domain.lifecycle.table import LIFECYCLE, Action, Effect, Outcome, Row
from fakenova.domain.states import VmState

IMAGE = "8a6f7e3c-2b1d-4c5e-9f80-1a2b3c4d5e6f"
#: a member of their own project, to ask the default rules what a member may do
_MEMBER = RequestContext(Identity("u", "demo", "p", "demo", roles=("member", "reader")))


@dataclass(frozen=True)
class Case:
    action: Action
    key: str
    value: Any
    version: str = "2.1"
    code: int = 202

    @property
    def row(self) -> Row:
        return LIFECYCLE[self.action]

    @property
    def body(self) -> dict:
        return {self.key: self.value}

    @property
    def caller(self) -> str:
        """``demo`` (a member) where Nova's default rule lets a member act, else ``admin``."""
        return "demo" if policy.allowed(_MEMBER, self.row.rule) else "admin"

    def __str__(self) -> str:
        return self.action.value


_A = Action
CASES = (
    Case(_A.REBOOT_SOFT, "reboot", {"type": "SOFT"}),
    Case(_A.REBOOT_HARD, "reboot", {"type": "hard"}),
    Case(_A.STOP, "os-stop", None),
    Case(_A.START, "os-start", None),
    Case(_A.PAUSE, "pause", None),
    Case(_A.UNPAUSE, "unpause", None),
    Case(_A.SUSPEND, "suspend", None),
    Case(_A.RESUME, "resume", None),
    Case(_A.LOCK, "lock", {"locked_reason": "maintenance"}, version="2.73"),
    Case(_A.UNLOCK, "unlock", None),
    Case(_A.RESIZE, "resize", {"flavorRef": "2"}),
    Case(_A.CONFIRM_RESIZE, "confirmResize", None, code=204),
    Case(_A.REVERT_RESIZE, "revertResize", None),
    Case(_A.REBUILD, "rebuild", {"imageRef": IMAGE, "name": "rebuilt"}, version="2.57"),
    Case(_A.RESCUE, "rescue", None, code=200),
    Case(_A.UNRESCUE, "unrescue", None),
    Case(_A.SHELVE, "shelve", None),
    Case(_A.SHELVE_OFFLOAD, "shelveOffload", None),
    Case(_A.UNSHELVE, "unshelve", None),
    Case(_A.CREATE_IMAGE, "createImage", {"name": "snap", "metadata": {"k": "v"}}, version="2.45"),
    Case(_A.CREATE_BACKUP, "createBackup", {"name": "bk", "backup_type": "daily", "rotation": 2}, version="2.45"),
    Case(_A.CHANGE_PASSWORD, "changePassword", {"adminPass": "n3w"}),
    Case(_A.TRIGGER_CRASH_DUMP, "trigger_crash_dump", None, version="2.17"),
    Case(_A.RESTORE, "restore", None),
    Case(_A.FORCE_DELETE, "forceDelete", None),
    Case(_A.RESET_STATE, "os-resetState", {"state": "active"}),
    Case(_A.MIGRATE, "migrate", None),
    Case(_A.LIVE_MIGRATE, "os-migrateLive", {"block_migration": "auto", "host": None}, version="2.25"),
    Case(_A.INJECT_NETWORK_INFO, "injectNetworkInfo", None),
    Case(_A.CONSOLE_OUTPUT, "os-getConsoleOutput", {"length": 5}, code=200),
    Case(_A.VNC_CONSOLE, "os-getVNCConsole", {"type": "novnc"}, code=200),
    Case(_A.SPICE_CONSOLE, "os-getSPICEConsole", {"type": "spice-html5"}, code=200),
    Case(_A.SERIAL_CONSOLE, "os-getSerialConsole", {"type": "serial"}, code=200),
    Case(_A.ADD_SECURITY_GROUP, "addSecurityGroup", {"name": "web"}),  # the tests store a group "web"
    Case(_A.REMOVE_SECURITY_GROUP, "removeSecurityGroup", {"name": "default"}),
    Case(_A.ADD_FIXED_IP, "addFixedIp", {"networkId": "6d2f8a4e-1b3c-4d5e-8f90-a1b2c3d4e5f6"}),
    Case(_A.REMOVE_FIXED_IP, "removeFixedIp", {"address": "10.0.0.3"}),
    # evacuate passes its guards, then meets fakenova's one host, whose service is always up
    Case(_A.EVACUATE, "evacuate", {"onSharedStorage": False}, code=400),
    Case(_A.EVACUATE_STOPPED, "evacuate", {}, version="2.95", code=400),
)

#: rows reached another way: create/delete (servers API), removed APIs (410), the remote-consoles route,
#: shelving that keeps the host (a setting; test_issue12_fixes.py),
#: floating IPs (tested with a real floating IP in test_actions.py) and the sub-resource writes (tested
#: with their resources: test_server_metadata.py, test_server_ports.py, test_volume_attachments.py)
ELSEWHERE = frozenset({_A.CREATE, _A.DELETE, _A.SOFT_DELETE, _A.SHELVE_KEEP_HOST, _A.RESET_NETWORK, _A.RDP_CONSOLE,
                       _A.REMOTE_CONSOLE, _A.ADD_FLOATING_IP, _A.REMOVE_FLOATING_IP,
                       _A.UPDATE_METADATA, _A.DELETE_METADATA, _A.UPDATE_TAG, _A.UPDATE_TAGS, _A.DELETE_TAG,
                       _A.DELETE_TAGS, _A.ATTACH_INTERFACE, _A.DETACH_INTERFACE, _A.ATTACH_VOLUME,
                       _A.DETACH_VOLUME, _A.SWAP_VOLUME})


def expected_end(row: Row, origin: VmState) -> Optional[VmState]:
    """The vm_state the row's ``ok`` outcome ends in from ``origin``; None when the server is deleted."""
    end = row.outcomes[Outcome.OK]
    if end.deletes:
        return None
    if Effect.BACK_TO_PREVIOUS in end.effects:
        return VmState.ACTIVE  # the test servers never resized for real, so nothing else is remembered
    if end.vm_state is None or origin in end.keeps:
        return origin
    return end.vm_state
