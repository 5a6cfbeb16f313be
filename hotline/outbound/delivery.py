"""Delivery: sending one outbox row, recording what Twilio reports, reconciling ambiguous sends.

A send is claimed (pending -> submitting, a conditional UPDATE) before the request leaves, so
two workers never send the same row. What happens next depends on the answer:

- Twilio accepted it: the sid, segment count and status are recorded.
- 429 / 20429, 5xx, or no connection could be made: nothing was sent, and Twilio is most
  likely refusing every message, not just this one. The sender is held (a wait that doubles
  with each refusal in a row, from SEND_RETRY_SECONDS up to SEND_RETRY_MAX_SECONDS, with
  jitter) and the row waits. While the hold lasts no row is sent: each one whose turn comes
  waits too. When the hold ends, the oldest waiting row alone is tried; when it goes through,
  every waiting row is released oldest first, and pacing spreads them at the sender's rate. A
  row waits until its own time to live runs out (then the sweep expires it), or, without one,
  for SEND_MAX_ATTEMPTS tries at most.
- 21610: the recipient opted out; the contact is marked and nothing is sent to it again.
- 21211, 21614: the number cannot take SMS; the contact is marked, the row failed.
- A timeout (or a dropped connection) after the request left is ambiguous: Twilio may have
  created the message. Sending again blindly could text someone twice, so the row is held as
  `unknown` and, RECONCILE_DELAY_SECONDS later, Twilio's list of the recipient's recent
  messages is searched for it (same body, created since the attempt, sid not already known).
  Found: recorded as sent. Not found: Twilio never took it, so it is sent again. Twilio
  unreachable: asked again later, and after RECONCILE_MAX_ATTEMPTS the row is failed for an
  operator to look at rather than risk a duplicate. A worker killed mid-send leaves the row
  `submitting`; the sweep treats that the same way.

Texts that are due go out through `deliver_due`, one job for all of them (kicked when a row
commits, not enqueued per row): it claims a batch of due rows in one statement, checked against
opt-outs, expiry and budgets as it claims them, books each one's slot in one Redis call just
before sending it, and records the whole batch in one transaction. The bookkeeping of a send is
then a fraction of the send itself. A drain hands over to a fresh job after DRAIN_SECONDS, and
kicks a second one when there is more than a batch to send, so every worker takes a share.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import bindparam, not_, or_, select, update

from .. import urls
from ..clock import now as utcnow
from ..db import Database, insert_ignore
from ..models import Contact, DeliveryReport, OutboxMessage
from ..phones import mask
from ..services import Hotline, current
from ..sms import count_segments
from . import budget
from .outbox import (
    DELETE_CHANNEL, DELIVERED, FAILED, FINAL, PENDING, QUEUED, SENDING, SENT, SKIPPED, SUBMITTING, UNDELIVERED,
    UNKNOWN, EXPIRED, DRAIN_JOB, enqueue_after_commit, enqueue_now, expiry_reason, finish, kick_now,
)
from .pacing import (
    HOLD_PREFIX, LATE_SECONDS, RECIPIENT_PREFIX, SENDER_PREFIX, Reservation, recipient_interval, sender_interval,
    slot_interval,
)
from .transports import SendError, Sent

log = logging.getLogger(__name__)

# A job for a pacing slot is scheduled this long before it: RQ's scheduler polls once a second.
SLOT_LEAD_SECONDS = 1.5
# A drain claims about this many seconds of sending at the sender's rate at a time...
DRAIN_BATCH_SECONDS = 10.0
# ...and never more rows than this.
DRAIN_BATCH_MAX = 50
# A drain hands over to a fresh job after this long, so other queued work gets its turn.
DRAIN_SECONDS = 10.0
# A drain waits this long for a slot (sending is its work); a farther one is left to the row's own job.
DRAIN_MAX_WAIT_SECONDS = 5.0
# Twilio's clock and ours may differ; reconciliation looks this far before the attempt.
CLOCK_SKEW = timedelta(minutes=5)
MAX_BACKOFF_SECONDS = 600
# The reason of a row waiting out a hold starts with this (the release job looks for it).
WAITING = "waiting for Twilio"
# Rows released at once when Twilio answers again; more are released by the next job.
RELEASE_BATCH = 1000

# Twilio's message statuses as outbox statuses.
TWILIO_STATUSES = {
    "accepted": QUEUED,
    "scheduled": QUEUED,
    "queued": QUEUED,
    "sending": SENDING,
    "sent": SENT,
    "delivered": DELIVERED,
    "read": DELIVERED,
    "partially_delivered": DELIVERED,
    "failed": FAILED,
    "undelivered": UNDELIVERED,
    "canceled": FAILED,
}
# Twilio's call statuses as outbox statuses; an unanswered call is tried again, a few times.
NO_ANSWER = "no answer"
CALL_STATUSES = {
    "queued": QUEUED,
    "initiated": QUEUED,
    "ringing": SENDING,
    "in-progress": SENT,
    "completed": DELIVERED,
    "busy": NO_ANSWER,
    "no-answer": NO_ANSWER,
    "failed": NO_ANSWER,
    "canceled": FAILED,
}
# Calls placed once, never again when unanswered: a masked call (the asker clicked a minute ago,
# not ten) and a call back after a missed call (once is the promise).
ONE_TRY = frozenset({"bridge", "missed_call"})
# A deletion at Twilio is tried this many times (backoff capped at 10 minutes: about three hours).
DELETE_MAX_ATTEMPTS = 20

# Forward order of the statuses a row passes through before it ends.
RANK = {PENDING: 0, SUBMITTING: 0, UNKNOWN: 0, QUEUED: 1, SENDING: 2, SENT: 3}

OPTED_OUT = 21610
# Error codes that mean this number cannot get SMS from us, with what to note on the contact.
SMS_UNUSABLE = {
    21211: "21211 invalid number",
    21614: "21614 not a mobile number",
    30006: "30006 landline or unreachable carrier",
}


def status_callback_url(hotline: Hotline) -> str | None:
    """Where Twilio reports delivery: PUBLIC_URL/twilio/status (only Twilio calls back)."""
    if hotline.transport is None or hotline.transport.name != "twilio":
        return None
    return urls.public(hotline.settings, urls.STATUS)


def backoff(attempt: int, base: float, cap: float = MAX_BACKOFF_SECONDS) -> timedelta:
    """Wait before retry number `attempt` (1, 2, ...): doubling from `base`, capped, with jitter.

    Half the wait is fixed and half drawn at random, so rows or workers that failed together
    do not all come back in the same second.
    """
    wait = min(cap, base * 2 ** min(max(0, attempt - 1), 32))
    return timedelta(seconds=wait / 2 + random.uniform(0, wait / 2))


def _hold_key(hotline: Hotline) -> str:
    return HOLD_PREFIX + hotline.transport.sender


def _held(hotline: Hotline) -> tuple[float, int] | None:
    """The sender's hold (until, refusals in a row), or None; a pacer that cannot tell holds nothing."""
    if not hotline.transport.paced or hotline.pacer is None:
        return None
    return hotline.pacer.held(_hold_key(hotline))


