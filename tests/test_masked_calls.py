"""Masked calls from a need's page: the hotline rings the coordinator's own phone, then dials the
resident with the hotline's number as caller ID, so neither learns the other's number."""
from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline import bridges, needs
from hotline.i18n import Translator, languages
from hotline.i18n.spoken import speakable
from hotline.models import AuditEntry, Contact, Need, NeedEvent, OutboxMessage, User

from .conftest import HOTLINE_NUMBER, PUBLIC_URL, sign
from .console import add_user, csrf_token, post, sign_in, text
from .twiml_check import twiml_problems

RESIDENT = "+15553334444"
COORDINATOR_PHONE = "+16175559999"
EMAIL = "ana@example.org"


@pytest.fixture
def backend():
    return "inprocess"


def make_need(harness, *, language="es", opted_out=False) -> str:
    with harness.db.session() as session:
        contact = Contact(phone=RESIDENT, language=language, opted_out=opted_out)
        session.add(contact)
        session.flush()
        return needs.create(session, contact, category="food", details="groceries for 3", location="12 Elm St",
                            language=language).ref


def coordinator(harness, *, role="coordinator", phone=COORDINATOR_PHONE, email=EMAIL, language="en"):
    add_user(harness.db, email, role)
    with harness.db.session() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        user.phone, user.language = phone, language
    client = harness.app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def signed_post(harness, url: str, form: dict):
    return harness.client.post(url.removeprefix(PUBLIC_URL), data=form, headers={"X-Twilio-Signature": sign(url, form)})


def canonical(xml) -> str:
    return ET.canonicalize(xml if isinstance(xml, str) else xml.decode(), strip_text=True)


def said(code: str, message: str, **values) -> tuple[str, dict]:
    """What <Say> carries for a sentence of the voice catalog in a language with a voice."""
    lang = languages.REGISTRY[code]
    return speakable(Translator(code, "locales").pgettext("voice", message, **values)), {
        "language": lang.say_language, "voice": lang.say_voice}


def rows(harness, kind=bridges.BRIDGE) -> list[OutboxMessage]:
    with harness.db.session() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def events(harness, ref: str) -> list[tuple[str, str, str]]:
    with harness.db.session() as session:
        need = session.scalars(select(Need).where(Need.ref == ref)).one()
        return [(e.kind, e.note, e.actor) for e in session.scalars(
            select(NeedEvent).where(NeedEvent.need_id == need.id).order_by(NeedEvent.id)) if e.kind.startswith("call")]


def placed_call(harness):
    """The call Twilio was asked to place to the coordinator, and its parameters."""
    call = harness.fake.calls_to(COORDINATOR_PHONE)[-1]
    return call, harness.fake.call_params[call["sid"]]


def leg(harness, url: str, sid: str, **extra):
    form = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": HOTLINE_NUMBER, "To": COORDINATOR_PHONE,
            "Direction": "outbound-api", "CallStatus": "in-progress", **extra}
    response = signed_post(harness, url, form)
    assert response.status_code == 200 and response.mimetype == "text/xml", response.data
    assert twiml_problems(response.data, PUBLIC_URL) == []
    return response.data


def put_through(harness, ref: str) -> tuple[str, int]:
    """Click "Call the resident", let the outbox place the call; return its sid and outbox id."""
    client = coordinator(harness)
    response = post(client, f"/needs/{ref}/call")
    assert response.status_code == 302
    harness.run_jobs()
    call, _params = placed_call(harness)
    return call["sid"], rows(harness)[0].id


