"""Pacing: per sender (segments a second, shared through Redis) and per recipient (a burst cap)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from hotline.outbound.pacing import MemoryPacer, RedisPacer, recipient_interval, sender_interval

VOLUNTEER = "+15557654321"


@pytest.fixture(params=["memory", "redis"])
def pacer(request):
    if request.param == "memory":
        return MemoryPacer()
    return RedisPacer(request.getfixturevalue("redis_conn"))


def test_sender_reservations_are_spaced_by_their_segments(pacer):
    t0 = 1_800_000_000.0
    starts = [pacer.reserve("s", cost=cost, interval=1.0, burst=1, now=t0) for cost in (1, 3, 1, 2)]
    assert starts == [t0, t0 + 1, t0 + 4, t0 + 5]


def test_a_sender_idle_for_a_while_starts_again_at_once(pacer):
    t0 = 1_800_000_000.0
    pacer.reserve("s", cost=1, interval=1.0, burst=1, now=t0)
    assert pacer.reserve("s", cost=1, interval=1.0, burst=1, now=t0 + 30) == t0 + 30


def test_recipient_burst_goes_through_then_the_rest_wait_their_turn(pacer):
    t0 = 1_800_000_000.0
    interval = recipient_interval(3, 60)
    starts = [pacer.reserve("r", cost=1, interval=interval, burst=3, now=t0) for _ in range(5)]
    assert starts == [t0, t0, t0, t0 + 20, t0 + 40]


def test_pacing_state_is_shared_by_every_worker_through_redis(redis_conn):
    t0 = 1_800_000_000.0
    workers = [RedisPacer(redis_conn), RedisPacer(redis_conn)]
    starts = [workers[n % 2].reserve("hotline:pace:sender:+15550001111", cost=1, interval=0.5, burst=1, now=t0)
              for n in range(6)]
    assert starts == [t0 + 0.5 * n for n in range(6)]


def _windows_hold(sends: list[tuple[float, int]], rate: float) -> bool:
    """Tell whether every send starts after the previous one's segments have had their time."""
    sends = sorted(sends)
    return all(later[0] - earlier[0] >= earlier[1] / rate - 1e-6 for earlier, later in zip(sends, sends[1:]))


@pytest.mark.parametrize("rate", [1.0, 4.0])
def test_pacing_never_exceeds_the_configured_rate(harness, rate):
    harness.hotline.settings = replace(harness.settings, sms_rate_per_second=rate)
    bodies = ["Short offer", "word " * 70, "Another short one", "Ñandú " * 30] * 4
    ids = [harness.queue(f"+1555700{n:04d}", body) for n, body in enumerate(bodies)]
    harness.settle(600)
    rows = [harness.row(i) for i in ids]
    assert all(row.status == "queued" for row in rows)
    assert len(harness.fake.requests) == len(bodies)
    sends = [(row.sender_slot_at.timestamp(), row.segments) for row in rows]
    assert _windows_hold(sends, rate)
    # The whole batch took at least its segments' worth of time at that rate.
    total_segments = sum(row.segments for row in rows)
    span = max(s for s, _ in sends) - min(s for s, _ in sends)
    assert span >= (total_segments - sends[-1][1]) / rate - 1e-6
    # And Twilio never got a request before its slot.
    received = sorted(t for t, _ in harness.fake.requests)
    assert all(got >= slot - 1e-3 for got, slot in zip(received, sorted(s for s, _ in sends)))


def test_messages_over_the_recipient_cap_wait_instead_of_vanishing(harness):
    settings = harness.settings
    ids = [harness.queue(VOLUNTEER, f"Update {n}") for n in range(settings.recipient_burst + 2)]
    harness.run_jobs()
    statuses = [harness.row(i).status for i in ids]
    assert statuses.count("queued") == settings.recipient_burst
    assert statuses.count("pending") == 2
    harness.settle(settings.recipient_window_seconds * 2)
    assert [harness.row(i).status for i in ids] == ["queued"] * len(ids)
    slots = sorted(harness.row(i).recipient_slot_at.timestamp() for i in ids)
    step = recipient_interval(settings.recipient_burst, settings.recipient_window_seconds)
    assert slots[-1] - slots[0] >= 2 * step - 1e-3


