"""The first wave walks one area's volunteers in rotation order: volunteer_areas keeps a copy of each
volunteer's rotation columns (migration 0014, kept by triggers), and it must never go stale."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, delete, insert, inspect, select, text, update

from hotline import dispatch, matching, volunteers
from hotline.migrate import downgrade, upgrade
from hotline.models import Contact, Need, Volunteer, VolunteerArea

from .test_volunteers import add_volunteer, criteria
from .test_weekly_cap import TUESDAY, empty_database, new_need  # noqa: F401 - empty_database is a fixture

HOUR = timedelta(hours=1)


def first_wave(db, limit: int = 3, **overrides) -> list[str]:
    with db.session() as session:
        return [v.first_name for v in matching.candidates(session, criteria(db, **overrides), limit)]


def rotation_order(db, area: str = "02139") -> list[str]:
    """Everyone who covers `area` or anywhere, fairest first, sorted here rather than by the database."""
    with db.session() as session:
        found = session.scalars(select(Volunteer).where(Volunteer.id.in_(
            select(VolunteerArea.volunteer_id).where(VolunteerArea.area.in_((area, "*")))))).all()
        far_past = datetime.min.replace(tzinfo=timezone.utc)
        found.sort(key=lambda v: (v.last_assigned_at is not None, v.last_assigned_at or far_past,
                                  v.last_offered_at is not None, v.last_offered_at or far_past, v.id))
        return [v.first_name for v in found]


def stale_copies(db) -> list[tuple]:
    """Area rows whose copy of the rotation columns is not their volunteer's."""
    with db.session() as session:
        rows = session.execute(
            select(VolunteerArea.volunteer_id, VolunteerArea.area, VolunteerArea.last_assigned_at,
                   VolunteerArea.last_offered_at, Volunteer.last_assigned_at, Volunteer.last_offered_at)
            .join(Volunteer, Volunteer.id == VolunteerArea.volunteer_id)).all()
    return [row for row in rows if (row[2], row[3]) != (row[4], row[5])]


def test_the_first_wave_goes_to_the_area_and_anywhere_volunteers_given_work_least_recently(db):
    add_volunteer(db, "+16175552001", "Busy", last_assigned_at=TUESDAY - HOUR, last_offered_at=TUESDAY - HOUR)
    add_volunteer(db, "+16175552002", "Never", areas="*")
    add_volunteer(db, "+16175552003", "AskedOnly", last_offered_at=TUESDAY - 2 * HOUR)
    add_volunteer(db, "+16175552004", "LongAgo", areas="02139, *", last_assigned_at=TUESDAY - 200 * HOUR)
    add_volunteer(db, "+16175552005", "Yesterday", last_assigned_at=TUESDAY - 24 * HOUR)
    add_volunteer(db, "+16175552006", "Elsewhere", areas="90210")
    add_volunteer(db, "+16175552007", "AlsoNever")
    assert first_wave(db) == ["Never", "AlsoNever", "AskedOnly"]
    # Covering the ZIP code and anywhere too, LongAgo is offered once, in its turn.
    assert first_wave(db, limit=10) == ["Never", "AlsoNever", "AskedOnly", "LongAgo", "Yesterday", "Busy"]
    assert first_wave(db, limit=10) == rotation_order(db)


def test_offers_sent_move_volunteers_to_the_back_of_their_areas_line(db, settings):
    for i in range(5):
        add_volunteer(db, f"+161755521{i:02d}", f"V{i}")
    before = first_wave(db, limit=5)
    with db.session() as session:
        sent = dispatch.start(session, settings, new_need(session, "+15551112000", TUESDAY), TUESDAY)
    assert sent > 0
    after = first_wave(db, limit=5)
    assert after == before[sent:] + before[:sent]
    assert stale_copies(db) == []


