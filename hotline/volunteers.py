"""Volunteers: skills, sign-up, vetting, pausing, editing, importing, and reading availability."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session, lazyload, selectinload

from . import areas as areas_mod
from .clock import now as utcnow
from .config import Settings
from .db import insert_ignore
from .i18n import N_, Translator
from .i18n import languages as languages_mod
from .i18n import naming
from .i18n.keywords import shown_word
from .models import (
    Availability, Contact, OutboxMessage, Volunteer, VolunteerArea, VolunteerLanguage, VolunteerSkill, contact_blocked,
    contact_muted,
)
from .outbound.outbox import queue_sms
from .phones import normalize
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

DRIVING = "driving"
WHEELCHAIR = "wheelchair"  # what a rider brings that only some vehicles take
# Which skills can meet each kind of need.
CATEGORY_SKILLS: dict[str, tuple[str, ...]] = {
    "food": ("food", "errands"),
    "ride": (DRIVING,),
    "housing": ("housing",),
    "childcare": ("childcare",),
    "health": ("health",),
    "money": ("money",),
    "other": ("errands",),
    "checkin": ("health",),
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
    """A volunteer cannot be saved or moved as asked: the message in English, `code` and `values`
    for those who say it in another language (the console)."""

    def __init__(self, message: str, code: str = "invalid", **values):
        super().__init__(message)
        self.code = code
        self.values = values


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


MAX_WEEKLY_CAP = 50
MAX_NOTES = 2000
MAX_PAUSE_DAYS = 365
YES = ("1", "yes", "true", "y", "x", "on")


def parse_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;|]+", text or "") if p.strip()]


def parse_skills(text: str | list[str]) -> list[str]:
    items = parse_list(text) if isinstance(text, str) else text
    skills = []
    for item in items:
        key = item.strip().lower()
        if key not in SKILLS:
            raise VolunteerError(f"unknown skill {item!r} (known: {', '.join(SKILLS)})", "skill", value=item)
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
                raise VolunteerError(f"unknown language {item!r}", "language", value=item)
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
            raise VolunteerError(f"cannot read availability {part!r} (try 'mon-fri 9-17; sat 10:30-14')",
                                 "availability", value=part)
        first = DAYS[match.group(1)]
        last = DAYS[match.group(2)] if match.group(2) else first
        start = int(match.group(3)) * 60 + int(match.group(4) or 0)
        end = int(match.group(5)) * 60 + int(match.group(6) or 0)
        if not (0 <= start < end <= 24 * 60) or int(match.group(4) or 0) > 59 or int(match.group(6) or 0) > 59:
            raise VolunteerError(f"hours must run forwards within a day: {part!r}", "hours", value=part)
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        windows += [(d, start, end) for d in days]
    if not windows:
        raise VolunteerError(f"cannot read availability {text!r} (try 'mon-fri 9-17; sat 10:30-14')",
                             "availability", value=text)
    return windows


def _clock(minute: int) -> str:
    hour, rest = divmod(minute, 60)
    return f"{hour}:{rest:02d}" if rest else str(hour)


def format_availability(volunteer: Volunteer) -> str:
    """A volunteer's weekly windows as `parse_availability` reads them: "mon-fri 9-17; sat 10:30-14"."""
    if volunteer.any_time:
        return "any"
    names = {number: name for name, number in DAYS.items()}
    by_hours: dict[tuple[int, int], set[int]] = {}
    for window in volunteer.availability:
        by_hours.setdefault((window.start_minute, window.end_minute), set()).add(window.weekday)
    parts: list[tuple[int, int, str]] = []
    for (start, end), days in by_hours.items():
        ordered = sorted(days)
        runs: list[list[int]] = []
        for day in ordered:
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        for run in runs:
            span = names[run[0]] if len(run) == 1 else f"{names[run[0]]}-{names[run[-1]]}"
            parts.append((run[0], start, f"{span} {_clock(start)}-{_clock(end)}"))
    return "; ".join(text for _, _, text in sorted(parts)) or "any"


