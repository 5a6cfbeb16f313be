"""What a volunteer does with a task: claim it by its code, PASS, DONE, DROP, NOTE, confirm a ride.

Each returns the reply for the volunteer; what others must hear is queued in the same transaction.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from .. import asks, coordinators, needs, offers, rides
from ..config import Settings
from ..i18n import door_words
from ..models import Need, NeedEvent, Offer, Volunteer
from ..outbound.notify import notify
from ..outbound.outbox import queue_sms
from . import care, copy, reminders, safety, waves


def claim(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """Claim a task by its code; return the reply for the volunteer."""
    t = copy.translator(settings, volunteer.contact)
    found = offers.with_code(session, volunteer, code)
    if not found:
        return copy.no_such_task(t, code)
    offer = found[0]
    if offer.status == offers.CLAIMED:
        return copy.already_yours(t, code)
    if offer.status not in (offers.OFFERED, offers.PASSED):
        if offer.status == offers.TAKEN:
            return copy.taken_already(t, code)
        return copy.task_closed(t, code)
    # The race is settled here: at most `capacity` winners.
    won = win(session, offer.need_id)
    need = session.get(Need, offer.need_id)
    session.refresh(need)
    if not won:
        if need.status in (needs.WITHDRAWN, needs.DONE):
            offers.transition(offer, offers.CANCELLED, now)
            return copy.task_closed(t, code)
        offers.transition(offer, offers.TAKEN, now)
        return copy.taken_already(t, code)

    offers.transition(offer, offers.CLAIMED, now)
    return taken(session, settings, need, offer, now)


def win(session: Session, need_id: int) -> bool:
    """Settle a race for a need: one conditional UPDATE lets at most `capacity` helpers in."""
    return session.execute(
        update(Need)
        .where(Need.id == need_id, Need.claimed_count < Need.capacity,
               Need.status.in_((needs.OPEN, needs.OFFERED, needs.UNMET)))
        .values(claimed_count=Need.claimed_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def taken(session: Session, settings: Settings, need: Need, offer: Offer, now: datetime, *,
          actor: str = "") -> str:
    """What follows a helper taking a need: its status, the others told, reminders, the resident told.

    Returns the reply for the helper (all the details they need); `actor` is the coordinator
    who assigned them, if one did.
    """
    volunteer = offer.volunteer
    volunteer.last_assigned_at = now
    need.events.append(NeedEvent(at=now, kind="assigned" if actor else "claimed", note=volunteer.first_name,
                                 actor=actor))
    if need.attention == coordinators.NOBODY_FOUND:
        coordinators.handled(need)
    if need.claimed_count >= need.capacity:
        rides.move_need(need, needs.CLAIMED, note=volunteer.first_name, now=now)
        need.next_wave_at = None
        close_other_offers(session, settings, need, now)
    ride = rides.for_need(need)
    if ride is not None:
        pickup = rides.pickup_utc(ride)
        if pickup is not None and pickup - now <= timedelta(minutes=settings.reminder_before_minutes):
            # Taken this close to pickup, the claim is the confirmation: no check will doubt it.
            ride.driver_confirmed_at = now
        reminders.schedule(session, settings, ride)
    if needs.is_visit(need) and (need.door_words is None or need.claimed_count <= 1):
        # Nobody else holds it: a fresh pair, so words a helper who gave it back knew let nobody in.
        # Alongside another helper, the resident keeps the one pair they were told.
        needs.give_door_words(need, door_words.pick(copy.translator(settings, need.contact)), now=now)
    text, spoken = copy.helper_found(settings, copy.translator(settings, need.contact), need, volunteer.first_name)
    notify(session, need.contact, text, spoken=spoken, kind="claimed", need_id=need.id)
    reply, whole, door = copy.winner_text(settings, copy.translator(settings, volunteer.contact), need, offer.code)
    if whole is not None:
        # The address or details had to be shortened to keep the reply cheap: the helper still
        # needs every word of them, so the whole of it follows in a text of its own.
        queue_sms(session, volunteer.contact, whole, kind="details", need_id=need.id, reply=True)
    if door is not None:
        queue_sms(session, volunteer.contact, door, kind="door", need_id=need.id, reply=True)
    return reply


def close_other_offers(session: Session, settings: Settings, need: Need, now: datetime) -> None:
    """Tell everyone else offered this need that it is taken."""

    def tell(other: Offer, was: str) -> None:
        if was == offers.OFFERED:
            contact = other.volunteer.contact
            queue_sms(session, contact, copy.taken_by_another(copy.translator(settings, contact), other.code),
                      kind="taken", need_id=need.id, ttl=timedelta(hours=12))

    offers.close(need, now, to=offers.TAKEN, among=(offers.OFFERED, offers.PASSED), tell=tell)


def pass_offer(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """PASS: not this one; when everyone in the wave has said so, the next wave goes out at once."""
    t = copy.translator(settings, volunteer.contact)
    offer = offers.find(session, volunteer, code, (offers.OFFERED,))
    if offer is None:
        return copy.no_open_offer(t, code)
    offers.transition(offer, offers.PASSED, now)
    need = needs.lock(session, offer.need_id)
    # Everyone in this wave said no: do not wait for the timer.
    if need.status == needs.OFFERED and not any(o.status == offers.OFFERED for o in need.offers if o.wave == need.wave):
        if need.claimed_count < need.capacity:
            waves.next_wave(session, settings, need, now)
    return copy.passed(t, code)


def complete(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """DONE: close the task and ask the resident whether they got help."""
    t = copy.translator(settings, volunteer.contact)
    offer = offers.find(session, volunteer, code)
    if offer is None:
        return copy.not_in_progress(t, code)
    need = needs.lock(session, offer.need_id)
    if need.status not in needs.ACTIVE and need.status != needs.DONE:
        offers.transition(offer, offers.CANCELLED, now)
        return copy.task_closed(t, code)
    offers.transition(offer, offers.DONE, now)
    if need.status != needs.DONE:
        rides.move_need(need, needs.DONE, note=volunteer.first_name, now=now)
        if need.attention == coordinators.CHECKIN_MISSED:
            coordinators.handled(need)  # someone looked in: off the "needs a person" list
        offers.close(need, now, to=offers.CANCELLED, among=(offers.OFFERED,))
        question_row = asks.ask(session, need.contact, "got_help", need.id, now, hours=72)
        session.flush()
        question, spoken = copy.did_you_get_help(copy.translator(settings, need.contact), need, volunteer.first_name)
        notify(session, need.contact, question, spoken=spoken, kind="followup", need_id=need.id,
               ask_id=question_row.id)
    care.after_done(session, settings, volunteer, now)
    if safety.wanted(settings, need, now):
        # Out after dark: asked in this very reply, so nothing (quiet hours, an outage) holds it back.
        safety.ask(session, settings, offer, now)
        return copy.thanks_and_home(t, code)
    return copy.thanks_for_helping(t, code)


def drop(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """DROP: give a claimed task back; the resident is told and the need is offered again."""
    t = copy.translator(settings, volunteer.contact)
    offer = offers.find(session, volunteer, code)
    if offer is None:
        return copy.not_in_progress(t, code)
    release(session, settings, offer, now)
    return copy.given_back(t, code)


def release(session: Session, settings: Settings, offer: Offer, now: datetime) -> None:
    """A helper gives a claimed task back (DROP, a driver's 2, STOP): the resident is told and it is offered again."""
    volunteer = offer.volunteer
    offers.transition(offer, offers.DROPPED, now)
    need = needs.lock(session, offer.need_id)
    need.claimed_count = max(0, need.claimed_count - 1)
    ride = rides.for_need(need)
    if ride is not None:
        pickup = rides.pickup_utc(ride)
        if pickup is not None and pickup - now <= timedelta(hours=settings.ride_urgent_hours):
            need.urgent = True
        if pickup is not None and pickup - now <= timedelta(hours=24):
            waves.alert_coordinators(session, settings, need, "driver_dropped")
    notify(session, need.contact, copy.helper_left(settings, copy.translator(settings, need.contact), need,
                                                   volunteer.first_name), kind="update", need_id=need.id)
    if need.claimed_count == 0:
        needs.forget_door_words(need)
    if need.status == needs.CLAIMED and need.claimed_count == 0:
        rides.move_need(need, needs.OPEN, note=f"dropped by {volunteer.first_name}", now=now)
    if need.status in (needs.OPEN, needs.OFFERED, needs.CLAIMED) and need.claimed_count < need.capacity:
        if need.status == needs.CLAIMED:
            rides.move_need(need, needs.OFFERED, note=f"dropped by {volunteer.first_name}", now=now)
        waves.start(session, settings, need, now)


def confirm_ride(session: Session, settings: Settings, offer: Offer, now: datetime) -> None:
    """The driver answers 1 to a reminder: confirmed, and backups asked meanwhile are not needed."""
    ride = rides.for_need(offer.need)
    need = needs.lock(session, ride.need_id)
    ride.driver_confirmed_at = now
    if ride.status == rides.OFFERED and need.claimed_count > 0:
        # Backup drivers were being asked because this one was silent: they are not needed now.
        need.capacity = need.claimed_count
        need.next_wave_at = None
        rides.move_need(need, needs.CLAIMED, note="driver confirmed", now=now)
        close_other_offers(session, settings, need, now)
    if ride.status == rides.CLAIMED:
        rides.transition(ride, rides.CONFIRMED, note=offer.volunteer.first_name, now=now)
