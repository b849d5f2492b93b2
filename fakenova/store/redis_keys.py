"""The Redis key of every structure the Redis store keeps, under one prefix (the layout is in redis_store's
docstring; all of a kind's keys start ``<prefix><kind>/`` so clearing a kind is one pattern)."""
from __future__ import annotations

from typing import Optional


class Keys:
    """The Redis key of every structure, under one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counters, self.journal, self.seq = prefix + "!counters", prefix + "!journal", prefix + "!seq"
        self.captures = prefix + "!captures"
        self.lock, self.indexed = prefix + "!lock", prefix + "!indexed"
        self.versions = prefix + "!versions"

    def record(self, kind: str, key: str) -> str:
        return f"{self.prefix}{kind}/r/{key}"

    def record_prefix(self, kind: str) -> str:
        return f"{self.prefix}{kind}/r/"

    def all(self, kind: str) -> str:
        return f"{self.prefix}{kind}/all"

    def project(self, kind: str, project: str) -> str:
        return f"{self.prefix}{kind}/p/{project}"

    def projects(self, kind: str) -> str:
        return f"{self.prefix}{kind}/projects"

    def order(self, kind: str, scope: Optional[str]) -> str:
        return f"{self.prefix}{kind}/o" + ("" if scope is None else f"/{scope}")

    def mark(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}/m/{name}"

    def total(self, kind: str, name: str, scope: Optional[str]) -> str:
        return f"{self.prefix}{kind}/s/{name}" + ("*" if scope is None else f"/{scope}")

    def group(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}/g/{name}"

    def filed(self, kind: str, name: str, value: str) -> str:
        return f"{self.prefix}{kind}/x/{name}/{value}"


__all__ = ["Keys"]
