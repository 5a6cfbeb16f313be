"""Your account (`/account`): the console's language, and the phone the hotline rings to put you
through to a resident.

Every account chooses the language the console is written in (or their browser's), kept on the
account and audited. Coordinators and admins keep their own phone (viewers put nobody through,
so they have none); it is shown masked, set or forgotten by its owner (or with `hotline users
phone`), and each change is audited with the number masked.
"""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ... import accounts, bridges
from ...phones import mask
from ..twilio import hotline
from . import access
from .i18n import choose_language, console_languages, gettext as _
from .needs import call_problem

bp = Blueprint("account", __name__)
# Longest phone field read; anything longer is refused, never cut.
MAX_PHONE = 64


# Longest language code read; anything longer is refused.
MAX_LANGUAGE = 16


def page(status: int = 200, *, error: str | None = None, typed: str = "", language_error: str | None = None):
    user = g.user
    reason = bridges.hotline_refusal(hotline().settings)
    return render_template("console/account.html", section="account", phone=mask(user.phone) if user.phone else "",
                           error=error, typed=typed, cannot_call=call_problem(reason) if reason else "",
                           rung=access.can(accounts.ACT), languages=console_languages(), chosen=user.language or "",
                           language_error=language_error), status


@bp.get("/account")
@access.requires(accounts.READ)
def index():
    return page()


@bp.post("/account/language")
@access.requires(accounts.READ)
def language():
    """Choose the language the console is written in for you, or your browser's (empty)."""
    chosen = request.form.get("language")
    codes = {lang.code for lang in console_languages()}
    if chosen is None or len(chosen) > MAX_LANGUAGE or (chosen and chosen not in codes):
        return page(400, language_error=_("Choose one of the languages in the list."))
    before = g.user.language or ""
    if chosen != before:
        g.user.language = chosen
        access.record("language_set", f"user {g.user.email}", before={"language": before},
                      after={"language": chosen})
    choose_language()  # the page says so in the language just chosen
    flash(_("Your language is saved."), "success")
    return redirect(url_for("account.index"))


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
