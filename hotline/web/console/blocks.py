"""Blocked and muted numbers (`/blocks`): block a number with a reason (for some days or until
lifted), lift a block, answer a muted number again. Numbers are only ever shown masked; every
change is audited with the number masked."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ... import accounts
from ...clock import now as utcnow
from ...guard import blocks
from ...models import Contact
from ...phones import mask
from ..twilio import hotline
from . import access
from .i18n import gettext as _

bp = Blueprint("blocks", __name__)


def reasons() -> dict[str, str]:
    return {
        blocks.AUTO_REPLY: _("an auto-reply message"),
        blocks.REPEATS: _("the same words again and again, faster than anyone types"),
    }


def page(status: int = 200, *, error: str | None = None, field: str = "", phone: str = "", reason: str = "",
         days: str = ""):
    now = utcnow()
    return render_template(
        "console/blocks.html", section="blocks", blocked=blocks.blocked(g.db_session, now),
        muted=blocks.muted(g.db_session, now), reasons=reasons(), error=error, field=field, phone=phone,
        reason=reason, days=days, max_days=blocks.MAX_DAYS, max_reason=blocks.MAX_REASON,
    ), status


def find(contact_id: int) -> Contact:
    contact = g.db_session.get(Contact, contact_id)
    if contact is None:
        abort(404)
    return contact


@bp.get("/blocks")
@access.requires(accounts.READ)
def index():
    return page()


@bp.post("/blocks")
@access.requires(accounts.ACT)
def add():
    form = request.form
    phone, reason, days = (form.get("phone") or "")[:64], (form.get("reason") or "")[:blocks.MAX_REASON], \
        (form.get("days") or "")[:8]
    problems = {
        "phone": _("That is not a phone number one can text."),
        "reason": _("Say why the number is blocked, for the others who read this later."),
        "days": _("Days is a whole number from 1 to %(max)s, or empty for a block with no end.", max=blocks.MAX_DAYS),
    }
    try:
        contact = blocks.block(g.db_session, hotline().settings, phone, reason, blocks.read_days(days),
                               actor=g.user.email, now=utcnow(), user_id=g.user.id, address=access.address())
    except blocks.BlockError as error:
        # The number typed is never shown back whole.
        return page(400, error=problems[error.field], field=error.field, reason=reason.strip(), days=days.strip(),
                    phone="" if error.field == "phone" else phone.strip())
    flash(_("%(number)s is blocked: it gets no answer and files nothing.", number=mask(contact.phone)), "success")
    return redirect(url_for("blocks.index"))


@bp.post("/blocks/<int:contact_id>/unblock")
@access.requires(accounts.ACT)
def unblock(contact_id: int):
    contact = find(contact_id)
    if blocks.unblock(g.db_session, contact, actor=g.user.email, now=utcnow(), user_id=g.user.id,
                      address=access.address()):
        flash(_("%(number)s is no longer blocked.", number=mask(contact.phone)), "success")
    else:
        flash(_("%(number)s was not blocked.", number=mask(contact.phone)), "error")
    return redirect(url_for("blocks.index"))


@bp.post("/blocks/<int:contact_id>/unmute")
@access.requires(accounts.ACT)
def unmute(contact_id: int):
    contact = find(contact_id)
    if blocks.unmute(g.db_session, contact, actor=g.user.email, now=utcnow(), user_id=g.user.id,
                     address=access.address()):
        flash(_("%(number)s will be answered again.", number=mask(contact.phone)), "success")
    else:
        flash(_("%(number)s was not muted.", number=mask(contact.phone)), "error")
    return redirect(url_for("blocks.index"))
