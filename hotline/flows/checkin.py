"""CHECKIN: set up regular wellness check-ins (how often, what time, text or call, who looks in),
change their time or days, pause or stop them; PAUSE CHECKINS and STOP CHECKINS do the last two."""
from __future__ import annotations

import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from .. import times, volunteers
from ..dispatch import checkins
from ..i18n import N_
from ..i18n.answer_words import NO, NONE
from ..i18n import keywords as kw
from ..sms import count_segments
from .engine import AGAIN, CHOICE, CHOICES, DATETIME, Choice, Ctx, Flow, Goto, Next, Prompt, Step, has_draft

FLOW_NAME = "checkin"
DAILY, SOME, WEEKLY = "daily", "some", "weekly"
# Translators: an example of a time of day for a check-in.
TIME_EXAMPLE = N_("9 am")


# -- commands -----------------------------------------------------------------------------------

def start(ctx: Ctx) -> Goto | None:
    """CHECKIN: set them up, manage them, or (when paused) start them again."""
    plan = checkins.for_contact(ctx.session, ctx.contact)
    if plan is not None and plan.status == checkins.PAUSED:
        checkins.resume(ctx.session, plan, ctx.now)
        ctx.say(tidy(ctx._("Check-ins are back on. The next is %(next)s.", next=_when(ctx, plan.next_at))))
        return None
    back = None
    if has_draft(ctx):
        back = {"flow": ctx.conversation.flow, "step": ctx.conversation.step, "data": dict(ctx.conversation.data)}
    data = {"back": back} if back else {}
    if plan is not None and plan.status == checkins.ACTIVE:
        return Goto(FLOW_NAME, "manage", data)
    return Goto(FLOW_NAME, "often", data)


def pause_command(ctx: Ctx, argument: str) -> None:
    """PAUSE CHECKINS [date]: until that date, or until they write CHECKIN."""
    plan = checkins.for_contact(ctx.session, ctx.contact)
    if plan is None or plan.status == checkins.STOPPED:
        ctx.say(no_checkins(ctx))
        return
    until = None
    if argument:
        until = _date(ctx, argument)
        if until is None:
            ctx.say(ctx._("Sorry, I could not read that date. Reply %(pausecheckins)s and a date, like "
                          "%(pausecheckins)s %(example)s.", pausecheckins=ctx.word("pausecheckins"),
                          example=ctx._(TIME_EXAMPLE_DAY)))
            return
    checkins.pause(ctx.session, plan, ctx.now, until)
    _paused_note(ctx, until)


def stop_command(ctx: Ctx) -> None:
    plan = checkins.for_contact(ctx.session, ctx.contact)
    if plan is None or plan.status == checkins.STOPPED:
        ctx.say(no_checkins(ctx))
        return
    checkins.stop(ctx.session, plan, ctx.now)
    ctx.say(ctx._("Check-ins are stopped. Reply %(checkin)s to start them again.", checkin=ctx.word("checkin")))


# Translators: an example of a date to pause check-ins until, after "PAUSE CHECKINS".
TIME_EXAMPLE_DAY = N_("Dec 20")


def no_checkins(ctx: Ctx) -> str:
    return ctx._("You have no check-ins. Reply %(checkin)s to set them up.", checkin=ctx.word("checkin"))


def _paused_note(ctx: Ctx, until: date | None) -> None:
    if until is None:
        ctx.say(ctx._("Check-ins are paused. Reply %(checkin)s to start them again.", checkin=ctx.word("checkin")))
        return
    day = times.format_for(times.to_utc(f"{until.isoformat()}T12:00", ctx.settings.hotline_timezone), ctx.language,
                           ctx.settings.hotline_timezone, times.DAY)
    ctx.say(tidy(ctx._("Check-ins are paused until %(day)s. Reply %(checkin)s to start them sooner.", day=day,
                       checkin=ctx.word("checkin"))))


def _date(ctx: Ctx, text: str) -> date | None:
    """The local day a typed date names, after today; None if it names none."""
    zone = ctx.settings.hotline_timezone
    when = times.parse_when(text, ctx.language, ctx.now, zone, timedelta(days=366), clock=time(23, 59))
    day = when.local.date() if when.local is not None else when.day
    today = ctx.now.astimezone(ZoneInfo(zone)).date()
    return day if day is not None and day > today else None


# -- setting up -----------------------------------------------------------------------------------

