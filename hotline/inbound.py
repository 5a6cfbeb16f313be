"""One inbound message, handled in one transaction with the sender's conversation locked."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import flows  # noqa: F401  (registers the flows)
from .clock import now as utcnow
from .config import Settings
from .db import Database, insert_ignore
from .flows.engine import AGAIN, Ctx, Reply, advance, answer_step
from .flows.keywords import intercept
from .flows.render import reply_sms
from .models import Contact, Conversation, InboundMessage
from .phones import mask, normalize
from .sms import clean, count_segments, for_sending

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    text: str | None  # the reply to send back, None for none
    reply: Reply | None = None
    duplicate: bool = False


def respond(ctx: Ctx, text: str) -> Reply:
    """Run one message through the keywords, then the current step."""
    target = intercept(ctx, text)
    if target is None:
        target = answer_step(ctx, text)
    return advance(ctx, target)


def lock_conversation(session: Session, phone: str, now: datetime) -> Conversation:
    """Find or create the number's contact and conversation, holding a lock on the conversation."""
    insert_ignore(session, Contact, {"phone": phone, "created_at": now, "last_seen_at": now}, ["phone"])
    contact_id = session.scalar(select(Contact.id).where(Contact.phone == phone))
    insert_ignore(
        session,
        Conversation,
        {"contact_id": contact_id, "flow": "home", "step": "idle", "data": {}, "version": 0, "updated_at": now},
        ["contact_id"],
    )
    # FOR UPDATE on PostgreSQL; SQLite already holds the write lock from BEGIN IMMEDIATE.
    return session.scalars(
        select(Conversation).where(Conversation.contact_id == contact_id).with_for_update()
    ).one()


def handle_message(
    db: Database,
    settings: Settings,
    sender: str,
    body: str | None,
    *,
    message_sid: str | None = None,
    channel: str = "sms",
    now: datetime | None = None,
) -> Outcome:
    """Handle an inbound text from `sender` and return the reply to send back."""
    now = now or utcnow()
    text = clean(body)
    phone = normalize(sender, settings.default_region)
    with db.session() as session:
        if phone is None:
            # Short codes, alphanumeric senders and hidden numbers cannot be answered by SMS.
            log.info("inbound from unanswerable sender %s kept without reply", mask(sender))
            values = {"sender": (sender or "")[:64], "channel": channel, "body": text, "received_at": now}
            if message_sid:
                insert_ignore(session, InboundMessage, {**values, "message_sid": message_sid}, ["message_sid"])
            else:
                session.add(InboundMessage(**values))
            return Outcome(None)

        conversation = lock_conversation(session, phone, now)
        if message_sid:
            seen = session.scalar(select(InboundMessage).where(InboundMessage.message_sid == message_sid))
            if seen is not None:
                return Outcome(seen.reply, duplicate=True)

        contact = conversation.contact
        ctx = Ctx(session, settings, contact, conversation, channel, now)
        reply = respond(ctx, text)
        reply_text = reply_sms(reply)
        if reply_text and channel == "sms":
            reply_text = for_sending(reply_text, contact.language, settings.sms_ascii_fallback)
        conversation.updated_at = now
        contact.last_seen_at = now
        session.add(InboundMessage(
            message_sid=message_sid, contact_id=contact.id, sender=phone, channel=channel,
            body=text, reply=reply_text, received_at=now,
        ))
    if reply_text and count_segments(reply_text).segments > 2:
        log.warning("reply to %s costs %d segments", mask(phone), count_segments(reply_text).segments)
    return Outcome(reply_text, reply)


__all__ = ["handle_message", "respond", "lock_conversation", "Outcome", "AGAIN"]