def test_the_coordinator_is_rung_first_then_put_through_to_the_resident_with_the_hotlines_number(harness):
    ref = make_need(harness)
    client = coordinator(harness)
    page = client.get(f"/needs/{ref}").get_data(as_text=True)
    assert "Call the resident" in page and "***9999" in page
    response = post(client, f"/needs/{ref}/call", follow=True)
    assert "The hotline is calling your phone now" in text(response)
    harness.run_jobs()

    # Twilio is asked to ring the coordinator's own phone, from the hotline's number; the address it
    # fetches the words from names the outbox row, never the resident.
    assert harness.fake.calls_to(RESIDENT) == []
    call, params = placed_call(harness)
    row = rows(harness)[0]
    assert params["From"] == HOTLINE_NUMBER and params["To"] == COORDINATOR_PHONE
    assert params["Url"] == f"{PUBLIC_URL}/twilio/voice/notify?o={row.id}"
    assert RESIDENT[1:] not in params["Url"] + params.get("StatusCallback", "")

    # The coordinator picks up: which request, in their language, and press 1.
    first = leg(harness, params["Url"], call["sid"])
    expected = VoiceResponse()
    gather = expected.gather(input="dtmf", num_digits=1, timeout=6,
                             action=f"{PUBLIC_URL}/twilio/voice/bridge/connect?o={row.id}")
    words, voice = said("en", "This is the hotline, calling for request %(ref)s. Press 1 to be put through to the "
                              "resident now. They will see the hotline's number, not yours.", ref=ref)
    gather.say(words, **voice)
    words, voice = said("en", "No key was pressed, so nobody was called. Goodbye.")
    expected.say(words, **voice)
    expected.hangup()
    assert canonical(first) == canonical(str(expected))
    assert RESIDENT[1:] not in first.decode()

    # They press 1: the resident is dialled with the hotline's number as caller ID.
    connect_url = ET.fromstring(first).find("Gather").get("action")
    second = leg(harness, connect_url, call["sid"], Digits="1")
    expected = VoiceResponse()
    words, voice = said("en", "Calling the resident now. Please stay on the line.")
    expected.say(words, **voice)
    dial = expected.dial(caller_id=HOTLINE_NUMBER, timeout=30, method="POST",
                         action=f"{PUBLIC_URL}/twilio/voice/bridge/done?o={row.id}")
    dial.number(RESIDENT, url=f"{PUBLIC_URL}/twilio/voice/bridge/resident?o={row.id}", method="POST")
    assert canonical(second) == canonical(str(expected))

    # The resident picks up and hears, in Spanish, who is on the line.
    whisper_url = ET.fromstring(second).find("Dial/Number").get("url")
    third = leg(harness, whisper_url, "CA" + "1" * 32, ParentCallSid=call["sid"], To=RESIDENT)
    expected = VoiceResponse()
    words, voice = said("es", "This is the mutual aid hotline. A coordinator is on the line about your request "
                              "%(ref)s.", ref=ref)
    expected.say(words, **voice)
    assert canonical(third) == canonical(str(expected))
    assert ET.fromstring(third).find("Say").get("language") == "es-US"

    # They talk for 3 minutes 12 seconds; Twilio reports how the resident's side ended.
    done_url = ET.fromstring(second).find("Dial").get("action")
    last = leg(harness, done_url, call["sid"], DialCallStatus="completed", DialCallDuration="192",
               DialCallSid="CA" + "1" * 32)
    assert canonical(last) == canonical("<Response><Hangup/></Response>")
    assert events(harness, ref) == [(bridges.ASKED, EMAIL, EMAIL), (bridges.TALKED, f"{EMAIL} · 3:12", "")]
    page = text(client.get(f"/needs/{ref}"))
    assert "Call to the resident asked" in page and "Talked with the resident by phone" in page
    assert RESIDENT[1:] not in client.get(f"/needs/{ref}").get_data(as_text=True)
    with harness.db.session() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "call")).one()
        assert audit.actor == EMAIL and audit.after["phone"] == "***9999"


def test_a_retried_dial_report_is_kept_once(harness):
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    url = f"{PUBLIC_URL}/twilio/voice/bridge/done?o={outbox_id}"
    for _ in range(2):
        leg(harness, url, sid, DialCallStatus="completed", DialCallDuration="61")
    assert [e[0] for e in events(harness, ref)] == [bridges.ASKED, bridges.TALKED]


def test_a_resident_who_does_not_answer_is_kept_in_the_history_and_the_coordinator_told(harness):
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    last = leg(harness, f"{PUBLIC_URL}/twilio/voice/bridge/done?o={outbox_id}", sid, DialCallStatus="no-answer")
    expected = VoiceResponse()
    words, voice = said("en", "The resident did not answer. Goodbye.")
    expected.say(words, **voice)
    expected.hangup()
    assert canonical(last) == canonical(str(expected))
    assert events(harness, ref)[-1] == (bridges.UNANSWERED, EMAIL, "")


