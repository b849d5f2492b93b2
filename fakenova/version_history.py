"""The compute microversion history as one table: what changes at each version from 2.1 to MAX_VERSION.

Mirrors Nova's ``REST_API_VERSION_HISTORY`` (``nova/api/openstack/compute/rest_api_version_history.rst``) with
a one-line summary per version and the API areas it touches. An entry that fakenova's code relies on carries a
stable *feature* name; code asks for the version by that name (``ctx.version >= at("server-description")``,
resolved once at import) so which version a behaviour starts at is written here and nowhere else. Shapes that
change with the version (request schemas, view fields, routes) live in their own ``Versioned``/``Field``
tables; the features named here are the behaviour changes that no such table can express.

The table is checked when this module is imported: one entry for every version from MIN to MAX, in order,
touching only known areas, and no feature named twice. ``fakenova microversions`` prints it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

from .microversions import MAX_VERSION, MIN_VERSION, V, Version, all_versions

#: the API areas an entry may name in ``touches`` (a closed vocabulary, so a typo fails at import)
AREAS = frozenset({
    "servers", "server-actions", "server-list", "consoles", "keypairs", "flavors", "flavor-access", "images",
    "instance-actions", "migrations", "live-migration", "evacuate", "volumes", "interfaces", "tags",
    "limits", "quotas", "proxies", "services", "hypervisors", "server-groups", "aggregates", "external-events",
    "fixed-ips", "usage", "diagnostics", "topology", "shares", "hosts", "headers", "query",
    "console-auth-tokens",
})


@dataclass(frozen=True)
class Change:
    """One microversion: what it changes, the areas it touches and, if code relies on it, a feature name.

    .. versionadded:: 0.2
    """

    version: Version
    summary: str
    touches: Tuple[str, ...]
    feature: Optional[str] = None


def _c(version: str, summary: str, *touches: str, feature: Optional[str] = None) -> Change:
    return Change(V(version), summary, touches, feature)


HISTORY: Tuple[Change, ...] = (
    _c("2.1", "baseline: the v2.0 API with strict JSON-schema validation of request bodies", "servers"),
    _c("2.2", "keypairs gain a type (ssh/x509); create answers 201, delete 204", "keypairs"),
    _c("2.3", "admins see more OS-EXT-SRV-ATTR keys; attached volumes show delete_on_termination", "servers"),
    _c("2.4", "fixed IPs show whether they are reserved", "fixed-ips"),
    _c("2.5", "non-admins may filter the server list by ip6", "server-list"),
    _c("2.6", "remote-consoles resource replaces the per-protocol console actions", "consoles",
       "server-actions"),
    _c("2.7", "granting access to a public flavor is refused with 409", "flavor-access",
       feature="public-flavor-access-refused"),
    _c("2.8", "remote consoles speak the mks protocol (webmks type)", "consoles"),
    _c("2.9", "server bodies say whether the server is locked", "servers"),
    _c("2.10", "admins may manage other users' keypairs by user_id", "keypairs"),
    _c("2.11", "compute services can be forced down", "services"),
    _c("2.12", "virtual interfaces show their network id", "interfaces"),
    _c("2.13", "server groups show their project and user", "server-groups"),
    _c("2.14", "evacuate drops onSharedStorage and no longer returns adminPass", "evacuate"),
    _c("2.15", "server groups accept the soft-affinity and soft-anti-affinity policies", "server-groups"),
    _c("2.16", "admins see host_status in server bodies", "servers"),
    _c("2.17", "new action trigger_crash_dump", "server-actions"),
    _c("2.18", "the project id in compute URLs becomes optional", "servers"),
    _c("2.19", "servers have a description of their own (before, the name was stored as one)", "servers",
       feature="server-description"),
    _c("2.20", "volumes attach to and detach from shelved servers", "volumes"),
    _c("2.21", "a deleted server's instance actions stay readable", "instance-actions",
       feature="deleted-server-actions"),
    _c("2.22", "running live migrations can be forced to complete", "migrations"),
    _c("2.23", "a server's migrations can be listed and shown; migrations show their type", "migrations"),
    _c("2.24", "a running live migration can be aborted", "migrations"),
    _c("2.25", "live migration takes block_migration=auto and drops disk_over_commit", "live-migration"),
    _c("2.26", "server tags: the tags resource, tags in bodies and four tag list filters", "tags", "servers",
       "server-list"),
    _c("2.27", "the OpenStack-API-Version header is documented next to the legacy one", "headers"),
    _c("2.28", "hypervisor cpu_info is an object instead of a string", "hypervisors"),
    _c("2.29", "evacuate can be forced past the scheduler", "evacuate"),
    _c("2.30", "live migration can be forced past the scheduler", "live-migration"),
    _c("2.31", "console auth tokens work for every console type", "console-auth-tokens"),
    _c("2.32", "networks and block devices may carry a tag at create", "servers"),
    _c("2.33", "hypervisors are paged; block device tags dropped by mistake until 2.42", "hypervisors",
       "servers"),
    _c("2.34", "live migration pre-checks run asynchronously", "live-migration"),
    _c("2.35", "keypairs are paged with limit and marker", "keypairs"),
    _c("2.36", "the image, volume, network and security-group proxy APIs are gone", "proxies", "limits",
       "quotas"),
    _c("2.37", "create requires networks, which may be 'auto' or 'none'", "servers"),
    _c("2.38", "listing servers with an unknown status is a 400, not an empty list", "server-list",
       feature="invalid-status-rejected"),
    _c("2.39", "the image-metadata proxy and the maxImageMeta limit are gone", "proxies", "limits"),
    _c("2.40", "simple tenant usage is paged", "usage"),
    _c("2.41", "aggregates show their uuid", "aggregates"),
    _c("2.42", "network and block device tags at create work again", "servers"),
    _c("2.43", "os-hosts is gone", "hosts"),
    _c("2.44", "fixed/floating IP actions and os-virtual-interfaces are gone", "server-actions", "interfaces"),
    _c("2.45", "createImage and createBackup return the image id in the body, not a Location", "server-actions"),
    _c("2.46", "the request id header is promised (it is sent at every version)", "headers"),
    _c("2.47", "server bodies embed the flavor's values instead of linking to it", "servers"),
    _c("2.48", "server diagnostics follow one standard format", "diagnostics"),
    _c("2.49", "attached interfaces and volumes may carry a tag", "interfaces", "volumes"),
    _c("2.50", "quota classes show server group quotas and drop network ones", "quotas"),
    _c("2.51", "members see instance action events; new volume-extended event", "instance-actions",
       "external-events"),
    _c("2.52", "create accepts tags", "servers", "tags"),
    _c("2.53", "services and hypervisors are identified by uuid", "services", "hypervisors"),
    _c("2.54", "rebuild accepts and returns key_name", "server-actions"),
    _c("2.55", "flavors have a description", "flavors"),
    _c("2.56", "cold migration may name a target host", "server-actions"),
    _c("2.57", "personality files are gone; rebuild accepts and returns user_data", "servers", "server-actions",
       "limits"),
    _c("2.58", "instance actions are paged and filtered by changes-since, with updated_at and links",
       "instance-actions", feature="instance-action-paging"),
    _c("2.59", "migrations are paged and filtered by changes-since, and show their uuid", "migrations"),
    _c("2.60", "multiattach volumes can be booted from and attached", "volumes", "servers"),
    _c("2.61", "flavor bodies include extra_specs", "flavors"),
    _c("2.62", "instance action events show hostId (and host to admins)", "instance-actions"),
    _c("2.63", "trusted image certificates on create and rebuild, shown in server bodies", "servers",
       "server-actions"),
    _c("2.64", "server groups have one policy plus rules instead of a policy list", "server-groups"),
    _c("2.65", "queued or preparing live migrations can be aborted", "migrations"),
    _c("2.66", "changes-before filter on servers, instance actions and migrations", "server-list",
       "instance-actions", "migrations"),
    _c("2.67", "block devices may request a volume_type", "servers"),
    _c("2.68", "forced evacuate and live migration are gone", "evacuate", "live-migration"),
    _c("2.69", "servers in unreachable cells are shown as minimal UNKNOWN records", "servers", "server-list"),
    _c("2.70", "volume attachments and interfaces show their tag", "volumes", "interfaces"),
    _c("2.71", "show, update and rebuild bodies list the server's group", "servers"),
    _c("2.72", "create accepts ports with resource requests (minimum bandwidth)", "servers"),
    _c("2.73", "lock takes a reason, shown as locked_reason; list filter and sort by locked", "server-actions",
       "servers", "server-list"),
    _c("2.74", "admins may pick host and hypervisor_hostname at create", "servers"),
    _c("2.75", "unknown query parameters are a 400 on many GETs; update and rebuild return the full server",
       "query", "servers", "server-actions"),
    _c("2.76", "new power-update external event, visible in instance actions", "external-events"),
    _c("2.77", "unshelve of an offloaded server may name an availability zone", "server-actions"),
    _c("2.78", "the server topology resource", "topology"),
    _c("2.79", "volume attach accepts and returns delete_on_termination", "volumes"),
    _c("2.80", "migrations show user and project and can be filtered by them", "migrations"),
    _c("2.81", "images can be cached on the hosts of an aggregate", "aggregates"),
    _c("2.82", "new accelerator-request-bound external event", "external-events"),
    _c("2.83", "non-admins may filter the server list by more attributes", "server-list"),
    _c("2.84", "instance action events show details", "instance-actions"),
    _c("2.85", "a volume attachment's delete_on_termination can be updated", "volumes"),
    _c("2.86", "flavor extra specs are validated", "flavors", feature="extra-spec-validation"),
    _c("2.87", "volume-backed servers can be rescued", "server-actions", feature="rescue-volume-backed"),
    _c("2.88", "hypervisor statistics and uptime are gone", "hypervisors"),
    _c("2.89", "volume attachments show attachment_id and bdm_uuid instead of id", "volumes"),
    _c("2.90", "servers take a hostname at create, update and rebuild, shown to everyone", "servers",
       "server-actions", "server-list"),
    _c("2.91", "unshelve may name a host, or unpin the availability zone with null", "server-actions"),
    _c("2.92", "keypair generation is gone; names may contain '@' and '.'", "keypairs"),
    _c("2.93", "volume-backed servers can be rebuilt with a new image", "server-actions",
       feature="rebuild-volume-backed"),
    _c("2.94", "a server's hostname may be a fully qualified domain name", "servers"),
    _c("2.95", "evacuated servers end stopped", "evacuate"),
    _c("2.96", "server bodies show pinned_availability_zone", "servers"),
    _c("2.97", "the server shares resource (Manila attachments)", "shares"),
    _c("2.98", "server bodies show the image's properties", "servers"),
    _c("2.99", "spice-direct consoles; console auth tokens show tls_port", "consoles", "console-auth-tokens"),
    _c("2.100", "server bodies show scheduler_hints", "servers"),
    _c("2.101", "volume attach answers 202 without a body", "volumes"),
    _c("2.102", "every API rejects unknown query parameters; flavors filter by name, lose rxtx_factor",
       "query", "flavors"),
    _c("2.103", "the os-volumes_boot alias of /servers is gone", "servers"),
    _c("2.104", "update may unpin or re-pin the pinned availability zone", "servers"),
)


def check(history: Tuple[Change, ...]) -> Dict[str, Version]:
    """Check a history table and map its feature names to their versions.

    :param history: the entries, oldest first.
    :raises ValueError: unless every version MIN..MAX is listed once and in order, each entry touches only
        known :data:`AREAS`, and no feature is named twice.
    """
    listed = tuple(change.version for change in history)
    if listed != all_versions():
        missing = [str(v) for v in all_versions() if v not in listed]
        raise ValueError(f"history must list {MIN_VERSION}..{MAX_VERSION} once each, in order; "
                         f"missing: {', '.join(missing) or 'none'}")
    features: Dict[str, Version] = {}
    for change in history:
        unknown = set(change.touches) - AREAS
        if not change.touches or unknown:
            raise ValueError(f"{change.version}: touches {sorted(unknown) or 'nothing'}; see AREAS")
        if change.feature in features:
            raise ValueError(f"{change.version}: feature {change.feature!r} is already {features[change.feature]}")
        if change.feature is not None:
            features[change.feature] = change.version
    return features


#: feature name -> the version it starts at (only the entries code relies on)
FEATURES: Mapping[str, Version] = check(HISTORY)


def at(feature: str) -> Version:
    """The version a named feature starts at: ``ctx.version >= at("server-description")``.

    Call it at import (a module-level constant), so an unknown name fails when the module loads.

    :param feature: a name from the ``feature`` column of :data:`HISTORY`.
    :raises KeyError: naming the known features, for an unknown one.

    .. versionadded:: 0.2
    """
    try:
        return FEATURES[feature]
    except KeyError:
        raise KeyError(f"no microversion feature {feature!r}; known: {sorted(FEATURES)}") from None
