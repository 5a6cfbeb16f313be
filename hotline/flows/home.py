"""Between requests: nothing is asked, and the next message starts a new one."""
from __future__ import annotations

from .engine import QUIET, Ctx, Flow, Next, Prompt, Step, register
from .keywords import restart


def ask_idle(ctx: Ctx) -> Prompt | None:
    return None


def answer_idle(ctx: Ctx, text: str) -> Next:
    from .volunteer import relay_from_resident

    if relay_from_resident(ctx, text):
        return QUIET
    if ctx.contact.language is None:
        guess_language(ctx, text)
    target = restart(ctx)
    if target.flow == "intake":
        from .intake import answer_category, category_prompt

        # "food" or "comida" as a first message goes straight to the food questions.
        category = category_prompt(ctx).choice_for(text)
        if category is not None:
            ctx.move(target)
            return answer_category(ctx, category)
    return target


FLOW = register(Flow("home", "idle", {"idle": Step(ask_idle, answer_idle)}))


def guess_language(ctx: Ctx, text: str) -> None:
    """Answer a first message in the language it is surely written in, with a way out."""
    from ..i18n.detect import detect

    enabled = {lang.code for lang in ctx.enabled_languages()}
    if len(enabled) < 2:
        return
    code = detect(text, enabled)
    if code is None:
        return
    ctx.contact.language = code
    ctx.contact.language_source = "detected"
    ctx.say(ctx._("I will write in %(language)s. For another language, reply 0.",
                  language=next(lang.native_name for lang in ctx.enabled_languages() if lang.code == code)))
