"""Identifiers that look like a real cloud's and stay deterministic under a seed.

One :class:`IdFactory` per app makes server UUIDs, request ids, tokens, MAC addresses, passwords and
reservation ids. With a seed the sequence is reproducible, so golden files and scenario tests are stable.
"""
from __future__ import annotations

import hashlib
import random
import threading
import uuid
from typing import Optional

_PASSWORD_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_RESERVATION_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
# RFC 4122 version 4: the version nibble and the variant bits, as uuid.UUID(version=4) sets them
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_V4 = (4 << 76) | (0x8000 << 48)


class IdFactory:
    """Seedable source of ids; thread-safe.

    :param seed: any integer for a reproducible sequence, or None for system randomness.
    """

    def __init__(self, seed: Optional[int] = None) -> None:
        self._lock = threading.Lock()
        self.reseed(seed)

    def reseed(self, seed: Optional[int]) -> None:
        """Restart the sequence; the control plane's reset calls this with the configured seed."""
        with self._lock:
            self.seed = seed
            self._random = random.Random(seed) if seed is not None else random.SystemRandom()

    def _bits(self, count: int) -> int:
        with self._lock:
            return self._random.getrandbits(count)

    def _choice(self, alphabet: str, length: int) -> str:
        # 16 random bits per character in one draw (SystemRandom.choice reads the OS once per character);
        # reducing 65536 values modulo the alphabet's size skews the odds by under 0.1%.
        bits, size, chars = self._bits(16 * length), len(alphabet), []
        for _ in range(length):
            chars.append(alphabet[(bits & 0xFFFF) % size])
            bits >>= 16
        return "".join(chars)

    def uuid(self) -> str:
        """A random (version 4) UUID string: ``uuid.UUID(int=..., version=4)`` formatted without the object."""
        value = (self._bits(128) & _UUID_CLEAR) | _UUID_V4
        text = "%032x" % value
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def hex_id(self) -> str:
        """A 32-hex id, as Keystone gives projects and users."""
        return uuid.UUID(int=self._bits(128), version=4).hex

    def request_id(self) -> str:
        """``req-<uuid4>``, as oslo.middleware's RequestId makes them."""
        return "req-" + self.uuid()

    def token(self) -> str:
        """An opaque token string of Fernet-like length."""
        return "gAAAAA" + "".join(f"{self._bits(64):016x}" for _ in range(6))

    def password(self) -> str:
        """A 12-character admin password from Nova's alphabet."""
        return self._choice(_PASSWORD_CHARS, 12)

    def reservation_id(self) -> str:
        """``r-`` and 8 characters, as Nova's multiple create."""
        return "r-" + self._choice(_RESERVATION_CHARS, 8)

    def mac(self) -> str:
        """A locally administered MAC in Neutron's default ``fa:16:3e`` prefix."""
        tail = self._bits(24)
        return "fa:16:3e:%02x:%02x:%02x" % (tail >> 16, (tail >> 8) & 0xFF, tail & 0xFF)


def host_id(project_id: str, host: Optional[str]) -> str:
    """Nova's ``hostId``: sha224 of project id and host, or ``""`` when there is no host."""
    if not host:
        return ""
    return hashlib.sha224((project_id + host).encode("utf-8")).hexdigest()
