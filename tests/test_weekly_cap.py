"""The weekly cap and availability in matching: who is left out, as offers are made, claimed, end,
and as the week moves on (the count is kept by the database, not counted at each match)."""
from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, delete, insert, inspect, select, text, update
from sqlalchemy.engine import make_url

from hotline import dispatch, matching, needs
from hotline.migrate import downgrade, upgrade
from hotline.models import COUNTED, Contact, Need, Offer, Volunteer

from .conftest import TEST_DATABASE_URL
from .test_volunteers import add_volunteer, criteria

# A Tuesday, 15:00 in New York: everyone's available and awake.
TUESDAY = datetime(2026, 3, 3, 20, tzinfo=timezone.utc)


def matched_at(db, when: datetime, **overrides) -> list[str]:
    with db.session() as session:
        found = matching.candidates(session, criteria(db, now=when, at=when, **overrides), 50)
        return sorted(v.first_name for v in found)


def new_need(session, resident_phone: str, when: datetime) -> Need:
    resident = session.scalars(select(Contact).where(Contact.phone == resident_phone)).one_or_none()
    if resident is None:
        resident = Contact(phone=resident_phone, language="en")
        session.add(resident)
    return needs.create(session, resident, category="food", details="rice", location="02139", language="en",
                        now=when)


def offer_and_claim(db, settings, name: str, resident_phone: str, when: datetime) -> int:
    """Send a need out; the named volunteer claims it. Return the need id."""
    with db.session() as session:
        need = new_need(session, resident_phone, when)
        dispatch.start(session, settings, need, when)
        offer = session.scalars(select(Offer).join(Volunteer).where(
            Offer.need_id == need.id, Volunteer.first_name == name)).one()
        dispatch.claim(session, settings, offer.volunteer, offer.code, when)
        return need.id


def test_an_offer_counts_against_the_cap_only_once_it_is_claimed(db, settings):
    add_volunteer(db, "+16175551001", "Ana", cap=1)
    with db.session() as session:
        need = new_need(session, "+15551110001", TUESDAY)
        dispatch.start(session, settings, need, TUESDAY)
        offer = session.scalars(select(Offer)).one()
        assert offer.status == "offered"
    assert matched_at(db, TUESDAY) == ["Ana"]
    with db.session() as session:
        offer = session.scalars(select(Offer)).one()
        dispatch.claim(session, settings, offer.volunteer, offer.code, TUESDAY)
    assert matched_at(db, TUESDAY + timedelta(minutes=5)) == []


def test_offers_that_end_unclaimed_never_count_against_the_cap(db, settings):
    add_volunteer(db, "+16175551011", "Ana", cap=1)
    add_volunteer(db, "+16175551012", "Bo", cap=1)
    when = TUESDAY
    with db.session() as session:
        # Passed, taken by someone else, cancelled with its request: none of them is work done.
        passed = new_need(session, "+15551110011", when)
        dispatch.start(session, settings, passed, when)
        ana = session.scalars(select(Volunteer).where(Volunteer.first_name == "Ana")).one()
        code = session.scalars(select(Offer.code).where(Offer.need_id == passed.id, Offer.volunteer_id == ana.id)).one()
        dispatch.pass_offer(session, settings, ana, code, when)
        withdrawn = new_need(session, "+15551110012", when)
        dispatch.start(session, settings, withdrawn, when)
        dispatch.withdraw(session, settings, withdrawn, when)
        statuses = dict(session.execute(select(Offer.need_id, Offer.status).where(Offer.volunteer_id == ana.id)).all())
    assert statuses == {passed.id: "passed", withdrawn.id: "cancelled"}
    offer_and_claim(db, settings, "Bo", "+15551110013", when)
    with db.session() as session:
        taken = session.scalars(select(Offer.status).join(Volunteer).where(
            Volunteer.first_name == "Ana", Offer.status == "taken")).all()
    assert taken == ["taken"]
    # Ana never claimed anything: still asked. Bo claimed one of one: left out.
    assert matched_at(db, when + timedelta(minutes=1)) == ["Ana"]


