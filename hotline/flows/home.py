"""Between requests: nothing is asked, and the next message starts a new one."""
from __future__ import annotations

from ..i18n.detect import detect
from ..sms import fold_to_gsm, is_gsm7
from .engine import AGAIN, QUIET, Ctx, Flow, Goto, Next, Prompt, Step
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


def language_note(ctx: Ctx, code: str) -> str:
    """Say which language the hotline will write in, named the way that sentence names it ("Le
    escribiré en español"); spelled plainly if only the name would make the text Unicode."""
    lang = next(lang for lang in ctx.enabled_languages() if lang.code == code)
    name = lang.name_in(ctx.translator().code)

    def note(name: str) -> str:
        # Translators: %(language)s is the language's name as your own sentences write it
        # ("en español", "en français", "язык: русский"); it may start the sentence.
        text = ctx._("I will write in %(language)s. For another language, reply 0.", language=name)
        # A name that starts the sentence takes its capital ("Tiếng Việt: nhắn 0...").
        return text[:1].upper() + text[1:] if text.startswith(name) else text

    said, plain = note(name), note(fold_to_gsm(name))
    # "Français" alone would turn the whole reply, and the question after it, into Unicode.
    return plain if is_gsm7(plain) and not is_gsm7(said) else said
