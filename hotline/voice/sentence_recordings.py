"""People's recordings of the hotline's sentences, for languages Twilio cannot speak.

A recorder (a number a coordinator approved for a language) records sentences on the recording
line, or anyone at the console uploads a file; each waits until a coordinator approves or
rejects it. An approved recording is what callers hear for that sentence from then on, before
any file in locales/<ll>/audio/ (synthesized placeholders included). The sound is kept in the
database, so every web process serves it.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..config import Settings
from ..db import Database, insert_ignore
from ..models import Contact, Recorder, SentenceRecording
from ..outbound.outbox import enqueue_after_commit
from ..outbound.transports import SendError
from ..phones import mask
from ..privacy.erase import forget_take_at_twilio
from . import audio, media

log = logging.getLogger(__name__)

DRAFT = "draft"  # recorded on a call, not yet kept by the recorder
WAITING = "waiting"
APPROVED = "approved"
REJECTED = "rejected"
REPLACED = "replaced"  # approved once, then a later recording of the same sentence was
CALL = "call"
UPLOAD = "upload"
MAX_BYTES = 2 * 1024 * 1024
# How an approved recording is served: its sentence's key and its own id, so a newer one is a new address.
SERVED_NAME = re.compile(r"^([0-9a-f]{16})-([1-9][0-9]{0,17})\.(mp3|wav)$")
FETCH_JOB = "fetch_sentence_recording"


class RecordingError(ValueError):
    """A recording cannot be kept as given; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def served_name(recording: SentenceRecording) -> str:
    return f"{recording.key}-{recording.id}.{recording.audio_type}"


# -- recorders ----------------------------------------------------------------------------------

def recorder_for(session: Session, contact: Contact) -> list[Recorder]:
    """The languages this number may record, as their recorder rows."""
    if contact.id is None:
        return []
    return list(session.scalars(select(Recorder).where(Recorder.contact_id == contact.id).order_by(Recorder.id)))


def approve_recorder(session: Session, phone: str, language: str, name: str, by: str, now: datetime) -> Recorder:
    """Let a number record a language (once: approving again changes only the name)."""
    contact = session.scalars(select(Contact).where(Contact.phone == phone)).one_or_none()
    if contact is None:
        contact = Contact(phone=phone, created_at=now, last_seen_at=now)
        session.add(contact)
        session.flush()
    recorder = session.scalars(select(Recorder).where(
        Recorder.contact_id == contact.id, Recorder.language == language)).one_or_none()
    if recorder is None:
        recorder = Recorder(contact_id=contact.id, language=language, name=name, approved_by=by, approved_at=now)
        session.add(recorder)
    else:
        recorder.name = name
    session.flush()
    log.info("%s may record %s (approved by %s)", mask(phone), language, by)
    return recorder


def recorders(session: Session, language: str) -> list[Recorder]:
    return list(session.scalars(select(Recorder).where(Recorder.language == language).order_by(Recorder.id)))


# -- what callers hear --------------------------------------------------------------------------

def approved_lookup(session: Session) -> Callable[[str, str], str | None]:
    """Return a function naming the approved recording of (language, sentence), read once per language."""
    found: dict[str, dict[str, str]] = {}

    def lookup(code: str, text: str) -> str | None:
        if code not in found:
            rows = session.execute(select(SentenceRecording.key, SentenceRecording.id, SentenceRecording.audio_type)
                                   .where(SentenceRecording.language == code, SentenceRecording.status == APPROVED,
                                          SentenceRecording.audio_type.is_not(None)))
            found[code] = {key: f"{key}-{rid}.{kind}" for key, rid, kind in rows}
        return found[code].get(audio.audio_key(text))

    return lookup