def test_a_task_given_back_no_longer_counts_and_a_finished_one_still_does(db, settings):
    add_volunteer(db, "+16175551021", "Ana", cap=1)
    offer_and_claim(db, settings, "Ana", "+15551110021", TUESDAY)
    assert matched_at(db, TUESDAY + timedelta(minutes=1)) == []
    with db.session() as session:
        ana = session.scalars(select(Volunteer)).one()
        code = session.scalars(select(Offer.code).where(Offer.status == "claimed")).one()
        dispatch.drop(session, settings, ana, code, TUESDAY + timedelta(minutes=2))
    assert matched_at(db, TUESDAY + timedelta(minutes=3)) == ["Ana"]
    offer_and_claim(db, settings, "Ana", "+15551110022", TUESDAY + timedelta(minutes=4))
    with db.session() as session:
        ana = session.scalars(select(Volunteer)).one()
        code = session.scalars(select(Offer.code).where(Offer.status == "claimed")).one()
        dispatch.complete(session, settings, ana, code, TUESDAY + timedelta(hours=2))
    assert matched_at(db, TUESDAY + timedelta(hours=3)) == []


def test_the_cap_frees_up_seven_days_after_the_claim_that_filled_it(db, settings):
    add_volunteer(db, "+16175551031", "Ana", cap=2)
    first = TUESDAY
    second = TUESDAY + timedelta(days=3)
    offer_and_claim(db, settings, "Ana", "+15551110031", first)
    assert matched_at(db, first + timedelta(hours=1)) == ["Ana"]
    offer_and_claim(db, settings, "Ana", "+15551110032", second)
    # Two claims within seven days: at the cap, right up to seven days after the first.
    assert matched_at(db, second + timedelta(hours=1)) == []
    assert matched_at(db, first + timedelta(days=7)) == []
    # The week rolls past the first claim: one claim left in the last seven days.
    assert matched_at(db, first + timedelta(days=7, seconds=1)) == ["Ana"]
    assert matched_at(db, second + timedelta(days=7, seconds=1)) == ["Ana"]


def test_changing_the_cap_counts_the_same_claims_again(db, settings):
    add_volunteer(db, "+16175551041", "Ana", cap=2)
    offer_and_claim(db, settings, "Ana", "+15551110041", TUESDAY)
    later = TUESDAY + timedelta(hours=1)
    assert matched_at(db, later) == ["Ana"]
    with db.session() as session:
        session.scalars(select(Volunteer)).one().weekly_cap = 1
    assert matched_at(db, later) == []
    with db.session() as session:
        session.scalars(select(Volunteer)).one().weekly_cap = 3
    assert matched_at(db, later) == ["Ana"]
    with db.session() as session:
        session.scalars(select(Volunteer)).one().weekly_cap = 0
    assert matched_at(db, later) == []


def test_availability_still_leaves_out_whoever_is_not_free_then(db):
    add_volunteer(db, "+16175551051", "Always")
    add_volunteer(db, "+16175551052", "TueAfternoon", availability="tue 13-17")
    add_volunteer(db, "+16175551053", "Weekend", availability="sat-sun 9-17")
    add_volunteer(db, "+16175551054", "TueMorning", availability="tue 9-12")
    assert matched_at(db, TUESDAY) == ["Always", "TueAfternoon"]
    # 17:00 in New York: the afternoon window has just ended (its end is not in it).
    assert matched_at(db, TUESDAY + timedelta(hours=2)) == ["Always"]
    saturday_morning = datetime(2026, 3, 7, 15, tzinfo=timezone.utc)  # 10:00 in New York
    assert matched_at(db, saturday_morning) == ["Always", "Weekend"]
    # Urgency wakes people in their quiet hours; it never makes them free when they said they are not.
    assert matched_at(db, TUESDAY, urgent=True) == ["Always", "TueAfternoon"]
    # A ride's pickup time decides (10:00 that Tuesday), not the time it was asked.
    with db.session() as session:
        found = matching.candidates(session, criteria(db, now=TUESDAY, at=datetime(2026, 3, 3, 15, tzinfo=timezone.utc)), 50)
        assert sorted(v.first_name for v in found) == ["Always", "TueMorning"]


