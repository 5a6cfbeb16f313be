"""CALL 427: the helper holding a task has the hotline ring them, then put them through to the
resident with the hotline's number as caller ID; anyone else is told why not."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
import time_machine
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline import bridges, needs
from hotline.i18n import Translator, keywords as kw, languages
from hotline.i18n.spoken import speakable
from hotline.models import Contact, Need, NeedEvent, OutboxMessage, Volunteer

from .conftest import HOTLINE_NUMBER, PUBLIC_URL, Phone, sign
from .test_volunteers import AFTERNOON, add_volunteer, code_in, request_food, sent_to
from .twiml_check import twiml_problems

RESIDENT = "+15551230000"
HELPER = "+16175554001"
OTHER = "+16175554002"


@pytest.fixture
def settings(twilio_settings):
    # Calls are placed through (a stand-in for) Twilio: without an account nothing would ring.
    # Texts are paced as fast as the stand-in takes them: at one a second, each test waited
    # about 7 seconds for its texts' slots (pacing has tests of its own).
    return replace(twilio_settings, sms_rate_per_second=100.0)


@pytest.fixture
def clock():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


def claimed(app, db, *, language="1", helper_languages="en,es") -> tuple[Phone, str]:
    add_volunteer(db, HELPER, "Rosa", languages=helper_languages)
    add_volunteer(db, OTHER, "Sam", languages=helper_languages)
    request_food(Phone(app.test_client(), RESIDENT), language=language)
    code = code_in(sent_to(db, HELPER, "offer")[0])
    helper = Phone(app.test_client(), HELPER)
    helper.text(code)
    return helper, code


def bridge_rows(db) -> list[OutboxMessage]:
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == bridges.BRIDGE)))


def call_events(db) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(e.kind, e.note) for e in session.scalars(select(NeedEvent).order_by(NeedEvent.id))
                if e.kind.startswith("call_")]


def webhook(client, url: str, form: dict):
    response = client.post(url.removeprefix(PUBLIC_URL), data=form, headers={"X-Twilio-Signature": sign(url, form)})
    assert response.status_code == 200, response.data
    assert twiml_problems(response.data, PUBLIC_URL) == []
    return response.data


def test_call_and_the_task_code_rings_the_helper_then_puts_them_through(app, db, clock):
    helper, code = claimed(app, db)
    reply = helper.text(f"CALL {code}")
    assert reply == (f"We are calling you now. Pick up and press 1 to be put through to the resident of task {code}. "
                     "They see the hotline's number, not yours.")
    [row] = bridge_rows(db)
    assert row.to == HELPER and row.meta["as"] == bridges.VOLUNTEER and row.meta["by"] == "Rosa"
    assert call_events(db) == [(bridges.ASKED, "Rosa")]
    # The resident's number is nowhere in what the helper gets.
    assert all(RESIDENT[2:] not in body for body in sent_to(db, HELPER))

    app.extensions["hotline"].queue.drain()  # the outbox places the call
    with db.session() as session:
        row = session.get(OutboxMessage, row.id)
        need = session.scalars(select(Need)).one()
    assert row.twilio_sid
    base = {"CallSid": row.twilio_sid, "From": HOTLINE_NUMBER, "To": HELPER, "Direction": "outbound-api"}
    first = webhook(app.test_client(), f"{PUBLIC_URL}/twilio/voice/notify?o={row.id}", base)
    assert RESIDENT[2:] not in first.decode()
    second = webhook(app.test_client(), f"{PUBLIC_URL}/twilio/voice/bridge/connect?o={row.id}", {**base, "Digits": "1"})
    dial = ET.fromstring(second).find("Dial")
    assert dial.get("callerId") == HOTLINE_NUMBER and dial.find("Number").text == RESIDENT

    # The resident hears that their volunteer is on the line, by first name only.
    whisper = webhook(app.test_client(), dial.find("Number").get("url"),
                      {"CallSid": "CA" + "3" * 32, "From": HOTLINE_NUMBER, "To": RESIDENT,
                       "ParentCallSid": row.twilio_sid})
    lang = languages.REGISTRY["en"]
    expected = VoiceResponse()
    expected.say(speakable(Translator("en", "locales").pgettext(
        "voice", "This is the mutual aid hotline. %(name)s, your volunteer for request %(ref)s, is on the line.",
        name="Rosa", ref=need.ref)), language=lang.say_language, voice=lang.say_voice)
    assert ET.canonicalize(whisper.decode(), strip_text=True) == ET.canonicalize(str(expected), strip_text=True)


def test_call_from_a_volunteer_who_does_not_hold_the_task_is_refused(app, db, clock):
    helper, code = claimed(app, db)
    other = Phone(app.test_client(), OTHER)
    # Another volunteer's codes are their own: this one names nothing of theirs.
    assert other.text(f"CALL {code}") == f"There is no task {code} for you. Reply TASKS to see your tasks."
    assert other.text("CALL 999").startswith("There is no task 999 for you.")
    # A helper who gave the task back no longer holds it.
    helper.text(f"DROP {code}")
    reply = helper.text(f"CALL {code}")
    assert reply == f"Task {code} is not yours now, so we cannot put you through. Reply TASKS to see your tasks."
    assert bridge_rows(db) == [] and call_events(db) == []


def test_call_for_a_finished_task_says_it_is_closed(app, db, clock):
    helper, code = claimed(app, db)
    helper.text(f"DONE {code}")
    assert helper.text(f"CALL {code}") == f"Task {code} is closed. Thank you!"
    assert bridge_rows(db) == []


def test_call_without_a_code_asks_for_one_and_words_after_call_are_relayed(app, db, clock):
    helper, code = claimed(app, db)
    # The example is their own task's code, ready to send as shown.
    assert helper.text("CALL") == f"Please add the task code, like CALL {code}."
    assert helper.text("DONE") == f"Please add the task code, like DONE {code}."
    assert helper.text("call me when you are home") == f"Sent to the resident of task {code}."
    assert bridge_rows(db) == []


def test_a_second_call_while_one_is_under_way_waits(app, db, clock):
    helper, code = claimed(app, db)
    helper.text(f"CALL {code}")
    assert helper.text(f"CALL {code}") == (f"A call to the resident of task {code} is already under way. "
                                           "Try again in a few minutes.")
    assert len(bridge_rows(db)) == 1


def test_a_resident_who_texted_stop_is_not_called(app, db, clock):
    helper, code = claimed(app, db)
    Phone(app.test_client(), RESIDENT).text("STOP")
    assert helper.text(f"CALL {code}") == (f"We cannot call the resident of task {code}. Write to them instead: "
                                           f"{code} and your words.")
    assert bridge_rows(db) == []


@pytest.mark.parametrize("code", ["en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl"])
def test_call_has_a_word_in_every_language_and_english_always_works(code):
    t = Translator(code, "locales")
    words = kw.command_words(t, "call")
    assert words and not {w.upper() for w in words} & kw.CARRIER_WORDS
    # The word is no other volunteer command's word in that language.
    others = {kw.normalize(w) for name in kw.VOLUNTEER_COMMANDS if name != "call" for w in kw.command_words(t, name)}
    assert not {kw.normalize(w) for w in words} & others
    assert kw.split_command(f"{words[0]} 427", [t, Translator("en", "locales")]) == ("call", "427")
    assert kw.split_command("CALL 427", [t, Translator("en", "locales")]) == ("call", "427")


def test_a_spanish_speaking_helper_calls_in_spanish(app, db, clock):
    add_volunteer(db, HELPER, "Rosa", languages="es")
    request_food(Phone(app.test_client(), RESIDENT), language="2")
    code = code_in(sent_to(db, HELPER, "offer")[0])
    helper = Phone(app.test_client(), HELPER)
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == HELPER)).one().language = "es"
    helper.text(code)
    word = kw.shown_word(Translator("es", "locales"), "call")
    reply = helper.text(f"{word} {code}")
    assert reply == Translator("es", "locales")._(
        "We are calling you now. Pick up and press 1 to be put through to the resident of task %(code)s. "
        "They see the hotline's number, not yours.", code=code)
    [row] = bridge_rows(db)
    assert row.meta["language"] == "es"


def placed_for(app, db, helper: Phone, code: str) -> OutboxMessage:
    """CALL <code>, and the outbox places the call to the helper's own phone."""
    helper.text(f"CALL {code}")
    [row] = bridge_rows(db)
    app.extensions["hotline"].queue.drain()
    with db.session() as session:
        row = session.get(OutboxMessage, row.id)
    assert row.twilio_sid
    return row


