"""After a request is filed: would they like broadcast updates about this kind of help? (RESIDENT_UPDATES)"""
from __future__ import annotations

from datetime import timedelta

from .. import needs, updates
from ..i18n import keywords as kw
from ..i18n.answer_words import NO, YES
from ..models import Need
from .engine import CHOICE, Choice, Ctx, Flow, Goto, Next, Prompt, Step, answer_step
from .volunteer import relay_from_resident

# The question holds this long; a text later is a new message.
WAIT = timedelta(hours=6)


def wanted(ctx: Ctx, need: Need) -> bool:
    """Ask by text only, for a kind on the list, and only once per kind."""
    return (ctx.channel == "sms" and need.category in updates.offered(ctx.settings)
            and not updates.answered(ctx.session, ctx.contact, need.category))


def start(need: Need) -> Goto:
    return Goto("updates", data={"kind": need.category})


def kind_label(ctx: Ctx, kind: str) -> str:
    return ctx._(needs.CATEGORIES.get(kind, needs.CATEGORIES["other"]))


def ask(ctx: Ctx) -> Prompt:
    kind = ctx.data.get("kind", "other")
    return Prompt(
        # Said right after the request's number: in the same text where the two fit in two segments
        # (kept short for that), else in a text of its own.
        ctx._("Want news texts about this kind of help (%(kind)s)? Change it any time with %(word)s.",
              kind=kind_label(ctx, kind), word=ctx.word("updates")),
        (Choice("yes", ctx._("Yes"), means=YES), Choice("no", ctx._("No"), means=NO)),
        CHOICE,
        apart=True,
    )


def answer(ctx: Ctx, choice: str) -> Next:
    kind = ctx.data.get("kind", "other")
    updates.record(ctx.session, ctx.contact, [kind], choice == "yes", ctx.now, source=updates.ASKED)
    if choice == "yes":
        ctx.say(ctx._("OK, we will text you news about %(kind)s. Reply %(word)s to stop.",
                      kind=kind_label(ctx, kind), word=ctx.word("updates")))
    else:
        ctx.say(ctx._("OK, no news texts. Reply %(word)s if you change your mind.", word=ctx.word("updates")))
    return Goto("home")


def not_an_answer(ctx: Ctx, text: str) -> Next | None:
    """Words that are no yes or no ("Apartment 4B, ring twice") are a message like any other: for
    their helper when they have one, else read as at home. Nothing is kept about news."""
    if kw.carrier_word(text) or ask(ctx).out_of_range(text, ctx.answers()):
        return None  # START, or a "3" to a question of two: asked again, never a menu choice
    if relay_from_resident(ctx, text):
        return Goto("home")
    ctx.move(Goto("home"))
    return answer_step(ctx, text)


def after_opt_in(ctx: Ctx) -> None:
    """START after STOP: news stays off until they say yes again (asked, or UPDATES)."""
    updates.after_opt_in(ctx.session, ctx.contact, ctx.contact.opted_out_at, ctx.now)


def toggle(ctx: Ctx) -> str:
    """The UPDATES word: news texts on or off, and what that means, in one reply."""
    on, kinds = updates.toggle(ctx.session, ctx.settings, ctx.contact, ctx.now)
    if on:
        return ctx._("You will get news texts about %(kinds)s. Reply %(word)s to stop them.",
                     kinds=", ".join(kind_label(ctx, kind) for kind in kinds), word=ctx.word("updates"))
    return ctx._("You will get no more news texts. Reply %(word)s to get them again.", word=ctx.word("updates"))


FLOW = Flow("updates", "ask", {"ask": Step(ask, answer, otherwise=not_an_answer)}, holds=WAIT)
