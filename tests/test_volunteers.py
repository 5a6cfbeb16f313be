"""Volunteers: sign-up, vetting, matching, waves, claims, commands and the masked relay."""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from hotline import create_app, dispatch, jobs, matching, needs, volunteers
from hotline.cli import main
from hotline.models import Contact, Need, Offer, OutboxMessage, Volunteer

from .conftest import Phone

RESIDENT = "+15551230000"
# A Tuesday, 15:00 in New York: everyone's available and awake.
AFTERNOON = "2026-03-03 20:00:00+00:00"


def add_volunteer(db, phone, name, *, skills="food", languages="en", areas="02139", availability="any",
                  status="active", cap=None, wheelchair=False, **extra):
    with db.session() as session:
        v = volunteers.save(session, volunteers.VolunteerSpec(
            phone=phone, first_name=name, skills=skills, languages=languages, areas=areas,
            availability=availability, weekly_cap=cap, wheelchair_vehicle=wheelchair,
            consent_method="test", status=status))
        for key, value in extra.items():
            setattr(v, key, value)
        return v.id


def sent_to(db, phone, kind=None) -> list[str]:
    with db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.to == phone).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return [m.body for m in session.scalars(query)]


def offered_to(db, need_ref=None) -> list[str]:
    with db.session() as session:
        query = select(Contact.phone).join(Volunteer, Volunteer.contact_id == Contact.id).join(
            Offer, Offer.volunteer_id == Volunteer.id).order_by(Offer.id)
        if need_ref:
            query = query.join(Need, Need.id == Offer.need_id).where(Need.ref == need_ref)
        return list(session.scalars(query))


def request_food(phone: Phone, place="Elm St, 02139", details="groceries for 3", language="1") -> str:
    phone.text("hi")
    phone.text(language)
    phone.text("1")
    phone.text(details)
    phone.text(place)
    return phone.text("1")


def code_in(text: str) -> str:
    return re.search(r"\b(\d{3})\b", text).group(1)


def the_need(db) -> Need:
    with db.session() as session:
        return session.scalars(select(Need).order_by(Need.id.desc())).first()


@pytest.fixture
def travel():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


# -- joining -------------------------------------------------------------------------------

def test_texting_volunteer_signs_up_and_waits_for_a_coordinator(make_phone, db):
    phone = make_phone("+15559870001")
    phone.text("hi"); phone.text("1")
    assert "What is your first name?" in phone.text("VOLUNTEER")
    assert "What can you help with?" in phone.text("Ana")
    assert "Which languages" in phone.text("1 2")
    assert "ZIP codes or neighborhoods" in phone.text("1 2")
    assert "When can you usually help?" in phone.text("02139, Riverside")
    assert "Do you agree" in phone.text("2 4")
    assert "A coordinator will check and confirm you soon" in phone.text("1")
    with db.session() as session:
        v = session.scalars(select(Volunteer)).one()
        assert v.first_name == "Ana" and v.status == "pending"
        assert {s.skill for s in v.skills} == {"driving", "food"}
        assert {lang.language for lang in v.languages} == {"en", "es"}
        assert {a.area for a in v.areas} >= {"02139", "riverside"}
        assert not v.any_time and {a.weekday for a in v.availability} == {0, 1, 2, 3, 4, 5, 6}
        assert v.consent_at is not None and v.consent_method == "sms sign-up"


def test_spanish_word_starts_sign_up_and_auto_approve_skips_vetting(settings, db):
    app = create_app(replace(settings, volunteer_auto_approve=True))
    phone = Phone(app.test_client(), "+15559870002")
    phone.text("español")
    assert "primer nombre" in phone.text("VOLUNTARIO")
    phone.text("Luis"); phone.text("1"); phone.text("2"); phone.text("02139"); phone.text("1")
    assert "Luis" in phone.text("1")
    with db.session() as session:
        assert session.scalars(select(Volunteer.status)).one() == "active"
    app.extensions["hotline"].close()


