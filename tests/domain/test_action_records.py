"""The instance-action log is stored compact and read back in Nova's shape."""
from fakenova.domain import instance_actions
from fakenova.domain.context import Identity, RequestContext
from fakenova.store import MemoryStore


def _ctx(request_id, now):
    identity = Identity(user_id="u", user_name="demo", project_id="p", project_name="demo", roles=("member",))
    return RequestContext(identity=identity, now=now, request_id=request_id)


def test_log_is_compact_and_reads_back_as_nova_dicts():
    store = MemoryStore()
    created = instance_actions.record(store, _ctx("req-1", 10.0), "s1", "create", host="h")
    assert isinstance(store.get("instance_action", "s1"), tuple)
    assert created == {
        "action": "create", "instance_uuid": "s1", "request_id": "req-1", "user_id": "u", "project_id": "p",
        "start_time": 10.0, "updated_at": 10.0, "message": None,
        "events": [{"event": "compute__do_build_and_run_instance", "start_time": 10.0, "finish_time": 10.0,
                    "result": "Success", "traceback": None, "host": "h", "details": None}]}
    assert instance_actions.actions_of(store, "s1") == [created]
    rebooted = instance_actions.record(store, _ctx("req-2", 11.0), "s1", "reboot")
    attached = instance_actions.record(store, _ctx("req-3", 12.0), "s1", "attach_volume", result="Error",
                                       events=["compute_attach_volume"])
    assert instance_actions.actions_of(store, "s1") == [attached, rebooted, created]
    assert attached["events"][0]["result"] == "Error" and attached["events"][0]["host"] is None
    assert [a["action"] for a in instance_actions.actions_of(store, "s1")] == ["attach_volume", "reboot", "create"]
    assert instance_actions.record(store, _ctx("req-4", 13.0), "s2", "lock")["events"] == []
    assert instance_actions.actions_of(store, "s2")[0]["action"] == "lock"
    assert instance_actions.actions_of(store, "nobody") == []
