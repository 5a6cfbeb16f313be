"""Between requests: nothing is asked, and the next message starts a new one."""
from __future__ import annotations

from ..i18n.detect import detect
from .engine import AGAIN, QUIET, Ctx, Flow, Goto, Next, Prompt, Step, language_note
from .intake import answer_category, category_prompt, says_enough, topic_of
from .keywords import restart
from .volunteer import relay_from_resident


def ask_idle(ctx: Ctx) -> Prompt | None:
    return None


def answer_idle(ctx: Ctx, text: str) -> Next:
    if relay_from_resident(ctx, text):
        return QUIET
    if ctx.contact.language is None:
        guess_language(ctx, text)
    target = restart(ctx)
    if target.flow != "intake":
        return target
    # "food", "comida" or "I need food for my family" as a first message goes straight to the food
    # questions, and words that say what is needed are kept as the request's.
    named = category_prompt(ctx).choice_for(text, ctx.answers())
    topic = topic_of(ctx, text)
    category = named or topic
    # Its words are kept as the request's only when they name what is needed ("I need food for my
    # family"), never a greeting ("Hi, can you help me please").
    said = {"said": text.strip()} if topic is not None and says_enough(text) else {}
    ctx.move(Goto("intake", data=said))
    if category is not None:
        return answer_category(ctx, category)
    return AGAIN


FLOW = Flow("home", "idle", {"idle": Step(ask_idle, answer_idle)})


def guess_language(ctx: Ctx, text: str) -> None:
    """Answer a first message in the language it is surely written in, with a way out."""
    enabled = {lang.code for lang in ctx.enabled_languages()}
    if len(enabled) < 2:
        return
    code = detect(text, enabled)
    if code is None:
        return
    ctx.contact.language = code
    ctx.contact.language_source = "detected"
    ctx.say(language_note(ctx, code))


