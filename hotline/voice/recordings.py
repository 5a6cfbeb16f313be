"""Callers' recorded words: voicemail that becomes a need, answers recorded where speech is not recognised."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import coordinators, needs
from ..config import Settings
from ..db import insert_ignore
from ..dispatch import copy
from ..i18n import Translator
from ..models import Contact, Conversation, Need, NeedEvent, Recording
from ..phones import mask
from ..privacy import erase

log = logging.getLogger(__name__)

VOICEMAIL = "voicemail"
ANSWER = "answer"

def marker(recording: Recording) -> str:
    """How a recorded answer stands in the conversation and in a need's words until it is transcribed."""
    return needs.recording_marker(recording.id)


def save(
    session: Session,
    *,
    purpose: str,
    call_sid: str,
    contact: Contact | None,
    language: str,
    url: str,
    recording_sid: str | None,
    duration: int | None,
    now: datetime,
) -> Recording:
    """Keep a recording once, however often Twilio tells us about it (and in whichever order)."""
    values = {"call_sid": call_sid, "purpose": purpose, "language": language, "url": url, "created_at": now,
              "contact_id": contact.id if contact else None, "duration": duration}
    if recording_sid:
        insert_ignore(session, Recording, {**values, "recording_sid": recording_sid}, ["recording_sid"])
        recording = session.scalars(select(Recording).where(Recording.recording_sid == recording_sid)).one()
        # A transcription that came first left the row without what only the call knows.
        recording.url = recording.url or url
        recording.purpose = purpose
        recording.language = language
        recording.contact_id = recording.contact_id or values["contact_id"]
        recording.duration = recording.duration if recording.duration is not None else duration
        return recording
    recording = Recording(**values)
    session.add(recording)
    session.flush()
    return recording


def leave_voicemail(
    session: Session, settings: Settings, contact: Contact, recording: Recording, now: datetime,
) -> Need:
    """Turn a voicemail into a need for coordinators and tell them about it."""
    if recording.need_id is not None:
        return recording.need
    t = Translator(settings.default_language, settings.locales_dir)
    voicemail = t._("Voicemail:")
    need = needs.create(
        session, contact, category="other",
        details=recording.transcription or f"{voicemail} {recording.url}",
        location="", language=recording.language, channel="voice", now=now,
    )
    need.events.append(NeedEvent(at=now, kind="voicemail", note=recording.url))
    recording.need = need
    recording.need_id = need.id
    coordinators.tell(session, settings, lambda t: copy.listen_to_voicemail(t, need.ref, [recording.url]),
                      need_id=need.id, reason=coordinators.VOICEMAIL,
                      why=f"voicemail {recording.id} kept as request {need.ref}")
    log.info("voicemail from %s kept as request %s", mask(contact.phone), need.ref)
    return need


def link_answers(session: Session, contact: Contact, now: datetime) -> None:
    """Tie recorded answers to the need their words went into, with the recording's address in its history."""
    waiting = session.scalars(select(Recording).where(
        Recording.contact_id == contact.id, Recording.purpose == ANSWER, Recording.need_id.is_(None))).all()
    if not waiting:
        return
    for need in needs.open_needs(session, contact):
        for recording in waiting:
            if recording.need_id is None and marker(recording) in f"{need.details}\n{need.location}":
                recording.need_id = need.id
                need.events.append(NeedEvent(at=now, kind="recording", note=recording.url))


def transcribed(
    session: Session,
    *,
    recording_sid: str,
    url: str,
    call_sid: str,
    text: str,
    status: str,
    now: datetime,
) -> Recording | None:
    """Keep a transcription and put its words where the recording stood in for them."""
    if erase.recording_was_erased(session, recording_sid):
        return None  # its caller erased it: the words that come late are not kept either
    insert_ignore(session, Recording, {
        "recording_sid": recording_sid, "call_sid": call_sid, "purpose": VOICEMAIL, "language": "",
        "url": url, "created_at": now,
    }, ["recording_sid"])
    recording = session.scalars(
        select(Recording).where(Recording.recording_sid == recording_sid).with_for_update()).one()
    if recording.transcription_status == "completed":
        return recording  # told twice
    recording.transcription_status = status
    recording.transcribed_at = now
    if status != "completed" or not text.strip():
        return recording
    recording.transcription = text.strip()
    need = session.get(Need, recording.need_id) if recording.need_id else None
    if recording.purpose == VOICEMAIL and need is not None:
        need.details = f"{recording.transcription}\n({recording.url})"
        need.events.append(NeedEvent(at=now, kind="transcribed", note=recording.transcription))
    elif recording.purpose == ANSWER:
        _replace_marker(session, recording)
    return recording


def _replace_marker(session: Session, recording: Recording) -> None:
    words, mark = recording.transcription or "", marker(recording)
    need = session.get(Need, recording.need_id) if recording.need_id else None
    if need is not None:
        need.details = need.details.replace(mark, words)
        need.location = need.location.replace(mark, words)
    if recording.contact_id is None:
        return
    conversation = session.scalars(
        select(Conversation).where(Conversation.contact_id == recording.contact_id).with_for_update()
    ).one_or_none()
    if conversation is None:
        return
    data = dict(conversation.data)
    changed = {k: v.replace(mark, words) for k, v in data.items() if isinstance(v, str) and mark in v}
    if changed:
        conversation.data.update(changed)


def url_of(session: Session, recording_id: int, contact: Contact) -> str | None:
    """Return the address of one of this contact's recordings (never another caller's)."""
    recording = session.get(Recording, recording_id)
    if recording is None or recording.contact_id != contact.id:
        return None
    return recording.url or None