def parse_weekly_cap(value: str | int | None) -> int | None:
    """Read a weekly cap: a whole number of tasks from 0 to MAX_WEEKLY_CAP; None or "" = unchanged or default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_WEEKLY_CAP:
        raise VolunteerError(f"the weekly cap is a whole number from 0 to {MAX_WEEKLY_CAP}, not {text!r}", "cap",
                             value=text, max=MAX_WEEKLY_CAP)
    return int(text)


def parse_flag(text: str | None) -> bool:
    return (text or "").strip().lower() in YES


def parse_pause_days(text: str | int | None) -> int | None:
    """Read how many days a pause lasts: 1 to MAX_PAUSE_DAYS, or nothing for "until resumed"."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    value = str(text).strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_PAUSE_DAYS:
        raise VolunteerError(f"a pause lasts 1 to {MAX_PAUSE_DAYS} days, not {value!r}", "pause_days",
                             value=value, max=MAX_PAUSE_DAYS)
    return int(value)


def find(session: Session, phone: str) -> Volunteer | None:
    return session.scalar(select(Volunteer).join(Contact).where(Contact.phone == phone))


def for_contact(session: Session, contact: Contact) -> Volunteer | None:
    # Skills, languages, areas and hours are read when used, not on every text a volunteer sends.
    return session.scalar(select(Volunteer).where(Volunteer.contact_id == contact.id).options(lazyload("*")))


@dataclass(frozen=True)
class Profile:
    """A volunteer's details, read and checked: what `save` and `edit` write."""

    first_name: str
    skills: list[str]
    languages: list[str]
    areas: list[tuple[str, str]]
    windows: list[tuple[int, int, int]] | None
    weekly_cap: int | None
    wheelchair_vehicle: bool


def check(first_name: str, skills: str | list[str], languages: str | list[str], areas: str, availability: str,
          weekly_cap: str | int | None = None, wheelchair_vehicle: bool = False) -> Profile:
    """Read and check a volunteer's details; raise VolunteerError for the first that is wrong."""
    name = clean(first_name, limit=64)
    if not name:
        raise VolunteerError("a first name is required", "name")
    skill_keys = parse_skills(skills)
    if not skill_keys:
        raise VolunteerError("at least one skill is required", "no_skill")
    codes = parse_languages(languages) or ["en"]
    area_rows = areas_mod.parse_volunteer_areas(areas)
    if not area_rows:
        raise VolunteerError("at least one area is required (a ZIP code, a neighborhood, or *)", "no_area")
    windows = parse_availability(availability)
    return Profile(name, skill_keys, codes, area_rows, windows, parse_weekly_cap(weekly_cap), wheelchair_vehicle)


def _apply(volunteer: Volunteer, profile: Profile, default_cap: int) -> None:
    volunteer.first_name = profile.first_name
    volunteer.weekly_cap = profile.weekly_cap if profile.weekly_cap is not None else (volunteer.weekly_cap or default_cap)
    volunteer.wheelchair_vehicle = profile.wheelchair_vehicle
    volunteer.skills = [VolunteerSkill(skill=s) for s in profile.skills]
    volunteer.languages = [VolunteerLanguage(language=code) for code in profile.languages]
    volunteer.areas = [VolunteerArea(area=key, label=label) for key, label in profile.areas]
    volunteer.any_time = profile.windows is None
    volunteer.availability = [Availability(weekday=d, start_minute=s, end_minute=e) for d, s, e in profile.windows or []]


