"""The SMS webhook's guard rails: signatures, bad input, retries and concurrency."""
from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from hotline import create_app
from hotline.models import Contact, Conversation, InboundMessage

from .conftest import PUBLIC_URL, Phone, reply_text, sign


def count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_unsigned_request_is_refused_and_changes_nothing(client, db):
    response = client.post("/twilio/sms", data={"From": "+15551234567", "Body": "hi", "MessageSid": "SM1"})
    assert response.status_code == 403
    assert count(db, Contact) == 0 and count(db, InboundMessage) == 0


def test_wrongly_signed_request_is_refused(client, db):
    params = {"From": "+15551234567", "Body": "hi", "MessageSid": "SM1"}
    signature = sign(f"{PUBLIC_URL}/twilio/sms", {**params, "Body": "something else"})
    response = client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert count(db, Contact) == 0


def test_signature_made_for_another_host_is_refused(client):
    params = {"From": "+15551234567", "Body": "hi", "MessageSid": "SM1"}
    signature = sign("https://elsewhere.example.org/twilio/sms", params)
    response = client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_signature_covers_the_raw_query_string(client):
    params = {"From": "+15551234567", "Body": "hi", "MessageSid": "SMq"}
    query = "site=north%20side&x=%2F"
    signature = sign(f"{PUBLIC_URL}/twilio/sms?{query}", params)
    ok = client.post(f"/twilio/sms?{query}", data=params, headers={"X-Twilio-Signature": signature})
    assert ok.status_code == 200
    decoded = sign(f"{PUBLIC_URL}/twilio/sms?site=north side&x=/", params)
    refused = client.post(f"/twilio/sms?{query}", data=params, headers={"X-Twilio-Signature": decoded})
    assert refused.status_code == 403


def test_without_auth_token_signatures_are_not_required(settings):
    app = create_app(settings.__class__(**{**settings.__dict__, "twilio_auth_token": ""}))
    response = app.test_client().post("/twilio/sms", data={"From": "+15551234567", "Body": "hi"})
    assert response.status_code == 200
    app.extensions["hotline"].close()


def test_missing_from_is_a_bad_request(client, db):
    params = {"Body": "hi", "MessageSid": "SMnofrom"}
    response = client.post("/twilio/sms", data=params,
                           headers={"X-Twilio-Signature": sign(f"{PUBLIC_URL}/twilio/sms", params)})
    assert response.status_code == 400
    assert count(db, InboundMessage) == 0


def test_oversized_request_is_refused_with_413(client):
    params = {"From": "+15551234567", "Body": "x" * 200_000, "MessageSid": "SMbig"}
    response = client.post("/twilio/sms", data=params,
                           headers={"X-Twilio-Signature": sign(f"{PUBLIC_URL}/twilio/sms", params)})
    assert response.status_code == 413


def test_get_is_not_allowed(client):
    assert client.get("/twilio/sms").status_code == 405


@pytest.mark.parametrize("body", [
    "x" * 1600,
    "🍞🥛 need food 🙏🏽",
    "أحتاج إلى طعام لعائلتي",
    "שלום, אני צריך עזרה",
    "bad\x00bytes\x07and\x1bescapes\x0b\x0c here",
    "]]><Response><Say>hi</Say></Response><!--",
    "",
])
def test_awkward_bodies_get_well_formed_twiml(phone, body):
    phone.text("hi")
    phone.text("1")  # English
    response = phone.post(body)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    ET.fromstring(response.data)
    response = phone.post(body)  # and again in the intake
    assert response.status_code == 200
    ET.fromstring(response.data)