def test_the_kept_count_agrees_with_counting_offers_through_any_change(db):
    """Offers written every way (inserted, moved between states, re-dated, deleted) and caps
    changed: matching leaves out exactly those a count of their last seven days' claims would."""
    rng = random.Random(15)
    names = [f"V{i}" for i in range(8)]
    for i, name in enumerate(names):
        add_volunteer(db, f"+161755520{i:02d}", name, cap=rng.choice((0, 1, 2, 3)))
    statuses = ("offered", "claimed", "passed", "taken", "done", "dropped", "cancelled", "failed")
    with db.session() as session:
        ids = dict(session.execute(select(Volunteer.first_name, Volunteer.id)).all())
        resident = Contact(phone="+15551119999")
        session.add(resident)
        need_ids = [new_need(session, "+15551119999", TUESDAY).id for _ in range(12)]
    for step in range(60):
        with db.session() as session:
            action = rng.random()
            offers = session.scalars(select(Offer)).all()
            if action < 0.45 or not offers:
                volunteer = ids[rng.choice(names)]
                free = [n for n in need_ids if not any(o.need_id == n and o.volunteer_id == volunteer for o in offers)]
                if free:
                    status = rng.choice(statuses)
                    claimed = TUESDAY - timedelta(days=rng.uniform(0, 10)) if status != "offered" else None
                    session.add(Offer(need_id=rng.choice(free), volunteer_id=volunteer, code="123", status=status,
                                      claimed_at=claimed, offered_at=TUESDAY - timedelta(days=11)))
            elif action < 0.75:
                offer = rng.choice(offers)
                offer.status = rng.choice(statuses)
                if rng.random() < 0.5:
                    offer.claimed_at = TUESDAY - timedelta(days=rng.uniform(0, 10))
            elif action < 0.85:
                # Deleted the way an erasure does it: in SQL, behind the ORM's back.
                counted = [o for o in offers if o.status in COUNTED] or offers
                session.execute(delete(Offer).where(Offer.id == rng.choice(counted).id))
            else:
                session.execute(update(Volunteer).where(Volunteer.id == ids[rng.choice(names)]).values(
                    weekly_cap=rng.choice((0, 1, 2, 3))))
        for hours in (0, 24, 96):  # 15:00 in New York, awake
            when = TUESDAY + timedelta(hours=hours)
            assert matched_at(db, when) == expected(db, when), f"step {step}, {hours} hours on"


def expected(db, when: datetime) -> list[str]:
    """Who is under their cap, by counting their claims of the last seven days."""
    with db.session() as session:
        found = []
        for volunteer in session.scalars(select(Volunteer)):
            counted = sum(1 for o in session.scalars(select(Offer).where(Offer.volunteer_id == volunteer.id))
                          if o.status in COUNTED and o.claimed_at is not None and o.claimed_at >= when - timedelta(days=7))
            if counted < volunteer.weekly_cap:
                found.append(volunteer.first_name)
        return sorted(found)


# The migration ------------------------------------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path, testrun_uid):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'cap.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"hotline_cap_{testrun_uid[:8]}_{tmp_path.name[-12:]}".lower().replace("-", "_")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migration_0013_counts_the_claims_already_made_and_takes_the_count_away_again(empty_database):
    upgrade(empty_database, "0012")
    engine = create_engine(empty_database)
    day = timedelta(days=1)
    with engine.begin() as connection:
        connection.execute(insert(Contact.__table__), [
            {"id": i, "phone": f"+1617555300{i}", "opted_out": False, "replies_count": 0,
             "created_at": TUESDAY, "last_seen_at": TUESDAY} for i in (1, 2, 3)])
        connection.execute(insert(Volunteer.__table__), [
            {"id": i, "contact_id": i, "first_name": f"V{i}", "status": "active", "any_time": True, "weekly_cap": 2,
             "quiet_start": 21, "quiet_end": 8, "wheelchair_vehicle": False, "consent_method": "test", "notes": "",
             "created_at": TUESDAY} for i in (1, 2)])
        connection.execute(insert(Need.__table__), [
            {"id": n, "ref": f"R{n}", "contact_id": 3, "category": "food", "details": "", "location": "",
             "language": "en", "status": "done", "channel": "sms", "capacity": 1, "claimed_count": 1,
             "urgent": False, "wave": 1, "created_at": TUESDAY, "updated_at": TUESDAY} for n in (1, 2, 3)])
        # V1: two claims counted (one done), one given back. V2: one claim only.
        connection.execute(insert(Offer.__table__), [
            {"need_id": 1, "volunteer_id": 1, "code": "101", "status": "done", "wave": 1,
             "offered_at": TUESDAY - 3 * day, "claimed_at": TUESDAY - 3 * day},
            {"need_id": 2, "volunteer_id": 1, "code": "102", "status": "claimed", "wave": 1,
             "offered_at": TUESDAY - day, "claimed_at": TUESDAY - day},
            {"need_id": 3, "volunteer_id": 1, "code": "103", "status": "dropped", "wave": 1,
             "offered_at": TUESDAY, "claimed_at": TUESDAY},
            {"need_id": 3, "volunteer_id": 2, "code": "104", "status": "claimed", "wave": 1,
             "offered_at": TUESDAY, "claimed_at": TUESDAY},
        ])
    upgrade(empty_database, "0013")
    with engine.connect() as connection:
        filled = dict(connection.execute(select(Volunteer.id, Volunteer.cap_filled_at)).all())
    assert filled == {1: TUESDAY - 3 * day, 2: None}
    downgrade(empty_database, "0012")
    assert "cap_filled_at" not in {c["name"] for c in inspect(engine).get_columns("volunteers")}
    engine.dispose()


