"""CSV exports (`/exports/<needs|rides|volunteers|audit>.csv`), filtered like the page they come from.

Numbers, street addresses and network addresses are masked unless an admin asks for the whole
file (`?full=1`); anyone else asking for that is refused, and the refusal is audited like every
export. The files open cleanly in spreadsheet programs: UTF-8 with a byte order mark, and no
cell a spreadsheet would run as a formula. They are written as they are read, a batch at a time.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from babel.dates import get_day_names
from flask import Blueprint, Response, abort, g, render_template, request, stream_with_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ... import accounts, areas, audit, offers
from ...clock import now as utcnow
from ...i18n import languages
from ...models import AuditEntry, Need, Offer, Ride, Volunteer, VolunteerLanguage, VolunteerSkill
from ...phones import mask
from ..twilio import hotline
from . import access, audit_log, days, labels, queue
from . import rides as board
from .i18n import gettext as _
from .i18n import translator

bp = Blueprint("exports", __name__)

KINDS = ("needs", "rides", "volunteers", "audit")
# More rows than this is not one file anyone reads: the filters should narrow it first.
MOST = 100_000
BATCH = 500
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as a cell no spreadsheet runs: text starting like a formula is kept as text."""
    if value is None:
        return ""
    if value is True or value is False:
        return _("yes") if value else _("no")
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


class Masks:
    """What an export shows of people's numbers, addresses and words: masked unless `full`."""

    def __init__(self, session: Session, full: bool):
        self.session = session
        self.full = full
        self._places = None

    def phone(self, number: str | None) -> str:
        if not number:
            return ""
        return number if self.full else mask(number)

    def place(self, text: str | None) -> str:
        if not text or self.full:
            return text or ""
        if self._places is None:
            # Looked up once for the whole file, not once a row.
            self._places = areas.known_places(self.session)
        return areas.for_location(self.session, text, self._places).label or areas.redact(text)

    def words(self, text: str | None) -> str:
        if not text or self.full:
            return text or ""
        return areas.redact(text)

    def values(self, value: Any) -> Any:
        """A stored before/after, with its words masked."""
        if self.full:
            return value
        if isinstance(value, str):
            return areas.redact(value)
        if isinstance(value, list):
            return [self.values(item) for item in value]
        if isinstance(value, dict):
            return {key: self.values(item) for key, item in value.items()}
        return value


Row = Callable[[Any, Masks], list[Any]]


def zone_name() -> str:
    return hotline().settings.hotline_timezone


# -- needs -----------------------------------------------------------------------------------

def needs_export() -> tuple[Any, list[str], Row, dict]:
    """The needs the queue shows with its filters in the URL, every page of them."""
    filters = queue.Filters.from_request()
    query = (filters.apply(select(Need), utcnow())
             .order_by(Need.urgent.desc(), Need.created_at.desc(), Need.id.desc())
             .options(selectinload(Need.contact), selectinload(Need.offers).selectinload(Offer.volunteer)))
    header = [_("Request"), _("Made (%(zone)s)", zone=zone_name()), _("Kind of help"), _("Status"), _("Urgent"),
              _("Needs a person"), _("Language"), _("Came by"), _("Where"), _("In their words"),
              _("Resident's number"), _("Helpers"), _("Last change (%(zone)s)", zone=zone_name())]

    def row(need: Need, masks: Masks) -> list[Any]:
        return [need.ref, days.wall(need.created_at), labels.name(labels.CATEGORY, need.category),
                labels.name(labels.NEED_STATUS, need.status), need.urgent,
                labels.name(labels.ATTENTION, need.attention), labels.language(need.language),
                _("by call") if need.channel == "voice" else _("by text"), masks.place(need.location),
                masks.words(need.details), masks.phone(need.contact.phone),
                ", ".join(o.volunteer.first_name for o in need.offers if o.status == offers.CLAIMED),
                days.wall(need.updated_at)]

    return query, header, row, filters.args(page=1)


# -- rides -----------------------------------------------------------------------------------

def rides_export() -> tuple[Any, list[str], Row, dict]:
    """The rides of the day or week the board shows."""
    view = board.Board.from_request()
    query = board.rides_query(*view.window())
    now = utcnow()
    confirm = hotline().settings.driver_confirm_minutes
    header = [_("Request"), _("Pickup (%(zone)s)", zone=zone_name()), _("Status"), _("From"), _("To"), _("Riders"),
              _("Mobility"), _("Way back"), _("Rider's number"), _("Driver"), _("Driver's number"),
              _("Rider confirmed"), _("Driver confirmed"), _("No driver"), _("Driver has not confirmed")]

    def row(ride: Ride, masks: Masks) -> list[Any]:
        seen = board.describe(ride, now, confirm)
        return [ride.need.ref, days.wall(seen.pickup), labels.name(labels.RIDE_STATUS, ride.status),
                masks.place(ride.pickup), masks.place(ride.destination), ride.riders, labels.mobility(ride.mobility),
                labels.way_back(ride),
                masks.phone(ride.need.contact.phone), ", ".join(d.first_name for d in seen.drivers),
                ", ".join(masks.phone(d.contact.phone) for d in seen.drivers),
                days.wall(ride.rider_confirmed_at), days.wall(ride.driver_confirmed_at),
                seen.no_driver, seen.unconfirmed]

    return query, header, row, view.args()


# -- volunteers ------------------------------------------------------------------------------

