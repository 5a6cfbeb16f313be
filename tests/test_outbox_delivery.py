"""Delivering outbox rows through the real twilio Client to a fake Twilio on 127.0.0.1."""
from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import HOTLINE_NUMBER, PUBLIC_URL
from .fake_twilio import closed_port, dropped, error, slow, timeout_after_create, timeout_before_create
from sqlalchemy import select

from hotline.models import Contact
from hotline.outbound import events
from hotline.clock import now as utcnow
from hotline.outbound.delivery import deliver

VOLUNTEER = "+15557654321"


@pytest.fixture
def failures():
    """Every delivery_failed event raised during the test: (row id, status, reason)."""
    seen = []

    def handler(session, *, message):
        seen.append((message.id, message.status, message.reason))

    events.subscribe(events.DELIVERY_FAILED, handler)
    yield seen
    events.unsubscribe(events.DELIVERY_FAILED, handler)


def test_message_is_sent_through_twilio_with_status_callback_and_recorded(harness):
    outbox_id = harness.queue(VOLUNTEER, "Food run near Elm St? Reply 4821 to take it.")
    harness.run_jobs()
    [(_, params)] = harness.fake.requests
    assert params["To"] == VOLUNTEER
    assert params["From"] == HOTLINE_NUMBER
    assert params["Body"] == "Food run near Elm St? Reply 4821 to take it."
    assert params["StatusCallback"] == f"{PUBLIC_URL}/twilio/status"
    row = harness.row(outbox_id)
    [message] = harness.fake.sent_to(VOLUNTEER)
    assert row.twilio_sid == message["sid"]
    assert row.status == "queued"
    assert row.segments == 1
    assert row.attempts == 1
    assert row.from_number == HOTLINE_NUMBER


def test_long_message_records_the_segment_count_twilio_reports(harness):
    outbox_id = harness.queue(VOLUNTEER, "word " * 70)
    harness.run_jobs()
    assert harness.row(outbox_id).segments == 3


def test_row_already_sent_is_never_sent_again(harness):
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    with harness.app.app_context():
        assert deliver(outbox_id) == "already queued"
        assert deliver(outbox_id) == "already queued"
    from hotline.outbound.outbox import enqueue_now

    enqueue_now("deliver", outbox_id, job_id=f"deliver-{outbox_id}")
    enqueue_now("deliver", outbox_id, job_id="another-copy")
    harness.settle(600)
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_message_to_opted_out_number_is_never_sent(harness, failures):
    harness.make_contact(VOLUNTEER, opted_out=True)
    outbox_id = harness.queue(VOLUNTEER)
    harness.settle(600)
    assert harness.fake.requests == []
    row = harness.row(outbox_id)
    assert row.status == "skipped"
    assert row.reason == "recipient opted out"
    assert failures == [(outbox_id, "skipped", "recipient opted out")]


def test_recipient_who_opted_out_at_twilio_is_marked_and_never_retried(harness, failures):
    harness.fake.then(error(400, 21610))
    first = harness.queue(VOLUNTEER)
    harness.settle(600)
    row = harness.row(first)
    assert row.status == "failed" and row.error_code == 21610
    assert "opted out" in row.reason
    assert harness.contact(VOLUNTEER).opted_out
    assert len(harness.fake.requests) == 1
    second = harness.queue(VOLUNTEER)
    harness.settle(600)
    assert len(harness.fake.requests) == 1
    assert harness.row(second).status == "skipped"
    assert [status for _, status, _ in failures] == ["failed", "skipped"]


@pytest.mark.parametrize("code", [21211, 21614])
def test_number_that_cannot_take_sms_is_marked_unusable_and_not_retried(harness, failures, code):
    harness.fake.then(error(400, code))
    outbox_id = harness.queue(VOLUNTEER)
    harness.settle(600)
    assert len(harness.fake.requests) == 1
    row = harness.row(outbox_id)
    assert row.status == "failed" and row.error_code == code
    assert harness.contact(VOLUNTEER).sms_unusable.startswith(str(code))
    assert failures == [(outbox_id, "failed", row.reason)]
    later = harness.queue(VOLUNTEER)
    harness.settle(60)
    assert len(harness.fake.requests) == 1
    assert harness.row(later).status == "skipped"


def test_other_refusal_fails_the_message_without_marking_the_number(harness, failures):
    harness.fake.then(error(400, 21606))
    outbox_id = harness.queue(VOLUNTEER)
    harness.settle(600)
    assert harness.row(outbox_id).status == "failed"
    assert harness.contact(VOLUNTEER).sms_unusable is None
    assert len(harness.fake.requests) == 1