def test_vietnamese_word_starts_sign_up_and_every_language_list_stays_within_two_segments(make_phone, db):
    from hotline.flows.engine import enabled_languages
    from hotline.sms import count_segments

    english = make_phone("+15559870004")
    english.text("hi"); english.text("1"); english.text("volunteer"); english.text("Ana")
    languages = english.text("1")
    assert count_segments(languages).segments <= 2
    vietnamese = [i for i, lang in enumerate(enabled_languages(english.client.application.extensions["hotline"].settings), 1)
                  if lang.code == "vi"][0]
    assert "ZIP codes" in english.text(f"1 {vietnamese}")
    phone = make_phone("+15559870005")
    phone.text("Tiếng Việt")
    assert "Tên bạn là gì?" in phone.text("TINHNGUYEN")
    phone.text("Lan")
    assert f"{vietnamese} Tiếng Việt" in phone.text("1")
    for answer in (str(vietnamese), "Westminster", "1"):
        phone.text(answer)
    assert "Lan" in phone.text("1")
    with db.session() as session:
        found = {v.first_name: {lang.language for lang in v.languages}
                 for v in session.scalars(select(Volunteer))}
    assert found["Lan"] == {"vi"}


def test_declining_consent_saves_nothing(make_phone, db):
    phone = make_phone("+15559870003")
    phone.text("hi"); phone.text("1"); phone.text("volunteer")
    for answer in ("Bo", "1", "1", "02139", "1"):
        phone.text(answer)
    assert "change your mind" in phone.text("2")
    with db.session() as session:
        assert session.scalars(select(Volunteer)).first() is None


def test_cli_adds_approves_pauses_removes_and_lists(database_url, db):
    env = {"DATABASE_URL": database_url}
    runner = CliRunner()
    result = runner.invoke(main, ["volunteers", "add", "617-555-0101", "--name", "Maya", "--skills", "food,driving",
                                  "--languages", "en,es", "--areas", "02139, Riverside"], env=env)
    assert result.exit_code == 0, result.output
    assert "***0101" in result.output and "pending" in result.output
    assert "now active" in runner.invoke(main, ["volunteers", "approve", "+16175550101"], env=env).output
    assert sent_to(db, "+16175550101", "welcome")
    assert "paused until" in runner.invoke(main, ["volunteers", "pause", "+16175550101", "--days", "3"], env=env).output
    listing = runner.invoke(main, ["volunteers", "list"], env=env).output
    assert "Maya" in listing and "paused" in listing and "6175550101" not in listing
    assert "now removed" in runner.invoke(main, ["volunteers", "remove", "+16175550101"], env=env).output


def test_cli_refuses_unknown_skills(database_url):
    result = CliRunner().invoke(main, ["volunteers", "add", "+16175550102", "--name", "X", "--skills", "juggling",
                                       "--areas", "02139"], env={"DATABASE_URL": database_url})
    assert result.exit_code != 0 and "unknown skill" in result.output


