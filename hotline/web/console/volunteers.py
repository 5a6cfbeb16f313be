"""Volunteers (`/volunteers`): sign-ups to approve, the roster with how much each has taken on
lately, a volunteer's page to edit, pause, resume or remove them, and a CSV upload.

Every action is a form (POST, CSRF) that comes back to a page, and is audited with what it changed.
Numbers are masked for everyone here. Those doing a lot (near or over their weekly cap, or taking
tasks in their quiet hours) stand out, in words as well as colour.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from babel.dates import get_day_names
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from ... import accounts, volunteers, workload
from ...clock import now as utcnow
from ...i18n import N_, languages
from ...i18n.keywords import normalize
from ...voice import sentence_recordings
from ...models import Offer, Volunteer, VolunteerArea, VolunteerLanguage, VolunteerSkill
from ...volunteers import ACTIVE, PAUSED, PENDING, REMOVED, VolunteerError
from ..twilio import hotline
from . import access, labels, recordings
from .i18n import gettext as _
from .i18n import ngettext, translator

bp = Blueprint("volunteers", __name__)

PAGE = 100
DAY_WORD = re.compile(r"\b(?:" + "|".join(volunteers.DAYS) + r")\b")
UPLOAD_LIMIT = 1024 * 1024
# The CSRF check reads the form before any view runs, under the app's MAX_CONTENT_LENGTH; an
# upload gets room for its file and the form around it (bigger files are refused by a handler below).
UPLOAD_REQUEST_LIMIT = UPLOAD_LIMIT + 64 * 1024
ROSTER_STATUSES = ("current", ACTIVE, PAUSED, PENDING, REMOVED, "all")
CURRENT = (ACTIVE, PAUSED)

CAP = {
    workload.NEAR: N_("near their weekly cap"),
    workload.AT: N_("at their weekly cap"),
    workload.OVER: N_("over their weekly cap"),
}
# Which field of the edit form a problem belongs to.
FIELD = {"name": "first_name", "skill": "skills", "no_skill": "skills", "language": "languages",
         "no_area": "areas", "availability": "availability", "hours": "availability", "cap": "weekly_cap",
         "notes": "notes"}


def problem(error: VolunteerError) -> str:
    """Why a volunteer could not be saved or moved, in the reader's words."""
    v = error.values
    status = labels.name(labels.VOLUNTEER_STATUS, v.get("status"))
    messages = {
        "name": lambda: _("Write their first name."),
        "skill": lambda: _("“%(value)s” is not a skill the hotline knows.", value=v.get("value")),
        "no_skill": lambda: _("Choose at least one skill."),
        "language": lambda: _("“%(value)s” is not a language the hotline knows.", value=v.get("value")),
        "no_area": lambda: _("Write at least one area: a ZIP code, a neighborhood, or * for anywhere."),
        "availability": lambda: _("Cannot read the availability “%(value)s”. Write any, or days and hours like "
                                  "mon-fri 9-17; sat 10:30-14.", value=v.get("value")),
        "hours": lambda: _("The hours in “%(value)s” must run forwards within one day, like 9-17.",
                           value=v.get("value")),
        "cap": lambda: _("The weekly cap is a whole number from 0 to %(max)s.", max=v.get("max")),
        "notes": lambda: _("Notes are at most %(max)s characters.", max=v.get("max")),
        "pause_days": lambda: _("A pause lasts from 1 to %(max)s days, or leave it empty.", max=v.get("max")),
        "phone": lambda: _("“%(value)s” is not a phone number that can get texts.", value=v.get("value")),
        "empty": lambda: _("The file is empty."),
        "columns": lambda: _("The file needs the columns %(missing)s in its first row (it may have: %(known)s).",
                             missing=v.get("missing"), known=v.get("known")),
        "csv": lambda: _("The file cannot be read as CSV (line %(line)s).", line=v.get("line")),
        "cannot_approve": lambda: _("Only a sign-up waiting for approval can be approved; this one is: %(status)s.",
                                    status=status),
        "cannot_decline": lambda: _("Only a sign-up waiting for approval can be declined; this one is: %(status)s.",
                                    status=status),
        "cannot_pause": lambda: _("Only an active volunteer can be paused; this one is: %(status)s.", status=status),
        "cannot_resume": lambda: _("Only a paused volunteer can be resumed; this one is: %(status)s.", status=status),
        "cannot_remove": lambda: _("This volunteer cannot be removed now; they are: %(status)s.", status=status),
    }
    say = messages.get(error.code)
    return say() if say else str(error)


# -- the roster --------------------------------------------------------------------------------

