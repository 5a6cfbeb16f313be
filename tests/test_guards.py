"""Guards on the way in: floods from one number, auto-responders, blocked numbers, other hotlines, surges."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import event, func, select

from hotline import create_app
from hotline.cli import main
from hotline.models import AuditEntry, Contact, InboundMessage, Need
from hotline.sms import count_segments

from .conftest import PUBLIC_URL, Phone, reply_messages, sign
from .console import post, signed_in, text as page_text
from .test_door_words import empty_database  # noqa: F401  (a database of its own for migrations)
from .test_volunteers import add_volunteer

RESIDENT = "+15551230001"
HELPER = "+15559870101"
BOT = "+15557770001"
AFTERNOON = "2026-03-03 20:00:00+00:00"
# What the hotline ships with (the shared test settings turn the per-number limits and the surge
# note off, because whole conversations there run in one frozen instant).
SHIPPED = {"inbound_per_minute": 10, "inbound_per_hour": 60, "replies_per_hour": 30,
           "surge_first_texts_per_minute": 30}
DRIVING = "I'm driving right now. I'll get back to you when I can."


@pytest.fixture
def travel():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def guarded(settings):
    """An app with the guards as shipped, or as a test sets them."""
    apps = []

    def make(**overrides):
        app = create_app(replace(settings, **{**SHIPPED, **overrides}))
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["hotline"].close()


def stored(db, number: str) -> list[InboundMessage]:
    with db.session() as session:
        contact_id = session.scalar(select(Contact.id).where(Contact.phone == number))
        return list(session.scalars(select(InboundMessage).where(InboundMessage.contact_id == contact_id)
                                    .order_by(InboundMessage.id)))


def contact(db, number: str) -> Contact | None:
    with db.session() as session:
        return session.scalar(select(Contact).where(Contact.phone == number))


def db_of(app):
    return app.extensions["hotline"].db


# -- one number, too fast -----------------------------------------------------------------------

def test_a_number_flooding_texts_gets_ten_answers_and_one_note_and_every_text_is_kept(guarded, travel):
    app = guarded()
    phone = Phone(app.test_client(), RESIDENT)
    replies = [phone.text(str(i % 7)) for i in range(40)]
    assert all(replies[:10])
    assert "sending texts very fast" in replies[10]
    assert replies[11:] == [""] * 29
    assert len(stored(db_of(app), RESIDENT)) == 40


def test_the_too_fast_note_is_in_the_senders_language_and_a_minute_later_they_are_answered_again(guarded, travel):
    app = guarded()
    phone = Phone(app.test_client(), RESIDENT)
    phone.text("Español")
    for _ in range(9):
        phone.text("AYUDA")
    assert "muy rápido" in phone.text("hola")
    assert phone.text("AYUDA") == ""
    travel.shift(timedelta(seconds=61))
    assert phone.text("AYUDA") != ""


def test_past_the_hourly_limit_texts_wait_for_the_hour_with_one_note(guarded, travel):
    app = guarded(inbound_per_minute=0, inbound_per_hour=5)
    phone = Phone(app.test_client(), RESIDENT)
    assert all(phone.text(word) for word in ("hi", "HELP", "MENU", "HELP", "MENU"))
    assert "very fast" in phone.text("HELP")
    travel.shift(timedelta(minutes=30))
    assert phone.text("HELP") == ""  # still five within the hour, the note already sent
    travel.shift(timedelta(minutes=31))
    assert phone.text("HELP") != ""


def test_past_the_reply_budget_texts_are_kept_unanswered_until_the_hour_is_over(guarded, travel):
    app = guarded(inbound_per_minute=0, inbound_per_hour=0, replies_per_hour=3)
    phone = Phone(app.test_client(), RESIDENT)
    assert all(phone.text(word) for word in ("hi", "1", "HELP"))
    assert phone.text("MENU") == "" and phone.text("STATUS") == ""
    assert [m.reply for m in stored(db_of(app), RESIDENT)][-2:] == [None, None]
    travel.shift(timedelta(minutes=61))
    assert phone.text("HELP") != ""


def test_stop_from_a_number_past_its_limits_still_opts_it_out(guarded, travel):
    app = guarded(inbound_per_minute=2)
    phone = Phone(app.test_client(), RESIDENT)
    phone.text("hi"), phone.text("1"), phone.text("2")
    assert phone.text("STOP") == ""
    assert contact(db_of(app), RESIDENT).opted_out


def test_a_guarded_turn_costs_one_query_more_than_an_unguarded_one(guarded, travel):
    def statements(app, number: str) -> int:
        phone = Phone(app.test_client(), number)
        phone.text("hi")
        phone.text("1")
        travel.shift(timedelta(seconds=30))  # a person's pace: the contact's row changes either way
        engine = db_of(app).engine
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            phone.text("HELP")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    on = statements(guarded(), "+15551230002")
    off = statements(guarded(inbound_per_minute=0, inbound_per_hour=0, replies_per_hour=0, loop_rounds=0,
                             surge_first_texts_per_minute=0), "+15551230003")
    assert on - off == 1


# -- loops --------------------------------------------------------------------------------------

def test_an_auto_responder_answering_every_reply_is_muted_after_three_rounds(guarded, travel):
    app = guarded()
    bot = Phone(app.test_client(), BOT)
    replies = [bot.text(DRIVING) for _ in range(10)]
    assert all(replies[:2]) and replies[2:] == [""] * 8
    muted = contact(db_of(app), BOT)
    assert muted.muted_reason == "auto_reply" and muted.muted_until > muted.muted_at
    assert len(stored(db_of(app), BOT)) == 10


@pytest.mark.parametrize("words", ["Estoy conduciendo, te contesto luego.", "我正在开车，稍后回复。",
                                   "Я за рулём, перезвоню позже.", "Auto-reply: This is an automated message."])
def test_auto_reply_phrases_in_other_languages_mute_too(guarded, travel, words):
    app = guarded()
    bot = Phone(app.test_client(), BOT)
    for _ in range(3):
        bot.text(words)
    assert contact(db_of(app), BOT).muted_reason == "auto_reply"


def test_a_business_line_repeating_itself_faster_than_anyone_types_is_muted(guarded, travel):
    app = guarded()
    bot = Phone(app.test_client(), BOT)
    replies = [bot.text(f"Thanks for contacting Elm Street Pizza! Your ticket number is {1000 + i}.")
               for i in range(6)]
    # The first is answered like anyone's; the next three come back at once, alike: muted at the third.
    assert all(replies[:3]) and replies[3:] == ["", "", ""]
    assert contact(db_of(app), BOT).muted_reason == "repeats"


def test_a_person_repeating_the_same_words_at_a_persons_pace_is_never_muted(guarded, travel):
    app = guarded()
    phone = Phone(app.test_client(), RESIDENT)
    for _ in range(6):
        travel.shift(timedelta(seconds=40))
        assert phone.text("I need food for my family please") != ""
    assert contact(db_of(app), RESIDENT).muted_at is None


def test_a_mute_ends_by_itself(guarded, travel):
    app = guarded(mute_hours=24)
    bot = Phone(app.test_client(), BOT)
    for _ in range(3):
        bot.text(DRIVING)
    travel.shift(timedelta(hours=25))
    assert bot.text("HELP") != ""


def test_a_volunteers_auto_reply_to_offers_is_muted_too(guarded, travel):
    app = guarded()
    db = db_of(app)
    add_volunteer(db, HELPER, "Ana")
    helper = Phone(app.test_client(), HELPER)
    replies = [helper.text(DRIVING) for _ in range(5)]
    assert all(replies[:2]) and replies[2:] == ["", "", ""]
    assert contact(db, HELPER).muted_reason == "auto_reply"


def test_muted_and_blocked_volunteers_are_offered_nothing_until_it_ends(guarded, settings, monkeypatch, travel):
    from .test_volunteers import request_food, sent_to

    app = guarded()
    db = db_of(app)
    add_volunteer(db, HELPER, "Ana")
    add_volunteer(db, "+15559870102", "Bea")
    add_volunteer(db, "+15559870103", "Cy")
    helper = Phone(app.test_client(), HELPER)
    for _ in range(4):
        helper.text(DRIVING)
    assert contact(db, HELPER).muted_until is not None
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert CliRunner().invoke(main, ["block", "+15559870102", "--reason", "harassed a resident"]).exit_code == 0
    request_food(Phone(app.test_client(), RESIDENT))
    app.extensions["hotline"].queue.drain()
    assert sent_to(db, HELPER, "offer") == [] and sent_to(db, "+15559870102", "offer") == []
    assert sent_to(db, "+15559870103", "offer")


def test_coordinators_see_muted_numbers_masked_and_unmute_them_with_an_audit_entry(guarded, travel):
    app = guarded()
    db = db_of(app)
    bot = Phone(app.test_client(), BOT)
    for _ in range(3):
        bot.text(DRIVING)
    console = signed_in(app, db, "coordinator")
    page = console.get("/blocks")
    words = page_text(page)
    assert page.status_code == 200 and "***0001" in words and "an auto-reply message" in words
    assert "5557770001" not in page.get_data(as_text=True)
    muted = contact(db, BOT)
    assert post(console, f"/blocks/{muted.id}/unmute").status_code == 302
    assert bot.text("HELP") != ""
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "unmute")).one()
        assert entry.subject == "number ***0001" and "5557770001" not in json.dumps(entry.before)


# -- the hotline's own numbers ------------------------------------------------------------------

@pytest.mark.parametrize("number", ["+15550001111", "+15550002222"])
def test_the_hotline_never_answers_its_own_number_or_another_hotline(guarded, number):
    app = guarded(twilio_phone_number="+15550001111", other_hotline_numbers=("+15550002222",))
    assert Phone(app.test_client(), number).text("Welcome to the hotline! Reply 1 for food.") == ""
    assert contact(db_of(app), number) is None
    with db_of(app).session() as session:
        assert session.scalar(select(func.count(InboundMessage.id))) == 1


def test_a_call_from_another_hotline_is_hung_up(guarded):
    app = guarded(other_hotline_numbers=("+15550002222",))
    response = call_once(app.test_client(), "+15550002222")
    assert b"<Hangup" in response.data and b"<Say" not in response.data


# -- blocks -------------------------------------------------------------------------------------

def call_once(client, number: str):
    params = {"CallSid": "CA" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": number, "To": "+15550001111",
              "CallStatus": "ringing", "Direction": "inbound"}
    url = f"{PUBLIC_URL}/twilio/voice"
    return client.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": sign(url, params)})


def test_a_number_blocked_from_the_command_line_gets_no_answer_files_nothing_and_its_calls_end(
        guarded, settings, monkeypatch, travel):
    app = guarded()
    db = db_of(app)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["block", RESIDENT, "--reason", "threats to volunteers"])
    assert result.exit_code == 0, result.output
    assert "***0001" in result.output and "5551230001" not in result.output
    phone = Phone(app.test_client(), RESIDENT)
    response = phone.post("I need food")
    assert response.status_code == 200 and reply_messages(response.data) == []
    for words in ("1", "rice", "Elm St 02139", "1"):
        assert phone.text(words) == ""
    with db.session() as session:
        assert session.scalar(select(func.count(Need.id))) == 0
    call = call_once(app.test_client(), RESIDENT)
    assert b"<Hangup" in call.data and b"<Gather" not in call.data
    assert len(stored(db, RESIDENT)) == 6  # kept all the same
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "block")).one()
        assert entry.after["reason"] == "threats to volunteers" and entry.subject == "number ***0001"
        assert entry.actor.startswith("command line")
    result = CliRunner().invoke(main, ["unblock", RESIDENT])
    assert result.exit_code == 0, result.output
    assert phone.text("HELP") != ""
    with db.session() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == ["block", "unblock"]
        assert "5551230001" not in json.dumps([(e.subject, e.before, e.after) for e in session.scalars(select(AuditEntry))])


def test_a_block_for_some_days_ends_by_itself(guarded, settings, monkeypatch, travel):
    app = guarded()
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert CliRunner().invoke(main, ["block", RESIDENT, "--reason", "spam", "--days", "2"]).exit_code == 0
    phone = Phone(app.test_client(), RESIDENT)
    assert phone.text("hi") == ""
    travel.shift(timedelta(days=2, minutes=1))
    assert phone.text("hi") != ""


def test_the_block_command_refuses_no_reason_a_bad_number_and_bad_days(settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert CliRunner().invoke(main, ["block", RESIDENT]).exit_code != 0
    assert CliRunner().invoke(main, ["block", RESIDENT, "--reason", "  "]).exit_code != 0
    assert CliRunner().invoke(main, ["block", "not a number", "--reason", "spam"]).exit_code != 0
    assert CliRunner().invoke(main, ["block", RESIDENT, "--reason", "spam", "--days", "0"]).exit_code != 0
    result = CliRunner().invoke(main, ["unblock", RESIDENT])
    assert result.exit_code != 0 and "not blocked" in result.output


def test_a_coordinator_blocks_and_unblocks_a_number_from_the_console_seeing_it_masked(guarded, travel):
    app = guarded()
    db = db_of(app)
    console = signed_in(app, db, "coordinator")
    home = console.get("/needs").get_data(as_text=True)
    assert 'href="/blocks"' in home
    done = post(console, "/blocks", {"phone": "(555) 123-0001", "reason": "abusive texts", "days": "7"}, follow=True)
    words = page_text(done)
    assert done.status_code == 200 and "***0001 is blocked" in words and "abusive texts" in words
    assert "5551230001" not in done.get_data(as_text=True) and "123-0001" not in done.get_data(as_text=True)
    assert Phone(app.test_client(), RESIDENT).text("hi") == ""
    blocked = contact(db, RESIDENT)
    assert blocked.blocked_until - blocked.blocked_at == timedelta(days=7)
    assert post(console, f"/blocks/{blocked.id}/unblock").status_code == 302
    assert Phone(app.test_client(), RESIDENT).text("hi") != ""
    with db.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [e.action for e in entries if e.action.endswith("block")] == ["block", "unblock"]
        assert entries[-1].actor == "coordinator@example.org"


@pytest.mark.parametrize("form, said", [
    ({"phone": "", "reason": "spam"}, "not a phone number"),
    ({"phone": "hello", "reason": "spam"}, "not a phone number"),
    ({"phone": RESIDENT, "reason": "  "}, "Say why"),
    ({"phone": RESIDENT, "reason": "spam", "days": "0"}, "whole number from 1"),
    ({"phone": RESIDENT, "reason": "spam", "days": "two"}, "whole number from 1"),
    ({"phone": RESIDENT, "reason": "spam", "days": "99999"}, "whole number from 1"),
])
def test_a_block_form_with_bad_input_is_refused_with_400_saying_what_is_wrong(guarded, form, said):
    app = guarded()
    console = signed_in(app, db_of(app), "coordinator")
    response = post(console, "/blocks", form)
    assert response.status_code == 400 and said in page_text(response)
    assert contact(db_of(app), RESIDENT) is None or contact(db_of(app), RESIDENT).blocked_at is None


def test_a_viewer_sees_the_blocks_but_cannot_block(guarded):
    app = guarded()
    viewer = signed_in(app, db_of(app), "viewer")
    assert viewer.get("/blocks").status_code == 200
    assert "Block the number" not in page_text(viewer.get("/blocks"))
    assert post(viewer, "/blocks", {"phone": RESIDENT, "reason": "spam"}).status_code == 403
    assert post(viewer, "/blocks/1/unblock").status_code == 403


def test_unblocking_an_unknown_number_in_the_console_is_404(guarded):
    app = guarded()
    console = signed_in(app, db_of(app), "coordinator")
    assert post(console, "/blocks/999999/unblock").status_code == 404


def test_a_blocked_number_is_not_erased_as_idle_while_the_block_holds(guarded, settings, travel):
    from hotline.guard import blocks
    from hotline.privacy import retention
    from hotline.clock import now

    app = guarded()
    db = db_of(app)
    with db.session() as session:
        blocks.block(session, app.extensions["hotline"].settings, RESIDENT, "spam", None, actor="test", now=now())
    travel.shift(timedelta(days=400))
    with db.session() as session:
        retention.purge(session, app.extensions["hotline"].settings, now())
    assert contact(db, RESIDENT) is not None


# -- a surge of new numbers ---------------------------------------------------------------------

def test_in_a_surge_first_texts_get_a_one_text_note_and_their_next_text_goes_on_as_usual(guarded, travel):
    app = guarded(surge_first_texts_per_minute=3)
    client = app.test_client()
    first = [Phone(client, f"+1555300{i:04d}") for i in range(6)]
    answers = [phone.text("hello") for phone in first]
    assert all("Reply with a number" in a or "1" in a for a in answers[:3])
    for phone, answer in zip(first[3:], answers[3:]):
        assert "you are in line" in answer and count_segments(answer).segments == 1
        assert phone.notices == []  # no privacy notice yet: it comes with the first real answer
    later = first[4].text("I need food for my family")
    assert "you are in line" not in later and later != ""
    assert first[4].notices  # the privacy notice came with it


def test_a_surge_note_is_in_the_language_the_text_is_written_in(guarded, travel):
    app = guarded(surge_first_texts_per_minute=1)
    client = app.test_client()
    Phone(client, "+15553000001").text("hi")
    assert "Mucha gente" in Phone(client, "+15553000002").text("hola necesito comida para mis hijos")


def test_the_queue_shows_a_surge_with_its_rate(guarded, travel):
    app = guarded(surge_first_texts_per_minute=2)
    client = app.test_client()
    console = signed_in(app, db_of(app), "coordinator")
    assert "A surge" not in page_text(console.get("/needs"))
    for i in range(4):
        Phone(client, f"+1555300{i:04d}").text("hi")
    assert "A surge: 4 new numbers texted in the last minute" in page_text(console.get("/needs"))
    travel.shift(timedelta(minutes=2))
    assert "A surge" not in page_text(console.get("/needs"))


# -- the migration ------------------------------------------------------------------------------

def test_migration_0011_adds_the_guards_and_takes_them_away_again(empty_database):
    from sqlalchemy import create_engine, inspect

    from hotline.migrate import downgrade, upgrade

    def columns() -> set[str]:
        engine = create_engine(empty_database)
        try:
            return {column["name"] for column in inspect(engine).get_columns("contacts")}
        finally:
            engine.dispose()

    upgrade(empty_database, "0010")
    assert "blocked_at" not in columns()
    upgrade(empty_database, "0011")
    assert {"blocked_at", "blocked_until", "block_reason", "muted_at", "muted_until", "replies_count"} <= columns()
    downgrade(empty_database, "0010")
    assert "blocked_at" not in columns() and "replies_count" not in columns()
    upgrade(empty_database)
    assert "muted_until" in columns()
