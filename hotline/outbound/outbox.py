"""The outbox: every message to someone other than the person being answered starts here.

`queue_sms` writes a row in the caller's transaction; once that transaction commits, a text due
now kicks `deliver_due` (one job sends every due text, in batches: see `delivery`), and anything
else (a call, a text for later) is enqueued by its id for `hotline.outbound.delivery.deliver`.
If the enqueue fails (Redis down) or its job is lost (a worker died), the periodic `sweep` finds
the row and enqueues it again. Delivery is idempotent, so a row enqueued twice is still sent once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..clock import now as utcnow
from ..db import insert_ignore
from ..models import Contact, OutboxMessage
from ..phones import mask, normalize
from ..services import current, current_or_none
from ..sms import clean
from . import events

log = logging.getLogger(__name__)

# Row statuses. Waiting on our side:
PENDING = "pending"  # waiting to be sent (new, scheduled, paced or retrying)
SUBMITTING = "submitting"  # a worker is handing it to Twilio right now
UNKNOWN = "unknown"  # the hand-over timed out: held until Twilio's message list says what happened
# Twilio's own progress, in order (a row only moves forward through these):
QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
# Ends without delivery:
FAILED = "failed"
UNDELIVERED = "undelivered"
EXPIRED = "expired"  # not sent before its time to live ran out
SKIPPED = "skipped"  # never sent: the recipient opted out or cannot get SMS

NOT_DELIVERED = frozenset({FAILED, UNDELIVERED, EXPIRED, SKIPPED})
# Not yet out of our hands: the words are still needed to send or to find the message at Twilio.
IN_FLIGHT = frozenset({PENDING, SUBMITTING, UNKNOWN})
FINAL = NOT_DELIVERED | {DELIVERED}
RETRYABLE = frozenset({FAILED, UNDELIVERED, EXPIRED})

_QUEUED_IDS = "hotline_outbox_ids"
# The job that sends every text that is due; kicked, not enqueued once per row.
DRAIN_JOB = "deliver_due"

# Rows that ask Twilio to delete a recording (erased or expired): this channel and kind, the
# recording's sid in the body, no recipient. Deleting twice is harmless, so they are simply retried.
DELETE_CHANNEL = "delete"
RECORDING_DELETE = "recording_delete"


def find_or_create_contact(session: Session, phone: str) -> Contact:
    """Return the contact for an E.164 number, creating it if needed."""
    number = normalize(phone)
    if number is None or number != phone:
        raise ValueError(f"not an E.164 phone number: {mask(phone)}")
    now = utcnow()
    insert_ignore(session, Contact, {"phone": number, "created_at": now, "last_seen_at": now}, ["phone"])
    return session.scalars(select(Contact).where(Contact.phone == number)).one()


def _default_ttl() -> timedelta | None:
    hotline = current_or_none()
    hours = hotline.settings.outbox_default_ttl_hours if hotline is not None else 0
    return timedelta(hours=hours) if hours > 0 else None


def queue_sms(
    session: Session,
    to: Contact | str,
    body: str,
    *,
    kind: str,
    reply: bool = False,
    ttl: timedelta | None = None,
    send_after: datetime | None = None,
    need_id: int | None = None,
    meta: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Queue an SMS in the caller's transaction; it is enqueued for delivery once that commits.

    `to` is a Contact or an E.164 number; `kind` a short label ("offer", "claimed", ...);
    `reply` exempts it from the per-recipient burst cap; `ttl` is how long after it is due it
    may still be sent (default OUTBOX_DEFAULT_TTL_HOURS); `send_after` (aware UTC) schedules it.
    """
    return _queue(session, "sms", to, clean(body), kind=kind, reply=reply, ttl=ttl, send_after=send_after,
                  need_id=need_id, meta=meta)