def _refused(hotline: Hotline) -> float:
    """Note one more refusal in a row from Twilio and hold the sender; return when the hold ends."""
    settings = hotline.settings
    state = _held(hotline)
    now = _ts(utcnow())
    if state is not None and state[0] > now:
        # Another send already held the sender (several workers): one hold, not one each.
        return state[0]
    refusals = (state[1] if state is not None else 0) + 1
    until = now + backoff(refusals, settings.send_retry_seconds, settings.send_retry_max_seconds).total_seconds()
    if hotline.transport.paced and hotline.pacer is not None:
        hotline.pacer.hold(_hold_key(hotline), until, refusals, now=now)
    log.warning("Twilio refused %d time(s) in a row: sends wait %.0fs", refusals, until - now)
    return until


def _schedule_release(session, until: float) -> None:
    enqueue_after_commit(session, "release_waiting", when=_dt(until), job_id=f"release-waiting-{int(until)}")


def release_waiting() -> str:
    """Send again the rows waiting out a hold: the oldest alone to try, all of them once it went through."""
    hotline = current()
    state = _held(hotline)
    now = utcnow()
    with hotline.db.session() as session:
        if state is not None and state[0] > _ts(now):
            _schedule_release(session, state[0])
            return "still held"
        waiting = (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == PENDING, OutboxMessage.reason.startswith(WAITING))
            .order_by(OutboxMessage.id)
        )
        if state is not None:
            # Not yet known whether Twilio is back: one row finds out for all of them.
            ids = list(session.scalars(waiting.limit(1)))
            probe = True
        else:
            ids = list(session.scalars(waiting.limit(RELEASE_BATCH)))
            probe = False
            if ids:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids), OutboxMessage.status == PENDING)
                    .values(reason="released: Twilio answers again", next_attempt_at=now, sender_slot_at=None,
                            updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            if len(ids) == RELEASE_BATCH:
                enqueue_after_commit(session, "release_waiting", job_id=f"release-waiting-more-{ids[-1]}")
        stamp = int(now.timestamp())
        # Enqueued oldest first: each takes the next sending slot, so they go out in order, paced.
        for outbox_id in ids:
            enqueue_after_commit(session, "deliver", outbox_id, job_id=f"deliver-{outbox_id}-release-{stamp}")
    if probe:
        return f"trying {ids[0]} first" if ids else "nothing waiting"
    return f"released {len(ids)}"


def _wait_out(hotline: Hotline, job: "_Job", until: float) -> None:
    """Leave a row waiting for the sender's hold to end (no attempt counted, no job of its own)."""
    now = utcnow()
    with hotline.db.session() as session:
        result = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == job.id, OutboxMessage.status == PENDING)
            .values(reason=f"{WAITING}: it refused the last send", next_attempt_at=_dt(until), sender_slot_at=None,
                    updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            _schedule_release(session, until)


def _early(hotline: Hotline) -> float:
    """How early a job may run and still act (it then waits for its moment)."""
    # RQ's scheduler rounds due times down to the second, so a job may come a second early.
    return max(hotline.settings.pacing_max_wait_seconds, SLOT_LEAD_SECONDS + 1.5)


def _come_back(session, job_name: str, row: OutboxMessage) -> None:
    """Schedule the row's job for its own time; one id per time, so duplicates collapse."""
    stamp = int(_ts(row.next_attempt_at) * 1000)
    enqueue_after_commit(session, job_name, row.id, when=row.next_attempt_at, job_id=f"{job_name}-{row.id}-at-{stamp}")


def _ts(when: datetime) -> float:
    return when.timestamp()


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def mark_contact(session, contact_id: int | None, code: int | None) -> str | None:
    """Note on the contact what an error code says about its number; return a reason, if any."""
    if code is None or contact_id is None:
        return None
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    if code == OPTED_OUT:
        if not contact.opted_out:
            contact.opted_out = True
            contact.opted_out_at = utcnow()
        return "recipient opted out (21610)"
    if code in SMS_UNUSABLE:
        contact.sms_unusable = SMS_UNUSABLE[code]
        return f"number cannot receive SMS ({SMS_UNUSABLE[code]})"
    return None


def _gate(session, row: OutboxMessage, now: datetime) -> str | None:
    """End the row if it must not be sent (expired, opted out, unusable); return its status then."""
    if row.expires_at is not None and row.expires_at <= now:
        finish(session, row, EXPIRED, expiry_reason(row))
        return row.status
    contact = session.get(Contact, row.contact_id) if row.contact_id is not None else None
    number = contact.phone if contact is not None else ""
    if not (number.startswith("+") and number[1:].isdigit()):
        # Erased, or a caller who hid their number (kept under a key of their own, not a number).
        finish(session, row, SKIPPED, "no phone number to reach")
        return row.status
    if contact is not None and contact.opted_out:
        finish(session, row, SKIPPED, "recipient opted out")
        return row.status
    if row.channel == "sms" and contact is not None and contact.sms_unusable:
        finish(session, row, SKIPPED, f"number cannot receive SMS ({contact.sms_unusable})")
        return row.status
    return None


def _held_by_budget(session, hotline: Hotline, row: OutboxMessage, at: datetime) -> bool:
    """Keep the row pending until its budget's period ends, when a used-up budget says it must wait."""
    settings = hotline.settings
    if row.channel not in budget.MEASURES or row.kind in budget.ESSENTIAL or not budget.any_budget(settings):
        return False
    full = budget.blocking(session, settings, row.channel, at)
    if full is None:
        return False
    until = full.ends_at
    if row.kind in budget.STALE_WHEN_HELD:
        # Stale by then: it expires when the period ends instead of going out in the next one.
        row.expires_at = min(row.expires_at, until) if row.expires_at is not None else until
    elif row.expires_at is not None:
        # The wait is the budget's doing, not the message's: it does not count against its time to live.
        row.expires_at = row.expires_at + (until - at)
    row.held_for = budget.held_label(full.measure, full.span)
    row.reason = f"held: the {full.measure} budget for this {full.span} is used up ({full.spent} of {full.limit})"
    row.next_attempt_at = until
    row.updated_at = utcnow()
    _come_back(session, "deliver", row)
    log.info("outbox %s to %s: held by the %s budget until %s", row.id, mask(row.to), row.held_for, until.isoformat())
    return True


@dataclass
class _Job:
    """What a send needs from its row, read in one short transaction."""

    id: int
    channel: str
    contact_id: int
    to: str
    body: str
    reply: bool
    recipient_slot: float | None
    sender_slot: float | None
    # Set when the sender was held and this send finds out whether Twilio is back.
    probe: bool = False
    expires_at: float | None = None


def _job(row: OutboxMessage) -> _Job:
    return _Job(
        row.id, row.channel, row.contact_id, row.to, row.body, row.reply,
        _ts(row.recipient_slot_at) if row.recipient_slot_at else None,
        _ts(row.sender_slot_at) if row.sender_slot_at else None,
        expires_at=_ts(row.expires_at) if row.expires_at else None,
    )


def deliver(outbox_id: int) -> str:
    """Send one outbox row if it is still pending, due and allowed; return what happened."""
    hotline = current()
    now = utcnow()
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            return "missing"
        if row.status != PENDING:
            return f"already {row.status}"
        # The moment it would go out: a job may come a little early, and a budget's period may end by then.
        at = max(now, row.next_attempt_at)
        ended = None if row.channel == DELETE_CHANNEL else _gate(session, row, at)
        if ended:
            return ended
        early = _ts(row.next_attempt_at) - _ts(now)
        if early > _early(hotline) and (row.reason or "").startswith(WAITING):
            # The release job sends it when Twilio answers again (and the sweep, if that job is lost).
            return WAITING
        if early > _early(hotline):
            # Too early (schedulers round, duplicates come): come back at the row's time.
            _come_back(session, "deliver", row)
            return "not due"
        if _held_by_budget(session, hotline, row, at):
            return "held"
        job = _job(row)
    if early > 0 and not _waits_for_its_slot(job, row):
        # Schedulers round to the second: never act before the row's time (send_after, a retry).
        hotline.sleep(early)
    return CHANNELS[job.channel](hotline, job)


def _waits_for_its_slot(job: _Job, row: OutboxMessage) -> bool:
    """Tell whether a row's time is the sender slot it booked: the send waits for it once claimed and
    booked (waiting here first would leave the claim and the booking late for it)."""
    return (job.channel == "sms" and job.sender_slot is not None
            and job.sender_slot >= _ts(row.next_attempt_at) and (job.recipient_slot or 0) <= job.sender_slot)


def _hold(hotline: Hotline, job: _Job, *, recipient_slot: float | None = None, sender_slot: float | None = None,
          run_at: float | None = None, claimed: bool = False) -> bool:
    """Remember a pacing slot on the row; with `run_at`, schedule the row's next job for then.

    A `claimed` row (submitting, not yet sent) goes back to pending, its attempt not counted.
    """
    values: dict = {"updated_at": utcnow()}
    if recipient_slot is not None:
        values["recipient_slot_at"] = _dt(recipient_slot)
    if sender_slot is not None:
        values["sender_slot_at"] = _dt(sender_slot)
    if run_at is not None:
        values["next_attempt_at"] = _dt(run_at)
    if claimed:
        values.update(status=PENDING, attempts=OutboxMessage.attempts - 1)
    with hotline.db.session() as session:
        result = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == job.id,
                                        OutboxMessage.status == (SUBMITTING if claimed else PENDING)).values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        if run_at is not None:
            when = _dt(max(_ts(utcnow()), run_at - SLOT_LEAD_SECONDS))
            enqueue_after_commit(session, "deliver", job.id, when=when, job_id=f"deliver-{job.id}-at-{int(run_at * 1000)}")
    return True


