"""One voice webhook, handled like a text: one transaction, the caller's conversation locked.

A call and the texts of the same number share one conversation: the same flows, steps, data
and language. What only a call needs lives in the URLs Twilio is sent to (the turn, the
version of the question, unanswered questions in a row) and, for a read-back waiting for 1 or
2, under "voice" in the conversation's data.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import coordinators
from ..clock import now as utcnow
from ..config import Settings
from ..db import Database
from ..flows.engine import CHOICE, FLOWS, Ctx, Reply, not_understood
from ..flows.keywords import is_stale, restart
from ..flows.runner import lock_conversation, respond
from ..i18n import NP_, Translator
from ..i18n import keywords as kw
from ..i18n.spoken import spell_digits, words_to_digits
from ..models import InboundMessage, Need
from ..flows import erase as erase_flow
from ..guard import blocks
from ..phones import mask, normalize
from ..privacy import erase
from ..sms import clean
from . import recording_line, recordings, sentence_recordings
from .speaker import Words
from .turn import KEYED_TIME_KINDS, KEYS, NUMBER, ONE_KEY, Turn, answer_kind, language_keys

log = logging.getLogger(__name__)

HIDDEN = "hidden caller id"
# What a blocked number, or another hotline, hears: the call ends at once.
HANG_UP = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup /></Response>'
# Translators: whole answers to a read-back that mean "yes, that is right", separated by |.
YES_WORDS = NP_("voice", "yes|yeah|right|correct|that is right")
# Translators: whole answers to a read-back that mean "no, let me say it again", separated by |.
NO_WORDS = NP_("voice", "no|wrong|again")
_ENGLISH_ANSWERS = {key: frozenset(kw.normalize(word) for word in message[1].split("|"))
                    for key, message in (("1", YES_WORDS), ("2", NO_WORDS))}


@dataclass(frozen=True)
class CallInput:
    """What Twilio posted about the call."""

    call_sid: str
    caller: str
    digits: str = ""
    speech: str = ""
    recording_url: str = ""
    recording_sid: str = ""
    recording_duration: int | None = None

    @property
    def silent(self) -> bool:
        return not self.digits and not self.speech.strip()

    @property
    def recorded(self) -> bool:
        return bool(self.recording_url) and (self.recording_duration is None or self.recording_duration > 0)

    def describe(self, action: str) -> str:
        """Describe what came in, kept with the answer given so nothing a caller said is lost."""
        parts = [action]
        if self.digits:
            parts.append(f"digits {self.digits}")
        if self.speech:
            parts.append(f"speech {self.speech}")
        if self.recording_url:
            parts.append(f"recording {self.recording_url} ({self.recording_duration}s)")
        return "; ".join(parts)


@dataclass(frozen=True)
class Position:
    """Where in the call an answer belongs, as carried in the URL Twilio was sent to."""

    turn: int = 0
    version: int | None = None
    silence: int = 0  # unanswered questions in a row, this one included (0: something came)
    again: bool = False
    # On the recording line: the language recorded, the place of the sentence in it (and its key, to
    # notice words that changed), and the take being reviewed.
    lang: str = ""
    place: int | None = None
    key: str = ""
    take: int | None = None


@dataclass
class CallOutcome:
    twiml: str
    duplicate: bool = False


def caller_key(raw: str, call_sid: str, region: str) -> tuple[str, bool]:
    """Return the number a call's conversation is kept under, and whether the caller hid theirs."""
    # A hidden caller gets a conversation of their own for this call: typing in someone else's
    # number must never open that person's conversation.
    phone = normalize(raw, region)
    if phone is not None:
        return phone, False
    return "anon:" + re.sub(r"[^0-9A-Za-z]", "", call_sid)[-24:], True


class Call:
    """One turn of a call: the input, where it belongs, and the TwiML being built."""

    def __init__(self, session: Session, ctx: Ctx, turn: Turn, call: CallInput, position: Position, hidden: bool):
        self.session = session
        self.ctx = ctx
        self.turn = turn
        self.input = call
        self.position = position
        self.hidden = hidden

    def words(self, build) -> Words:
        return self.turn.words(build)

    @property
    def stale(self) -> bool:
        """Tell whether the question answered has moved on since it was asked (a text, another call)."""
        return self.position.version is not None and self.position.version != (self.ctx.conversation.version or 0)

    def moved_on(self) -> Words:
        return self.words(lambda: self.ctx.pgettext(
            "voice", "That question was already answered. Here is where we are now."))


