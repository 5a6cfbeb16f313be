"""Twilio voice webhooks (signed like SMS) and the recorded prompts calls play."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, make_response, request, send_from_directory

from .. import urls
from ..i18n import languages
from ..outbound.delivery import CALL_STATUSES, record_status
from ..voice import audio, bridge, media, missed, sentence_recordings
from ..voice.calls import HANDLERS, CallInput, Position, handle_call, handle_transcription
from ..voice.placed import answer, call_twiml
from .twilio import MAX_FROM, MAX_SID, MAX_STATUS, field, hotline, twilio_signed, twiml

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__)
audio_bp = Blueprint("audio", __name__)

MAX_TURNS = 10_000
# Longest free text kept from a call: what was said, a recording's address, a transcription.
MAX_SPEECH = 1000
MAX_URL = 1000
MAX_TRANSCRIPTION = 10_000
# Twilio's transcription statuses; the recordings column holds 16 characters.
TRANSCRIPTION_STATUSES = {"in-progress", "completed", "failed"}
MAX_TRANSCRIPTION_STATUS = 16
# How the called side of a <Dial> ended, as Twilio reports it to the Dial's action.
DIAL_STATUSES = {"completed", "answered", "busy", "no-answer", "failed", "canceled"}


def _int(name: str, default: int | None, *, low: int = 0, high: int = MAX_TURNS) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 20 or not low <= int(raw) <= high:
        abort(400, description=f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _choice(name: str, allowed, *, pattern=None) -> str:
    raw = request.args.get(name, "")
    if raw and ((allowed is not None and raw not in allowed) or (pattern is not None and not pattern.match(raw))):
        abort(400, description=f"{name} is not one the hotline gives")
    return raw


def _call_input() -> CallInput:
    call_sid = field("CallSid", MAX_SID, key=True, required=True)
    # A call the hotline placed (a call back after a missed call) reaches the menu too: the
    # person is then the one called, not the hotline's own number that called.
    placed = field("Direction", 32, key=True).startswith("outbound")
    caller = field("To", MAX_FROM, key=True, required=True) if placed else field("From", MAX_FROM, key=True,
                                                                                required=True)
    raw_duration = field("RecordingDuration", 16)
    return CallInput(
        call_sid=call_sid,
        caller=caller,
        digits=field("Digits", 64),
        speech=field("SpeechResult", MAX_SPEECH),
        recording_url=field("RecordingUrl", MAX_URL),
        recording_sid=field("RecordingSid", MAX_SID, key=True),
        recording_duration=int(raw_duration) if raw_duration.isascii() and raw_duration.isdigit() and len(raw_duration) < 7 else None,
    )


def _answer(action: str):
    call = _call_input()
    position = Position(
        turn=_int("t", 0),
        version=_int("v", None, high=2**31),
        silence=_int("silence", 0, high=100),
        again=bool(_int("again", 0, high=1)),
        lang=_choice("l", languages.REGISTRY),
        place=_int("i", None, high=100_000),
        key=_choice("k", None, pattern=audio.KEY),
        take=_int("r", None, high=2**62),
    )
    services = hotline()
    outcome = handle_call(services.db, services.settings, action, call, position)
    if outcome.duplicate:
        log.info("voice %s turn %d answered again (retry)", action, position.turn)
    return twiml(outcome.twiml)


@bp.post(urls.VOICE)
@twilio_signed
def call_starts():
    """Answer a call that comes in."""
    return _answer("start")


@bp.post(urls.CALL_PLACED)
@twilio_signed
def call_placed():
    """Say what a call the hotline placed is for (Twilio asks when the person picks up)."""
    outbox_id = _int("o", None, high=2**62)
    if outbox_id is None:
        abort(400, description="o is required")
    services = hotline()
    return twiml(call_twiml(services.db, services.settings, outbox_id))


@bp.post(urls.CALL_PLACED_ANSWER)
@twilio_signed
def call_placed_answer():
    """Take the 1 or 2 pressed on a call the hotline placed."""
    outbox_id = _int("o", None, high=2**62)
    if outbox_id is None:
        abort(400, description="o is required")
    digits = field("Digits", 8)
    services = hotline()
    return twiml(answer(services.db, services.settings, outbox_id, digits))


@bp.post(urls.CALL_STATUS)
@twilio_signed
def call_status():
    """Record how a call the hotline placed went; an unanswered one is tried again.

    Like message statuses, one the hotline does not know is recorded and moves nothing. A
    finished call's CallDuration counts toward the call budget; pointed here as the number's
    call status callback, calls that came in are counted too.
    """
    sid = field("CallSid", MAX_SID, key=True, required=True)
    status = field("CallStatus", MAX_STATUS, required=True, statuses=CALL_STATUSES)
    raw = field("CallDuration", 16)
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 7):
        abort(400, description="CallDuration must be a whole number of seconds")
    # Twilio bills a call that was answered by the minute, each started minute counted.
    seconds = int(raw) if raw and status == "completed" else None
    services = hotline()
    outcome = record_status(services.db, sid, status, call_seconds=seconds)
    log.info("call %s: %s (%s)", sid[-6:], status, outcome)
    if outcome != "duplicate" and field("Direction", 32, key=True) == "inbound":
        # A call that came in and ended before the menu may be called back.
        missed.noticed(services.db, services.settings, call_sid=sid, caller=field("From", MAX_FROM, key=True),
                       status=status)
    return "", 204


def _outbox_id() -> int:
    outbox_id = _int("o", None, high=2**62)
    if outbox_id is None:
        abort(400, description="o is required")
    return outbox_id


@bp.post(urls.BRIDGE_CONNECT)
@twilio_signed
def bridge_connect():
    """Put the asker of a masked call through to the resident, once they pressed 1."""
    outbox_id = _outbox_id()
    call_sid = field("CallSid", MAX_SID, key=True, required=True)
    services = hotline()
    return twiml(bridge.connect(services.db, services.settings, outbox_id, call_sid, field("Digits", 8)))


@bp.post(urls.BRIDGE_RESIDENT)
@twilio_signed
def bridge_resident():
    """Tell the resident who is on the line, in their language, as they pick up a masked call."""
    outbox_id = _outbox_id()
    field("CallSid", MAX_SID, key=True, required=True)
    services = hotline()
    return twiml(bridge.resident_leg(services.db, services.settings, outbox_id))


@bp.post(urls.BRIDGE_DONE)
@twilio_signed
def bridge_done():
    """Keep how the resident's side of a masked call ended (Twilio's <Dial action>)."""
    outbox_id = _outbox_id()
    call_sid = field("CallSid", MAX_SID, key=True, required=True)
    status = field("DialCallStatus", MAX_STATUS, required=True, statuses=DIAL_STATUSES)
    raw = field("DialCallDuration", 16)
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 7):
        abort(400, description="DialCallDuration must be a whole number of seconds")
    services = hotline()
    return twiml(bridge.done(services.db, services.settings, outbox_id, call_sid, status, int(raw) if raw else None))


@bp.post(urls.TRANSCRIPTION)
@twilio_signed
def transcription():
    """Keep Twilio's transcription of a recording; it may come late, twice, or before the recording's own webhook."""
    handle_transcription(
        hotline().db,
        recording_sid=field("RecordingSid", MAX_SID, key=True, required=True),
        recording_url=field("RecordingUrl", MAX_URL),
        call_sid=field("CallSid", MAX_SID, key=True),
        text=field("TranscriptionText", MAX_TRANSCRIPTION),
        status=field("TranscriptionStatus", MAX_TRANSCRIPTION_STATUS, statuses=TRANSCRIPTION_STATUSES),
    )
    return "", 204


@bp.post(urls.voice_step("<action>"))
@twilio_signed
def call_goes_on(action: str):
    """Answer a later step of a call: a key pressed, words said, a recording made, or silence."""
    if action not in HANDLERS or action == "start":
        abort(404)
    return _answer(action)


@audio_bp.get(urls.audio("<code>", "<name>"))
def recorded_prompt(code: str, name: str):
    """Serve a recorded sentence for a language without a Twilio voice (public, like the menu itself)."""
    if code not in languages.REGISTRY:
        abort(404)
    services = hotline()
    if sentence_recordings.SERVED_NAME.match(name):
        # An approved recording: its address names its id, so a newer one is never hidden by a cache.
        with services.db.session() as session:
            recording = sentence_recordings.served(session, code, name)
            if recording is None:
                abort(404)
            data, kind = recording.audio, recording.audio_type
        response = make_response(data)
        response.mimetype = media.MEDIA_TYPES[kind]
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response
    if not audio.FILE_NAME.match(name):
        abort(404)
    return send_from_directory(audio.audio_dir(services.settings.locales_dir, code), name, max_age=3600)

