"""Answers to questions the hotline sent outside the conversation (a 1 or a 2)."""
from __future__ import annotations

from .. import asks, dispatch, needs
from ..models import Need, NeedEvent
from .engine import QUIET, Ctx, Next


def intercept(ctx: Ctx, text: str) -> Next | None:
    """Route a 1 or 2 to the newest open question, if it is newer than the conversation's last turn."""
    answer = text.strip().rstrip(".")
    if answer not in ("1", "2"):
        return None
    pending = asks.open_ask(ctx.session, ctx.contact, ctx.now)
    if pending is None:
        return None
    if ctx.conversation.flow != "home" and pending.created_at <= ctx.conversation.updated_at:
        return None  # they are answering the conversation's own question
    handler = asks.HANDLERS.get(pending.kind)
    if handler is None:
        return None
    pending.answered_at = ctx.now
    pending.answer = answer
    handler(ctx, pending, answer)
    return QUIET


@asks.handles("got_help")
def got_help(ctx: Ctx, pending, answer: str) -> None:
    need = ctx.session.get(Need, pending.subject_id)
    if need is None:
        return
    if answer == "1":
        need.events.append(NeedEvent(at=ctx.now, kind="confirmed", note="resident got help"))
        ctx.say(ctx._("Thank you for telling us. We are glad you got help."))
        return
    ctx.say(ctx._("We are sorry. We will look for someone else to help with request %(ref)s.", ref=need.ref))
    if need.status == needs.DONE:
        dispatch.reopen(ctx.session, ctx.settings, need, ctx.now)


@asks.handles("ride_rider")
def ride_rider(ctx: Ctx, pending, answer: str) -> None:
    from .. import reminders, rides
    from ..models import Ride

    ride = ctx.session.get(Ride, pending.subject_id)
    if ride is None or ride.status not in rides.ACTIVE:
        ctx.say(ctx._("That ride is no longer booked. Reply %(status)s to see your requests.",
                      status=ctx.word("status")))
        return
    if answer == "1":
        ride.rider_confirmed_at = ctx.now
        ctx.say(ctx._("Thank you. Your ride %(ref)s is confirmed.", ref=ride.need.ref))
        return
    reminders.cancel_by_rider(ctx.session, ctx.settings, ride, ctx.now)
    ctx.say(ctx._("Your ride %(ref)s is cancelled. The driver has been told.", ref=ride.need.ref))


@asks.handles("ride_driver")
def ride_driver(ctx: Ctx, pending, answer: str) -> None:
    from .. import reminders, rides
    from ..models import Offer

    offer = ctx.session.get(Offer, pending.subject_id)
    ride = rides.for_need(offer.need) if offer is not None else None
    if offer is None or ride is None or offer.status != "claimed" or ride.status not in rides.ACTIVE:
        ctx.say(ctx._("That ride is no longer yours to drive. Thank you!"))
        return
    if answer == "1":
        from .. import dispatch

        need = dispatch.lock_need(ctx.session, ride.need_id)
        ride.driver_confirmed_at = ctx.now
        if ride.status == rides.OFFERED and need.claimed_count > 0:
            # Backup drivers were being asked because this one was silent: they are not needed now.
            need.capacity = need.claimed_count
            need.next_wave_at = None
            dispatch.set_status(need, "claimed", note="driver confirmed", now=ctx.now)
            dispatch.close_other_offers(ctx.session, ctx.settings, need, ctx.now)
        if ride.status == rides.CLAIMED:
            rides.transition(ride, rides.CONFIRMED, note=offer.volunteer.first_name, now=ctx.now)
        ctx.say(ctx._("Thank you! Ride %(code)s is confirmed. Drive safely.", code=offer.code))
        return
    reminders.cancel_by_driver(ctx.session, ctx.settings, offer, ctx.now)
    ctx.say(ctx._("OK, ride %(code)s is given back. We will find another driver.", code=offer.code))