def test_invalid_utf8_in_the_form_gets_well_formed_twiml(settings):
    app = create_app(settings.__class__(**{**settings.__dict__, "twilio_auth_token": ""}))
    response = app.test_client().post(
        "/twilio/sms",
        data=b"From=%2B15551234567&Body=caf%E9+%FF%FE&MessageSid=SMbad",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    ET.fromstring(response.data)
    app.extensions["hotline"].close()


def test_control_characters_are_stripped_from_what_is_echoed(phone):
    phone.text("hi"); phone.text("1"); phone.text("1")
    phone.text("rice\x00\x07 and\x1b beans")
    check = phone.text("Main St\x0c")
    assert "rice and beans" in check or "rice  and beans" in check
    assert "\x00" not in check and "\x1b" not in check


@pytest.mark.parametrize("sender", ["ACME", "HOTLINE-ALERT", "12345", "898287", "+266696687", "anonymous"])
def test_senders_that_cannot_be_answered_get_empty_twiml_and_are_kept(client, db, sender):
    response = Phone(client, sender).post("hello")
    assert response.status_code == 200
    assert reply_text(response.data) == ""
    assert count(db, Contact) == 0
    with db.session() as session:
        kept = session.scalars(select(InboundMessage)).one()
        assert kept.body == "hello" and kept.contact_id is None


def test_unanswerable_sender_retry_is_kept_once(client, db):
    sender = Phone(client, "ACME")
    sender.post("hello", sid="SMacme")
    assert sender.post("hello", sid="SMacme").status_code == 200
    assert count(db, InboundMessage) == 1


def test_numbers_written_without_plus_are_the_same_contact(make_phone, db):
    make_phone("+15551234567").text("hi")
    make_phone("5551234567").text("1")
    assert count(db, Contact) == 1


def test_concurrent_messages_from_one_number_are_handled_one_after_the_other(app, db):
    """Eight texts at once: each is one step, none skipped, none repeated."""
    phone = Phone(app.test_client(), "+15557654321")
    phone.text("hi")  # the language menu
    phone.text("1")  # English, at the category menu
    phone.text("1")  # food, asks for details
    barrier = threading.Barrier(8)
    results: list[int] = []

    def send(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        results.append(Phone(client, "+15557654321").post(f"answer {i}", sid=f"SMconc{i}").status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8
    with db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        messages = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
        # details -> location -> confirm, then six answers that are no choice, each asked again
        assert conversation.flow == "intake" and conversation.step == "confirm"
        # home->language, language->intake, category->details, details->location, location->confirm
        assert conversation.version == 5
        assert len(messages) == 11
        replies = [m.reply for m in messages[3:]]
        assert sum("Where are you?" in r for r in replies) == 1
        assert sum(r.startswith("Please check") for r in replies) == 1
        assert sum("Sorry, I did not understand" in r for r in replies) == 6


def test_concurrent_first_texts_from_a_new_number_make_one_contact(app, db):
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def send(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(Phone(client, "+15550009999").post("hi", sid=f"SMfirst{i}").status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 6
    assert count(db, Contact) == 1 and count(db, Conversation) == 1


def test_concurrent_retries_of_one_message_are_answered_alike_and_stored_once(app, db):
    Phone(app.test_client(), "+15550008888").text("1")
    barrier = threading.Barrier(5)
    bodies: list[bytes] = []

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        bodies.append(Phone(client, "+15550008888").post("1", sid="SMsame").data)

    threads = [threading.Thread(target=send) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(bodies) == 5 and len(set(bodies)) == 1  # every retry answered, and alike
    assert count(db, InboundMessage) == 2


STEPS_TO_REACH = {
    "language menu": [],
    "category": ["hi", "1"],
    "details": ["hi", "1", "1"],
    "location": ["hi", "1", "1", "bread"],
    "confirm": ["hi", "1", "1", "bread", "Main St"],
    "home": ["hi", "1", "1", "bread", "Main St", "1"],
    "status": ["hi", "1", "1", "bread", "Main St", "1", "STATUS"],
}


@pytest.mark.parametrize("where", list(STEPS_TO_REACH))
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=400))
def test_any_body_at_any_step_answers_200_with_well_formed_twiml(app, where, body):
    # A fresh number per example keeps examples independent.
    import uuid

    number = "+1555" + str(uuid.uuid4().int)[:7]
    phone = Phone(app.test_client(), number)
    for text in STEPS_TO_REACH[where]:
        phone.text(text)
    response = phone.post(body)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    ET.fromstring(response.data)
