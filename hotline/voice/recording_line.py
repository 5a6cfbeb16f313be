"""The recording line: an approved recorder calls the hotline and records its sentences, one by one.

A caller whose number a coordinator approved as a recorder is offered it first (1 to record, 2
or silence for the hotline as usual). Each sentence without a person's recording is texted to
them: they read it from their phone's screen in their own language, which no fallback voice
could say, and record it after the tone. They hear their take, then keep it (1), record it again
(2), skip the sentence (3), or stop (*). A kept take waits for a coordinator in the console.
"""
from __future__ import annotations

from functools import lru_cache

from ..config import Settings
from ..i18n import languages
from ..models import Recorder
from ..outbound.outbox import queue_sms
from . import placeholders, sentence_recordings
from .sentences import sentences

TAKE_MAX_SECONDS = 30
TAKE_SILENCE_SECONDS = 4


@lru_cache(maxsize=32)
def _listed(settings: Settings, code: str) -> tuple[tuple[str, str], ...]:
    every = sentences(settings, code)
    first = {sentence: place for place, sentence in enumerate(placeholders.common_sentences(settings, code))}
    # The sentences callers hear most come first (the menu line first of all): a recorder's first
    # minutes change the most calls.
    return tuple(sorted(every, key=lambda item: first.get(item[1], len(first))))


def listed(settings: Settings, code: str) -> tuple[tuple[str, str], ...]:
    """Every sentence worth recording in a language, the most heard first (read once per process)."""
    return _listed(settings, code)


def find_recorder(c, code: str) -> Recorder | None:
    for recorder in sentence_recordings.recorder_for(c.session, c.ctx.contact):
        if recorder.language == code:
            return recorder
    return None


def most_needed(c, recorders: list[Recorder]) -> Recorder:
    """Of a recorder's languages, the one with the most sentences still without a person's recording."""
    settings = c.ctx.settings
    missing = {recorder.id: len(sentence_recordings.still_to_record(
        c.session, settings, recorder.language, list(listed(settings, recorder.language)))) for recorder in recorders}
    return max(recorders, key=lambda recorder: missing[recorder.id])  # the first approved on a tie


def offer(c, recorder: Recorder, lines: list) -> None:
    """Ask an approved recorder whether they called to record, before anything else."""
    ctx, turn = c.ctx, c.turn
    gather = turn.response.gather(input="dtmf", num_digits=1, timeout=ctx.settings.voice_gather_timeout,
                                  action=turn.url("recorder", l=recorder.language))
    turn.say(gather, [*lines, c.words(lambda: ctx.pgettext(
        "voice", "You record sentences for the hotline in %(language)s. Press 1 to record now, or 2 for the "
                 "hotline.", language=recorder_language(ctx, recorder)))])
    turn.response.redirect(turn.url("recorder", l=recorder.language, silence=1))


def recorder_language(ctx, recorder: Recorder) -> str:
    lang = languages.get(recorder.language)
    return lang.native_name if lang else recorder.language


def next_sentence(c, recorder: Recorder, after: int, lines: list) -> None:
    """Ask for the next sentence after place `after` that has no person's recording yet, or end."""
    ctx = c.ctx
    if ctx.contact.opted_out or ctx.contact.sms_unusable:
        c.turn.goodbye([*lines, c.words(lambda: ctx.pgettext(
            "voice", "We cannot text the sentences to this phone. Upload recordings in the console instead."))])
        return
    ordered = listed(ctx.settings, recorder.language)
    todo = [i for i in sentence_recordings.still_to_record(c.session, ctx.settings, recorder.language, list(ordered))
            if i > after]
    if not todo:
        c.turn.goodbye([*lines, c.words(lambda: ctx.pgettext(
            "voice", "There are no more sentences to record. Thank you!"))])
        return
    ask_take(c, recorder, todo[0], lines, left=len(todo), text=True)