def test_rate_limits_and_server_errors_are_retried_with_backoff_then_sent_once(harness):
    harness.fake.then(error(429, 20429), error(500, 20500), error(503, 20503))
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    row = harness.row(outbox_id)
    assert row.status == "pending" and row.attempts == 1 and row.error_code == 20429
    assert row.next_attempt_at > utcnow() + timedelta(seconds=5)
    harness.settle(600)
    row = harness.row(outbox_id)
    assert row.status == "queued" and row.attempts == 4
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1
    assert len(harness.fake.requests) == 4


def test_refused_message_keeps_trying_until_its_time_to_live_runs_out_then_expires(harness, failures):
    harness.fake.then(*[error(500, 20500)] * 100)
    outbox_id = harness.queue(VOLUNTEER, ttl=timedelta(minutes=30))
    harness.settle(3600)
    harness.sweep()
    row = harness.row(outbox_id)
    assert row.status == "expired"
    # Waits double up to SEND_RETRY_MAX_SECONDS: a handful of tries in half an hour, not a hammering.
    assert 4 <= len(harness.fake.requests) <= 15
    assert failures == [(outbox_id, "expired", "not sent before it expired")]


def test_message_without_time_to_live_fails_after_the_safety_cap_of_tries(harness, failures):
    from dataclasses import replace

    harness.hotline.settings = replace(harness.settings, send_max_attempts=3, outbox_default_ttl_hours=0)
    harness.fake.then(*[error(500, 20500)] * 10)
    outbox_id = harness.queue(VOLUNTEER)
    harness.settle(3600)
    row = harness.row(outbox_id)
    assert row.status == "failed" and row.attempts == 3
    assert len(harness.fake.requests) == 3
    assert failures == [(outbox_id, "failed", row.reason)]


def test_refused_connection_is_retried_and_sent_when_twilio_is_back(harness):
    real = harness.hotline.transport
    from dataclasses import replace

    from hotline.outbound.transports import TwilioTransport

    harness.hotline.transport = TwilioTransport(
        replace(harness.settings, twilio_api_base_url=f"http://127.0.0.1:{closed_port()}")
    )
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    row = harness.row(outbox_id)
    assert row.status == "pending" and row.attempts == 1
    assert "could not connect" in row.reason
    harness.hotline.transport = real
    harness.settle(600)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_a_process_that_leaves_sending_to_workers_still_sends_when_it_must(harness):
    from hotline.outbound.transports import TwilioTransport

    real = harness.hotline.transport
    harness.hotline.transport = TwilioTransport(harness.settings, sends=False)
    try:
        assert "client" not in vars(harness.hotline.transport)  # nothing of Twilio's REST client loaded yet
        outbox_id = harness.queue(VOLUNTEER)
        harness.settle(600)
        assert harness.row(outbox_id).status == "queued"
        assert len(harness.fake.sent_to(VOLUNTEER)) == 1
    finally:
        harness.hotline.transport = real


def test_slow_answer_within_the_timeout_is_sent_once(harness):
    harness.fake.then(slow(0.1))
    outbox_id = harness.queue(VOLUNTEER)
    harness.settle(600)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.requests) == 1


def test_timeout_after_twilio_took_the_message_is_reconciled_not_sent_again(harness):
    harness.fake.then(timeout_after_create(1.0))
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    row = harness.row(outbox_id)
    assert row.status == "unknown"
    assert "checking Twilio" in row.reason
    harness.settle(600)
    [message] = harness.fake.sent_to(VOLUNTEER)
    row = harness.row(outbox_id)
    assert row.status == "queued"
    assert row.twilio_sid == message["sid"]
    assert len(harness.fake.requests) == 1


def test_timeout_before_twilio_took_the_message_is_sent_again_after_checking(harness):
    harness.fake.then(timeout_before_create(1.0))
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    assert harness.row(outbox_id).status == "unknown"
    harness.settle(600)
    [message] = harness.fake.sent_to(VOLUNTEER)
    row = harness.row(outbox_id)
    assert row.status == "queued" and row.twilio_sid == message["sid"]
    assert len(harness.fake.requests) == 2


