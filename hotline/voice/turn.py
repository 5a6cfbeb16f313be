"""Render where a conversation stands as TwiML: questions as <Gather>, words as <Say> or <Play>.

Every URL a document sends Twilio to carries `t`, the number of the next turn of the call (so a
retried webhook is recognised), and `v`, the conversation's version when the question was asked
(so a late answer to a question that has moved on is recognised).
"""
from __future__ import annotations

from typing import Callable, Iterable

from twilio.twiml.voice_response import VoiceResponse

from .. import urls
from ..config import Settings
from ..flows.engine import CHOICE, Ctx, Prompt
from ..i18n import NP_, Translator, languages
from ..i18n.spoken import say_times
from . import sentence_recordings
from .speaker import Speaker, Words

# What kind of answer a prompt takes on a call.
ONE_KEY = "one key"  # one choice, picked with a single key
KEYS = "keys"  # a choice by a number of more than one digit, or several choices, ended with #
WORDS = "words"  # said (recognised, then read back) or typed on the keypad
NUMBER = "number"  # like WORDS, but keypad digits are the answer even when they are 0 or 9

# In the flows 0 is voicemail, 9 the language menu and * repeats, so single-key menus use 1-8.
SINGLE_KEY_CHOICES = 8
# A prompt kind (`Prompt.expects`) whose answer is a number: every key press belongs to it.
NUMBER_KINDS = frozenset({"number"})
# Prompt kinds whose answer is a time that may also be keyed, as four digits on a 24-hour clock
# (the ride flow offers it after two answers it could not book). Where speech is not recognised,
# the keys are listened for instead of a recording.
KEYED_TIME_KINDS = frozenset({"datetime or keys"})
KEYED_EXAMPLE = "15:30"
RECORD_SILENCE_SECONDS = 5
# How long a caller whose words are recorded has to start keying digits before the tone.
KEYPAD_WAIT_SECONDS = 4
CONFIRM_OR_CANCEL = NP_("voice", "Press 1 to confirm, or 2 to cancel.")
YES_OR_NO = NP_("voice", "Press 1 for yes, or 2 for no.")
# How a call the hotline places asks for its key, by the kind of question it carries.
OK_OR_CALL = NP_("voice", "Press 1 if you are OK, or 2 if you would like a neighbour to call.")
KEYS_FOR_QUESTION = {"got_help": YES_OR_NO, "checkin": OK_OR_CALL}

Lines = Iterable["Words | str"]


def answer_kind(prompt: Prompt) -> str:
    """Tell how a prompt is answered by phone; unknown kinds of prompt are answered in words."""
    if prompt.choices and prompt.expects == CHOICE:
        return ONE_KEY if len(prompt.choices) <= SINGLE_KEY_CHOICES else KEYS
    if prompt.choices:
        return KEYS
    if prompt.expects in NUMBER_KINDS:
        return NUMBER
    return WORDS


def language_keys(count: int) -> list[str]:
    """Return the keys of the first-call language menu: 1-9 then 0 (one key each) for up to ten languages."""
    if count <= 10:
        return list("1234567890"[:count])
    return [str(i) for i in range(1, count + 1)]