def press(app, row: OutboxMessage, url: str, **extra) -> ET.Element:
    base = {"CallSid": row.twilio_sid, "From": HOTLINE_NUMBER, "To": HELPER, "Direction": "outbound-api", **extra}
    return ET.fromstring(webhook(app.test_client(), f"{PUBLIC_URL}/twilio/voice/{url}?o={row.id}", base))


def drop_it(app, db, helper, code):
    helper.text(f"DROP {code}")


def remove_the_helper(app, db, helper, code):
    from hotline import volunteers

    with db.session() as session:
        volunteers.remove(session.scalars(select(Volunteer).where(Volunteer.first_name == "Rosa")).one())


def the_resident_withdraws(app, db, helper, code):
    with db.session() as session:
        session.scalars(select(Need)).one().status = needs.WITHDRAWN


@pytest.mark.parametrize("meanwhile", [drop_it, remove_the_helper, the_resident_withdraws])
def test_a_helper_who_lost_the_task_before_pressing_1_is_not_put_through(app, db, clock, meanwhile):
    helper, code = claimed(app, db)
    row = placed_for(app, db, helper, code)
    meanwhile(app, db, helper, code)
    # They pick up: the hotline says it cannot put them through, and never dials the resident.
    for answer in (press(app, row, "notify"), press(app, row, "bridge/connect", Digits="1")):
        assert answer.find("Dial") is None and answer.find("Gather") is None and answer.find("Hangup") is not None
        assert RESIDENT[2:] not in ET.tostring(answer, encoding="unicode")
        assert "cannot be put through" in answer.find("Say").text


