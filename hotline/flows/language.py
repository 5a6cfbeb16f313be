"""Choosing a language: a short menu, each language named in itself."""
from __future__ import annotations

from .engine import CHOICE, Choice, Ctx, Flow, Goto, Prompt, Step


def ask_choose(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(lang.code, lang.native_name) for lang in ctx.enabled_languages())
    # Ten languages, each named in itself, must fit two UCS-2 segments: the header stays short.
    return Prompt(ctx._("Mutual aid hotline:"), choices, CHOICE, note_on_retry=False)


def answer_choose(ctx: Ctx, code: str) -> Goto:
    ctx.contact.language = code
    ctx.contact.language_source = "chosen"
    back = ctx.data.get("back")
    if back:
        # Back to what they were typing, asked again in the language they chose.
        return Goto(back["flow"], back["step"], back["data"])
    return Goto("intake")


FLOW = Flow("language", "choose", {"choose": Step(ask_choose, answer_choose)})
