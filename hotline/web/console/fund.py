"""The emergency fund (`/fund`): the ledger, its balance, and forms to enter money in and out.

Everyone signed in reads it; coordinators and admins enter, approve and reverse. Nothing is ever
edited: a mistake is reversed by a new entry. A refused form answers 400 and changes nothing.
"""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ... import accounts, fund
from ...clock import now as utcnow
from ...models import Need
from ...privacy import erase
from ..twilio import hotline
from . import access, labels
from .i18n import _zone, gettext as _, translator

bp = Blueprint("fund", __name__)


def problem(code: str) -> str:
    return {
        "amount": _("An amount is a number above zero, such as 150 or 150.50."),
        "date": _("Give the date as year-month-day."),
        "future": _("The date cannot be after today."),
        "source": _("Choose where the money came from."),
        "method": _("Choose how the money was sent."),
        "donor_not_agreed": _("A donor's name is kept only when they agreed to it being public: tick the box, or leave "
                              "the name out."),
        "unknown_request": _("No request has that reference."),
        "not_pending": _("This entry does not wait for an approval."),
        "already_approved": _("This entry is already approved."),
        "reversed": _("This entry was reversed."),
        "own_entry": _("A second coordinator approves: not the one who entered it."),
        "reversal": _("A reversal cannot itself be reversed: enter the amount again instead."),
        "reason": _("Say why, for the others who read this later."),
        "unknown_entry": _("There is no such entry."),
    }.get(code, code)


def today() -> date:
    return utcnow().astimezone(_zone()).date()


class Money:
    """Amounts in the reader's language, in the fund's currency."""

    def __init__(self, currency: str):
        self.currency = currency

    def __call__(self, cents: int) -> str:
        return fund.money(cents, self.currency, translator().babel_locale)


def page(status: int = 200, form: dict | None = None):
    settings = hotline().settings
    found = fund.lines(g.db_session)
    return render_template(
        "console/fund.html", section="fund", lines=list(reversed(found)), totals=fund.totals(found),
        money=Money(settings.fund_currency), currency=settings.fund_currency,
        threshold=fund.threshold_cents(settings), today=today(), sources=fund.SOURCES, methods=fund.METHODS,
        labels=labels, can_act=access.can(accounts.ACT), form=form or {}, user_id=g.user.id,
        day=lambda d: format_date(d, "medium", locale=translator().babel_locale),
    ), status


def refused(code: str):
    """Nothing of the refused form stays; the page says why, with what was typed kept in the form."""
    g.db_session.rollback()
    flash(problem(code), "error")
    return page(400, form=request.form.to_dict())


def _date(raw: str | None) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise fund.FundError("date") from None


@bp.get("/fund")
@access.requires(accounts.READ)
def index():
    ref = request.args.get("ref", "")
    # From a request's page: the payment form starts with its reference.
    return page(form={"ref": ref} if ref.isascii() and ref.isdigit() and len(ref) <= 12 else None)


@bp.post("/fund/in")
@access.requires(accounts.ACT)
def money_in():
    settings = hotline().settings
    form = request.form
    try:
        amount = fund.parse_amount(form.get("amount"), settings.fund_currency)
        entry = fund.money_in(g.db_session, settings, amount_cents=amount, on_date=_date(form.get("on_date")),
                              source=form.get("source", ""), note=form.get("note", ""),
                              donor_name=form.get("donor_name", ""), donor_agreed=form.get("donor_agreed") == "yes",
                              by=g.user, today=today(), now=utcnow(), address=access.address())
    except fund.FundError as error:
        return refused(error.code)
    flash(_("Money in recorded as entry %(id)s.", id=entry.id), "success")
    return redirect(url_for("fund.index"))


@bp.post("/fund/out")
@access.requires(accounts.ACT)
def money_out():
    settings = hotline().settings
    form = request.form
    ref = (form.get("ref") or "").strip()
    try:
        amount = fund.parse_amount(form.get("amount"), settings.fund_currency)
        on_date = _date(form.get("on_date"))
        need = None
        if ref.isascii() and ref.isdigit() and len(ref) <= 12:
            need = g.db_session.scalars(select(Need).where(Need.ref == ref)).one_or_none()
        if need is None:
            raise fund.FundError("unknown_request")
        entry, told = fund.money_out(g.db_session, settings, amount_cents=amount, on_date=on_date,
                                     method=form.get("method", ""), need=need, by=g.user, today=today(),
                                     now=utcnow(), address=access.address())
    except fund.FundError as error:
        return refused(error.code)
    if entry.needs_approval:
        flash(_("Entry %(id)s waits for a second coordinator's approval before it counts.", id=entry.id), "success")
    else:
        flash(told_words(entry.id, told, need), "success")
    standing = fund.totals(fund.lines(g.db_session))
    left = standing.balance - standing.pending_out
    if left < 0:
        # Recorded all the same (the money may already be gone), but nobody should miss it.
        flash(_("The fund holds less than it pays out: %(left)s once what waits for approval counts.",
                left=fund.money(left, settings.fund_currency, translator().babel_locale)), "warning")
    return redirect(url_for("fund.index"))


def told_words(entry_id: int, told, need: Need) -> str:
    if told is not None:
        return _("Entry %(id)s counts; the resident is told by text.", id=entry_id)
    if erase.is_erased(need.contact):
        return _("Entry %(id)s counts; the resident was erased, so nobody is told.", id=entry_id)
    return _("Entry %(id)s counts; the resident texted STOP, so they are not told.", id=entry_id)


def _entry(raw: str):
    entry = fund.find(g.db_session, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    if entry is None:
        raise fund.FundError("unknown_entry")
    return entry


@bp.post("/fund/<entry_id>/approve")
@access.requires(accounts.ACT)
def approve(entry_id: str):
    settings = hotline().settings
    try:
        entry = _entry(entry_id)
        told = fund.approve(g.db_session, settings, entry, by=g.user, now=utcnow(), address=access.address())
    except fund.FundError as error:
        return refused(error.code)
    flash(told_words(entry.id, told, entry.need), "success")
    return redirect(url_for("fund.index"))


@bp.post("/fund/<entry_id>/reverse")
@access.requires(accounts.ACT)
def reverse(entry_id: str):
    try:
        entry = _entry(entry_id)
        undo = fund.reverse(g.db_session, entry, reason=request.form.get("reason", ""), by=g.user, today=today(),
                            now=utcnow(), address=access.address())
    except fund.FundError as error:
        return refused(error.code)
    flash(_("Entry %(id)s is reversed by entry %(undo)s.", id=entry.id, undo=undo.id), "success")
    return redirect(url_for("fund.index"))