def queue_call(
    session: Session,
    to: Contact | str,
    words: str,
    *,
    kind: str,
    ask_id: int | None = None,
    ttl: timedelta | None = None,
    send_after: datetime | None = None,
    need_id: int | None = None,
    meta: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Queue a phone call that says `words` in the recipient's language, through the same outbox.

    With `ask_id` (an open 1-or-2 question), the call ends with "press 1 to confirm, 2 to cancel"
    and the key pressed answers it as a text would. Unanswered calls are tried again, a few times.
    """
    return _queue(session, "call", to, clean(words, limit=2000), kind=kind, reply=False, ttl=ttl,
                  send_after=send_after, need_id=need_id, meta={**(meta or {}), "ask_id": ask_id})


def _queue(session: Session, channel: str, to: Contact | str, body: str, *, kind: str, reply: bool,
           ttl: timedelta | None, send_after: datetime | None, need_id: int | None,
           meta: dict[str, Any] | None) -> OutboxMessage:
    if send_after is not None and send_after.tzinfo is None:
        raise ValueError("send_after must be an aware datetime")
    contact = to if isinstance(to, Contact) else find_or_create_contact(session, to)
    now = utcnow()
    due = max(send_after, now) if send_after is not None else now
    ttl = ttl if ttl is not None else _default_ttl()
    row = OutboxMessage(
        channel=channel,
        kind=kind,
        contact_id=contact.id,
        contact=contact,
        body=body,
        reply=reply,
        need_id=need_id,
        meta=dict(meta or {}),
        status=PENDING,
        attempts=0,
        checks=0,
        created_at=now,
        updated_at=now,
        send_after=send_after,
        expires_at=due + ttl if ttl is not None else None,
        next_attempt_at=due,
    )
    session.add(row)
    session.flush()
    if channel == "sms" and (send_after is None or send_after <= now):
        kick_after_commit(session, DRAIN_JOB)
    else:
        enqueue_after_commit(session, "deliver", row.id, when=send_after, job_id=f"deliver-{row.id}")
    return row


def queue_recording_delete(session: Session, recording_sid: str) -> OutboxMessage:
    """Ask Twilio, through the outbox, to delete a recording (it keeps them until told)."""
    now = utcnow()
    row = OutboxMessage(channel=DELETE_CHANNEL, kind=RECORDING_DELETE, contact_id=None, body=recording_sid,
                        status=PENDING, attempts=0, checks=0, created_at=now, updated_at=now, next_attempt_at=now,
                        meta={})
    session.add(row)
    session.flush()
    enqueue_after_commit(session, "deliver", row.id, job_id=f"deliver-{row.id}")
    return row


def enqueue_after_commit(
    session: Session, job_name: str, *args: Any, when: datetime | None = None, job_id: str | None = None
) -> None:
    """Enqueue a job once the session's transaction commits; forget it if it rolls back."""
    session.info.setdefault(_QUEUED_IDS, []).append((job_name, args, when, job_id))


def kick_after_commit(session: Session, job_name: str) -> None:
    """Kick a job (see `kick_now`) once the session's transaction commits; forget it if it rolls back."""
    queued = session.info.setdefault(_QUEUED_IDS, [])
    if (job_name, None, None, None) not in queued:
        queued.append((job_name, None, None, None))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for job_name, args, when, job_id in session.info.pop(_QUEUED_IDS, ()):
        if args is None:
            kick_now(job_name)
        else:
            enqueue_now(job_name, *args, when=when, job_id=job_id)


def kick_now(job_name: str) -> bool:
    """Have a job run soon, enqueued once until it starts however often it is kicked; or log why not."""
    hotline = current_or_none()
    if hotline is None or hotline.queue is None:
        log.warning("no job queue here: %s waits for the sweep", job_name)
        return False
    try:
        hotline.queue.kick(job_name)
        return True
    except Exception as error:  # noqa: BLE001 - Redis down must not fail a committed request
        log.warning("could not kick %s (%s): the sweep will", job_name, error)
        return False


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_QUEUED_IDS, None)


def enqueue_now(job_name: str, *args: Any, when: datetime | None = None, job_id: str | None = None) -> bool:
    """Enqueue a job, or log why not; a committed row is never lost, the sweep finds it later."""
    hotline = current_or_none()
    if hotline is None or hotline.queue is None:
        log.warning("no job queue here: %s %s waits for the sweep", job_name, args)
        return False
    try:
        if when is not None and when > utcnow():
            hotline.queue.enqueue_at(when, job_name, *args, job_id=job_id)
        else:
            hotline.queue.enqueue(job_name, *args, job_id=job_id)
        return True
    except Exception as error:  # noqa: BLE001 - Redis down must not fail a committed request
        log.warning("could not enqueue %s %s (%s): the sweep will", job_name, args, error)
        return False


def finish(session: Session, row: OutboxMessage, status: str, reason: str | None, *, code: int | None = None) -> None:
    """End a row without delivery (or with it) and tell subscribers when it will never arrive."""
    if row.status in FINAL:
        return
    row.status = status
    row.reason = reason
    if code is not None:
        row.error_code = code
    row.updated_at = utcnow()
    log.info("outbox %s to %s: %s (%s)", row.id, mask(row.to), status, reason or "")
    if status in NOT_DELIVERED:
        session.flush()
        events.publish(events.DELIVERY_FAILED, session, message=row)


def expiry_reason(row: OutboxMessage) -> str:
    """Why a row expired, saying so when a budget held it back (coordinators count those)."""
    if row.held_for:
        return f"not sent before it expired: held by the {row.held_for} budget"
    return "not sent before it expired"


