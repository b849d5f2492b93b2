"""The instance-action log is stored compact, in one shape, and read back in Nova's shape."""
from fakenova.domain import history
from fakenova.domain.context import Identity, RequestContext
from fakenova.domain.lifecycle.table import Action
from fakenova.store import MemoryStore


def _ctx(request_id, now):
    identity = Identity(user_id="u", user_name="demo", project_id="p", project_name="demo", roles=("member",))
    return RequestContext(identity=identity, now=now, request_id=request_id)


def test_log_is_compact_and_reads_back_as_nova_dicts():
    store = MemoryStore()
    created = history.record_row(store, _ctx("req-1", 10.0), "s1", Action.CREATE, host="h")
    log = store.get("instance_action", "s1")
    assert isinstance(log, tuple) and len(log) == 1 and isinstance(log[0], tuple)  # a log of one is still a log
    assert created == {
        "action": "create", "instance_uuid": "s1", "request_id": "req-1", "user_id": "u", "project_id": "p",
        "start_time": 10.0, "updated_at": 10.0, "message": None,
        "events": [{"event": "compute__do_build_and_run_instance", "start_time": 10.0, "finish_time": 10.0,
                    "result": "Success", "traceback": None, "host": "h", "details": None}]}
    assert history.actions_of(store, "s1") == [created]
    rebooted = history.record_row(store, _ctx("req-2", 11.0), "s1", Action.REBOOT_HARD, host=None)
    assert rebooted["action"] == "reboot" and rebooted["events"][0]["event"] == "compute_reboot_instance"
    attached = history.record(store, _ctx("req-3", 12.0), "s1", "attach_volume", result="Error",
                              events=["compute_attach_volume"])
    assert history.actions_of(store, "s1") == [attached, rebooted, created]
    assert attached["events"][0]["result"] == "Error" and attached["events"][0]["host"] is None
    assert [a["action"] for a in history.actions_of(store, "s1")] == ["attach_volume", "reboot", "create"]
    assert history.record_row(store, _ctx("req-4", 13.0), "s2", Action.LOCK, host=None)["events"] == []
    assert history.record_row(store, _ctx("req-5", 14.0), "s2", Action.CONSOLE_OUTPUT, host=None) is None
    assert history.actions_of(store, "s2")[0]["action"] == "lock"
    assert history.actions_of(store, "nobody") == []