def test_csv_import_saves_good_rows_and_reports_bad_ones(database_url, db, tmp_path):
    path = tmp_path / "volunteers.csv"
    path.write_text(
        "phone,name,skills,languages,areas,availability,weekly_cap\n"
        "+16175550111,Ana,food,en,02139,any,2\n"
        "not a phone,Bo,food,en,02139,any,\n"
        "+16175550113,Cy,flying,en,02139,any,\n"
        "+16175550114,Di,driving,es,02140,mon-fri 9-17,\n"
        "+16175550115,Ed,food,en,,any,\n"
        "+16175550116,Flo,food,en,02139,sometimes,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["volunteers", "import", str(path)], env={"DATABASE_URL": database_url})
    assert "imported 2 of 6 row(s)" in result.output
    assert "line 3: not a phone number" in result.output
    assert "line 4: unknown skill 'flying'" in result.output
    assert "line 6: at least one area" in result.output
    assert "line 7: cannot read availability" in result.output
    assert result.exit_code == 1
    with db.session() as session:
        assert sorted(session.scalars(select(Volunteer.first_name))) == ["Ana", "Di"]


# -- matching ------------------------------------------------------------------------------

def criteria(db, **overrides):
    base = dict(skills=("food",), areas=("02139",), language="en",
                at=datetime(2026, 3, 3, 20, tzinfo=timezone.utc), now=datetime(2026, 3, 3, 20, tzinfo=timezone.utc),
                timezone="America/New_York")
    base.update(overrides)
    return matching.Criteria(**base)


def matched(db, **overrides) -> list[str]:
    with db.session() as session:
        return [v.first_name for v in matching.candidates(session, criteria(db, **overrides), 50)]


def test_matching_keeps_only_active_reachable_skilled_nearby_fluent_available_volunteers(db):
    add_volunteer(db, "+16175550201", "Ok")
    add_volunteer(db, "+16175550202", "Pending", status="pending")
    add_volunteer(db, "+16175550203", "Paused", status="paused")
    add_volunteer(db, "+16175550204", "Removed", status="removed")
    add_volunteer(db, "+16175550205", "OptedOut")
    add_volunteer(db, "+16175550206", "Driver", skills="driving")
    add_volunteer(db, "+16175550207", "Far", areas="90210")
    add_volunteer(db, "+16175550208", "Spanish", languages="es")
    add_volunteer(db, "+16175550209", "Weekends", availability="sat-sun 9-17")
    add_volunteer(db, "+16175550210", "Anywhere", areas="*")
    add_volunteer(db, "+16175550211", "PauseOver", status="paused",
                  paused_until=datetime(2026, 3, 1, tzinfo=timezone.utc))
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == "+16175550205")).one().opted_out = True
    assert sorted(matched(db)) == ["Anywhere", "Ok", "PauseOver"]
    assert "Spanish" in matched(db, language=None)
    assert "Far" in matched(db, areas=None)


def test_matching_respects_quiet_hours_unless_urgent(db):
    add_volunteer(db, "+16175550221", "Sleeper")
    night = datetime(2026, 3, 4, 3, tzinfo=timezone.utc)  # 22:00 in New York
    assert matched(db, now=night, at=night) == []
    assert matched(db, now=night, at=night, urgent=True) == ["Sleeper"]


def test_matching_respects_the_weekly_cap(db, travel):
    add_volunteer(db, "+16175550231", "Busy", cap=1)
    with db.session() as session:
        resident = Contact(phone=RESIDENT)
        session.add(resident)
        need = needs.create(session, resident, category="food", details="x", location="02139", language="en")
        v = session.scalars(select(Volunteer)).one()
        session.add(Offer(need=need, volunteer=v, code="123", status="done",
                          claimed_at=datetime.now(timezone.utc) - timedelta(days=2)))
    assert matched(db) == []
    travel.shift(timedelta(days=6))
    assert matched(db, now=datetime.now(timezone.utc), at=datetime.now(timezone.utc)) == ["Busy"]


def test_work_rotates_fairly_over_many_needs(db, settings, travel):
    for i in range(6):
        add_volunteer(db, f"+161755503{i:02d}", f"V{i}")
    counts: dict[str, int] = {}
    for n in range(12):
        with db.session() as session:
            resident = Contact(phone=f"+1555444{n:04d}", language="en")
            session.add(resident)
            need = needs.create(session, resident, category="food", details="x", location="02139", language="en")
            dispatch.start(session, settings, need, datetime.now(timezone.utc))
            first = session.scalars(select(Offer).where(Offer.need_id == need.id).order_by(Offer.id)).first()
            dispatch.claim(session, settings, first.volunteer, first.code, datetime.now(timezone.utc))
            counts[first.volunteer.first_name] = counts.get(first.volunteer.first_name, 0) + 1
        travel.shift(timedelta(minutes=1))
    assert sorted(counts.values()) == [2] * 6


