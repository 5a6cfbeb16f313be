"""Answers to questions the hotline sent outside the conversation (a 1 or a 2)."""
from __future__ import annotations

from .. import asks, dispatch, needs, offers, rides
from ..dispatch import checkin_words, checkins, copy, safety
from ..models import Ask, Need, NeedEvent, Offer, Ride
from ..i18n.answer_words import NO, YES
from . import thanks
from .engine import QUIET, Ctx, Next


def intercept(ctx: Ctx, text: str) -> Next | None:
    """Route a 1 or 2 to the newest open question, if it is newer than the conversation's last turn."""
    answer = text.strip().rstrip(".")
    only = None  # the one kind of question these words can answer
    home = False
    if answer not in ("1", "2"):
        # "sí", "claro", "no": a question that asked for 1 or 2 answered in words, as a whole message
        # only ("No problem, see you tomorrow" must never cancel a ride).
        answers = ctx.answers()
        home = answers.says_home(text)
        answer = {YES: "1", NO: "2"}.get(answers.meaning(text, whole=True))
        if answer is None:
            if not home:
                return None
            answer, only = "1", safety.ASK_KIND  # "home", "llegué": only to "reply OK when you are home"
    if ctx.known.read and ctx.known.open_ask_id is None:
        return None  # read with the conversation: no question is open
    # "OK" and "home" answer "reply OK when you are home" first, even when a newer question (a ride
    # reminder) came after it: that question can wait, a helper out after dark cannot.
    pending = asks.open_ask(ctx.session, ctx.contact, ctx.now, kind=safety.ASK_KIND) if home else None
    if pending is not None:
        only = safety.ASK_KIND
    else:
        pending = asks.open_ask(ctx.session, ctx.contact, ctx.now)
    if pending is None:
        return None
    if ctx.conversation.flow != "home" and pending.created_at <= ctx.conversation.updated_at:
        return None  # they are answering the conversation's own question
    handler = asks.HANDLERS.get(pending.kind)
    if handler is None or only not in (None, pending.kind):
        return None
    pending.answered_at = ctx.now
    pending.answer = answer
    return handler(ctx, pending, answer) or QUIET


def got_help(ctx: Ctx, pending: Ask, answer: str) -> Next | None:
    """"Did you get the help you needed?" after a helper said DONE; a yes may bring words for the helper."""
    need = ctx.session.get(Need, pending.subject_id)
    if need is None:
        return None
    if answer == "1":
        need.events.append(NeedEvent(at=ctx.now, kind="confirmed", note="resident got help"))
        if thanks.wanted(ctx, need):
            return thanks.start(need)
        ctx.say(ctx._("Thank you for telling us. We are glad you got help."))
        return None
    ctx.say(ctx._("We are sorry. We will look for someone else to help with request %(ref)s.", ref=need.ref))
    if need.status == needs.DONE:
        dispatch.reopen(ctx.session, ctx.settings, need, ctx.now)
    return None


def ride_rider(ctx: Ctx, pending: Ask, answer: str) -> None:
    """The rider's 1 (still going) or 2 (cancel) to a ride reminder."""
    ride = ctx.session.get(Ride, pending.subject_id)
    if ride is None or ride.status not in rides.ACTIVE:
        ctx.say(ctx._("That ride is no longer booked. Reply %(status)s to see your requests.",
                      status=ctx.word("status")))
        return
    if answer == "1":
        ride.rider_confirmed_at = ctx.now
        ctx.say(ctx._("Thank you. Your ride %(ref)s is confirmed.", ref=ride.need.ref))
        return
    dispatch.cancel_ride(ctx.session, ctx.settings, ride, ctx.now)
    ctx.say(ctx._("Your ride %(ref)s is cancelled. The driver has been told.", ref=ride.need.ref))


def ride_driver(ctx: Ctx, pending: Ask, answer: str) -> None:
    """The driver's 1 (will drive) or 2 (cannot) to a ride reminder."""
    offer = ctx.session.get(Offer, pending.subject_id)
    ride = rides.for_need(offer.need) if offer is not None else None
    if offer is None or ride is None or offer.status != offers.CLAIMED or ride.status not in rides.ACTIVE:
        ctx.say(ctx._("That ride is no longer yours to drive. Thank you!"))
        return
    if answer == "1":
        dispatch.confirm_ride(ctx.session, ctx.settings, offer, ctx.now)
        ctx.say(ctx._("Thank you! Ride %(code)s is confirmed. Drive safely.", code=offer.code))
        return
    dispatch.release(ctx.session, ctx.settings, offer, ctx.now)
    ctx.say(ctx._("OK, ride %(code)s is given back. We will find another driver.", code=offer.code))


def safe_home(ctx: Ctx, pending: Ask, answer: str) -> None:
    """A helper's OK (home) or no (not yet) to "reply OK when you are home"."""
    if answer == "1":
        safety.home(ctx.session, ctx.settings, pending, ctx.now)
        ctx.say(copy.glad_you_are_home(ctx.translator()))
        return
    safety.not_yet(ctx.session, pending)
    ctx.say(copy.reply_when_home(ctx.settings, ctx.translator()))


def checkin(ctx: Ctx, pending: Ask, answer: str) -> None:
    """A resident's 1 (OK) or 2 (a neighbour should call) to a check-in, texted or keyed on the call."""
    what, need = checkins.answer(ctx.session, ctx.settings, ctx.contact, pending.subject_id, answer, ctx.channel,
                                 ctx.now)
    t = ctx.translator()
    if what == "help" and need is not None:
        ctx.say(checkin_words.neighbour_will_call(t, need.ref))
    elif what in ("ok", "late"):
        ctx.say(checkin_words.glad(t))
    else:
        ctx.say(checkin_words.no_longer_open(t))


# Each question's kind, as stored in `asks`, and who answers it; `hotline.wiring` registers them.
HANDLERS = {"got_help": got_help, "ride_rider": ride_rider, "ride_driver": ride_driver, safety.ASK_KIND: safe_home,
            "checkin": checkin}
