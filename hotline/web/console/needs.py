"""A need's page (`/needs/<reference>`): the resident's own words, everything that happened, and
what a coordinator can do about it. Every action is a form (POST, CSRF) that comes back here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import accounts, bridges, fund, needs, rides, volunteers
from ...clock import now as utcnow
from ...dispatch import manual, notes
from ...models import InboundMessage, Need, Offer, OutboxMessage, Recording, Volunteer
from ...phones import mask
from ...privacy import erase
from ...sms import count_segments
from ..twilio import hotline
from . import access, labels
from .i18n import gettext as _, translator

bp = Blueprint("needs", __name__)

# Texts the resident sent this long before the request count as part of it (the intake itself).
BEFORE = timedelta(hours=2)
# Requests that can still be offered again or given to someone (what manual.assign accepts).
ASSIGNABLE = (needs.OPEN, needs.OFFERED, needs.UNMET)


@dataclass(frozen=True)
class Entry:
    """One line of a need's timeline."""

    at: datetime
    side: str  # "in" (from the resident), "out" (the hotline sent), "console", "event"
    title: str
    text: str = ""
    detail: str = ""
    actor: str = ""
    state: str = ""  # the code behind `detail`, for its badge


def find(ref: str) -> Need:
    if not (ref.isascii() and ref.isdigit() and len(ref) <= 12):
        abort(404)
    need = g.db_session.scalars(select(Need).where(Need.ref == ref).options(
        selectinload(Need.contact), selectinload(Need.events),
        selectinload(Need.offers).selectinload(Offer.volunteer).selectinload(Volunteer.contact))).one_or_none()
    if need is None:
        abort(404)
    return need


def recipient(row: OutboxMessage, need: Need) -> str:
    if row.contact_id is None:
        return _("someone since erased")
    if row.contact_id == need.contact_id:
        return _("the resident")
    for offer in need.offers:
        if offer.volunteer.contact_id == row.contact_id:
            return offer.volunteer.first_name
    if row.kind == "alert":
        return _("coordinators")
    if row.kind == bridges.BRIDGE:
        return (row.meta or {}).get("by") or mask(row.to)
    return mask(row.to)


def door_pairs(need: Need) -> list[str]:
    """Every pair of words the need's helpers were given to say at the door, newest first."""
    return [event.note for event in reversed(need.events) if event.kind == "door_words" and event.note]


def unsaid(text: str, pairs: list[str]) -> str:
    """A text without the words at the door in it, for those who may not see who gets in."""
    for pair in pairs:
        text = text.replace(pair, "***")
    return text


def timeline(need: Need) -> list[Entry]:
    """Everything that happened to the need, oldest first: texts in and out, offers, changes, console actions."""
    session = g.db_session
    entries = []
    # Whoever knows the words is let in: those who may not see the address may not see them either.
    pairs = [] if access.can(accounts.ACT) else door_pairs(need)
    for event in need.events:
        if event.kind in labels.NEED_STATUS and not event.actor:
            title = _("Status: %(status)s", status=labels.name(labels.NEED_STATUS, event.kind))
        else:
            title = labels.event_title(event.kind)
        # Every note may hold a resident's words, an address or a recording's link: whole only for
        # those who act, and a recording's link never for a viewer. What the hotline noted itself
        # ("sms", "wave 1") is read out in words.
        said = None if event.actor else labels.event_note(event.kind, event.note, access.words)
        text = said if said is not None else access.words(event.note)
        if event.kind == "handled":
            text = labels.name(labels.ATTENTION, event.note)
        elif event.kind in ("voicemail", "recording", "door_words") and not access.can(accounts.ACT):
            text = ""
        entries.append(Entry(event.at, "console" if event.actor else "event", title, text, actor=event.actor))
    ended = None if need.status in needs.ACTIVE else need.updated_at
    inbound = select(InboundMessage).where(InboundMessage.contact_id == need.contact_id,
                                           InboundMessage.received_at >= need.created_at - BEFORE)
    if ended is not None:
        inbound = inbound.where(InboundMessage.received_at <= ended + timedelta(hours=1))
    for message in session.scalars(inbound.order_by(InboundMessage.id).limit(200)):
        kind = _("Call") if message.channel == "voice" else _("Text")
        entries.append(Entry(message.received_at, "in", _("%(kind)s from the resident", kind=kind),
                             unsaid(access.words(message.body), pairs)))
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.need_id == need.id)
                               .order_by(OutboxMessage.id).limit(500)):
        kind = _("Call") if row.channel == "call" else _("Text")
        shown = row.body if access.can(accounts.ACT) else unsaid(access.words(row.body), pairs)
        entries.append(Entry(row.created_at, "out", _("%(kind)s to %(who)s", kind=kind, who=recipient(row, need)),
                             shown, detail=labels.name(labels.DELIVERY, row.status), state=row.status))
    for offer in need.offers:
        # The code is how the volunteer's texts name the task ("Ride 434", "DONE 434").
        entries.append(Entry(offer.offered_at, "event", _("Offered to %(name)s", name=offer.volunteer.first_name),
                             _("task code %(code)s", code=offer.code),
                             detail=labels.name(labels.OFFER_STATUS, offer.status), state=offer.status))
    entries.sort(key=lambda e: e.at)
    # A claim is recorded as the helper's claim and as the need's new status: shown once.
    return [e for i, e in enumerate(entries) if i == 0 or (e.at, e.title, e.text) != (entries[i - 1].at,
                                                                                     entries[i - 1].title,
                                                                                     entries[i - 1].text)]


