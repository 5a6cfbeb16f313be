"""Pacing: when a send may start, so a sender never exceeds its rate and nobody is flooded.

A generic cell rate algorithm (GCRA): each key keeps a "theoretical arrival time" (TAT). A
reservation of `cost` units at `interval` seconds a unit starts at max(TAT - tolerance, now)
and pushes the TAT on by cost * interval; `burst` units may start back to back. Reservations
are never refused, only placed later, so every message keeps its place in line; the caller
waits for a near start or schedules itself for a far one.

With Redis the state is shared by every worker on every machine (one atomic script call);
without it a process-local table does the same.

The same place keeps a sender's hold: while Twilio refuses (429, 5xx, no connection), sends
wait until a moment set after each refusal, and how many refusals came in a row, until a send
goes through again.
"""
from __future__ import annotations

import threading
from typing import Protocol

# Keys outlive their last reservation by this much, then Redis drops them.
KEY_GRACE_SECONDS = 60

SENDER_PREFIX = "hotline:pace:sender:"
# Followed by the contact id: Redis holds no phone number.
RECIPIENT_PREFIX = "hotline:pace:contact:"
# Followed by the sender: (until, refusals in a row) while Twilio is refusing.
HOLD_PREFIX = "hotline:hold:sender:"
# A hold is remembered this long past its end, so the next refusal waits longer than the last.
HOLD_MEMORY_SECONDS = 6 * 3600


class Pacer(Protocol):
    def reserve(self, key: str, *, cost: float, interval: float, burst: int, now: float) -> float: ...

    def held(self, key: str) -> tuple[float, int] | None: ...

    def hold(self, key: str, until: float, refusals: int, *, now: float) -> None: ...

    def release(self, key: str) -> None: ...


def _gcra(tat: float | None, *, cost: float, interval: float, burst: int, now: float) -> tuple[float, float]:
    """Return (start, new TAT) for a reservation against the stored TAT."""
    tat = now if tat is None or tat < now else tat
    tolerance = max(0, burst - 1) * interval
    start = max(tat - tolerance, now)
    return start, tat + cost * interval


class MemoryPacer:
    """Pacing state in this process (the embedded default, one process does all the sending)."""

    def __init__(self):
        self._tat: dict[str, float] = {}
        self._holds: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str, *, cost: float, interval: float, burst: int, now: float) -> float:
        """Reserve `cost` units on `key` and return when their use may start (epoch seconds)."""
        with self._lock:
            start, self._tat[key] = _gcra(self._tat.get(key), cost=cost, interval=interval, burst=burst, now=now)
        return start

    def held(self, key: str) -> tuple[float, int] | None:
        """The hold on `key`: (until, refusals in a row), or None when sends go through."""
        with self._lock:
            return self._holds.get(key)

    def hold(self, key: str, until: float, refusals: int, *, now: float) -> None:
        """Hold sends on `key` until `until` (epoch seconds), after `refusals` refusals in a row."""
        with self._lock:
            self._holds[key] = (until, refusals)

    def release(self, key: str) -> None:
        """Sends on `key` go through again."""
        with self._lock:
            self._holds.pop(key, None)


_RESERVE = """
local now = tonumber(ARGV[1])
local increment = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local start = tat - tolerance
if start < now then start = now end
local new_tat = tat + increment
local ttl = math.ceil((new_tat - now) * 1000) + tonumber(ARGV[4])
redis.call('SET', KEYS[1], string.format('%.6f', new_tat), 'PX', ttl)
return string.format('%.6f', start)
"""


class RedisPacer:
    """Pacing state in Redis, shared by every worker process on every machine."""

    def __init__(self, connection):
        self.connection = connection
        self._script = connection.register_script(_RESERVE)

    def reserve(self, key: str, *, cost: float, interval: float, burst: int, now: float) -> float:
        """Reserve `cost` units on `key` and return when their use may start (epoch seconds)."""
        tolerance = max(0, burst - 1) * interval
        start = self._script(
            keys=[key],
            args=[f"{now:.6f}", f"{cost * interval:.6f}", f"{tolerance:.6f}", KEY_GRACE_SECONDS * 1000],
        )
        return float(start)

    def held(self, key: str) -> tuple[float, int] | None:
        """The hold on `key`: (until, refusals in a row), or None when sends go through."""
        value = self.connection.get(key)
        if not value:
            return None
        until, _, refusals = value.decode().partition(" ")
        return float(until), int(refusals or 0)

    def hold(self, key: str, until: float, refusals: int, *, now: float) -> None:
        """Hold sends on `key` until `until` (epoch seconds), after `refusals` refusals in a row."""
        keep = max(1, int(until - now) + HOLD_MEMORY_SECONDS)
        self.connection.set(key, f"{until:.6f} {refusals}", ex=keep)

    def release(self, key: str) -> None:
        """Sends on `key` go through again."""
        self.connection.delete(key)


def sender_interval(rate_per_second: float) -> float:
    """Seconds one segment occupies a sender at the given rate."""
    return 1.0 / rate_per_second if rate_per_second > 0 else 0.0


def recipient_interval(burst: int, window_seconds: float) -> float:
    """Seconds one message occupies a recipient's allowance: `burst` of them per window."""
    return window_seconds / burst if burst > 0 else 0.0