def test_the_copied_rotation_order_stays_the_volunteers_through_any_change(db):
    """Volunteers added and removed, areas changed (through the app and in SQL), rotation columns
    written through the ORM and in SQL, copies written wrong on purpose: the copy always follows."""
    rng = random.Random(14)
    areas = ("02139", "02140", "*", "02139, 02140", "02140, *")
    moments = [None] + [TUESDAY - timedelta(hours=h) for h in (1, 5, 24, 100)]
    names: dict[str, int] = {}
    for step in range(80):
        action = rng.random()
        with db.session() as session:
            if action < 0.2 or len(names) < 3:
                name = f"V{step}"
                phone = f"+161755530{step:02d}"
                names[name] = volunteers.save(session, volunteers.VolunteerSpec(
                    phone=phone, first_name=name, skills=["food"], languages=["en"], areas=rng.choice(areas),
                    consent_method="test", status="active")).id
            elif action < 0.35:
                volunteer = session.get(Volunteer, names[rng.choice(sorted(names))])
                volunteers.save(session, volunteers.VolunteerSpec(
                    phone=volunteer.contact.phone, first_name=volunteer.first_name, skills=["food"],
                    languages=["en"], areas=rng.choice(areas), consent_method="test", status="active"))
            elif action < 0.55:
                volunteer = session.get(Volunteer, names[rng.choice(sorted(names))])
                volunteer.last_offered_at = rng.choice(moments)
                if rng.random() < 0.5:
                    volunteer.last_assigned_at = rng.choice(moments)
            elif action < 0.7:
                session.execute(update(Volunteer).where(Volunteer.id == names[rng.choice(sorted(names))]).values(
                    last_assigned_at=rng.choice(moments), last_offered_at=rng.choice(moments)))
            elif action < 0.8:
                # An area added in SQL, its copy given wrong values: the database puts the volunteer's in.
                volunteer_id = names[rng.choice(sorted(names))]
                session.execute(delete(VolunteerArea).where(VolunteerArea.volunteer_id == volunteer_id,
                                                            VolunteerArea.area == "02141"))
                session.execute(insert(VolunteerArea), [{"volunteer_id": volunteer_id, "area": "02141", "label": "",
                                                         "last_assigned_at": rng.choice(moments),
                                                         "last_offered_at": rng.choice(moments)}])
            elif action < 0.9:
                session.execute(update(VolunteerArea).where(
                    VolunteerArea.volunteer_id == names[rng.choice(sorted(names))]).values(
                    last_offered_at=TUESDAY + 1000 * HOUR))
            else:
                name = rng.choice(sorted(names))
                session.execute(delete(Volunteer).where(Volunteer.id == names.pop(name)))
        assert stale_copies(db) == [], f"step {step}"
        for area in ("02139", "02141"):
            assert first_wave(db, limit=50, areas=(area,)) == rotation_order(db, area), f"step {step}, {area}"


def test_migration_0014_copies_the_rotation_order_already_there_and_takes_it_away_again(empty_database):
    upgrade(empty_database, "0013")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(insert(Contact.__table__), [
            {"id": i, "phone": f"+1617555400{i}", "opted_out": False, "replies_count": 0,
             "created_at": TUESDAY, "last_seen_at": TUESDAY} for i in (1, 2)])
        connection.execute(insert(Volunteer.__table__), [
            {"id": i, "contact_id": i, "first_name": f"V{i}", "status": "active", "any_time": True, "weekly_cap": 2,
             "quiet_start": 21, "quiet_end": 8, "wheelchair_vehicle": False, "consent_method": "test", "notes": "",
             "created_at": TUESDAY, "last_assigned_at": assigned, "last_offered_at": offered}
            for i, assigned, offered in ((1, TUESDAY - HOUR, TUESDAY), (2, None, TUESDAY - 2 * HOUR))])
        connection.execute(text("INSERT INTO volunteer_areas (volunteer_id, area, label) VALUES "
                                "(1, '02139', ''), (1, '*', ''), (2, '02139', '')"))
    upgrade(empty_database, "0014")
    with engine.connect() as connection:
        copied = set(connection.execute(select(VolunteerArea.volunteer_id, VolunteerArea.area,
                                               VolunteerArea.last_assigned_at, VolunteerArea.last_offered_at)).all())
    assert copied == {(1, "02139", TUESDAY - HOUR, TUESDAY), (1, "*", TUESDAY - HOUR, TUESDAY),
                      (2, "02139", None, TUESDAY - 2 * HOUR)}
    downgrade(empty_database, "0013")
    assert "last_offered_at" not in {c["name"] for c in inspect(engine).get_columns("volunteer_areas")}
    with engine.begin() as connection:  # the triggers went with the columns
        connection.execute(update(Volunteer.__table__).values(last_offered_at=TUESDAY + HOUR))
        connection.execute(text("INSERT INTO volunteer_areas (volunteer_id, area, label) VALUES (2, '02140', '')"))
    engine.dispose()