def test_a_coordinator_who_does_not_pick_up_is_not_rung_again(harness):
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    path, form, headers = harness.fake.call_callback(sid, "no-answer")
    assert harness.client.post(path, data=form, headers=headers).status_code == 204
    harness.settle(3600)
    assert len(harness.fake.calls_to(COORDINATOR_PHONE)) == 1
    assert harness.row(outbox_id).status == "failed"
    assert events(harness, ref)[-1] == (bridges.NOT_PICKED_UP, EMAIL, "")


def test_no_key_pressed_calls_nobody(harness):
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    answer = leg(harness, f"{PUBLIC_URL}/twilio/voice/bridge/connect?o={outbox_id}", sid, Digits="7")
    assert ET.fromstring(answer).find("Dial") is None and ET.fromstring(answer).find("Hangup") is not None


def test_only_the_call_placed_for_it_learns_whom_it_dials(harness):
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    url = f"{PUBLIC_URL}/twilio/voice/bridge/connect?o={outbox_id}"
    other = leg(harness, url, "CA" + "2" * 32, Digits="1")
    assert ET.fromstring(other).find("Dial") is None and RESIDENT[1:] not in other.decode()
    # Unsigned or wrongly signed: refused before anything is read.
    form = {"CallSid": sid, "From": HOTLINE_NUMBER, "To": COORDINATOR_PHONE, "Digits": "1"}
    assert harness.client.post(url.removeprefix(PUBLIC_URL), data=form).status_code == 403
    forged = harness.client.post(url.removeprefix(PUBLIC_URL), data=form,
                                 headers={"X-Twilio-Signature": sign(url, {**form, "Digits": "2"})})
    assert forged.status_code == 403
    for path in ("/twilio/voice/bridge/resident", "/twilio/voice/bridge/done"):
        assert harness.client.post(f"{path}?o={outbox_id}", data=form).status_code == 403


@pytest.mark.parametrize("path, form", [
    ("/twilio/voice/bridge/connect", {"CallSid": "CA1", "Digits": "1"}),  # no o
    ("/twilio/voice/bridge/connect?o=abc", {"CallSid": "CA1", "Digits": "1"}),
    ("/twilio/voice/bridge/connect?o=1", {"Digits": "1"}),  # no CallSid
    ("/twilio/voice/bridge/done?o=1", {"CallSid": "CA1", "DialCallStatus": "not a status!"}),
    ("/twilio/voice/bridge/done?o=1", {"CallSid": "CA1", "DialCallStatus": "completed", "DialCallDuration": "12s"}),
    ("/twilio/voice/bridge/done?o=1", {"CallSid": "CA1"}),
    ("/twilio/voice/bridge/resident?o=99999999999999999999999", {"CallSid": "CA1"}),
])
def test_malformed_bridge_webhooks_get_a_clear_400(harness, path, form):
    response = signed_post(harness, PUBLIC_URL + path, form)
    assert response.status_code == 400


def test_a_double_click_places_one_call(harness):
    ref = make_need(harness)
    client = coordinator(harness)
    token = csrf_token(client, f"/needs/{ref}")
    first = client.post(f"/needs/{ref}/call", data={"csrf_token": token})
    second = client.post(f"/needs/{ref}/call", data={"csrf_token": token}, follow_redirects=True)
    assert first.status_code == 302
    assert "A call to this resident is already under way" in text(second)
    harness.run_jobs()
    assert len(rows(harness)) == 1 and len(harness.fake.calls_to(COORDINATOR_PHONE)) == 1
    assert [e[0] for e in events(harness, ref)] == [bridges.ASKED]


def test_a_viewer_cannot_have_the_resident_called(harness):
    ref = make_need(harness)
    client = coordinator(harness, role="viewer", email="val@example.org")
    assert "Call the resident" not in client.get(f"/needs/{ref}").get_data(as_text=True)
    assert post(client, f"/needs/{ref}/call").status_code == 403
    assert rows(harness) == []


