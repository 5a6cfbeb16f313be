"""Volunteers: skills, sign-up, vetting, pausing, and reading availability."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import areas as areas_mod
from .clock import now as utcnow
from .config import Settings
from .db import insert_ignore
from .i18n import N_, Translator
from .i18n import languages as languages_mod
from .i18n import naming
from .i18n.keywords import shown_word
from .models import Availability, Contact, Volunteer, VolunteerArea, VolunteerLanguage, VolunteerSkill
from .outbound.outbox import queue_sms
from .sms import clean

SKILLS: dict[str, str] = {
    "driving": N_("Driving"),
    "food": N_("Food and groceries"),
    "childcare": N_("Childcare"),
    "errands": N_("Errands"),
    "housing": N_("Housing help"),
    "health": N_("Health and check-ins"),
    "money": N_("Emergency funds"),
    "interpreting": N_("Interpreting"),
}

# Which skills can meet each kind of need.
CATEGORY_SKILLS: dict[str, tuple[str, ...]] = {
    "food": ("food", "errands"),
    "ride": ("driving",),
    "housing": ("housing",),
    "childcare": ("childcare",),
    "health": ("health",),
    "money": ("money",),
    "other": ("errands",),
}

PENDING, ACTIVE, PAUSED, REMOVED = "pending", "active", "paused", "removed"

# Weekly windows people pick from in the sign-up flow: (weekdays, start hour, end hour).
AVAILABILITY_CHOICES: dict[str, tuple[tuple[int, ...], int, int] | None] = {
    "any": None,
    "weekday_days": ((0, 1, 2, 3, 4), 9, 17),
    "weekday_evenings": ((0, 1, 2, 3, 4), 17, 21),
    "weekends": ((5, 6), 9, 21),
}
AVAILABILITY_LABELS: dict[str, str] = {
    "any": N_("Any time"),
    "weekday_days": N_("Weekdays 9-5"),
    "weekday_evenings": N_("Weekday evenings"),
    "weekends": N_("Weekends"),
}

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class VolunteerError(ValueError):
    pass


@dataclass
class VolunteerSpec:
    """What is known about a volunteer, from the CLI, a CSV row or the sign-up flow."""

    phone: str
    first_name: str
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    areas: str = ""
    availability: str = "any"
    weekly_cap: int | None = None
    wheelchair_vehicle: bool = False
    consent_method: str = ""
    status: str = PENDING


def parse_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;|]+", text or "") if p.strip()]


def parse_skills(text: str | list[str]) -> list[str]:
    items = parse_list(text) if isinstance(text, str) else text
    skills = []
    for item in items:
        key = item.strip().lower()
        if key not in SKILLS:
            raise VolunteerError(f"unknown skill {item!r} (known: {', '.join(SKILLS)})")
        skills.append(key)
    return list(dict.fromkeys(skills))


def parse_languages(text: str | list[str]) -> list[str]:
    items = parse_list(text) if isinstance(text, str) else text
    codes = []
    for item in items:
        code = item.strip().lower()
        if languages_mod.get(code) is None:
            # A name in any shipped language, accents and case aside ("Spanish", "inglés", "中文").
            code = naming.named(item, languages_mod.REGISTRY.values())
            if code is None:
                raise VolunteerError(f"unknown language {item!r}")
        codes.append(code)
    return list(dict.fromkeys(codes))


def parse_availability(text: str) -> list[tuple[int, int, int]] | None:
    """Read availability: "any", a sign-up choice key, or "mon-fri 9-17; sat 10-14". None = any time."""
    text = (text or "any").strip().lower()
    if text in ("", "any", "anytime", "any time", "always"):
        return None
    windows: list[tuple[int, int, int]] = []
    for part in re.split(r"[;,]+", text):
        part = part.strip()
        if not part:
            continue
        if part in AVAILABILITY_CHOICES:
            choice = AVAILABILITY_CHOICES[part]
            if choice is None:
                return None
            days, start, end = choice
            windows += [(d, start * 60, end * 60) for d in days]
            continue
        match = re.fullmatch(
            r"([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?", part)
        if not match or match.group(1) not in DAYS or (match.group(2) and match.group(2) not in DAYS):
            raise VolunteerError(f"cannot read availability {part!r} (try 'mon-fri 9-17; sat 10:30-14')")
        first = DAYS[match.group(1)]
        last = DAYS[match.group(2)] if match.group(2) else first
        start = int(match.group(3)) * 60 + int(match.group(4) or 0)
        end = int(match.group(5)) * 60 + int(match.group(6) or 0)
        if not (0 <= start < end <= 24 * 60):
            raise VolunteerError(f"hours must run forwards within a day: {part!r}")
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        windows += [(d, start, end) for d in days]
    return windows


def find(session: Session, phone: str) -> Volunteer | None:
    return session.scalar(select(Volunteer).join(Contact).where(Contact.phone == phone))


def for_contact(session: Session, contact: Contact) -> Volunteer | None:
    return session.scalar(select(Volunteer).where(Volunteer.contact_id == contact.id))


def save(session: Session, spec: VolunteerSpec, *, default_cap: int = 3, now: datetime | None = None) -> Volunteer:
    """Create or update a volunteer from a spec (the phone number must already be E.164)."""
    now = now or utcnow()
    if not clean(spec.first_name):
        raise VolunteerError("a first name is required")
    skills = parse_skills(spec.skills)
    if not skills:
        raise VolunteerError("at least one skill is required")
    languages = parse_languages(spec.languages) or ["en"]
    area_rows = areas_mod.parse_volunteer_areas(spec.areas)
    if not area_rows:
        raise VolunteerError("at least one area is required (a ZIP code, a neighborhood, or *)")
    windows = parse_availability(spec.availability)

    insert_ignore(session, Contact, {"phone": spec.phone, "created_at": now, "last_seen_at": now}, ["phone"])
    contact = session.scalar(select(Contact).where(Contact.phone == spec.phone))
    if contact.language is None:
        contact.language = languages[0]
    volunteer = for_contact(session, contact)
    if volunteer is None:
        volunteer = Volunteer(contact=contact, created_at=now, status=spec.status)
        session.add(volunteer)
    elif volunteer.status == REMOVED:
        volunteer.status = spec.status  # signing up again after removal starts over
    volunteer.first_name = clean(spec.first_name, limit=64)
    volunteer.weekly_cap = spec.weekly_cap if spec.weekly_cap is not None else (volunteer.weekly_cap or default_cap)
    volunteer.wheelchair_vehicle = spec.wheelchair_vehicle
    if spec.consent_method:
        volunteer.consent_at = now
        volunteer.consent_method = spec.consent_method
    volunteer.skills = [VolunteerSkill(skill=s) for s in skills]
    volunteer.languages = [VolunteerLanguage(language=code) for code in languages]
    volunteer.areas = [VolunteerArea(area=key, label=label) for key, label in area_rows]
    volunteer.any_time = windows is None
    volunteer.availability = [Availability(weekday=d, start_minute=s, end_minute=e) for d, s, e in windows or []]
    session.flush()
    return volunteer


def set_status(volunteer: Volunteer, status: str, *, until: datetime | None = None) -> None:
    """Approve, pause (optionally until a date), resume or remove a volunteer."""
    if status not in (PENDING, ACTIVE, PAUSED, REMOVED):
        raise VolunteerError(f"unknown status {status!r}")
    volunteer.status = status
    volunteer.paused_until = until if status == PAUSED else None


def pause(volunteer: Volunteer, days: int | None, now: datetime) -> None:
    set_status(volunteer, PAUSED, until=now + timedelta(days=days) if days else None)


def resume_due(session: Session, now: datetime) -> int:
    """Make volunteers whose pause has run out active again."""
    due = session.scalars(select(Volunteer).where(
        Volunteer.status == PAUSED, Volunteer.paused_until.is_not(None), Volunteer.paused_until <= now))
    count = 0
    for volunteer in due:
        set_status(volunteer, ACTIVE)
        count += 1
    return count


def welcome(session: Session, settings: Settings, volunteer: Volunteer) -> None:
    """Tell a volunteer a coordinator has confirmed them (once, and only with their consent)."""
    if volunteer.consent_at is None or volunteer.contact.opted_out:
        return
    t = Translator(volunteer.contact.language or settings.default_language, settings.locales_dir)
    queue_sms(session, volunteer.contact, t._(
        "You are confirmed as a volunteer, %(name)s. We will text you when a neighbor near you needs "
        "help. Reply %(pause)s to take a break.",
        name=volunteer.first_name, pause=shown_word(t, "pause"),
    ), kind="welcome")
