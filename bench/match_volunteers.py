"""Time matching one need, every wave, among 1k, 10k and 100k volunteers with eight weeks of offers behind them.

Usage: python bench/match_volunteers.py [DATABASE_URL]   (default: a temporary SQLite file)
A PostgreSQL URL must point at an empty database the script may fill and empty again.

The roster: 60 ZIP codes and 40 neighbourhood names, ten languages, two skills each, half available any time and the others
one day a week, weekly cap 3. Offer history: over the last eight weeks each volunteer was offered
about five needs (some never), a third of offers claimed (most then done, some dropped), the rest
passed, taken by someone else, cancelled or never delivered; who was offered and given work last
follows from it, and some are at their weekly cap now.

Also timed: reading the ZIP codes and neighbourhood names out of a need's location, which a
confirmation and every offer's text do.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, insert

from hotline import areas as area_keys, matching
from hotline.db import Database
from hotline.migrate import upgrade
from hotline.models import (
    Availability, Contact, Need, Offer, Volunteer, VolunteerArea, VolunteerLanguage, VolunteerSkill,
)
from hotline.volunteers import SKILLS

SIZES = (1_000, 10_000, 100_000)
ZIPS = [f"021{i:02d}" for i in range(60)]
PLACES = [f"{side} {name}" for side in ("North", "South", "East", "West")
          for name in ("Riverside", "Hillcrest", "Old Mill", "Harbor", "Elm Park", "Station", "Lakeview",
                       "Fairmount", "Cedar Grove", "Market")]
LOCATION = "Apt 2, across from the Old Mill school, East Riverside, 02107"
LANGUAGES = ["en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl"]
# A Tuesday, 15:00 in New York: the busy afternoon, nobody in quiet hours.
NOW = datetime(2026, 3, 3, 20, tzinfo=timezone.utc)
HISTORY = timedelta(days=56)
RESIDENTS = 10_000_000  # residents' contact ids start here, far from the volunteers'
TABLES = (Offer, Need, Availability, VolunteerArea, VolunteerLanguage, VolunteerSkill, Volunteer, Contact)

# The waves of one food need in 02107, in Spanish: as dispatch.waves asks them.
WAVES = {
    "first": dict(areas=("02107",), language="es"),
    "second": dict(areas=("02107", "zip3:021"), language="es"),
    "third": dict(areas=("02107", "zip3:021"), language=None),
    "widest": dict(areas=None, language=None),  # no place given: any area, any language
}


def history(volunteer: int, rng: random.Random) -> list[dict]:
    """One volunteer's offers over the last eight weeks (need ids filled in later)."""
    offers = []
    for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))):
        offered_at = NOW - HISTORY * rng.random()
        roll = rng.random()
        claimed_at = closed_at = None
        if roll < 0.33:
            claimed_at = offered_at + timedelta(minutes=rng.randrange(1, 120))
            status = "claimed" if NOW - claimed_at < timedelta(days=1) else ("dropped" if roll < 0.03 else "done")
            closed_at = None if status == "claimed" else claimed_at + timedelta(hours=3)
        else:
            status = rng.choice(("passed", "taken", "taken", "cancelled", "failed"))
            closed_at = offered_at + timedelta(minutes=rng.randrange(1, 600))
        offers.append({"volunteer_id": volunteer, "code": str(rng.randrange(100, 1000)), "status": status,
                       "wave": rng.randrange(1, 4), "offered_at": offered_at, "claimed_at": claimed_at,
                       "closed_at": closed_at})
    return offers


