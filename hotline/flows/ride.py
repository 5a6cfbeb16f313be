"""Ride intake: from where, to where, when, the way back, mobility needs, how many; read back, book."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from .. import coordinators, dispatch, needs, rides, times
from ..i18n import N_
from ..i18n.answer_words import NO, YES
from ..i18n.answer_words import NONE as NOTHING
from ..sms import count_segments, fit, fold_to_gsm
from .engine import (
    AGAIN, CHOICE, CHOICES, DATETIME, NUMBER, QUIET, Choice, Ctx, Flow, Goto, Next, Prompt, Step,
    not_understood,
)
from .intake import not_a_place, spoken_confirmation

# Translators: an example of a pickup day and time, as people text it; it must be understood
# when typed back, so keep it simple: a day word and an hour.
EXAMPLE = N_("tomorrow 3pm")
# Translators: an example of a day on its own.
EXAMPLE_DAY = N_("Friday")
# Translators: examples of a time on its own.
EXAMPLE_TIME = N_("10am or 3:30pm")
# Translators: an example of a time to be picked up for the ride back, on its own.
EXAMPLE_BACK = N_("5pm")


# A time question asked again after two answers that could not be booked. On a call the time may
# then also be keyed, as four digits on a 24-hour clock (1530); the question is otherwise the same.
DATETIME_OR_KEYS = "datetime or keys"
REFUSALS_BEFORE_KEYS = 2
# The ride's answers after two refused times, for tools that list every sentence a call can say.
REFUSED_TWICE = {"when_refused": REFUSALS_BEFORE_KEYS, "back_refused": REFUSALS_BEFORE_KEYS}
_KEYED = re.compile(r"([01]\d|2[0-3])([0-5]\d)")

# Kind questions for a time that could not be booked as typed, by what was wrong with it.
WHEN_QUESTIONS = {
    None: N_("What day and time should the driver pick you up? For example: %(example)s"),
    times.PAST: N_("That time has already passed. What day and time should the driver pick you "
                   "up? For example: %(example)s"),
    times.NOT_UNDERSTOOD: N_("Sorry, I could not read a day and time in that. Please write it like "
                             "this: %(example)s"),
}
BACK_QUESTIONS = {
    None: N_("What time should the driver pick you up to come back? For example: %(example)s"),
    times.PAST: N_("That time has already passed. What time should the driver pick you up to "
                   "come back? For example: %(example)s"),
    times.NOT_UNDERSTOOD: N_("Sorry, I could not read a time in that. What time should the driver "
                             "pick you up to come back? For example: %(example)s"),
}


# -- where ------------------------------------------------------------------------------------

def ask_pickup(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Where should the driver pick you up? An address or a place people know "
                        "is fine."))


def answer_pickup(ctx: Ctx, text: str) -> Next:
    if not_a_place(ctx, text):
        # "sí", "2": an answer to some other question, never where a driver should go.
        ctx.say(not_understood(ctx))
        return AGAIN
    ctx.data["pickup"] = text.strip()
    return _next(ctx, "destination")


# What a first text may already have said ("a ride to the clinic tomorrow at 3"), with the step
# that asks for it and the step after; the read-back shows it to be corrected.
_SAID_FIRST = {"destination": ("destination", "when"), "when": ("when", "back")}


def ask_destination(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Where are you going? The name of the place, and the address if you know "
                        "it."),
                  spoken=ctx.pgettext("voice", "Where are you going? Say the name of the place, and the "
                                               "address if you know it."))


def answer_destination(ctx: Ctx, text: str) -> Next:
    if not_a_place(ctx, text):
        ctx.say(not_understood(ctx))
        return AGAIN
    ctx.data["destination"] = text.strip()
    return _next(ctx, "when")


# -- when -------------------------------------------------------------------------------------

def _zone(ctx: Ctx) -> str:
    return ctx.settings.hotline_timezone


def _format(ctx: Ctx, wall: str, style: str = times.LONG) -> str:
    return times.format_for(times.local_time(wall, _zone(ctx)), ctx.language, style=style)


def _parse(ctx: Ctx, text: str, key: str, day: date | None = None) -> times.When:
    """Read a typed time, with what an earlier answer to the same question already settled."""
    remembered_day = ctx.data.get(f"{key}_day")
    remembered_clock = ctx.data.get(f"{key}_clock")
    # A recorded answer (a language with no speech recognition) holds no words to read: its
    # number is no hour.
    text = " ".join(words for kind, words in needs.split_recordings(text) if kind == "text")
    if ctx.channel == "voice" and re.fullmatch(r"\d{4}", text.strip()):
        # Four digits on a call: a time keyed on a 24-hour clock, HHMM.
        keyed = _KEYED.fullmatch(text.strip())
        if keyed is None:
            return times.When(problem=times.NOT_UNDERSTOOD)
        text = f"{keyed.group(1)}:{keyed.group(2)}"
    return times.parse_when(
        text, ctx.language, ctx.now, _zone(ctx), timedelta(days=ctx.settings.ride_horizon_days),
        day=date.fromisoformat(remembered_day) if remembered_day else day,
        clock=time.fromisoformat(remembered_clock) if remembered_clock else None,
    )


def _remember_problem(ctx: Ctx, key: str, when: times.When) -> None:
    """Keep what was wrong, and any half that was understood, for the next question and answer."""
    ctx.data[f"{key}_problem"] = when.missing or when.problem
    ctx.data[f"{key}_day"] = when.day.isoformat() if when.day else None
    ctx.data[f"{key}_clock"] = when.clock.strftime("%H:%M") if when.clock else None
    ctx.data[f"{key}_refused"] = (ctx.data.get(f"{key}_refused") or 0) + 1


def _forget(ctx: Ctx, key: str) -> None:
    for suffix in ("problem", "day", "clock", "refused"):
        ctx.data.pop(f"{key}_{suffix}", None)


def _time_kind(ctx: Ctx, key: str) -> str:
    """What a time question takes: after two refusals a call may key the time, unless only the day is asked."""
    refused = (ctx.data.get(f"{key}_refused") or 0) >= REFUSALS_BEFORE_KEYS
    return DATETIME_OR_KEYS if refused and ctx.data.get(f"{key}_problem") != "day" else DATETIME


def ask_when(ctx: Ctx) -> Prompt:
    problem = ctx.data.get("when_problem")
    example = ctx._(EXAMPLE)
    if problem == "day" and ctx.data.get("when_clock"):
        text = ctx._("What day should the driver come at %(time)s? For example: %(example)s",
                     time=_format_clock(ctx, ctx.data["when_clock"]), example=ctx._(EXAMPLE_DAY))
    elif problem == "time":
        day = _format_day(ctx, ctx.data.get("when_day"))
        text = ctx._("What time on %(day)s? For example: %(example)s", day=day, example=ctx._(EXAMPLE_TIME))
    elif problem == times.TOO_FAR:
        text = ctx._("That is too far ahead: we book rides until %(limit)s. What day and time should "
                     "the driver pick you up?", limit=_limit(ctx))
    else:
        text = ctx._(WHEN_QUESTIONS.get(problem, WHEN_QUESTIONS[None]), example=example)
    return Prompt(text, expects=_time_kind(ctx, "when"))


def _limit(ctx: Ctx) -> str:
    """The last day a ride can be booked for, as the rider reads it."""
    last = ctx.now + timedelta(days=ctx.settings.ride_horizon_days)
    return times.format_for(last, ctx.language, _zone(ctx), times.DAY)


def _format_clock(ctx: Ctx, clock: str) -> str:
    moment = datetime.combine(ctx.now.date(), time.fromisoformat(clock), tzinfo=ZoneInfo(_zone(ctx)))
    return times.format_for(moment, ctx.language, style=times.TIME)


def _format_day(ctx: Ctx, day: str | None) -> str:
    if not day:
        return ""
    moment = datetime.combine(date.fromisoformat(day), time(12), tzinfo=ZoneInfo(_zone(ctx)))
    return times.format_for(moment, ctx.language, style=times.DAY)


def answer_when(ctx: Ctx, text: str) -> Next:
    when = _parse(ctx, text, "when")
    if not when.ok:
        _remember_problem(ctx, "when", when)
        return AGAIN
    _forget(ctx, "when")
    ctx.data["when"] = when.wall
    return Goto("ride", "when_check")


def _yes_no(ctx: Ctx) -> tuple[Choice, ...]:
    return (
        Choice("yes", ctx._("That is right"), means=YES),
        Choice("no", ctx._("No, change it"), means=NO),
    )


def ask_when_check(ctx: Ctx) -> Prompt:
    when = _format(ctx, ctx.data["when"]) if ctx.data.get("when") else ""
    return Prompt(ctx._("Pickup: %(when)s. Is that right?", when=when), _yes_no(ctx), CHOICE)


def new_time_at_check(key: str, check: str) -> Callable[[Ctx, str], Next | None]:
    """At "Pickup: ... Is that right?", a new day and time typed instead of yes or no is the
    correction ("mañana a las tres de la tarde"): read back at once; anything else is asked again."""
    def otherwise(ctx: Ctx, text: str) -> Next | None:
        there = ctx.data.get("when")
        day = date.fromisoformat(there[:10]) if key == "back" and there else None
        when = times.parse_when(
            text, ctx.language, ctx.now, _zone(ctx), timedelta(days=ctx.settings.ride_horizon_days), day=day)
        if not when.ok or (key == "back" and there and when.wall <= there):
            return None
        ctx.data[key] = when.wall
        return Goto("ride", check)
    return otherwise


def answer_when_check(ctx: Ctx, choice: str) -> Next:
    if choice == "no" or not ctx.data.get("when"):
        ctx.data.pop("when", None)
        return Goto("ride", "when")
    back = ctx.data.get("back")
    if back and ctx.data.get("back_plan") == rides.RETURN_AT_TIME and back <= ctx.data["when"]:
        # A new time for the way there can leave the way back before it.
        ctx.data["back_problem"] = "before"
        return Goto("ride", "back_when")
    return _next(ctx, "back")


# -- the way back -----------------------------------------------------------------------------

def ask_back(ctx: Ctx) -> Prompt:
    return Prompt(
        ctx._("Do you need a ride back?"),
        (
            Choice(rides.RETURN_AT_TIME, ctx._("At a set time")),
            Choice(rides.WILL_CALL, ctx._("I will text when I am ready")),
            Choice(rides.NO_RETURN, ctx._("No ride back"), means=NO),
        ),
        CHOICE,
    )


_TIME_BACK = new_time_at_check("back", "back_check")


def back_in_words(ctx: Ctx, text: str) -> Next | None:
    """At "Do you need a ride back?": a time ("sí, a las 5 de la tarde") is a ride back at that
    time, read back to be confirmed; a bare yes is asked which of the two it is, instead of a sorry
    (the choices are still on their phone)."""
    found = _TIME_BACK(ctx, text)
    if found is not None:
        ctx.data["back_plan"] = rides.RETURN_AT_TIME
        return found
    if ctx.answers().meaning(text) == YES:
        ctx.say(ctx._("Good. Reply 1 if you know what time to come back, or 2 to text us when you are ready."))
        return QUIET
    return None


def answer_back(ctx: Ctx, plan: str) -> Next:
    ctx.data["back_plan"] = plan
    if plan == rides.RETURN_AT_TIME:
        return Goto("ride", "back_when")
    ctx.data.pop("back", None)
    return _next(ctx, "mobility")


def ask_back_when(ctx: Ctx) -> Prompt:
    problem = ctx.data.get("back_problem")
    example = ctx._(EXAMPLE_BACK)
    if problem == "before" and ctx.data.get("when"):
        text = ctx._("That is before your pickup at %(when)s. What time should the driver pick you "
                     "up to come back?", when=_format(ctx, ctx.data["when"], times.SHORT))
    elif problem == times.TOO_FAR:
        text = ctx._("That is too far ahead: we book rides until %(limit)s. What time should the "
                     "driver pick you up to come back?", limit=_limit(ctx))
    else:
        text = ctx._(BACK_QUESTIONS.get(problem, BACK_QUESTIONS[None]), example=example)
    return Prompt(text, expects=_time_kind(ctx, "back"))


def answer_back_when(ctx: Ctx, text: str) -> Next:
    there = ctx.data.get("when")
    # "5pm" alone means the day of the ride there.
    day = date.fromisoformat(there[:10]) if there else None
    when = _parse(ctx, text, "back", day=day)
    if when.ok and there and when.wall <= there:
        _forget(ctx, "back")
        ctx.data["back_problem"] = "before"
        return AGAIN
    if not when.ok:
        _remember_problem(ctx, "back", when)
        return AGAIN
    _forget(ctx, "back")
    ctx.data["back"] = when.wall
    return Goto("ride", "back_check")


def ask_back_check(ctx: Ctx) -> Prompt:
    back = _format(ctx, ctx.data["back"]) if ctx.data.get("back") else ""
    return Prompt(ctx._("Ride back: %(when)s. Is that right?", when=back), _yes_no(ctx), CHOICE)


def answer_back_check(ctx: Ctx, choice: str) -> Next:
    if choice == "no":
        ctx.data.pop("back", None)
        return Goto("ride", "back_when")
    return _next(ctx, "mobility")


# -- who and what -----------------------------------------------------------------------------

NO_NEEDS = "none"


def ask_mobility(ctx: Ctx) -> Prompt:
    choices = (Choice(NO_NEEDS, ctx._("None of these"), means=NOTHING),) + tuple(
        Choice(key, ctx._(label)) for key, label in rides.MOBILITY.items()
    )
    return Prompt(ctx._("Does anyone riding need any of these? Reply with all the numbers that "
                        "fit, like: 2 4"), choices, CHOICES,
                  spoken=ctx.pgettext("voice", "Does anyone riding need any of these?"))


def answer_mobility(ctx: Ctx, values: str) -> Next:
    ctx.data["mobility"] = [v for v in values.split() if v in rides.MOBILITY]
    return _next(ctx, "riders")


def ask_riders(ctx: Ctx) -> Prompt:
    return Prompt(
        ctx._("How many people are riding, counting you? Reply with a number from 1 to %(max)s.",
              max=rides.MAX_RIDERS),
        expects=NUMBER,
        spoken=ctx.pgettext("voice", "How many people are riding, counting you? Press a number from 1 "
                                     "to %(max)s.", max=rides.MAX_RIDERS),
    )


def answer_riders(ctx: Ctx, text: str) -> Next:
    match = re.search(r"\d+", text)
    count = int(match.group(0)) if match else 0
    if not 1 <= count <= rides.MAX_RIDERS:
        ctx.say(ctx._("Please reply with a number from 1 to %(max)s.", max=rides.MAX_RIDERS))
        return QUIET
    ctx.data["riders"] = count
    return Goto("ride", "confirm")


# -- read back and book -----------------------------------------------------------------------

def _back_summary(ctx: Ctx) -> str:
    plan = ctx.data.get("back_plan")
    back = ctx.data.get("back")
    if plan == rides.RETURN_AT_TIME and back:
        same_day = back[:10] == (ctx.data.get("when") or "")[:10]
        return _format(ctx, back, times.TIME if same_day else times.SHORT)
    if plan == rides.WILL_CALL:
        return ctx._("you will text us")
    return ctx._("no ride back")


def _needs_summary(ctx: Ctx) -> str:
    chosen = [ctx._(rides.MOBILITY[key]) for key in ctx.data.get("mobility") or () if key in rides.MOBILITY]
    return ", ".join(chosen) if chosen else ctx._("None")


def ask_confirm(ctx: Ctx) -> Prompt:
    choices = (Choice("send", ctx._("Book it"), means=YES), Choice("change", ctx._("Change something"), means=NO))
    footer = "".join(f"\n{i} {c.label}" for i, c in enumerate(choices, 1))
    # Room for the note that comes before it when an answer is not understood.
    header = not_understood(ctx) + "\n"
    when = _format(ctx, ctx.data["when"], times.SHORT) if ctx.data.get("when") else ""
    fixed = {"when": when, "back": _back_summary(ctx), "riders": ctx.data.get("riders", 1)}
    all_needs = _needs_summary(ctx)

    def render(pickup: str, destination: str, needs: str = all_needs) -> str:
        return ctx._(
            "Please check your ride:\nFrom: %(pickup)s\nTo: %(destination)s\nPickup: %(when)s\n"
            "Back: %(back)s\nNeeds: %(needs)s\nPeople: %(riders)s",
            pickup=pickup, destination=destination, needs=needs, **fixed,
        )

    # The read-back quotes the rider; shorten the quotes so the whole text stays cheap.
    whole = lambda **v: header + render(**v) + footer  # noqa: E731
    echoes = {"pickup": ctx.data.get("pickup", ""), "destination": ctx.data.get("destination", "")}
    text = fit(whole, echoes)
    folded = {key: fold_to_gsm(value) for key, value in echoes.items()}
    if folded != echoes:
        # One "í" typed by the rider makes the whole read-back cost double, and shortening the
        # quotes to fit defeats the read-back; "Clinica" is still their word, in full.
        cheaper = fit(whole, folded)
        if (count_segments(cheaper).segments, -len(cheaper)) < (count_segments(text).segments, -len(text)):
            text = cheaper
    if count_segments(text).segments > 2:
        # In a UCS-2 script (67 characters a part) every mobility need named in full can leave no
        # room even for short quotes: then the list of needs is shortened along with them.
        for quotes in (echoes, folded):
            shorter = fit(whole, {**quotes, "needs": all_needs})
            if (count_segments(shorter).segments, -len(shorter)) < (count_segments(text).segments, -len(text)):
                text = shorter
    return Prompt(text[len(header): len(text) - len(footer)], choices, CHOICE)


def answer_confirm(ctx: Ctx, choice: str) -> Next:
    if choice == "change":
        return Goto("ride", "change")
    if not ctx.data.get("when"):
        return Goto("ride", "when")
    for key, step in (("when", "when"), ("back", "back_when")):
        wall = ctx.data.get(key)
        if wall and times.to_utc(wall, _zone(ctx)) <= ctx.now:
            # The conversation sat long enough for the time to pass.
            ctx.data.pop(key)
            ctx.data[f"{key}_problem"] = times.PAST
            ctx.data["editing"] = True
            return Goto("ride", step)
    plan = ctx.data.get("back_plan") or rides.NO_RETURN
    ride = rides.book(
        ctx.session, ctx.contact,
        pickup=ctx.data.get("pickup", ""), destination=ctx.data.get("destination", ""),
        local_time=ctx.data["when"], time_zone=_zone(ctx),
        mobility=ctx.data.get("mobility") or [], riders=ctx.data.get("riders", 1),
        return_plan=plan, return_time=ctx.data.get("back") if plan == rides.RETURN_AT_TIME else None,
        language=ctx.language, channel=ctx.channel, now=ctx.now,
    )
    said = ctx.data.get("said")
    if said:
        # What their first text said ("a ride to the clinic tomorrow at 3") stays with the request.
        needs.add_details(ride.need, said, now=ctx.now)
    status = ctx.word("status")
    # Drivers are asked from a job once this commits: the reply never waits on matching.
    looking = dispatch.begin_ride(ctx.session, ctx.settings, ride, ctx.now)
    if ctx.channel == "voice":
        ctx.say(spoken_confirmation(ctx, ride.need.ref, looking))
        if ride.return_ride is not None:
            ctx.say(ctx.pgettext("voice", "The ride back has its own number: %(ref)s.",
                                 ref=ride.return_ride.need.ref))
        return Goto("home")
    if not looking and not coordinators.will_be_told(ctx.settings):
        # Nobody is texted about it: no promise of a call, only that it is kept and when to look.
        if ride.return_ride is not None:
            ctx.say(ctx._(
                "Thank you. Your ride number is %(ref)s, and %(back)s for the ride back. No driver is free "
                "right now; they are saved and we will keep looking. Reply %(status)s to check on them.",
                ref=ride.need.ref, back=ride.return_ride.need.ref, status=status,
            ))
        else:
            ctx.say(ctx._(
                "Thank you. Your ride number is %(ref)s. No driver is free right now; it is saved and we "
                "will keep looking. Reply %(status)s to check on it.",
                ref=ride.need.ref, status=status,
            ))
        return Goto("home")
    if not looking and ride.return_ride is not None:
        # Both numbers, so the rider can quote either one when they check or call.
        ctx.say(ctx._(
            "Thank you. Your ride number is %(ref)s, and %(back)s for the ride back. No driver is free "
            "right now, so a coordinator will follow up with you. Reply %(status)s to check on them.",
            ref=ride.need.ref, back=ride.return_ride.need.ref, status=status,
        ))
        return Goto("home")
    if not looking:
        ctx.say(ctx._(
            "Thank you. Your ride number is %(ref)s. No driver is free right now, so a coordinator "
            "will follow up with you. Reply %(status)s to check on it.",
            ref=ride.need.ref, status=status,
        ))
        return Goto("home")
    if ride.return_ride is not None:
        ctx.say(ctx._(
            "Thank you. Your ride number is %(ref)s, and %(back)s for the ride back. We are looking "
            "for drivers and will text you. Reply %(status)s to check on them.",
            ref=ride.need.ref, back=ride.return_ride.need.ref, status=status,
        ))
    elif plan == rides.WILL_CALL:
        ctx.say(ctx._(
            "Thank you. Your ride number is %(ref)s. We are looking for a driver and will text you. "
            "When you are ready to come back, text us.",
            ref=ride.need.ref,
        ))
    else:
        ctx.say(ctx._(
            "Thank you. Your ride number is %(ref)s. We are looking for a driver and will text you. "
            "Reply %(status)s to check on it.",
            ref=ride.need.ref, status=status,
        ))
    return Goto("home")


CHANGES = {
    "pickup": N_("Pickup place"),
    "destination": N_("Where you are going"),
    "when": N_("Day and time"),
    "back": N_("Ride back"),
    "mobility": N_("Needs"),
    "riders": N_("Number of people"),
}


def ask_change(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(key, ctx._(label)) for key, label in CHANGES.items())
    return Prompt(ctx._("What do you want to change?"), choices, CHOICE)


def answer_change(ctx: Ctx, part: str) -> Next:
    ctx.data["editing"] = True
    return Goto("ride", part)


def _next(ctx: Ctx, step: str) -> Goto:
    """Go on to the next question, or back to the read-back when changing one answer; a question
    whose answer the first text already gave is not asked."""
    if ctx.data.get("editing"):
        return Goto("ride", "confirm")
    for key, (asks, then) in _SAID_FIRST.items():
        if step == asks and ctx.data.get(key):
            step = then
    return Goto("ride", step)


FLOW = Flow("ride", "pickup", {
    "pickup": Step(ask_pickup, answer_pickup),
    "destination": Step(ask_destination, answer_destination),
    "when": Step(ask_when, answer_when),
    "when_check": Step(ask_when_check, answer_when_check, otherwise=new_time_at_check("when", "when_check")),
    "back": Step(ask_back, answer_back, otherwise=back_in_words),
    "back_when": Step(ask_back_when, answer_back_when),
    "back_check": Step(ask_back_check, answer_back_check, otherwise=new_time_at_check("back", "back_check")),
    "mobility": Step(ask_mobility, answer_mobility),
    "riders": Step(ask_riders, answer_riders),
    "confirm": Step(ask_confirm, answer_confirm),
    "change": Step(ask_change, answer_change),
}, draft=True)

__all__ = ["FLOW"]
