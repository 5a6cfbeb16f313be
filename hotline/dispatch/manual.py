"""What a coordinator does to a need by hand, from the console: offer it again, assign a helper,
close it with a reason, note something, write to the resident, mark it handled.

Each records who did it (`actor`, an email) in the need's history; the console audits it too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import coordinators, needs, offers, rides, volunteers
from ..config import Settings
from ..models import Need, NeedEvent, Offer, OutboxMessage, Volunteer
from ..outbound.notify import notify
from ..outbound.outbox import queue_sms
from ..sms import clean
from . import commands, copy, resident, waves

# The statuses a coordinator may close a need with, each with a reason.
CLOSING = (needs.DONE, needs.UNMET, needs.WITHDRAWN)
MESSAGE_LIMIT = 320


class ManualError(ValueError):
    """The action does not fit where the need stands; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def event(need: Need, kind: str, note: str, actor: str, now: datetime) -> None:
    need.events.append(NeedEvent(at=now, kind=kind, note=note, actor=actor))


def offer_again(session: Session, settings: Settings, need: Need, actor: str, now: datetime) -> int:
    """Start the waves over now, widest last as usual; return how many volunteers were asked."""
    need = needs.lock(session, need.id)
    if need.status not in (needs.OPEN, needs.OFFERED, needs.UNMET) or need.claimed_count >= need.capacity:
        raise ManualError("not_open")
    event(need, "offered_again", "", actor, now)
    need.wave = 0
    if need.status == needs.UNMET:
        rides.move_need(need, needs.OPEN, note="offered again", now=now)
    found = waves.next_wave(session, settings, need, now, tell_resident=False)
    if found and need.attention == coordinators.NOBODY_FOUND:
        coordinators.handled(need)
    return found


def assign(session: Session, settings: Settings, need: Need, volunteer: Volunteer, actor: str, now: datetime) -> Offer:
    """Give the need to this volunteer: they get its details by text, the resident hears who is coming."""
    need = needs.lock(session, need.id)
    if not volunteers.can_be_given_tasks(volunteer):
        # Paused, removed, or a number that texted STOP or takes no texts: they would never hear of it.
        raise ManualError("volunteer_inactive")
    if need.status not in (needs.OPEN, needs.OFFERED, needs.UNMET):
        raise ManualError("not_open")
    offer = session.scalars(select(Offer).where(Offer.need_id == need.id, Offer.volunteer_id == volunteer.id)
                            ).one_or_none()
    if offer is not None and offer.status == offers.CLAIMED:
        raise ManualError("already_helping")
    ride = rides.for_need(need)
    if ride is not None and not volunteers.can_drive(volunteer, ride.mobility):
        # Not a driver, or the rider's wheelchair does not fit their vehicle.
        raise ManualError("cannot_drive")
    if not commands.win(session, need.id):
        raise ManualError("full")
    session.refresh(need)
    if offer is None:
        offer = Offer(need=need, volunteer=volunteer, code=offers.new_code(session, volunteer.id),
                      status=offers.OFFERED, wave=need.wave, offered_at=now)
        session.add(offer)
        session.flush()
    elif offer.status not in offers.OPEN:
        # Their earlier offer ended (passed, taken, dropped): a fresh code, unique among their open tasks.
        offer.code = offers.new_code(session, volunteer.id)
    offers.transition(offer, offers.CLAIMED, now, assigned=True)
    reply = commands.taken(session, settings, need, offer, now, actor=actor)
    # They did not text in for it: the details go to them as a text of their own.
    queue_sms(session, volunteer.contact, reply, kind="assigned", need_id=need.id)
    return offer


def close(session: Session, settings: Settings, need: Need, status: str, reason: str, actor: str,
          now: datetime) -> None:
    """Mark the need done, unmet or withdrawn, with a reason; helpers still on it are told it is closed."""
    if status not in CLOSING:
        raise ManualError("status")
    reason = clean(reason, limit=500)
    if not reason:
        raise ManualError("reason")
    need = needs.lock(session, need.id)
    if need.status == status:
        raise ManualError("same")
    if status not in needs.TRANSITIONS.get(need.status, frozenset()):
        raise ManualError("cannot")  # checked before anything changes
    if status == needs.WITHDRAWN:
        if need.status not in needs.ACTIVE:
            raise ManualError("closed")
        resident.withdraw(session, settings, need, now)
    else:
        def tell(offer: Offer, was: str) -> None:
            if was == offers.CLAIMED:
                contact = offer.volunteer.contact
                queue_sms(session, contact, copy.task_closed(copy.translator(settings, contact), offer.code),
                          kind="cancelled", need_id=need.id)

        offers.close(need, now, to=offers.DONE if status == needs.DONE else offers.CANCELLED,
                     among=(offers.CLAIMED,), tell=tell if status == needs.UNMET else None)
        offers.close(need, now, to=offers.CANCELLED, among=(offers.OFFERED, offers.PASSED))
        need.next_wave_at = None
        if status == needs.UNMET:
            need.claimed_count = 0
            needs.forget_door_words(need)
        try:
            rides.move_need(need, status, note=reason, now=now)
        except needs.InvalidTransition:
            raise ManualError("cannot") from None
    if status != needs.UNMET:
        coordinators.handled(need)
    event(need, "closed", reason, actor, now)


def note(need: Need, text: str, actor: str, now: datetime) -> None:
    """An internal note for the other coordinators; the resident never sees it."""
    text = clean(text, limit=2000)
    if not text:
        raise ManualError("empty")
    event(need, "note", text, actor, now)


def message_resident(session: Session, settings: Settings, need: Need, text: str, actor: str,
                     now: datetime) -> OutboxMessage:
    """Write to the resident through the hotline's number, tagged as from the hotline."""
    text = clean(text, limit=MESSAGE_LIMIT)
    if not text:
        raise ManualError("empty")
    contact = need.contact
    if contact.opted_out:
        raise ManualError("opted_out")
    rt = copy.translator(settings, contact)
    row = notify(session, contact, copy.from_the_hotline(rt, text), kind="coordinator", need_id=need.id)
    event(need, "message", text, actor, now)
    return row


def mark_handled(need: Need, actor: str, now: datetime) -> str | None:
    """Take the need off the "needs a person" list, so two coordinators do not both act on it."""
    reason = coordinators.handled(need)
    if reason is None:
        raise ManualError("not_waiting")
    event(need, "handled", reason, actor, now)
    return reason
