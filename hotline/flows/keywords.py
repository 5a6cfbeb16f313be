"""What every message is checked for before the current step sees it."""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from .. import dispatch, needs
from ..dispatch import checkins
from ..i18n import keywords as kw
from ..i18n import languages
from . import answers, checkin, erase, signup, stats, updates, volunteer
from .engine import AGAIN, QUIET, Ctx, Goto, Next, has_draft, to_languages

# After the commands, in this order: the answer to a question sent outside the conversation
# (a 1 or a 2), then a volunteer's codes, commands and words for a resident.
INTERCEPTS: list[Callable[[Ctx, str], Next | None]] = [answers.intercept, volunteer.intercept]


def intercept(ctx: Ctx, text: str) -> Next | None:
    """Act on carrier words, language names and commands; None lets the current step answer."""
    contact = ctx.contact
    # Carriers act on texted words only: a caller saying "stop" opts nothing out, and an
    # opted-out number can still call.
    word = kw.carrier_word(text) if ctx.channel != "voice" else None
    if word in kw.CARRIER_OPT_OUT:
        # The carrier has already confirmed the opt-out; anything we send now would fail.
        contact.opted_out = True
        contact.opted_out_at = ctx.now
        ctx.silent = True
        dispatch.after_opt_out(ctx.session, ctx.settings, contact, ctx.now)
        checkins.stop_for(ctx.session, contact, ctx.now)
        return AGAIN
    if contact.opted_out and ctx.channel != "voice":
        if word in kw.CARRIER_OPT_IN:
            # STOP took back every yes to news; START alone gives none back (UPDATES does).
            updates.after_opt_in(ctx)
            contact.opted_out = False
            contact.opted_out_at = None
            ctx.say(ctx._("Welcome back. You will get texts from the hotline again."))
            if has_draft(ctx):
                ctx.say(draft_note(ctx))  # what they were typing before STOP is still here
                return QUIET
            return restart(ctx)
        # Nothing can reach an opted-out number; keep the message, answer nothing.
        ctx.silent = True
        return AGAIN

    # At the words for a helper, 0 skips them.
    if text.strip() == "0" and ctx.conversation.flow != "thanks" and (
            contact.language_source == "detected" or zero_is_free(ctx)):
        # The guessed language was wrong, or 0 means nothing here: the menu of languages.
        contact.language_source = None if contact.language_source == "detected" else contact.language_source
        return to_languages(ctx)

    language = match_language(ctx, text)
    if language is not None and not answers_the_question(ctx, text):
        contact.language = language
        contact.language_source = "chosen"
        back = ctx.data.get("back") if ctx.conversation.flow == "language" else None
        if back:
            return Goto(back["flow"], back["step"], back["data"])  # to what they were typing
        if ctx.conversation.flow in ("language", "home"):
            return Goto("intake")
        return AGAIN

    found = kw.match_command_in(text, command_translators(ctx))
    if found and found[0] == "updates" and (not ctx.settings.resident_updates or ctx.channel != "sms"):
        found = None  # no news texts offered here: the word means nothing special
    command = found[0] if found else None
    if found and contact.language is None and found[1] != "en":
        # A first AYUDA or 帮助 says which language they read: answer in it (0 still changes it).
        contact.language = found[1]
        contact.language_source = "detected"
    if command == "help":
        # Help alone: the open question is still on their phone, and both would cost more.
        ctx.say(help_text(ctx))
        return QUIET
    if command == "menu":
        return restart(ctx)
    if command == "language":
        return to_languages(ctx)
    if command == "status":
        if has_draft(ctx):
            # The list would replace what they are typing: a summary, and how to go on.
            ctx.say(status_summary(ctx))
            ctx.say(draft_note(ctx))
            return QUIET
        return Goto("status")
    if command == "delete":
        return erase.start(ctx)
    if command == "mydata":
        ctx.say(erase.my_data(ctx))
        return QUIET
    if command == "stats":
        ctx.say(stats.stats_text(ctx))
        return QUIET
    if command == "checkin":
        target = checkin.start(ctx)
        return target if target is not None else QUIET
    if command == "updates":
        ctx.say(updates.toggle(ctx))
        return QUIET
    if command == "stopcheckins":
        checkin.stop_command(ctx)
        return QUIET
    paused = kw.split_command(text, command_translators(ctx), kw.RESIDENT_COMMANDS_WITH_WORDS)
    if paused is not None:
        checkin.pause_command(ctx, kw.as_written(text, paused[1]))
        return QUIET
    if command == "volunteer":
        if has_draft(ctx):
            ctx.say(draft_note(ctx))
            return QUIET
        return signup.start_signup(ctx)

    for handler in INTERCEPTS:
        target = handler(ctx, text)
        if target is not None:
            return target

    if is_stale(ctx):
        ctx.say(ctx._("Welcome back! Let's start again."))
        return restart(ctx)
    return None