def handle_call(
    db: Database, settings: Settings, action: str, call: CallInput, position: Position,
    now: datetime | None = None,
) -> CallOutcome:
    """Answer one voice webhook with TwiML; a retried webhook gets the answer it got the first time."""
    handler = HANDLERS[action]
    now = now or utcnow()
    phone, hidden = caller_key(call.caller, call.call_sid, settings.default_region)
    key = f"{call.call_sid}:{position.turn}"
    if phone in blocks.hotline_numbers(settings):
        log.info("call %s from hotline number %s: hung up", call.call_sid[-6:], mask(phone))
        return CallOutcome(HANG_UP)
    with db.session() as session:
        conversation = lock_conversation(session, phone, now)
        seen = session.scalar(select(InboundMessage).where(InboundMessage.message_sid == key))
        if seen is not None:
            return CallOutcome(seen.reply or "", duplicate=True)
        contact = conversation.contact
        if contact.blocked(now):
            # A blocked number files nothing: the call is kept as having come, and ended at once.
            contact.last_seen_at = now
            session.add(InboundMessage(message_sid=key, contact_id=contact.id, channel="voice",
                                       body=clean(call.describe(action)), reply=HANG_UP, received_at=now))
            log.info("call %s from blocked %s: hung up", call.call_sid[-6:], mask(phone))
            return CallOutcome(HANG_UP)
        if hidden and not contact.sms_unusable:
            contact.sms_unusable = HIDDEN  # nothing may be texted to a made-up number
        ctx = Ctx(session, settings, contact, conversation, "voice", now)
        turn = Turn(ctx, position.turn + 1, lambda rid: recordings.url_of(session, rid, contact))
        handler(Call(session, ctx, turn, call, position, hidden))
        xml = turn.twiml()
        if ctx.erase:
            # They pressed 1 to erase: everything goes, this turn's words included.
            erase.forget(session, settings, contact, now, actor="the person, by call", reason="erase by call")
            session.add(InboundMessage(message_sid=key, channel="voice", body="", reply=xml, received_at=now))
            log.info("call %s: the caller erased what was kept about them", call.call_sid[-6:])
            return CallOutcome(xml)
        conversation.updated_at = now
        contact.last_seen_at = now
        session.add(InboundMessage(
            message_sid=key, contact_id=contact.id, channel="voice",
            body=clean(call.describe(action)), reply=xml, received_at=now,
        ))
    log.info("call %s from %s: %s, turn %d", call.call_sid[-6:], mask(phone), action, position.turn)
    return CallOutcome(xml)


def handle_transcription(
    db: Database, *, recording_sid: str, recording_url: str, call_sid: str, text: str, status: str,
    now: datetime | None = None,
) -> None:
    """Keep a transcription Twilio sends for a recording (once, whenever it comes)."""
    with db.session() as session:
        recordings.transcribed(session, recording_sid=recording_sid, url=recording_url, call_sid=call_sid,
                               text=clean(text), status=status, now=now or utcnow())


# -- the call starts --------------------------------------------------------------------------

def start(c: Call) -> None:
    c.ctx.data.pop("voice", None)
    recorders = sentence_recordings.recorder_for(c.session, c.ctx.contact)
    if recorders:
        recording_line.offer(c, recording_line.most_needed(c, recorders), [])
        return
    hotline_starts(c)


def recorder(c: Call) -> None:
    """An approved recorder chose: 1 for the recording line; anything else, or nothing, the hotline."""
    found = recording_line.find_recorder(c, c.position.lang)
    if found is not None and c.input.digits == "1" and not c.position.silence:
        recording_line.next_sentence(c, found, -1, [])
        return
    hotline_starts(c)


def hotline_starts(c: Call) -> None:
    if c.ctx.contact.language is None and len(c.ctx.enabled_languages()) > 1:
        c.turn.language_menu()
        return
    begin(c, first=False)