def _unclaim_waiting(hotline: Hotline, jobs: list[_Job], until: float) -> None:
    """Put claimed rows back to wait out the sender's hold (no attempt counted, released with the rest)."""
    if not jobs:
        return
    with hotline.db.session() as session:
        _put_back(session, jobs, reason=f"{WAITING}: it refused the last send", next_attempt_at=_dt(until),
                  sender_slot_at=None)
        _schedule_release(session, until)


def _unclaim(hotline: Hotline, jobs: list[_Job]) -> None:
    """Put claimed rows back as they were before the claim, due now (no attempt counted)."""
    with hotline.db.session() as session:
        _put_back(session, jobs, submitted_at=None, next_attempt_at=utcnow())


def _put_back(session, jobs: list[_Job], **values) -> None:
    """Return claimed rows still submitting to pending, the claim's attempt not counted."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([job.id for job in jobs]), OutboxMessage.status == SUBMITTING)
        .values(status=PENDING, attempts=OutboxMessage.attempts - 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )


class _Held(float):
    """The moment the sender's hold ends, as `_book` answers it."""


def _book(hotline: Hotline, job: _Job, segments: int, max_wait: float) -> float | _Held | None:
    """Book the claimed row's recipient allowance and sender slot, and wait for the slot.

    Return the slot, a `_Held` when the sender is held, or None when the row went back to wait
    for a far slot (its own job sends it then). A send more than LATE_SECONDS past its slot
    books a new one: a late send beside an early one would put one too many into a second.
    Bookings are made for when their answer is expected back (the pacer's recent round trip), so
    a slow answer does not make the slot late on arrival, again and again.
    """
    settings = hotline.settings
    if not hotline.transport.paced or hotline.pacer is None:
        return _ts(utcnow())
    pacer = hotline.pacer
    while True:
        asked = _ts(utcnow())
        expected = asked + pacer.round_trip.seconds
        recipient = None
        if not job.reply and job.recipient_slot is None and settings.recipient_burst > 0:
            recipient = Reservation(
                RECIPIENT_PREFIX + str(job.contact_id), 1,
                recipient_interval(settings.recipient_burst, settings.recipient_window_seconds), settings.recipient_burst,
            )
        # A slot booked earlier (the row waited for it) is kept if it will not have passed by the answer.
        keep = job.sender_slot is not None and expected <= job.sender_slot + LATE_SECONDS
        sender = None if keep else Reservation(SENDER_PREFIX + hotline.transport.sender, segments,
                                               slot_interval(settings.sms_rate_per_second))
        booking = pacer.book(_hold_key(hotline), recipient, sender,
                             recipient_max_wait=settings.pacing_max_wait_seconds, now=expected)
        now = _ts(utcnow())
        pacer.round_trip.measured(now - asked)
        if booking.held_until is not None:
            return _Held(booking.held_until)
        job.probe = booking.probe
        if recipient is not None:
            if booking.recipient_start - now > settings.pacing_max_wait_seconds:
                log.info("outbox %s: %s already had its share; waiting %.0fs", job.id, mask(job.to),
                         booking.recipient_start - now)
                _hold(hotline, job, recipient_slot=booking.recipient_start, run_at=booking.recipient_start, claimed=True)
                return None
            job.recipient_slot = booking.recipient_start
        if not keep:
            job.sender_slot = booking.sender_slot
        slot = job.sender_slot
        if slot - now > max_wait:
            _hold(hotline, job, recipient_slot=job.recipient_slot, sender_slot=slot, run_at=slot, claimed=True)
            return None
        wait = slot - _ts(utcnow())
        if wait > 0:
            hotline.sleep(wait)
        if _ts(utcnow()) <= slot + LATE_SECONDS:
            return slot
        job.sender_slot = None


