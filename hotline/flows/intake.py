"""Intake: what kind of help, what exactly, where; read back, confirm, store with a code."""
from __future__ import annotations

from .. import areas, coordinators, dispatch, needs
from ..i18n import N_
from ..i18n import keywords as kw
from ..i18n.answer_words import NO, YES
from ..models import Need
from ..sms import fit
from .engine import AGAIN, CHOICE, QUIET, Choice, Ctx, Flow, Goto, Next, Prompt, Step, not_understood
from . import updates
from .ride_words import ride_details, words_before_place
from .topics import TOPICS
from .volunteer import relay_from_resident

QUESTIONS = {
    "food": N_("What food do you need, and for how many people?"),
    "housing": N_("Tell me about your housing need."),
    "childcare": N_("What childcare do you need, and when?"),
    "health": N_("What health help do you need?"),
    "money": N_("What is the emergency, and how much money would help?"),
    "other": N_("Tell me what you need, in your own words."),
}


# A first text this long says what is needed well enough to be the request's words.
DETAILS_WORDS = 4


def topic_of(ctx: Ctx, text: str) -> str | None:
    """The one kind of help a text names in the person's words or in English; None for none or several."""
    found = _topics(ctx, text)
    if "ride" in found and len(found) > 1:
        # "a ride to the pharmacy": the place a ride goes to is where, not another kind of help.
        before = words_before_place(ctx, text)
        if before is not None and _topics(ctx, before) == {"ride"}:
            return "ride"
    return found.pop() if len(found) == 1 else None


def _topics(ctx: Ctx, text: str) -> set[str]:
    key = kw.normalize(text)
    padded, tokens = f" {key} ", key.split()
    found = set()
    for category, marked in TOPICS.items():
        for t in (ctx.translator(), ctx.translator("en")):
            if any(_says(w, padded, tokens) for w in kw.folded_words(t, marked)):
                found.add(category)
    return found


def _says(word: str, padded: str, tokens: list[str]) -> bool:
    """Tell whether a text holds a topic word: as whole words; a word of a script written without
    spaces (Chinese) anywhere in it; a longer word of another script by its start ("배고파요" holds
    "배고파"), never inside another word ("مشاكل" does not hold "اكل", "беда" not "еда")."""
    if f" {word} " in padded:
        return True
    if len(tokens) == 1 and not word.isascii() and not padded.strip().isascii() and _unspaced(padded):
        return word.replace(" ", "") in padded
    return " " not in word and not word.isascii() and len(word) >= 2 and any(t.startswith(word) for t in tokens)


