"""After "1, I got help": words for the helper, if the resident chooses to send any (0 skips)."""
from __future__ import annotations

import re
from datetime import timedelta

from .. import offers
from ..dispatch import care
from ..i18n.answer_words import NO, NONE
from ..models import Need
from .engine import TEXT, Ctx, Flow, Goto, Next, Prompt, Step

# Words for the helper are taken this long after the question; a text later is a new message
# ("I need food again" the next morning).
WAIT = timedelta(hours=6)
# No words at all: 0, another digit tapped again, punctuation (an emoji is words enough).
NOTHING = re.compile(r"[\d\s.,;:!?#*+-]*")


def wanted(ctx: Ctx, need: Need) -> bool:
    """Whether to ask for words: by text, between requests, with a helper who finished the task."""
    return ctx.channel == "sms" and ctx.idle and any(o.status == offers.DONE for o in need.offers)


def start(need: Need) -> Goto:
    return Goto("thanks", data={"need": need.id})


def ask_words(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("We are glad you got help. Any words for your helper? Reply with them, or 0 to skip."),
                  expects=TEXT)


def answer_words(ctx: Ctx, text: str) -> Next:
    need = ctx.session.get(Need, ctx.data.get("need") or 0)
    if NOTHING.fullmatch(text) or ctx.answers().meaning(text, whole=True) in (NO, NONE) or need is None:
        ctx.say(ctx._("OK. Thank you for telling us."))
        return Goto("home")
    care.keep_thanks(need, text, ctx.now)
    ctx.say(ctx._("Thank you! Your words will reach your helper."))
    return Goto("home")


FLOW = Flow("thanks", "words", {"words": Step(ask_words, answer_words)}, holds=WAIT)
