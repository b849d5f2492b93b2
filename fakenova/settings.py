"""Settings: every knob of a fakenova instance in one frozen dataclass, fed by CLI flags and FAKENOVA_* env.

A setting is typed where it is parsed (versions become :class:`Version`, paces become Pace values), so no
code downstream reads strings or magic keys.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Mapping, Optional

from .domain.cinder_paths import AnyAction
from .domain.network_quotas import DEFAULTS as NETWORK_QUOTAS
from .domain.pace import Immediate, Pace, parse_pace
from .domain.quotas import check_limits, parse_quota
from .microversions import MAX_VERSION, MIN_VERSION, Version

#: Nova's max_request_body_size (oslo.middleware sizelimit default)
MAX_REQUEST_BODY = 114688
#: open connections accepted before the server stops accepting (and logs "no longer accepting new
#: connections"); test suites leave many idle keep-alive sockets, and 1,000 of them starved new clients
DEFAULT_CONNECTION_LIMIT = 4096
#: seconds an idle connection stays open
DEFAULT_CHANNEL_TIMEOUT = 60.0
#: image data kept in memory, all images together (256 MiB)
DEFAULT_IMAGE_DATA_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Configuration of one fakenova app.

    :param host: address ``fakenova serve`` binds (loopback by default).
    :param port: port to bind; 0 picks a free one.
    :param min_version: lowest compute microversion advertised.
    :param max_version: highest compute microversion advertised (lower it to emulate an older cloud).
    :param pace: how fast servers move along lifecycle paths unless ``paces`` names the action.
    :param paces: per-action pace overrides, keyed by lifecycle :class:`Action` or Cinder's :class:`VolumeAction`.
    :param seed: seed for ids, addresses and passwords; None for system randomness.
    :param store_url: which store to open (``memory://``).
    :param fixtures_dir: a folder of seed YAML replacing the bundled ``fixtures/``.
    :param token_ttl: lifetime of issued tokens in seconds.
    :param reclaim_instance_interval: seconds a deleted server stays SOFT_DELETED; 0 disables soft delete.
    :param shelved_offload_time: Nova's ``shelved_offload_time``: seconds a shelved server keeps its host
        before it is offloaded (0, Nova's default: at once; -1: never).
    :param max_limit: Nova's ``[api] max_limit`` for list pages.
    :param enable_instance_password: whether create/rebuild/rescue return ``adminPass``.
    :param deleted_retention: how many deleted servers are kept for ``changes-since`` listings.
    :param quota: default quota limits by Nova resource name (``{"instances": 20}``; -1 unlimited), over
        Nova's defaults and ``fixtures/quotas.yaml``, like Nova's ``[quota]`` options.
    :param network_quota: default Neutron quota limits by resource name (``{"port": -1}``; -1 unlimited), over
        Neutron's defaults, like Neutron's ``[QUOTAS] quota_<resource>`` options.
    :param journal_limit: how many requests the control plane's journal keeps (the oldest go first; entries
        are ~0.3 KB each).
    :param public_url: ``scheme://host[:port]`` that catalog entries, links, ``Location`` and
        ``WWW-Authenticate`` use instead of the request's ``Host`` header (behind a proxy; or so that a page
        reaching the server under another name cannot steer them). None: the address the client used.
    :param control_token: a shared secret the control plane (``/_fakenova``) then requires in the
        ``X-Fakenova-Control-Token`` header; None leaves it open to whoever can reach the port.
    :param connection_limit: open connections the server accepts before it stops accepting (and logs so).
    :param channel_timeout: seconds an idle connection is kept open.
    :param hosts: how many compute hosts the fake cloud has (``fakenova-compute-1..N``, each like the
        fixtures' host template); None keeps the hosts ``fixtures/hosts.yaml`` lists.
    :param allow_resize_to_same_host: Nova's option of that name: whether a resize may stay on the server's
        host. Nova's default is False; devstack (and fakenova, so a one-host cloud can resize) sets True.
        A cold migration never stays (libvirt does not report ``COMPUTE_SAME_HOST_COLD_MIGRATE``).
    :param image_data_limit: bytes of image data (Glance uploads) kept in memory across all images; an upload
        past it is Glance's 413.
    :param policy: policy rules overriding the services' defaults (oslo.policy's ``"rule": "check string"``),
        as ``--policy FILE`` reads them (``fakenova.policy_file``); checked when the app builds its rules.

    .. versionadded:: 0.1
    """

    host: str = "127.0.0.1"
    port: int = 8774
    min_version: Version = MIN_VERSION
    max_version: Version = MAX_VERSION
    pace: Pace = Immediate()
    paces: Mapping[AnyAction, Pace] = field(default_factory=dict)
    seed: Optional[int] = None
    store_url: str = "memory://"
    fixtures_dir: Optional[str] = None
    token_ttl: float = 3600.0
    reclaim_instance_interval: float = 0.0
    shelved_offload_time: float = 0.0
    max_limit: int = 1000
    enable_instance_password: bool = True
    deleted_retention: int = 1000
    quota: Mapping[str, int] = field(default_factory=dict)
    network_quota: Mapping[str, int] = field(default_factory=dict)
    journal_limit: int = 10_000
    public_url: Optional[str] = None
    control_token: Optional[str] = None
    connection_limit: int = DEFAULT_CONNECTION_LIMIT
    channel_timeout: float = DEFAULT_CHANNEL_TIMEOUT
    hosts: Optional[int] = None
    allow_resize_to_same_host: bool = True
    image_data_limit: int = DEFAULT_IMAGE_DATA_LIMIT
    policy: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (MIN_VERSION <= self.min_version <= self.max_version <= MAX_VERSION):
            raise ValueError(f"versions must satisfy {MIN_VERSION} <= min <= max <= {MAX_VERSION}")
        check_limits(self.quota, "quota setting")
        check_limits(self.network_quota, "network quota setting", known=NETWORK_QUOTAS)
        if self.journal_limit < 1:
            raise ValueError("journal_limit must be at least 1")
        if self.connection_limit < 1 or self.channel_timeout <= 0:
            raise ValueError("connection_limit and channel_timeout must be positive")
        if self.image_data_limit < 0:
            raise ValueError("image_data_limit must not be negative")
        if self.hosts is not None and self.hosts < 1:
            raise ValueError("hosts must be at least 1")
        if self.public_url is not None:
            object.__setattr__(self, "public_url", parse_public_url(self.public_url))

    def pace_for(self, action: AnyAction) -> Pace:
        """The pace for a lifecycle action (a server's or a volume's), falling back to the default pace."""
        return self.paces.get(action, self.pace)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied (values already typed)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> "Settings":
        """Read ``FAKENOVA_<FIELD>`` variables (e.g. ``FAKENOVA_MAX_VERSION=2.60``), then apply overrides.

        :param environ: the environment to read; ``os.environ`` by default.
        """
        environ = os.environ if environ is None else environ
        values: dict = {}
        for item in fields(cls):
            raw = environ.get("FAKENOVA_" + item.name.upper())
            if raw is not None and item.name != "paces":
                values[item.name] = parse_setting(item.name, raw)
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)