def test_replies_are_exempt_from_the_recipient_cap(harness):
    burst = harness.settings.recipient_burst
    ids = [harness.queue(VOLUNTEER, f"Answer {n}", reply=True) for n in range(burst + 3)]
    harness.settle(15)
    assert [harness.row(i).status for i in ids] == ["queued"] * len(ids)
    assert all(harness.row(i).recipient_slot_at is None for i in ids)


def test_sender_interval_follows_the_configured_rate():
    assert sender_interval(1.0) == 1.0
    assert sender_interval(4.0) == 0.25


def _busiest_second(moments: list[float]) -> int:
    """The most moments in any one-second window [t, t + 1)."""
    moments = sorted(moments)
    return max((sum(1 for later in moments[i:] if later < start + 1) for i, start in enumerate(moments)), default=0)


@pytest.mark.parametrize("rate", [5.0, 1.0])
def test_no_second_at_twilio_holds_more_texts_than_the_rate_even_when_sends_run_late(
        request, backend, twilio_settings, fake_twilio, rate):
    import itertools

    from .harness import Harness

    redis = request.getfixturevalue("redis_conn") if backend == "rq" else None
    settings = replace(twilio_settings, sms_rate_per_second=rate)
    # The clock moves only by the waits, so the fake's receive times are the hotline's own clock.
    with Harness(settings, fake_twilio, redis=redis, tick=False) as harness:
        # A loaded machine: waits overrun by a few milliseconds, and now and then by far more.
        overruns = itertools.cycle([0.0, 0.015, 0.005, 0.01, 0.0, 0.3, 0.012, 0.018])
        harness.hotline.sleep = lambda seconds: harness.clock.shift(seconds + next(overruns))
        ids = [harness.queue(f"+1555900{n:04d}", f"Offer {n}") for n in range(30)]
        harness.settle(120)
        assert [harness.row(i).status for i in ids] == ["queued"] * len(ids)
        received = [moment for moment, _ in harness.fake.requests]
    assert len(received) == len(ids)
    assert _busiest_second(received) == int(rate)


@pytest.mark.parametrize("delay", [0.05, 0.3])
def test_a_slow_round_trip_to_the_pacing_store_leaves_no_text_unsent(
        request, backend, twilio_settings, fake_twilio, delay):
    import itertools

    from .harness import Harness

    redis = request.getfixturevalue("redis_conn") if backend == "rq" else None
    settings = replace(twilio_settings, sms_rate_per_second=1.0)
    with Harness(settings, fake_twilio, redis=redis, tick=False) as harness:
        # Every booking answers `delay` seconds after it was asked (a loaded machine, a far Redis).
        book = harness.hotline.pacer.book

        def slow_book(*args, **kwargs):
            booking = book(*args, **kwargs)
            harness.clock.shift(delay)
            return booking

        harness.hotline.pacer.book = slow_book
        # Waits overrun a little, as they do on a busy machine.
        overruns = itertools.cycle([0.0, 0.01, 0.004])
        harness.hotline.sleep = lambda seconds: harness.clock.shift(seconds + next(overruns))
        later = datetime.now(timezone.utc) + timedelta(seconds=30)
        ids = [harness.queue(f"+1555910{n:04d}", body) for n, body in enumerate(["Short offer", "word " * 70] * 3)]
        ids += [harness.queue(f"+1555920{n:04d}", "word " * 70, kind="reminder", send_after=later) for n in range(3)]
        ids += [harness.queue(VOLUNTEER, f"Update {n}") for n in range(settings.recipient_burst + 1)]
        harness.settle(600)
        assert [harness.row(i).status for i in ids] == ["queued"] * len(ids)
        received = [moment for moment, _ in harness.fake.requests]
    assert len(received) == len(ids)
    assert _busiest_second(received) == 1