class Turn:
    """One TwiML answer to Twilio: what the caller hears next and where their answer goes."""

    def __init__(self, ctx: Ctx, number: int, recording_url: Callable[[int], str | None] | None = None):
        self.ctx = ctx
        self.settings: Settings = ctx.settings
        self.number = number
        self.response = VoiceResponse()
        self._recording_url = recording_url
        self.approved = sentence_recordings.approved_lookup(ctx.session)
        self.speaker = self.sync()

    # -- language ---------------------------------------------------------------------------
    def sync(self) -> Speaker:
        """Follow the caller's language: words in it when it has a voice, else in the fallback."""
        self.speaker = Speaker(self.settings, self.ctx.language, self._recording_url, self.approved)
        self.ctx.render_language = None if self.speaker.has_voice else self.speaker.speaks.code
        return self.speaker

    def lines(self, build: Callable[[], list[str]]) -> list[Words]:
        """Build sentences with the caller's words; with their own words too when those have no voice."""
        spoken = build()
        if self.speaker.has_voice:
            return [Words(text) for text in spoken]
        ctx, previous = self.ctx, self.ctx.render_language
        ctx.render_language = self.speaker.own.code
        try:
            own = build()
        finally:
            ctx.render_language = previous
        if len(own) != len(spoken):
            return [Words(text) for text in spoken]
        return [Words(text, mine) for text, mine in zip(spoken, own)]

    def words(self, build: Callable[[], str]) -> Words:
        return self.lines(lambda: [build()])[0]

    def say(self, parent, lines: Lines) -> None:
        for line in lines:
            if line:
                self.speaker.speak(parent, line)

    # -- addresses --------------------------------------------------------------------------
    def url(self, action: str, **params) -> str:
        query = {"t": self.number, **{k: v for k, v in params.items() if v is not None}}
        return urls.public(self.settings, urls.voice_step(action), **query)

    @property
    def version(self) -> int:
        return self.ctx.conversation.version or 0

    # -- documents --------------------------------------------------------------------------
    def ask(self, notes: Lines = (), silences: int = 0) -> None:
        """Ask the current step's question, after any notes; with no question, end the call."""
        prompt = self.ctx.ask()
        if prompt is None:
            self.goodbye(notes)
            return
        kind = answer_kind(prompt)
        question = self.lines(lambda: prompt_lines(self.ctx, self.ctx.ask(), self.speaker))
        listens = self.speaker.listens
        if kind in (WORDS, NUMBER) and listens is None and prompt.expects not in KEYED_TIME_KINDS:
            self._record_answer([*notes, *question], silences)
            return
        options: dict = {"action": self.url("answer", v=self.version), "timeout": self.settings.voice_gather_timeout}
        options["input"] = "dtmf speech" if listens else "dtmf"
        if listens:
            options["language"] = listens
            options["speech_timeout"] = "auto"
        if kind == ONE_KEY:
            options["num_digits"] = 1
        else:
            options["finish_on_key"] = "#"
        if listens and prompt.choices:
            options["hints"] = hints(prompt)
        gather = self.response.gather(**options)
        self.say(gather, [*notes, *question])
        self.response.redirect(self.url("answer", v=self.version, silence=silences + 1))

    def _record_answer(self, lines: Lines, silences: int) -> None:
        # No speech recognition in this language: the answer is recorded and kept as sound. Keys
        # come first (a ZIP code, how many people, a time): a caller who keys nothing hears the
        # tone once the keypad's wait runs out, and speaks.
        gather = self.response.gather(
            input="dtmf", action=self.url("answer", v=self.version), finish_on_key="#", timeout=KEYPAD_WAIT_SECONDS)
        self.say(gather, lines)
        self.response.record(
            action=self.url("recorded", v=self.version),
            max_length=self.settings.voice_answer_max_seconds,
            timeout=RECORD_SILENCE_SECONDS,
            finish_on_key="#",
            play_beep=True,
            trim="trim-silence",
        )
        # Reached when nothing was recorded: Twilio goes on with the next verb.
        self.response.redirect(self.url("answer", v=self.version, silence=silences + 1))

    def read_back(self, heard: str, notes: Lines = (), silences: int = 0) -> None:
        """Say back what speech recognition heard and ask whether it is right."""
        ctx = self.ctx
        words = say_times(heard, ctx.translator())
        listens = self.speaker.listens
        speech = {"input": "dtmf speech", "language": listens, "speech_timeout": "auto"} if listens else {}
        gather = self.response.gather(
            num_digits=1, action=self.url("heard", v=self.version), timeout=self.settings.voice_gather_timeout,
            **{"input": "dtmf", **speech},
        )
        self.say(gather, [*notes, ctx.pgettext(
            "voice", "I heard: %(words)s. Press 1 if that is right, 2 to say it again.", words=words)])
        self.response.redirect(self.url("heard", v=self.version, silence=silences + 1))

    def language_menu(self, notes: Lines = ()) -> None:
        """Offer every language, each named in itself and said in its own voice, one key each."""
        ctx = self.ctx
        offered = ctx.enabled_languages()
        keys = language_keys(len(offered))
        one_key = len(offered) <= 10
        gather = self.response.gather(
            input="dtmf", action=self.url("language", v=self.version),
            timeout=self.settings.voice_language_menu_timeout,
            **({"num_digits": 1} if one_key else {"finish_on_key": "#"}),
        )
        self.say(gather, notes)
        for lang, key in zip(offered, keys):
            speaker = Speaker(self.settings, lang.code, approved=self.approved)
            line = language_option(ctx.translator(lang.code), lang, key)
            if speaker.has_voice:
                speaker.speak(gather, Words(line))
            else:
                fallback = language_option(ctx.translator(speaker.speaks.code), lang, key)
                speaker.speak(gather, Words(fallback, own=line))
        if not one_key:
            self.say(gather, [self.words(lambda: ctx.pgettext("voice", "Then press pound."))])
        self.response.redirect(self.url("language", v=self.version, silence=1))

    def voicemail(self, transcribe: bool) -> None:
        """Record a message for coordinators."""
        ctx = self.ctx
        self.say(self.response, [self.words(lambda: ctx.pgettext(
            "voice", "After the tone, leave your message for a coordinator. Press pound when you are done."))])
        options = {}
        if transcribe:
            options = {"transcribe": True,
                       "transcribe_callback": urls.public(self.settings, urls.TRANSCRIPTION)}
        self.response.record(
            action=self.url("voicemail", v=self.version), max_length=self.settings.voice_voicemail_max_seconds,
            finish_on_key="#", play_beep=True, trim="trim-silence", **options,
        )
        self.response.redirect(self.url("resume", v=self.version))

    def callback_question(self, notes: Lines = (), again: bool = False) -> None:
        """Ask a caller with a hidden number for a number to reach them at."""
        ctx = self.ctx
        gather = self.response.gather(
            input="dtmf", finish_on_key="#", timeout=self.settings.voice_gather_timeout * 2,
            action=self.url("callback", again=1 if again else None),
        )
        self.say(gather, [*notes, self.words(lambda: ctx.pgettext(
            "voice", "We cannot see your phone number. To let us reach you, enter it with the area code, "
            "then press pound. To go on without it, press star, then pound."))])
        self.response.redirect(self.url("callback", silence=1))

    def goodbye(self, notes: Lines = ()) -> None:
        ctx = self.ctx
        self.say(self.response, [*notes, self.words(lambda: ctx.pgettext("voice", "Thank you for calling. Goodbye."))])
        self.response.hangup()

    def twiml(self) -> str:
        return str(self.response)


