"""`hotline volunteers`: add, approve, pause, remove, list and import volunteers."""
from __future__ import annotations

import csv
from pathlib import Path

import click
from sqlalchemy import select

from .. import volunteers
from ..clock import now as utcnow
from ..db import Database
from ..migrate import upgrade
from ..models import Contact, Volunteer
from ..phones import mask, normalize
from .common import settings as read_settings


def _db():
    settings = read_settings()
    upgrade(settings.database_url)
    return settings, Database(settings.database_url)


def _phone(settings, raw: str) -> str:
    phone = normalize(raw, settings.default_region)
    if phone is None:
        raise click.BadParameter(f"{raw!r} is not a phone number that can get texts")
    return phone


@click.group("volunteers")
def volunteers_group() -> None:
    """Volunteers who get offers by SMS."""


@volunteers_group.command("add")
@click.argument("phone")
@click.option("--name", required=True, help="First name, shown to residents.")
@click.option("--skills", required=True, help=f"Comma-separated: {', '.join(volunteers.SKILLS)}.")
@click.option("--languages", default="en", show_default=True, help="Comma-separated codes or names (en, es).")
@click.option("--areas", required=True, help="ZIP codes or neighborhoods, comma-separated; * for anywhere.")
@click.option("--availability", default="any", show_default=True, help="'any' or e.g. 'mon-fri 9-17; sat 10-14'.")
@click.option("--weekly-cap", type=int, default=None, help="Most tasks a week (default DEFAULT_WEEKLY_CAP).")
@click.option("--wheelchair-vehicle", is_flag=True, help="Drives a vehicle that takes a wheelchair.")
@click.option("--consent", default="added by a coordinator", show_default=True,
              help="How they agreed to get texts.")
@click.option("--active", is_flag=True, help="Approve at once instead of leaving them pending.")
def add(phone, name, skills, languages, areas, availability, weekly_cap, wheelchair_vehicle, consent, active):
    """Add a volunteer, or update one with the same PHONE."""
    settings, db = _db()
    spec = volunteers.VolunteerSpec(
        phone=_phone(settings, phone), first_name=name, skills=skills, languages=languages, areas=areas,
        availability=availability, weekly_cap=weekly_cap, wheelchair_vehicle=wheelchair_vehicle,
        consent_method=consent, status=volunteers.ACTIVE if active else volunteers.PENDING,
    )
    try:
        with db.session() as session:
            volunteer = volunteers.save(session, spec, default_cap=settings.default_weekly_cap)
            status = volunteer.status
    except volunteers.VolunteerError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"saved {name} ({mask(spec.phone)}), {status}")


def _set(phone: str, status: str, days: int | None = None) -> None:
    settings, db = _db()
    with db.session() as session:
        volunteer = volunteers.find(session, _phone(settings, phone))
        if volunteer is None:
            raise click.ClickException(f"no volunteer with number {mask(phone)}")
        now = utcnow()
        was = volunteer.status
        if status == volunteers.PAUSED:
            volunteers.pause(volunteer, days, now)
        else:
            volunteers.set_status(volunteer, status)
        if status == volunteers.ACTIVE and was == volunteers.PENDING:
            volunteers.welcome(session, settings, volunteer)
        click.echo(f"{volunteer.first_name} ({mask(volunteer.contact.phone)}) is now {volunteer.status}"
                   + (f" until {volunteer.paused_until:%Y-%m-%d}" if volunteer.paused_until else ""))


@volunteers_group.command()
@click.argument("phone")
def approve(phone):
    """Approve a pending volunteer (they are told by SMS)."""
    _set(phone, volunteers.ACTIVE)


@volunteers_group.command()
@click.argument("phone")
@click.option("--days", type=int, default=None, help="Pause for this many days (default: until resumed).")
def pause(phone, days):
    """Stop offers to a volunteer for a while."""
    _set(phone, volunteers.PAUSED, days)


@volunteers_group.command()
@click.argument("phone")
def resume(phone):
    """Give offers to a paused volunteer again."""
    _set(phone, volunteers.ACTIVE)


@volunteers_group.command()
@click.argument("phone")
def remove(phone):
    """Remove a volunteer: no more offers (their history stays)."""
    _set(phone, volunteers.REMOVED)


@volunteers_group.command("list")
@click.option("--status", type=click.Choice(["pending", "active", "paused", "removed"]), default=None)
def list_(status):
    """List volunteers (numbers masked)."""
    _, db = _db()
    with db.session() as session:
        query = select(Volunteer).join(Contact).order_by(Volunteer.status, Volunteer.first_name)
        if status:
            query = query.where(Volunteer.status == status)
        rows = session.scalars(query).all()
        for v in rows:
            skills = ",".join(s.skill for s in v.skills)
            langs = ",".join(lang.language for lang in v.languages)
            areas = ",".join(a.label for a in v.areas if a.label)
            opted = " OPTED-OUT" if v.contact.opted_out else ""
            click.echo(f"{mask(v.contact.phone):>8}  {v.first_name:<14} {v.status:<8} skills={skills} "
                       f"languages={langs} areas={areas} cap={v.weekly_cap}/week{opted}")
        click.echo(f"{len(rows)} volunteer(s)")


CSV_COLUMNS = ("phone", "name", "skills", "languages", "areas", "availability", "weekly_cap",
               "wheelchair_vehicle", "consent")


@volunteers_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--active", is_flag=True, help="Approve everyone imported.")
def import_(path: Path, active: bool):
    """Import volunteers from a CSV file; good rows are saved, bad rows are reported."""
    settings, db = _db()
    with path.open(newline="", encoding="utf-8-sig") as fp:
        rows = list(csv.DictReader(fp))
    missing = {"phone", "name", "skills", "areas"} - set((rows[0].keys() if rows else []))
    if missing:
        raise click.ClickException(f"the CSV needs the columns {', '.join(sorted(missing))} "
                                   f"(known: {', '.join(CSV_COLUMNS)})")
    errors: list[tuple[int, str]] = []
    saved = 0
    with click.progressbar(enumerate(rows, start=2), length=len(rows), label="Importing volunteers") as bar:
        for line, row in bar:
            try:
                phone = normalize(row.get("phone", ""), settings.default_region)
                if phone is None:
                    raise volunteers.VolunteerError(f"not a phone number that can get texts: {row.get('phone')!r}")
                cap = (row.get("weekly_cap") or "").strip()
                spec = volunteers.VolunteerSpec(
                    phone=phone, first_name=row.get("name", ""), skills=row.get("skills", ""),
                    languages=row.get("languages") or "en", areas=row.get("areas", ""),
                    availability=row.get("availability") or "any",
                    weekly_cap=int(cap) if cap else None,
                    wheelchair_vehicle=(row.get("wheelchair_vehicle") or "").strip().lower() in ("1", "yes", "true", "y"),
                    consent_method=(row.get("consent") or "").strip() or f"imported from {path.name}",
                    status=volunteers.ACTIVE if active else volunteers.PENDING,
                )
                with db.session() as session:
                    volunteers.save(session, spec, default_cap=settings.default_weekly_cap)
                saved += 1
            except (volunteers.VolunteerError, ValueError) as error:
                errors.append((line, str(error)))
    click.echo(f"imported {saved} of {len(rows)} row(s)")
    if errors:
        click.echo(f"{len(errors)} row(s) not imported:")
        for line, message in errors:
            click.echo(f"  line {line}: {message}")
        raise SystemExit(1)


__all__ = ["volunteers_group"]
