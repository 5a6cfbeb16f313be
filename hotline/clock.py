"""The current time, always timezone-aware UTC.

Everything in the hotline reads the time here. `hotline chat` lets time pass (`/wait 2h`) by
moving this process's clock forward with `advance`; nothing else does, so in a server or worker
the offset stays zero and `now()` is the real time.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

_lock = threading.Lock()
_offset = timedelta(0)


def now() -> datetime:
    """Return the current time in UTC, moved forward by whatever `advance` added."""
    return datetime.now(timezone.utc) + _offset


def timestamp() -> float:
    """Return `now()` as seconds since the epoch (for timer heaps and interval buckets)."""
    return now().timestamp()


def advance(delta: timedelta) -> datetime:
    """Move this process's clock forward by `delta` and return the new time."""
    global _offset
    if delta < timedelta(0):
        raise ValueError("the clock only moves forward")
    with _lock:
        _offset += delta
    return now()


def offset() -> timedelta:
    """How far `advance` has moved this process's clock."""
    return _offset


def reset() -> None:
    """Put this process's clock back to the real time."""
    global _offset
    with _lock:
        _offset = timedelta(0)