def begin(c: Call, first: bool) -> None:
    """Greet the caller, then ask for a callback number (hidden callers) or go on with the flows."""
    ctx, speaker = c.ctx, c.turn.speaker
    if first:
        lines = [c.words(lambda: ctx.pgettext(
            "voice", "Welcome to the mutual aid hotline. Press 0 at any time to leave a message for a coordinator."))]
    else:
        lines = [c.words(lambda: ctx.pgettext(
            "voice", "Welcome back to the mutual aid hotline. Press 9 for another language, or 0 to leave a message."))]
    if not speaker.has_voice:
        lines.append(c.words(lambda: ctx.pgettext(
            "voice", "We have no voice for %(language)s yet, so you will hear %(fallback)s. Our texts to you "
            "will be in %(language)s.", language=speaker.own.native_name, fallback=speaker.speaks.native_name)))
    if first:
        lines.append(c.words(lambda: ctx.pgettext(
            "voice", "We keep what you tell us only until %(days)s days after your request is closed. To erase "
            "it all sooner, press 8 at any menu.", days=ctx.settings.retain_messages_days)))
    if c.hidden and ctx.contact.callback_phone is None:
        c.turn.callback_question(lines)
        return
    go_on(c, lines)


def go_on(c: Call, lines: list) -> None:
    """Continue where the conversation stands, or start a request when nothing is under way."""
    ctx = c.ctx
    conversation = ctx.conversation
    if conversation.flow in ("home", "language") or is_stale(ctx):
        ctx.move(restart(ctx))
    elif conversation.data or conversation.step != FLOWS[conversation.flow].first:
        lines = [*lines, c.words(lambda: ctx.pgettext("voice", "Let's go on where you left off."))]
    c.turn.ask(lines)


def language(c: Call) -> None:
    """Act on the language menu: on a first call it starts the hotline, later it switches and goes on."""
    ctx, turn = c.ctx, c.turn
    first = ctx.contact.language is None
    offered = ctx.enabled_languages()
    keys = language_keys(len(offered))
    if c.position.silence:
        if not first:
            turn.ask()
            return
        codes = [lang.code for lang in offered]
        ctx.contact.language = ctx.settings.default_language if ctx.settings.default_language in codes else codes[0]
    elif c.input.digits in keys:
        ctx.contact.language = offered[keys.index(c.input.digits)].code
        ctx.contact.language_source = "chosen"
    else:
        # A star, a key that names no language, or words: the menu again, each line in its own language.
        turn.language_menu()
        return
    ctx.data.pop("voice", None)
    turn.sync()
    if first:
        begin(c, first=True)
    else:
        turn.ask()


def callback(c: Call) -> None:
    """Keep the number a hidden caller typed to be reached at, or go on without one."""
    ctx, digits = c.ctx, "".join(ch for ch in c.input.digits if ch.isdigit())
    if c.position.silence or not digits:
        ctx.contact.callback_phone = ""
        go_on(c, [])
        return
    phone = normalize(digits, ctx.settings.default_region)
    if phone is None and not c.position.again:
        c.turn.callback_question([c.words(lambda: ctx.pgettext("voice", "That number did not look right."))],
                                 again=True)
        return
    if phone is None:
        ctx.contact.callback_phone = ""
        go_on(c, [c.words(lambda: ctx.pgettext("voice", "We will go on without a number."))])
        return
    ctx.contact.callback_phone = phone
    go_on(c, [c.words(lambda: ctx.pgettext(
        "voice", "Thank you. We will reach you at %(number)s.", number=spell_digits(phone)))])


# -- answers to the flows' questions ----------------------------------------------------------

def answer(c: Call) -> None:
    ctx, turn, call = c.ctx, c.turn, c.input
    if call.silent:
        silence(c, lambda notes, n: turn.ask(notes, silences=n))
        return
    if c.stale:
        turn.ask([c.moved_on()])
        return
    prompt = ctx.ask()
    if prompt is None:
        turn.goodbye()
        return
    kind = answer_kind(prompt)
    if call.digits and special_key(c, call.digits, kind, len(prompt.choices)):
        return
    if kind in (ONE_KEY, KEYS):
        finish(c, chosen(c, prompt, kind))
    elif call.digits:
        finish(c, "".join(ch for ch in call.digits if ch.isdigit()))
    elif prompt.expects in READS_ITSELF_BACK:
        # The flow reads its own understanding back ("Thursday, December 3, 3 PM, is that right?"):
        # a second read-back of the raw words would only slow the caller down.
        finish(c, clean(call.speech, 500))
    else:
        heard = clean(call.speech, 500)
        ctx.data["voice"] = {"heard": heard, "v": ctx.conversation.version or 0}
        turn.read_back(heard)


