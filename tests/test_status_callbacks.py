"""POST /twilio/status: signed, deduped, forward-only, whatever order Twilio's callbacks come in."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from hotline.outbound import events
from hotline.outbound.delivery import record_status
from hotline.models import DeliveryReport
from hotline.outbound.transports import Sent

VOLUNTEER = "+15557654321"


@pytest.fixture
def backend():
    """Callbacks do not depend on the queue: one backend is enough here."""
    return "rq"


@pytest.fixture
def sent(harness):
    """A message Twilio has accepted: (harness, row id, sid)."""
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    return harness, outbox_id, harness.row(outbox_id).twilio_sid


@pytest.fixture
def failures():
    seen = []

    def handler(session, *, message):
        seen.append((message.id, message.status, message.error_code))

    events.subscribe(events.DELIVERY_FAILED, handler)
    yield seen
    events.unsubscribe(events.DELIVERY_FAILED, handler)


def test_status_callbacks_only_move_a_row_forward_whatever_their_order(harness):
    orders = list(itertools.permutations(["queued", "sending", "sent", "delivered"]))
    ids = [harness.queue(f"+1555765{n:04d}") for n in range(len(orders))]
    harness.settle(120)
    for outbox_id, order in zip(ids, orders):
        sid = harness.row(outbox_id).twilio_sid
        for status in order:
            assert harness.callback(sid, status).status_code == 204
        assert harness.row(outbox_id).status == "delivered", order


def test_row_follows_callbacks_forward_one_step_at_a_time(sent):
    harness, outbox_id, sid = sent
    seen = []
    for status in ["sending", "queued", "sent", "sending", "delivered", "sent"]:
        harness.callback(sid, status)
        seen.append(harness.row(outbox_id).status)
    assert seen == ["sending", "sending", "sent", "sent", "delivered", "delivered"]


def test_repeated_status_callback_is_recorded_once(sent):
    harness, outbox_id, sid = sent
    for _ in range(3):
        assert harness.callback(sid, "delivered").status_code == 204
    with harness.db.session() as session:
        count = session.scalar(select(func.count()).select_from(DeliveryReport).where(DeliveryReport.message_sid == sid))
    assert count == 1


def test_unsigned_or_wrongly_signed_status_callback_is_refused(sent):
    harness, outbox_id, sid = sent
    path, form, headers = harness.fake.callback(sid, "delivered")
    assert harness.client.post(path, data=form).status_code == 403
    assert harness.client.post(path, data=form, headers={"X-Twilio-Signature": "forged"}).status_code == 403
    assert harness.client.post(path, data={**form, "MessageStatus": "failed"}, headers=headers).status_code == 403
    assert harness.row(outbox_id).status == "queued"


def test_status_callback_without_a_sid_is_a_bad_request(harness):
    from .conftest import PUBLIC_URL, sign

    form = {"MessageStatus": "sent"}
    response = harness.client.post(
        "/twilio/status", data=form, headers={"X-Twilio-Signature": sign(f"{PUBLIC_URL}/twilio/status", form)}
    )
    assert response.status_code == 400


def test_undelivered_message_records_the_error_code_and_raises_delivery_failed(sent, failures):
    harness, outbox_id, sid = sent
    harness.callback(sid, "sent")
    harness.callback(sid, "undelivered", 30003)
    row = harness.row(outbox_id)
    assert row.status == "undelivered" and row.error_code == 30003
    assert failures == [(outbox_id, "undelivered", 30003)]
    harness.callback(sid, "undelivered", 30003)
    assert len(failures) == 1


def test_failed_is_final_even_if_other_statuses_arrive_later(sent, failures):
    harness, outbox_id, sid = sent
    harness.callback(sid, "failed", 30008)
    harness.callback(sid, "sent")
    harness.callback(sid, "delivered")
    assert harness.row(outbox_id).status == "failed"
    assert len(failures) == 1


def test_landline_error_30006_marks_the_number_unable_to_receive_sms(sent, failures):
    harness, outbox_id, sid = sent
    harness.callback(sid, "undelivered", 30006)
    assert harness.contact(VOLUNTEER).sms_unusable.startswith("30006")
    later = harness.queue(VOLUNTEER)
    harness.run_jobs()
    assert harness.row(later).status == "skipped"
    assert len(harness.fake.requests) == 1


def test_callback_that_arrives_before_the_send_is_recorded_is_applied_afterwards(harness):
    sid = "SM" + "f" * 32

    class Racing:
        """Twilio answering so fast that its callbacks beat the recording of the send."""

        name, sender, paced = "twilio", "+15550001111", True

        def send_sms(self, to, body, *, status_callback):
            assert record_status(harness.db, sid, "sent") == "kept"
            assert record_status(harness.db, sid, "delivered") == "kept"
            return Sent(sid=sid, status="queued", segments=1, from_number=self.sender)

    harness.hotline.transport = Racing()
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    assert harness.row(outbox_id).status == "delivered"
