"""The record codec of out-of-process stores: every record kind fakenova stores comes back equal, same types."""
import dataclasses
from types import MappingProxyType

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.server_api import IMAGE, PRIVATE, Api, make_app

from fakenova.domain.states import PowerState, TaskState, VmState
from fakenova.store import codec


def _same(decoded, value):
    """Equal, and of the same types all the way down (a tuple stays a tuple, an enum an enum)."""
    assert type(decoded) is type(value) or (type(value) is MappingProxyType and type(decoded) is dict)
    assert decoded == value
    if isinstance(value, (list, tuple)):
        for a, b in zip(decoded, value):
            _same(a, b)
    elif isinstance(value, dict):
        for key in value:
            _same(decoded[key], value[key])
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            _same(getattr(decoded, field.name), getattr(value, field.name))


def _busy_cloud():
    """A seeded cloud with servers in several states, a fault, keypairs, an action under way."""
    app = make_app(pace="polls:3")
    api = Api(app, version="2.96")
    assert api("POST", "/os-keypairs", {"keypair": {"name": "k"}}, version="2.1").status_code == 200
    body = {"imageRef": IMAGE, "flavorRef": "1", "networks": [{"uuid": PRIVATE}], "metadata": {"a": "b"},
            "tags": ["t"]}
    ids = []
    for n in range(3):  # building: each holds its action's Transition
        response = api("POST", "/servers", {"server": {"name": f"vm{n}", **body}}, version="2.52")
        assert response.status_code == 202, response.json
        ids.append(response.json["server"]["id"])
    assert api("DELETE", f"/servers/{ids[2]}").status_code == 204
    return app.extensions["fakenova"].store


def test_every_stored_record_round_trips():
    store = _busy_cloud()
    kinds = 0
    for kind, records in store._records.items():
        kinds += 1
        for key, value in records.items():
            encoded = codec.encode(value)
            assert encoded[0] == codec.VERSION
            _same(codec.decode(encoded), value)
    assert kinds >= 10


def test_a_server_keeps_only_what_differs_from_its_defaults():
    store = _busy_cloud()
    server = store.list("server")[0]
    assert len(codec.encode(server)) < 0.75 * len(codec.encode(dataclasses.asdict(server)))
    assert isinstance(codec.decode(codec.encode(server)).vm_state, VmState)


@pytest.mark.parametrize("data, reason", [
    (b"", "not a version 1 record"),
    (b"\x09\x90", "not a version 1 record"),
    (b"\x01" + msgpack.packb(msgpack.ExtType(5, msgpack.packb(["os.path:join", "x"]))), "not a fakenova type"),
])
def test_refuses_other_versions_and_foreign_types(data, reason):
    with pytest.raises(codec.CodecError, match=reason):
        codec.decode(data)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**64 - 1), st.floats(allow_nan=False),
                     st.text(), st.binary(), st.sampled_from(list(VmState) + list(TaskState) + list(PowerState)))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=8), inner, max_size=4),
    st.frozensets(st.text(max_size=4), max_size=3)), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_plain_values_round_trip(value):
    _same(codec.decode(codec.encode(value)), value)
