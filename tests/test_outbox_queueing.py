"""The transactional outbox: rows commit with their cause, are enqueued after commit, and are never lost."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from .conftest import Phone
from .fake_twilio import closed_port
from hotline.models import Contact, Need, OutboxMessage
from hotline.outbound.outbox import queue_sms
from hotline.background.queue import RQQueue
from hotline.services import redis_from_url

VOLUNTEER = "+15557654321"


def queued_jobs(harness) -> int:
    if harness.backend == "rq":
        return harness.hotline.queue.rq.count + harness.hotline.queue.rq.scheduled_job_registry.count
    return len(harness.hotline.queue.pending())


def test_row_is_enqueued_only_after_its_transaction_commits(harness):
    with harness.db.session() as session:
        row = queue_sms(session, VOLUNTEER, "Can you help Saturday?", kind="offer")
        assert row.id is not None
        assert queued_jobs(harness) == 0
    assert queued_jobs(harness) == 1
    harness.run_jobs()
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_texts_committed_one_after_another_wait_for_one_job_and_all_go_out(harness):
    ids = [harness.queue(f"+1555600{n:04d}", f"Offer {n}") for n in range(20)]
    assert queued_jobs(harness) == 1
    harness.run_jobs()
    assert [harness.row(i).status for i in ids] == ["queued"] * 20
    assert len(harness.fake.requests) == 20


def test_rolled_back_transaction_leaves_no_row_and_enqueues_nothing(harness):
    with pytest.raises(RuntimeError):
        with harness.db.session() as session:
            queue_sms(session, VOLUNTEER, "Can you help Saturday?", kind="offer")
            raise RuntimeError("the change that caused it failed")
    assert queued_jobs(harness) == 0
    assert harness.rows() == []
    harness.settle(600)
    assert harness.fake.requests == []


def test_row_is_written_in_the_same_transaction_as_its_cause(harness):
    with harness.db.session() as session:
        contact = Contact(phone="+15551112222")
        session.add(contact)
        session.flush()
        need = Need(ref="123456", contact=contact, category="food", language="en", status="open")
        session.add(need)
        session.flush()
        row = queue_sms(session, VOLUNTEER, "Food run near Elm St?", kind="offer", need_id=need.id, meta={"wave": 1})
        outbox_id = row.id
    row = harness.row(outbox_id)
    assert row.need_id is not None and row.meta == {"wave": 1} and row.kind == "offer" and row.channel == "sms"


def test_queue_sms_takes_a_contact_or_a_number_and_finds_or_creates_the_contact(harness):
    first = harness.queue(VOLUNTEER)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == VOLUNTEER)).one()
        second = queue_sms(session, contact, "Thanks!", kind="claimed").id
    assert harness.row(first).contact_id == harness.row(second).contact_id


def test_queue_sms_refuses_what_it_cannot_send(harness):
    with harness.db.session() as session:
        with pytest.raises(ValueError):
            queue_sms(session, "555-1234", "hi", kind="offer")
        with pytest.raises(ValueError):
            queue_sms(session, VOLUNTEER, "hi", kind="offer", send_after=datetime(2030, 1, 1))


def test_default_time_to_live_applies_when_none_is_given(harness):
    row = harness.row(harness.queue(VOLUNTEER))
    hours = harness.settings.outbox_default_ttl_hours
    assert row.expires_at - row.created_at == timedelta(hours=hours)


def _redis_down(harness):
    """Point the queue at a Redis nobody answers on (or break the in-process queue)."""
    if harness.backend == "rq":
        return RQQueue(redis_from_url(f"redis://127.0.0.1:{closed_port()}/0"))

    class Broken:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue unavailable")

        enqueue_at = enqueue_in = enqueue

        def close(self):
            pass

    return Broken()


def test_webhook_still_answers_when_redis_is_down_and_the_sweep_sends_the_message_once_it_is_back(harness):
    working = harness.hotline.queue
    harness.hotline.queue = _redis_down(harness)
    reply = Phone(harness.client, "+15551234567").text("hello")
    assert "English" in reply
    outbox_id = harness.queue(VOLUNTEER, "Your helper is on the way.", kind="claimed")
    assert harness.row(outbox_id).status == "pending"
    harness.hotline.queue = working
    harness.run_jobs()
    assert harness.fake.requests == []
    # Nothing was enqueued; the sweep finds the row once it has waited too long.
    harness.clock.shift(harness.settings.outbox_stale_seconds + 1)
    harness.sweep()
    harness.settle(600)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1
    # Further sweeps find nothing to do.
    harness.clock.shift(harness.settings.outbox_stale_seconds * 3)
    harness.sweep()
    harness.settle(600)
    assert len(harness.fake.requests) == 1


def test_many_messages_queued_while_redis_is_down_are_each_delivered_once(harness):
    working = harness.hotline.queue
    harness.hotline.queue = _redis_down(harness)
    ids = [harness.queue(f"+1555600{n:04d}", f"Offer {n}") for n in range(5)]
    harness.hotline.queue = working
    harness.clock.shift(harness.settings.outbox_stale_seconds + 1)
    for _ in range(3):
        harness.sweep()
    harness.settle(600)
    assert [harness.row(i).status for i in ids] == ["queued"] * 5
    assert len(harness.fake.requests) == 5


def test_message_that_waited_out_an_outage_past_its_time_to_live_expires_unsent(harness):
    working = harness.hotline.queue
    harness.hotline.queue = _redis_down(harness)
    outbox_id = harness.queue(VOLUNTEER, "Ride reminder: 3pm", kind="reminder", ttl=timedelta(minutes=30))
    harness.hotline.queue = working
    harness.clock.shift(3 * 3600)
    harness.sweep()
    harness.settle(600)
    assert harness.row(outbox_id).status == "expired"
    assert harness.fake.requests == []


def test_worker_killed_mid_send_after_twilio_took_the_message_is_reconciled_and_not_sent_again(harness):
    real = harness.hotline.transport

    class KilledAfterSending:
        name, sender, paced = real.name, real.sender, real.paced

        def send_sms(self, to, body, *, status_callback):
            # Killed once the request has left, whether or not Twilio's answer came back in time
            # (on a loaded machine the fake's answer can outlast the tests' 0.5 s timeout).
            try:
                real.send_sms(to, body, status_callback=status_callback)
            finally:
                raise KeyboardInterrupt("worker killed")  # noqa: B012 - the kill is the point

    harness.hotline.transport = KilledAfterSending()
    outbox_id = harness.queue(VOLUNTEER)
    from hotline.outbound.delivery import deliver

    with harness.app.app_context(), pytest.raises(KeyboardInterrupt):
        deliver(outbox_id)
    assert harness.row(outbox_id).status == "submitting"
    harness.hotline.transport = real
    harness.clock.shift(harness.settings.outbox_stale_seconds + harness.settings.twilio_timeout_seconds + 1)
    harness.sweep()
    harness.settle(600)
    [message] = harness.fake.sent_to(VOLUNTEER)
    row = harness.row(outbox_id)
    assert row.status == "queued" and row.twilio_sid == message["sid"]
    assert len(harness.fake.requests) == 1


def test_worker_killed_before_the_request_left_is_sent_once_after_checking(harness):
    real = harness.hotline.transport

    class KilledBeforeSending:
        name, sender, paced = real.name, real.sender, real.paced

        def send_sms(self, to, body, *, status_callback):
            raise KeyboardInterrupt("worker killed")

    harness.hotline.transport = KilledBeforeSending()
    outbox_id = harness.queue(VOLUNTEER)
    from hotline.outbound.delivery import deliver

    with harness.app.app_context(), pytest.raises(KeyboardInterrupt):
        deliver(outbox_id)
    harness.hotline.transport = real
    harness.clock.shift(harness.settings.outbox_stale_seconds + harness.settings.twilio_timeout_seconds + 1)
    harness.sweep()
    harness.settle(600)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_sweep_leaves_rows_that_are_waiting_on_purpose_alone(harness):
    scheduled = harness.queue(VOLUNTEER, "Later", send_after=datetime.now().astimezone() + timedelta(hours=1))
    harness.clock.shift(harness.settings.outbox_stale_seconds + 1)
    harness.sweep()
    assert harness.row(scheduled).status == "pending"
    assert harness.fake.requests == []
    with harness.db.session() as session:
        assert session.scalars(select(OutboxMessage.next_attempt_at)).one() > datetime.now().astimezone()


def test_health_check_reports_redis_down_but_the_hotline_keeps_serving(harness):
    if harness.backend != "rq":
        pytest.skip("RQ only")
    from hotline.background.worker import make_worker

    make_worker(harness.hotline).register_birth()
    assert harness.client.get("/healthz").get_json() == {
        "status": "ok", "database": "ok", "redis": "ok", "workers": 1, "backlog": 0, "backlog_age_seconds": 0}
    harness.hotline.redis = redis_from_url(f"redis://127.0.0.1:{closed_port()}/0")
    response = harness.client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable", "backlog": 0,
                                   "backlog_age_seconds": 0}
