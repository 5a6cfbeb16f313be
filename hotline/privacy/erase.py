"""Erasing a person: what the hotline holds about a number goes, what the counts need stays unlinked.

What goes: the contact (the one place the number lives) and its conversation; every message
body and reply to or from them; their requests' words, addresses, ride places and history
notes (helpers' notes on them included); their recordings (here at once, at Twilio through the
outbox, with retries); a volunteer's record, offers and the words of their notes on tasks, after
their tasks are handed back. What stays: each request's category, language, channel, status and
dates, tied to one shared "erased" contact, so a request of category X met on day Y still counts
and points at nobody.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from .. import audit, bridges, needs, offers, volunteers
from ..config import Settings
from ..db import insert_ignore
from ..dispatch import checkins, commands, notes, resident
from ..models import (
    Ask, AuditEntry, BroadcastRecipient, BroadcastReply, CheckIn, CheckInRound, Contact, Conversation, InboundMessage,
    Need, NeedEvent, Offer, OutboxMessage, Recorder, Recording, Ride, SentenceRecording, UpdateConsent, Volunteer,
)
from ..outbound.outbox import FINAL, IN_FLIGHT, PENDING, RECORDING_DELETE, SKIPPED, queue_recording_delete

log = logging.getLogger(__name__)

# The one contact erased requests are tied to: never a number, so nothing is ever sent to it.
ERASED = "erased"
# What an audit entry about an erased person keeps of its details.
REDACTED = {"redacted": True}
# Why rows to an erased person were never sent.
ERASED_REASON = "erased at the person's request"


@dataclass
class Erased:
    """What an erasure removed, in counts only (kept in the audit log)."""

    requests: int = 0
    withdrawn: int = 0
    messages: int = 0
    recordings: int = 0
    tasks_handed_back: int = 0
    volunteer: bool = False


def erased_contact(session: Session) -> Contact:
    """The shared contact erased requests belong to (made on first use)."""
    insert_ignore(session, Contact, {"phone": ERASED, "language": None}, ["phone"])
    return session.scalars(select(Contact).where(Contact.phone == ERASED)).one()


def is_erased(contact: Contact | None) -> bool:
    return contact is not None and contact.phone == ERASED


def recording_was_erased(session: Session, recording_sid: str) -> bool:
    """Tell whether a recording was erased (a transcription that comes later is then dropped)."""
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.kind == RECORDING_DELETE, OutboxMessage.body == recording_sid).limit(1)) is not None


def forget(session: Session, settings: Settings, contact: Contact, now: datetime, *, actor: str, reason: str,
           user_id: int | None = None, address: str = "", audited: bool = True) -> Erased:
    """Erase everything held about this contact, in the caller's transaction, and audit it (counts only).

    The contact and its conversation are gone when this returns: callers must not touch them again.
    `audited=False` is for the retention job, which records one entry for all it removed.
    """
    erased = Erased()
    volunteer = volunteers.for_contact(session, contact)
    if volunteer is not None:
        erased.tasks_handed_back = _hand_back(session, settings, volunteer, now)
        erased.volunteer = True
    own = list(session.scalars(select(Need).where(Need.contact_id == contact.id).order_by(Need.id)))
    # Messages to others still waiting to go out (an offer with the address) are never sent;
    # what the withdrawal below queues (telling helpers) goes.
    last_queued = session.scalar(select(func.max(OutboxMessage.id))) or 0
    for need in own:
        if need.status in needs.ACTIVE:
            # Whoever is helping is told, and a ride is cancelled with its way back.
            resident.withdraw(session, settings, need, now)
            erased.withdrawn += 1
    session.flush()
    need_ids = [need.id for need in own]
    refs = [need.ref for need in own]
    volunteer_id = volunteer.id if volunteer is not None else None
    erased.requests = len(need_ids)
    erased.recordings = _erase_recordings(session, contact.id, need_ids)
    erased.messages = _erase_messages(session, contact.id, need_ids, last_queued)
    if need_ids:
        _scrub_needs(session, need_ids, erased_contact(session).id)
    if volunteer is not None:
        _erase_volunteer(session, volunteer)
    plans = list(session.scalars(select(CheckIn.id).where(CheckIn.contact_id == contact.id)))
    _redact_audit(session, [f"need {ref}" for ref in refs] + ([f"volunteer {volunteer_id}"] if volunteer_id else [])
                  + [f"check-ins {plan}" for plan in plans])
    session.execute(delete(Ask).where(Ask.contact_id == contact.id))
    # Their replies to broadcasts, and that one ever went to them.
    session.execute(delete(BroadcastReply).where(BroadcastReply.contact_id == contact.id))
    session.execute(delete(BroadcastRecipient).where(BroadcastRecipient.contact_id == contact.id))
    session.execute(delete(UpdateConsent).where(UpdateConsent.contact_id == contact.id))
    # Check-ins go; their rounds stay in the public count, pointing at nobody: each erased plan's
    # rounds share a fresh random mark (so people are counted), and lose their answers and visits.
    for plan in plans:
        # A round still waiting for an answer never follows up.
        session.execute(update(CheckInRound).where(
            CheckInRound.checkin_id == plan, CheckInRound.status.in_(checkins.OPEN_ROUND),
        ).values(status=checkins.SKIPPED).execution_options(synchronize_session=False))
        session.execute(update(CheckInRound).where(CheckInRound.checkin_id == plan).values(
            checkin_id=None, erased_plan=secrets.token_hex(8), answer=None, answer_channel=None, need_id=None,
        ).execution_options(synchronize_session=False))
    session.execute(delete(CheckIn).where(CheckIn.contact_id == contact.id))
    session.execute(delete(Conversation).where(Conversation.contact_id == contact.id))
    # Every take of a recorder goes with them, approved ones too: it is their voice, and callers
    # hear the placeholder or the fallback again. Twilio deletes its copies.
    recorder_ids = select(Recorder.id).where(Recorder.contact_id == contact.id)
    delete_sentence_recordings(session, SentenceRecording.recorder_id.in_(recorder_ids))
    session.execute(delete(Recorder).where(Recorder.contact_id == contact.id))
    session.execute(delete(Contact).where(Contact.id == contact.id))
    # Loaded objects of what was just deleted must never be written back.
    session.expire_all()
    if audited:
        audit.record(session, actor, "erased", "volunteer" if erased.volunteer else "resident",
                     after={"reason": reason[:500], **asdict(erased)}, user_id=user_id, address=address, at=now)
    log.info("erased a %s: %s", "volunteer" if erased.volunteer else "resident", asdict(erased))
    return erased


def _redact_audit(session: Session, subjects: list[str]) -> None:
    """Keep who did what to them and when; drop what the entries held (names, areas, reasons, notes).

    The database lets an entry change only this way: its details replaced by {"redacted": true}.
    """
    if subjects:
        session.execute(update(AuditEntry).where(AuditEntry.subject.in_(subjects)).values(
            before={}, after=REDACTED).execution_options(synchronize_session=False))


def _hand_back(session: Session, settings: Settings, volunteer: Volunteer, now: datetime) -> int:
    """Give a volunteer's claimed tasks back (the residents are told, the tasks offered again)."""
    handed = 0
    for offer in offers.open_tasks(session, volunteer):
        if offer.status == offers.CLAIMED:
            commands.release(session, settings, offer, now)
            handed += 1
        else:
            offers.transition(offer, offers.CANCELLED, now)
    return handed