def served(session: Session, code: str, name: str) -> SentenceRecording | None:
    """Return the approved recording served under this name in this language, if it still is one."""
    matched = SERVED_NAME.match(name)
    if matched is None:
        return None
    recording = session.get(SentenceRecording, int(matched.group(2)))
    if (recording is None or recording.language != code or recording.key != matched.group(1)
            or recording.status != APPROVED or recording.audio is None or recording.audio_type != matched.group(3)):
        return None
    return recording


# -- made on a call -----------------------------------------------------------------------------

def take(session: Session, *, recorder: Recorder, key: str, sentence: str, call_sid: str, recording_sid: str,
         url: str, now: datetime) -> SentenceRecording:
    """Keep a take from the recording line as a draft (once, however often Twilio posts it)."""
    insert_ignore(session, SentenceRecording, {
        "language": recorder.language, "key": key, "sentence": sentence, "status": DRAFT, "source": CALL,
        "recording_sid": recording_sid, "url": url, "call_sid": call_sid, "recorder_id": recorder.id,
        "uploaded_by": "", "created_at": now,
    }, ["recording_sid"])
    return session.scalars(select(SentenceRecording).where(SentenceRecording.recording_sid == recording_sid)).one()


def draft(session: Session, recording_id: int, recorder: Recorder) -> SentenceRecording | None:
    """Return this recorder's draft take, if it is one."""
    recording = session.get(SentenceRecording, recording_id)
    if recording is None or recording.recorder_id != recorder.id or recording.status != DRAFT:
        return None
    return recording


def drop(session: Session, recording: SentenceRecording) -> None:
    """The recorder did not keep a take (again, skip, stop): it goes, here and at Twilio."""
    forget_take_at_twilio(session, recording.recording_sid)
    session.delete(recording)
    session.flush()


def keep(session: Session, recording: SentenceRecording) -> None:
    """The recorder keeps a take: it waits for a coordinator, its sound fetched from Twilio meanwhile."""
    recording.status = WAITING
    session.flush()
    enqueue_after_commit(session, FETCH_JOB, recording.id, job_id=f"sentence-{recording.id}")


def fetch(db: Database, settings: Settings, download: Callable[[str], bytes], recording_id: int) -> str:
    """Fetch a take's sound from Twilio into the database (a job: raises to be tried again)."""
    with db.session() as session:
        recording = session.get(SentenceRecording, recording_id)
        if recording is None or recording.audio is not None or recording.source != CALL:
            return "nothing to fetch"
        sid = recording.recording_sid or ""
    try:
        data = download(sid)
    except Exception as error:
        with db.session() as session:
            recording = session.get(SentenceRecording, recording_id)
            if recording is not None:
                recording.fetch_error = f"{type(error).__name__}: {error}"[:200]
        if isinstance(error, SendError) and error.kind == SendError.PERMANENT:
            return "not at Twilio"  # trying again would only fail again
        raise
    kind = media.kind_of(data)
    with db.session() as session:
        recording = session.get(SentenceRecording, recording_id)
        if recording is None or recording.audio is not None:
            return "nothing to fetch"
        if kind is None or len(data) > MAX_BYTES:
            recording.fetch_error = "Twilio's recording is not an MP3 of a size the hotline keeps"
            return "not kept"
        recording.audio, recording.audio_type, recording.size = data, kind, len(data)
        recording.fetch_error = None
        # The sound lives here now: Twilio's copy of the person's voice goes.
        forget_take_at_twilio(session, recording.recording_sid)
    return f"fetched {len(data)} bytes"


# -- uploaded in the console --------------------------------------------------------------------

def upload(session: Session, *, language: str, key: str, sentence: str, data: bytes, by: str,
           now: datetime) -> SentenceRecording:
    """Keep an uploaded file of a sentence, waiting for approval; refuse what is no WAV or MP3, or too big."""
    if len(data) > MAX_BYTES:
        raise RecordingError("too_large")
    kind = media.kind_of(data)
    if kind is None:
        raise RecordingError("not_audio")
    recording = SentenceRecording(language=language, key=key, sentence=sentence, status=WAITING, source=UPLOAD,
                                  url="", uploaded_by=by, audio=data, audio_type=kind, size=len(data), created_at=now)
    session.add(recording)
    session.flush()
    return recording


