"""The backlog: messages that are due and still unsent, and how long the oldest has waited.

A message waits on purpose while it is scheduled (send_after), paced (its sending slot) or held
by a budget; none of that is backlog. Only rows due now that no worker has tried yet count, from
the moment they were free to go: a row Twilio refused waits for its retry (an outage at Twilio,
seen in /metrics), and the sweep's re-enqueueing moves `next_attempt_at`, so that column cannot
say how long a message has been stuck.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OutboxMessage
from .outbox import PENDING

# Enough rows to find the oldest in any real backlog without reading a flood of them.
LOOK_AT = 500


@dataclass(frozen=True)
class Backlog:
    due: int  # messages due now that no worker has tried (up to LOOK_AT)
    oldest_seconds: int  # how long the oldest of them has been free to go (0: none)


def _free_since(created_at, send_after, sender_slot_at, recipient_slot_at) -> datetime:
    return max(moment for moment in (created_at, send_after, sender_slot_at, recipient_slot_at) if moment is not None)


def backlog(session: Session, now: datetime) -> Backlog:
    """Count the messages due now and never tried, and the age of the oldest."""
    rows = session.execute(
        select(OutboxMessage.created_at, OutboxMessage.send_after, OutboxMessage.sender_slot_at,
               OutboxMessage.recipient_slot_at)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
               OutboxMessage.attempts == 0, OutboxMessage.held_for.is_(None))
        .order_by(OutboxMessage.id)
        .limit(LOOK_AT)
    ).all()
    if not rows:
        return Backlog(0, 0)
    oldest = min(_free_since(*row) for row in rows)
    return Backlog(len(rows), max(0, int((now - oldest).total_seconds())))
