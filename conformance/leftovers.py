"""After tempest: list what it left behind in fakenova, through the admin APIs a cloud operator would use.

Tempest's dynamic credentials create a project and users per test class and delete them (with the networks,
routers and default security group it made for them) when the class ends; every test deletes what it created.
A record still there afterwards is either a test that leaks on any cloud, or a delete in fakenova that does not
cascade as the real service's does. ``snapshot`` is taken once the seed is in and again after the run;
``leftovers`` is their difference minus :data:`ALLOWED` (what tempest itself leaves on a real cloud).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Dict, List, Mapping, NamedTuple, Optional, Tuple

#: (method, URL, body) -> (status, JSON body); injectable so the listing logic is tested without a server
Fetch = Callable[[str, str, Optional[Mapping[str, object]], Mapping[str, str]], Tuple[int, Dict[str, object]]]


class Listing(NamedTuple):
    """One kind of resource and the admin request that lists every project's records of it."""

    kind: str
    path: str  # under the server's URL; {project} is the admin's project id (Cinder's URL carries it)
    key: str  # the list in the answer
    next_key: str = ""  # the answer's key holding the next page's link (Glance pages by 25)


#: the admin listings, each across every project (Nova and Cinder need all_tenants; Neutron, Glance and
#: Keystone show an admin everything)
LISTINGS: Tuple[Listing, ...] = (
    Listing("project", "/identity/v3/projects", "projects"),
    Listing("user", "/identity/v3/users", "users"),
    Listing("server", "/compute/v2.1/servers?all_tenants=1", "servers"),
    Listing("volume", "/volume/v3/{project}/volumes?all_tenants=1", "volumes"),
    Listing("network", "/network/v2.0/networks", "networks"),
    Listing("subnet", "/network/v2.0/subnets", "subnets"),
    Listing("router", "/network/v2.0/routers", "routers"),
    Listing("port", "/network/v2.0/ports", "ports"),
    Listing("image", "/image/v2/images", "images", "next"),
    Listing("security group", "/network/v2.0/security-groups", "security_groups"),
)

class Allowed(NamedTuple):
    """Records a tempest test leaves on any cloud: of ``kind``, named to match ``name`` (a regex), and why."""

    kind: str
    name: str
    reason: str


#: leftovers that are not fakenova's fault. Every other leftover found so far was a fakenova bug (a delete that
#: did not cascade as the real service's does) and was fixed instead.
ALLOWED: Tuple[Allowed, ...] = (
    Allowed("image", r"^tempest-backup-1-\d+$",
            "ServersAaction247Test.test_create_backup makes a backup only to check the 2.47 schema and never "
            "deletes it (tempest/api/compute/servers/test_server_actions.py); ServerActionsTestOtherB's backup-1 "
            "has the same name but its test fails unless Nova's rotation deletes it"),
)

Snapshot = Dict[str, Dict[str, str]]  # kind -> {id: name}


def _urllib_fetch(method: str, url: str, body: Optional[Mapping[str, object]],
                  headers: Mapping[str, str]) -> Tuple[int, Dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read() or b"{}")
            token = response.headers.get("X-Subject-Token")
            return response.status, dict(answer, **({"_token": token} if token else {}))
    except urllib.error.HTTPError as exc:
        return exc.code, {"_error": exc.read().decode(errors="replace")[:300]}


class AdminClient:
    """The seeded admin, scoped to the admin project, over plain HTTP."""

    def __init__(self, url: str, fetch: Fetch = _urllib_fetch) -> None:
        self.url = url.rstrip("/")
        self.fetch = fetch
        status, answer = fetch("POST", f"{self.url}/identity/v3/auth/tokens", _ADMIN_AUTH, {})
        if status != 201:
            raise RuntimeError(f"the admin could not log in ({status}): {answer}")
        self.token = str(answer["_token"])
        self.project = str(answer["token"]["project"]["id"])  # type: ignore[index]

    def list(self, listing: Listing) -> Dict[str, str]:
        """{id: name} of every record the listing shows, following Glance's next links."""
        found: Dict[str, str] = {}
        path: Optional[str] = listing.path.format(project=self.project)
        while path:
            status, answer = self.fetch("GET", self.url + path, None, {"X-Auth-Token": self.token})
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {answer}")
            records = answer.get(listing.key) or []
            found.update({str(r["id"]): str(r.get("name") or "") for r in records})  # type: ignore[union-attr]
            following = answer.get(listing.next_key) if listing.next_key else None
            path = _next_path(listing.path, str(following)) if following and records else None
        return found


_ADMIN_AUTH = {"auth": {
    "identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": "admin", "domain": {"id": "default"}}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}


def _next_path(first: str, following: str) -> str:
    """Glance's ``next`` is ``/v2/images?marker=...``: keep the service prefix of the first path."""
    prefix = first.split("/v2/", 1)[0]
    return prefix + following if following.startswith("/v2/") else urllib.parse.urlsplit(following).path


def snapshot(client: AdminClient, listings: Tuple[Listing, ...] = LISTINGS) -> Snapshot:
    """Every listed record now, per kind."""
    return {listing.kind: client.list(listing) for listing in listings}


def leftovers(before: Snapshot, after: Snapshot,
              allowed: Tuple[Allowed, ...] = ALLOWED) -> Dict[str, List[str]]:
    """Per kind, ``"<id> (<name>)"`` of each record in ``after`` but not ``before``, less the allowed ones."""
    found: Dict[str, List[str]] = {}
    for kind, records in after.items():
        patterns = [re.compile(rule.name) for rule in allowed if rule.kind == kind]
        new = sorted(f"{record_id} ({records[record_id]})" for record_id in set(records) - set(before.get(kind, {}))
                     if not any(pattern.search(records[record_id]) for pattern in patterns))
        if new:
            found[kind] = new
    return found


def report(found: Mapping[str, List[str]]) -> str:
    """The lines the runner prints: one heading, then each leftover under its kind."""
    if not found:
        return "tempest left nothing behind"
    lines = [f"tempest left {sum(map(len, found.values()))} records behind:"]
    for kind, records in sorted(found.items()):
        lines.append(f"  {kind}: {len(records)}")
        lines.extend(f"    {record}" for record in records)
    return "\n".join(lines)