# -- a coordinator decides ----------------------------------------------------------------------

def approve(session: Session, recording: SentenceRecording, by: str, now: datetime) -> list[int]:
    """Make a waiting recording the one callers hear; return the ids of those it replaces.

    The database holds one approved recording per sentence (a partial unique index): when another
    coordinator approves a take of the same sentence at the same moment, the later one replaces it.
    """
    if recording.status != WAITING:
        raise RecordingError("not_waiting")
    if recording.audio is None:
        raise RecordingError("no_audio")
    for attempt in range(3):
        try:
            with session.begin_nested():
                before = list(session.scalars(select(SentenceRecording).where(
                    SentenceRecording.language == recording.language, SentenceRecording.key == recording.key,
                    SentenceRecording.status == APPROVED, SentenceRecording.id != recording.id).with_for_update()))
                for old in before:
                    old.status = REPLACED
                session.flush()  # the old one steps aside before the new one takes its place
                recording.status, recording.decided_by, recording.decided_at = APPROVED, by, now
                session.flush()
            return [old.id for old in before]
        except IntegrityError:
            # Another approval of this sentence committed meanwhile: look again, and replace it.
            session.refresh(recording)
            if recording.status != WAITING:
                raise RecordingError("not_waiting") from None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def reject(session: Session, recording: SentenceRecording, by: str, now: datetime) -> None:
    if recording.status not in (WAITING, APPROVED):
        raise RecordingError("not_waiting")
    recording.status, recording.decided_by, recording.decided_at = REJECTED, by, now
    recording.audio = None  # a rejected voice is not kept, here or at Twilio
    forget_take_at_twilio(session, recording.recording_sid)
    session.flush()


# -- where each sentence stands -----------------------------------------------------------------

NONE = "none"
SYNTHESIZED = "synthesized"
FILE = "file"


@dataclass
class SentenceState:
    """One sentence of a language, and what callers hear for it."""

    key: str
    sentence: str
    state: str  # approved, waiting, synthesized, file, none
    approved: SentenceRecording | None = None
    waiting: tuple[SentenceRecording, ...] = ()
    file_name: str | None = None  # a file in locales/<ll>/audio/


def states(session: Session, settings: Settings, code: str, listed: list[tuple[str, str]]) -> list[SentenceState]:
    """Tell, for each (key, sentence), what a caller hears and what waits for a coordinator."""
    rows = session.scalars(select(SentenceRecording).where(
        SentenceRecording.language == code, SentenceRecording.status.in_((WAITING, APPROVED)))
        .order_by(SentenceRecording.id))
    approved: dict[str, SentenceRecording] = {}
    waiting: dict[str, list[SentenceRecording]] = {}
    for row in rows:
        if row.status == APPROVED:
            approved[row.key] = row
        else:
            waiting.setdefault(row.key, []).append(row)
    synthesized = audio.synthesized(settings.locales_dir, code)
    found: list[SentenceState] = []
    for key, sentence in listed:
        name = audio.find(settings.locales_dir, code, sentence)
        if key in approved:
            state = APPROVED
        elif key in waiting:
            state = WAITING
        elif name is not None:
            state = SYNTHESIZED if name in synthesized else FILE
        else:
            state = NONE
        found.append(SentenceState(key, sentence, state, approved.get(key), tuple(waiting.get(key, ())), name))
    return found


def still_to_record(session: Session, settings: Settings, code: str, listed: list[tuple[str, str]]) -> list[int]:
    """The places in `listed` of sentences with no human recording yet (none waiting, none approved)."""
    return [i for i, state in enumerate(states(session, settings, code, listed))
            if state.state in (NONE, SYNTHESIZED)]