# -- waves and escalation ------------------------------------------------------------------

def test_first_wave_offers_the_need_to_three_and_never_shows_the_address(db, phone, travel):
    for i in range(5):
        add_volunteer(db, f"+16175550{400 + i}", f"V{i}")
    done = request_food(phone, place="12 Elm St apt 4, 02139")
    assert "We are looking for a neighbor" in done
    assert len(offered_to(db)) == 3
    offer = sent_to(db, offered_to(db)[0], "offer")[0]
    assert "Food" in offer and "02139" in offer and "English" in offer and "groceries for 3" in offer
    assert "Elm" not in offer and "apt" not in offer
    assert re.search(r"Reply \d{3} to take it, or PASS \d{3} to skip", offer)
    assert the_need(db).status == "offered"


def test_an_offer_for_a_place_no_volunteer_named_says_the_place_comes_with_the_claim(db, phone, travel):
    for i in range(3):
        add_volunteer(db, f"+16175550{420 + i}", f"V{i}", areas="*")
    request_food(phone, place="behind the old church")
    offer = sent_to(db, offered_to(db)[0], "offer")[0]
    assert "place given when you take it" in offer and " near " not in offer and "church" not in offer


def test_volunteer_who_opts_out_while_the_first_wave_is_matched_is_not_offered_it(db, phone, travel, monkeypatch):
    from hotline.dispatch import waves

    numbers = [f"+16175550{450 + i}" for i in range(4)]
    for i, number in enumerate(numbers):
        add_volunteer(db, number, f"V{i}")
    real_choose, stopped = waves.choose, []

    def stop_arrives_after_the_match(session, settings, need, now):
        choice = real_choose(session, settings, need, now)
        if not stopped:
            # Between the wave's reading and its writing, the first one chosen texts STOP.
            stopped.append(choice.volunteers[0].contact.phone)
            with db.session() as other:
                other.scalars(select(Contact).where(Contact.phone == stopped[0])).one().opted_out = True
        return choice

    monkeypatch.setattr(waves, "choose", stop_arrives_after_the_match)
    request_food(phone)
    assert stopped == [numbers[0]]
    assert offered_to(db) == numbers[1:]
    assert sent_to(db, numbers[0]) == []


def test_next_wave_goes_out_when_nobody_claims_in_time_widening_the_area(db, phone, travel):
    for i in range(3):
        add_volunteer(db, f"+16175550{500 + i}", f"Near{i}", areas="02139")
    add_volunteer(db, "+16175550510", "NextZip", areas="02140")
    request_food(phone)
    assert len(offered_to(db)) == 3
    travel.shift(timedelta(minutes=14))
    jobs.run("dispatch_sweep")
    assert len(offered_to(db)) == 3
    travel.shift(timedelta(minutes=2))
    jobs.run("dispatch_sweep")
    assert offered_to(db)[-1] == "+16175550510"


def test_when_waves_run_out_coordinators_are_alerted_and_the_resident_told(settings, db, travel):
    app = create_app(replace(settings, coordinator_phones=("+16175559999",)))
    phone = Phone(app.test_client(), RESIDENT)
    add_volunteer(db, "+16175550601", "Only")
    request_food(phone)
    for _ in range(3):
        travel.shift(timedelta(minutes=16))
        jobs.run("dispatch_sweep")
    need = the_need(db)
    assert need.status == "unmet"
    alert = sent_to(db, "+16175559999", "alert")
    assert len(alert) == 1 and need.ref in alert[0]
    assert "taking longer than we hoped" in sent_to(db, RESIDENT, "update")[0]
    app.extensions["hotline"].close()