def save(session: Session, spec: VolunteerSpec, *, default_cap: int = 3, now: datetime | None = None) -> Volunteer:
    """Create or update a volunteer from a spec (the phone number must already be E.164)."""
    now = now or utcnow()
    profile = check(spec.first_name, spec.skills, spec.languages, spec.areas, spec.availability, spec.weekly_cap,
                    spec.wheelchair_vehicle)

    insert_ignore(session, Contact, {"phone": spec.phone, "created_at": now, "last_seen_at": now}, ["phone"])
    contact = session.scalar(select(Contact).where(Contact.phone == spec.phone))
    if contact.language is None:
        contact.language = profile.languages[0]
    volunteer = for_contact(session, contact)
    if volunteer is None:
        volunteer = Volunteer(contact=contact, created_at=now, status=spec.status)
        session.add(volunteer)
    elif volunteer.status == REMOVED:
        volunteer.status = spec.status  # signing up again after removal starts over
    if spec.consent_method:
        volunteer.consent_at = now
        volunteer.consent_method = spec.consent_method
    _apply(volunteer, profile, default_cap)
    session.flush()
    return volunteer


def edit(session: Session, volunteer: Volunteer, profile: Profile, notes: str | None = None) -> None:
    """Change a volunteer's details (checked by `check`) and, if given, the coordinators' notes about them."""
    if notes is not None and len(notes) > MAX_NOTES:
        raise VolunteerError(f"notes are at most {MAX_NOTES} characters", "notes", max=MAX_NOTES)
    _apply(volunteer, profile, volunteer.weekly_cap)
    if notes is not None:
        volunteer.notes = clean(notes, limit=MAX_NOTES)
    session.flush()