def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Filters:
    status: str = "current"
    skill: str = ""
    language: str = ""
    area: str = ""
    page: int = 1

    @classmethod
    def from_request(cls) -> "Filters":
        args = request.args
        status = args.get("status", "current")
        skill = args.get("skill", "")
        language = args.get("language", "")
        page = args.get("page", "1")
        return cls(
            status=status if status in ROSTER_STATUSES else "current",
            skill=skill if skill in volunteers.SKILLS else "",
            language=language if language in languages.REGISTRY else "",
            area=" ".join(args.get("area", "").split())[:64],
            page=int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 10_000 else 1,
        )

    def args(self, **changes) -> dict[str, str]:
        """The filters as URL arguments (only those set), with some changed."""
        values = {"status": self.status, "skill": self.skill, "language": self.language, "area": self.area,
                  "page": self.page, **changes}
        return {k: v for k, v in values.items() if v and not (k == "status" and v == "current")
                and not (k == "page" and v == 1)}

    def apply(self, query):
        if self.status == "current":
            query = query.where(Volunteer.status.in_(CURRENT))
        elif self.status != "all":
            query = query.where(Volunteer.status == self.status)
        if self.skill:
            query = query.where(Volunteer.id.in_(
                select(VolunteerSkill.volunteer_id).where(VolunteerSkill.skill == self.skill)))
        if self.language:
            query = query.where(Volunteer.id.in_(
                select(VolunteerLanguage.volunteer_id).where(VolunteerLanguage.language == self.language)))
        if self.area:
            label, key = _like(self.area.lower()), _like(normalize(self.area))
            query = query.where(Volunteer.id.in_(select(VolunteerArea.volunteer_id).where(or_(
                func.lower(VolunteerArea.label).like(label, escape="\\"),
                VolunteerArea.area.like(key, escape="\\")))))
        return query


def roster(session, filters: Filters) -> tuple[list[Volunteer], int]:
    total = session.scalar(filters.apply(select(func.count(Volunteer.id)))) or 0
    rows = session.scalars(
        filters.apply(select(Volunteer)).order_by(Volunteer.first_name, Volunteer.id)
        .offset((filters.page - 1) * PAGE).limit(PAGE).options(selectinload(Volunteer.contact)))
    return list(rows), total


def waiting(session) -> list[Volunteer]:
    """Sign-ups waiting for a coordinator, oldest first: they have waited longest."""
    return list(session.scalars(select(Volunteer).where(Volunteer.status == PENDING)
                                .order_by(Volunteer.created_at, Volunteer.id).limit(PAGE)
                                .options(selectinload(Volunteer.contact))))


def area_labels(volunteer: Volunteer) -> str:
    # The wider area a ZIP code brings with it has no label: the ZIP code stands for both.
    return ", ".join(labels.area(a.area, a.label) for a in volunteer.areas if a.label)


def availability_label(volunteer: Volunteer) -> str:
    """When a volunteer can help, in the reader's words ("Any time", "lun-vie 9-17")."""
    written = volunteers.format_availability(volunteer)
    if written == "any":
        return _("Any time")
    names = get_day_names("abbreviated", locale=translator().babel_locale)
    return DAY_WORD.sub(lambda found: names[volunteers.DAYS[found.group()]], written)


# How volunteers agreed to texts, as the hotline and `hotline volunteers add` record it.
CONSENT = {"sms sign-up": N_("signed up by text"), "added by a coordinator": N_("added by a coordinator")}


def consent_label(volunteer: Volunteer) -> str:
    return labels.name(CONSENT, volunteer.consent_method)


def skill_labels(volunteer: Volunteer) -> str:
    return ", ".join(labels.name(labels.SKILL, s.skill) for s in volunteer.skills)


def language_labels(volunteer: Volunteer) -> str:
    return ", ".join(labels.language(lang.language) for lang in volunteer.languages)


