"""Signing up as a volunteer by text: name, skills, languages, areas, availability, consent."""
from __future__ import annotations

from .. import areas, volunteers
from ..i18n import keywords as kw
from ..i18n import languages, naming
from ..i18n.answer_words import NO, YES
from ..sms import count_segments, fit, fold_to_gsm, is_gsm7, shorten
from .engine import (
    AGAIN, CHOICE, CHOICES, QUIET, Choice, Ctx, Flow, Goto, Next, Prompt, Step, carrier_hint, no_words,
    not_understood,
)
from .render import prompt_sms

# The kind of answer a step reads itself, whatever it is: names or numbers of its choices, as many
# as given, in any words ("español e inglés", "1 2"). The engine hands it over as typed; on a
# call its choices are keys, like any menu that takes several.
NAMES = "names"


def ask_name(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Thank you for volunteering! What is your first name? Residents will see it."))


def answer_name(ctx: Ctx, text: str) -> Next:
    ctx.data["name"] = text.strip().split("\n")[0][:40]
    return Goto("signup", "skills")


def ask_skills(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(key, ctx._(label)) for key, label in volunteers.SKILLS.items())
    return Prompt(ctx._("What can you help with? Reply with one or more numbers, like 1 3:"), choices, CHOICES,
                  spoken=ctx.pgettext("voice", "What can you help with?"))


def answer_skills(ctx: Ctx, values: str) -> Next:
    ctx.data["skills"] = values.split()
    return Goto("signup", "languages")


def ask_languages(ctx: Ctx) -> Prompt:
    # Ten languages, each named in itself, leave room for a short question only (the skills
    # question before it has shown how to answer with several numbers).
    text = ctx._("Which languages do you speak?")
    # Each answers to its name in any shipped language too ("inglés", "英语"), so naming one is an
    # answer here, not a switch of the conversation's language.
    choices = tuple(Choice(lang.code, lang.native_name, aliases=lang.names) for lang in ctx.enabled_languages())
    # Languages named in themselves, some in scripts that make the SMS Unicode. One name like
    # "Tiếng Việt" would make the whole list cost Unicode segments; when all the rest is plain
    # GSM-7, Latin-script names are spelled plainly too ("Tieng Viet"). Answers match either spelling.
    plain = tuple(Choice(c.value, fold_to_gsm(c.label), aliases=c.aliases) for c in choices)
    if is_gsm7("".join([text, *(c.label for c in plain)])):
        choices = plain
    # Read as words, not as a menu: a list of names in any language ("español e inglés"), several
    # numbers, or both. The list leaves no room for a note before it: a part naming no language
    # gets a note that asks again in words, under the list already on their phone.
    return Prompt(text, choices, NAMES, spoken=ctx.pgettext("voice", "Which languages do you speak?"),
                  note_on_retry=False)


def answer_languages(ctx: Ctx, text: str) -> Next:
    if kw.carrier_word(text) in kw.CARRIER_OPT_IN:
        ctx.say(carrier_hint(ctx))
        return QUIET
    if not text.strip():
        ctx.say(no_words(ctx))
        return QUIET
    reading = naming.read_languages(text, ctx.enabled_languages(), ctx.answers().numbers)
    if reading.unread and all(part.isdigit() for part in reading.unread):
        # A number that is no language on the list: the list is still on their phone.
        ctx.say(ctx._("Please reply with a number from 1 to %(max)s.", max=len(ctx.enabled_languages())))
        return QUIET
    if reading.unread or not reading.codes:
        quote = reading.unread[0] if reading.unread else text
        ctx.say(ctx._("Sorry, \"%(words)s\" is not one of our languages. Which languages do you speak? "
                      "Reply with their names or their numbers in the list.", words=shorten(quote, 24)))
        return QUIET
    ctx.data["languages"] = list(reading.codes)
    ctx.say(languages_kept(ctx, reading.codes))
    return Goto("signup", "areas")


def languages_kept(ctx: Ctx, codes) -> str:
    """Say back the languages kept, before the next question: nothing is dropped unsaid."""
    lang = languages.get(ctx.language) or languages.REGISTRY["en"]
    names = [languages.REGISTRY[code].name_in(lang.code) for code in codes if code in languages.REGISTRY]

    def note(named: list[str]) -> str:
        # Translators: said back after the languages question, before the next one. %(languages)s
        # is a list of language names as your language writes them inside a sentence, already
        # joined ("inglés y español", "英语和中文").
        return ctx._("Noted, you speak %(languages)s.", languages=naming.listed(named, lang))

    question = "\n" + prompt_sms(ask_areas(ctx))
    # Names spelled plainly when only their accents would cost more ("francais" in a French text).
    said = note(names)
    plain = note([fold_to_gsm(name) for name in names])
    if count_segments(plain + question).segments < count_segments(said + question).segments:
        said = plain
    if count_segments(said + question).segments <= 2:
        return said
    # Every language named in a Unicode script leaves no room for the question: how many, then.
    return ctx.ngettext("Noted, you speak %(n)s language.", "Noted, you speak %(n)s languages.", len(names))


def ask_areas(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Which ZIP codes or neighborhoods can you cover? Separate them with commas."))


def answer_areas(ctx: Ctx, text: str) -> Next:
    if kw.carrier_word(text) in kw.CARRIER_OPT_IN:
        ctx.say(carrier_hint(ctx))
        return QUIET
    rows = areas.parse_volunteer_areas(text)
    words = ctx.answers()
    if not rows or kw.normalize(text) in words.yes | words.no | words.none:
        # "yes", "no" or "none" is no place: asked again rather than saved as a neighborhood.
        ctx.say(ctx._("Sorry, I could not read your areas. Please send ZIP codes or neighborhood names."))
        return AGAIN
    ctx.data["areas"] = text.strip()
    if _unsure(ctx, rows):
        return Goto("signup", "areas_check")
    return Goto("signup", "availability")


def _unsure(ctx: Ctx, rows: list[tuple[str, str]]) -> bool:
    """Tell whether an answer has numbers that are no ZIP code and no area anyone gave before
    ("1,2,5": maybe the numbers of the menu before); ZIP codes and known names are sure."""
    numbers = [key for key, _ in rows if all(word.isdigit() for word in key.split())
               and not areas.ZIP.fullmatch(key)]
    return bool(numbers) and not set(numbers) <= areas.known_areas(ctx.session, numbers)


def _written(ctx: Ctx) -> str:
    """The areas as they were read: each one, separated the same way whatever was typed."""
    return ", ".join(label or key for key, label in areas.parse_volunteer_areas(ctx.data.get("areas", ""))
                     if not key.startswith("zip3:"))


def ask_areas_check(ctx: Ctx) -> Prompt:
    choices = (Choice("yes", ctx._("Those are right"), means=YES),
               Choice("no", ctx._("Write them again"), means=NO))
    # The read-back quotes the volunteer: shortened, if need be, to leave room for a note before it.
    header = not_understood(ctx) + "\n"
    footer = "".join(f"\n{i} {c.label}" for i, c in enumerate(choices, 1))
    text = fit(lambda areas: header + ctx._(
        "You wrote %(areas)s. Are those the ZIP codes or neighborhoods you can cover?", areas=areas) + footer,
        {"areas": _written(ctx)})
    return Prompt(text[len(header): len(text) - len(footer)], choices, CHOICE)


def answer_areas_check(ctx: Ctx, choice: str) -> Next:
    if choice == "yes" and ctx.data.get("areas"):
        return Goto("signup", "availability")
    ctx.data.pop("areas", None)
    return Goto("signup", "areas")


def areas_instead(ctx: Ctx, text: str) -> Next | None:
    """At the read-back, areas written again with a ZIP code ("02139, Riverside") are the new answer
    to the areas question; other words are asked about again."""
    return answer_areas(ctx, text) if areas.zips_in(text) else None


def ask_availability(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(key, ctx._(label)) for key, label in volunteers.AVAILABILITY_LABELS.items())
    return Prompt(ctx._("When can you usually help? Reply with one or more numbers:"), choices, CHOICES,
                  spoken=ctx.pgettext("voice", "When can you usually help?"))


def answer_availability(ctx: Ctx, values: str) -> Next:
    ctx.data["availability"] = values.split()
    return Goto("signup", "consent")


def ask_consent(ctx: Ctx) -> Prompt:
    return Prompt(
        ctx._("Do you agree to get texts when a neighbor needs help? Texting STOP ends all texts."),
        (Choice("agree", ctx._("I agree"), means=YES), Choice("no", ctx._("Not now"), means=NO)),
        CHOICE,
    )


def answer_consent(ctx: Ctx, choice: str) -> Next:
    if choice != "agree":
        ctx.say(ctx._("No problem. Text %(word)s any time if you change your mind.", word=ctx.word("volunteer")))
        return Goto("home")
    choice_keys = ctx.data.get("availability") or ["any"]
    availability = "any" if "any" in choice_keys else ";".join(choice_keys)
    auto = ctx.settings.volunteer_auto_approve
    spec = volunteers.VolunteerSpec(
        phone=ctx.contact.phone,
        first_name=ctx.data.get("name", ""),
        skills=ctx.data.get("skills", []),
        languages=ctx.data.get("languages") or [ctx.language],
        areas=ctx.data.get("areas", ""),
        availability=availability,
        consent_method="sms sign-up",
        status=volunteers.ACTIVE if auto else volunteers.PENDING,
    )
    try:
        volunteers.save(ctx.session, spec, default_cap=ctx.settings.default_weekly_cap, now=ctx.now)
    except volunteers.VolunteerError:
        ctx.say(ctx._("Sorry, I could not read your areas. Please send ZIP codes or neighborhood names."))
        return Goto("signup", "areas")
    if auto:
        ctx.say(ctx._("You are all set, %(name)s! We will text you when a neighbor near you needs help.",
                      name=spec.first_name))
    else:
        ctx.say(ctx._("Thank you, %(name)s! A coordinator will check and confirm you soon.", name=spec.first_name))
    return Goto("home")


def start_signup(ctx: Ctx) -> Next:
    """VOLUNTEER: start signing up, unless they already have."""
    existing = volunteers.for_contact(ctx.session, ctx.contact)
    if existing is not None and existing.status != volunteers.REMOVED:
        ctx.say(ctx._("You are already signed up as a volunteer. Reply %(tasks)s to see your tasks.",
                      tasks=ctx.word("tasks")))
        return Goto("home")
    return Goto("signup")


FLOW = Flow("signup", "name", {
    "name": Step(ask_name, answer_name),
    "skills": Step(ask_skills, answer_skills),
    "languages": Step(ask_languages, answer_languages),
    "areas": Step(ask_areas, answer_areas),
    "areas_check": Step(ask_areas_check, answer_areas_check, otherwise=areas_instead),
    "availability": Step(ask_availability, answer_availability),
    "consent": Step(ask_consent, answer_consent),
}, draft=True)

__all__ = ["FLOW", "start_signup"]