def draft_note(ctx: Ctx) -> str:
    """How to go on with what they were typing."""
    if ctx.conversation.flow == "signup":
        return ctx._("Your sign-up is not finished: answer the last question to go on.")
    if ctx.conversation.step == "confirm":
        return ctx._("Your request is not sent yet: reply 1 to send it, 2 to change something.")
    return ctx._("Your request is not sent yet: answer the last question to go on, or reply %(menu)s to "
                 "start over.", menu=ctx.word("menu"))


def status_summary(ctx: Ctx) -> str:
    """How many requests they have open, in one line."""
    count = len(needs.open_needs(ctx.session, ctx.contact))
    if not count:
        return ctx._("You have no open requests yet.")
    return ctx.ngettext("You have %(n)s open request.", "You have %(n)s open requests.", count)


def zero_is_free(ctx: Ctx) -> bool:
    """Tell whether a 0 means nothing at the open question (so it may bring the languages)."""
    if ctx.conversation.flow == "language":
        return False
    prompt = ctx.ask()
    return prompt is not None and bool(prompt.choices) and prompt.choice_for("0") is None


def restart(ctx: Ctx) -> Goto:
    """Start over: the language menu for someone without a language, else the main menu."""
    if ctx.contact.language is None and len(ctx.enabled_languages()) > 1:
        return Goto("language")
    return Goto("intake")


def is_stale(ctx: Ctx) -> bool:
    """Tell whether the conversation sat idle so long that its open question no longer holds."""
    return ctx.conversation.flow != "home" and ctx.idle


def match_language(ctx: Ctx, text: str) -> str | None:
    """Return the language whose name is the whole message."""
    key = kw.normalize(text)
    if not key:
        return None
    return _language_names(tuple(lang.code for lang in ctx.enabled_languages())).get(key)


@lru_cache(maxsize=16)
def _language_names(codes: tuple[str, ...]) -> dict[str, str]:
    """Every name of these languages, folded, to its language (the first to have it), read once."""
    found: dict[str, str] = {}
    for code in codes:
        for name in languages.REGISTRY[code].names:
            found.setdefault(kw.normalize(name), code)
    return found


def command_translators(ctx: Ctx):
    """Whose command words count: the contact's language and English, or every language if unknown."""
    codes = [ctx.language, "en"]
    if ctx.contact.language is None:
        codes += [lang.code for lang in ctx.enabled_languages()]
    return [ctx.translator(code) for code in dict.fromkeys(codes)]


def help_text(ctx: Ctx) -> str:
    if ctx.channel == "voice":
        return ctx.pgettext(
            "voice",
            "This hotline connects you with neighbors who can help. Press star to hear the question "
            "again, 0 to leave a message for a coordinator, or 9 for another language. In an "
            "emergency, hang up and call %(emergency)s.",
            emergency=ctx.settings.emergency_number,
        )
    return ctx._(
        "This hotline connects you with neighbors who can help. Reply %(menu)s to start over, "
        "%(status)s to see your requests, %(language)s for another language, or answer the last "
        "question to go on. In an emergency call %(emergency)s.",
        menu=ctx.word("menu"),
        status=ctx.word("status"),
        language=ctx.word("language"),
        emergency=ctx.settings.emergency_number,
    )


def answers_the_question(ctx: Ctx, text: str) -> bool:
    """Tell whether the message picks a choice of the open question ("Español" in a list of languages)."""
    prompt = ctx.ask() if ctx.conversation.flow != "language" else None
    return bool(prompt is not None and prompt.choices and prompt.choice_for(text) is not None)