def _claim(hotline: Hotline, job: _Job, slot: float | None) -> bool:
    """Mark the row submitting, unless another worker did or it may no longer be sent."""
    now = utcnow()
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, job.id, populate_existing=True)
        if row is None or row.status != PENDING or _gate(session, row, now):
            return False
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == job.id, OutboxMessage.status == PENDING)
            .values(
                status=SUBMITTING,
                submitted_at=now,
                attempts=OutboxMessage.attempts + 1,
                recipient_slot_at=_dt(job.recipient_slot) if job.recipient_slot is not None else None,
                sender_slot_at=_dt(slot) if slot is not None else None,
                from_number=hotline.transport.sender,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _hold_ended(hotline: Hotline, job: _Job) -> bool:
    """Tell whether the row may be sent now; while the sender is held, leave it waiting."""
    state = _held(hotline)
    if state is None:
        return True
    if state[0] > _ts(utcnow()):
        _wait_out(hotline, job, state[0])
        return False
    job.probe = True
    return True


def _deliver_sms(hotline: Hotline, job: _Job) -> str:
    if not _claim(hotline, job, job.sender_slot):
        return "not sent: claimed elsewhere or no longer allowed"
    [outcome] = _send_claimed(hotline, [job], hotline.settings.pacing_max_wait_seconds)
    return outcome


def _batch_size(hotline: Hotline) -> int:
    """Rows a drain claims at once: about DRAIN_BATCH_SECONDS of sending; one at a time under a budget."""
    settings = hotline.settings
    if budget.any_budget(settings):
        # Each send is counted before the next is weighed against the budget, as one at a time.
        return 1
    if not hotline.transport.paced:
        return DRAIN_BATCH_MAX
    per_second = settings.sms_rate_per_second / slot_interval(1.0)
    return max(1, min(DRAIN_BATCH_MAX, int(per_second * DRAIN_BATCH_SECONDS)))


def _claim_due(hotline: Hotline) -> tuple[int, list[_Job]]:
    """Claim a batch of due texts, oldest first, ending or holding those that may not go yet.

    Return how many due rows were found, and the claimed ones (one SELECT, one UPDATE).
    """
    now = utcnow()
    with hotline.db.session() as session:
        found = session.execute(
            select(OutboxMessage, Contact)
            .outerjoin(Contact, Contact.id == OutboxMessage.contact_id)
            .where(OutboxMessage.status == PENDING, OutboxMessage.channel == "sms",
                   OutboxMessage.next_attempt_at <= now,
                   # Rows waiting out a hold are sent by `release_waiting`, the oldest first.
                   or_(OutboxMessage.reason.is_(None), not_(OutboxMessage.reason.startswith(WAITING))))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(_batch_size(hotline))
            .with_for_update(of=OutboxMessage, skip_locked=True)
        ).all()
        jobs = [_job(row) for row, _ in found if not _gate(session, row, now)
                and not _held_by_budget(session, hotline, row, now)]
        if jobs:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([job.id for job in jobs]), OutboxMessage.status == PENDING)
                .values(status=SUBMITTING, submitted_at=now, attempts=OutboxMessage.attempts + 1,
                        from_number=hotline.transport.sender, updated_at=now)
                .execution_options(synchronize_session=False)
            )
    return len(found), jobs


