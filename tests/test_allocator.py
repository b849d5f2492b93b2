"""fakenova serve's allocator tuning applies on glibc and is a no-op elsewhere."""
from __future__ import annotations

import platform
import sys

from fakenova import allocator


def test_tune_applies_exactly_where_glibc_is_the_c_library() -> None:
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert allocator.tune() is on_glibc
    assert allocator.tune() is on_glibc  # idempotent: serve may be started twice in one process (tests)

