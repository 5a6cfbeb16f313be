"""Residents' wellness check-ins (`/checkins`): set them up for a resident, change, pause, stop or
restart them, and read each one's history (answered, missed, looked in on). Coordinators only: who
is checked on, and when they did not answer, is nobody else's business. Every change is audited
with the number masked."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ... import accounts, times
from ...clock import now as utcnow
from ...dispatch import checkins
from ...i18n import N_, languages
from ...models import CheckIn
from ...phones import mask
from ..twilio import hotline
from . import access, labels
from .i18n import gettext as _
from .i18n import translator

bp = Blueprint("checkins", __name__)

STATUS = {checkins.ACTIVE: N_("On"), checkins.PAUSED: N_("Paused"), checkins.STOPPED: N_("Stopped")}
ROUND = {
    checkins.ASKED: N_("Asked, waiting"),
    checkins.RETRIED: N_("Called again, waiting"),
    checkins.OK: N_("Answered: OK"),
    checkins.HELP: N_("Answered: wants a call"),
    checkins.ESCALATED: N_("Missed: someone asked to look in"),
    checkins.SKIPPED: N_("Not asked (paused, stopped or an outage)"),
}
CHANNEL = {checkins.SMS: N_("By text"), checkins.CALL: N_("By phone call")}
WHO = {checkins.TO_VOLUNTEER: N_("A volunteer"), checkins.TO_COORDINATORS: N_("The coordinators")}
FIELDS = ("phone", "language", "time", "channel", "escalate_to", "volunteer_id", "location", "name")


def problems() -> dict[str, str]:
    return {
        "phone": _("That is not a phone number one can text or call."),
        "days": _("Pick at least one day."),
        "time": _("Give the time as hours and minutes, like 09:00."),
        "hours": _("Pick a time between %(start)s:00 and %(end)s:00, when nobody is woken.",
                   start=hotline().settings.checkin_earliest_hour, end=hotline().settings.checkin_latest_hour),
        "channel": _("Choose text or phone call."),
        "escalate_to": _("Choose who is asked to look in."),
        "volunteer_id": _("That volunteer cannot be given tasks now (paused, removed, or no texts reach them)."),
        "location": _("A volunteer needs to know where to go: give an address of at most 500 characters."),
        "name": _("The name is at most 64 characters."),
        "language": _("Choose one of the hotline's languages."),
        "opted_out": _("This number texted STOP: choose phone calls, or ask them to text START first."),
    }


def page(status: int = 200, *, error: str | None = None, field: str = "", form: dict | None = None):
    return render_template(
        "console/checkins.html", section="checkins", plans=checkins.plans(g.db_session), mask=mask,
        status_names=STATUS, channel_names=CHANNEL, who_names=WHO, helpers=checkins.helpers(g.db_session),
        languages=list(languages.REGISTRY.values()), days=_days(), error=error, field=field,
        form=form or {"days": list(checkins.EVERY_DAY), "time": "09:00", "channel": checkins.SMS,
                      "escalate_to": checkins.TO_COORDINATORS}, labels=labels,
    ), status


def _days() -> list[tuple[str, str]]:
    return [(str(i), name) for i, name in enumerate(times.weekday_names(translator().code))]


def _form() -> dict:
    form = {name: (request.form.get(name) or "")[:600] for name in FIELDS}
    form["days"] = [d for d in request.form.getlist("days")[:7] if len(d) == 1]
    return form


def find(checkin_id: int) -> CheckIn:
    plan = g.db_session.get(CheckIn, checkin_id)
    if plan is None:
        abort(404)
    return plan


@bp.get("/checkins")
@access.requires(accounts.ACT)
def index():
    return page()


@bp.post("/checkins")
@access.requires(accounts.ACT)
def add():
    form = _form()
    try:
        plan = checkins.set_up(g.db_session, hotline().settings, form, actor=g.user.email, now=utcnow(),
                               user_id=g.user.id, address=access.address())
    except checkins.CheckInError as error:
        g.db_session.rollback()  # nothing of a refused form stays
        # The number typed is never shown back whole once it was wrong.
        kept = {**form, "phone": "" if error.code == "phone" else form["phone"]}
        return page(400, error=problems().get(error.code, error.code), field=error.code, form=kept)
    flash(_("Check-ins are set for %(number)s.", number=mask(plan.contact.phone)), "success")
    return redirect(url_for("checkins.show", checkin_id=plan.id))


def detail(plan: CheckIn, status: int = 200, *, error: str | None = None, field: str = "", form: dict | None = None):
    form = form or {"days": list(plan.days), "time": plan.local_time, "channel": plan.channel,
                    "escalate_to": plan.escalate_to, "volunteer_id": str(plan.volunteer_id or ""),
                    "location": plan.location, "name": plan.name}
    return render_template(
        "console/checkin.html", section="checkins", plan=plan, rounds=checkins.rounds_of(g.db_session, plan),
        masked=mask(plan.contact.phone), status_names=STATUS, round_names=ROUND, channel_names=CHANNEL,
        who_names=WHO, helpers=checkins.helpers(g.db_session), days=_days(), error=error, field=field, form=form,
        labels=labels,
    ), status


@bp.get("/checkins/<int:checkin_id>")
@access.requires(accounts.ACT)
def show(checkin_id: int):
    return detail(find(checkin_id))


@bp.post("/checkins/<int:checkin_id>")
@access.requires(accounts.ACT)
def change(checkin_id: int):
    plan = find(checkin_id)
    form = _form()
    try:
        checkins.set_up(g.db_session, hotline().settings, form, actor=g.user.email, now=utcnow(), user_id=g.user.id,
                        address=access.address(), plan=plan)
    except checkins.CheckInError as error:
        g.db_session.rollback()
        return detail(find(checkin_id), 400, error=problems().get(error.code, error.code), field=error.code,
                      form=form)
    flash(_("Check-ins changed."), "success")
    return redirect(url_for("checkins.show", checkin_id=checkin_id))


@bp.post("/checkins/<int:checkin_id>/stop", defaults={"action": "stop"})
@bp.post("/checkins/<int:checkin_id>/pause", defaults={"action": "pause"})
@bp.post("/checkins/<int:checkin_id>/resume", defaults={"action": "resume"})
@access.requires(accounts.ACT)
def status(checkin_id: int, action: str):
    plan = find(checkin_id)
    try:
        checkins.change_status(g.db_session, plan, action, actor=g.user.email, now=utcnow(), user_id=g.user.id,
                               address=access.address())
    except checkins.CheckInError as error:
        g.db_session.rollback()
        return detail(find(checkin_id), 400, error=problems().get(error.code, error.code), field=error.code)
    flash({"stop": _("Check-ins stopped."), "pause": _("Check-ins paused until started again."),
           "resume": _("Check-ins are on again.")}[action], "success")
    return redirect(url_for("checkins.show", checkin_id=checkin_id))
