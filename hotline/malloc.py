"""How the C allocator keeps this process's memory (glibc on Linux; elsewhere nothing changes).

Two habits of glibc's malloc cost a web worker about 5 MB for nothing:
- each thread that finds the allocator busy gets an arena of its own (up to eight per core), and
  memory freed in one arena serves only that arena: gunicorn's threads and the queue's threads
  would each keep their own spare memory. Two arenas are enough for a few threads.
- after a large block is freed it raises the size below which blocks come from the heap instead of
  being mapped apart, up to 32 MB. Every password check (scrypt takes 32 MB) does that, and from
  then on freed memory stays in the heap. A fixed threshold keeps glibc's default.
An operator's MALLOC_ARENA_MAX or MALLOC_MMAP_THRESHOLD_ in the environment wins.

A third habit: glibc gives memory back to the system only from the top of its heap, so what a
request freed in the middle (a console page compiling its template, a report's rows) stays counted
against the process. `release` hands those free pages back, at most once a second (it takes about
0.1 ms): 1 MB per web worker after the texts and calls, 4 MB once console pages were served.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
import time

# mallopt's parameter numbers (malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024
RELEASE_EVERY = 1.0  # seconds


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def tune() -> bool:
    """Set the arena count and the large-block threshold; True when the allocator took them."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    took = True
    if "MALLOC_ARENA_MAX" not in os.environ:
        took = mallopt(M_ARENA_MAX, ARENAS) == 1 and took
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        took = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and took
    return took


class Releaser:
    """Hands freed heap memory back to the system (glibc's malloc_trim), at most once every `every` seconds."""

    def __init__(self, every: float = RELEASE_EVERY, clock=time.monotonic):
        self.trim = getattr(_libc(), "malloc_trim", None)  # glibc only (not musl, not macOS)
        if self.trim is not None:
            self.trim.argtypes, self.trim.restype = (ctypes.c_size_t,), ctypes.c_int
        self.every, self.clock = every, clock
        self.last = None
        self.lock = threading.Lock()

    def __call__(self) -> bool:
        """Release now if the last release is old enough; True when it ran."""
        if self.trim is None:
            return False
        # A busy thread never waits here: one that finds another releasing goes on.
        if not self.lock.acquire(blocking=False):
            return False
        try:
            now = self.clock()
            if self.last is not None and now - self.last < self.every:
                return False
            self.last = now
            self.trim(0)
        finally:
            self.lock.release()
        return True


release = Releaser()