def volunteers_export() -> tuple[Any, list[str], Row, dict]:
    """Volunteers, optionally of one status, skill or language (`?status=&skill=&language=`)."""
    args = request.args
    status = args.get("status", "") if args.get("status", "") in labels.VOLUNTEER_STATUS else ""
    skill = args.get("skill", "") if args.get("skill", "") in labels.SKILL else ""
    language = args.get("language", "") if args.get("language", "") in languages.REGISTRY else ""
    query = select(Volunteer).order_by(Volunteer.first_name, Volunteer.id).options(selectinload(Volunteer.contact))
    if status:
        query = query.where(Volunteer.status == status)
    if skill:
        query = query.where(Volunteer.id.in_(select(VolunteerSkill.volunteer_id).where(VolunteerSkill.skill == skill)))
    if language:
        query = query.where(Volunteer.id.in_(
            select(VolunteerLanguage.volunteer_id).where(VolunteerLanguage.language == language)))
    day_names = get_day_names("abbreviated", locale=translator().babel_locale)
    header = [_("Number in the hotline"), _("First name"), _("Status"), _("Phone"), _("Skills"), _("Languages"),
              _("Areas"), _("When they can help"), _("Vehicle takes a wheelchair"), _("Tasks a week at most"),
              _("Quiet hours"), _("Paused until"), _("Joined (%(zone)s)", zone=zone_name()),
              _("Last given a task"), _("Consent"), _("Notes")]

    def hours(minutes: int) -> str:
        return f"{minutes // 60}:{minutes % 60:02d}"

    def row(volunteer: Volunteer, masks: Masks) -> list[Any]:
        windows = sorted(volunteer.availability, key=lambda w: (w.weekday, w.start_minute))
        when = "; ".join(f"{day_names[w.weekday]} {hours(w.start_minute)}-{hours(w.end_minute)}" for w in windows)
        covered = [a.label or a.area for a in volunteer.areas if not a.area.startswith("zip3:")]
        return [volunteer.id, volunteer.first_name, labels.name(labels.VOLUNTEER_STATUS, volunteer.status),
                masks.phone(volunteer.contact.phone),
                ", ".join(labels.name(labels.SKILL, s.skill) for s in volunteer.skills),
                ", ".join(labels.language(lang.language) for lang in volunteer.languages),
                ", ".join(_("anywhere") if a == areas.ANYWHERE else a for a in covered),
                when or _("any time"), volunteer.wheelchair_vehicle, volunteer.weekly_cap,
                f"{volunteer.quiet_start}-{volunteer.quiet_end}", days.wall(volunteer.paused_until),
                days.wall(volunteer.created_at), days.wall(volunteer.last_assigned_at),
                " ".join(filter(None, (volunteer.consent_method, days.wall(volunteer.consent_at)))),
                masks.words(volunteer.notes)]

    return query, header, row, {"status": status, "skill": skill, "language": language}


# -- the audit log ---------------------------------------------------------------------------

def audit_export() -> tuple[Any, list[str], Row, dict]:
    """The audit log with the filters of its page, every page of it."""
    filters = audit_log.Filters.from_request()
    header = [_("Entry"), _("When (%(zone)s)", zone=zone_name()), _("Who"), _("What"), _("Action code"),
              _("To what"), _("Before"), _("After"), _("From address")]

    def row(entry: AuditEntry, masks: Masks) -> list[Any]:
        return [entry.id, days.wall(entry.at), entry.actor, audit_log.action_name(entry.action), entry.action,
                entry.subject, audit_log.as_json(masks.values(entry.before)),
                audit_log.as_json(masks.values(entry.after)), entry.address if masks.full else ""]

    return filters.query(paged=False), header, row, filters.described()


EXPORTS: dict[str, Callable[[], tuple[Any, list[str], Row, dict]]] = {
    "needs": needs_export, "rides": rides_export, "volunteers": volunteers_export, "audit": audit_export,
}


def record(action: str, kind: str, after: dict[str, Any]) -> None:
    """Audit an export (or a refused one) in a transaction of its own, committed before a row leaves."""
    user = g.user
    with hotline().db.session() as session:
        audit.record(session, user.email, action, f"export {kind}", after={"kind": kind, **after},
                     user_id=user.id, address=access.address())


def lines(query, header: list[str], row: Row, full: bool) -> Iterator[str]:
    """The file, a batch of rows at a time, read in a transaction of its own (the request's has ended)."""
    session = hotline().db.open(read_only=True)
    try:
        masks = Masks(session, full)
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
        buffer.write("\ufeff")
        writer.writerow([cell(title) for title in header])
        for count, item in enumerate(session.scalars(query.limit(MOST).execution_options(yield_per=BATCH)), 1):
            writer.writerow([cell(value) for value in row(item, masks)])
            if count % BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    finally:
        session.rollback()
        session.close()


@bp.get("/exports/<kind>.csv")
@access.requires(accounts.READ)
def download(kind: str):
    if kind not in EXPORTS:
        abort(404)
    full = request.args.get("full") == "1"
    if full and not access.can(accounts.EXPORT_FULL):
        record("export_refused", kind, {"full": True})
        abort(403)
    query, header, row, filters = EXPORTS[kind]()
    filters = {key: value for key, value in filters.items() if value}
    rows = g.db_session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if rows > MOST:
        message = _("This export would have %(rows)s rows, more than %(most)s. Narrow the filters and export again.",
                    rows=rows, most=MOST)
        return render_template("console/error.html", status=413, message=message), 413
    record("export", kind, {"full": full, "filters": filters, "rows": rows})
    name = f"hotline-{kind}{'-full' if full else ''}-{days.today().isoformat()}.csv"
    return Response(stream_with_context(lines(query, header, row, full)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
