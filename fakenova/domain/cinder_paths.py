"""The lifecycle table of Cinder volumes and snapshots: each paced action, its transient status, and the status
each outcome ends in.

Scenario rules name these actions (``when: {action: volume_create}``) to choose an outcome or a pace, as they
name the server actions of the LIFECYCLE table; the default pace is the settings' (``paces`` may name them).
The error ends are the statuses Cinder's volume manager leaves when the backend fails the operation
(``error`` for a failed create, ``error_deleting`` for a failed delete, ``error_extending`` for a failed
extend; a failed snapshot ends ``error`` or ``error_deleting`` the same way).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Mapping, Optional, Union

from .lifecycle.vocabulary import Action, Outcome


class VolumeAction(str, enum.Enum):
    """A paced action of a Cinder volume or snapshot (values prefixed so they never collide with a server's)."""

    VOLUME_CREATE = "volume_create"
    VOLUME_DELETE = "volume_delete"
    VOLUME_EXTEND = "volume_extend"
    SNAPSHOT_CREATE = "snapshot_create"
    SNAPSHOT_DELETE = "snapshot_delete"


#: any action a scenario rule or a pace setting may name: a server's or a volume's
AnyAction = Union[Action, VolumeAction]
#: an end that removes the record (the delete finished)
GONE: Optional[str] = None
#: an end that returns to the status the record had when the action began (an extend of an in-use volume)
ORIGIN = "<origin>"


@dataclass(frozen=True)
class VolumePath:
    """``subject`` is what the action runs on (for the journal); ``transient`` the status while it runs;
    ``ends`` the status each declared outcome leaves."""

    subject: str
    transient: str
    ends: Mapping[Outcome, Optional[str]]


_V, _S, OK, ERROR = "volume", "snapshot", Outcome.OK, Outcome.ERROR
PATHS: Mapping[VolumeAction, VolumePath] = {
    VolumeAction.VOLUME_CREATE: VolumePath(_V, "creating", {OK: "available", ERROR: "error"}),
    VolumeAction.VOLUME_DELETE: VolumePath(_V, "deleting", {OK: GONE, ERROR: "error_deleting"}),
    VolumeAction.VOLUME_EXTEND: VolumePath(_V, "extending", {OK: ORIGIN, ERROR: "error_extending"}),
    VolumeAction.SNAPSHOT_CREATE: VolumePath(_S, "creating", {OK: "available", ERROR: "error"}),
    VolumeAction.SNAPSHOT_DELETE: VolumePath(_S, "deleting", {OK: GONE, ERROR: "error_deleting"}),
}
assert set(PATHS) == set(VolumeAction), "every volume action has a path"
assert all(Outcome.OK in path.ends for path in PATHS.values()), "every path declares its ok end"


def end_status(action: VolumeAction, outcome: Outcome, origin: str) -> Optional[str]:
    """The status ``action`` leaves for ``outcome`` (None: the record is gone), ``origin`` for an ORIGIN end."""
    end = PATHS[action].ends[outcome]
    return origin if end == ORIGIN else end