def recordings(need: Need) -> list[Recording]:
    return list(g.db_session.scalars(select(Recording).where(Recording.need_id == need.id).order_by(Recording.id)))


def active_volunteers() -> list[Volunteer]:
    return list(g.db_session.scalars(select(Volunteer).where(volunteers.reachable())
                                     .order_by(Volunteer.first_name).limit(2000)))


def assignable(need: Need) -> bool:
    """Whether the request waits for more helpers: it can be offered again or given to someone."""
    return need.status in ASSIGNABLE and need.claimed_count < need.capacity


def choices(need: Need, ride) -> list[Volunteer]:
    """Who the request may be given to: anyone who can take tasks, or for a ride a driver who can take it."""
    if not assignable(need):
        return []
    if ride is None:
        return active_volunteers()
    return [v for v in volunteers.drivers(g.db_session) if volunteers.can_drive(v, ride.mobility)]


@bp.get("/needs/<ref>")
@access.requires(accounts.READ)
def show(ref: str, revealed: bool = False):
    need = find(ref)
    ride = rides.for_need(need)
    return render_template(
        "console/need.html", section="queue", need=need, ride=ride, entries=timeline(need),
        recordings=recordings(need), helper_notes=notes.of(need),
        volunteers=choices(need, ride) if access.can(accounts.ACT) else [], assignable=assignable(need),
        phone=access.phone(need.contact.phone, revealed), revealed=revealed and access.can(accounts.REVEAL),
        callback=access.phone(need.contact.callback_phone, revealed), labels=labels, access=access,
        closing=manual.CLOSING, limit=manual.MESSAGE_LIMIT, now=utcnow(), erased=erase.is_erased(need.contact),
        payments=fund.lines(g.db_session, need_id=need.id),
        money=lambda cents, currency: fund.money(cents, currency, translator().babel_locale),
        fund_day=lambda d: format_date(d, "medium", locale=translator().babel_locale),
        calling=calling(need),
    )


@dataclass(frozen=True)
class Calling:
    """Whether this account may have the hotline put them through to the resident, and if not, why."""

    phone: str  # the account's own phone, masked ("" when none is saved)
    refused: str  # why not, in words ("" when it may)
    under_way: bool


def calling(need: Need) -> Calling | None:
    if not access.can(accounts.ACT):
        return None
    reason = bridges.refusal(hotline().settings, need)
    busy = reason is None and bridges.under_way(g.db_session, need, utcnow()) is not None
    return Calling(phone=mask(g.user.phone) if g.user.phone else "", refused=call_problem(reason) if reason else "",
                   under_way=busy)


def call_problem(code: str) -> str:
    return {
        "no_hotline_number": _("The hotline has no phone number to call from yet. An admin can add one "
                               "(TWILIO_PHONE_NUMBER)."),
        "no_twilio": _("This hotline has no Twilio account, so it cannot place calls."),
        "no_phone": _("Save your own phone first: the hotline rings it, then puts you through."),
        "erased": _("The person who asked was erased at their request: nothing more can be done for it."),
        "opted_out": _("The resident texted STOP: the hotline does not call them."),
        "no_number": _("The resident hid their number and left none to call back."),
        "busy": _("A call to this resident is already under way. Wait for it to end."),
        "own_number": _("Your phone is the resident's own number."),
    }.get(code, code)


def problem(error: manual.ManualError) -> str:
    return {
        "not_open": _("This request is not waiting for a helper."),
        "volunteer_inactive": _("That volunteer cannot be given tasks now (paused, removed, or no texts reach them)."),
        "already_helping": _("That volunteer is already helping with it."),
        "cannot_drive": _("Choose a driver who can take this ride."),
        "full": _("It already has all the helpers it needs."),
        "status": _("Choose done, unmet or withdrawn."),
        "reason": _("Say why, for the others who read this later."),
        "same": _("It already has that status."),
        "closed": _("This request is already closed."),
        "empty": _("Write something first."),
        "opted_out": _("The resident texted STOP: the hotline cannot text them. Call them instead."),
        "not_waiting": _("Nobody was waiting on this one."),
        "cannot": _("It cannot go to that status from where it is."),
    }.get(error.code, error.code)


