"""The conversation engine: a dispatcher over small flows whose steps yield channel-free prompts.

A flow is a set of named steps. Each step has `ask(ctx)`, which builds the prompt for where the
conversation stands (a pure function of the stored state, so it can be asked again at any time),
and `answer(ctx, value)`, which acts on the reply and says where to go next. Everything the
engine knows lives in the `conversations` row: flow, step, data and version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Callable

from sqlalchemy.orm import Session

from ..config import Settings
from ..i18n import Translator
from ..i18n import keywords as kw
from ..i18n import languages
from ..i18n.answer_words import NO as NO_ANSWER
from ..i18n.answer_words import NONE as NOTHING
from ..i18n.answer_words import Answers, answers_for
from ..i18n.detect import detect
from ..i18n.translator import available
from ..models import Contact, Conversation
from ..sms import count_segments, fold_to_gsm, is_gsm7

CHOICE = "choice"
CHOICES = "choices"  # any number of the choices at once: "2 4", "2,4"
TEXT = "text"
DATETIME = "datetime"  # a day and a time, in the person's words
NUMBER = "number"
NONE = "none"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    # More whole answers that pick it ("ok", "si"); carrier words (YES, STOP...) never count.
    aliases: tuple[str, ...] = ()
    # What a plain "yes", "no" or "none" means at this question, in any of the person's words.
    means: str | None = None


@dataclass(frozen=True)
class Prompt:
    """What a step asks: words, numbered choices, and the kind of answer it expects."""

    text: str
    choices: tuple[Choice, ...] = ()
    expects: str = TEXT
    # Asked again after an answer that picks nothing, with a "sorry" first unless the choices
    # explain themselves (a list of languages, each in its own words, needs no note in one of them).
    note_on_retry: bool = True
    # The question as said on a call, when the text's wording ("Reply with a number") only fits a text.
    spoken: str | None = None
    # By text, asked in a text of its own when it would push the words before it past two segments.
    apart: bool = False

    def choice_for(self, answer: str, words: Answers | None = None, *, whole: bool = False) -> str | None:
        """Return the value of the choice an answer picks: by number (in digits or words), by
        name, by a word of its name, by yes/no/none, or by a name with one letter wrong."""
        key = kw.normalize(answer).lstrip("#")
        if not key or kw.carrier_word(answer):
            return None  # YES, STOP and the other carrier words are the carrier's, never an answer
        number = words.number(answer) if words is not None else (int(key) if key.isdecimal() else None)
        if number is not None:
            return self.choices[number - 1].value if 0 < number <= len(self.choices) else None
        exact = [c.value for c in self.choices
                 if kw.normalize(c.label) == key
                 or key in (kw.normalize(a) for a in c.aliases if not kw.carrier_word(a))]
        if exact:
            return exact[0]
        if words is not None:
            meaning = words.meaning(answer, whole=whole)
            meant = [c.value for c in self.choices if meaning is not None and c.means == meaning]
            if not meant and meaning == NO_ANSWER:
                meant = [c.value for c in self.choices if c.means == NOTHING]  # "no" to "any of these?"
            if len(meant) == 1:
                return meant[0]
        if len(key) >= 3:
            partial = [c.value for c in self.choices if _names(key, kw.normalize(c.label))]
            if len(partial) == 1:
                return partial[0]
        return None

    def as_sms(self) -> str:
        """The question as one text: its words, then the choices numbered."""
        lines = [self.text] if self.text else []
        lines += [f"{i} {choice.label}" for i, choice in enumerate(self.choices, 1)]
        return "\n".join(lines)

    def out_of_range(self, answer: str, words: Answers | None = None) -> bool:
        """Tell whether the answer is a number that is no choice ("12" on a five-item menu)."""
        key = kw.normalize(answer).lstrip("#")
        number = words.number(answer) if words is not None else (int(key) if key.isdecimal() else None)
        return number is not None and not 0 < number <= len(self.choices)

    def choices_for(self, answer: str, words: Answers | None = None) -> tuple[str, ...] | None:
        """Return the values of every choice an answer picks ("2 4", "2,4", "24", names)."""
        # Several may be picked: yes, no or none count only as the whole answer ("No, but my mother
        # uses a wheelchair" is no "none").
        whole = self.choice_for(answer, words, whole=True)
        if whole is not None:
            return (whole,)
        nothing = {c.value for c in self.choices if c.means == NOTHING}
        parts = kw.normalize(answer).split()
        if len(parts) == 1 and parts[0].isdecimal() and len(self.choices) < 10 and not nothing:
            parts = list(parts[0])  # "24" on a menu of single digits is 2 and 4 (never "12" with a "none")
        values = []
        for part in parts:
            value = self.choice_for(part, words)
            number = words.number(part) if words is not None else (int(part) if part.isdecimal() else None)
            if value is None and number is not None:
                return None  # a number that is no choice: ask again rather than guess
            if value is not None:
                values.append(value)
        values = list(dict.fromkeys(values))
        if nothing & set(values) and len(values) > 1:
            return None  # "none" with something else contradicts itself: ask again
        # Words that pick nothing ("and", "y") are fine between choices.
        return tuple(values) or None


def _names(key: str, label: str) -> bool:
    """Tell whether an answer names a choice by one word of its label: whole, its start
    ("enviar" for "enviarla"), or with one letter wrong in a longer word ("wheelchiar")."""
    for word in label.split():
        if key == word or (len(key) >= 4 and word.startswith(key)) or (len(key) >= 5 and _one_off(key, word)):
            return True
    return False


def _one_off(a: str, b: str) -> bool:
    """One letter added, left out, changed or two swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                   and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@dataclass(frozen=True)
