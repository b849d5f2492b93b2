"""Neutron's agents (the ``agent`` extension) as an ML2/OVN devstack reports them: per compute host its
``ovn-controller`` chassis (the first host is the gateway chassis) and its OVN metadata agent.

Agents register themselves in Neutron, so the API only lists, shows, updates (``description``; OVN refuses to
turn one off) and deletes them; ``POST`` is refused. Every action is admin-only by default
(``neutron/conf/policies/agent.py``): a member's list is empty and a show is 404, as Neutron hides what
``get_agent`` refuses. The records (kind ``network_agent``) are seeded with the hosts, shaped as the OVN
driver's ``NeutronAgent.as_dict`` (no ``created_at``/``started_at``: OVN keeps none) under the attribute map
of ``neutron_lib/api/definitions/agent.py`` plus ``availability_zone`` (the ``availability_zone`` extension).
"""
from __future__ import annotations

import time
from typing import Any, List, Mapping, NoReturn, Optional, Sequence

from . import errors
from . import neutron_validators as v
from .context import RequestContext
from .hosts import stable_uuid
from .neutron_errors import BadRequest
from .neutron_plugin import StoredPlugin
from .neutron_resource import Attr, Definition, Record
from .ports import Runtime, Store

KIND = "network_agent"


class AgentNotFound(errors.NotFound):
    msg_fmt = "Agent {id} could not be found."


AGENT = Definition(singular="agent", plural="agents", kind=KIND, bulk=False, tags=False,
                   not_found=lambda i: AgentNotFound(id=i), attrs={attr.name: attr for attr in (
                       Attr("id", validate=v.is_uuid),
                       Attr("agent_type"), Attr("binary"), Attr("topic"), Attr("host"),
                       Attr("admin_state_up", put=True, convert=v.to_boolean),
                       Attr("heartbeat_timestamp", is_filter=False),
                       Attr("alive"),
                       Attr("configurations", is_filter=False, is_sort_key=False),
                       Attr("description", put=True, validate=v.or_none(v.string(v.DESCRIPTION_LEN))),
                       Attr("availability_zone"),
                   )})

#: (agent type, binary, id namespace) of the agents of a host: ``ovn-controller`` (on the gateway chassis
#: the "Gateway" type) and the metadata agent, as ``neutron/plugins/ml2/drivers/ovn/agent/neutron_agent.py``
#: names them; the controller's id is its chassis name
CONTROLLER = ("OVN Controller agent", "ovn-controller", "chassis")
GATEWAY = ("OVN Controller Gateway agent", "ovn-controller", "chassis")
METADATA = ("OVN Metadata agent", "neutron-ovn-metadata-agent", "ovn-metadata")
#: devstack's mapping of the provider network ``public`` to its external bridge
BRIDGE_MAPPINGS = "public:br-ex"


def _timestamp(when: float) -> str:
    """A datetime as Neutron's JSON serializer writes it (``str()`` of a naive UTC datetime)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(when)))


def records(host: str, gateway: bool, zone: str, now: float) -> List[Record]:
    """The agents of one host."""
    chassis = stable_uuid("chassis", host)
    found = []
    for agent_type, binary, namespace in (GATEWAY if gateway else CONTROLLER, METADATA):
        found.append({"id": stable_uuid(namespace, host), "agent_type": agent_type, "binary": binary,
                      "topic": "n/a", "host": host, "admin_state_up": True, "heartbeat_timestamp": _timestamp(now),
                      "alive": True, "description": "", "availability_zone": zone,
                      "configurations": {"chassis_name": chassis, "bridge-mappings": BRIDGE_MAPPINGS}})
    return found


def seed(store: Store, hosts: Sequence[Mapping[str, Any]], now: float, zone: str = "nova") -> None:
    """Store the agents of the seeded hosts (the first host is the gateway chassis, as on an all-in-one)."""
    for index, host in enumerate(hosts):
        for record in records(str(host["name"]), index == 0, zone, now):
            store.put(KIND, record["id"], record)


class AgentPlugin(StoredPlugin):
    """Agents: listed, shown, described and deleted by admins; never created, never turned off (OVN)."""

    def check_update(self, runtime: Runtime, ctx: RequestContext, record: Record, changes: Record) -> Record:
        if changes.get("admin_state_up") is False:  # the OVN driver's update_agent
            raise BadRequest(resource="agent", msg="OVN agent status cannot be updated")
        return changes

    def _write(self, runtime: Runtime, ctx: RequestContext, rid: str, changes: Mapping[str, Any]) -> Record:
        """An agent has no standard attributes: no revision to bump, no ``updated_at``."""
        def change(current: Optional[Record]) -> Record:
            if current is None:
                raise AGENT.not_found(rid)
            return {**current, **changes}
        return runtime.store.compute(KIND, rid, change)

    @staticmethod
    def refuse_create() -> NoReturn:
        """``AgentPluginBase.create_agent``: agents register themselves, never through the API."""
        raise BadRequest(resource="agents", msg="Agent creation using API is not supported")


PLUGIN = AgentPlugin(AGENT)
