"""The open records count check-ins: their people, how many were made and answered, the look-ins and their hours."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from hotline import needs
from hotline.dispatch import checkins
from hotline.models import CheckIn, CheckInRound, Contact, Need, NeedEvent
from hotline.privacy import erase
from hotline.web import open as open_records

NOW = datetime(2026, 12, 9, 15, 0, tzinfo=timezone.utc)  # a Wednesday
LAST_WEEK = NOW - timedelta(days=7)
K = 5


@pytest.fixture(autouse=True)
def fresh_cache():
    open_records.cache.clear()
    yield
    open_records.cache.clear()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def add_plans(db, plans, *, first=0) -> None:
    """Check-in plans, each a list of rounds last week: True answered, False not answered, None skipped."""
    with db.session() as session:
        for i, rounds in enumerate(plans, start=first):
            contact = Contact(phone=f"+1617556{i:04d}", language="es")
            plan = CheckIn(contact=contact, local_time="09:00", time_zone="America/New_York", status="active")
            session.add(plan)
            for day, answered in enumerate(rounds):
                due = LAST_WEEK - timedelta(hours=day * 20)
                plan.rounds.append(CheckInRound(
                    wall=f"{due:%Y-%m-%dT%H:%M}", due_at=due, asked_at=None if answered is None else due,
                    status=checkins.SKIPPED if answered is None else checkins.OK if answered else checkins.ESCALATED,
                    answered_at=due + timedelta(minutes=5) if answered else None, answer="1" if answered else None))
        session.commit()


def add_visits(db, hours, *, first=0) -> None:
    """Finished check-in visits, each taking these hours from a volunteer's claim to DONE."""
    with db.session() as session:
        for i, took in enumerate(hours, start=first):
            created = LAST_WEEK - timedelta(hours=i)
            need = Need(ref=f"{300000 + i}", contact=Contact(phone=f"+1617557{i:04d}", language="en"),
                        category=checkins.CATEGORY, language="en", status=needs.DONE, details="look in",
                        location="5 Oak Street", created_at=created)
            need.events.append(NeedEvent(at=created + timedelta(minutes=30), kind=needs.CLAIMED))
            need.events.append(NeedEvent(at=created + timedelta(minutes=30, hours=took), kind=needs.DONE))
            session.add(need)
        session.commit()


def test_check_ins_are_counted_by_people_made_and_answered(client, db, frozen):
    add_plans(db, [[True, True, False]] * 3 + [[True, True]] * 3 + [[False, None]] * 2)
    data = client.get("/open.json").get_json()["checkins"]
    # 8 people, 17 asked (the skipped ones were never asked), 12 answered by 6 people, 5 missed by 5.
    assert data["people"] == 8 and data["made"] == 17
    assert data["answered"] == 12 and data["share_answered"] == 0.7059
    page = client.get("/open").get_data(as_text=True)
    assert "People with regular check-ins" in page and "71%" in page


def test_check_ins_of_fewer_than_five_people_show_nothing_but_fewer_than_five(client, db, frozen):
    add_plans(db, [[True] * 7] * 4)
    add_visits(db, [1.0] * 6)
    data = client.get("/open.json").get_json()["checkins"]
    assert data == {"people": None, "made": None, "answered": None, "share_answered": None,
                    "visits": None, "visit_hours": None}
    section = client.get("/open").get_data(as_text=True).split('id="checkins-title"')[1].split("</section>")[0]
    assert set(re.findall(r"<dd>(.*?)</dd>", section)) == {"fewer than 5", "–"}
    rows = [r for r in csv.DictReader(io.StringIO(client.get("/open.csv").get_data(as_text=True)))
            if r["section"] == "checkins"]
    assert {r["key"] for r in rows} == set(data) and all(r["value"] == "" for r in rows)


