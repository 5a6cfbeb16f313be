"""Between requests: nothing is asked, and the next message starts a new one."""
from __future__ import annotations

from .engine import QUIET, Ctx, Flow, Goto, Next, Prompt, Step, register
from .keywords import restart


def ask_idle(ctx: Ctx) -> Prompt | None:
    return None


def answer_idle(ctx: Ctx, text: str) -> Next:
    from .volunteer import relay_from_resident

    if relay_from_resident(ctx, text):
        return QUIET
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