# Prompt kinds whose flow step confirms the understood answer itself.
READS_ITSELF_BACK = frozenset({"datetime", *KEYED_TIME_KINDS})


# The key that asks to erase what the hotline keeps about the caller, at any menu of fewer choices.
ERASE_KEY = "8"


def special_key(c: Call, digits: str, kind: str, choices: int) -> bool:
    """Act on * (repeat), 0 (voicemail), 9 (language menu) and 8 (erase); tell whether the key was one of them."""
    if digits == "*":
        c.turn.ask()
        return True
    if kind == NUMBER:
        return False  # a number question: 0 and 9 are answers
    if digits == "0":
        c.turn.voicemail(transcribe=c.ctx.language in c.ctx.settings.voice_transcribe_languages)
        return True
    if digits == "9" and not (kind == KEYS and choices >= 9):
        c.turn.language_menu()
        return True
    if digits == ERASE_KEY and choices < int(ERASE_KEY) and c.ctx.conversation.flow != "erase":
        # "Erase what you keep about me": asked first, like DELETE by text.
        c.ctx.move(erase_flow.start(c.ctx))
        c.turn.ask()
        return True
    return False


def chosen(c: Call, prompt, kind: str) -> str:
    """Turn a key press or spoken words into the answer a menu would get by text."""
    digits = c.input.digits
    if digits:
        if kind == ONE_KEY or prompt.expects == CHOICE:
            return digits.replace("*", "")
        # Several choices: single keys on a short menu, numbers between stars on a long one.
        parts = list(digits.replace("*", "")) if len(prompt.choices) <= 9 else digits.split("*")
        return " ".join(p for p in parts if p)
    said = words_to_digits(c.input.speech, c.ctx.translator())
    if prompt.choice_for(said) is None and kind == ONE_KEY:
        numbers = re.findall(r"\b\d\b", said)
        if len(numbers) == 1:
            return numbers[0]  # "number two, please"
    return said


def heard(c: Call) -> None:
    """Act on the answer to a read-back: 1 keeps the words, 2 asks again."""
    ctx, turn, call = c.ctx, c.turn, c.input
    pending = ctx.data.get("voice") or {}
    words = pending.get("heard")
    if c.stale or words is None or pending.get("v") != (ctx.conversation.version or 0):
        turn.ask([c.moved_on()])
        return
    if call.silent:
        silence(c, lambda notes, n: turn.read_back(words, notes, n))
        return
    key = call.digits or yes_or_no(call.speech, ctx.translator())
    if key == "1":
        ctx.data.pop("voice", None)
        finish(c, words)
    elif key == "2":
        ctx.data.pop("voice", None)
        turn.ask([c.words(lambda: ctx.pgettext("voice", "Please say it again."))])
    elif key == "*":
        turn.read_back(words)
    elif key == "0":
        turn.voicemail(transcribe=ctx.language in ctx.settings.voice_transcribe_languages)
    elif key == "9":
        turn.language_menu()
    else:
        turn.read_back(words, [c.words(lambda: not_understood(ctx))])


def yes_or_no(speech: str, translator: Translator) -> str:
    said = words_to_digits(speech, translator)
    if said in ("1", "2"):
        return said
    for key, message in (("1", YES_WORDS), ("2", NO_WORDS)):
        # The caller's language's words, and the English ones, which callers of every language use.
        if said in kw.folded_words(translator, message) or said in _ENGLISH_ANSWERS[key]:
            return key
    return ""


def recorded(c: Call) -> None:
    """Take an answer recorded where speech is not recognised: the recording stands for the words."""
    ctx, turn, call = c.ctx, c.turn, c.input
    if not call.recorded:
        silence(c, lambda notes, n: turn.ask(notes, silences=n))
        return
    recording = recordings.save(
        c.session, purpose=recordings.ANSWER, call_sid=call.call_sid, contact=ctx.contact, language=ctx.language,
        url=call.recording_url, recording_sid=call.recording_sid or None, duration=call.recording_duration,
        now=ctx.now,
    )
    if c.stale:
        turn.ask([c.moved_on()])
        return
    finish(c, recordings.marker(recording))