def test_answers_are_not_shown_when_a_few_people_missed_theirs(client, db, frozen):
    add_plans(db, [[True, True]] * 6 + [[False, True]] * 2)
    data = client.get("/open.json").get_json()["checkins"]
    assert data["people"] == 8 and data["made"] == 16
    assert data["answered"] is None and data["share_answered"] is None
    assert "not shown" in client.get("/open").get_data(as_text=True)


def test_visit_hours_add_up_each_visit_at_most_three_hours(client, db, frozen):
    add_plans(db, [[False]] * 5)
    add_visits(db, [1.0, 0.5, 2.0, 10.0, 1.5])
    data = client.get("/open.json").get_json()["checkins"]
    assert data["visits"] == 5 and data["visit_hours"] == 8.0
    assert data["answered"] == 0  # nobody answered: five people missed, none answered


def test_visits_to_fewer_than_five_people_are_not_shown(client, db, frozen):
    add_plans(db, [[True]] * 6)
    add_visits(db, [1.0, 1.0])
    data = client.get("/open.json").get_json()["checkins"]
    assert data["people"] == 6 and data["visits"] is None and data["visit_hours"] is None


def test_an_erased_residents_check_ins_still_count_pointing_at_nobody(app, client, db, frozen):
    add_plans(db, [[True, False]] * 5)
    before = client.get("/open.json").get_json()["checkins"]
    with db.session() as session:
        for contact in session.query(Contact).filter(Contact.phone.like("+1617556%")).limit(2):
            erase.forget(session, app.extensions["hotline"].settings, contact, NOW, actor="test", reason="asked")
    with db.session() as session:
        assert session.query(CheckIn).count() == 3
        kept = session.query(CheckInRound).filter(CheckInRound.checkin_id.is_(None)).all()
        assert len(kept) == 4 and len({r.erased_plan for r in kept}) == 2
    open_records.cache.clear()
    after = client.get("/open.json").get_json()["checkins"]
    # What they answered went with them; that they answered still counts.
    assert after == before and before["people"] == 5 and before["made"] == 10 and before["answered"] == 5


def test_an_erased_residents_open_round_is_never_followed_up(app, db, frozen):
    add_plans(db, [[False]])
    with db.session() as session:
        round_ = session.query(CheckInRound).one()
        round_.status, round_.answered_at = checkins.ASKED, None
        round_id = round_.id
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        assert checkins.open_rounds(session, settings, NOW + timedelta(days=1)) != []
        erase.forget(session, settings, session.query(Contact).one(), NOW, actor="test", reason="asked")
    with db.session() as session:
        assert checkins.open_rounds(session, settings, NOW + timedelta(days=1)) == []
        assert checkins.follow_up(session, settings, round_id, 0, NOW + timedelta(days=1)) == "answered"


plan_rounds = st.lists(st.one_of(st.none(), st.booleans()), min_size=1, max_size=5)


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=st.lists(plan_rounds, max_size=14), visits=st.lists(st.floats(min_value=0, max_value=8), max_size=9))
def test_no_check_in_figure_is_about_fewer_than_five_people_in_any_random_history(app, db, time_machine, plans,
                                                                                 visits):
    time_machine.move_to(NOW, tick=False)
    with db.session() as session:
        for model in (NeedEvent, Need, CheckInRound, CheckIn, Contact):
            session.query(model).delete()
        session.commit()
    open_records.cache.clear()
    add_plans(db, plans)
    add_visits(db, visits)
    data = app.test_client().get("/open.json").get_json()["checkins"]
    asked = [p for p in plans if any(r is not None for r in p)]
    answered_by = [p for p in plans if any(r is True for r in p)]
    missed_by = [p for p in plans if any(r is False for r in p)]

    def small(n):
        return 0 < n < K

    if small(len(asked)):
        assert all(value is None for value in data.values()), data
    if data["answered"] is not None:
        assert not small(len(answered_by)) and not small(len(missed_by)), (plans, data)
    if data["visits"] is not None:
        assert not small(len(visits)) and data["visits"] == len(visits)
    for value in (data["people"], data["visits"]):
        assert value is None or not small(value)