def ask_take(c, recorder: Recorder, place: int, lines: list, left: int | None = None, text: bool = False,
             silences: int = 0) -> None:
    """Text a sentence to the recorder and record them reading it."""
    ctx, turn = c.ctx, c.turn
    key, sentence = listed(ctx.settings, recorder.language)[place]
    if text:
        queue_sms(c.session, ctx.contact, f"({place + 1}) {sentence}", kind="recording_line")
    if left is not None:
        lines = [*lines, c.words(lambda: ctx.ngettext(
            "Sentence %(number)s: we texted it to you. %(n)s sentence is left to record.",
            "Sentence %(number)s: we texted it to you. %(n)s sentences are left to record.", left,
            number=place + 1))]
    lines = [*lines, c.words(lambda: ctx.pgettext(
        "voice", "After the tone, read it aloud, then press pound."))]
    turn.say(turn.response, lines)
    turn.response.record(
        action=turn.url("take", l=recorder.language, i=place, k=key), max_length=TAKE_MAX_SECONDS,
        timeout=TAKE_SILENCE_SECONDS, finish_on_key="#", play_beep=True, trim="trim-silence",
    )
    turn.response.redirect(turn.url("take", l=recorder.language, i=place, k=key, silence=silences + 1))


def take(c) -> None:
    """A take was recorded (or nothing was): play it back and ask what to do with it."""
    ctx, call, position = c.ctx, c.input, c.position
    recorder = find_recorder(c, position.lang)
    ordered = listed(ctx.settings, position.lang) if recorder else ()
    if recorder is None or position.place is None or not 0 <= position.place < len(ordered):
        c.turn.goodbye()
        return
    key, sentence = ordered[position.place]
    if key != position.key:
        next_sentence(c, recorder, -1, [])  # the words changed since: start again from the top
        return
    if not call.recorded or not call.recording_sid:
        if position.silence >= ctx.settings.voice_max_silences:
            c.turn.goodbye([c.words(lambda: ctx.pgettext("voice", "We did not hear anything, so we will end "
                                                                  "this call."))])
            return
        ask_take(c, recorder, position.place, [c.words(lambda: ctx.pgettext(
            "voice", "Sorry, I did not hear anything."))], silences=position.silence)
        return
    recording = sentence_recordings.take(
        c.session, recorder=recorder, key=key, sentence=sentence, call_sid=call.call_sid,
        recording_sid=call.recording_sid, url=call.recording_url, now=ctx.now)
    review(c, recorder, position.place, recording.id, recording.url)


def review(c, recorder: Recorder, place: int, recording_id: int, url: str, silences: int = 0) -> None:
    ctx, turn = c.ctx, c.turn
    gather = turn.response.gather(input="dtmf", num_digits=1, timeout=ctx.settings.voice_gather_timeout,
                                  action=turn.url("review", l=recorder.language, i=place, r=recording_id))
    turn.say(gather, [c.words(lambda: ctx.pgettext("voice", "Here is what you recorded."))])
    if url:
        gather.play(url)
    turn.say(gather, [c.words(lambda: ctx.pgettext(
        "voice", "Press 1 to keep it, 2 to record it again, 3 to skip this sentence, or star to stop."))])
    turn.response.redirect(turn.url("review", l=recorder.language, i=place, r=recording_id, silence=silences + 1))


def reviewed(c) -> None:
    """Keep, redo, skip or stop, as the recorder pressed."""
    ctx, position, session = c.ctx, c.position, c.session
    recorder = find_recorder(c, position.lang)
    if recorder is None or position.place is None or position.take is None:
        c.turn.goodbye()
        return
    recording = sentence_recordings.draft(session, position.take, recorder)
    if recording is None:
        # Kept or dropped already (Twilio asked twice, or the call went on elsewhere): go on.
        next_sentence(c, recorder, position.place, [])
        return
    key = c.input.digits
    if position.silence and position.silence < ctx.settings.voice_max_silences:
        review(c, recorder, position.place, recording.id, recording.url, position.silence)
        return
    if key == "1":
        sentence_recordings.keep(session, recording)
        next_sentence(c, recorder, position.place, [c.words(lambda: ctx.pgettext(
            "voice", "Kept. A coordinator will listen to it."))])
        return
    if key not in ("2", "3", "*") and not position.silence:
        review(c, recorder, position.place, recording.id, recording.url)
        return
    sentence_recordings.drop(session, recording)
    if key == "2":
        ask_take(c, recorder, position.place, [])
    elif key == "3":
        next_sentence(c, recorder, position.place, [])
    else:
        c.turn.goodbye([c.words(lambda: ctx.pgettext(
            "voice", "Thank you. What you kept waits for a coordinator to approve it."))])
