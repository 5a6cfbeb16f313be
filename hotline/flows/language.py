"""Choosing a language: a short menu, each language named in itself."""
from __future__ import annotations

from .engine import CHOICE, Choice, Ctx, Flow, Goto, Prompt, Step, register


def ask_choose(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(lang.code, lang.native_name) for lang in ctx.enabled_languages())
    return Prompt(ctx._("Hi! This is the mutual aid hotline. Reply with a number:"), choices, CHOICE)


def answer_choose(ctx: Ctx, code: str) -> Goto:
    ctx.contact.language = code
    ctx.contact.language_source = "chosen"
    return Goto("intake")


FLOW = register(Flow("language", "choose", {"choose": Step(ask_choose, answer_choose)}))