class Goto:
    """Move to a step (the flow's first when None); entering another flow starts its data afresh."""

    flow: str
    step: str | None = None
    data: dict | None = None


class _Again:
    """Stay on the same step and ask it again."""


class _Quiet:
    """Stay on the same step without asking again (the last question still stands)."""


AGAIN = _Again()
QUIET = _Quiet()
Next = Goto | _Again | _Quiet


@dataclass
class Step:
    ask: Callable[["Ctx"], Prompt | None]
    answer: Callable[["Ctx", str], Next]
    # For a choice step: what words that pick no choice may be instead (None: not understood).
    otherwise: Callable[["Ctx", str], Next | None] | None = None


@dataclass
class Flow:
    name: str
    first: str
    steps: dict[str, Step]
    # Its answers are a draft until its last step stores them: kept through HELP, STATUS, a switch
    # of language or STOP then START.
    draft: bool = False
    # How long its question holds (None: until the conversation is idle); a message later is read
    # as between conversations.
    holds: timedelta | None = None


# Every flow by the name stored in `conversations`; `hotline.wiring` registers them.
FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Make `flow` reachable by its name."""
    FLOWS[flow.name] = flow
    return flow


@dataclass
class Reply:
    """What the hotline says back: notes first, then the prompt of the step now current."""

    notes: list[str] = field(default_factory=list)
    prompt: Prompt | None = None
    silent: bool = False  # send nothing at all (the number opted out)


@dataclass(frozen=True)
class Known:
    """What was read with the conversation when it was locked, so the turn need not ask again.

    Unread (the default), every question goes to the database.
    """

    read: bool = False
    volunteer_id: int | None = None
    volunteer_status: str | None = None
    open_ask_id: int | None = None
    open_needs: bool = True

    @property
    def no_open_needs(self) -> bool:
        return self.read and not self.open_needs


class Ctx:
    """Everything a step may touch while handling one message."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        contact: Contact,
        conversation: Conversation,
        channel: str,
        now: datetime,
    ):
        self.session = session
        self.settings = settings
        self.contact = contact
        self.conversation = conversation
        self.channel = channel
        self.now = now
        self.notes: list[str] = []
        self.silent = False
        # Set when the person confirmed DELETE: their channel erases them once the reply is built.
        self.erase = False
        # Words are put in this language instead of the contact's, when set: a call in a
        # fallback voice for a language Twilio cannot speak. Stored choices keep `language`.
        self.render_language: str | None = None
        self._translators: dict[str, Translator] = {}
        self.known = Known()

    # -- language -----------------------------------------------------------------------
    @property
    def language(self) -> str:
        return self.contact.language or self.settings.default_language

    def translator(self, code: str | None = None) -> Translator:
        code = code or self.render_language or self.language
        if code not in self._translators:
            self._translators[code] = Translator(code, self.settings.locales_dir)
        return self._translators[code]

    def _(self, message: str, **values) -> str:
        return self.translator()._(message, **values)

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        return self.translator().ngettext(singular, plural, n, **values)

    def pgettext(self, context: str, message: str, **values) -> str:
        return self.translator().pgettext(context, message, **values)

    def marked(self, message, **values) -> str:
        return self.translator().marked(message, **values)

    def word(self, command: str) -> str:
        """The word for a command in the contact's language, as shown in texts."""
        return kw.shown_word(self.translator(), command)

    def answers(self) -> Answers:
        """The yes, no, none and number words understood from this person: their language's and English
        (every language's while they have none: "cinco" or "senk" picks from the menu of languages)."""
        codes = tuple(dict.fromkeys(c for c in (self.render_language, self.language, "en") if c))
        if self.contact.language is None:
            codes += tuple(lang.code for lang in self.enabled_languages() if lang.code not in codes)
        return answers_for(codes, str(self.settings.locales_dir))

    def enabled_languages(self) -> list[languages.Language]:
        return enabled_languages(self.settings)

    # -- state --------------------------------------------------------------------------
    @property
    def data(self) -> dict:
        return self.conversation.data

    def say(self, text: str) -> None:
        self.notes.append(text)

    @property
    def current(self) -> Step:
        flow = FLOWS.get(self.conversation.flow)
        if flow is None or self.conversation.step not in flow.steps:
            # A flow renamed or removed in an upgrade: start over rather than fail.
            self.move(Goto("home"))
            flow = FLOWS["home"]
        return flow.steps[self.conversation.step]

    def move(self, target: Goto) -> None:
        flow = FLOWS[target.flow]
        if target.flow != self.conversation.flow or target.data is not None:
            self.conversation.data = dict(target.data or {})
        self.conversation.flow = flow.name
        self.conversation.step = target.step or flow.first
        self.conversation.version = (self.conversation.version or 0) + 1

    def ask(self) -> Prompt | None:
        return self.current.ask(self)

    @property
    def idle(self) -> bool:
        """Between conversations: at home, or left so long that the open question no longer holds."""
        if self.conversation.flow == "home":
            return True
        idle = timedelta(hours=self.settings.idle_reset_hours)
        return self.conversation.updated_at is not None and self.now - self.conversation.updated_at > idle


