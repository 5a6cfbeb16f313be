"""Volunteer care: a rest offered after a heavy week, REST, the monthly thank-you with residents'
words (only when they chose to send some), PASS keeping its place in the rotation, a personal cap."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import create_app, jobs, matching
from hotline.dispatch import care
from hotline.models import Contact, NeedEvent, OutboxMessage, Volunteer
from hotline.sms import count_segments

from .conftest import Phone
from .test_volunteers import add_volunteer, code_in, request_food, sent_to

ROSA, LUIS = "+16175556001", "+16175556002"
# Monday 2 March 2026, 15:00 in New York (EST): everyone available and awake.
MONDAY = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)
_residents = iter(range(100, 999))


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def care_app(settings, **changes):
    app = create_app(replace(settings, **changes))
    app.config["TESTING"] = True
    return app


def resident(app) -> Phone:
    return Phone(app.test_client(), f"+1555123{next(_residents):04d}")


def offers_to(db, number) -> list[str]:
    return sent_to(db, number, "offer")


def finish_a_task(app, db, volunteer: Phone, *, answer: str | None = None, words: str | None = None) -> Phone:
    """A resident asks for food, the volunteer takes it and says DONE; the resident may answer."""
    asking = resident(app)
    before = len(offers_to(db, volunteer.number))
    request_food(asking)
    offered = offers_to(db, volunteer.number)
    assert len(offered) == before + 1, "the volunteer was not offered the task"
    code = code_in(offered[-1])
    volunteer.text(code)
    assert code in volunteer.text(f"DONE {code}")
    if answer is not None:
        asking.text(answer)
        if words is not None:
            asking.text(words)
    return asking


def care_texts(db, number) -> list[str]:
    return sent_to(db, number, "care")


# -- a heavy week -----------------------------------------------------------------------------

def test_a_heavy_week_brings_thanks_and_a_rest_offer_once_and_rest_pauses_offers_until_it_ends(settings, clock):
    app = care_app(settings, care_heavy_week_tasks=2, care_rest_days=3)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    rosa = Phone(app.test_client(), ROSA)

    finish_a_task(app, db, rosa)
    assert care_texts(db, ROSA) == []
    clock.shift(timedelta(days=1))
    finish_a_task(app, db, rosa)
    offer = care_texts(db, ROSA)
    assert offer == ["Thank you for all you did this week, Rosa! Reply REST to take 3 days off: no offers until then."]
    clock.shift(timedelta(days=1))
    finish_a_task(app, db, rosa)
    assert len(care_texts(db, ROSA)) == 1  # once a heavy week, not every task

    assert rosa.text("REST") == "Rest well! No offers for 3 days. Reply RESUME to get offers sooner."
    with db.session() as session:
        resting = session.scalars(select(Volunteer)).one()
        assert resting.status == "paused" and resting.rested_at == MONDAY + timedelta(days=2)
    offered = len(offers_to(db, ROSA))
    request_food(resident(app))
    assert len(offers_to(db, ROSA)) == offered  # resting: no offers

    clock.shift(timedelta(days=3, minutes=1))
    jobs.dispatch_sweep()
    request_food(resident(app))
    assert len(offers_to(db, ROSA)) == offered + 1  # the rest is over: offers again
    app.extensions["hotline"].close()


def test_night_tasks_make_a_heavy_week_too(settings, clock):
    app = care_app(settings, care_heavy_week_tasks=0, care_heavy_week_nights=1, care_night_hour=21)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10, quiet_start=0, quiet_end=0)
    rosa = Phone(app.test_client(), ROSA)
    finish_a_task(app, db, rosa)  # 15:00
    assert care_texts(db, ROSA) == []
    clock.move_to(MONDAY + timedelta(hours=7))  # 22:00 in New York
    finish_a_task(app, db, rosa)
    assert len(care_texts(db, ROSA)) == 1
    app.extensions["hotline"].close()


def test_a_spanish_volunteer_rests_with_their_own_word(settings, clock):
    app = care_app(settings, care_heavy_week_tasks=1, care_rest_days=2)
    db = app.extensions["hotline"].db
    add_volunteer(db, LUIS, "Luis", languages="en,es", cap=10)
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == LUIS)).one().language = "es"
    luis = Phone(app.test_client(), LUIS)
    finish_a_task(app, db, luis)
    [offer] = care_texts(db, LUIS)
    assert "Luis" in offer and "DESCANSO" in offer and count_segments(offer).segments <= 2
    assert "2" in luis.text("descanso")
    with db.session() as session:
        assert session.scalars(select(Volunteer)).one().status == "paused"
    app.extensions["hotline"].close()


# -- the monthly note -------------------------------------------------------------------------

LAST_DAY_EVENING = datetime(2026, 3, 31, 22, 0, tzinfo=timezone.utc)  # 18:00 in New York (EDT)


def test_the_monthly_note_counts_neighbours_and_relays_their_words_in_each_language(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    add_volunteer(db, LUIS, "Luis", languages="en,es", cap=10, areas="02140")
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == LUIS)).one().language = "es"
    rosa, luis = Phone(app.test_client(), ROSA), Phone(app.test_client(), LUIS)

    asking = resident(app)
    request_food(asking)
    code = code_in(offers_to(db, ROSA)[-1])
    rosa.text(code)
    rosa.text(f"DONE {code}")
    assert "Any words for your helper?" in asking.text("1")
    assert "reach your helper" in asking.text("Thank you Rosa! Call me at 617-555-0199, 12 Elm St")
    finish_a_task(app, db, rosa, answer="1", words="0")  # a second neighbour, who sends no words

    # Luis, in Spanish, helps in 02140.
    clock.shift(timedelta(days=2))
    asking = resident(app)
    request_food(asking, place="Main St, 02140")
    code = code_in(offers_to(db, LUIS)[-1])
    luis.text(code)
    luis.text(f"DONE {code}")
    asking.text("1")
    asking.text("Gracias Luis, muy amable")

    clock.move_to(LAST_DAY_EVENING - timedelta(days=1))
    assert jobs.care_sweep() == "0 monthly note(s)"  # not the month's last day yet
    clock.move_to(LAST_DAY_EVENING)
    assert jobs.care_sweep() == "2 monthly note(s)"
    note, words = care_texts(db, ROSA)
    assert note == "Thank you, Rosa! This month you helped 2 neighbours through the hotline."
    assert words.startswith("A neighbour you helped wrote: Thank you Rosa!")
    assert "617" not in words and "0199" not in words and "Elm" not in words and "***" in words
    nota, palabras = care_texts(db, LUIS)
    assert "Luis" in nota and "1" in nota and "Thank" not in nota
    assert "Gracias Luis, muy amable" in palabras and palabras != "Gracias Luis, muy amable"
    for text in (note, words, nota, palabras):
        assert count_segments(text).segments <= 2

    clock.shift(timedelta(hours=2))
    assert jobs.care_sweep() == "0 monthly note(s)"  # not twice in a month
    assert len(care_texts(db, ROSA)) == 2
    app.extensions["hotline"].close()


def test_declining_to_send_words_relays_nothing(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    rosa = Phone(app.test_client(), ROSA)
    asking = finish_a_task(app, db, rosa, answer="1")
    assert "OK. Thank you for telling us." == asking.text("0")
    finish_a_task(app, db, rosa, answer="1", words="no thanks")
    finish_a_task(app, db, rosa, answer="1", words="1")  # the same key tapped twice is no words
    with db.session() as session:
        assert session.scalars(select(NeedEvent).where(NeedEvent.kind == care.THANKS)).all() == []
    clock.move_to(LAST_DAY_EVENING)
    jobs.care_sweep()
    assert care_texts(db, ROSA) == ["Thank you, Rosa! This month you helped 3 neighbours through the hotline."]
    app.extensions["hotline"].close()


def test_a_resident_who_erases_their_data_takes_their_words_back(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    asking = finish_a_task(app, db, Phone(app.test_client(), ROSA), answer="1", words="Bless you, dear")
    asking.text("DELETE")
    assert "all the hotline kept about you is erased" in asking.text("1")
    clock.move_to(LAST_DAY_EVENING)
    jobs.care_sweep()
    assert care_texts(db, ROSA) == ["Thank you, Rosa! This month you helped 1 neighbour through the hotline."]
    app.extensions["hotline"].close()


def test_no_monthly_note_to_opted_out_or_paused_volunteers_or_too_late_in_the_evening(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    add_volunteer(db, LUIS, "Luis", cap=10)
    finish_a_task(app, db, Phone(app.test_client(), ROSA))
    finish_a_task(app, db, Phone(app.test_client(), LUIS))
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == ROSA)).one().opted_out = True
        luis = session.scalars(select(Volunteer).where(Volunteer.first_name == "Luis")).one()
        luis.status, luis.paused_until = "paused", None
    clock.move_to(LAST_DAY_EVENING + timedelta(hours=3, minutes=30))  # 21:30 in New York
    assert jobs.care_sweep() == "0 monthly note(s)"
    clock.move_to(LAST_DAY_EVENING)
    assert jobs.care_sweep() == "0 monthly note(s)"
    assert care_texts(db, ROSA) == [] and care_texts(db, LUIS) == []
    assert jobs.periodic(app.extensions["hotline"].settings)["care_sweep"] == 3600
    app.extensions["hotline"].close()


def test_the_monthly_note_waits_for_the_end_of_a_volunteers_quiet_hours_that_evening(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    rosa = add_volunteer(db, ROSA, "Rosa", cap=10)
    finish_a_task(app, db, Phone(app.test_client(), ROSA))
    with db.session() as session:
        quiet = session.get(Volunteer, rosa)
        quiet.quiet_start, quiet.quiet_end = 12, 19
    clock.move_to(LAST_DAY_EVENING)  # 18:00, in her quiet hours
    assert jobs.care_sweep() == "0 monthly note(s)"
    clock.move_to(LAST_DAY_EVENING + timedelta(hours=1))  # 19:00
    assert jobs.care_sweep() == "1 monthly note(s)"
    app.extensions["hotline"].close()


def test_a_text_hours_after_the_question_is_a_new_message_not_words_for_the_helper(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    asking = finish_a_task(app, db, Phone(app.test_client(), ROSA), answer="1")
    clock.shift(timedelta(hours=7))
    assert "Where are you?" in asking.text("I need groceries again")  # a new request begins
    with db.session() as session:
        assert session.scalars(select(NeedEvent).where(NeedEvent.kind == care.THANKS)).all() == []
    app.extensions["hotline"].close()


def test_long_thanks_are_kept_masked_and_relayed_within_two_segments(settings, clock):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    long_words = "Gracias por todo, de verdad, fue una ayuda enorme para mi familia. " * 8 + "Mi número: (617) 555-0199"
    finish_a_task(app, db, Phone(app.test_client(), ROSA), answer="1", words=long_words)
    with db.session() as session:
        [kept] = session.scalars(select(NeedEvent.note).where(NeedEvent.kind == care.THANKS)).all()
    assert len(kept) <= care.MAX_THANKS_CHARS and "555" not in kept
    clock.move_to(LAST_DAY_EVENING)
    jobs.care_sweep()
    note, words = care_texts(db, ROSA)
    assert words.startswith("A neighbour you helped wrote: Gracias por todo") and count_segments(words).segments <= 2
    app.extensions["hotline"].close()


@pytest.mark.parametrize("words", [
    "Gracias Rosa! escríbame a maria.lopez@example.com",
    "Thank you so much, call me six one seven five five five zero one nine nine",
    "Merci! mon numéro: six un sept cinq cinq cinq zéro un neuf neuf",
])
def test_thanks_never_carry_an_email_or_a_spelled_out_number(settings, clock, words):
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    finish_a_task(app, db, Phone(app.test_client(), ROSA), answer="1", words=words)
    with db.session() as session:
        [kept] = session.scalars(select(NeedEvent.note).where(NeedEvent.kind == care.THANKS)).all()
    assert "@" not in kept and "example" not in kept and "cinq" not in kept and "five" not in kept
    assert kept.split()[0] in ("Gracias", "Thank", "Merci!") and "***" in kept
    app.extensions["hotline"].close()


def test_rest_never_cuts_a_longer_pause_short(settings, clock):
    app = care_app(settings, care_rest_days=3)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", status="paused")
    assert "Rest well" in Phone(app.test_client(), ROSA).text("rest")
    with db.session() as session:
        rosa = session.scalars(select(Volunteer)).one()
        assert rosa.status == "paused" and rosa.paused_until is None and rosa.rested_at == MONDAY
    app.extensions["hotline"].close()


# -- PASS and the rotation --------------------------------------------------------------------

def rotation(db, now) -> list[str]:
    criteria = matching.Criteria(skills=("food",), areas=None, language=None, at=now, now=now,
                                 timezone="America/New_York")
    with db.session() as session:
        return [v.first_name for v in matching.candidates(session, criteria, 10)]


def test_pass_does_not_change_a_volunteers_place_in_the_rotation(settings, clock):
    app = care_app(settings, wave_size=1)
    db = app.extensions["hotline"].db
    for number, name in ((ROSA, "Rosa"), (LUIS, "Luis"), ("+16175556003", "Mia")):
        add_volunteer(db, number, name, cap=10)
    request_food(resident(app))
    code = code_in(offers_to(db, ROSA)[-1])
    clock.shift(timedelta(minutes=1))
    before = rotation(db, MONDAY)
    with db.session() as session:
        rosa = session.scalars(select(Volunteer).where(Volunteer.first_name == "Rosa")).one()
        kept = (rosa.last_assigned_at, rosa.last_offered_at)
    assert "passed on task" in Phone(app.test_client(), ROSA).text(f"PASS {code}")
    with db.session() as session:
        rosa = session.scalars(select(Volunteer).where(Volunteer.first_name == "Rosa")).one()
        assert (rosa.last_assigned_at, rosa.last_offered_at) == kept
    # The next wave went to Luis (asked now); Rosa keeps the place her offer gave her, ahead of him.
    after = rotation(db, MONDAY)
    assert after.index("Rosa") < after.index("Luis")
    assert [n for n in after if n != "Luis"] == [n for n in before if n != "Luis"]
    app.extensions["hotline"].close()


# -- the console: load and a personal cap ----------------------------------------------------

def test_the_console_shows_each_volunteers_load_and_last_rest(app, db, clock):
    from .console import signed_in
    from .test_console_volunteers import add_task, text

    rosa = add_volunteer(db, ROSA, "Rosa", cap=5, quiet_start=21, quiet_end=8)
    add_volunteer(db, LUIS, "Luis", cap=5)
    add_task(db, rosa, MONDAY - timedelta(days=1))
    add_task(db, rosa, MONDAY - timedelta(days=2, hours=18))  # 23:00 the night before: a night task
    with db.session() as session:
        session.get(Volunteer, rosa).rested_at = MONDAY - timedelta(days=10)
    coordinator = signed_in(app, db, "coordinator")
    roster = coordinator.get("/volunteers")
    assert roster.status_code == 200
    words = text(roster)
    assert "Night tasks, 30 days" in words and "Last rest" in words
    rows = roster.get_data(as_text=True)
    rosa_row = rows[rows.rindex(f'/volunteers/{rosa}"'):].split("</tr>")[0]  # the roster's row
    assert 'data-label="Tasks, 7 days">2<' in rosa_row and 'data-label="Night tasks, 30 days">1<' in rosa_row
    assert 'datetime="2026-02-20' in rosa_row  # the last rest
    page = text(coordinator.get(f"/volunteers/{rosa}"))
    assert "Tasks, 7 days 2 of 5" in page and "Night tasks, 30 days 1" in page and "Last rest" in page
    luis_page = text(coordinator.get("/volunteers/%d" % (rosa + 1)))
    assert "Last rest none yet" in luis_page


def test_a_personal_cap_set_in_the_console_is_honoured_by_matching_at_once(app, db, clock):
    from .console import post, signed_in
    from .test_console_volunteers import EDIT, add_task

    rosa = add_volunteer(db, ROSA, "Rosa", cap=3)
    add_task(db, rosa, MONDAY - timedelta(days=1))
    add_task(db, rosa, MONDAY - timedelta(days=2))
    assert "Rosa" in rotation(db, MONDAY)
    coordinator = signed_in(app, db, "coordinator")
    form = {**EDIT, "first_name": "Rosa", "skills": ["food"], "languages": ["en"], "areas": "02139",
            "availability": "any", "wheelchair_vehicle": ""}

    assert post(coordinator, f"/volunteers/{rosa}/edit", {**form, "weekly_cap": "2"}).status_code == 302
    with db.session() as session:
        kept = session.get(Volunteer, rosa)
        assert kept.weekly_cap == 2 and kept.cap_filled_at == MONDAY - timedelta(days=2)
    assert "Rosa" not in rotation(db, MONDAY)  # two tasks this week: at her own cap

    refused = post(coordinator, f"/volunteers/{rosa}/edit", {**form, "weekly_cap": "two"})
    assert refused.status_code == 400 and "weekly cap is a whole number" in refused.get_data(as_text=True)
    with db.session() as session:
        assert session.get(Volunteer, rosa).weekly_cap == 2
    assert "Rosa" not in rotation(db, MONDAY)

    assert post(coordinator, f"/volunteers/{rosa}/edit", {**form, "weekly_cap": "6"}).status_code == 302
    with db.session() as session:
        assert session.get(Volunteer, rosa).cap_filled_at is None
    assert "Rosa" in rotation(db, MONDAY)
    # A week after the claim that filled it, the cap frees up without any edit.
    assert post(coordinator, f"/volunteers/{rosa}/edit", {**form, "weekly_cap": "1"}).status_code == 302
    assert "Rosa" not in rotation(db, MONDAY)
    assert "Rosa" in rotation(db, MONDAY + timedelta(days=6, hours=1))
