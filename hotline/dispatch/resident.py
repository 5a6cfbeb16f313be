"""What a resident's choices do to their requests: withdraw, cancel a ride, opt out, say they were not helped."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .. import coordinators, needs, offers, rides, volunteers
from ..config import Settings
from ..models import Contact, Need, NeedEvent, Offer, Ride
from ..outbound.outbox import queue_sms
from . import commands, copy, waves


def withdraw(session: Session, settings: Settings, need: Need, now: datetime) -> None:
    """The resident no longer needs it: every offer ends and whoever is helping is told."""
    need = needs.lock(session, need.id)
    if need is None or need.status not in needs.ACTIVE:
        return
    # Nobody needs to follow it up any more.
    coordinators.handled(need)
    ride = rides.for_need(need)
    if ride is not None and ride.status in rides.ACTIVE:
        cancel_ride(session, settings, ride, now)
        return

    def tell(offer: Offer, was: str) -> None:
        if was == offers.CLAIMED:
            contact = offer.volunteer.contact
            queue_sms(session, contact, copy.task_withdrawn(copy.translator(settings, contact), offer.code),
                      kind="cancelled", need_id=need.id)

    offers.close(need, now, to=offers.CANCELLED, tell=tell)
    need.next_wave_at = None
    rides.move_need(need, needs.WITHDRAWN, note="by resident", now=now)


def cancel_ride(session: Session, settings: Settings, ride: Ride, now: datetime) -> None:
    """The rider cancels: the ride and its way back end, and every driver is told."""
    for each in (ride, ride.return_ride):
        if each is None or each.status not in rides.ACTIVE:
            continue

        def tell(offer: Offer, was: str, each: Ride = each) -> None:
            if was == offers.CLAIMED:
                contact = offer.volunteer.contact
                queue_sms(session, contact, copy.ride_cancelled_by_rider(
                    settings, copy.translator(settings, contact), offer.code, each), kind="cancelled",
                    need_id=each.need_id)

        offers.close(each.need, now, to=offers.CANCELLED, tell=tell)
        each.need.next_wave_at = None
    rides.cancel(ride, note="cancelled by rider", now=now)


def after_opt_out(session: Session, settings: Settings, contact: Contact, now: datetime) -> None:
    """Someone texted STOP: tasks they hold go to others; a booked request gets a person's follow-up."""
    volunteer = volunteers.for_contact(session, contact)
    if volunteer is not None:
        for offer in offers.open_tasks(session, volunteer):
            if offer.status == offers.CLAIMED:
                commands.release(session, settings, offer, now)
            else:
                offers.transition(offer, offers.CANCELLED, now)
    for need in needs.open_needs(session, contact):
        if need.status == needs.CLAIMED or rides.for_need(need) is not None:
            waves.alert_coordinators(session, settings, need, "opted_out")


def reopen(session: Session, settings: Settings, need: Need, now: datetime) -> None:
    """The resident did not get help after all: tell the coordinators, and offer it again.

    A ride that is over cannot happen again by itself; the coordinators take it from there.
    """
    waves.alert_coordinators(session, settings, need, "not_helped")
    if rides.for_need(need) is not None:
        need.events.append(NeedEvent(at=now, kind="not_helped", note="rider says they did not get there"))
        return
    need.claimed_count = 0
    needs.forget_door_words(need)
    rides.move_need(need, needs.OPEN, note="resident says not helped", now=now)
    waves.start(session, settings, need, now)