def test_a_helper_who_still_holds_the_task_is_put_through(app, db, clock):
    helper, code = claimed(app, db)
    row = placed_for(app, db, helper, code)
    assert row.meta["volunteer_id"] is not None
    assert press(app, row, "bridge/connect", Digits="1").find("Dial/Number").text == RESIDENT


def test_a_hotline_without_a_twilio_account_says_it_cannot_place_calls(app, db, clock):
    helper, code = claimed(app, db)
    hotline = app.extensions["hotline"]
    hotline.settings = replace(hotline.settings, twilio_account_sid="", twilio_auth_token="")
    assert helper.text(f"CALL {code}") == (f"This hotline cannot place calls. Write to the resident of task {code} "
                                           f"instead: {code} and your words.")
    assert bridge_rows(db) == [] and call_events(db) == []


def test_an_erased_helpers_name_leaves_the_call_history(app, db, clock):
    from hotline.clock import now as clock_now
    from hotline.privacy import erase

    helper, code = claimed(app, db)
    row = placed_for(app, db, helper, code)
    press(app, row, "bridge/done", DialCallStatus="completed", DialCallDuration="75")
    assert call_events(db) == [(bridges.ASKED, "Rosa"), (bridges.TALKED, "Rosa · 1:15")]
    with db.session() as session:
        erase.forget(session, app.extensions["hotline"].settings,
                     session.scalars(select(Contact).where(Contact.phone == HELPER)).one(),
                     clock_now(), actor="admin@example.org", reason="asked to be forgotten")
    assert call_events(db) == [(bridges.ASKED, ""), (bridges.TALKED, "")]
    with db.session() as session:
        assert "Rosa" not in str(session.get(OutboxMessage, row.id).meta)