def deliver_due() -> str:
    """Send every text that is due, a batch at a time, oldest first; hand over after DRAIN_SECONDS."""
    hotline = current()
    try:
        hotline.queue.taken(DRAIN_JOB)
    except Exception as error:  # noqa: BLE001 - the flag expires by itself; the drain goes on
        log.warning("could not clear the kick flag (%s)", error)
    started = _ts(utcnow())
    sent = 0
    while True:
        found, jobs = _claim_due(hotline)
        if not found:
            return f"sent {sent}"
        if found == _batch_size(hotline) > 1:
            # More than a batch is waiting: another worker takes a share.
            kick_now(DRAIN_JOB)
        outcomes = _send_claimed(hotline, jobs, max(hotline.settings.pacing_max_wait_seconds, DRAIN_MAX_WAIT_SECONDS))
        sent += sum(1 for outcome in outcomes if outcome in (QUEUED, SENDING, SENT, DELIVERED))
        if hotline.stopping.is_set():
            if PENDING in outcomes:
                # What this process put back waits on the queue for the next worker.
                kick_now(DRAIN_JOB)
            return f"sent {sent}, stopping"
        if WAITING in outcomes:
            return f"sent {sent}, the rest wait for Twilio"
        if _ts(utcnow()) - started > DRAIN_SECONDS:
            kick_now(DRAIN_JOB)
            return f"sent {sent}, handed over"


def _still_allowed(hotline: Hotline, jobs: list[_Job]) -> list[_Job]:
    """Look again at opt-outs and expiry for rows claimed a while ago; end the rows that may not go."""
    now = utcnow()
    with hotline.db.session() as session:
        contacts = {
            contact.id: contact for contact in session.execute(
                select(Contact.id, Contact.phone, Contact.opted_out, Contact.sms_unusable)
                .where(Contact.id.in_({job.contact_id for job in jobs}))
            )
        }
        allowed = []
        for job in jobs:
            contact = contacts.get(job.contact_id)
            fine = (contact is not None and contact.phone == job.to and not contact.opted_out
                    and not contact.sms_unusable and (job.expires_at is None or job.expires_at > _ts(now)))
            if not fine:
                row = session.get(OutboxMessage, job.id, with_for_update=True, populate_existing=True)
                # Ended now, or at an earlier look (it stays in the batch until its turn).
                if row is None or row.status != SUBMITTING or _gate(session, row, now):
                    continue
            allowed.append(job)
    return allowed


