"""Records are slotted frozen dataclasses: evolve copies them like dataclasses.replace, and equal parts are shared."""
import copy
import dataclasses
import pickle

import pytest

from fakenova.domain import models
from fakenova.domain.models import Fault, Nic, Server, Transition, evolve
from fakenova.domain.states import TaskState, VmState

FLAVOR = {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1, "extra_specs": {"hw:numa_nodes": "1"}}


def _server(**changes):
    values = dict(id="s1", name="web", project_id="p", user_id="u", flavor=dict(FLAVOR), image_id="i",
                  created_at=1.0, updated_at=1.0)
    values.update(changes)
    return Server(**values)


@pytest.mark.parametrize("cls", [Fault, Nic, Transition, Server])
def test_records_have_slots_and_stay_frozen(cls):
    assert "__dict__" not in cls.__dict__ and "__weakref__" not in cls.__dict__
    assert cls.__slots__ == tuple(f.name for f in dataclasses.fields(cls))
    assert cls.__name__ == cls.__qualname__ and dataclasses.is_dataclass(cls)


def test_evolve_is_replace_without_init():
    server = _server(metadata={"k": "v"})
    changed = evolve(server, name="db", vm_state=VmState.ACTIVE, task_state=None)
    assert type(changed) is Server and not hasattr(changed, "__dict__")
    assert changed == dataclasses.replace(server, name="db", vm_state=VmState.ACTIVE, task_state=None)
    assert (server.name, server.vm_state, server.task_state) == ("web", VmState.BUILDING, TaskState.SCHEDULING)
    assert changed.metadata is server.metadata and evolve(server) == server and evolve(server) is not server
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.name = "x"
    with pytest.raises(TypeError, match=r"Server has no field\(s\) \['nope'\]"):
        evolve(server, name="ok", nope=1)


def test_evolve_of_other_dataclasses_copies_their_dict():
    @dataclasses.dataclass(frozen=True)
    class Plain:
        a: int
        b: int = 2

    assert evolve(Plain(1), b=3) == Plain(1, 3)
    with pytest.raises(TypeError):
        evolve(Plain(1), c=3)


def test_records_pickle_and_copy():
    nic = Nic(port_id="p", network_id="n", network_name="private", subnet_id="s", mac="m", ips=((4, "10.0.0.3"),))
    server = _server(nics=(nic,), fault=Fault(code=500, message="boom", created=2.0))
    for twin in (pickle.loads(pickle.dumps(server)), copy.deepcopy(server), copy.copy(server)):
        assert twin == server and type(twin) is Server
    assert repr(server).startswith("Server(id='s1', name='web'")


def test_equal_flavors_and_empty_mappings_are_shared():
    first, second = _server(), _server(id="s2", flavor=dict(FLAVOR))
    assert first.flavor is second.flavor and first.flavor == FLAVOR
    other = _server(id="s3", flavor={**FLAVOR, "ram": 1024})
    assert other.flavor is not first.flavor and other.flavor["ram"] == 1024
    assert first.metadata is second.metadata is models.EMPTY and first.scheduler_hints is models.EMPTY
    assert _server(metadata={"a": "b"}).metadata == {"a": "b"}
    named = _server(name="web-1", hostname="web-1")
    assert named.hostname is named.name
    assert models.share({"x": [{"y": set()}]}) == {"x": [{"y": set()}]}  # unhashable deep inside: kept as is