def ask_manage(ctx: Ctx) -> Prompt:
    plan = checkins.for_contact(ctx.session, ctx.contact)
    summary = schedule_words(ctx, plan.days, plan.local_time) if plan else ""
    return Prompt(
        tidy(ctx._("Your check-ins: %(schedule)s. What would you like to change?", schedule=summary)),
        (Choice("time", ctx._("The time")), Choice("days", ctx._("The days")),
         Choice("pause", ctx._("Pause them")), Choice("stop", ctx._("Stop them"))),
        CHOICE,
    )


def answer_manage(ctx: Ctx, choice: str) -> Next:
    if choice == "pause":
        pause_command(ctx, "")
        return Goto("home")
    if choice == "stop":
        stop_command(ctx)
        return Goto("home")
    plan = checkins.for_contact(ctx.session, ctx.contact)
    ctx.data.update(editing=True, days=plan.days, time=plan.local_time)
    return Goto(FLOW_NAME, "time" if choice == "time" else "often")


def ask_often(ctx: Ctx) -> Prompt:
    return Prompt(
        ctx._("How often should we check in on you?"),
        (Choice(DAILY, ctx._("Every day")), Choice(SOME, ctx._("Some days of the week")),
         Choice(WEEKLY, ctx._("Once a week"))),
        CHOICE,
    )


def answer_often(ctx: Ctx, choice: str) -> Next:
    if choice == DAILY:
        ctx.data["days"] = checkins.EVERY_DAY
        return after_days(ctx)
    return Goto(FLOW_NAME, "days" if choice == SOME else "day")


def _weekdays(ctx: Ctx) -> tuple[Choice, ...]:
    return tuple(Choice(str(i), name) for i, name in enumerate(times.weekday_names(ctx.language)))