def snapshot(volunteer: Volunteer) -> dict:
    """What the audit log keeps of a volunteer before and after a change (never their number)."""
    return {
        "first_name": volunteer.first_name,
        "status": volunteer.status,
        "paused_until": volunteer.paused_until.isoformat(timespec="minutes") if volunteer.paused_until else None,
        "skills": sorted(s.skill for s in volunteer.skills),
        "languages": sorted(lang.language for lang in volunteer.languages),
        "areas": sorted(a.label or a.area for a in volunteer.areas if a.label or not a.area.startswith("zip3:")),
        "availability": format_availability(volunteer),
        "weekly_cap": volunteer.weekly_cap,
        "wheelchair_vehicle": volunteer.wheelchair_vehicle,
        # Coordinators' words: kept, but without phone numbers or street addresses.
        "notes": areas_mod.redact(volunteer.notes or ""),
    }


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what differs between two snapshots, as (before, after); all of `after` when there was nothing before."""
    if not before:
        return {}, dict(after)
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


# -- status ----------------------------------------------------------------------------------

# What a coordinator may do to a volunteer in each status.
MOVES: dict[str, tuple[str, ...]] = {
    "approve": (PENDING,),
    "decline": (PENDING,),
    "pause": (ACTIVE, PAUSED),
    "resume": (PAUSED,),
    "remove": (ACTIVE, PAUSED),
}


def may(volunteer: Volunteer, move: str) -> bool:
    return volunteer.status in MOVES[move]


def _check_move(volunteer: Volunteer, move: str) -> None:
    if not may(volunteer, move):
        raise VolunteerError(f"{volunteer.first_name} is {volunteer.status}: cannot {move}", "cannot_" + move,
                             status=volunteer.status)


def set_status(volunteer: Volunteer, status: str, *, until: datetime | None = None) -> None:
    """Approve, pause (optionally until a date), resume or remove a volunteer."""
    if status not in (PENDING, ACTIVE, PAUSED, REMOVED):
        raise VolunteerError(f"unknown status {status!r}", "status", value=status)
    volunteer.status = status
    volunteer.paused_until = until if status == PAUSED else None


def _leave_pending(session: Session, volunteer: Volunteer, status: str, move: str) -> None:
    """Move a pending volunteer on, once: of two coordinators pressing at once, the second is refused."""
    session.flush()
    moved = session.execute(
        update(Volunteer).where(Volunteer.id == volunteer.id, Volunteer.status == PENDING)
        .values(status=status, paused_until=None).execution_options(synchronize_session=False))
    session.refresh(volunteer, ["status", "paused_until"])
    if moved.rowcount != 1:
        raise VolunteerError(f"{volunteer.first_name} is {volunteer.status}: cannot {move}", "cannot_" + move,
                             status=volunteer.status)


def approve(session: Session, settings: Settings, volunteer: Volunteer) -> OutboxMessage | None:
    """Make a pending volunteer active and queue their welcome in the same transaction.

    Returns the welcome, or None when it cannot be sent (no consent to texts, or they texted STOP).
    """
    _leave_pending(session, volunteer, ACTIVE, "approve")
    return welcome(session, settings, volunteer)


def decline(session: Session, volunteer: Volunteer) -> None:
    """Turn down a pending sign-up: removed, and not texted."""
    _leave_pending(session, volunteer, REMOVED, "decline")


def pause(volunteer: Volunteer, days: int | None, now: datetime) -> None:
    set_status(volunteer, PAUSED, until=now + timedelta(days=days) if days else None)


def pause_by_coordinator(volunteer: Volunteer, days: int | None, now: datetime) -> None:
    """Pause an active (or already paused) volunteer, for `days` or until resumed."""
    _check_move(volunteer, "pause")
    pause(volunteer, days, now)


def resume(volunteer: Volunteer) -> None:
    """Give a paused volunteer offers again."""
    _check_move(volunteer, "resume")
    set_status(volunteer, ACTIVE)


def remove(volunteer: Volunteer) -> None:
    """No more offers; their history stays."""
    _check_move(volunteer, "remove")
    set_status(volunteer, REMOVED)


def resume_due(session: Session, now: datetime) -> int:
    """Make volunteers whose pause has run out active again."""
    due = session.scalars(select(Volunteer).where(
        Volunteer.status == PAUSED, Volunteer.paused_until.is_not(None), Volunteer.paused_until <= now))
    count = 0
    for volunteer in due:
        set_status(volunteer, ACTIVE)
        count += 1
    return count


def reachable():
    """Volunteers who can be given a task: active, and their number takes texts (no STOP, no landline)
    and is neither blocked nor muted for answering like a machine."""
    now = utcnow()
    return (Volunteer.status == ACTIVE) & Volunteer.contact_id.in_(
        select(Contact.id).where(
            Contact.opted_out.is_(False), Contact.sms_unusable.is_(None), ~contact_blocked(now), ~contact_muted(now)))


def can_be_given_tasks(volunteer: Volunteer) -> bool:
    contact, now = volunteer.contact, utcnow()
    return (volunteer.status == ACTIVE and not contact.opted_out and not contact.sms_unusable
            and not contact.blocked(now) and not contact.muted(now))


def drivers(session: Session) -> list[Volunteer]:
    """Volunteers who drive and can be given a task, by name."""
    return list(session.scalars(
        select(Volunteer).join(VolunteerSkill, VolunteerSkill.volunteer_id == Volunteer.id)
        .where(reachable(), VolunteerSkill.skill == DRIVING)
        .order_by(Volunteer.first_name, Volunteer.id).options(selectinload(Volunteer.contact)).limit(2000)))


def can_drive(volunteer: Volunteer, mobility: list[str] | None) -> bool:
    """Whether a volunteer can be given a ride: active, a driver, with a vehicle that takes a
    wheelchair when the rider brings one."""
    return (can_be_given_tasks(volunteer) and any(s.skill == DRIVING for s in volunteer.skills)
            and (WHEELCHAIR not in (mobility or []) or volunteer.wheelchair_vehicle))


def welcome(session: Session, settings: Settings, volunteer: Volunteer) -> OutboxMessage | None:
    """Tell a volunteer a coordinator has confirmed them (once, and only with their consent)."""
    if volunteer.consent_at is None or volunteer.contact.opted_out:
        return None
    t = Translator(volunteer.contact.language or settings.default_language, settings.locales_dir)
    return queue_sms(session, volunteer.contact, t._(
        "You are confirmed as a volunteer, %(name)s. We will text you when a neighbor near you needs "
        "help. Reply %(pause)s to take a break.",
        name=volunteer.first_name, pause=shown_word(t, "pause"),
    ), kind="welcome")


# -- importing a CSV file --------------------------------------------------------------------

CSV_COLUMNS = ("phone", "name", "skills", "languages", "areas", "availability", "weekly_cap",
               "wheelchair_vehicle", "consent")
CSV_REQUIRED = ("phone", "name", "skills", "areas")


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts in the file (the header is line 1)
    values: dict[str, str]


@dataclass(frozen=True)
class Imported:
    line: int
    volunteer: Volunteer
    before: dict  # the volunteer's snapshot before the row, {} when the row added them
    after: dict


@dataclass
class ImportReport:
    rows: int = 0
    imported: list[Imported] = field(default_factory=list)
    errors: list[tuple[int, VolunteerError]] = field(default_factory=list)  # (line, why), in file order


def read_csv(text: str) -> list[CsvRow]:
    """Read a CSV of volunteers (a header row with at least CSV_REQUIRED, then one volunteer a row)."""
    text = text.removeprefix("\ufeff")
    # Strict: a quote left open would otherwise swallow every row after it, silently.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next((row for row in reader if row), None)
        if header is None:
            raise VolunteerError("the file is empty", "empty")
        names = [name.strip().lower() for name in header]
        missing = [name for name in CSV_REQUIRED if name not in names]
        if missing:
            raise VolunteerError(f"the CSV needs the columns {', '.join(missing)} (known: {', '.join(CSV_COLUMNS)})",
                                 "columns", missing=", ".join(missing), known=", ".join(CSV_COLUMNS))
        rows = []
        line = reader.line_num
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue  # a blank line between rows
            rows.append(CsvRow(start, {name: value for name, value in zip(names, values)}))
    except csv.Error as error:
        raise VolunteerError(f"cannot read the CSV at line {reader.line_num}: {error}", "csv", line=reader.line_num,
                             detail=str(error)) from error
    return rows


def spec_from_row(row: CsvRow, *, default_region: str, status: str, source: str) -> VolunteerSpec:
    values = row.values
    raw_phone = values.get("phone") or ""
    phone = normalize(raw_phone, default_region)
    if phone is None:
        raise VolunteerError(f"not a phone number that can get texts: {raw_phone!r}", "phone", value=raw_phone)
    return VolunteerSpec(
        phone=phone, first_name=values.get("name", ""), skills=values.get("skills", ""),
        languages=values.get("languages") or "en", areas=values.get("areas", ""),
        availability=values.get("availability") or "any",
        weekly_cap=parse_weekly_cap(values.get("weekly_cap")),
        wheelchair_vehicle=parse_flag(values.get("wheelchair_vehicle")),
        consent_method=(values.get("consent") or "").strip()[:64] or f"imported from {source}"[:64],
        status=status,
    )


def import_rows(session: Session, rows: list[CsvRow], *, default_region: str, default_cap: int,
                status: str = PENDING, source: str = "a file", each: Callable[[], None] | None = None) -> ImportReport:
    """Save every good row of a CSV of volunteers, each in its own savepoint; report the bad ones by line.

    A volunteer whose number is already known is updated; a removed one starts over as `status`.
    `each` is called after every row (a progress bar).
    """
    report = ImportReport(rows=len(rows))
    for row in rows:
        try:
            spec = spec_from_row(row, default_region=default_region, status=status, source=source)
            existing = find(session, spec.phone)
            before = snapshot(existing) if existing is not None else {}
            with session.begin_nested():
                volunteer = save(session, spec, default_cap=default_cap)
            report.imported.append(Imported(row.line, volunteer, before, snapshot(volunteer)))
        except VolunteerError as error:
            report.errors.append((row.line, error))
        if each is not None:
            each()
    return report
