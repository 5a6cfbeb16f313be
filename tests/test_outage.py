"""Outages end well: Twilio down for an hour, a hung Redis, a database connection lost mid-request,
and coordinators sending every message that failed in a period again."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from . import console
from .conftest import Phone
from .fake_twilio import Reply, error
from .harness import Harness
from .scenario import AFTERNOON, VOLUNTEER, add_volunteer, request_food
from hotline.background.queue import InProcessQueue
from hotline.cli import main
from hotline.clock import now as utcnow
from hotline.outbound.pacing import MemoryPacer
from hotline.models import AuditEntry, InboundMessage, OutboxMessage
from hotline.services import REDIS_OPTIONS, install

TWILIO_DOWN = Reply(status=503, code=20503, create=False)


# Twilio down for an hour ------------------------------------------------------------------


def test_hour_long_twilio_outage_ends_with_every_message_in_time_sent_once_in_order_and_paced(harness):
    harness.fake.down = TWILIO_DOWN
    numbers = [f"+1555700{n:04d}" for n in range(4)]
    in_time, stale = [], []
    for minute in range(0, 60, 5):
        # Twelve messages over the hour, to four people; some only worth sending for ten minutes.
        in_time.append(harness.queue(numbers[minute // 5 % 4], f"Message {minute}"))
        if minute < 40:
            stale.append(harness.queue(numbers[0], f"Soon stale {minute}", ttl=timedelta(minutes=10)))
        harness.settle(300)
        harness.sweep()
    refused = len(harness.fake.requests)
    assert harness.fake.messages == []
    # One try at a time while Twilio refuses, waits doubling up to five minutes: no hammering.
    assert refused <= 30
    came_back = time.time()
    harness.fake.down = None
    harness.settle(900)
    harness.sweep()

    bodies = [m["body"] for m in harness.fake.messages]
    assert bodies == [f"Message {minute}" for minute in range(0, 60, 5)]
    assert [harness.row(i).status for i in in_time] == ["queued"] * len(in_time)
    assert [harness.row(i).status for i in stale] == ["expired"] * len(stale)
    # Drained at the sender's pace (one segment a second), not all at once.
    slots = sorted(harness.row(i).sender_slot_at.timestamp() for i in in_time)
    assert all(later - earlier >= 0.99 for earlier, later in zip(slots, slots[1:]))
    sent_at = [at for at, params in harness.fake.requests[refused:]]
    assert sent_at[-1] - sent_at[0] >= len(in_time) - 2
    assert sent_at[0] - came_back <= harness.settings.send_retry_max_seconds + 5


def test_sends_wait_while_twilio_refuses_and_only_one_message_tries_when_the_wait_ends(harness):
    harness.fake.down = TWILIO_DOWN
    first = harness.queue("+15557000001", "First")
    harness.run_jobs()
    assert len(harness.fake.requests) == 1
    others = [harness.queue(f"+1555700{n:04d}", f"Next {n}") for n in range(2, 12)]
    harness.run_jobs()
    # The sender is held: none of the others asked Twilio.
    assert len(harness.fake.requests) == 1
    assert all(harness.row(i).reason.startswith("waiting for Twilio") for i in [first, *others])
    harness.settle(40)
    tried = [params["Body"] for _, params in harness.fake.requests]
    assert tried == ["First"] * len(tried) and len(tried) >= 2


# A hung Redis ------------------------------------------------------------------------------


@pytest.fixture
def hung_redis():
    """A local socket that accepts connections and never answers, like a paused Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except (socket.timeout, OSError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", accepted
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_webhook_answers_in_time_while_redis_hangs_and_the_sweep_delivers_later(
        twilio_settings, fake_twilio, hung_redis):
    url, accepted = hung_redis
    with Harness(replace(twilio_settings, redis_url=url), fake_twilio) as harness:
        harness.clock.move_to(AFTERNOON)
        add_volunteer(harness.db, VOLUNTEER, "Rosa")
        resident = Phone(harness.client, "+15551230000")
        answered = []
        original = resident.post

        def timed_post(*args, **kwargs):
            started = time.perf_counter()
            response = original(*args, **kwargs)
            answered.append(time.perf_counter() - started)
            return response

        resident.post = timed_post
        request_food(resident)
        # Each webhook waits for Redis at most its short web timeout (0.1 s; about 0.2 s a turn
        # here), never the worker's 10 s: the bound leaves room for a loaded machine and stays
        # far below both that and Twilio's 15 s.
        assert max(answered) < REDIS_OPTIONS["socket_timeout"] / 4
        # One timeout, then Redis is left alone: later requests do not each wait for it.
        assert len(accepted) <= 1
        with harness.db.session() as session:
            [offer] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "offer")).all()
        assert offer.status == "pending"
        # The worker's own queue and pacing work; the sweep finds the row nobody could enqueue.
        harness.hotline.queue = InProcessQueue(threads=0)
        harness.hotline.pacer = MemoryPacer()
        harness.clock.shift(harness.settings.outbox_stale_seconds + 1)
        harness.sweep()
        harness.settle(60)
        assert harness.row(offer.id).status == "queued"
        assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_web_process_leaves_a_failed_redis_alone_for_a_while(hung_redis):
    from hotline.background.queue import PausingQueue, QueueUnavailable, RQQueue
    from hotline.services import redis_from_url

    url, accepted = hung_redis
    moment = [1000.0]
    queue = PausingQueue(RQQueue(redis_from_url(url, timeout=0.1)), pause=30, clock=lambda: moment[0])
    with pytest.raises(Exception) as first:
        queue.enqueue("sweep_outbox")
    assert not isinstance(first.value, QueueUnavailable)
    with pytest.raises(QueueUnavailable):
        queue.enqueue("sweep_outbox")
    assert len(accepted) == 1
    moment[0] += 31
    with pytest.raises(Exception) as later:
        queue.enqueue("sweep_outbox")
    assert not isinstance(later.value, QueueUnavailable)