def lapse(ctx: Ctx) -> None:
    """Go home from a question that no longer holds, so the message is read as a new one."""
    flow = FLOWS.get(ctx.conversation.flow)
    asked = ctx.conversation.updated_at
    if flow is not None and flow.holds is not None and asked is not None and ctx.now - asked > flow.holds:
        ctx.move(Goto("home"))


def enabled_languages(settings: Settings) -> list[languages.Language]:
    """Languages the hotline offers: registered ones that have a catalog (English always)."""
    return list(_enabled(str(settings.locales_dir)))


@lru_cache(maxsize=16)
def _enabled(locales_dir: str) -> tuple[languages.Language, ...]:
    # Asked several times for every message: the catalogs are read once, at start, like their texts.
    have = set(available(locales_dir)) | {"en"}
    return tuple(lang for code, lang in languages.REGISTRY.items() if code in have)


def has_draft(ctx: Ctx) -> bool:
    """Tell whether they are in the middle of something not yet stored (a request, a sign-up)."""
    flow = FLOWS.get(ctx.conversation.flow)
    return flow is not None and flow.draft and bool(ctx.conversation.data) and not ctx.idle


def to_languages(ctx: Ctx) -> Goto:
    """The menu of languages; what they were typing waits for them, in the language they choose."""
    back = None
    if has_draft(ctx):
        back = {"flow": ctx.conversation.flow, "step": ctx.conversation.step, "data": dict(ctx.conversation.data)}
    return Goto("language", data={"back": back} if back else {})


