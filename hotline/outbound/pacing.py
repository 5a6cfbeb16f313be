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

`book` does all of it for one send in one call (one Redis round trip): it looks at the hold,
reserves the recipient's allowance and the sender's slot. Sender slots are spaced SLOT_SPACING
times the rate's interval, and a send more than LATE_SECONDS past its slot takes a new one: the
margin absorbs a send that leaves a little late or travels slower than the ones after it, so no
sliding second at the receiving end holds more than the configured rate. A booking is made for
the moment its answer is expected back (`RoundTrip`), not the moment it is asked: a slow Redis or
a busy machine would otherwise hand out slots already past when they arrive.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
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
# Sender slots are this much further apart than the rate's interval: any `rate` sends in a row
# then span 1.2 s, so a send that reaches Twilio up to about 0.18 s slower than the one `rate`
# sends later (lateness, a busy machine, a new connection) still leaves every second within the rate.
SLOT_SPACING = 1.2
# A send this late for its slot takes a new one instead (the spacing covers lateness up to it).
LATE_SECONDS = 0.02
# A booking looks ahead by the slowest recent round trip, which fades by this much a booking...
ROUND_TRIP_FADE = 0.9
# ...and never by more than this (one stall, a pause of the process, is soon forgotten).
ROUND_TRIP_MAX_SECONDS = 1.0


class RoundTrip:
    """How long a booking takes to come back lately: the slowest recent one, fading as faster ones come."""

    def __init__(self):
        self.seconds = 0.0

    def measured(self, seconds: float) -> None:
        self.seconds = min(ROUND_TRIP_MAX_SECONDS, max(seconds, self.seconds * ROUND_TRIP_FADE))


@dataclass(frozen=True)
class Booking:
    """What `book` found and reserved for one send (epoch seconds)."""

    # The sender is held until then (nothing was reserved).
    held_until: float | None = None
    # A hold ended but was never released: this send finds out whether Twilio answers again.
    probe: bool = False
    # When the recipient's allowance lets the message start (None: not asked for).
    recipient_start: float | None = None
    # The sender's slot (None: not asked for, or not reserved because the recipient must wait).
    sender_slot: float | None = None


class Pacer(Protocol):
    round_trip: RoundTrip

    def reserve(self, key: str, *, cost: float, interval: float, burst: int, now: float) -> float: ...

    def held(self, key: str) -> tuple[float, int] | None: ...

    def hold(self, key: str, until: float, refusals: int, *, now: float) -> None: ...

    def release(self, key: str) -> None: ...

    def book(self, hold_key: str, recipient: "Reservation | None", sender: "Reservation | None", *,
             recipient_max_wait: float, now: float) -> Booking: ...


@dataclass(frozen=True)
class Reservation:
    """A reservation to make: `cost` units on `key` at `interval` seconds a unit, `burst` back to back."""

    key: str
    cost: float
    interval: float
    burst: int = 1

    @property
    def increment(self) -> float:
        return self.cost * self.interval

    @property
    def tolerance(self) -> float:
        return max(0, self.burst - 1) * self.interval


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
        self.round_trip = RoundTrip()

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

    def book(self, hold_key: str, recipient: Reservation | None, sender: Reservation | None, *,
             recipient_max_wait: float, now: float) -> Booking:
        """Look at the hold, then reserve the recipient's allowance and the sender's slot, at once."""
        with self._lock:
            hold = self._holds.get(hold_key)
            if hold is not None and hold[0] > now:
                return Booking(held_until=hold[0])
            probe = hold is not None
            recipient_start = None
            if recipient is not None:
                recipient_start = self._reserve(recipient, now)
                if recipient_start - now > recipient_max_wait:
                    return Booking(probe=probe, recipient_start=recipient_start)
            slot = self._reserve(sender, now) if sender is not None else None
            return Booking(probe=probe, recipient_start=recipient_start, sender_slot=slot)

    def _reserve(self, reservation: Reservation, now: float) -> float:
        start, self._tat[reservation.key] = _gcra(self._tat.get(reservation.key), cost=reservation.cost,
                                                  interval=reservation.interval, burst=reservation.burst, now=now)
        return start


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


_BOOK = """
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local probe = '0'
local hold = redis.call('GET', KEYS[1])
if hold then
  local until_text = string.match(hold, '^(%S+)')
  if tonumber(until_text) > now then return {'held', until_text} end
  probe = '1'
end
local function reserve(key, increment, tolerance)
  local tat = tonumber(redis.call('GET', key) or ARGV[1])
  if tat < now then tat = now end
  local start = tat - tolerance
  if start < now then start = now end
  local new_tat = tat + increment
  redis.call('SET', key, string.format('%.6f', new_tat), 'PX', math.ceil((new_tat - now) * 1000) + grace)
  return start
end
local recipient = ''
if ARGV[3] == '1' then
  local start = reserve(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]))
  recipient = string.format('%.6f', start)
  if start - now > tonumber(ARGV[6]) then return {'recipient', probe, recipient} end
end
local slot = ''
if ARGV[7] == '1' then
  slot = string.format('%.6f', reserve(KEYS[3], tonumber(ARGV[8]), tonumber(ARGV[9])))
end
return {'ok', probe, recipient, slot}
"""


class RedisPacer:
    """Pacing state in Redis, shared by every worker process on every machine."""

    def __init__(self, connection):
        self.connection = connection
        self._script = connection.register_script(_RESERVE)
        self._book = connection.register_script(_BOOK)
        self.round_trip = RoundTrip()

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

    def book(self, hold_key: str, recipient: Reservation | None, sender: Reservation | None, *,
             recipient_max_wait: float, now: float) -> Booking:
        """Look at the hold, then reserve the recipient's allowance and the sender's slot, in one script call."""
        # Unused keys still need a name: a script declares every key it may touch.
        keys = [hold_key, recipient.key if recipient else hold_key + ":none", sender.key if sender else hold_key + ":none"]
        answer = self._book(keys=keys, args=[
            f"{now:.6f}", KEY_GRACE_SECONDS * 1000,
            1 if recipient else 0, f"{recipient.increment:.6f}" if recipient else 0,
            f"{recipient.tolerance:.6f}" if recipient else 0, f"{recipient_max_wait:.6f}",
            1 if sender else 0, f"{sender.increment:.6f}" if sender else 0, f"{sender.tolerance:.6f}" if sender else 0,
        ])
        kind, *rest = [part.decode() if isinstance(part, bytes) else str(part) for part in answer]
        if kind == "held":
            return Booking(held_until=float(rest[0]))
        probe, recipient_start = rest[0] == "1", float(rest[1]) if rest[1] else None
        slot = float(rest[2]) if len(rest) > 2 and rest[2] else None
        return Booking(probe=probe, recipient_start=recipient_start, sender_slot=slot)


def sender_interval(rate_per_second: float) -> float:
    """Seconds one segment occupies a sender at the given rate."""
    return 1.0 / rate_per_second if rate_per_second > 0 else 0.0


def slot_interval(rate_per_second: float) -> float:
    """Seconds between two sender slots for one segment: the rate's interval, with the margin."""
    return sender_interval(rate_per_second) * SLOT_SPACING


def recipient_interval(burst: int, window_seconds: float) -> float:
    """Seconds one message occupies a recipient's allowance: `burst` of them per window."""
    return window_seconds / burst if burst > 0 else 0.0

