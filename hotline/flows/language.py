"""Choosing a language: a short menu, each language named in itself."""
from __future__ import annotations

from ..i18n import NP_, Translator
from ..i18n.detect import detect
from ..sms import count_segments
from .engine import CHOICE, Choice, Ctx, Flow, Goto, Prompt, Step, language_note

# Translators: the hotline's short name, at the top of the menu of languages beside its name in
# other languages ("Hotline · Línea de ayuda · 热线: 1-10"): a few words at most.
HOTLINE = NP_("menu", "Hotline")


def ask_choose(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(lang.code, lang.native_name) for lang in ctx.enabled_languages())
    listed = "\n".join(f"{i} {c.label}" for i, c in enumerate(choices, 1))
    # Read before anyone knows their language: the hotline named in as many of them as fit with
    # the ten names in two segments, and the range of numbers to reply with, which anyone reads.
    names: list[str] = []
    for lang in ctx.enabled_languages():
        name = Translator(lang.code, ctx.settings.locales_dir).pgettext(*HOTLINE)
        if name in names:
            continue
        header = header_of([*names, name], len(choices))
        if names and count_segments(f"{header}\n{listed}").segments > 2:
            break
        names.append(name)
    # Sized to fill two segments alone: words before it ("Welcome back" after START) go in a text
    # of their own rather than make it cost three.
    return Prompt(header_of(names, len(choices)), choices, CHOICE, note_on_retry=False, apart=True)


def header_of(names: list[str], count: int) -> str:
    return f"{' · '.join(names)}: 1-{count}"


def answer_choose(ctx: Ctx, code: str) -> Goto:
    ctx.contact.language = code
    ctx.contact.language_source = "chosen"
    back = ctx.data.get("back")
    if back:
        # Back to what they were typing, asked again in the language they chose.
        return Goto(back["flow"], back["step"], back["data"])
    return Goto("intake")


def written_in(ctx: Ctx, text: str) -> Goto | None:
    """Words that pick no language but are surely written in one ("hola necesito comida"): that one."""
    if ctx.contact.language is not None or ctx.data.get("back"):
        return None
    code = detect(text, {lang.code for lang in ctx.enabled_languages()})
    if code is None:
        return None
    ctx.contact.language = code
    ctx.contact.language_source = "detected"
    ctx.say(language_note(ctx, code))  # which language, and 0 for another
    return Goto("intake")


FLOW = Flow("language", "choose", {"choose": Step(ask_choose, answer_choose, otherwise=written_in)})