def test_nobody_to_ask_at_all_is_said_honestly_at_once(settings, db):
    app = create_app(replace(settings, coordinator_phones=("+16175559999",)))
    phone = Phone(app.test_client(), RESIDENT)
    done = request_food(phone)
    assert "No volunteer is free right now" in done
    assert sent_to(db, "+16175559999", "alert")
    assert sent_to(db, RESIDENT) == []
    app.extensions["hotline"].close()


def test_an_offer_that_fails_to_deliver_goes_to_the_next_volunteer_at_once(db, phone, travel):
    from hotline.outbound import events

    for i in range(4):
        add_volunteer(db, f"+16175550{700 + i}", f"V{i}")
    request_food(phone)
    first = offered_to(db)[0]
    with db.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.to == first)).one()
        events.publish("delivery_failed", session, message=row)
    assert len(offered_to(db)) == 4
    with db.session() as session:
        assert session.scalars(select(Offer.status).order_by(Offer.id)).first() == "failed"


def test_no_offer_in_quiet_hours_unless_urgent_and_the_morning_brings_it(db, phone):
    add_volunteer(db, "+16175550801", "Sleeper")
    with time_machine.travel("2026-03-04 03:00:00+00:00", tick=False) as traveller:  # 22:00 local
        assert "We are looking for a neighbor" in request_food(phone)
        assert offered_to(db) == []
        # Told once, the first time the volunteers are found resting: when they are asked, and whom to
        # call in an emergency.
        [resting] = sent_to(db, phone.number, "update")
        assert "are resting now" in resting and "911" in resting
        traveller.shift(timedelta(hours=1))
        jobs.run("dispatch_sweep")
        assert offered_to(db) == []  # still night
        assert len(sent_to(db, phone.number, "update")) == 1  # and not told again every hour
        traveller.shift(timedelta(hours=9))  # 08:00 local
        jobs.run("dispatch_sweep")
        assert offered_to(db) == ["+16175550801"]
    assert the_need(db).status == "offered"


def test_an_urgent_need_may_wake_a_volunteer(db, phone):
    add_volunteer(db, "+16175550802", "Sleeper")
    with time_machine.travel("2026-03-04 03:00:00+00:00", tick=False):
        request_food(phone)
        assert offered_to(db) == []
        with db.session() as session:
            need = session.scalars(select(Need)).one()
            need.urgent = True
            need.next_wave_at = datetime.now(timezone.utc)
        jobs.run("dispatch_sweep")
    assert offered_to(db) == ["+16175550802"]


# -- codes and claims ----------------------------------------------------------------------

def test_codes_are_three_digits_unique_among_a_volunteers_open_offers(db):
    add_volunteer(db, "+16175550901", "Solo", areas="*")
    with db.session() as session:
        v = session.scalars(select(Volunteer)).one()
        for n in range(300):
            code = dispatch.new_code(session, v.id)
            need = needs.create(session, Contact(phone=f"+1555333{n:04d}"), category="food", details="x",
                                location="x", language="en")
            session.add(Offer(need=need, volunteer=v, code=code, status="offered"))
            session.flush()
        open_codes = session.scalars(select(Offer.code).where(Offer.volunteer_id == v.id)).all()
    assert len(open_codes) == len(set(open_codes)) == 300
    assert all(re.fullmatch(r"[1-9]\d\d", c) for c in open_codes)


def test_claiming_gives_details_tells_the_resident_and_the_others(db, phone, make_phone, travel):
    for i in range(3):
        add_volunteer(db, f"+16175551{i:03d}", f"Vol{i}")
    request_food(phone, place="12 Elm St, 02139")
    winner_number = offered_to(db)[0]
    code = code_in(sent_to(db, winner_number, "offer")[0])
    reply = make_phone(winner_number).text(code)
    assert f"Task {code} is yours" in reply and "12 Elm St, 02139" in reply and "groceries for 3" in reply
    need = the_need(db)
    assert need.status == "claimed"
    told = sent_to(db, RESIDENT if phone.number == RESIDENT else phone.number, "claimed")[0]
    assert "Vol0" in told and need.ref in told
    for other in offered_to(db)[1:]:
        assert "was taken by another volunteer" in sent_to(db, other, "taken")[0]
        other_code = code_in(sent_to(db, other, "offer")[0])
        assert "already taken" in make_phone(other).text(other_code)


