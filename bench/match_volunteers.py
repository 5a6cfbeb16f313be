"""Time matching one need against 1k, 10k and 100k volunteers.

Usage: python bench/match_volunteers.py [DATABASE_URL]   (default: a temporary SQLite file)
A PostgreSQL URL must point at an empty database the script may fill and empty again.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import delete, insert

from hotline import matching
from hotline.db import Database
from hotline.migrate import upgrade
from hotline.models import Availability, Contact, Volunteer, VolunteerArea, VolunteerLanguage, VolunteerSkill
from hotline.volunteers import SKILLS

SIZES = (1_000, 10_000, 100_000)
ZIPS = [f"021{i:02d}" for i in range(60)]
LANGUAGES = ["en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl"]
NOW = datetime(2026, 3, 3, 20, tzinfo=timezone.utc)


def fill(db: Database, start: int, count: int, rng: random.Random) -> None:
    contacts, vols, skills, langs, areas, avail = [], [], [], [], [], []
    for i in range(start, start + count):
        contacts.append({"id": i, "phone": f"+1555{i:07d}", "opted_out": rng.random() < 0.02,
                         "created_at": NOW, "last_seen_at": NOW})
        vols.append({"id": i, "contact_id": i, "first_name": f"V{i}", "status": "active" if rng.random() < 0.9 else "paused",
                     "any_time": rng.random() < 0.5, "weekly_cap": 3, "quiet_start": 21, "quiet_end": 8,
                     "wheelchair_vehicle": rng.random() < 0.1, "consent_method": "bench", "notes": "",
                     "created_at": NOW, "last_assigned_at": None if rng.random() < 0.3 else NOW})
        for skill in rng.sample(list(SKILLS), 2):
            skills.append({"volunteer_id": i, "skill": skill})
        for lang in {"en", rng.choice(LANGUAGES)}:
            langs.append({"volunteer_id": i, "language": lang})
        for z in rng.sample(ZIPS, 2):
            areas.append({"volunteer_id": i, "area": z, "label": z})
        areas.append({"volunteer_id": i, "area": "zip3:021", "label": ""})
        avail.append({"volunteer_id": i, "weekday": rng.randrange(7), "start_minute": 540, "end_minute": 1260})
    with db.session() as session:
        for model, rows in ((Contact, contacts), (Volunteer, vols), (VolunteerSkill, skills),
                            (VolunteerLanguage, langs), (VolunteerArea, areas), (Availability, avail)):
            for chunk in range(0, len(rows), 5000):
                session.execute(insert(model), rows[chunk:chunk + 5000])


def time_match(db: Database, rounds: int = 20) -> tuple[float, float]:
    criteria = matching.Criteria(skills=("food", "errands"), areas=("02107",), language="es", at=NOW, now=NOW,
                                 timezone="America/New_York")
    timings = []
    with db.session() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            matching.candidates(session, criteria, 3)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        for model in (Availability, VolunteerArea, VolunteerLanguage, VolunteerSkill, Volunteer, Contact):
            session.execute(delete(model))
    rng = random.Random(7)
    have = 0
    print(f"database: {db.engine.dialect.name}")
    print(f"{'volunteers':>10}  {'median ms':>9}  {'max ms':>7}")
    for size in SIZES:
        fill(db, have + 1, size - have, rng)
        have = size
        # Fresh statistics for the planner, as autovacuum (or SQLite's optimize) would give.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        median, worst = time_match(db)
        print(f"{size:>10}  {median:>9.2f}  {worst:>7.2f}")
    with db.session() as session:
        for model in (Availability, VolunteerArea, VolunteerLanguage, VolunteerSkill, Volunteer, Contact):
            session.execute(delete(model))
    db.dispose()


if __name__ == "__main__":
    main()