def fill(db: Database, start: int, count: int, rng: random.Random, next_need: int) -> int:
    """Add `count` volunteers from id `start`, with their offers; return the next free need id."""
    contacts, vols, skills, langs, areas, avail, offers = [], [], [], [], [], [], []
    for i in range(start, start + count):
        contacts.append({"id": i, "phone": f"+1555{i:07d}", "opted_out": rng.random() < 0.02,
                         "created_at": NOW - HISTORY, "last_seen_at": NOW})
        past = history(i, rng)
        offers.extend(past)
        vols.append({"id": i, "contact_id": i, "first_name": f"V{i}", "status": "active" if rng.random() < 0.9 else "paused",
                     "any_time": rng.random() < 0.5, "weekly_cap": 3, "quiet_start": 21, "quiet_end": 8,
                     "wheelchair_vehicle": rng.random() < 0.1, "consent_method": "bench", "notes": "",
                     "created_at": NOW - HISTORY,
                     "last_offered_at": max((o["offered_at"] for o in past), default=None),
                     "last_assigned_at": max((o["claimed_at"] for o in past if o["claimed_at"]), default=None)})
        for skill in rng.sample(list(SKILLS), 2):
            skills.append({"volunteer_id": i, "skill": skill})
        for lang in {"en", rng.choice(LANGUAGES)}:
            langs.append({"volunteer_id": i, "language": lang})
        for z in rng.sample(ZIPS, 2):
            areas.append({"volunteer_id": i, "area": z, "label": z})
        areas.append({"volunteer_id": i, "area": "zip3:021", "label": ""})
        place = PLACES[i % len(PLACES)]  # (not drawn: the rest of the roster stays as it was)
        areas.append({"volunteer_id": i, "area": area_keys.normalize(place), "label": place})
        avail.append({"volunteer_id": i, "weekday": rng.randrange(7), "start_minute": 540, "end_minute": 1260})
    # Each need went to a few volunteers at once (never twice to the same one).
    needs, residents = [], []
    offers.sort(key=lambda o: o["offered_at"])
    group: set[int] = set()
    for offer in offers:
        if not needs or len(group) >= 3 or offer["volunteer_id"] in group:
            resident = RESIDENTS + next_need
            residents.append({"id": resident, "phone": f"+1666{next_need:07d}", "created_at": offer["offered_at"],
                              "last_seen_at": offer["offered_at"]})
            needs.append({"id": next_need, "ref": f"B{next_need:08d}", "contact_id": resident, "category": "food",
                          "details": "groceries", "location": rng.choice(ZIPS), "language": "en", "status": "done",
                          "wave": 1, "created_at": offer["offered_at"], "updated_at": offer["offered_at"]})
            next_need += 1
            group = set()
        group.add(offer["volunteer_id"])
        offer["need_id"] = needs[-1]["id"]
    with db.session() as session:
        for model, rows in ((Contact, contacts + residents), (Volunteer, vols), (VolunteerSkill, skills),
                            (VolunteerLanguage, langs), (VolunteerArea, areas), (Availability, avail),
                            (Need, needs), (Offer, offers)):
            for chunk in range(0, len(rows), 5000):
                session.execute(insert(model), rows[chunk:chunk + 5000])
    return next_need


def fresh_need(db: Database, need_id: int) -> tuple[int, int]:
    """A need just confirmed, offered to nobody yet: (need id, its resident's contact id)."""
    with db.session() as session:
        resident = RESIDENTS + need_id
        session.execute(insert(Contact), [{"id": resident, "phone": f"+1666{need_id:07d}", "created_at": NOW,
                                           "last_seen_at": NOW}])
        session.execute(insert(Need), [{"id": need_id, "ref": f"B{need_id:08d}", "contact_id": resident,
                                        "category": "food", "details": "groceries", "location": "02107",
                                        "language": "es", "status": "open", "created_at": NOW, "updated_at": NOW}])
    return need_id, resident


def time_wave(db: Database, need: tuple[int, int], wave: dict, rounds: int = 30) -> tuple[float, int]:
    """Median milliseconds to find a wave of three, and how many were found."""
    criteria = matching.Criteria(skills=("food", "errands"), at=NOW, now=NOW, timezone="America/New_York",
                                 need_id=need[0], exclude_contact_id=need[1], **wave)
    timings = []
    with db.session() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            found = matching.candidates(session, criteria, 3)
            timings.append((time.perf_counter() - started) * 1000)
            session.expunge_all()
    return statistics.median(timings), len(found)


def time_location(db: Database, rounds: int = 30) -> tuple[float, str]:
    """Median milliseconds to read a need's location into area keys, and the label it gets."""
    timings = []
    with db.session() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            found = area_keys.for_location(session, LOCATION)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), found.label


def empty(db: Database) -> None:
    with db.session() as session:
        for model in TABLES:
            session.execute(delete(model))


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    empty(db)
    rng = random.Random(7)
    have, next_need = 0, 1
    results: dict[int, dict[str, float]] = {}
    print(f"database: {db.engine.dialect.name}, median of 30 per wave, ms (found: volunteers offered, of 3)")
    print(f"{'volunteers':>10}  {'offers':>7}  " + "  ".join(f"{name:>13}" for name in [*WAVES, "location"]))
    for size in SIZES:
        next_need = fill(db, have + 1, size - have, rng, next_need)
        have = size
        need = fresh_need(db, next_need)
        next_need += 1
        # Fresh statistics for the planner and a visibility map, as autovacuum (or SQLite's
        # optimize) would give after a load like this one.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
            offers = connection.exec_driver_sql("SELECT count(*) FROM offers").scalar()
        results[size] = {}
        cells = []
        for name, wave in WAVES.items():
            median, found = time_wave(db, need, wave)
            results[size][name] = median
            cells.append(f"{median:>8.2f} ({found})")
        median, label = time_location(db)
        results[size]["location"] = median
        cells.append(f"{median:>13.2f}")
        print(f"{size:>10}  {offers:>7}  " + "  ".join(cells))
    first, last = SIZES[0], SIZES[-1]
    print(f"{f'{last // 1000}k/{first // 1000}k':>10}  {'':>7}  "
          + "  ".join(f"{results[last][name] / results[first][name]:>12.2f}x" for name in [*WAVES, "location"]))
    print(f"the location {LOCATION!r} is labelled {label!r}")
    empty(db)
    db.dispose()


if __name__ == "__main__":
    main()