def _confirm(hotline: Hotline, job: _Job) -> bool:
    """Tell whether a claimed text may leave now, in one statement that also renews its claim.

    It must still be this batch's (the sweep did not find it stuck and hand it to reconciliation
    while earlier texts of the batch went out), its recipient must not have opted out, been erased
    or blocked since it was claimed (the wait for a slot can be seconds), and it must not have
    expired. A text that may not go is ended as it would have been at the claim.
    """
    now = utcnow()
    allowed = select(Contact.id).where(
        Contact.id == OutboxMessage.contact_id, Contact.phone == job.to,
        Contact.opted_out.is_(False), or_(Contact.sms_unusable.is_(None), Contact.sms_unusable == "")).exists()
    with hotline.db.session() as session:
        renewed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == job.id, OutboxMessage.status == SUBMITTING, allowed,
                   or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now))
            .values(submitted_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    if renewed:
        return True
    # The slow path names why, and ends the row when its recipient may no longer be written to.
    _still_allowed(hotline, [job])
    return False


def _send_claimed(hotline: Hotline, jobs: list[_Job], max_wait: float) -> list[str]:
    """Send claimed texts one after another, each in its slot; record the sent ones together.

    Return what became of each row that got as far as its turn.
    """
    callback = status_callback_url(hotline)
    outcomes: list[str] = []
    sent: list[tuple[_Job, Sent, int]] = []
    try:
        for index, job in enumerate(jobs):
            if index and hotline.stopping.is_set():
                # Asked to stop: the text in hand went; the rest go back for the next worker.
                _unclaim(hotline, jobs[index:])
                outcomes.extend([PENDING] * len(jobs[index:]))
                break
            segments = count_segments(job.body).segments
            slot = _book(hotline, job, segments, max_wait)
            if isinstance(slot, _Held):
                _unclaim_waiting(hotline, jobs[index:], slot)
                outcomes.extend([WAITING] * len(jobs[index:]))
                break
            if slot is None:
                outcomes.append("paced")
                continue
            # After the wait for its slot, right before it leaves: still ours, and still allowed.
            if not _confirm(hotline, job):
                outcomes.append(SKIPPED)
                continue
            try:
                result = hotline.transport.send_sms(job.to, job.body, status_callback=callback)
            except Exception as error:  # noqa: BLE001 - sorted below; an odd answer after the request left is ambiguous
                if not isinstance(error, SendError):
                    log.exception("outbox %s: unexpected error while sending", job.id)
                    error = SendError(SendError.AMBIGUOUS, f"unexpected error: {error!r}")
                outcomes.append(_record_error(hotline, job.id, error))
                state = _held(hotline) if error.kind == SendError.RETRY else None
                if state is not None and state[0] > _ts(utcnow()):
                    # Twilio refuses: the rest of the batch waits out the hold with every other row.
                    _unclaim_waiting(hotline, jobs[index + 1:], state[0])
                    outcomes.extend([WAITING] * len(jobs[index + 1:]))
                    break
                continue
            sent.append((job, result, segments))
    finally:
        # Even when the worker is stopped mid-batch, what Twilio took is recorded.
        if sent:
            outcomes.extend(_record_sent_many(hotline, sent))
    for job, _, _ in sent:
        _answered(hotline, job)
    return outcomes


def _record_sent_many(hotline: Hotline, sent: list[tuple[_Job, Sent, int]]) -> list[str]:
    """Record what Twilio took, in one transaction: one UPDATE for the batch, spend counted once."""
    now = utcnow()
    table = OutboxMessage.__table__
    plain, odd, statuses = [], [], []
    for job, result, segments in sent:
        status = TWILIO_STATUSES.get((result.status or "").lower())
        if status in (QUEUED, SENDING, SENT, DELIVERED):
            plain.append({
                "b_id": job.id, "b_sid": result.sid, "b_segments": result.segments or segments,
                "b_from": result.from_number or hotline.transport.sender, "b_status": status,
                "b_sender_slot": _dt(job.sender_slot) if job.sender_slot is not None else None,
                "b_recipient_slot": _dt(job.recipient_slot) if job.recipient_slot is not None else None,
            })
            statuses.append(status)
        else:
            odd.append((job, result, segments))
    with hotline.db.session() as session:
        if plain:
            done = session.connection().execute(
                update(table)
                .where(table.c.id == bindparam("b_id"), table.c.status == SUBMITTING)
                .values(twilio_sid=bindparam("b_sid"), segments=bindparam("b_segments"), sent_at=now,
                        from_number=bindparam("b_from"), reason=None, error_code=None, updated_at=now,
                        status=bindparam("b_status"), sender_slot_at=bindparam("b_sender_slot"),
                        recipient_slot_at=bindparam("b_recipient_slot")),
                plain,
            ).rowcount
            if done != len(plain):
                # Some row moved on meanwhile (the sweep found it stuck): recorded one by one below.
                recorded = set(session.scalars(select(OutboxMessage.id).where(
                    OutboxMessage.id.in_([p["b_id"] for p in plain]),
                    OutboxMessage.twilio_sid.in_([p["b_sid"] for p in plain]))))
                by_id = {job.id: (job, result, segments) for job, result, segments in sent}
                odd.extend(by_id[p["b_id"]] for p in plain if p["b_id"] not in recorded)
                kept = [(p, status) for p, status in zip(plain, statuses) if p["b_id"] in recorded]
                plain, statuses = [p for p, _ in kept], [status for _, status in kept]
            budget.record(session, hotline.settings, budget.SMS, sum(p["b_segments"] for p in plain), now)
            # Status callbacks that came in before the rows knew their sids.
            early = set(session.scalars(select(DeliveryReport.message_sid).where(
                DeliveryReport.message_sid.in_([p["b_sid"] for p in plain]))))
            for index, p in enumerate(plain):
                if p["b_sid"] in early:
                    row = session.get(OutboxMessage, p["b_id"], with_for_update=True, populate_existing=True)
                    apply_reports(session, row)
                    statuses[index] = row.status
            for p, status in zip(plain, statuses):
                log.info("outbox %s: %s as %s", p["b_id"], status, p["b_sid"])
        for job, result, segments in odd:
            row = session.get(OutboxMessage, job.id, with_for_update=True, populate_existing=True)
            statuses.append(_apply_sent(session, row, result, segments))
    return statuses


def _answered(hotline: Hotline, job: _Job) -> None:
    """Twilio took a message after refusing: end the hold and release every waiting row."""
    if not job.probe:
        return
    hotline.pacer.release(_hold_key(hotline))
    log.info("Twilio answers again: releasing the messages that waited")
    enqueue_now("release_waiting", job_id=f"release-waiting-after-{job.id}")


def _deliver_call(hotline: Hotline, job: _Job) -> str:
    """Place a call that says the row's words (and takes 1 or 2 when it asks something)."""
    settings = hotline.settings
    if not _hold_ended(hotline, job):
        return WAITING
    slot = None
    if hotline.transport.paced:
        now = _ts(utcnow())
        slot = hotline.pacer.reserve(SENDER_PREFIX + "call:" + hotline.transport.sender, cost=1,
                                     interval=sender_interval(settings.calls_per_second), burst=1, now=now)
        if slot - now > settings.pacing_max_wait_seconds:
            _hold(hotline, job, sender_slot=slot, run_at=slot)
            return "paced"
        if slot > now:
            hotline.sleep(slot - now)
    if not _claim(hotline, job, slot):
        return "not sent: claimed elsewhere or no longer allowed"
    try:
        sent = hotline.transport.create_call(
            job.to, urls.public(settings, urls.CALL_PLACED, o=job.id),
            status_callback=urls.public(settings, urls.CALL_STATUS) if settings.public_url else None, spoken=job.body,
        )
    except SendError as error:
        return _record_error(hotline, job.id, error)
    except Exception as error:  # noqa: BLE001 - an odd answer after the request left is ambiguous too
        log.exception("outbox %s: unexpected error while calling", job.id)
        return _record_error(hotline, job.id, SendError(SendError.AMBIGUOUS, f"unexpected error: {error!r}"))
    status = _record_sent(hotline, job.id, sent, 0)
    _answered(hotline, job)
    return status


def _delete_recording(hotline: Hotline, job: _Job) -> str:
    """Ask Twilio to delete the recording whose sid is the row's body (no recipient, no pacing)."""
    now = utcnow()
    with hotline.db.session() as session:
        claimed = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == job.id, OutboxMessage.status == PENDING)
            .values(status=SUBMITTING, submitted_at=now, attempts=OutboxMessage.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
    if not claimed:
        return "not sent: claimed elsewhere"
    try:
        hotline.transport.delete_recording(job.body)
        error = None
    except SendError as failure:
        error = failure
    except Exception as failure:  # noqa: BLE001 - deleting again is harmless: try again later
        log.exception("outbox %s: unexpected error while deleting a recording", job.id)
        error = SendError(SendError.RETRY, f"unexpected error: {failure!r}")
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, job.id, with_for_update=True, populate_existing=True)
        if row.status != SUBMITTING:
            return row.status
        row.updated_at = utcnow()
        if error is None:
            row.status, row.reason, row.sent_at = DELIVERED, "deleted at Twilio", row.updated_at
        elif error.kind != SendError.PERMANENT and row.attempts < DELETE_MAX_ATTEMPTS:
            _retry_later(session, row, str(error), backoff(row.attempts, hotline.settings.send_retry_seconds,
                                                           hotline.settings.send_retry_max_seconds))
        else:
            # Nobody is to be told: an operator sees it among the failed rows and may retry it.
            row.status, row.reason, row.error_code = FAILED, f"recording not deleted at Twilio: {error}", error.code
            log.warning("outbox %s: %s", row.id, row.reason)
        return row.status


