"""`hotline volunteers`: add, approve, pause, remove, list and import volunteers.

Every command that changes a volunteer writes an audit entry, signed by the login that ran it.
"""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from .. import audit, volunteers
from ..clock import now as utcnow
from ..models import Contact, Volunteer
from ..phones import mask, normalize
from .common import services
from .common import settings as read_settings


def _db():
    settings = read_settings()
    return settings, services(settings).db


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
            existing = volunteers.find(session, spec.phone)
            before = volunteers.snapshot(existing) if existing is not None else {}
            volunteer = volunteers.save(session, spec, default_cap=settings.default_weekly_cap)
            status = volunteer.status
            record(session, "volunteer_added" if existing is None else "volunteer_edited", volunteer, before)
    except volunteers.VolunteerError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"saved {name} ({mask(spec.phone)}), {status}")


def record(session, action: str, volunteer: Volunteer, before: dict) -> None:
    """Audit a change to a volunteer made at this terminal: what differs, before and after."""
    was, now = volunteers.changes(before, volunteers.snapshot(volunteer))
    audit.record(session, audit.command_line(), action, f"volunteer {volunteer.id}", before=was, after=now)


def _set(phone: str, status: str, action: str, days: int | None = None) -> None:
    settings, db = _db()
    with db.session() as session:
        volunteer = volunteers.find(session, _phone(settings, phone))
        if volunteer is None:
            raise click.ClickException(f"no volunteer with number {mask(phone)}")
        now = utcnow()
        before = volunteers.snapshot(volunteer)
        if status == volunteers.ACTIVE and volunteer.status == volunteers.PENDING:
            volunteers.approve(session, settings, volunteer)
        elif status == volunteers.PAUSED:
            volunteers.pause(volunteer, days, now)
        else:
            volunteers.set_status(volunteer, status)
        record(session, action, volunteer, before)
        click.echo(f"{volunteer.first_name} ({mask(volunteer.contact.phone)}) is now {volunteer.status}"
                   + (f" until {volunteer.paused_until:%Y-%m-%d}" if volunteer.paused_until else ""))


@volunteers_group.command()
@click.argument("phone")
def approve(phone):
    """Approve a pending volunteer (they are told by SMS)."""
    _set(phone, volunteers.ACTIVE, "volunteer_approved")


@volunteers_group.command()
@click.argument("phone")
@click.option("--days", type=click.IntRange(1, volunteers.MAX_PAUSE_DAYS), default=None,
              help="Pause for this many days (default: until resumed).")
def pause(phone, days):
    """Stop offers to a volunteer for a while."""
    _set(phone, volunteers.PAUSED, "volunteer_paused", days)


@volunteers_group.command()
@click.argument("phone")
def resume(phone):
    """Give offers to a paused volunteer again."""
    _set(phone, volunteers.ACTIVE, "volunteer_resumed")


@volunteers_group.command()
@click.argument("phone")
def remove(phone):
    """Remove a volunteer: no more offers (their history stays)."""
    _set(phone, volunteers.REMOVED, "volunteer_removed")


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


@volunteers_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--active", is_flag=True, help="Approve everyone imported.")
def import_(path: Path, active: bool):
    """Import volunteers from a CSV file; good rows are saved, bad rows are reported."""
    settings, db = _db()
    try:
        rows = volunteers.read_csv(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path.name} is not UTF-8 text (save it as \"CSV UTF-8\")") from error
    except volunteers.VolunteerError as error:
        raise click.ClickException(str(error)) from error
    with db.session() as session:
        with click.progressbar(length=len(rows), label="Importing volunteers") as bar:
            report = volunteers.import_rows(
                session, rows, default_region=settings.default_region, default_cap=settings.default_weekly_cap,
                status=volunteers.ACTIVE if active else volunteers.PENDING, source=path.name,
                each=lambda: bar.update(1))
        for row in report.imported:
            was, now = volunteers.changes(row.before, row.after)
            audit.record(session, audit.command_line(), "volunteer_imported", f"volunteer {row.volunteer.id}",
                         before=was, after={**now, "file": path.name[:64], "line": row.line})
    click.echo(f"imported {len(report.imported)} of {report.rows} row(s)")
    if report.errors:
        click.echo(f"{len(report.errors)} row(s) not imported:")
        for line, error in report.errors:
            click.echo(f"  line {line}: {error}")
        raise SystemExit(1)


__all__ = ["volunteers_group"]
