"""One inbound text, handled in one transaction with the sender's conversation locked."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .clock import now as utcnow
from .config import Settings
from .db import Database, insert_ignore
from .flows.engine import Ctx, Reply
from .flows.render import reply_sms
from .flows.runner import lock_conversation, respond
from .i18n import languages
from .models import InboundMessage
from .phones import mask, normalize
from .sms import clean, count_segments, fold_to_gsm

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    text: str | None  # the reply to send back, None for none
    reply: Reply | None = None
    duplicate: bool = False


def for_sending(text: str, language: str | None, ascii_fallback: bool) -> str:
    """Prepare a text for SMS: with the ASCII fallback on, fold accents in Latin-script languages."""
    lang = languages.get(language)
    if ascii_fallback and (lang is None or lang.latin_script):
        return fold_to_gsm(text)
    return text


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
            values = {"channel": channel, "body": text, "received_at": now}
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
            message_sid=message_sid, contact_id=contact.id, channel=channel,
            body=text, reply=reply_text, received_at=now,
        ))
    if reply_text and count_segments(reply_text).segments > 2:
        log.warning("reply to %s costs %d segments", mask(phone), count_segments(reply_text).segments)
    return Outcome(reply_text, reply)


__all__ = ["handle_message", "Outcome"]
