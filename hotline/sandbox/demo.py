"""A throwaway hotline: the configured settings on a fresh SQLite database, demo volunteers, no sending."""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from .. import volunteers
from ..background.queue import InProcessQueue
from ..config import Settings, shipped_languages
from ..db import Database
from ..migrate import upgrade
from ..outbound.pacing import MemoryPacer
from ..outbound.transports import ConsoleTransport
from ..services import Hotline

# Demo volunteers in the sandbox: fictional numbers (555-01xx), every skill, anywhere, any time.
# Four, so that a request's second wave of offers shows too (a wave is three by default).
DEMO_VOLUNTEERS = (("Ana", "+15550100001"), ("Ben", "+15550100002"), ("Chen", "+15550100003"),
                   ("Dana", "+15550100004"))
DATABASE_FILE = "sandbox.db"


def sandbox_settings(settings: Settings, url: str, folder: Path) -> Settings:
    """The configured settings on a throwaway database: no Redis, no Twilio, nothing run behind the sandbox's back."""
    return replace(settings, database_url=url, redis_url="", instance_path=str(folder / "instance"),
                   twilio_account_sid="", twilio_auth_token="", twilio_phone_number="",
                   twilio_messaging_service_sid="", queue_threads=0)


def database_url(folder: Path) -> str:
    return f"sqlite:///{folder / DATABASE_FILE}"


def seed_demo_volunteers(db: Database, settings: Settings, *, awake: bool = False) -> None:
    """Add the demo volunteers, speaking the default language first and every shipped one.

    `awake` gives them no quiet hours, so a practice at night shows offers at once.
    """
    spoken = [settings.default_language, *sorted(shipped_languages(settings.locales_dir) - {settings.default_language})]
    with db.session() as session:
        for number, (name, phone) in enumerate(DEMO_VOLUNTEERS):
            volunteer = volunteers.save(session, volunteers.VolunteerSpec(
                phone=phone, first_name=name, skills=list(volunteers.SKILLS), languages=spoken, areas="*",
                wheelchair_vehicle=number == 0, consent_method="demo volunteer in the chat sandbox",
                status=volunteers.ACTIVE), default_cap=settings.default_weekly_cap)
            if awake:
                volunteer.quiet_start = volunteer.quiet_end = 0


def create(settings: Settings, folder: Path, *, awake: bool = False) -> Settings:
    """Make a sandbox database in `folder` with the demo volunteers; return the sandbox's settings."""
    url = database_url(folder)
    settings = sandbox_settings(settings, url, folder)
    # Building a throwaway database is not news to anyone: no line per migration.
    migrations = logging.getLogger("alembic")
    level = migrations.level
    migrations.setLevel(logging.WARNING)
    try:
        upgrade(url)
    finally:
        migrations.setLevel(level)
    db = Database(url)
    try:
        seed_demo_volunteers(db, settings, awake=awake)
    finally:
        db.dispose()
    return settings


def services(settings: Settings, db: Database, *, quiet: bool = False) -> Hotline:
    """The sandbox's services: queued work run only when drained, messages kept instead of sent."""
    if settings.database_url != db.url or settings.twilio_account_sid or settings.redis_url:
        raise ValueError("a sandbox runs on its own database, without Twilio or Redis")
    return Hotline(settings=settings, db=db, queue=InProcessQueue(threads=0), transport=ConsoleTransport(quiet=quiet),
                   pacer=MemoryPacer())