def parse_public_url(text: str) -> str:
    """``http(s)://host[:port][/prefix]`` without a trailing slash; anything else is a ValueError."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"public_url must be http(s)://host[:port], not {text!r}")
    return text.strip().rstrip("/")


def _boolean(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


def _read_policy(path: str) -> Mapping[str, str]:
    from .policy_file import read_policy_file  # late: only a given file costs the YAML reader

    return read_policy_file(path)


def parse_setting(name: str, raw: str) -> Any:
    """Turn one setting's text into its typed value (shared by the env reader and the CLI)."""
    parsers: Mapping[str, Callable[[str], Any]] = {
        "port": int, "seed": int, "max_limit": int, "deleted_retention": int, "journal_limit": int,
        "connection_limit": int, "hosts": int, "image_data_limit": int, "token_ttl": float,
        "reclaim_instance_interval": float,
        "channel_timeout": float, "shelved_offload_time": float,
        "public_url": parse_public_url,
        "min_version": Version.parse, "max_version": Version.parse, "pace": parse_pace,
        "quota": parse_quota,
        "network_quota": lambda text: parse_quota(text, known=NETWORK_QUOTAS),
        "policy": _read_policy,
        "enable_instance_password": _boolean, "allow_resize_to_same_host": _boolean,
    }
    return parsers.get(name, str)(raw)
