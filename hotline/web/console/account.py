"""Your account (`/account`): the phone the hotline rings to put you through to a resident.

Coordinators and admins keep their own (viewers put nobody through, so they have none); it is
shown masked, set or forgotten by its owner (or with `hotline users phone`), and each change is
audited with the number masked.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ... import accounts, bridges
from ...phones import mask
from ..twilio import hotline
from . import access
from .i18n import gettext as _
from .needs import call_problem

bp = Blueprint("account", __name__)
# Longest phone field read; anything longer is refused, never cut.
MAX_PHONE = 64


def page(status: int = 200, *, error: str | None = None, typed: str = ""):
    user = g.user
    reason = bridges.hotline_refusal(hotline().settings)
    return render_template("console/account.html", section="account", phone=mask(user.phone) if user.phone else "",
                           error=error, typed=typed, cannot_call=call_problem(reason) if reason else ""), status


@bp.get("/account")
@access.requires(accounts.ACT)
def index():
    return page()


@bp.post("/account/phone")
@access.requires(accounts.ACT)
def phone():
    """Set, change or forget your own phone."""
    raw = "" if request.form.get("forget") else (request.form.get("phone") or "")
    before = {"phone": mask(g.user.phone)} if g.user.phone else {}
    if len(raw) > MAX_PHONE:
        return page(400, error=_("That is too long for a phone number."))
    try:
        number = accounts.set_phone(g.user, raw, hotline().settings.default_region)
    except accounts.AccountError:
        return page(400, error=_("That is not a phone number the hotline can call. Write it with the country code, "
                                 "like +16175550100."), typed=raw.strip())
    access.record("phone_set" if number else "phone_forgotten", f"user {g.user.email}", before=before,
                  after={"phone": mask(number)} if number else {})
    flash(_("Your phone is saved.") if number else _("Your phone is forgotten."), "success")
    return redirect(url_for("account.index"))