def act(ref: str, action, message: str):
    """Run one coordinator action on a need, audit it, and come back to its page."""
    need = find(ref)
    if erase.is_erased(need.contact) and request.endpoint != "needs.note":
        # Nobody to write to, nothing to offer: only the coordinators' own notes.
        flash(_("The person who asked was erased at their request: nothing more can be done for it."), "error")
        return redirect(url_for("needs.show", ref=ref))
    before = {"status": need.status, "attention": need.attention}
    try:
        detail = action(need)
    except manual.ManualError as error:
        g.db_session.rollback()  # nothing of a refused action stays
        flash(problem(error), "error")
        return redirect(url_for("needs.show", ref=ref))
    g.db_session.flush()
    access.record(request.endpoint.split(".")[-1], f"need {need.ref}", before=before,
                  after={"status": need.status, "attention": need.attention, **(detail or {})})
    flash(message, "success")
    return redirect(url_for("needs.show", ref=ref))


@bp.post("/needs/<ref>/offer-again")
@access.requires(accounts.ACT)
def offer_again(ref: str):
    settings = hotline().settings
    return act(ref, lambda need: {"asked": manual.offer_again(g.db_session, settings, need, g.user.email, utcnow())},
               _("Offered again."))


@bp.post("/needs/<ref>/assign")
@access.requires(accounts.ACT)
def assign(ref: str):
    raw = request.form.get("volunteer", "")
    volunteer = g.db_session.get(Volunteer, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    if volunteer is None:
        flash(_("Choose a volunteer."), "error")
        return redirect(url_for("needs.show", ref=ref))
    settings = hotline().settings

    def assign_one(need):
        manual.assign(g.db_session, settings, need, volunteer, g.user.email, utcnow())
        return {"volunteer": volunteer.id, "name": volunteer.first_name}

    return act(ref, assign_one, _("%(name)s is on it and has the details by text.", name=volunteer.first_name))


@bp.post("/needs/<ref>/close")
@access.requires(accounts.ACT)
def close(ref: str):
    status = request.form.get("status", "")
    reason = request.form.get("reason", "")
    settings = hotline().settings

    def close_one(need):
        manual.close(g.db_session, settings, need, status, reason, g.user.email, utcnow())
        return {"reason": reason[:500]}

    return act(ref, close_one, _("Status changed."))


@bp.post("/needs/<ref>/note")
@access.requires(accounts.ACT)
def note(ref: str):
    text = request.form.get("note", "")
    return act(ref, lambda need: manual.note(need, text, g.user.email, utcnow()), _("Note added."))


@bp.post("/needs/<ref>/message")
@access.requires(accounts.ACT)
def message(ref: str):
    text = request.form.get("message", "")
    settings = hotline().settings

    def send(need):
        row = manual.message_resident(g.db_session, settings, need, text, g.user.email, utcnow())
        return {"outbox": row.id, "segments": count_segments(row.body).segments}

    return act(ref, send, _("Message queued to the resident."))


@bp.post("/needs/<ref>/handled")
@access.requires(accounts.ACT)
def handled(ref: str):
    return act(ref, lambda need: {"was": manual.mark_handled(need, g.user.email, utcnow())},
               _("Marked handled."))


@bp.post("/needs/<ref>/call")
@access.requires(accounts.ACT)
def call(ref: str):
    """Have the hotline ring your own phone, then put you through to the resident with its number as caller ID."""
    need = find(ref)
    user = g.user
    try:
        row = bridges.ask(g.db_session, hotline().settings, need, phone=user.phone, language=translator().code,
                          who=user.email, role=bridges.COORDINATOR, now=utcnow(), actor=user.email,
                          user_id=user.id)
    except bridges.BridgeError as error:
        g.db_session.rollback()
        flash(call_problem(error.code), "error")
        return redirect(url_for("needs.show", ref=ref))
    access.record("call", f"need {need.ref}", after={"outbox": row.id, "phone": mask(user.phone)})
    flash(_("The hotline is calling your phone now. Pick up and press 1 to be put through to the resident."),
          "success")
    return redirect(url_for("needs.show", ref=ref))


@bp.post("/needs/<ref>/reveal")
@access.requires(accounts.REVEAL)
def reveal(ref: str):
    """Show the resident's whole number on this one page view; each reveal is audited."""
    need = find(ref)
    access.record("reveal", f"need {need.ref}", after={"number": mask(need.contact.phone)})
    return show(ref, revealed=True)