# How each channel sends a claimed row.
CHANNELS: dict[str, Callable[[Hotline, _Job], str]] = {
    "sms": _deliver_sms, "call": _deliver_call, DELETE_CHANNEL: _delete_recording,
}


def _record_sent(hotline: Hotline, outbox_id: int, sent: Sent, segments: int) -> str:
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, outbox_id, with_for_update=True, populate_existing=True)
        return _apply_sent(session, row, sent, segments)


def _apply_sent(session, row: OutboxMessage, sent: Sent, segments: int) -> str:
    """Record that Twilio has the message: its sid, segments and status; count an SMS's segments as spent."""
    now = utcnow()
    first = row.twilio_sid != sent.sid
    row.twilio_sid = sent.sid
    row.segments = sent.segments or segments
    row.sent_at = now
    row.from_number = sent.from_number or row.from_number
    row.reason = None
    row.error_code = None
    row.updated_at = now
    if row.status in (SUBMITTING, UNKNOWN):
        row.status = QUEUED
    if first and row.channel == budget.SMS:
        budget.record(session, current().settings, budget.SMS, row.segments or 0, now)
    advance(session, row, sent.status, None)
    apply_reports(session, row)
    log.info("outbox %s to %s: %s as %s", row.id, mask(row.to), row.status, sent.sid)
    return row.status


def _record_error(hotline: Hotline, outbox_id: int, error: SendError) -> str:
    settings = hotline.settings
    now = utcnow()
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, outbox_id, with_for_update=True, populate_existing=True)
        if row.status != SUBMITTING:
            return row.status
        row.error_code = error.code
        row.updated_at = now
        if error.kind == SendError.AMBIGUOUS:
            row.status = UNKNOWN
            row.reason = f"{error}: checking Twilio before any resend"
            row.next_attempt_at = now + timedelta(seconds=settings.reconcile_delay_seconds)
            enqueue_after_commit(
                session, "reconcile", row.id, when=row.next_attempt_at, job_id=f"reconcile-{row.id}-{row.attempts}"
            )
            log.warning("outbox %s to %s: %s", row.id, mask(row.to), row.reason)
        elif error.kind == SendError.RETRY and row.attempts < settings.send_max_attempts:
            until = _refused(hotline)
            row.status = PENDING
            row.reason = f"{WAITING}: {error}"
            row.sender_slot_at = None
            row.next_attempt_at = _dt(until)
            # Every row already waiting waits for this hold too (the sweep leaves them be meanwhile).
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == PENDING, OutboxMessage.reason.startswith(WAITING),
                       OutboxMessage.id != row.id, OutboxMessage.next_attempt_at < _dt(until))
                .values(next_attempt_at=_dt(until))
                .execution_options(synchronize_session=False)
            )
            _schedule_release(session, until)
            log.info("outbox %s to %s: waits %.0fs (%s)", row.id, mask(row.to), until - _ts(now), error)
        elif error.kind == SendError.RETRY:
            finish(session, row, FAILED, f"gave up after {row.attempts} attempts: {error}", code=error.code)
        else:
            reason = mark_contact(session, row.contact_id, error.code) or str(error)
            finish(session, row, FAILED, reason, code=error.code)
        return row.status


def _retry_later(session, row: OutboxMessage, reason: str, delay: timedelta) -> None:
    now = utcnow()
    row.status = PENDING
    row.reason = f"retrying: {reason}"
    row.sender_slot_at = None
    row.next_attempt_at = now + delay
    enqueue_after_commit(session, "deliver", row.id, when=row.next_attempt_at, job_id=f"deliver-{row.id}-a{row.attempts}")
    log.info("outbox %s to %s: retry in %ss (%s)", row.id, mask(row.to), int(delay.total_seconds()), reason)