def finish(c: Call, text: str) -> None:
    """Hand an answer to the flows, as a text would be; say what they answer, then their next question."""
    ctx, session = c.ctx, c.session
    mine = select(Need).where(Need.contact_id == ctx.contact.id)
    before = set(session.scalars(mine.with_only_columns(Need.id))) if c.hidden else set()
    reply: Reply = respond(ctx, text)
    c.turn.sync()  # the answer may have switched the language ("Español")
    recordings.link_answers(session, ctx.contact, ctx.now)
    notes: list = [Words(note) for note in reply.notes if note]
    if c.hidden:
        session.flush()
        new = [need for need in session.scalars(mine) if need.id not in before]
        if new:
            notes.append(check_back(c))
        for need in new:
            alert_hidden_caller(c, need)
    c.turn.ask(notes)


# -- voicemail --------------------------------------------------------------------------------

def voicemail(c: Call) -> None:
    ctx, call = c.ctx, c.input
    if not call.recorded:
        resume(c)
        return
    recording = recordings.save(
        c.session, purpose=recordings.VOICEMAIL, call_sid=call.call_sid, contact=ctx.contact, language=ctx.language,
        url=call.recording_url, recording_sid=call.recording_sid or None, duration=call.recording_duration,
        now=ctx.now,
    )
    need = recordings.leave_voicemail(c.session, ctx.settings, ctx.contact, recording, ctx.now)
    lines = [c.words(lambda: ctx.pgettext(
        "voice", "Thank you. A coordinator will listen to your message. Your request number is %(ref)s. "
        "Again, %(ref)s.", ref=need.ref))]
    if c.hidden:
        lines.append(check_back(c))
    c.turn.goodbye(lines)


def resume(c: Call) -> None:
    """Go back to the question when nothing was recorded for voicemail."""
    c.turn.ask([c.words(lambda: c.ctx.pgettext("voice", "I did not get a message."))])


# -- silence and hidden numbers ---------------------------------------------------------------

def silence(c: Call, again) -> None:
    """Ask again after a silence; after too many in a row, end the call kindly, saying what comes next."""
    ctx = c.ctx
    # Twilio may post an empty answer to the <Gather> action instead of falling through to the
    # redirect that counts silences: that is a silence too.
    count = max(c.position.silence, 1)
    if count < ctx.settings.voice_max_silences:
        again([c.words(lambda: ctx.pgettext("voice", "Sorry, I did not hear anything."))], count)
        return
    lines = [c.words(lambda: ctx.pgettext("voice", "We did not hear anything, so we will end this call."))]
    if c.hidden:
        lines.append(c.words(lambda: ctx.pgettext("voice", "Please call again when you are ready.")))
    else:
        lines.append(c.words(lambda: ctx.pgettext(
            "voice", "Your answers so far are kept. Call or text this number any time to go on where you left off.")))
    c.turn.goodbye(lines)


def check_back(c: Call) -> Words:
    """Tell a caller with a hidden number how they will hear from us, or how to check back."""
    ctx = c.ctx
    if ctx.contact.callback_phone:
        if not coordinators.will_be_told(ctx.settings):
            return c.words(lambda: ctx.pgettext("voice", "Your request is saved with the number you gave us."))
        return c.words(lambda: ctx.pgettext("voice", "A coordinator will call you back at the number you gave us."))
    return c.words(lambda: ctx.pgettext(
        "voice", "Your number is hidden, so we cannot call or text you back. To check on your request, call "
        "again, press 0, and leave a message with your request number."))


def alert_hidden_caller(c: Call, need: Need) -> None:
    """Ask coordinators to follow up a request from a hidden number: volunteers cannot text the caller."""
    number = c.ctx.contact.callback_phone

    def words(t: Translator) -> str:
        if number:
            call_back = t._("Hotline: request %(ref)s came from a hidden number. Call them back at:", ref=need.ref)
            return f"{call_back} {number}"
        return t._("Hotline: request %(ref)s came from a hidden number that left no way to reach them.",
                   ref=need.ref)

    coordinators.tell(c.session, c.ctx.settings, words, need_id=need.id, reason=coordinators.HIDDEN_NUMBER,
                      why=f"request {need.ref} came from a hidden number")


HANDLERS = {
    "start": start,
    "language": language,
    "callback": callback,
    "answer": answer,
    "heard": heard,
    "recorded": recorded,
    "voicemail": voicemail,
    "resume": resume,
    "recorder": recorder,
    "take": recording_line.take,
    "review": recording_line.reviewed,
}