def sweep(now: datetime | None = None) -> str:
    """Expire rows past their time, enqueue again rows left waiting, check on interrupted sends.

    A row held by a budget waits with `next_attempt_at` at the end of its period, so the sweep
    leaves it alone until then (and enqueues it again if its job was lost).
    """
    hotline = current()
    settings = hotline.settings
    now = now or utcnow()
    stale = now - timedelta(seconds=settings.outbox_stale_seconds)
    # A send still "submitting" after this long lost its worker mid-request.
    stuck = now - timedelta(seconds=settings.outbox_stale_seconds + settings.twilio_timeout_seconds)
    deliver_ids: list[int] = []
    reconcile_ids: list[int] = []
    expired = 0
    with hotline.db.session() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.expires_at <= now)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            finish(session, row, EXPIRED, expiry_reason(row))
            expired += 1
        for row in session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= stale)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1000)
            .with_for_update(skip_locked=True)
        ):
            # Bumped so the next sweep leaves it alone unless it is stuck again.
            row.next_attempt_at = now
            deliver_ids.append(row.id)
        for row in session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == SUBMITTING, OutboxMessage.submitted_at <= stuck)
            .with_for_update(skip_locked=True)
        ):
            row.status = UNKNOWN
            row.reason = "interrupted while sending: checking Twilio before any resend"
            row.next_attempt_at = now
            reconcile_ids.append(row.id)
        for row in session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == UNKNOWN, OutboxMessage.next_attempt_at <= stale)
            .with_for_update(skip_locked=True)
        ):
            row.next_attempt_at = now
            reconcile_ids.append(row.id)
    stamp = int(now.timestamp())
    for outbox_id in deliver_ids:
        enqueue_now("deliver", outbox_id, job_id=f"deliver-{outbox_id}-sweep-{stamp}")
    for outbox_id in reconcile_ids:
        enqueue_now("reconcile", outbox_id, job_id=f"reconcile-{outbox_id}-sweep-{stamp}")
    if expired or deliver_ids or reconcile_ids:
        log.info("sweep: %d expired, %d re-enqueued, %d to reconcile", expired, len(deliver_ids), len(reconcile_ids))
    return f"expired {expired}, re-enqueued {len(deliver_ids)}, reconciling {len(reconcile_ids)}"


def retry(session: Session, outbox_id: int) -> OutboxMessage:
    """Queue a failed, undelivered or expired row again (an operator's decision)."""
    row = session.get(OutboxMessage, outbox_id, with_for_update=True)
    if row is None:
        raise LookupError(f"no outbox row {outbox_id}")
    if row.status not in RETRYABLE:
        raise ValueError(f"outbox row {outbox_id} is {row.status}; only failed, undelivered or expired rows are retried")
    now = utcnow()
    if row.expires_at is not None:
        # Give it the time to live it was queued with, counted from now.
        row.expires_at = now + (row.expires_at - (row.send_after or row.created_at))
    if row.twilio_sid:
        row.meta = {**row.meta, "previous_sids": [*row.meta.get("previous_sids", []), row.twilio_sid]}
    row.twilio_sid = None
    row.status = PENDING
    row.reason = "retried by an operator"
    row.error_code = None
    row.attempts = 0
    row.checks = 0
    row.send_after = None
    row.next_attempt_at = now
    row.recipient_slot_at = None
    row.sender_slot_at = None
    row.submitted_at = None
    row.sent_at = None
    row.updated_at = now
    session.flush()
    if row.channel == "sms":
        kick_after_commit(session, DRAIN_JOB)
    else:
        enqueue_after_commit(session, "deliver", row.id, job_id=f"deliver-{row.id}-retry-{int(now.timestamp())}")
    return row


def failed_between(session: Session, since: datetime, until: datetime | None = None, kind: str | None = None,
                   limit: int | None = None) -> list[OutboxMessage]:
    """Rows that ended failed, undelivered or expired from `since` (and before `until`), oldest first."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(RETRYABLE), OutboxMessage.updated_at >= since)
        .order_by(OutboxMessage.id)
    )
    if until is not None:
        query = query.where(OutboxMessage.updated_at < until)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def retry_failed(session: Session, since: datetime, until: datetime | None = None,
                 kind: str | None = None) -> list[OutboxMessage]:
    """Queue again every row that failed in a period (an operator's decision), oldest first.

    They are enqueued oldest first, so they take their sending slots in that order and go out
    at the sender's pace; a recipient who opted out since is skipped when its turn comes.
    """
    ids = [row.id for row in failed_between(session, since, until, kind)]
    return [retry(session, outbox_id) for outbox_id in ids]


def retry_summary(since: datetime, until: datetime | None, kind: str | None, count: int) -> dict[str, Any]:
    """What the audit log keeps of a retry of every message that failed in a period."""
    values: dict[str, Any] = {"failed_since": since.isoformat(timespec="minutes"), "count": count}
    if until is not None:
        values["failed_until"] = until.isoformat(timespec="minutes")
    if kind:
        values["kind"] = kind
    return values


def kinds(session: Session) -> list[str]:
    """Every kind of message the outbox has held."""
    return list(session.scalars(select(OutboxMessage.kind).distinct()))


def counts(session: Session) -> dict[str, int]:
    """Rows per status."""
    return dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def rows(session: Session, status: str | None = None, limit: int = 50) -> list[OutboxMessage]:
    """The newest rows, optionally of one status."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query))