def reconcile(outbox_id: int) -> str:
    """Settle a send whose outcome is unknown by finding it, or not, in Twilio's message list."""
    hotline = current()
    settings = hotline.settings
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            return "missing"
        if row.status != UNKNOWN:
            return f"already {row.status}"
        if _ts(row.next_attempt_at) - _ts(utcnow()) > _early(hotline):
            _come_back(session, "reconcile", row)
            return "not due"
        if row.channel == DELETE_CHANNEL:
            # Deleting twice is harmless: an interrupted deletion is simply tried again.
            _retry_later(session, row, "interrupted while deleting", timedelta(0))
            return "resending"
        since = (row.submitted_at or row.created_at) - CLOCK_SKEW
        to, body, channel = row.to, row.body, row.channel
        known = set(session.scalars(
            select(OutboxMessage.twilio_sid).where(
                OutboxMessage.contact_id == row.contact_id, OutboxMessage.id != row.id,
                OutboxMessage.twilio_sid.is_not(None),
            )
        )) | set((row.meta or {}).get("earlier_sids", []))
    try:
        if channel == "call":
            found = hotline.transport.find_call(to, since=since, exclude=known)
        else:
            found = hotline.transport.find_sms(to, body, since=since, exclude=known)
        error = None
    except SendError as failure:
        found, error = None, failure
    now = utcnow()
    with hotline.db.session() as session:
        row = session.get(OutboxMessage, outbox_id, with_for_update=True, populate_existing=True)
        if row.status != UNKNOWN:
            return row.status
        row.checks += 1
        row.updated_at = now
        if error is not None:
            if row.checks >= settings.reconcile_max_attempts:
                finish(session, row, FAILED, f"could not confirm with Twilio whether it was sent: {error}")
            else:
                row.next_attempt_at = now + backoff(row.checks, settings.reconcile_delay_seconds)
                row.reason = f"still checking Twilio: {error}"
                enqueue_after_commit(
                    session, "reconcile", row.id, when=row.next_attempt_at, job_id=f"reconcile-{row.id}-c{row.checks}"
                )
            return row.status
        if found is not None:
            return _apply_sent(session, row, found, count_segments(row.body).segments)
        if row.attempts >= settings.send_max_attempts:
            finish(session, row, FAILED, f"not at Twilio after {row.attempts} attempts")
            return row.status
        _retry_later(session, row, "Twilio has no such message; sending again", timedelta(0))
        return "resending"


def advance(session, row: OutboxMessage, twilio_status: str | None, error_code: int | None) -> None:
    """Move a row forward to what Twilio reports, never back; failed and undelivered end it.

    A call that was not answered (busy, no answer) is the exception: it is placed again, up to
    CALL_MAX_ATTEMPTS times, then failed.
    """
    if error_code is not None and row.error_code is None:
        row.error_code = error_code
    statuses = CALL_STATUSES if row.channel == "call" else TWILIO_STATUSES
    target = statuses.get((twilio_status or "").lower())
    if target is None or row.status in FINAL:
        return
    if target == NO_ANSWER:
        settings = current().settings
        if row.kind in ONE_TRY:
            finish(session, row, FAILED, f"not answered ({twilio_status})")
            return
        if row.attempts < settings.call_max_attempts:
            _retry_later(session, row, f"call {twilio_status}", timedelta(minutes=settings.call_retry_minutes))
            # The next call gets a sid of its own; the earlier ones are never taken for it.
            row.meta = {**(row.meta or {}), "earlier_sids": [*(row.meta or {}).get("earlier_sids", []), row.twilio_sid]}
            row.twilio_sid = None
        else:
            finish(session, row, FAILED, f"no answer after {row.attempts} calls ({twilio_status})")
        return
    if target in (FAILED, UNDELIVERED):
        detail = mark_contact(session, row.contact_id, error_code)
        reason = f"Twilio reported {twilio_status}" + (f" ({error_code})" if error_code else "")
        finish(session, row, target, f"{reason}: {detail}" if detail else reason, code=error_code)
    elif target == DELIVERED:
        row.status = DELIVERED
        row.reason = None
    elif RANK.get(target, 0) > RANK.get(row.status, 0):
        row.status = target
    row.updated_at = utcnow()


def apply_reports(session, row: OutboxMessage) -> None:
    """Apply status callbacks that came in before the row knew its sid."""
    if not row.twilio_sid:
        return
    for report in session.scalars(
        select(DeliveryReport).where(DeliveryReport.message_sid == row.twilio_sid).order_by(DeliveryReport.id)
    ):
        advance(session, row, report.message_status, report.error_code)


def record_status(db: Database, sid: str, status: str, error_code: int | None = None, *,
                  call_seconds: int | None = None) -> str:
    """Record one status callback, once per (sid, status), and move its row forward.

    `call_seconds` is a finished call's duration: its minutes, rounded up, count as spent (placed
    calls and, when the number's call status callback points here, calls that came in).
    """
    with db.session() as session:
        fresh = insert_ignore(
            session,
            DeliveryReport,
            {"message_sid": sid, "message_status": status, "error_code": error_code, "received_at": utcnow()},
            ["message_sid", "message_status"],
        )
        if not fresh:
            return "duplicate"
        if call_seconds:
            budget.record(session, current().settings, budget.CALL, budget.minutes(call_seconds), utcnow())
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.twilio_sid == sid).with_for_update()
        ).first()
        if row is None:
            # Not ours yet (the send is still being recorded, or reconciled): applied then.
            return "kept"
        advance(session, row, status, error_code)
        return row.status
