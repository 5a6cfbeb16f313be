"""Signing up as a volunteer by text: name, skills, languages, areas, availability, consent."""
from __future__ import annotations

from .. import volunteers
from ..i18n.answers import NO, YES
from ..sms import fold_to_gsm, is_gsm7
from .engine import CHOICE, CHOICES, Choice, Ctx, Flow, Goto, Next, Prompt, Step


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
    choices = tuple(Choice(lang.code, lang.native_name) for lang in ctx.enabled_languages())
    # Languages named in themselves, some in scripts that make the SMS Unicode: asked again
    # without a note, as the language menu is. One name like "Tiếng Việt" would make the whole
    # list cost Unicode segments; when all the rest is plain GSM-7, Latin-script names are spelled
    # plainly too ("Tieng Viet"). Answers match either spelling.
    plain = tuple(Choice(c.value, fold_to_gsm(c.label)) for c in choices)
    if is_gsm7("".join([text, *(c.label for c in plain)])):
        choices = plain
    return Prompt(text, choices, CHOICES, spoken=ctx.pgettext("voice", "Which languages do you speak?"),
                  note_on_retry=False)


def answer_languages(ctx: Ctx, values: str) -> Next:
    ctx.data["languages"] = values.split()
    return Goto("signup", "areas")


def ask_areas(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Which ZIP codes or neighborhoods can you cover? Separate them with commas."))


def answer_areas(ctx: Ctx, text: str) -> Next:
    ctx.data["areas"] = text
    return Goto("signup", "availability")


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
    "availability": Step(ask_availability, answer_availability),
    "consent": Step(ask_consent, answer_consent),
})

__all__ = ["FLOW", "start_signup"]