def prompt_lines(ctx: Ctx, prompt: Prompt | None, speaker: Speaker) -> list[str]:
    """List the sentences of a question on a call: its words, each choice with its key, how to answer."""
    if prompt is None:
        return []
    kind = answer_kind(prompt)
    text = prompt.spoken or prompt.text
    lines = [text] if text else []
    for number, choice in enumerate(prompt.choices, 1):
        lines.append(ctx.pgettext("voice", "%(label)s: press %(digit)s.", label=choice.label, digit=number))
    if kind == KEYS and prompt.expects == CHOICE:
        lines.append(ctx.pgettext("voice", "Enter the number, then press pound."))
    elif kind == KEYS and len(prompt.choices) <= 9:
        lines.append(ctx.pgettext("voice", "Press the number of each one that applies, then press pound."))
    elif kind == KEYS:
        lines.append(ctx.pgettext("voice", "Press the number of each one that applies, with star between "
                                           "numbers, then press pound."))
    if prompt.expects in KEYED_TIME_KINDS:
        example = say_times(KEYED_EXAMPLE, ctx.translator())
        # Translators: said on a call after a time was not understood twice. %(time)s is a time as
        # said ("3:30 in the afternoon"), %(digits)s the same time keyed, said digit by digit (1 5 3 0).
        lines.append(ctx.pgettext("voice", "You can also enter the time on the keypad: four digits on a 24-hour "
                                           "clock, then press pound. For example, for %(time)s, press %(digits)s.",
                                  time=example, digits=" ".join(KEYED_EXAMPLE.replace(":", ""))))
    elif kind in (WORDS, NUMBER) and speaker.listens is None:
        lines.append(ctx.pgettext("voice", "To enter a ZIP code or a number, press it on the keypad, then pound. Or "
                                           "wait for the tone, say your answer, then press pound."))
    return lines


def hints(prompt: Prompt) -> str:
    """List the choices' names for speech recognition, each with single spaces (a comma separates names)."""
    return ", ".join(" ".join(c.label.replace(",", " ").split()) for c in prompt.choices)[:400]


def language_option(t: Translator, lang: languages.Language, key: str) -> str:
    return t.pgettext("voice", "For %(language)s, press %(digit)s.", language=lang.native_name, digit=key)


def notification(settings: Settings, code: str, message: Words | str, confirm_url: str | None = None,
                 repeat_url: str | None = None, keys=CONFIRM_OR_CANCEL,
                 approved: Callable[[str, str], str | None] | None = None) -> VoiceResponse:
    """Build a call that says a message and, given `confirm_url`, takes 1 or 2 there (`keys` says which)."""
    # `message` is in the language calls to `code` are spoken in (Speaker.speaks); as Words with
    # the caller's own words too, a recording can stand in where their language has no voice.
    speaker = Speaker(settings, code, approved=approved)
    t = Translator(speaker.speaks.code, settings.locales_dir)
    own = Translator(speaker.own.code, settings.locales_dir)
    response = VoiceResponse()
    if confirm_url is None:
        speaker.speak(response, message)
        response.hangup()
        return response
    gather = response.gather(input="dtmf", num_digits=1, action=confirm_url, timeout=settings.voice_gather_timeout)
    speaker.speak(gather, message)
    speaker.speak(gather, Words(t.pgettext(*keys), None if speaker.has_voice else own.pgettext(*keys)))
    if repeat_url:
        response.redirect(repeat_url)
    else:
        response.hangup()
    return response