def test_dropped_connection_is_held_for_reconciliation(harness):
    harness.fake.then(dropped())
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    assert harness.row(outbox_id).status == "unknown"
    harness.settle(600)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_reconciliation_ignores_an_identical_text_already_recorded_for_another_row(harness):
    body = "Reminder: ride at 3pm"
    first = harness.queue(VOLUNTEER, body)
    harness.run_jobs()
    harness.fake.then(timeout_before_create(1.0))
    second = harness.queue(VOLUNTEER, body)
    harness.settle(600)
    assert harness.row(first).twilio_sid != harness.row(second).twilio_sid
    assert len(harness.fake.sent_to(VOLUNTEER)) == 2


def test_expired_message_is_never_sent(harness, failures):
    outbox_id = harness.queue(VOLUNTEER, ttl=timedelta(minutes=5))
    harness.clock.shift(6 * 60)
    harness.settle(600)
    assert harness.fake.requests == []
    assert harness.row(outbox_id).status == "expired"
    assert failures == [(outbox_id, "expired", "not sent before it expired")]


def test_scheduled_message_waits_for_its_time_then_is_sent(harness):
    when = utcnow() + timedelta(hours=2)
    outbox_id = harness.queue(VOLUNTEER, "Your ride is in one hour.", kind="reminder", send_after=when)
    harness.settle(3600)
    assert harness.fake.requests == []
    assert harness.row(outbox_id).status == "pending"
    harness.settle(3700)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.requests) == 1
    assert harness.fake.requests[0][0] >= when.timestamp()


def test_recipient_who_opts_out_while_earlier_texts_go_out_is_not_texted(harness, failures):
    numbers = [f"+1555765{n:04d}" for n in range(5)]
    ids = [harness.queue(number, f"Offer {n}") for n, number in enumerate(numbers)]
    real = harness.hotline.transport

    class StopArrivesAfterTheFirstSend:
        name, sender, paced = real.name, real.sender, real.paced

        def send_sms(self, to, body, *, status_callback):
            sent = real.send_sms(to, body, status_callback=status_callback)
            if to == numbers[0]:
                with harness.db.session() as session:
                    session.scalars(select(Contact).where(Contact.phone == numbers[3])).one().opted_out = True
            return sent

    harness.hotline.transport = StopArrivesAfterTheFirstSend()
    harness.settle(60)
    assert [harness.row(i).status for i in ids] == ["queued", "queued", "queued", "skipped", "queued"]
    assert harness.fake.sent_to(numbers[3]) == []
    assert failures == [(ids[3], "skipped", "recipient opted out")]


def test_recipient_who_opts_out_while_their_text_waits_for_its_slot_is_not_texted(harness, failures, monkeypatch):
    from hotline.outbound import delivery

    numbers = [f"+1555766{n:04d}" for n in range(3)]
    ids = [harness.queue(number, f"Offer {n}") for n, number in enumerate(numbers)]
    real_book = delivery._book

    def stop_arrives_during_the_wait(hotline, job, segments, max_wait):
        slot = real_book(hotline, job, segments, max_wait)
        if job.to == numbers[1]:
            with harness.db.session() as session:
                session.scalars(select(Contact).where(Contact.phone == numbers[1])).one().opted_out = True
        return slot

    monkeypatch.setattr(delivery, "_book", stop_arrives_during_the_wait)
    harness.settle(60)
    assert [harness.row(i).status for i in ids] == ["queued", "skipped", "queued"]
    assert harness.fake.sent_to(numbers[1]) == []
    assert failures == [(ids[1], "skipped", "recipient opted out")]


def test_text_the_sweep_took_back_while_its_batch_was_sending_is_not_sent_again(harness, monkeypatch):
    from hotline.models import OutboxMessage
    from hotline.outbound import delivery

    numbers = [f"+1555767{n:04d}" for n in range(3)]
    ids = [harness.queue(number, f"Offer {n}") for n, number in enumerate(numbers)]
    real_book = delivery._book

    def the_sweep_finds_it_stuck_during_the_wait(hotline, job, segments, max_wait):
        slot = real_book(hotline, job, segments, max_wait)
        if job.to == numbers[1]:
            with harness.db.session() as session:
                session.get(OutboxMessage, job.id).status = "unknown"
        return slot

    monkeypatch.setattr(delivery, "_book", the_sweep_finds_it_stuck_during_the_wait)
    harness.settle(1)
    assert harness.fake.sent_to(numbers[1]) == []
    assert [len(harness.fake.sent_to(n)) for n in (numbers[0], numbers[2])] == [1, 1]