def page_context(filters: Filters, **extra) -> dict:
    session = g.db_session
    settings = hotline().settings
    now = utcnow()
    rows, total = roster(session, filters)
    pending = waiting(session)
    return {
        "filters": filters, "rows": rows, "total": total, "pending": pending, "now": now,
        "pages": max(1, (total + PAGE - 1) // PAGE),
        "loads": workload.for_volunteers(session, rows, now, settings.hotline_timezone),
        "strained": workload.strained(session, CURRENT, now, settings.hotline_timezone),
        "statuses": ROSTER_STATUSES, "languages": list(languages.REGISTRY.values()),
        "upload_limit": UPLOAD_LIMIT // 1024 // 1024, "required": volunteers.CSV_REQUIRED,
        "optional": [c for c in volunteers.CSV_COLUMNS if c not in volunteers.CSV_REQUIRED],
        "report": None, "upload_error": None, **helpers(), **extra,
    }


def helpers() -> dict:
    return {"STATUS": labels.VOLUNTEER_STATUS, "SKILL": labels.SKILL, "CAP": CAP, "labels": labels, "access": access,
            "skill_labels": skill_labels, "language_labels": language_labels, "area_labels": area_labels,
            "availability": availability_label, "consent": consent_label, "may": volunteers.may}


@bp.get("/volunteers")
@access.requires(accounts.READ)
def index():
    return render_template("console/volunteers.html", section="volunteers", **page_context(Filters.from_request()))


# -- one volunteer -----------------------------------------------------------------------------

def find(volunteer_id: int) -> Volunteer:
    volunteer = g.db_session.scalars(select(Volunteer).where(Volunteer.id == volunteer_id)
                                     .options(selectinload(Volunteer.contact))).one_or_none()
    if volunteer is None:
        abort(404)
    return volunteer


def form_of(volunteer: Volunteer) -> dict:
    return {
        "first_name": volunteer.first_name,
        "skills": [s.skill for s in volunteer.skills],
        "languages": [lang.language for lang in volunteer.languages],
        "areas": ", ".join(a.label for a in volunteer.areas if a.label),
        "availability": volunteers.format_availability(volunteer),
        "weekly_cap": str(volunteer.weekly_cap),
        "wheelchair_vehicle": volunteer.wheelchair_vehicle,
        "notes": volunteer.notes or "",
    }


def submitted() -> dict:
    form = request.form
    return {
        "first_name": form.get("first_name", "")[:200],
        "skills": form.getlist("skills")[:20],
        "languages": form.getlist("languages")[:20],
        "areas": form.get("areas", "")[:1000],
        "availability": form.get("availability", "")[:500],
        "weekly_cap": form.get("weekly_cap", "")[:10],
        "wheelchair_vehicle": form.get("wheelchair_vehicle") == "1",
        "notes": form.get("notes", ""),
    }


def recent_tasks(volunteer: Volunteer) -> list[Offer]:
    return list(g.db_session.scalars(
        select(Offer).where(Offer.volunteer_id == volunteer.id, Offer.claimed_at.is_not(None))
        .order_by(Offer.claimed_at.desc(), Offer.id.desc()).limit(10).options(selectinload(Offer.need))))


def render_volunteer(volunteer: Volunteer, form: dict | None = None, error: str | None = None,
                     field: str | None = None, status: int = 200):
    settings = hotline().settings
    now = utcnow()
    load = workload.for_volunteers(g.db_session, [volunteer], now, settings.hotline_timezone)[volunteer.id]
    return render_template(
        "console/volunteer.html", section="volunteers", volunteer=volunteer, load=load,
        tasks=recent_tasks(volunteer), form=form or form_of(volunteer), error=error, field=field,
        skills=list(volunteers.SKILLS), languages=list(languages.REGISTRY.values()),
        max_cap=volunteers.MAX_WEEKLY_CAP, max_notes=volunteers.MAX_NOTES, max_days=volunteers.MAX_PAUSE_DAYS,
        now=now, recording_languages=recordings.voiceless(),
        records=[r.language for r in sentence_recordings.recorder_for(g.db_session, volunteer.contact)], **helpers(),
    ), status


@bp.get("/volunteers/<int:volunteer_id>")
@access.requires(accounts.READ)
def show(volunteer_id: int):
    return render_volunteer(find(volunteer_id))


def subject(volunteer: Volunteer) -> str:
    return f"volunteer {volunteer.id}"


@bp.post("/volunteers/<int:volunteer_id>/edit")
@access.requires(accounts.ACT)
def edit(volunteer_id: int):
    """Save the edit form; bad input comes back in the form with what is wrong, nothing saved."""
    volunteer = find(volunteer_id)
    form = submitted()
    before = volunteers.snapshot(volunteer)
    try:
        profile = volunteers.check(form["first_name"], form["skills"], form["languages"], form["areas"],
                                   form["availability"] or "any", form["weekly_cap"], form["wheelchair_vehicle"])
        volunteers.edit(g.db_session, volunteer, profile, form["notes"])
    except VolunteerError as error:
        return render_volunteer(volunteer, form, problem(error), FIELD.get(error.code), 400)
    was, now = volunteers.changes(before, volunteers.snapshot(volunteer))
    access.record("volunteer_edited", subject(volunteer), before=was, after=now)
    flash(_("Saved the changes to %(name)s.", name=volunteer.first_name), "success")
    return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))


def move(volunteer_id: int, action: str, change) -> object:
    """Run one status change, audit it, and go back to the page the form was on."""
    volunteer = find(volunteer_id)
    back = access.safe_next(request.form.get("next")) or url_for("volunteers.show", volunteer_id=volunteer.id)
    before = volunteers.snapshot(volunteer)
    try:
        message, detail = change(volunteer)
    except VolunteerError as error:
        flash(problem(error), "error")
        return redirect(back)
    g.db_session.flush()
    was, now = volunteers.changes(before, volunteers.snapshot(volunteer))
    access.record(action, subject(volunteer), before=was, after={**now, **detail})
    flash(message, "success")
    return redirect(back)


