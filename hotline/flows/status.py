"""STATUS: a resident's open requests, where each stands, and a way to withdraw one."""
from __future__ import annotations

from .. import dispatch, needs, rides, times
from ..i18n.answer_words import NO, YES
from ..models import Need
from ..sms import count_segments
from .engine import CHOICE, Choice, Ctx, Flow, Goto, Next, Prompt, Step, not_understood
from .home import answer_idle
from .intake import says_enough, topic_of
from .volunteer import relay_from_resident
from .render import prompt_sms

SHOWN = 3
BUDGET = 2


def _listed(ctx: Ctx) -> list[Need]:
    return needs.open_needs(ctx.session, ctx.contact)


def describe(ctx: Ctx, need: Need, brief: bool = False) -> str:
    """One line of the list: what it is and where it stands; a ride with its day, time and direction
    (`brief`: a ride without where it stands, when the list would not fit otherwise); a visit on its
    way, with the words its helper will say at the door."""
    line = _describe(ctx, need, brief)
    if need.status == needs.CLAIMED and need.door_words:
        # Translators: a request in the STATUS list with the words its helper will say at the door,
        # e.g. "Food (482913): a volunteer is on it. They will say "apple moon" when they come."
        return ctx._("%(request)s. They will say \"%(pair)s\" when they come.", request=line, pair=need.door_words)
    return line


def _describe(ctx: Ctx, need: Need, brief: bool) -> str:
    ride = rides.for_need(need)
    moment = rides.pickup_local(ride) if ride is not None else None
    if moment is not None:
        values = {"ref": need.ref, "when": times.format_for(moment, ctx.language, style=times.SHORT)}
        back = ride.return_of_id is not None
        if brief and back:
            # Translators: a ride back home in the STATUS list when there is no room for where it
            # stands, e.g. "Ride back Dec 3, 5:30 PM (482914)".
            return ctx._("Ride back %(when)s (%(ref)s)", **values)
        if brief:
            # Translators: a ride to a place in the STATUS list when there is no room for where it
            # stands, e.g. "Ride there Dec 3, 3:00 PM (482913)".
            return ctx._("Ride there %(when)s (%(ref)s)", **values)
        values["status"] = ctx._(needs.STATUS_LABELS[need.status])
        if back:
            # Translators: a ride back home in the STATUS list, e.g. "Ride back Dec 3, 5:30 PM (482914):
            # asking volunteers".
            return ctx._("Ride back %(when)s (%(ref)s): %(status)s", **values)
        # Translators: a ride to a place in the STATUS list, e.g. "Ride there Dec 3, 3:00 PM (482913):
        # asking volunteers".
        return ctx._("Ride there %(when)s (%(ref)s): %(status)s", **values)
    return ctx._(
        "%(category)s (%(ref)s): %(status)s",
        ref=need.ref,
        category=ctx._(needs.CATEGORIES[need.category]),
        status=ctx._(needs.STATUS_LABELS[need.status]),
    )


def ask_list(ctx: Ctx) -> Prompt:
    open_needs = _listed(ctx)
    if not open_needs:
        return Prompt(ctx._("You have no open requests. Reply %(menu)s to ask for help.", menu=ctx.word("menu")))
    text = ctx.ngettext(
        "You have %(n)s open request. To withdraw it, reply 1.",
        "You have %(n)s open requests. To withdraw one, reply its number.",
        len(open_needs),
    )
    # Newest first, as many as fit the budget. Each line says where its request stands, with room
    # for a "sorry" before the list; where that is too long (two rides in a Unicode script), the
    # list goes without the room (it says itself how to answer), then rides without their status.
    shown = open_needs[:SHOWN]
    prompt = Prompt(text)
    for count in range(len(shown), 0, -1):
        for brief in (False, True):
            choices = tuple(Choice(str(need.id), describe(ctx, need, brief)) for need in shown[:count])
            for note in (True, False):
                prompt = Prompt(text, choices, CHOICE, note_on_retry=note)
                before = not_understood(ctx) + "\n" if note else ""
                if count_segments(before + prompt_sms(prompt)).segments <= BUDGET:
                    return prompt
    return prompt


def answer_list(ctx: Ctx, value: str) -> Next:
    if not _listed(ctx):
        # Nothing open (any more): the message is the start of a new request.
        return answer_idle(ctx, value)
    ctx.data["need"] = int(value)
    return Goto("status", "withdraw")


def _chosen(ctx: Ctx) -> Need | None:
    return needs.own_open(ctx.session, ctx.contact, ctx.data.get("need"))


def ask_withdraw(ctx: Ctx) -> Prompt:
    need = _chosen(ctx)
    return Prompt(
        ctx._("Withdraw request %(ref)s? Nobody will come for it.", ref=need.ref if need else ""),
        (Choice("yes", ctx._("Withdraw it"), means=YES), Choice("no", ctx._("No, keep it"), means=NO)),
        CHOICE,
    )


def answer_withdraw(ctx: Ctx, choice: str) -> Next:
    need = _chosen(ctx)
    if need is None:
        ctx.say(ctx._("That request is already closed."))
    elif choice == "yes":
        # Helpers are told, and a ride is cancelled with its ride back, so nobody comes for either.
        dispatch.withdraw(ctx.session, ctx.settings, need, ctx.now)
        ctx.say(ctx._("Request %(ref)s is withdrawn. Thank you for letting us know.", ref=need.ref))
    else:
        ctx.say(ctx._("OK, request %(ref)s stays open.", ref=need.ref))
    return Goto("home")


def relay_to_helper(ctx: Ctx, text: str) -> Next | None:
    """Words that pick no request: from someone with a helper on one, for the helper ("gracias!");
    words that say what else is needed ("también necesito un aventón a la clínica"), a new request."""
    if relay_from_resident(ctx, text):
        return Goto("home")
    if topic_of(ctx, text) is not None and says_enough(text):
        return answer_idle(ctx, text)
    return None


FLOW = Flow("status", "list", {
    "list": Step(ask_list, answer_list, otherwise=relay_to_helper),
    "withdraw": Step(ask_withdraw, answer_withdraw),
})
