"""Safety after a late visit or ride: "reply OK when you are home", and the coordinators told,
discreetly and once, when no answer comes."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import accounts, create_app, daylight, jobs
from hotline.config import Settings, UnsafeSettings
from hotline.models import Ask, Need, NeedEvent, OutboxMessage

from .conftest import Phone
from .console import signed_in, text
from .test_ride_dispatch import DRIVER, RIDER, add_driver, book, claim
from .test_volunteers import add_volunteer, code_in, request_food, sent_to

RESIDENT = "+15551230000"
HELPER = "+16175554001"
COORDINATOR = "+16175559999"
BOSTON = "42.36,-71.06"
# Tuesday 3 March 2026 in New York: asked at 15:00, done at 20:30 (after dark by any rule) or 16:00.
ASKED = datetime(2026, 3, 3, 20, 0, tzinfo=timezone.utc)
LATE = datetime(2026, 3, 4, 1, 30, tzinfo=timezone.utc)
DAYTIME = datetime(2026, 3, 3, 21, 0, tzinfo=timezone.utc)


@pytest.fixture
def settings(settings):
    return replace(settings, coordinator_phones=(COORDINATOR,))


@pytest.fixture
def clock():
    with time_machine.travel(ASKED, tick=False) as traveller:
        yield traveller


def run_due(app) -> None:
    app.extensions["hotline"].queue.drain()


def claimed_visit(app, db, *, number=HELPER, name="Rosa", languages="en", category="1",
                  resident=RESIDENT) -> tuple[Phone, str]:
    """A resident's request claimed by a helper; return the helper's phone and the task code."""
    add_volunteer(db, number, name, languages=languages, skills="food,housing")
    resident = Phone(app.test_client(), resident)
    resident.text("hi"); resident.text("1"); resident.text(category)
    resident.text("groceries for 3"); resident.text("Elm St, 02139"); resident.text("1")
    code = code_in(sent_to(db, number, "offer")[0])
    helper = Phone(app.test_client(), number)
    helper.text(code)
    return helper, code


def the_need(db) -> Need:
    with db.session() as session:
        need = session.scalars(select(Need).order_by(Need.id.desc())).first()
        _ = [e.kind for e in need.events]
        return need


def safety_questions(db) -> list[Ask]:
    with db.session() as session:
        return list(session.scalars(select(Ask).where(Ask.kind == "safe_home")))


def alerts(db) -> list[str]:
    return sent_to(db, COORDINATOR)


def kinds_sent_to(db, phone) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage.kind).where(OutboxMessage.to == phone)
                                    .order_by(OutboxMessage.id)))


def test_a_late_visits_done_asks_the_helper_to_reply_ok_when_home(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    reply = helper.text(f"DONE {code}")
    assert reply == f"Thank you for helping! Task {code} is done. Please reply OK when you are home."
    [question] = safety_questions(db)
    assert question.answered_at is None
    assert "Helper asked to say when they are home" not in reply  # the console's words stay there
    assert "safety_asked" in [e.kind for e in the_need(db).events]


def test_a_late_rides_done_asks_the_driver(app, db):
    with time_machine.travel(datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc), tick=False) as clock:
        add_driver(db, DRIVER, "Dana")
        book(app, db, wall="2026-12-03T17:00")
        code = claim(app, db, DRIVER)
        # 17:00 pickup, the rider home again at 19:10: after SAFETY_AFTER_HOUR.
        clock.move_to(datetime(2026, 12, 4, 0, 10, tzinfo=timezone.utc))
        reply = Phone(app.test_client(), DRIVER).text(f"DONE {code}")
    assert "Please reply OK when you are home" in reply
    assert "Did you get there?" in sent_to(db, RIDER, "followup")[0]
    # The rider is asked only their own question; nothing of the driver's safety reaches them.
    assert not any("home" in body for body in sent_to(db, RIDER))


@pytest.mark.parametrize("answer", ["OK", "ok.", "Okay", "home", "I'm home", "made it home", "sure", "1"])
def test_ok_or_a_word_like_it_closes_it_with_thanks_and_nobody_is_told(app, db, clock, answer):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    helper.text(f"DONE {code}")
    assert helper.text(answer) == "Thank you! We are glad you are home. Rest well."
    [question] = safety_questions(db)
    assert question.answered_at is not None and question.answer == "1"
    clock.shift(3 * 3600)
    run_due(app)
    jobs.run("safety_sweep")
    assert alerts(db) == []
    need = the_need(db)
    assert need.attention is None
    assert "safe_home" in [e.kind for e in need.events]


def test_yes_alone_belongs_to_the_carrier_and_answers_nothing(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    helper.text(f"DONE {code}")
    helper.text("YES")
    assert safety_questions(db)[0].answered_at is None


def test_no_answer_tells_the_coordinators_once_discreetly_and_the_console_shows_it(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    helper.text(f"DONE {code}")
    resident_before = kinds_sent_to(db, RESIDENT)
    clock.shift(59 * 60)
    run_due(app)
    assert alerts(db) == []
    clock.shift(2 * 60)
    run_due(app)
    [alert] = alerts(db)
    ref = the_need(db).ref
    assert alert == (f"Hotline: Rosa finished task {code} (request {ref}) at 8:30 PM and has not yet said they "
                     "are home. Please check in with them.")
    # Once: the scheduled look, the sweep and a later one tell nobody again.
    jobs.run("safety_sweep")
    clock.shift(3600)
    run_due(app)
    jobs.run("safety_sweep")
    assert len(alerts(db)) == 1
    # Nothing of it reaches the resident or the helper.
    assert kinds_sent_to(db, RESIDENT) == resident_before
    assert not [body for body in sent_to(db, HELPER) if "coordinator" in body.lower()]
    need = the_need(db)
    assert need.attention == "safety_unanswered"
    client = signed_in(app, db, accounts.COORDINATOR)
    page = text(client.get(f"/needs/{ref}"))
    assert "Needs a person: A helper out after dark has not said they got home" in page
    assert "Helper has not said they are home: coordinators told" in page
    assert "Alguien que ayudó de noche no ha dicho que llegó a casa" in text(client.get(f"/needs/{ref}?lang=es"))
    queue = text(client.get("/needs"))
    assert ref in queue and "A helper out after dark has not said they got home" in queue


def test_a_late_ok_after_the_coordinators_were_told_tells_them_and_clears_it(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    helper.text(f"DONE {code}")
    clock.shift(61 * 60)
    run_due(app)
    clock.shift(30 * 60)
    assert "glad you are home" in helper.text("ok")
    ref = the_need(db).ref
    assert alerts(db)[-1] == f"Hotline: Rosa (request {ref}) says they are home now. Thank you."
    assert the_need(db).attention is None


def test_no_keeps_the_question_open_and_gives_the_emergency_number(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    helper.text(f"DONE {code}")
    assert helper.text("no") == "Thank you. Please reply OK when you are home. In an emergency, call 911."
    assert safety_questions(db)[0].answered_at is None
    clock.shift(61 * 60)
    run_due(app)
    assert len(alerts(db)) == 1


def test_a_daytime_done_asks_nothing(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(DAYTIME)
    assert helper.text(f"DONE {code}") == f"Thank you for helping! Task {code} is done."
    assert safety_questions(db) == []
    clock.shift(3 * 3600)
    run_due(app)
    jobs.run("safety_sweep")
    assert alerts(db) == []


def test_help_that_is_no_visit_asks_nothing_after_dark(app, db, clock):
    helper, code = claimed_visit(app, db, category="3")  # housing: advice and calls, nobody goes out
    clock.move_to(LATE)
    assert helper.text(f"DONE {code}") == f"Thank you for helping! Task {code} is done."
    assert safety_questions(db) == []


def test_quiet_hours_do_not_hold_the_question_back(app, db, clock):
    helper, code = claimed_visit(app, db)
    with db.session() as session:
        from hotline.models import Volunteer
        for volunteer in session.scalars(select(Volunteer)):
            volunteer.quiet_start, volunteer.quiet_end = 20, 8
    clock.move_to(LATE)  # 20:30, in the helper's quiet hours
    assert "Please reply OK when you are home" in helper.text(f"DONE {code}")


def test_an_outage_longer_than_the_wait_sends_no_stale_alert_hours_late(app, db, clock):
    helper, code = claimed_visit(app, db)
    clock.move_to(LATE)
    helper.text(f"DONE {code}")
    clock.shift(14 * 3600)  # nothing ran all night
    run_due(app)
    jobs.run("safety_sweep")
    assert alerts(db) == []


def test_the_wait_is_a_setting_and_zero_never_asks(settings, db):
    for n, (minutes, asked) in enumerate(((0, False), (20, True))):
        app = create_app(replace(settings, safety_answer_minutes=minutes))
        try:
            with time_machine.travel(ASKED, tick=False) as clock:
                helper, code = claimed_visit(app, db, number=f"+1617555410{n}", resident=f"+1555123000{n}")
                clock.move_to(LATE)
                reply = helper.text(f"DONE {code}")
                assert ("reply OK when you are home" in reply) is asked
                if asked:
                    clock.shift(21 * 60)
                    run_due(app)
                    assert len(alerts(db)) == 1
        finally:
            app.extensions["hotline"].close()


def test_the_helper_is_asked_and_answers_in_their_language(app, db, clock):
    helper, code = claimed_visit(app, db, languages="es")
    clock.move_to(LATE)
    reply = helper.text(f"LISTO {code}")
    assert reply.startswith("¡Gracias por ayudar!") and "OK" in reply and "casa" in reply
    assert "casa" in helper.text("ya llegué")
    assert safety_questions(db)[0].answered_at is not None


# -- after dark: the local sunset, or the clock -------------------------------------------------

def at(settings: Settings, iso: str) -> bool:
    return daylight.after_dark(settings, datetime.fromisoformat(iso).replace(tzinfo=timezone.utc))


def test_after_dark_follows_the_sunset_across_the_daylight_saving_change():
    boston = Settings.from_env({"hotline_timezone": "America/New_York", "hotline_location": BOSTON}, environ={})
    # 18:30 on the wall clock: after sunset (17:48 EST) the day before the change, before it
    # (18:49 EDT) on 14 March 2027, the day the clocks go forward.
    assert at(boston, "2027-03-13T23:30")
    assert not at(boston, "2027-03-14T22:30")
    assert at(boston, "2027-03-14T23:00")  # 19:00 EDT
    assert at(boston, "2027-03-14T10:30")  # 06:30 EDT, before sunrise
    assert not at(boston, "2027-03-14T11:30")


def test_without_a_location_the_hours_decide_on_the_wall_clock_across_the_change():
    clock = Settings.from_env({"hotline_timezone": "America/New_York", }, environ={"SAFETY_AFTER_HOUR": "19"})
    assert not at(clock, "2027-03-13T23:30")  # 18:30 EST
    assert at(clock, "2027-03-14T23:30")  # 19:30 EDT: the same UTC hour, an hour later on the wall
    assert at(clock, "2027-03-14T09:30")  # 05:30 EDT, before SAFETY_UNTIL_HOUR
    assert not at(clock, "2027-03-14T10:30")  # 06:30 EDT
    assert not daylight.by_the_clock(12, 19, 19)  # the same hour twice: never dark


def test_a_done_on_the_daylight_saving_day_asks_by_the_sunset(settings, db):
    app = create_app(replace(settings, hotline_location=BOSTON))
    try:
        with time_machine.travel(datetime(2027, 3, 13, 15, 0, tzinfo=timezone.utc), tick=False) as clock:
            helper, code = claimed_visit(app, db)
            clock.move_to(datetime(2027, 3, 14, 22, 30, tzinfo=timezone.utc))  # 18:30 EDT, sun still up
            assert "OK" not in helper.text(f"DONE {code}")
            other, second = claimed_visit(app, db, number="+16175554009", name="Lee", resident="+15551230009")
            clock.move_to(datetime(2027, 3, 14, 23, 15, tzinfo=timezone.utc))  # 19:15 EDT, after sunset
            assert "Please reply OK when you are home" in other.text(f"DONE {second}")
            clock.shift(61 * 60)
            run_due(app)
            assert len(alerts(db)) == 1 and "7:15 PM" in alerts(db)[0]
    finally:
        app.extensions["hotline"].close()


@pytest.mark.parametrize("value", ["boston", "42.36", "91,0", "42.36,-181", "nan,0", "42.36;-71.06"])
def test_a_location_that_is_no_place_is_refused_at_start(value):
    with pytest.raises(UnsafeSettings, match="HOTLINE_LOCATION"):
        Settings.from_env({"hotline_location": value}, environ={})


def test_safety_hours_out_of_range_are_refused_at_start():
    with pytest.raises(UnsafeSettings, match="SAFETY_AFTER_HOUR"):
        Settings.from_env({}, environ={"SAFETY_AFTER_HOUR": "24"})
    with pytest.raises(UnsafeSettings, match="SAFETY_ANSWER_MINUTES"):
        Settings.from_env({}, environ={"SAFETY_ANSWER_MINUTES": "-5"})


def test_on_the_job_queue_the_unanswered_question_alerts_once_at_its_time(harness):
    from .scenario import VOLUNTEER, food_run

    code = food_run(harness)
    helper = Phone(harness.client, VOLUNTEER)
    helper.text(code)
    harness.clock.move_to(LATE)
    assert "Please reply OK when you are home" in helper.text(f"DONE {code}")
    harness.settle(50 * 60)
    assert harness.fake.sent_to(COORDINATOR) == []
    harness.settle(3 * 3600)
    [alert] = harness.fake.sent_to(COORDINATOR)
    assert "has not yet said they are home" in alert["body"]


SHIPPED = ("en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl")


@pytest.mark.parametrize("code", SHIPPED)
def test_the_word_the_question_shows_answers_it_in_every_language(code):
    from hotline.config import PROJECT_ROOT
    from hotline.i18n import Translator, keywords as kw
    from hotline.i18n.answer_words import HOME_WORDS, YES, answers_for, home_word

    t = Translator(code, PROJECT_ROOT / "locales")
    answers = answers_for((code, "en"), str(PROJECT_ROOT / "locales"))
    shown = home_word(t)
    assert answers.says_home(shown) or answers.meaning(shown, whole=True) == YES, (code, shown)
    for word in t.pgettext(*HOME_WORDS).split("|"):
        assert answers.says_home(word), (code, word)
        assert word.upper() not in kw.CARRIER_WORDS, (code, word)
        # Never a command word: "LISTO" alone is a DONE without its code, not "I am home".
        assert kw.match_command(word, [t], tuple(kw.COMMANDS)) is None, (code, word)
        assert answers.meaning(word, whole=True) != "no", (code, word)
