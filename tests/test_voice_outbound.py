"""Calls back to people who cannot get texts: the same outbox, pacing and retries as SMS."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hotline import asks, rides, volunteers
from hotline.models import Ask, Contact, InboundMessage, Ride
from hotline.outbound.notify import notify, wants_calls

from .conftest import PUBLIC_URL, sign
from .fake_twilio import CALL_PARAMS

RESIDENT = "+15553334444"
COORDINATOR = "+16175559999"


@pytest.fixture
def backend():
    return "inprocess"


def resident(harness, *, only_called=False, landline=False, language="es") -> None:
    with harness.db.session() as session:
        contact = Contact(phone=RESIDENT, language=language,
                          sms_unusable="30006 landline or unreachable carrier" if landline else None)
        session.add(contact)
        session.flush()
        if only_called:
            session.add(InboundMessage(message_sid="CAx:0", contact_id=contact.id, channel="voice",
                                       body="start"))


def post(harness, url: str, form: dict):
    path = url.removeprefix(PUBLIC_URL)
    return harness.client.post(path, data=form, headers={"X-Twilio-Signature": sign(url, form)})


def twiml(response) -> ET.Element:
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def test_someone_who_only_ever_called_is_called_not_texted(harness):
    resident(harness, only_called=True)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        assert wants_calls(session, contact)
        row_id = notify(session, contact, "Dana will help. Text us back.", spoken="Dana will help.", kind="claimed").id
    harness.run_jobs()
    row = harness.row(row_id)
    assert row.channel == "call" and row.status == "queued" and row.twilio_sid.startswith("CA")
    call = harness.fake.calls_to(RESIDENT)[0]
    params = harness.fake.call_params[call["sid"]]
    assert set(params) <= CALL_PARAMS
    assert params["Url"] == f"{PUBLIC_URL}/twilio/voice/notify?o={row_id}"
    assert params["StatusCallback"] == f"{PUBLIC_URL}/twilio/voice/status"
    # When the person picks up, Twilio asks what to say: the spoken wording, in their language.
    said = twiml(post(harness, params["Url"], {"CallSid": call["sid"], "From": "+15550001111", "To": RESIDENT}))
    say = said.find("Say")
    assert say.text == "Dana will help." and say.get("language") == "es-US"
    assert said.find("Hangup") is not None


def test_someone_who_texts_is_texted(harness):
    resident(harness)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        assert not wants_calls(session, contact)
        assert notify(session, contact, "hello", kind="claimed").channel == "sms"


def test_a_text_that_fails_as_a_landline_is_placed_again_as_a_call(harness):
    resident(harness)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        row_id = notify(session, contact, "Dana will help. Reply 1 or 2.", spoken="Dana will help.", kind="claimed").id
    harness.run_jobs()
    harness.callback(harness.row(row_id).twilio_sid, "undelivered", 30006)
    harness.run_jobs()
    assert harness.contact(RESIDENT).sms_unusable.startswith("30006")
    calls = [r for r in harness.rows() if r.channel == "call"]
    assert len(calls) == 1 and calls[0].body == "Dana will help." and calls[0].status == "queued"
    # From now on this number is called straight away.
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        assert notify(session, contact, "Another update", kind="update").channel == "call"


def test_an_unanswered_call_is_tried_again_then_the_coordinators_are_told(harness):
    from dataclasses import replace

    harness.hotline.settings = replace(harness.hotline.settings, coordinator_phones=(COORDINATOR,))
    resident(harness, only_called=True)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        row_id = notify(session, contact, "Dana will help.", kind="claimed").id
    harness.run_jobs()
    for attempt in range(1, 4):
        sid = harness.row(row_id).twilio_sid
        path, form, headers = harness.fake.call_callback(sid, "no-answer")
        assert harness.client.post(path, data=form, headers=headers).status_code == 204
        harness.run_jobs()
        if attempt < 3:
            assert harness.row(row_id).status == "pending"
            harness.later(9 * 60)
            assert len(harness.fake.calls_to(RESIDENT)) == attempt  # not before ten minutes
            harness.later(61)
            assert len(harness.fake.calls_to(RESIDENT)) == attempt + 1
    row = harness.row(row_id)
    assert row.status == "failed" and "no answer after 3 calls" in row.reason
    alerts = [r for r in harness.rows() if r.to == COORDINATOR]
    assert len(alerts) == 1 and "nobody answered our calls" in alerts[0].body


def test_an_answered_call_is_delivered(harness):
    resident(harness, only_called=True)
    with harness.db.session() as session:
        row_id = notify(session, session.scalars(select(Contact)).one(), "Hello", kind="update").id
    harness.run_jobs()
    sid = harness.row(row_id).twilio_sid
    for status in ("ringing", "in-progress", "completed"):
        path, form, headers = harness.fake.call_callback(sid, status)
        harness.client.post(path, data=form, headers=headers)
    assert harness.row(row_id).status == "delivered"


def book_claimed_ride(harness) -> int:
    with harness.db.session() as session:
        rider = session.scalars(select(Contact).where(Contact.phone == RESIDENT)).one()
        ride = rides.book(session, rider, pickup="12 Elm St", destination="Clinic", local_time="2026-12-03T15:00",
                          time_zone="America/New_York", language="es")
        rides.transition(ride, rides.CLAIMED)
        return ride.id


@pytest.mark.parametrize("key", ["1", "2"])
def test_a_reminder_call_is_answered_with_1_to_confirm_and_2_to_cancel(harness, key):
    resident(harness, only_called=True)
    ride_id = book_claimed_ride(harness)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        question = asks.ask(session, contact, "ride_rider", ride_id, datetime.now(timezone.utc), hours=24)
        session.flush()
        notify(session, contact, "Recordatorio. Responda 1 o 2.", spoken="Recordatorio: su viaje es mañana.",
               kind="reminder", ask_id=question.id)
    harness.run_jobs()
    url = harness.fake.call_params[harness.fake.calls_to(RESIDENT)[0]["sid"]]["Url"]
    said = twiml(post(harness, url, {"CallSid": "CA1", "From": "+15550001111", "To": RESIDENT}))
    gather = said.find("Gather")
    assert gather is not None and gather.get("numDigits") == "1"
    assert [s.text for s in gather.iter("Say")] == ["Recordatorio: su viaje es mañana.",
                                                   "Oprima 1 para confirmar, o 2 para cancelar."]
    answered = twiml(post(harness, gather.get("action"), {"CallSid": "CA1", "Digits": key, "From": "+15550001111",
                                                         "To": RESIDENT}))
    assert answered.find("Hangup") is not None
    with harness.db.session() as session:
        ride = session.get(Ride, ride_id)
        if key == "1":
            assert ride.rider_confirmed_at is not None and ride.status == rides.CLAIMED
            assert "confirmado" in answered.find("Say").text
        else:
            assert ride.status == rides.CANCELLED
            assert "cancelado" in answered.find("Say").text
        assert session.get(Ask, question.id).answer == key


def test_a_call_for_a_question_already_answered_only_says_its_words(harness):
    resident(harness, only_called=True)
    ride_id = book_claimed_ride(harness)
    with harness.db.session() as session:
        contact = session.scalars(select(Contact)).one()
        question = asks.ask(session, contact, "ride_rider", ride_id, datetime.now(timezone.utc), hours=24)
        session.flush()
        question.answered_at = datetime.now(timezone.utc)
        row_id = notify(session, contact, "x", spoken="Recordatorio.", kind="reminder", ask_id=question.id).id
    harness.run_jobs()
    said = twiml(post(harness, f"{PUBLIC_URL}/twilio/voice/notify?o={row_id}", {"CallSid": "CA1"}))
    assert said.find("Gather") is None and said.find("Hangup") is not None


def test_call_webhooks_are_signed_and_check_their_input(harness):
    assert harness.client.post("/twilio/voice/notify?o=1", data={"CallSid": "CA1"}).status_code == 403
    assert post(harness, f"{PUBLIC_URL}/twilio/voice/notify", {"CallSid": "CA1"}).status_code == 400
    assert post(harness, f"{PUBLIC_URL}/twilio/voice/status", {"CallStatus": "completed"}).status_code == 400
    unknown = twiml(post(harness, f"{PUBLIC_URL}/twilio/voice/notify?o=999", {"CallSid": "CA1"}))
    assert unknown.find("Hangup") is not None


def test_a_ride_reminder_reaches_a_landline_rider_by_phone(harness):
    """The whole path: a claimed ride's reminder for a rider whose number takes no texts is a call."""
    from hotline.dispatch import reminders

    resident(harness, landline=True)
    with harness.db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone="+16175557001", first_name="Dana", skills="driving", areas="*", consent_method="t", status="active"))
    ride_id = book_claimed_ride(harness)
    with harness.db.session() as session:
        ride = session.get(Ride, ride_id)
        due = reminders.due_times(harness.hotline.settings, ride)[reminders.EVENING]
    harness.clock.move_to(due + timedelta(minutes=1))
    with harness.db.session() as session:
        assert reminders.run(session, harness.hotline.settings, ride_id, reminders.EVENING, None,
                             datetime.now(timezone.utc)) == "sent"
    harness.run_jobs()
    to_rider = [r for r in harness.rows() if r.to == RESIDENT]
    assert [r.channel for r in to_rider] == ["call"]
    assert "Recordatorio" in to_rider[0].body and "Responda" not in to_rider[0].body