def _erase_volunteer(session: Session, volunteer: Volunteer) -> None:
    """Drop the volunteer's record and offers; history notes that name them lose the name."""
    session.flush()
    helped = select(Offer.need_id).where(Offer.volunteer_id == volunteer.id)
    name = volunteer.first_name
    if name:
        session.execute(update(NeedEvent).where(
            NeedEvent.need_id.in_(helped),
            or_(NeedEvent.note == name, NeedEvent.note.like(f"% {_like(name)}", escape="\\")),
        ).values(note="").execution_options(synchronize_session=False))
        # Their notes on tasks are words from them, like their texts: they go too (that a note was
        # left stays in the history).
        session.execute(update(NeedEvent).where(
            NeedEvent.need_id.in_(helped), NeedEvent.kind == notes.EVENT,
            NeedEvent.note.like(f"{_like(name)}: %", escape="\\"),
        ).values(note="").execution_options(synchronize_session=False))
        # A masked call's history reads "Rosa · 1:15": the name goes, like everywhere else.
        session.execute(update(NeedEvent).where(
            NeedEvent.need_id.in_(helped), NeedEvent.kind.in_(bridges.EVENTS),
            NeedEvent.note.like(f"{_like(name)} · %", escape="\\"),
        ).values(note="").execution_options(synchronize_session=False))
        # The calls' own rows say who asked (read out to the resident while the call is under way).
        calls = session.scalars(select(OutboxMessage).where(OutboxMessage.need_id.in_(helped),
                                                            OutboxMessage.kind == bridges.BRIDGE))
        for row in calls:
            meta = row.meta or {}
            if meta.get("volunteer_id") == volunteer.id or (meta.get("as") == bridges.VOLUNTEER
                                                            and meta.get("by") == name):
                row.meta = {**meta, "by": "", "volunteer_id": None}
        session.flush()  # before the expiry below drops what is not yet written
    session.execute(delete(Offer).where(Offer.volunteer_id == volunteer.id).execution_options(
        synchronize_session=False))
    volunteer_id = volunteer.id
    session.expire_all()
    session.execute(delete(Volunteer).where(Volunteer.id == volunteer_id).execution_options(
        synchronize_session=False))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _erase_recordings(session: Session, contact_id: int, need_ids: list[int]) -> int:
    where = Recording.contact_id == contact_id
    if need_ids:
        where = or_(where, Recording.need_id.in_(need_ids))
    return delete_recordings(session, where)


def forget_take_at_twilio(session: Session, recording_sid: str | None) -> None:
    """Queue the deletion of a recording-line take at Twilio, once."""
    if recording_sid and not recording_was_erased(session, recording_sid):
        queue_recording_delete(session, recording_sid)