def answer_step(ctx: Ctx, text: str) -> Next:
    """Hand an answer to the current step; a choice step gets the chosen value or asks again."""
    step = ctx.current
    prompt = step.ask(ctx)
    words = ctx.answers()
    if prompt is not None and prompt.expects == CHOICE:
        value = prompt.choice_for(text, words)
        if value is None and step.otherwise is not None:
            target = step.otherwise(ctx, text)
            if target is not None:
                return target
        if value is None and kw.carrier_word(text) in kw.CARRIER_OPT_IN:
            ctx.say(carrier_hint(ctx))
            return QUIET  # the question is still on their phone: the hint alone
        if value is None:
            if prompt.note_on_retry:
                ctx.say(retry_note(ctx, prompt, text))
            if ctx.contact.language_source == "detected":
                if ctx.channel == "voice" or wrong_guess(ctx, text):
                    # The guessed language was wrong: never leave them stuck in it, nor lose what
                    # they typed (the menu of languages comes back to it).
                    ctx.contact.language_source = None
                    return to_languages(ctx)
                # "sí", "no sé", a word or two: most likely the language is right and the answer
                # is not one of the choices. The question again, and the way to another language.
                ctx.say(language_note(ctx, ctx.contact.language))
            return AGAIN
        if ctx.contact.language_source == "detected":
            ctx.contact.language_source = "chosen"  # they read it and answered
        return step.answer(ctx, value)
    if prompt is not None and prompt.expects == CHOICES:
        values = prompt.choices_for(text, words)
        if values is None and kw.carrier_word(text) in kw.CARRIER_OPT_IN:
            ctx.say(carrier_hint(ctx))
            return QUIET
        if values is None:
            if prompt.note_on_retry:
                ctx.say(retry_note(ctx, prompt, text))
            return AGAIN
        return step.answer(ctx, " ".join(values))
    if prompt is not None and prompt.expects in (TEXT, DATETIME, NUMBER) and not text.strip():
        ctx.say(no_words(ctx))
        return AGAIN
    if ctx.contact.language_source == "detected" and prompt is not None and prompt.expects != NONE:
        ctx.contact.language_source = "chosen"  # they read the question and answered it
    if prompt is not None and prompt.expects == NUMBER:
        number = words.number(text)
        if number is not None:
            text = str(number)  # "dos", "two", "de": the count in digits
    return step.answer(ctx, text)


def wrong_guess(ctx: Ctx, text: str) -> bool:
    """Whether an answer is surely written in another of the hotline's languages than the one guessed."""
    code = detect(text, {lang.code for lang in ctx.enabled_languages()})
    return code is not None and code != ctx.contact.language


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


def not_understood(ctx: Ctx) -> str:
    """The note before a choice is asked again (the choices themselves say what to answer)."""
    return ctx._("Sorry, I did not understand that.")


def retry_note(ctx: Ctx, prompt: Prompt, text: str) -> str:
    """Why a choice is asked again: a number that is no choice, or not understood."""
    # On a call the keys to press are said with each choice: the range would only repeat them.
    if ctx.channel != "voice" and prompt.out_of_range(text, ctx.answers()):
        note = ctx._("Please reply with a number from 1 to %(max)s.", max=len(prompt.choices))
        # Said only where it costs no more than the plain note: a read-back is cut to fit that one.
        if count_segments(note + "\n" + prompt.as_sms()).segments <= max(
                2, count_segments(not_understood(ctx) + "\n" + prompt.as_sms()).segments):
            return note
    return not_understood(ctx)


def carrier_hint(ctx: Ctx) -> str:
    """YES and START are words the phone company reads, never an answer: say what to send instead."""
    return ctx._("YES and START are words for your phone company. To answer, reply with the number of your choice.")


def no_words(ctx: Ctx) -> str:
    return ctx._("Please write your answer in words.")


def advance(ctx: Ctx, target: Next) -> Reply:
    """Apply a step's decision and return the reply, ending with the prompt now current."""
    if isinstance(target, Goto):
        ctx.move(target)
    if ctx.silent:
        return Reply(silent=True)
    prompt = None if target is QUIET else ctx.ask()
    return Reply(notes=list(ctx.notes), prompt=prompt)