def ask_days(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Which days? For example: 1 3 5"), _weekdays(ctx), CHOICES)


def answer_days(ctx: Ctx, values: str) -> Next:
    ctx.data["days"] = checkins.clean_days("".join(values.split()))
    return after_days(ctx)


def ask_day(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Which day? Reply with a number:"), _weekdays(ctx), CHOICE)


def answer_day(ctx: Ctx, value: str) -> Next:
    ctx.data["days"] = value
    return after_days(ctx)


def after_days(ctx: Ctx) -> Next:
    if ctx.data.get("editing"):
        return finish(ctx)
    return Goto(FLOW_NAME, "time")


def ask_time(ctx: Ctx) -> Prompt:
    example = ctx._(TIME_EXAMPLE)
    if ctx.data.get("time_problem") == "hours":
        text = ctx._("Please pick a time between %(start)s and %(end)s, like %(example)s.",
                     start=_clock(ctx, ctx.settings.checkin_earliest_hour),
                     end=_clock(ctx, ctx.settings.checkin_latest_hour), example=example)
    elif ctx.data.get("time_problem"):
        text = ctx._("Sorry, I could not read a time in that. What time of day, like %(example)s?", example=example)
    else:
        text = ctx._("At what time of day? For example: %(example)s", example=example)
    return Prompt(text, expects=DATETIME)


def answer_time(ctx: Ctx, text: str) -> Next:
    clock = read_clock(ctx, text)
    if clock is None:
        ctx.data["time_problem"] = "time"
        return AGAIN
    if not checkins.allowed(ctx.settings, clock):
        ctx.data["time_problem"] = "hours"
        return AGAIN
    ctx.data.pop("time_problem", None)
    ctx.data["time"] = clock.strftime("%H:%M")
    if ctx.data.get("editing"):
        return finish(ctx)
    return Goto(FLOW_NAME, "how")


def read_clock(ctx: Ctx, text: str) -> time | None:
    """The time of day in "9", "9 am", "nueve de la mañana" (the ride questions' reading of times)."""
    zone = ctx.settings.hotline_timezone
    today = ctx.now.astimezone(ZoneInfo(zone)).date()
    when = times.parse_when(text, ctx.language, ctx.now, zone, timedelta(days=2), day=today)
    if when.local is not None:
        return when.local.time().replace(second=0, microsecond=0)
    return when.clock


def ask_how(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Should we check in by text or by phone call?"),
                  (Choice(checkins.SMS, ctx._("By text")), Choice(checkins.CALL, ctx._("By phone call"))), CHOICE)


def answer_how(ctx: Ctx, choice: str) -> Next:
    ctx.data["channel"] = choice
    return Goto(FLOW_NAME, "who")


def ask_who(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("If you do not answer, who should we ask to look in on you?"),
                  (Choice(checkins.TO_VOLUNTEER, ctx._("A neighbour who volunteers")),
                   Choice(checkins.TO_COORDINATORS, ctx._("The hotline's coordinators"))), CHOICE)


def answer_who(ctx: Ctx, choice: str) -> Next:
    ctx.data["escalate_to"] = choice
    return Goto(FLOW_NAME, "where" if choice == checkins.TO_VOLUNTEER else "name")


def ask_where(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Where should they come? An address, or cross streets and ZIP code."))


def answer_where(ctx: Ctx, text: str) -> Next:
    ctx.data["location"] = text.strip()
    return Goto(FLOW_NAME, "name")


def ask_name(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("What name should we greet you by? Reply 0 to skip."),
                  spoken=ctx.pgettext("voice", "What name should we greet you by? Say it, or say no to skip."))


def answer_name(ctx: Ctx, text: str) -> Next:
    skip = text.strip() == "0" or ctx.answers().meaning(text, whole=True) in (NO, NONE) or kw.carrier_word(text)
    ctx.data["name"] = "" if skip else " ".join(text.split())[:64]
    return finish(ctx)


def finish(ctx: Ctx) -> Next:
    """Store the check-ins as answered (or changed) and say when the next one is."""
    plan = checkins.for_contact(ctx.session, ctx.contact)
    editing = bool(ctx.data.get("editing")) and plan is not None
    values = dict(
        days=ctx.data["days"], local_time=ctx.data["time"],
        channel=plan.channel if editing else ctx.data.get("channel", checkins.SMS),
        escalate_to=plan.escalate_to if editing else ctx.data.get("escalate_to", checkins.TO_COORDINATORS),
        volunteer=plan.volunteer if editing else None,
        location=plan.location if editing else ctx.data.get("location", ""),
        name=plan.name if editing else ctx.data.get("name", ""),
    )
    if not editing and plan is not None and plan.volunteer is not None and \
            values["escalate_to"] == checkins.TO_VOLUNTEER and volunteers.can_be_given_tasks(plan.volunteer):
        values["volunteer"] = plan.volunteer  # a coordinator's choice of neighbour stays
    plan = checkins.save(ctx.session, ctx.settings, ctx.contact, ctx.now, **values)
    ctx.say(set_note(ctx, schedule_words(ctx, plan.days, plan.local_time), _when(ctx, plan.next_at)))
    back = ctx.data.get("back")
    if back:
        return Goto(back["flow"], back["step"], back["data"])
    return Goto("home")


def set_note(ctx: Ctx, schedule: str, next_one: str) -> str:
    """When check-ins will come, and how to pause or end them when that still fits two texts."""
    note = tidy(ctx._("Check-ins are set: %(schedule)s. The next is %(next)s.", schedule=schedule, next=next_one))
    how = ctx._("Reply %(pausecheckins)s for a break, %(stopcheckins)s to end them.",
                pausecheckins=ctx.word("pausecheckins"), stopcheckins=ctx.word("stopcheckins"))
    return f"{note} {how}" if count_segments(f"{note} {how}").segments <= 2 else note


def tidy(text: str) -> str:
    """One full stop where a time written with one ("9:00 a.m.") ends a sentence."""
    return re.sub(r"\.\.(?=\s|$)", ".", text)


def schedule_words(ctx: Ctx, days: str, local_time: str) -> str:
    """"every day at 9:00 AM", "Mon, Thu at 9:00 AM" (one day in full: "Monday at 9:00 AM")."""
    clock = _clock(ctx, int(local_time[:2]), int(local_time[3:]))
    if days == checkins.EVERY_DAY:
        return ctx._("every day at %(time)s", time=clock)
    names = times.weekday_names(ctx.language, short=len(days) > 1)
    return ctx._("%(days)s at %(time)s", days=", ".join(names[int(d)] for d in days), time=clock)


def _clock(ctx: Ctx, hour: int, minute: int = 0) -> str:
    zone = ctx.settings.hotline_timezone
    today = ctx.now.astimezone(ZoneInfo(zone)).date()
    moment = times.to_utc(f"{today.isoformat()}T{hour % 24:02d}:{minute:02d}", zone)
    return times.format_for(moment, ctx.language, zone, times.TIME)


def _when(ctx: Ctx, moment) -> str:
    return times.format_for(moment, ctx.language, ctx.settings.hotline_timezone, times.SHORT) if moment else ""


FLOW = Flow(FLOW_NAME, "often", {
    "manage": Step(ask_manage, answer_manage),
    "often": Step(ask_often, answer_often),
    "days": Step(ask_days, answer_days),
    "day": Step(ask_day, answer_day),
    "time": Step(ask_time, answer_time),
    "how": Step(ask_how, answer_how),
    "who": Step(ask_who, answer_who),
    "where": Step(ask_where, answer_where),
    "name": Step(ask_name, answer_name),
}, draft=True)
