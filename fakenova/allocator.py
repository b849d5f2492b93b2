"""glibc's allocator, tuned for ``fakenova serve`` (its own process; the pytest plugin never calls this).

Two glibc defaults make a long-running threaded Python server hold on to memory it no longer uses:

- every worker thread that allocates gets its own malloc arena (up to 8 per core), and memory freed in one
  is not reused by the others;
- the mmap threshold adapts upwards: once a large block (a 1.5 MB list body) has been freed, blocks of that
  size come from an arena instead of their own mapping, and the arena keeps the pages after the body is sent.

So ``fakenova serve`` caps the arenas at :data:`ARENAS` and fixes the threshold at glibc's initial 128 KiB,
so large bodies are mapped for the request and unmapped after it. Python's own allocator (small objects) is
unaffected. On other C libraries (musl, macOS, Windows) nothing happens.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: mallopt parameter numbers from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: arenas shared by the worker threads
ARENAS = 2
#: blocks at least this large get their own mapping, returned to the OS when freed
MMAP_THRESHOLD = 128 * 1024


def tune() -> bool:
    """Apply the settings above; True when the C library is glibc and accepted both."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # only glibc has it
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, ARENAS)) and bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
