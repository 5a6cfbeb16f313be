"""How the C allocator keeps this process's memory (glibc on Linux; elsewhere nothing changes).

Two habits of glibc's malloc cost a web worker about 5 MB for nothing:
- each thread that finds the allocator busy gets an arena of its own (up to eight per core), and
  memory freed in one arena serves only that arena: gunicorn's threads and the queue's threads
  would each keep their own spare memory. Two arenas are enough for a few threads.
- after a large block is freed it raises the size below which blocks come from the heap instead of
  being mapped apart, up to 32 MB. Every password check (scrypt takes 32 MB) does that, and from
  then on freed memory stays in the heap. A fixed threshold keeps glibc's default.
An operator's MALLOC_ARENA_MAX or MALLOC_MMAP_THRESHOLD_ in the environment wins.
"""
from __future__ import annotations

import ctypes
import os
import sys

# mallopt's parameter numbers (malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024


def tune() -> bool:
    """Set the arena count and the large-block threshold; True when the allocator took them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    took = True
    if "MALLOC_ARENA_MAX" not in os.environ:
        took = mallopt(M_ARENA_MAX, ARENAS) == 1 and took
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        took = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and took
    return took