def _unspaced(text: str) -> bool:
    """A script written without spaces between words (Chinese, Japanese)."""
    return any("\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def says_enough(text: str) -> bool:
    """Tell whether a first text is long enough to stand as what is needed."""
    words = kw.normalize(text).split()
    if len(words) == 1 and not text.isascii():
        return len(words[0]) >= 8  # a script written without spaces (Chinese): counted in characters
    return len(words) >= DETAILS_WORDS


def category_prompt(ctx: Ctx) -> Prompt:
    choices = tuple(Choice(key, ctx._(needs.CATEGORIES[key])) for key in needs.MENU)
    return Prompt(ctx._("What do you need help with? Reply with a number:"), choices, CHOICE,
                  spoken=ctx.pgettext("voice", "What do you need help with?"))


def relay_to_helper(ctx: Ctx, text: str) -> Next | None:
    """Words that are no choice of the main menu, from someone with a helper, are for the helper."""
    return QUIET if relay_from_resident(ctx, text) else None


def answer_category(ctx: Ctx, category: str) -> Next:
    if category == "ride":
        # Rides have questions of their own; riders often book several, so no duplicate check.
        # Where to and when, if their first text said so, are not asked again.
        said = ctx.data.get("said")
        return Goto("ride", data={"said": said, **ride_details(ctx, said)} if said else None)
    ctx.data["category"] = category
    if ctx.data.get("editing"):
        return Goto("intake", "confirm")
    existing = [] if ctx.known.no_open_needs else needs.open_needs(ctx.session, ctx.contact, category)
    if existing:
        ctx.data["existing"] = existing[0].id
        return Goto("intake", "duplicate")
    return after_category(ctx)


def after_category(ctx: Ctx) -> Goto:
    """The details question, unless their first text already said what they need."""
    said = ctx.data.pop("said", None)
    if said:
        ctx.data["details"] = said
        return Goto("intake", "location")
    return Goto("intake", "details")


def _existing(ctx: Ctx) -> Need | None:
    return needs.own_open(ctx.session, ctx.contact, ctx.data.get("existing"))


def ask_duplicate(ctx: Ctx) -> Prompt:
    need = _existing(ctx)
    ref = need.ref if need else ""
    return Prompt(
        ctx._("You already have request %(ref)s for this. What would you like to do?", ref=ref),
        (Choice("add", ctx._("Add to that request")), Choice("new", ctx._("Make a new request"))),
        CHOICE,
    )


def answer_duplicate(ctx: Ctx, choice: str) -> Next:
    if choice == "add" and _existing(ctx) is not None:
        said = ctx.data.pop("said", None)
        if said:
            return answer_add(ctx, said)
        return Goto("intake", "add")
    return after_category(ctx)


def ask_add(ctx: Ctx) -> Prompt:
    need = _existing(ctx)
    return Prompt(ctx._("What would you like to add to request %(ref)s?", ref=need.ref if need else ""))


def answer_add(ctx: Ctx, text: str) -> Next:
    need = _existing(ctx)
    if need is None:
        # Closed meanwhile (a volunteer finished it): file the words as a new request.
        ctx.data["details"] = text
        return Goto("intake", "location")
    needs.add_details(need, text, now=ctx.now)
    ctx.say(ctx._("Thank you. I added that to request %(ref)s.", ref=need.ref))
    return Goto("home")


def ask_details(ctx: Ctx) -> Prompt:
    return Prompt(ctx._(QUESTIONS.get(ctx.data.get("category"), QUESTIONS["other"])))


def answer_details(ctx: Ctx, text: str) -> Next:
    ctx.data["details"] = text
    if ctx.data.get("editing"):
        return Goto("intake", "confirm")
    return Goto("intake", "location")


def ask_location(ctx: Ctx) -> Prompt:
    return Prompt(ctx._("Where are you? A neighborhood, cross streets or ZIP code is enough."))


def answer_location(ctx: Ctx, text: str) -> Next:
    if not_a_place(ctx, text):
        # "sí", "ok", "9": an answer to some other question, never where a helper should go.
        ctx.say(not_understood(ctx))
        return AGAIN
    ctx.data["location"] = text
    return Goto("intake", "confirm")


def not_a_place(ctx: Ctx, text: str) -> bool:
    """Tell whether an answer to "where are you?" cannot be a place: a yes, a no, a bare short number
    in digits or words."""
    key = kw.normalize(text)
    if kw.carrier_word(text) or ctx.answers().meaning(text, whole=True) is not None:
        return True
    if key.isdigit():
        return len(key) < 5  # a ZIP code has five digits; a menu number is no place
    return ctx.answers().number(text) is not None  # "dos", "deux": a menu number in words


def ask_confirm(ctx: Ctx) -> Prompt:
    category = ctx._(needs.CATEGORIES.get(ctx.data.get("category"), needs.CATEGORIES["other"]))
    choices = (Choice("send", ctx._("Send it"), means=YES), Choice("change", ctx._("Change something"), means=NO))
    footer = "".join(f"\n{i} {c.label}" for i, c in enumerate(choices, 1))
    # Room for the note that comes before it when an answer is not understood.
    header = not_understood(ctx) + "\n"

    def render(details: str, location: str) -> str:
        return ctx._(
            "Please check:\n%(category)s: %(details)s\nNear: %(location)s",
            category=category, details=details, location=location,
        )

    # The read-back quotes the resident; shorten the quotes so the whole text stays cheap.
    text = fit(lambda **v: header + render(**v) + footer,
               {"details": ctx.data.get("details", ""), "location": ctx.data.get("location", "")})
    return Prompt(text[len(header): len(text) - len(footer)], choices, CHOICE)


def answer_confirm(ctx: Ctx, choice: str) -> Next:
    if choice == "change":
        return Goto("intake", "change")
    need = needs.create(
        ctx.session,
        ctx.contact,
        category=ctx.data["category"],
        details=ctx.data.get("details", ""),
        location=ctx.data.get("location", ""),
        language=ctx.language,
        channel=ctx.channel,
        now=ctx.now,
    )
    # The first offers go out from a job once this commits: the reply never waits on matching.
    found = dispatch.begin(ctx.session, ctx.settings, need, ctx.now)
    if ctx.channel == "voice":
        ctx.say(spoken_confirmation(ctx, need.ref, found))
    elif not found and not coordinators.will_be_told(ctx.settings):
        # Nobody is texted about it: no promise of a call, only what is true and when to look again.
        ctx.say(ctx._(
            "Thank you. Your request number is %(ref)s. No volunteer is free right now; it is saved and we "
            "will keep looking. Reply %(status)s tomorrow to check on it.",
            ref=need.ref, status=ctx.word("status"),
        ))
    elif found:
        ctx.say(ctx._(
            "Thank you. Your request number is %(ref)s. We are looking for a neighbor who can help "
            "and will text you. Reply %(status)s to check on it.",
            ref=need.ref, status=ctx.word("status"),
        ))
    else:
        ctx.say(ctx._(
            "Thank you. Your request number is %(ref)s. No volunteer is free right now, so a "
            "coordinator will follow up with you. Reply %(status)s to check on it.",
            ref=need.ref, status=ctx.word("status"),
        ))
    if updates.wanted(ctx, need):
        return updates.start(need)  # RESIDENT_UPDATES: would they like news about this kind of help?
    return Goto("home")


def spoken_confirmation(ctx: Ctx, ref: str, found: bool) -> str:
    """What a caller hears once their request is stored: the number twice, and what happens next."""
    if found:
        return ctx.pgettext(
            "voice",
            "Thank you. Your request number is %(ref)s. Again, %(ref)s. We are looking for a neighbor "
            "who can help, and we will let you know.",
            ref=ref,
        )
    if not coordinators.will_be_told(ctx.settings):
        return ctx.pgettext(
            "voice",
            "Thank you. Your request number is %(ref)s. Again, %(ref)s. No volunteer is free right now. "
            "Your request is saved and we will keep looking. Call again tomorrow to check on it.",
            ref=ref,
        )
    return ctx.pgettext(
        "voice",
        "Thank you. Your request number is %(ref)s. Again, %(ref)s. No volunteer is free right now, "
        "so a coordinator will follow up with you.",
        ref=ref,
    )


def ask_change(ctx: Ctx) -> Prompt:
    return Prompt(
        ctx._("What do you want to change?"),
        (
            Choice("category", ctx._("Type of help")),
            Choice("details", ctx._("What you need")),
            Choice("location", ctx._("Where you are")),
        ),
        CHOICE,
    )


def new_place(ctx: Ctx, text: str) -> Next | None:
    """At the read-back, or asked what to change, an address, a ZIP code or a neighbourhood is where
    they are now ("Calle Elm 12, 02139" sent to correct it): read back again with it."""
    if not areas.names_a_place(ctx.session, text):
        return None
    ctx.data["location"] = " ".join(text.split())
    return Goto("intake", "confirm")


def answer_change(ctx: Ctx, part: str) -> Next:
    ctx.data["editing"] = True
    return Goto("intake", part)


FLOW = Flow("intake", "category", {
    "category": Step(category_prompt, answer_category, otherwise=relay_to_helper),
    "duplicate": Step(ask_duplicate, answer_duplicate),
    "add": Step(ask_add, answer_add),
    "details": Step(ask_details, answer_details),
    "location": Step(ask_location, answer_location),
    "confirm": Step(ask_confirm, answer_confirm, otherwise=new_place),
    "change": Step(ask_change, answer_change, otherwise=new_place),
}, draft=True)

__all__ = ["FLOW", "category_prompt", "answer_category"]