def delete_sentence_recordings(session: Session, where, limit: int | None = None) -> int:
    """Delete the sentence recordings `where` says here, and queue their takes' deletion at Twilio."""
    query = select(SentenceRecording.id, SentenceRecording.recording_sid).where(where).order_by(SentenceRecording.id)
    rows = session.execute(query.limit(limit) if limit else query).all()
    for _, sid in rows:
        forget_take_at_twilio(session, sid)
    if rows:
        session.execute(delete(SentenceRecording).where(SentenceRecording.id.in_([r.id for r in rows]))
                        .execution_options(synchronize_session=False))
    return len(rows)


def delete_recordings(session: Session, where, limit: int | None = None) -> int:
    """Delete the recordings `where` says here, and queue their deletion at Twilio (retried until done)."""
    query = select(Recording.id, Recording.recording_sid).where(where)
    rows = session.execute(query.limit(limit) if limit else query).all()
    for _, sid in rows:
        if sid:
            queue_recording_delete(session, sid)
    if rows:
        session.execute(delete(Recording).where(Recording.id.in_([r.id for r in rows])).execution_options(
            synchronize_session=False))
    return len(rows)


def _erase_messages(session: Session, contact_id: int, need_ids: list[int], last_queued: int) -> int:
    """Remove the words of every message to or from them; rows to them that were never sent end unsent."""
    # Anything still waiting to go to them, or about them to others, is never sent (no events:
    # nobody is to be told).
    waiting = OutboxMessage.contact_id == contact_id
    if need_ids:
        waiting = or_(waiting, OutboxMessage.need_id.in_(need_ids) & (OutboxMessage.id <= last_queued)
                      & (OutboxMessage.status == PENDING))
    session.execute(update(OutboxMessage).where(waiting, OutboxMessage.status.not_in(FINAL)).values(
        status=SKIPPED, reason=ERASED_REASON).execution_options(synchronize_session=False))
    to_them = OutboxMessage.contact_id == contact_id
    # Messages to others about their requests held their words (an offer with the address). Those
    # gone out lose them now; one being handed to Twilio this moment keeps them until it is settled
    # (reconciling needs the words), and the retention purge takes them after.
    about_them = (OutboxMessage.need_id.in_(need_ids) & OutboxMessage.status.not_in(IN_FLIGHT)) if need_ids else None
    where = or_(to_them, about_them) if about_them is not None else to_them
    counted = len(session.scalars(select(OutboxMessage.id).where(to_them)).all())
    # `meta` may hold the words too (what a call would say instead of a text).
    session.execute(update(OutboxMessage).where(where).values(body="", meta={}, contact_id=None).execution_options(
        synchronize_session=False))
    if need_ids:
        _erase_helpers_copies(session, need_ids)
    counted += len(session.scalars(select(InboundMessage.id).where(InboundMessage.contact_id == contact_id)).all())
    session.execute(delete(InboundMessage).where(InboundMessage.contact_id == contact_id).execution_options(
        synchronize_session=False))
    return counted


def _erase_helpers_copies(session: Session, need_ids: list[int]) -> None:
    """Helpers' texts since these requests were made, and the replies that gave them the words and address.

    Counted from the request, not the offer: an offer held for the morning carries its send time.
    """
    offered = session.execute(select(Volunteer.contact_id, func.min(Need.created_at)).join(
        Offer, Offer.volunteer_id == Volunteer.id).join(Need, Need.id == Offer.need_id).where(
        Offer.need_id.in_(need_ids)).group_by(Volunteer.contact_id)).all()
    for helper, since in offered:
        session.execute(update(InboundMessage).where(
            InboundMessage.contact_id == helper, InboundMessage.received_at >= since,
        ).values(body="", reply="").execution_options(synchronize_session=False))


def _scrub_needs(session: Session, need_ids: list[int], erased_id: int) -> None:
    """Keep each request's category, status and dates for the counts; drop its words and its person."""
    session.execute(update(Need).where(Need.id.in_(need_ids)).values(
        contact_id=erased_id, erased_household=secrets.token_hex(8)).execution_options(synchronize_session=False))
    scrub_words(session, need_ids)


def scrub_words(session: Session, need_ids) -> int:
    """Drop the words of these requests (ids, or a select of them): details, place, words at the door,
    ride places and history notes; return how many requests still had some. When they changed stays."""
    count = session.execute(update(Need).where(
        Need.id.in_(need_ids), or_(Need.details != "", Need.location != "", Need.door_words.is_not(None)),
    ).values(details="", location="", door_words=None, updated_at=Need.updated_at).execution_options(
        synchronize_session=False)).rowcount or 0
    session.execute(update(Ride).where(
        Ride.need_id.in_(need_ids), or_(Ride.pickup != "", Ride.destination != ""),
    ).values(pickup="", destination="", updated_at=Ride.updated_at).execution_options(synchronize_session=False))
    session.execute(update(NeedEvent).where(NeedEvent.need_id.in_(need_ids), NeedEvent.note != "").values(
        note="").execution_options(synchronize_session=False))
    return count