def test_a_call_without_the_forms_token_is_refused(harness):
    ref = make_need(harness)
    client = coordinator(harness)
    assert client.post(f"/needs/{ref}/call").status_code == 400
    assert client.post(f"/needs/{ref}/call", data={"csrf_token": "forged"}).status_code == 400
    assert rows(harness) == []


def test_an_unknown_request_is_not_found(harness):
    client = coordinator(harness)
    assert post(client, "/needs/999999/call").status_code == 404
    assert post(client, "/needs/not-a-ref/call").status_code == 404


@pytest.mark.parametrize("case, message", [
    ("no phone", "Save your own phone first"),
    ("no hotline number", "The hotline has no phone number to call from"),
    ("opted out", "The resident texted STOP: the hotline does not call them."),
    ("erased", "was erased at their request"),
])
def test_a_call_that_cannot_be_placed_is_refused_with_why(harness, case, message):
    from dataclasses import replace

    if case == "no hotline number":
        harness.hotline.settings = replace(harness.hotline.settings, twilio_phone_number="")
    ref = make_need(harness, opted_out=case == "opted out")
    if case == "erased":
        with harness.db.session() as session:
            session.scalars(select(Contact)).one().phone = "erased"
    client = coordinator(harness, phone=None if case == "no phone" else COORDINATOR_PHONE)
    page = text(client.get(f"/needs/{ref}"))
    assert message in page or case == "erased"
    response = post(client, f"/needs/{ref}/call", follow=True)
    assert message in text(response)
    assert rows(harness) == [] and events(harness, ref) == []


def test_the_residents_number_never_reaches_a_log_line(harness, caplog):
    caplog.set_level(logging.DEBUG)
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    leg(harness, f"{PUBLIC_URL}/twilio/voice/notify?o={outbox_id}", sid)
    leg(harness, f"{PUBLIC_URL}/twilio/voice/bridge/connect?o={outbox_id}", sid, Digits="1")
    leg(harness, f"{PUBLIC_URL}/twilio/voice/bridge/done?o={outbox_id}", sid, DialCallStatus="completed",
        DialCallDuration="30")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged and RESIDENT[2:] not in logged and COORDINATOR_PHONE[2:] not in logged


def test_a_call_that_waits_too_long_is_dropped_not_placed_late(harness):
    ref = make_need(harness)
    client = coordinator(harness)
    post(client, f"/needs/{ref}/call")
    row = rows(harness)[0]
    assert row.expires_at is not None
    assert (row.expires_at - row.created_at).total_seconds() == bridges.TTL.total_seconds()
    assert parse_qs(urlsplit(f"{PUBLIC_URL}/twilio/voice/notify?o={row.id}").query) == {"o": [str(row.id)]}


# -- your own phone -----------------------------------------------------------------------------

def test_a_coordinator_saves_their_own_phone_shown_masked(harness):
    client = coordinator(harness, phone=None)
    response = post(client, "/account/phone", {"phone": "(617) 555-0123"}, follow=True)
    assert "Your phone is saved." in text(response) and "***0123" in text(response)
    assert "555-0123" not in response.get_data(as_text=True).replace("***0123", "")
    with harness.db.session() as session:
        assert session.scalars(select(User.phone)).one() == "+16175550123"
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "phone_set")).one().after == {
            "phone": "***0123"}
    response = post(client, "/account/phone", {"forget": "1"}, follow=True)
    assert "Your phone is forgotten." in text(response)
    with harness.db.session() as session:
        assert session.scalars(select(User.phone)).one() is None


@pytest.mark.parametrize("typed", ["not a phone", "12", "+1" + "5" * 80, "+266696687"])
def test_a_phone_that_cannot_be_called_is_refused(harness, typed):
    client = coordinator(harness)
    response = post(client, "/account/phone", {"phone": typed})
    assert response.status_code == 400
    with harness.db.session() as session:
        assert session.scalars(select(User.phone)).one() == COORDINATOR_PHONE


