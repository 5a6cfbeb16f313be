"""Spend (`/spend`): SMS segments and call minutes today and this month against their budgets.

Every console page carries a banner once a budget passes 80 %. Admins raise a budget for the
current day or month here; the raise is kept in the database, audited, and lets held messages go.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ... import accounts
from ...clock import now as utcnow
from ...outbound import budget
from ..twilio import hotline
from . import access
from .i18n import gettext as _, ngettext

bp = Blueprint("spend", __name__)

MAX_BUDGET = 10_000_000


def banner() -> list[budget.Standing]:
    """Budgets past 80 % in their current period, for the banner on every console page."""
    settings = hotline().settings
    if g.get("user") is None or g.get("db_session") is None or not budget.any_budget(settings):
        return []
    return [s for s in budget.standings(g.db_session, settings, utcnow()) if s.warned]


def page(status: int = 200):
    settings = hotline().settings
    now = utcnow()
    standings = budget.standings(g.db_session, settings, now)
    held = budget.held_counts(g.db_session, budget.period_start(budget.MONTH, now, settings.hotline_timezone))
    return render_template("console/spend.html", section="spend", standings=standings, held=held,
                           can_raise=access.can(accounts.RAISE_BUDGET)), status


@bp.get("/spend")
@access.requires(accounts.READ)
def index():
    return page()


@bp.post("/spend/raise")
@access.requires(accounts.RAISE_BUDGET)
def raise_budget():
    """Raise one budget for the period it is in; held messages are let go."""
    form = request.form
    measure, span, raw = form.get("measure", ""), form.get("span", ""), (form.get("value") or "").strip()
    if measure not in budget.MEASURES or span not in budget.SPANS:
        abort(400, description="measure is sms or call, span is day or month")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 8 and 0 < int(raw) <= MAX_BUDGET):
        flash(_("A budget is a whole number from 1 to %(max)s.", max=MAX_BUDGET), "error")
        return page(400)
    settings = hotline().settings
    try:
        before, released = budget.raise_budget(g.db_session, settings, measure, span, int(raw), utcnow(),
                                               actor=g.user.email)
    except budget.BudgetError as error:
        current = budget.limit(g.db_session, settings, measure, span, utcnow())
        if current <= 0:
            flash(_("This budget has no limit, so there is nothing to raise."), "error")
        else:
            flash(_("A raise must be more than the budget it replaces (%(budget)s).", budget=current), "error")
        return page(400)
    period = budget.period(span, utcnow(), settings.hotline_timezone)
    access.record("budget_raise", f"budget {measure} {span} {period}", before={"budget": before},
                  after={"budget": int(raw), "released": len(released)})
    flash(ngettext("Budget raised to %(budget)s for this period; %(n)s waiting message goes out now.",
                   "Budget raised to %(budget)s for this period; %(n)s waiting messages go out now.",
                   len(released), budget=int(raw)), "success")
    return redirect(url_for("spend.index"))
