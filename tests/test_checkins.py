"""Wellness check-ins: set up by text, asked at local time, answered, missed, tried again, looked in on."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from hotline import create_app, jobs, volunteers
from hotline.dispatch import checkins
from hotline.models import CheckIn, CheckInRound, Contact, Need, OutboxMessage

from .conftest import Phone

RESIDENT = "+15551230001"
HELPER = "+16175557001"
COORDINATOR = "+16175559999"
# Monday 7 December 2026, 10:00 in New York.
START = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(settings):
    app = create_app(replace(settings, coordinator_phones=(COORDINATOR,)))
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def resident(app):
    return Phone(app.test_client(), RESIDENT)


def run_due(app) -> None:
    app.extensions["hotline"].queue.drain()


def at(clock, app, year, month, day, hour, minute=0) -> None:
    """Move to a UTC moment and run what fell due."""
    clock.move_to(datetime(year, month, day, hour, minute, tzinfo=timezone.utc))
    run_due(app)


def sent(db, phone, kind=None, channel=None) -> list[str]:
    with db.session() as session:
        query = select(OutboxMessage.body).where(OutboxMessage.to == phone).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        if channel:
            query = query.where(OutboxMessage.channel == channel)
        return list(session.scalars(query))


def rounds(db) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(r.wall, r.status) for r in session.scalars(select(CheckInRound).order_by(CheckInRound.id))]


def plan(db) -> CheckIn | None:
    with db.session() as session:
        return session.scalars(select(CheckIn)).first()


def add_helper(db, phone=HELPER, name="Dana", languages="en,es"):
    with db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone=phone, first_name=name, skills="health", languages=languages, areas="02139",
            consent_method="test", status="active"))


def set_up_daily(resident, *, time="9 am", who="2", where=None, name="Ana") -> str:
    assert "How often" in resident.text("CHECKIN")
    assert "time" in resident.text("1")
    assert "text or by phone call" in resident.text(time)
    assert "look in" in resident.text("1")
    reply = resident.text(who)
    if where is not None:
        assert "Where should they come" in reply
        reply = resident.text(where)
    assert "What name" in reply
    return resident.text(name)


def test_a_resident_sets_up_daily_check_ins_at_9_by_text(app, db, clock, resident):
    done = set_up_daily(resident)
    assert "every day at 9:00 AM" in done and "Dec 8, 9:00 AM" in done
    assert "PAUSE CHECKINS" in done and "STOP CHECKINS" in done
    found = plan(db)
    assert (found.days, found.local_time, found.channel, found.escalate_to, found.name) == (
        "0123456", "09:00", "sms", "coordinators", "Ana")
    assert found.next_at == datetime(2026, 12, 8, 14, 0, tzinfo=timezone.utc)


def test_a_daily_check_in_is_asked_at_9_local_and_answered_with_1(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 13, 59)
    assert sent(db, RESIDENT, "checkin") == []
    at(clock, app, 2026, 12, 8, 14, 0)
    assert sent(db, RESIDENT, "checkin") == [
        "Good morning Ana, checking in. Reply 1 if you are OK, 2 if you would like a neighbour to call."]
    assert resident.text("1") == "Thank you. We are glad you are OK."
    assert rounds(db) == [("2026-12-08T09:00", "ok")]
    # Nothing more that day: no second try, no look-in.
    at(clock, app, 2026, 12, 8, 18, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 1
    with db.session() as session:
        assert session.scalars(select(Need)).all() == []
    # And the next morning again.
    at(clock, app, 2026, 12, 9, 14, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 2


def test_ok_in_words_answers_a_check_in(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 14, 0)
    assert "glad you are OK" in resident.text("ok")
    assert rounds(db) == [("2026-12-08T09:00", "ok")]


def test_a_missed_check_in_is_tried_again_by_call_and_answered_with_a_key(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 14, 0)
    at(clock, app, 2026, 12, 8, 14, 30)
    calls = sent(db, RESIDENT, "checkin", channel="call")
    assert calls == ["Good morning Ana, this is the hotline, checking in."]
    assert rounds(db) == [("2026-12-08T09:00", "retried")]
    with db.session() as session:
        call_id = session.scalar(select(OutboxMessage.id).where(OutboxMessage.channel == "call"))
    from hotline.voice import placed

    hotline = app.extensions["hotline"]
    twiml = placed.call_twiml(hotline.db, hotline.settings, call_id)
    assert "Press 1 if you are OK" in twiml
    said = placed.answer(hotline.db, hotline.settings, call_id, "1")
    assert "glad you are OK" in said
    assert rounds(db) == [("2026-12-08T09:00", "ok")]
    at(clock, app, 2026, 12, 8, 16, 0)
    with db.session() as session:
        assert session.scalars(select(Need)).all() == []


def test_missed_twice_the_chosen_neighbour_is_asked_to_look_in_and_claims_it(app, db, clock, resident):
    add_helper(db)
    set_up_daily(resident, who="1", where="12 Elm St, 02139")
    at(clock, app, 2026, 12, 8, 14, 0)
    at(clock, app, 2026, 12, 8, 14, 30)
    assert sent(db, HELPER) == []
    at(clock, app, 2026, 12, 8, 15, 0)
    assert rounds(db) == [("2026-12-08T09:00", "escalated")]
    offer = sent(db, HELPER, "offer")[-1]
    assert "Check-in visit" in offer and "12 Elm" not in offer and RESIDENT not in offer
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert (need.category, need.attention) == ("checkin", "checkin_missed")
    code = re.search(r"\b(\d{3})\b", offer).group(1)
    helper = Phone(app.test_client(), HELPER)
    claimed = helper.text(code)
    assert "is yours" in claimed and "12 Elm St" in claimed and RESIDENT not in claimed
    # On the "needs a person" list until it is closed; DONE closes it.
    helper.text(f"DONE {code}")
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.status == "done" and need.attention is None


def test_missed_twice_with_coordinators_chosen_they_are_told_and_it_waits_for_a_person(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 14, 0)
    at(clock, app, 2026, 12, 8, 14, 30)
    at(clock, app, 2026, 12, 8, 15, 0)
    told = sent(db, COORDINATOR)
    assert len(told) == 1 and "no answer to a check-in" in told[0] and RESIDENT not in told[0]
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.attention == "checkin_missed"
    # A late 1 from the resident: glad, and the look-in nobody has started is withdrawn.
    assert "glad you are OK" in resident.text("1")
    with db.session() as session:
        assert session.scalars(select(Need)).one().status == "withdrawn"


def test_2_asks_for_a_neighbour_to_call_at_once(app, db, clock, resident):
    add_helper(db)
    set_up_daily(resident, who="1", where="12 Elm St, 02139")
    at(clock, app, 2026, 12, 8, 14, 0)
    reply = resident.text("2")
    assert "asking a neighbour to call you" in reply
    assert rounds(db) == [("2026-12-08T09:00", "help")]
    assert len(sent(db, HELPER, "offer")) == 1
    # No second try and no look-in for an answered check-in.
    at(clock, app, 2026, 12, 8, 16, 0)
    assert sent(db, RESIDENT, "checkin", channel="call") == []


def test_check_ins_stay_at_9_local_across_the_spring_daylight_saving_change(app, db, resident):
    # Friday 12 March 2027, EST (UTC-5); the clocks go forward on Sunday 14 March.
    with time_machine.travel(datetime(2027, 3, 12, 15, 0, tzinfo=timezone.utc), tick=False) as clock:
        set_up_daily(resident)
        at(clock, app, 2027, 3, 13, 14, 0)  # Saturday 9:00 EST
        assert len(sent(db, RESIDENT, "checkin")) == 1
        resident.text("1")
        at(clock, app, 2027, 3, 14, 12, 59)  # Sunday 8:59 EDT: not yet
        assert len(sent(db, RESIDENT, "checkin")) == 1
        # Sunday 9:00 EDT is 13:00 UTC: asked then, not at 14:00 UTC (10:00 on the clock).
        at(clock, app, 2027, 3, 14, 13, 0)
        assert len(sent(db, RESIDENT, "checkin")) == 2
        assert rounds(db)[-1][0] == "2027-03-14T09:00"
        with db.session() as session:
            assert session.scalars(select(CheckInRound).order_by(CheckInRound.id.desc())).first().due_at == \
                datetime(2027, 3, 14, 13, 0, tzinfo=timezone.utc)
        resident.text("1")
        assert plan(db).next_at == datetime(2027, 3, 15, 13, 0, tzinfo=timezone.utc)


def test_no_stale_check_in_is_sent_hours_late_after_an_outage(app, db, clock, resident):
    set_up_daily(resident)
    # The worker was down from before 9:00 until noon: the morning's check-in is skipped, not sent.
    clock.move_to(datetime(2026, 12, 8, 17, 0, tzinfo=timezone.utc))
    jobs.run("checkin_sweep")
    run_due(app)
    assert sent(db, RESIDENT, "checkin") == []
    assert rounds(db) == [("2026-12-08T09:00", "skipped")]
    assert sent(db, COORDINATOR) == []
    # The next morning goes out as usual.
    at(clock, app, 2026, 12, 9, 14, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 1


def test_pause_until_a_date_then_check_ins_come_back(app, db, clock, resident):
    set_up_daily(resident)
    reply = resident.text("PAUSE CHECKINS Dec 10")
    assert "paused until Thursday, December 10" in reply
    at(clock, app, 2026, 12, 8, 14, 0)
    at(clock, app, 2026, 12, 9, 14, 0)
    assert sent(db, RESIDENT, "checkin") == []
    clock.move_to(datetime(2026, 12, 10, 5, 1, tzinfo=timezone.utc))
    jobs.run("checkin_sweep")
    at(clock, app, 2026, 12, 10, 14, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 1


def test_pause_until_they_write_again_and_checkin_starts_them(app, db, clock, resident):
    set_up_daily(resident)
    assert "Reply CHECKIN to start them again" in resident.text("pause checkins")
    at(clock, app, 2026, 12, 8, 14, 0)
    assert sent(db, RESIDENT, "checkin") == []
    assert "back on" in resident.text("CHECKIN")
    at(clock, app, 2026, 12, 9, 14, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 1


def test_stop_checkins_ends_them(app, db, clock, resident):
    set_up_daily(resident)
    assert "stopped" in resident.text("STOP CHECKINS")
    at(clock, app, 2026, 12, 8, 14, 0)
    assert sent(db, RESIDENT, "checkin") == []
    assert plan(db).status == "stopped"
    assert "no check-ins" in resident.text("STOP CHECKINS")


def test_a_stop_while_a_check_in_waits_never_escalates(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 14, 0)
    resident.text("STOP CHECKINS")
    at(clock, app, 2026, 12, 8, 16, 0)
    assert sent(db, RESIDENT, "checkin", channel="call") == [] and sent(db, COORDINATOR) == []


def test_the_carrier_stop_stops_check_ins(app, db, clock, resident):
    set_up_daily(resident)
    resident.text("STOP")
    assert plan(db).status == "stopped"
    at(clock, app, 2026, 12, 8, 14, 0)
    assert sent(db, RESIDENT, "checkin") == []


def test_changing_the_time_by_text(app, db, clock, resident):
    set_up_daily(resident)
    assert "What would you like to change" in resident.text("CHECKIN")
    assert "time" in resident.text("1")
    reply = resident.text("10:30 am")
    assert "every day at 10:30 AM" in reply
    at(clock, app, 2026, 12, 8, 14, 0)
    assert sent(db, RESIDENT, "checkin") == []
    at(clock, app, 2026, 12, 8, 15, 30)
    assert len(sent(db, RESIDENT, "checkin")) == 1


def test_a_time_at_night_or_unreadable_is_asked_again(app, db, clock, resident):
    resident.text("CHECKIN")
    resident.text("1")
    assert "between 7:00 AM and 9:00 PM" in resident.text("3 am")
    assert "could not read a time" in resident.text("whenever")
    assert "text or by phone call" in resident.text("nine am")


def test_some_weekdays_and_weekly(app, db, clock, resident):
    resident.text("CHECKIN")
    assert "Which days" in resident.text("2")
    assert "time" in resident.text("1 3 5")
    resident.text("9")
    resident.text("1")
    resident.text("2")
    done = resident.text("0")
    assert "Mon, Wed, Fri at 9:00 AM" in done
    assert plan(db).days == "024"


def test_a_spanish_resident_sets_up_check_ins_at_nueve_de_la_manana(app, db, clock):
    with app.extensions["hotline"].db.session() as session:
        session.add(Contact(phone=RESIDENT, language="es", language_source="chosen"))
    phone = Phone(app.test_client(), RESIDENT)
    phone.text("CHEQUEO")
    phone.text("1")
    phone.text("nueve de la mañana")
    phone.text("1")
    phone.text("2")
    phone.text("Ana")
    assert plan(db).local_time == "09:00"
    at(clock, app, 2026, 12, 8, 14, 0)
    asked = sent(db, RESIDENT, "checkin")[0]
    assert "Ana" in asked and "1" in asked and "2" in asked
    assert "Gracias" in phone.text("sí")


def test_delete_erases_check_ins_and_keeps_only_an_anonymous_count_of_them(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 14, 0)
    resident.text("1")
    resident.text("DELETE")
    resident.text("1")
    with db.session() as session:
        assert session.scalars(select(CheckIn)).all() == []
        # The round stays for the public count, tied to nobody: no plan, no answer, a random mark.
        (kept,) = session.scalars(select(CheckInRound)).all()
        assert kept.checkin_id is None and kept.answer is None and kept.answer_channel is None
        assert kept.need_id is None and re.fullmatch(r"[0-9a-f]{16}", kept.erased_plan)


def test_settings_refuse_check_in_hours_that_leave_no_time(settings):
    from hotline.config import problems

    assert any("CHECKIN_LATEST_HOUR" in p for p in problems(replace(settings, checkin_earliest_hour=21,
                                                                         checkin_latest_hour=7)))


def test_save_refuses_bad_days_and_times(app, db, clock):
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        contact = Contact(phone=RESIDENT)
        session.add(contact)
        session.flush()
        for days, time_, code in (("", "09:00", "days"), ("8", "09:00", "days"), ("0", "25:00", "time"),
                                  ("0", "03:00", "hours")):
            with pytest.raises(checkins.CheckInError) as found:
                checkins.save(session, settings, contact, START, days=days, local_time=time_)
            assert found.value.code == code


# -- the console --------------------------------------------------------------------------------

from .console import post, sign_in, signed_in, text  # noqa: E402

CONSOLE_FORM = {"phone": "(555) 123-0001", "language": "es", "days": ["0", "2", "4"], "time": "09:30",
                "channel": "call", "escalate_to": "coordinators", "volunteer_id": "", "location": "", "name": "Ana"}


def test_a_coordinator_sets_up_check_ins_for_a_resident_and_sees_them_asked_and_answered(app, db, clock):
    client = signed_in(app, db, "coordinator")
    response = post(client, "/checkins", CONSOLE_FORM)
    assert response.status_code == 302
    found = plan(db)
    assert (found.days, found.local_time, found.channel, found.name, found.created_by) == (
        "024", "09:30", "call", "Ana", "coordinator@example.org")
    with db.session() as session:
        assert session.get(Contact, found.contact_id).language == "es"
    page = text(client.get(response.headers["Location"]))
    assert "***0001" in page and RESIDENT not in page and "No check-in has been asked yet" in page
    # Wednesday 9:30 in New York: a call, in Spanish.
    at(clock, app, 2026, 12, 9, 14, 30)
    calls = sent(db, RESIDENT, "checkin", channel="call")
    assert calls == ["Buenos días, Ana: le llama la línea de ayuda para saber cómo está."]
    hotline = app.extensions["hotline"]
    from hotline.voice import placed

    with db.session() as session:
        call_id = session.scalar(select(OutboxMessage.id).where(OutboxMessage.channel == "call"))
    placed.answer(hotline.db, hotline.settings, call_id, "1")
    sign_in(client, "coordinator@example.org")  # a day later: the console session had ended
    page = text(client.get(f"/checkins/{found.id}"))
    assert "Answered: OK" in page


def test_the_console_history_shows_missed_and_escalated_with_the_look_in(app, db, clock, resident):
    set_up_daily(resident)
    at(clock, app, 2026, 12, 8, 14, 0)
    at(clock, app, 2026, 12, 8, 14, 30)
    at(clock, app, 2026, 12, 8, 15, 0)
    client = signed_in(app, db, "coordinator")
    page = text(client.get(f"/checkins/{plan(db).id}"))
    assert "Missed: someone asked to look in" in page
    with db.session() as session:
        ref = session.scalars(select(Need)).one().ref
    assert ref in page
    queue = text(client.get("/needs"))
    assert "No answer to a check-in: someone should look in" in queue


def test_viewers_see_no_check_ins(app, db, clock, resident):
    set_up_daily(resident)
    client = signed_in(app, db, "viewer")
    assert client.get("/checkins").status_code == 403
    assert client.get(f"/checkins/{plan(db).id}").status_code == 403
    assert "Check-ins" not in text(client.get("/needs"))


@pytest.mark.parametrize("change, field", [
    ({"phone": "12"}, "not a phone number"),
    ({"days": []}, "Pick at least one day"),
    ({"days": ["9"]}, "Pick at least one day"),
    ({"time": "3 pm"}, "hours and minutes"),
    ({"time": "03:00"}, "when nobody is woken"),
    ({"channel": "fax"}, "text or phone call"),
    ({"escalate_to": "police"}, "who is asked"),
    ({"volunteer_id": "99999"}, "cannot be given tasks"),
    ({"escalate_to": "volunteer", "location": ""}, "where to go"),
    ({"name": "A" * 65}, "at most 64"),
    ({"language": "xx"}, "Choose one of the"),
])
def test_a_bad_console_form_is_refused_with_a_clear_400_and_keeps_what_was_typed(app, db, clock, change, field):
    client = signed_in(app, db, "coordinator")
    response = post(client, "/checkins", {**CONSOLE_FORM, **change})
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page and field in page
    assert plan(db) is None
    if "name" not in change:
        assert 'value="Ana"' in response.get_data(as_text=True)


def test_a_coordinator_changes_the_time_and_stops_check_ins(app, db, clock, resident):
    set_up_daily(resident)
    client = signed_in(app, db, "coordinator")
    checkin_id = plan(db).id
    response = post(client, f"/checkins/{checkin_id}", {
        "days": list("0123456"), "time": "11:00", "channel": "sms", "escalate_to": "coordinators", "name": "Ana"})
    assert response.status_code == 302
    assert plan(db).local_time == "11:00"
    bad = post(client, f"/checkins/{checkin_id}", {"days": [], "time": "11:00", "channel": "sms",
                                                   "escalate_to": "coordinators"})
    assert bad.status_code == 400 and plan(db).days == "0123456"
    at(clock, app, 2026, 12, 8, 14, 0)
    assert sent(db, RESIDENT, "checkin") == []
    at(clock, app, 2026, 12, 8, 16, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 1
    sign_in(client, "coordinator@example.org")
    assert post(client, f"/checkins/{checkin_id}/stop").status_code == 302
    assert plan(db).status == "stopped"
    at(clock, app, 2026, 12, 9, 16, 0)
    assert len(sent(db, RESIDENT, "checkin")) == 1
    from hotline.models import AuditEntry

    with db.session() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        entries = [e.after for e in session.scalars(select(AuditEntry))]
    assert "checkin_changed" in actions and "checkin_stop" in actions
    assert all(RESIDENT not in str(after) for after in entries)


def test_someone_checked_on_is_not_erased_as_an_idle_number(app, db, clock, resident):
    from datetime import timedelta

    from hotline.privacy import retention

    set_up_daily(resident)
    settings = app.extensions["hotline"].settings
    later = START + timedelta(days=settings.retain_idle_contacts_days + 10)
    with db.session() as session:
        retention.purge(session, settings, later)
    assert plan(db) is not None
    resident.text("STOP CHECKINS")
    with db.session() as session:
        retention.purge(session, settings, later + timedelta(days=settings.retain_idle_contacts_days + 10))
    assert plan(db) is None



def test_check_ins_run_from_the_job_queue_text_then_call_then_coordinators(harness):
    """Through RQ (with its scheduler) and the in-process queue alike: the jobs are scheduled for their moments."""
    harness.hotline.settings = replace(harness.hotline.settings, coordinator_phones=(COORDINATOR,))
    harness.clock.move_to(START)
    phone = Phone(harness.client, RESIDENT)
    set_up_daily(phone)
    harness.run_jobs()
    # Tuesday 8 December: 9:00 in New York is 14:00 UTC.
    harness.settle((datetime(2026, 12, 8, 13, 59, tzinfo=timezone.utc) - START).total_seconds())
    assert harness.fake.sent_to(RESIDENT) == []
    harness.settle(120)
    texts = [m["body"] for m in harness.fake.sent_to(RESIDENT)]
    assert texts == ["Good morning Ana, checking in. Reply 1 if you are OK, 2 if you would like a neighbour to call."]
    harness.settle(31 * 60)
    assert len(harness.fake.calls_to(RESIDENT)) == 1
    harness.settle(31 * 60)
    told = [m["body"] for m in harness.fake.sent_to(COORDINATOR)]
    assert len(told) == 1 and "no answer to a check-in" in told[0]
    with harness.db.session() as session:
        assert [r.status for r in session.scalars(select(CheckInRound))] == ["escalated"]


@pytest.mark.parametrize("code", ["en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl"])
def test_every_check_in_text_fits_two_segments_with_the_languages_own_days_and_times(app, db, clock, code):
    """The catalogs' budget check uses English sample values; these are the language's own, at their longest."""
    from hotline.flows import checkin as flow
    from hotline.flows.engine import Ctx
    from hotline.models import Conversation
    from hotline.sms import count_segments
    from hotline.dispatch import checkin_words

    settings = app.extensions["hotline"].settings
    with db.session() as session:
        contact = Contact(phone=RESIDENT, language=code)
        conversation = Conversation(contact=contact, flow="home", step="idle", data={})
        session.add_all([contact, conversation])
        session.flush()
        ctx = Ctx(session, settings, contact, conversation, "sms", START)
        longest = max((flow.schedule_words(ctx, days, "10:30") for days in ("012345", "0123456", "6", "0246")),
                      key=len)
        plan_ = checkins.save(session, settings, contact, START, days="012345", local_time="10:30", name="Guadalupe")
        ctx.say(flow.set_note(ctx, longest, flow._when(ctx, plan_.next_at)))
        assert flow.set_note(ctx, flow.schedule_words(ctx, "0123456", "09:00"), flow._when(ctx, plan_.next_at)).endswith(
            ctx._("Reply %(pausecheckins)s for a break, %(stopcheckins)s to end them.",
                  pausecheckins=ctx.word("pausecheckins"), stopcheckins=ctx.word("stopcheckins"))), code
        ctx.say(ctx._("Your check-ins: %(schedule)s. What would you like to change?", schedule=longest))
        flow._paused_note(ctx, datetime(2026, 12, 23).date())
        for hour in (9, 14, 20):
            ctx.say(checkin_words.question(ctx.translator(), "Guadalupe", hour))
        texts = [flow.tidy(note) for note in ctx.notes]
    for text_ in texts:
        assert count_segments(text_).segments <= 2, (code, text_)
        assert ".." not in text_, text_


def test_check_ins_are_among_what_goes_out_when_the_text_budget_is_used_up(app, db, clock, resident):
    from hotline.outbound import budget

    assert "checkin" in budget.ESSENTIAL


def test_my_data_tells_of_the_check_ins_kept(app, db, clock, resident):
    set_up_daily(resident)
    assert "Check-ins: every day at 9:00 AM." in resident.text("MY DATA")


def test_a_caller_sets_up_check_ins_by_saying_check_in(app, db, clock, call):
    c = call(RESIDENT).silence()
    c = c.say("check in")
    assert "How often" in c.text
    c = c.press("1").say("9 am").press("2").press("2")
    assert "Say it, or say no to skip" in c.text
    c = c.say("Ana").press("1")
    assert "Check-ins are set: every day at 9:00 AM" in c.text
    found = plan(db)
    assert (found.local_time, found.channel, found.escalate_to, found.name) == ("09:00", "call", "coordinators", "Ana")


def test_pause_checkins_until_12_20_pauses_until_december_20(app, db, clock, resident):
    set_up_daily(resident)
    reply = resident.text("PAUSE CHECKINS 12/20")
    until = plan(db).paused_until
    assert until is not None, reply
    assert until.astimezone(ZoneInfo("America/New_York")).date().day == 20, reply


def test_check_ins_by_text_end_when_the_number_opted_out_at_the_carrier(app, db, clock, resident):
    """A STOP the carrier took without the hotline seeing it (a send refused with 21610) ends them too."""
    set_up_daily(resident)
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == RESIDENT)).one()
        contact.opted_out = True
    clock.shift(timedelta(days=1))
    jobs.checkin_sweep()
    assert plan(db).status == checkins.STOPPED


def test_masked_numbers_read_in_dialling_order_on_an_arabic_console_page(app, db, clock):
    client = signed_in(app, db, "coordinator")
    response = post(client, "/checkins", CONSOLE_FORM)
    arabic = client.get("/checkins?lang=ar").get_data(as_text=True)
    # Wrapped in a left-to-right isolate: an Arabic page would show "0001***" otherwise.
    assert "\u2066***0001\u2069" in arabic and 'dir="rtl"' in arabic
    assert "\u2066" not in client.get("/checkins?lang=es").get_data(as_text=True)
    assert response.status_code == 302
