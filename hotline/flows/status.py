"""STATUS: a resident's open requests, where each stands, and a way to withdraw one."""
from __future__ import annotations

from .. import dispatch, needs
from ..i18n.answers import NO, YES
from ..models import Need
from ..sms import count_segments
from .engine import CHOICE, Choice, Ctx, Flow, Goto, Next, Prompt, Step, not_understood
from .home import answer_idle
from .render import prompt_sms

SHOWN = 3
BUDGET = 2


def _listed(ctx: Ctx) -> list[Need]:
    return needs.open_needs(ctx.session, ctx.contact)


def describe(ctx: Ctx, need: Need) -> str:
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
    # Newest first, as many as fit the budget (with room for a note before them).
    choices: list[Choice] = []
    for need in open_needs[:SHOWN]:
        candidate = Prompt(text, (*choices, Choice(str(need.id), describe(ctx, need))), CHOICE)
        if choices and count_segments(not_understood(ctx) + "\n" + prompt_sms(candidate)).segments > BUDGET:
            break
        choices = list(candidate.choices)
    return Prompt(text, tuple(choices), CHOICE)


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


FLOW = Flow("status", "list", {
    "list": Step(ask_list, answer_list),
    "withdraw": Step(ask_withdraw, answer_withdraw),
})
