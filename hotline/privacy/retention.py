"""Retention: what is kept only so long, removed by a scheduled job (RETAIN_* settings).

- Message bodies, replies and recordings: RETAIN_MESSAGES_DAYS after the request they belong to
  closed; for a person with nothing open or recently closed, that long after they were written.
- Closed requests' words, addresses, ride places and history notes: RETAIN_REQUEST_DETAILS_DAYS
  after they closed (category, language, status and dates stay for the counts).
- Delivery records (outbox rows, Twilio's reports): RETAIN_DELIVERY_DAYS.
- Audit entries: RETAIN_AUDIT_DAYS, never fewer than 30.
- A number with nothing open, nothing recent and no volunteer record, quiet for
  RETAIN_IDLE_CONTACTS_DAYS: erased like a DELETE (its closed requests stay, unlinked).
- Recording-line takes never kept (the recorder hung up while hearing them back): after a day,
  here and at Twilio.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .. import audit, needs
from ..config import Settings
from ..models import (
    AuditEntry, BroadcastReply, CheckIn, Contact, DeliveryReport, InboundMessage, Need, OutboxMessage, Recording,
    SentenceRecording, Volunteer, contact_blocked,
)
from ..outbound.outbox import IN_FLIGHT
from . import erase

log = logging.getLogger(__name__)

# The audit log refuses to give up anything younger (a database trigger).
AUDIT_FLOOR_DAYS = 30
# Idle numbers erased in one run at most; the next run takes the rest.
IDLE_BATCH = 500
CLOSED = (needs.DONE, needs.WITHDRAWN)
# A take left unkept this long belongs to a call that ended long ago.
DRAFT_TAKE_HOURS = 24
ACTOR = "retention"


def _days(value: int) -> timedelta:
    return timedelta(days=max(0, value))


def purge(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Apply every retention window once; return what was removed, by kind (also audited)."""
    messages = now - _days(settings.retain_messages_days)
    details = now - _days(settings.retain_request_details_days)
    counts = {
        "recordings": _recordings(session, messages),
        "unkept_takes": erase.delete_sentence_recordings(session, and_(
            SentenceRecording.status == "draft",
            SentenceRecording.created_at < now - timedelta(hours=DRAFT_TAKE_HOURS)), limit=5000),
        "message_bodies": _message_bodies(session, messages),
        "request_details": _request_details(session, details),
        "delivery_records": _delivery_records(session, now - _days(settings.retain_delivery_days)),
        "idle_numbers": _idle_contacts(session, settings, now, details),
        "audit_entries": _audit_entries(session, now - _days(max(AUDIT_FLOOR_DAYS, settings.retain_audit_days))),
    }
    if any(counts.values()):
        audit.record(session, ACTOR, "retention_purge", "retention", after=counts, at=now)
        log.info("retention: %s", ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    return counts


def _live_need(since: datetime):
    """Needs still wanted: open, or closed since `since`."""
    return or_(Need.status.in_(needs.ACTIVE), Need.updated_at >= since)


def _has_live_need(contact_id, since: datetime):
    return exists().where(Need.contact_id == contact_id, _live_need(since))


def _need_is_live(need_id, since: datetime):
    return exists().where(Need.id == need_id, _live_need(since))


def _recordings(session: Session, since: datetime) -> int:
    """Recordings of requests closed long enough ago, or of people with nothing open, go (here and at Twilio)."""
    expired = and_(
        Recording.created_at < since,
        or_(and_(Recording.need_id.is_not(None), ~_need_is_live(Recording.need_id, since)),
            and_(Recording.need_id.is_(None),
                 or_(Recording.contact_id.is_(None), ~_has_live_need(Recording.contact_id, since)))),
    )
    return erase.delete_recordings(session, expired, limit=5000)


def _message_bodies(session: Session, since: datetime) -> int:
    """Texts in and out lose their words once nothing they belong to is still wanted."""
    inbound = and_(
        InboundMessage.received_at < since,
        or_(InboundMessage.contact_id.is_(None), ~_has_live_need(InboundMessage.contact_id, since)),
    )
    # The row goes too: its sid is only needed while Twilio might retry the webhook.
    removed = session.execute(delete(InboundMessage).where(inbound)).rowcount or 0
    # Volunteers' replies to broadcasts are texts in like any other.
    removed += session.execute(delete(BroadcastReply).where(BroadcastReply.received_at < since)).rowcount or 0
    outbound = and_(
        OutboxMessage.created_at < since, OutboxMessage.status.not_in(IN_FLIGHT), OutboxMessage.body != "",
        OutboxMessage.channel != "delete",
        or_(OutboxMessage.need_id.is_(None), ~_need_is_live(OutboxMessage.need_id, since)),
    )
    # Keeping updated_at: the delivery window counts from the row's own last change.
    removed += session.execute(update(OutboxMessage).where(outbound).values(
        body="", meta={}, updated_at=OutboxMessage.updated_at)).rowcount or 0
    return removed


def _request_details(session: Session, since: datetime) -> int:
    """Closed requests keep their category, status and dates; their words and places go."""
    return erase.scrub_words(session, select(Need.id).where(Need.status.in_(CLOSED), Need.updated_at < since))


def _delivery_records(session: Session, since: datetime) -> int:
    removed = session.execute(delete(OutboxMessage).where(
        OutboxMessage.status.not_in(IN_FLIGHT), OutboxMessage.updated_at < since)).rowcount or 0
    removed += session.execute(delete(DeliveryReport).where(DeliveryReport.received_at < since)).rowcount or 0
    return removed


def _idle_contacts(session: Session, settings: Settings, now: datetime, details_since: datetime) -> int:
    """Numbers quiet for long with nothing open or recent (and no volunteer record) are erased."""
    quiet = now - _days(settings.retain_idle_contacts_days)
    volunteer = exists().where(Volunteer.contact_id == Contact.id, Volunteer.status != "removed")
    # Someone checked on (who may only ever press 1 on a call) is kept while their check-ins are not stopped.
    checked_on = exists().where(CheckIn.contact_id == Contact.id, CheckIn.status != "stopped")
    ids = session.scalars(select(Contact.id).where(
        Contact.last_seen_at < quiet, Contact.phone != erase.ERASED, ~volunteer, ~checked_on, ~contact_blocked(now),
        ~_has_live_need(Contact.id, details_since),
    ).order_by(Contact.id).limit(IDLE_BATCH)).all()
    for contact_id in ids:
        contact = session.get(Contact, contact_id)
        if contact is not None:
            erase.forget(session, settings, contact, now, actor=ACTOR, reason="idle", audited=False)
    return len(ids)


def _audit_entries(session: Session, before: datetime) -> int:
    """Old audit entries go; the database may refuse (its own clock says they are too young): kept then."""
    try:
        with session.begin_nested():
            return session.execute(delete(AuditEntry).where(AuditEntry.at < before)).rowcount or 0
    except DBAPIError as error:
        log.warning("retention: audit entries kept for now (%s)", type(error).__name__)
        return 0