# A database connection lost mid-request -------------------------------------------------------


def _drop_connection(db, times: int = 1):
    """Make the next `times` statements fail the way a lost connection does."""
    engine = db.engine
    dialect = engine.dialect
    real = dialect.do_execute
    left = [times]

    def lost(cursor, statement, parameters, context=None):
        if left[0] > 0:
            left[0] -= 1
            if dialect.name == "postgresql":
                import psycopg

                raise psycopg.OperationalError("server closed the connection unexpectedly")
            import sqlite3

            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return real(cursor, statement, parameters, context)

    dialect.do_execute = lost
    return left


def test_text_whose_database_connection_drops_is_answered_and_stored_once(client, db, phone):
    left = _drop_connection(db)
    response = phone.post("hello", sid="SM" + "d" * 32)
    assert left == [0]
    assert response.status_code == 200
    assert "English" in response.get_data(as_text=True)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)
                              .where(InboundMessage.message_sid == "SM" + "d" * 32)) == 1


def test_connection_lost_twice_in_one_request_gives_500(client, db, phone):
    _drop_connection(db, times=2)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert phone.post("hello").status_code == 500
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_call_whose_database_connection_drops_is_answered(client, db, call):
    left = _drop_connection(db)
    answered = call("+15551234567")
    assert left == [0]
    assert answered.heard


# Sending every failed message of a period again ---------------------------------------------


@pytest.fixture
def backend():
    return "rq"


def _env(harness) -> dict:
    return {"DATABASE_URL": harness.settings.database_url, "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "",
            "REDIS_URL": "", "QUEUE_THREADS": "0", "HOTLINE_TIMEZONE": "UTC"}


def _failed_batch(harness, count: int = 3) -> list[int]:
    harness.fake.then(*[error(400, 21606)] * count)
    ids = [harness.queue(f"+1555800{n:04d}", f"Offer {n}") for n in range(count)]
    harness.settle(60)
    assert [harness.row(i).status for i in ids] == ["failed"] * count
    return ids


def test_outbox_retry_failed_since_queues_every_failed_message_of_the_period_and_they_are_sent(harness):
    old = _failed_batch(harness, 1)
    harness.clock.shift(3 * 3600)
    recent = _failed_batch(harness, 3)
    reminder = harness.queue("+15558009999", "Ride at 3", kind="reminder")
    with harness.db.session() as session:
        session.get(OutboxMessage, reminder).status = "expired"
    result = CliRunner().invoke(main, ["outbox", "retry", "--failed-since", "1h", "--kind", "offer"],
                                env=_env(harness))
    assert result.exit_code == 0, result.output
    assert "3 message(s) queued again" in result.output
    assert harness.row(old[0]).status == "failed" and harness.row(reminder).status == "expired"
    install(harness.hotline)
    harness.clock.shift(harness.settings.outbox_stale_seconds + 1)
    harness.sweep()
    harness.settle(60)
    assert [harness.row(i).status for i in recent] == ["queued"] * 3
    with harness.db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox_retry_all")).one()
        assert entry.after["count"] == 3 and entry.after["kind"] == "offer"


def test_outbox_retry_refuses_unreadable_times_and_mixed_arguments(harness):
    env = _env(harness)
    assert CliRunner().invoke(main, ["outbox", "retry", "--failed-since", "yesterday"], env=env).exit_code == 2
    assert CliRunner().invoke(main, ["outbox", "retry", "5", "--failed-since", "1h"], env=env).exit_code == 2
    assert CliRunner().invoke(main, ["outbox", "retry"], env=env).exit_code == 2
    until_before = ["outbox", "retry", "--failed-since", "2024-05-02", "--until", "2024-05-01"]
    assert CliRunner().invoke(main, until_before, env=env).exit_code == 2


def test_console_messages_page_lists_failed_messages_masked_and_a_coordinator_sends_them_again(harness):
    ids = _failed_batch(harness)
    client = console.signed_in(harness.app, harness.db, "coordinator")
    page = client.get("/messages")
    assert page.status_code == 200
    words = console.text(page)
    assert "***0000" in words and "+15558000000" not in page.get_data(as_text=True)
    assert "Send all these again" in words
    today = utcnow().astimezone(ZoneInfo(harness.settings.hotline_timezone)).date().isoformat()
    response = console.post(client, "/messages/retry", {"since": today}, follow=True)
    assert response.status_code == 200
    assert "Queued again: 3" in console.text(response)
    assert [harness.row(i).status for i in ids] == ["pending"] * 3
    harness.settle(60)
    assert [harness.row(i).status for i in ids] == ["queued"] * 3
    with harness.db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox_retry_all")).one()
        assert entry.actor == "coordinator@example.org" and entry.after["count"] == 3


def test_viewer_sees_failed_messages_but_cannot_send_them_again(harness):
    ids = _failed_batch(harness, 1)
    client = console.signed_in(harness.app, harness.db, "viewer")
    assert "Send all these again" not in console.text(client.get("/messages"))
    assert console.post(client, "/messages/retry", {}).status_code == 403
    assert harness.row(ids[0]).status == "failed"


def test_messages_page_refuses_a_date_that_is_not_one(harness):
    client = console.signed_in(harness.app, harness.db, "coordinator")
    assert client.get("/messages?since=soon").status_code == 400
    assert console.post(client, "/messages/retry", {"since": "2024-05-02", "until": "2024-05-01"}).status_code == 400