def test_every_wave_can_read_volunteers_in_rotation_order_from_the_index(db):
    """The order matching asks for is the order of ix_volunteers_next_up (of ix_volunteer_areas_next_up
    within a ZIP code), so the database can stop at the first few who fit instead of sorting everyone
    who does (sorting is forbidden here, but for the few found in each area of the first wave)."""
    add_volunteer(db, "+16175551061", "Ana")
    waves = {"first": dict(areas=("02139",)), "wider": dict(areas=("02139", "zip3:021")),
             "any language": dict(areas=("02139", "zip3:021"), language=None), "anywhere": dict(areas=None, language=None)}
    with db.session() as session:
        postgresql = session.get_bind().dialect.name == "postgresql"
        if postgresql:
            session.execute(text("SET LOCAL enable_sort = off"))
            session.execute(text("SET LOCAL enable_seqscan = off"))
        for name, wave in waves.items():
            statement = matching.query(criteria(db, need_id=1, exclude_contact_id=1, **wave), 3)
            sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
            plan = "\n".join(str(row[-1]) for row in session.execute(text(
                ("EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN ") + sql)))
            if name == "first":
                # The ZIP code's and anywhere's volunteers, each walked in order; the few found are sorted.
                assert "ix_volunteer_areas_next_up" in plan, plan
                assert plan.count("TEMP B-TREE FOR ORDER BY") <= 1 and plan.count("Sort Key") <= 1, plan
                continue
            assert "ix_volunteers_next_up" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, (name, plan)
            assert "Sort" not in plan or "Sort Key" not in plan, (name, plan)


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="SQLite lets one writer in at a time")
def test_two_claims_committed_at_once_both_count(db, settings):
    add_volunteer(db, "+16175551071", "Ana", cap=2)
    with db.session() as session:
        ana = session.scalars(select(Volunteer)).one().id
        first, second = (new_need(session, f"+1555111007{i}", TUESDAY).id for i in (1, 2))
    engine = create_engine(settings.database_url)
    claim = "INSERT INTO offers (need_id, volunteer_id, code, status, wave, offered_at, claimed_at) " \
            "VALUES (:need, :volunteer, '123', 'claimed', 1, :at, :at)"
    one, other = engine.connect(), engine.connect()
    one.begin()
    one.execute(text(claim), {"need": first, "volunteer": ana, "at": TUESDAY.replace(tzinfo=None)})
    # The other claim waits for the first to commit (the volunteer's row is held), then counts it.
    waiting = threading.Thread(target=lambda: (other.begin(), other.execute(text(claim), {
        "need": second, "volunteer": ana, "at": TUESDAY.replace(tzinfo=None) + timedelta(minutes=1)}), other.commit()))
    waiting.start()
    time.sleep(0.5)
    one.commit()
    waiting.join(10)
    one.close(), other.close()
    engine.dispose()
    assert matched_at(db, TUESDAY + timedelta(hours=1)) == []