def test_the_command_line_sets_an_accounts_phone(harness, monkeypatch):
    from click.testing import CliRunner

    from hotline.cli import main

    add_user(harness.db, EMAIL, "coordinator")
    monkeypatch.setenv("DATABASE_URL", harness.settings.database_url)
    runner = CliRunner()
    result = runner.invoke(main, ["users", "phone", EMAIL, "+1 617 555 0199"])
    assert result.exit_code == 0, result.output
    assert "***0199" in result.output and "555 0199" not in result.output
    listed = runner.invoke(main, ["users", "list"])
    assert "***0199" in listed.output
    assert runner.invoke(main, ["users", "phone", EMAIL, "nonsense"]).exit_code != 0
    assert runner.invoke(main, ["users", "phone", EMAIL, "--forget"]).exit_code == 0
    with harness.db.session() as session:
        assert session.scalars(select(User.phone)).one() is None


def test_a_call_that_could_not_be_placed_says_so_in_the_history(harness):
    ref = make_need(harness)
    # The coordinator's own number once texted STOP to the hotline: it is never rung.
    harness.make_contact(COORDINATOR_PHONE, opted_out=True)
    client = coordinator(harness)
    post(client, f"/needs/{ref}/call")
    harness.run_jobs()
    assert harness.fake.calls == []
    assert events(harness, ref)[-1] == (bridges.NOT_PLACED, EMAIL, "")
    assert "could not be placed" in text(client.get(f"/needs/{ref}"))


def test_a_viewer_has_no_phone_to_save(harness):
    client = coordinator(harness, role="viewer", email="val@example.org", phone=None)
    page = client.get("/account")
    assert page.status_code == 200 and 'name="phone"' not in page.get_data(as_text=True)
    assert post(client, "/account/phone", {"phone": "+16175550123"}).status_code == 403


@pytest.mark.parametrize("meanwhile", ["disabled", "made a viewer"])
def test_an_account_disabled_before_pressing_1_is_not_put_through(harness, meanwhile):
    ref = make_need(harness)
    sid, outbox_id = put_through(harness, ref)
    with harness.db.session() as session:
        user = session.scalars(select(User).where(User.email == EMAIL)).one()
        if meanwhile == "disabled":
            user.active = False
        else:
            user.role = "viewer"
    for url, extra in ((f"{PUBLIC_URL}/twilio/voice/notify?o={outbox_id}", {}),
                       (f"{PUBLIC_URL}/twilio/voice/bridge/connect?o={outbox_id}", {"Digits": "1"})):
        answer = leg(harness, url, sid, **extra)
        assert ET.fromstring(answer).find("Dial") is None and ET.fromstring(answer).find("Hangup") is not None
        assert RESIDENT[1:] not in answer.decode() and b"cannot be put through" in answer
    assert harness.fake.calls_to(RESIDENT) == []


def test_a_hotline_without_a_twilio_account_refuses_plainly_and_places_nothing(harness):
    from dataclasses import replace

    # The number is set but no account: the console stand-in would only log the call, nothing would ring.
    harness.hotline.settings = replace(harness.hotline.settings, twilio_account_sid="", twilio_auth_token="")
    ref = make_need(harness)
    client = coordinator(harness)
    message = "This hotline has no Twilio account, so it cannot place calls."
    assert message in text(client.get(f"/needs/{ref}")) and message in text(client.get("/account"))
    response = post(client, f"/needs/{ref}/call", follow=True)
    assert message in text(response) and "The hotline is calling your phone now" not in text(response)
    harness.run_jobs()
    assert rows(harness) == [] and events(harness, ref) == [] and harness.fake.calls == []


def test_a_hotline_without_a_number_says_so_in_a_coordinators_words(harness):
    from dataclasses import replace

    harness.hotline.settings = replace(harness.hotline.settings, twilio_phone_number="")
    ref = make_need(harness)
    client = coordinator(harness)
    shown = text(post(client, f"/needs/{ref}/call", follow=True))
    assert "The hotline has no phone number to call from yet. An admin can add one (TWILIO_PHONE_NUMBER)." in shown
    assert rows(harness) == []