def test_unknown_and_closed_codes_get_a_clear_answer(db, make_phone, phone, travel):
    add_volunteer(db, "+16175552001", "Vee")
    volunteer = make_phone("+16175552001")
    assert "There is no task 999 for you" in volunteer.text("999")
    request_food(phone)
    code = code_in(sent_to(db, "+16175552001", "offer")[0])
    phone.text("STATUS"); phone.text("1"); phone.text("1")  # the resident withdraws it
    assert f"Task {code} is closed" in volunteer.text(code)


@pytest.mark.parametrize("capacity", [1, 3])
def test_twenty_volunteers_claiming_at_once_give_exactly_capacity_winners(settings, db, capacity):
    app = create_app(replace(settings, wave_size=20))
    with time_machine.travel(AFTERNOON, tick=False):
        numbers = [f"+16175553{i:03d}" for i in range(20)]
        for i, number in enumerate(numbers):
            add_volunteer(db, number, f"V{i}")
        with db.session() as session:
            resident = Contact(phone=RESIDENT, language="en")
            session.add(resident)
            need = needs.create(session, resident, category="food", details="x", location="02139", language="en")
            need.capacity = capacity
            dispatch.start(session, replace(settings, wave_size=20), need, datetime.now(timezone.utc))
        codes = {n: code_in(sent_to(db, n, "offer")[0]) for n in numbers}
        barrier = threading.Barrier(20)
        replies: dict[str, str] = {}

        def claim(number: str) -> None:
            client = app.test_client()
            barrier.wait()
            replies[number] = Phone(client, number).text(codes[number])

        threads = [threading.Thread(target=claim, args=(n,)) for n in numbers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    winners = [n for n, r in replies.items() if "is yours" in r]
    losers = [n for n, r in replies.items() if "already taken" in r]
    assert len(winners) == capacity and len(losers) == 20 - capacity, replies
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.claimed_count == capacity and need.status == "claimed"
        assert len(session.scalars(select(Offer).where(Offer.status == "claimed")).all()) == capacity
    app.extensions["hotline"].close()


# -- volunteer commands --------------------------------------------------------------------

def claimed_task(db, phone, make_phone, number="+16175554001", name="Rosa", languages="en"):
    add_volunteer(db, number, name, languages=languages + ",es" if languages == "en" else languages)
    request_food(phone)
    code = code_in(sent_to(db, number, "offer")[0])
    volunteer = make_phone(number)
    volunteer.text(code)
    return volunteer, code


def test_pass_declines_and_an_empty_wave_moves_on_at_once(db, phone, make_phone, travel):
    add_volunteer(db, "+16175554101", "A")
    add_volunteer(db, "+16175554102", "B", areas="02140")
    request_food(phone)
    code = code_in(sent_to(db, "+16175554101", "offer")[0])
    assert f"passed on task {code}" in make_phone("+16175554101").text(f"pass {code}")
    assert offered_to(db) == ["+16175554101", "+16175554102"]


def test_done_closes_the_task_and_asks_the_resident(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    assert f"Task {code} is done" in volunteer.text(f"DONE {code}")
    need = the_need(db)
    assert need.status == "done"
    question = sent_to(db, phone.number, "followup")[0]
    assert "Rosa says request" in question and "Reply 1 for yes, 2 for no" in question
    assert "glad you got help" in phone.text("1")


def test_resident_who_did_not_get_help_is_offered_again(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    add_volunteer(db, "+16175554002", "Other")
    volunteer.text(f"DONE {code}")
    assert "look for someone else" in phone.text("2")
    assert the_need(db).status == "offered"
    assert "+16175554002" in offered_to(db)


def test_drop_gives_the_task_back_and_tells_the_resident(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    add_volunteer(db, "+16175554003", "Backup")
    assert f"task {code} is given back" in volunteer.text(f"drop {code}")
    assert "Rosa can no longer help" in sent_to(db, phone.number, "update")[0]
    assert the_need(db).status == "offered"
    assert offered_to(db)[-1] == "+16175554003"


def test_tasks_pause_and_resume(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    assert f"{code} Food 02139: yours" in volunteer.text("TASKS")
    assert "paused for 3 days" in volunteer.text("PAUSE 3")
    with db.session() as session:
        v = session.scalars(select(Volunteer)).one()
        assert v.status == "paused" and v.paused_until is not None
    assert "You will get offers again" in volunteer.text("resume")


def test_volunteer_commands_work_in_spanish_and_english(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone, languages="es")
    assert f"{code}" in volunteer.text("TAREAS")
    assert f"{code}" in volunteer.text(f"LISTO {code}")


def test_a_command_without_a_code_asks_for_it(db, make_phone):
    add_volunteer(db, "+16175554201", "Al")
    assert "Please add the task code, like DONE 427" in make_phone("+16175554201").text("done")


# -- masked relay --------------------------------------------------------------------------

def test_relay_carries_words_both_ways_without_either_number(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    assert "Sent to the resident" in volunteer.text("Hi! I can come at 5pm, ok?")
    to_resident = sent_to(db, phone.number, "relay")[0]
    assert to_resident == "Rosa (volunteer): Hi! I can come at 5pm, ok?"
    assert "Sent to Rosa" in phone.text("Yes 5pm is great, ring twice")
    to_volunteer = sent_to(db, volunteer.number, "relay")[0]
    assert to_volunteer == f"{code} from the resident: Yes 5pm is great, ring twice"
    for text in (to_resident, to_volunteer):
        digits = re.sub(r"\D", "", text)
        assert "6175554001" not in digits and phone.number[2:] not in digits
    volunteer.text(f"{code} on my way")
    assert sent_to(db, phone.number, "relay")[-1] == "Rosa (volunteer): on my way"


def test_a_volunteer_writing_to_a_resident_who_texted_stop_is_told_it_was_not_sent(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == phone.number)).one().opted_out = True
    reply = volunteer.text("Hi! I can come at 5pm, ok?")
    assert "Sent to" not in reply
    assert f"The resident of task {code} texted STOP" in reply and "not sent" in reply
    assert sent_to(db, phone.number, "relay") == []


def test_a_resident_who_looked_at_status_can_still_write_to_their_helper(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    assert "To withdraw it, reply 1" in phone.text("STATUS")
    assert "Sent to Rosa" in phone.text("thank you so much!")
    assert sent_to(db, volunteer.number, "relay")[-1] == f"{code} from the resident: thank you so much!"
    assert "Sent to Rosa" in phone.text("see you at 5")  # no longer at the list


def test_relay_ends_when_the_task_is_done(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    volunteer.text(f"DONE {code}")
    phone.text("1")  # yes, got help
    reply = phone.text("thanks again")
    assert "Sent to" not in reply
    assert sent_to(db, volunteer.number, "relay") == []


def test_an_offer_spells_a_language_name_without_accents_when_that_alone_keeps_it_cheap(db, phone, travel):
    from hotline.sms import count_segments

    add_volunteer(db, "+16175550990", "Zoe", languages="fr")
    for text in ("Français", "1", "riz, lait et couches pour 3 enfants", "Rue Main, 02139", "1"):
        phone.text(text)
    offer = sent_to(db, "+16175550990", "offer")[0]
    # "français" would make the whole offer Unicode and cut the details short.
    assert "en francais." in offer and '"riz, lait et couches pour 3 enfants"' in offer
    assert count_segments(offer).encoding == "GSM-7"


def test_a_long_address_is_shortened_in_the_claim_reply_and_sent_whole_after_it(db, phone, make_phone, travel):
    from hotline.sms import count_segments

    add_volunteer(db, "+16175556001", "Lee")
    place = "Apartment 4B, 1234 Martin Luther King Jr Boulevard, behind the laundromat, buzzer 7, 02139"
    request_food(phone, place=place, details="groceries and diapers for a family of five, no pork please " * 2)
    code = code_in(sent_to(db, "+16175556001", "offer")[0])
    reply = make_phone("+16175556001").text(code)
    assert count_segments(reply).segments <= 2 and place not in reply
    details = sent_to(db, "+16175556001", "details")
    assert len(details) == 1 and place in details[0]


def test_words_that_only_start_like_a_command_reach_the_resident(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    assert "Sent to the resident" in volunteer.text("Done! I left the bags at your door")
    assert sent_to(db, phone.number, "relay")[-1] == "Rosa (volunteer): Done! I left the bags at your door"
    assert the_need(db).status == "claimed"


def test_a_pending_volunteer_cannot_make_themselves_active(db, make_phone):
    add_volunteer(db, "+16175556101", "Pat", status="pending")
    volunteer = make_phone("+16175556101")
    assert "has not confirmed you yet" in volunteer.text("PAUSE 1")
    assert "has not confirmed you yet" in volunteer.text("RESUME")
    with db.session() as session:
        assert session.scalars(select(Volunteer.status)).one() == "pending"


def test_a_coordinator_number_written_loosely_is_read_once(settings):
    from hotline.config import Settings

    loaded = Settings.from_env({"coordinator_phones": ("617-555-0100", "+1 617 555 0100")}, environ={})
    assert loaded.coordinator_phones == ("+16175550100",)


def test_withdrawing_a_claimed_request_tells_the_helper_and_ends_the_task(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    phone.text("STATUS"); phone.text("1")
    assert "withdrawn" in phone.text("1")
    assert f"Task {code} is off: the person no longer needs it, so please don't go" in sent_to(db, volunteer.number, "cancelled")[0]
    assert the_need(db).status == "withdrawn"
    assert "no task" in volunteer.text(f"DONE {code}")  # no crash, a clear answer


def test_a_resident_back_at_the_menu_still_reaches_their_helper(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    phone.text("MENU")
    assert "Sent to Rosa" in phone.text("see you at 5, the door code is 12")
    assert sent_to(db, volunteer.number, "relay")[-1].endswith("see you at 5, the door code is 12")


def test_an_offer_leaves_out_phone_numbers_and_street_addresses(db, phone, travel):
    add_volunteer(db, "+16175556201", "Kim")
    request_food(phone, details="groceries, I am at 12 Elm St apt 4, call 617-555-0122")
    offer = sent_to(db, "+16175556201", "offer")[0]
    assert "groceries" in offer and "Elm" not in offer and "0122" not in offer


def test_a_volunteer_who_texts_stop_gives_their_tasks_back(db, phone, make_phone, travel):
    volunteer, code = claimed_task(db, phone, make_phone)
    add_volunteer(db, "+16175556301", "Next")
    assert volunteer.text("STOP") == ""
    assert "Rosa can no longer help" in sent_to(db, phone.number, "update")[0]
    assert "+16175556301" in offered_to(db)


def test_a_resident_with_a_helper_who_texts_stop_is_followed_up_by_a_coordinator(settings, db, travel):
    app = create_app(replace(settings, coordinator_phones=("+16175559999",)))
    client_phone = Phone(app.test_client(), RESIDENT)
    add_volunteer(db, "+16175556401", "Lou")
    request_food(client_phone)
    code = code_in(sent_to(db, "+16175556401", "offer")[0])
    Phone(app.test_client(), "+16175556401").text(code)
    client_phone.text("STOP")
    assert "texted STOP" in sent_to(db, "+16175559999", "alert")[-1]
    app.extensions["hotline"].close()