@bp.post("/volunteers/<int:volunteer_id>/approve")
@access.requires(accounts.ACT)
def approve(volunteer_id: int):
    settings = hotline().settings

    def approve_one(volunteer):
        welcome = volunteers.approve(g.db_session, settings, volunteer)
        if welcome is None:
            return _("%(name)s is active. No welcome text was sent: they have not agreed to get texts, "
                     "or they texted STOP.", name=volunteer.first_name), {"welcome": None}
        return _("%(name)s is active; their welcome text is on its way.", name=volunteer.first_name), \
            {"welcome": welcome.id}

    return move(volunteer_id, "volunteer_approved", approve_one)


@bp.post("/volunteers/<int:volunteer_id>/decline")
@access.requires(accounts.ACT)
def decline(volunteer_id: int):
    def decline_one(volunteer):
        volunteers.decline(g.db_session, volunteer)
        return _("Declined %(name)s's sign-up. They were not texted.", name=volunteer.first_name), {}

    return move(volunteer_id, "volunteer_declined", decline_one)


@bp.post("/volunteers/<int:volunteer_id>/pause")
@access.requires(accounts.ACT)
def pause(volunteer_id: int):
    def pause_one(volunteer):
        days = volunteers.parse_pause_days(request.form.get("days", "")[:10])
        volunteers.pause_by_coordinator(volunteer, days, utcnow())
        if days:
            return ngettext("%(name)s is paused for %(n)s day: no offers until then.",
                            "%(name)s is paused for %(n)s days: no offers until then.", days,
                            name=volunteer.first_name), {"days": days}
        return _("%(name)s is paused until someone resumes them.", name=volunteer.first_name), {}

    return move(volunteer_id, "volunteer_paused", pause_one)


@bp.post("/volunteers/<int:volunteer_id>/resume")
@access.requires(accounts.ACT)
def resume(volunteer_id: int):
    def resume_one(volunteer):
        volunteers.resume(volunteer)
        return _("%(name)s gets offers again.", name=volunteer.first_name), {}

    return move(volunteer_id, "volunteer_resumed", resume_one)


@bp.post("/volunteers/<int:volunteer_id>/remove")
@access.requires(accounts.ACT)
def remove(volunteer_id: int):
    def remove_one(volunteer):
        volunteers.remove(volunteer)
        return _("Removed %(name)s: no more offers. Their history stays.", name=volunteer.first_name), {}

    return move(volunteer_id, "volunteer_removed", remove_one)


# -- the CSV upload ----------------------------------------------------------------------------

@bp.url_value_preprocessor
def room_for_uploads(endpoint: str | None, _values) -> None:
    # Runs before every before_request function, the CSRF check (which reads the form) included.
    if endpoint == "volunteers.upload":
        # A request's own limit: Flask 3.1 and later.
        request.max_content_length = UPLOAD_REQUEST_LIMIT


def too_large() -> str:
    return _("The file is larger than %(mb)s MB. Split it into smaller files and upload each.",
             mb=UPLOAD_LIMIT // 1024 // 1024)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    """A body too large to read at all: say so on the volunteers page, instead of a bare error."""
    if request.endpoint != "volunteers.upload":
        return render_template("console/error.html", status=413, message=_("That is too large.")), 413
    flash(too_large(), "error")
    return redirect(url_for("volunteers.index"))


def refuse(message: str, status: int):
    """Answer an upload that cannot be read at all: the page, the reason, nothing saved."""
    return render_template("console/volunteers.html", section="volunteers",
                           **page_context(Filters(), upload_error=message)), status


@bp.post("/volunteers/import")
@access.requires(accounts.ACT)
def upload():
    """Import a CSV of volunteers (the columns of `hotline volunteers import`): good rows are saved,
    bad ones reported by line."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return refuse(_("Choose a CSV file to upload."), 400)
    data = upload.stream.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        return refuse(too_large(), 413)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return refuse(_("The file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8\" and upload "
                        "it again."), 400)
    try:
        rows = volunteers.read_csv(text)
    except VolunteerError as error:
        return refuse(problem(error), 400)
    settings = hotline().settings
    name = secure_filename(upload.filename)[:64] or "upload.csv"
    report = volunteers.import_rows(
        g.db_session, rows, default_region=settings.default_region, default_cap=settings.default_weekly_cap,
        status=ACTIVE if request.form.get("active") == "1" else PENDING, source=name)
    for row in report.imported:
        was, now = volunteers.changes(row.before, row.after)
        access.record("volunteer_imported", subject(row.volunteer), before=was,
                      after={**now, "file": name, "line": row.line})
    errors = [(line, problem(error)) for line, error in report.errors]
    return render_template("console/volunteers.html", section="volunteers",
                           **page_context(Filters(), report=report, report_errors=errors, file_name=name))
