"""Erasing a person from the console (admins only): from a request's page or a volunteer's page,
with a reason that goes in the audit log; the same erasure as a resident's DELETE."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for

from ... import accounts
from ...clock import now as utcnow
from ...models import Contact
from ...privacy import erase
from ..twilio import hotline
from . import access
from .i18n import gettext as _
from .i18n import ngettext
from .needs import find as find_need
from .volunteers import find as find_volunteer

bp = Blueprint("forget", __name__)

MAX_REASON = 500


def _forget(contact: Contact, back: str):
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        flash(_("Say why, for the others who read this later."), "error")
        return redirect(back)
    if erase.is_erased(contact):
        flash(_("This person was already erased."), "error")
        return redirect(back)
    done = erase.forget(g.db_session, hotline().settings, contact, utcnow(), actor=g.user.email,
                        reason=reason[:MAX_REASON], user_id=g.user.id, address=access.address())
    flash(ngettext("Erased. %(n)s request stays in the counts, tied to nobody.",
                   "Erased. %(n)s requests stay in the counts, tied to nobody.", done.requests), "success")
    return None


@bp.post("/needs/<ref>/forget")
@access.requires(accounts.FORGET)
def need(ref: str):
    found = find_need(ref)
    back = url_for("needs.show", ref=ref)
    return _forget(found.contact, back) or redirect(back)


@bp.post("/volunteers/<int:volunteer_id>/forget")
@access.requires(accounts.FORGET)
def volunteer(volunteer_id: int):
    found = find_volunteer(volunteer_id)
    back = url_for("volunteers.show", volunteer_id=volunteer_id)
    return _forget(found.contact, back) or redirect(url_for("volunteers.index"))
