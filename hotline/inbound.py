"""One inbound text, handled in one transaction with the sender's conversation locked."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .clock import now as utcnow
from .config import Settings
from .db import Database, insert_ignore, insert_with_changes
from .flows.engine import Ctx, Reply
from .flows.erase import retention_notice
from .flows.render import reply_texts
from .flows.runner import lock_turn, respond
from . import guard, volunteers
from .guard import blocks
from .i18n import keywords as kw
from .i18n import languages
from .models import InboundMessage, Volunteer
from .outbound import budget
from .phones import mask, normalize
from .privacy import erase
from .sms import clean, count_segments, fold_to_gsm

log = logging.getLogger(__name__)


# Between a stored reply and the notice sent with it, so a retried webhook gets both again.
NOTICE_SEPARATOR = "\x1e"


@dataclass
class Outcome:
    text: str | None  # the reply to send back, None for none
    reply: Reply | None = None
    duplicate: bool = False
    # A second text with the first reply a new number can read: how long things are kept.
    notice: str | None = None
    # The open question in a text of its own, sent right after the reply, when the two would not fit in one.
    question: str | None = None


def for_sending(text: str, language: str | None, ascii_fallback: bool) -> str:
    """Prepare a text for SMS: with the ASCII fallback on, fold accents in Latin-script languages."""
    lang = languages.get(language)
    if ascii_fallback and (lang is None or lang.latin_script):
        return fold_to_gsm(text)
    return text


def handle_message(db: Database, settings: Settings, sender: str, body: str | None, *,
                   message_sid: str | None = None, channel: str = "sms", now: datetime | None = None) -> Outcome:
    """Handle an inbound text from `sender` and return the reply to send back."""
    try:
        return _handle(db, settings, sender, body, message_sid=message_sid, channel=channel, now=now)
    except IntegrityError as error:
        # The same message handled at once by another request (Twilio retried it): the lock was
        # waited for, but the look for its sid was read before; the other's answer is given.
        if not message_sid or "message_sid" not in str(error.orig):
            raise
    return _handle(db, settings, sender, body, message_sid=message_sid, channel=channel, now=now)


def _handle(
    db: Database,
    settings: Settings,
    sender: str,
    body: str | None,
    *,
    message_sid: str | None = None,
    channel: str = "sms",
    now: datetime | None = None,
) -> Outcome:
    now = now or utcnow()
    text = clean(body)
    phone = normalize(sender, settings.default_region)
    with db.session() as session:
        if phone is None:
            # Short codes, alphanumeric senders and hidden numbers cannot be answered by SMS.
            log.info("inbound from unanswerable sender %s kept without reply", mask(sender))
            _keep(session, message_sid, {"channel": channel, "body": text, "received_at": now})
            return Outcome(None)

        if phone in blocks.hotline_numbers(settings):
            # A hotline answering a hotline would talk for ever: kept, never answered.
            log.info("inbound from hotline number %s kept without reply", mask(phone))
            _keep(session, message_sid, {"channel": channel, "body": text, "received_at": now})
            return Outcome(None)

        locked = lock_turn(session, phone, now, message_sid)
        conversation, seen = locked.conversation, locked.seen
        if message_sid:
            if seen is not None:
                if seen.contact_id is None and conversation.contact.created_at == now:
                    # A retried DELETE: the number was erased, and this retry must not bring it back.
                    session.delete(conversation)
                    session.delete(conversation.contact)
                text, _, rest = (seen.reply or "").partition(NOTICE_SEPARATOR)
                notice, _, question = rest.partition(NOTICE_SEPARATOR)
                return Outcome(text if seen.reply is not None else None, duplicate=True, notice=notice or None,
                               question=question or None)

        contact = conversation.contact
        ctx = Ctx(session, settings, contact, conversation, channel, now)
        ctx.known = locked.known
        verdict = guard.screen(session, settings, contact, text, now)
        if not verdict.answer:
            return _kept(ctx, verdict, text, message_sid, phone)
        reply = respond(ctx, text)
        texts = reply_texts(reply) if channel == "sms" else ["\n".join(reply_texts(reply))]
        reply_text = texts[0] if texts and texts[0] else None
        question = texts[1] if len(texts) > 1 else None
        if reply_text and channel == "sms":
            reply_text = for_sending(reply_text, contact.language, settings.sms_ascii_fallback)
        if question:
            question = for_sending(question, contact.language, settings.sms_ascii_fallback)
        notice = None
        if (reply_text and channel == "sms" and not ctx.erase and contact.privacy_told_at is None
                and (contact.language is not None or conversation.flow != "language")):
            # Once, with the first reply in a language they read (volunteers hear it from coordinators).
            contact.privacy_told_at = now
            if not _volunteers(ctx):
                notice = for_sending(retention_notice(ctx), contact.language, settings.sms_ascii_fallback)
        if reply_text:
            guard.replied(settings, contact, now)
        stored = reply_text if notice is None else f"{reply_text}{NOTICE_SEPARATOR}{notice}"
        if question:
            stored = f"{reply_text}{NOTICE_SEPARATOR}{notice or ''}{NOTICE_SEPARATOR}{question}"
        if ctx.erase:
            # They said yes to DELETE: everything goes, this message's words included (its sid
            # stays, so a retried webhook gets the same answer and erases nothing twice).
            erase.forget(session, settings, contact, now, actor="the person, by text", reason="DELETE by text")
            session.add(InboundMessage(message_sid=message_sid, channel=channel, body="", reply=reply_text,
                                       received_at=now))
        else:
            conversation.updated_at = now
            contact.last_seen_at = now
            # The message and the state it moved the conversation to are written together.
            insert_with_changes(session, InboundMessage, {
                "message_sid": message_sid, "contact_id": contact.id, "channel": channel,
                "body": text, "reply": stored, "received_at": now,
            }, (contact, conversation))
        if channel == "sms":
            # Replies in TwiML are billed like any text: they count toward the SMS budget.
            billed = sum(count_segments(part).segments for part in (reply_text, question, notice) if part)
            budget.record(session, settings, budget.SMS, billed, now)
    if reply_text and count_segments(reply_text).segments > 2:
        log.warning("reply to %s costs %d segments", mask(phone), count_segments(reply_text).segments)
    return Outcome(reply_text, reply, notice=notice, question=question)


def _volunteers(ctx: Ctx) -> bool:
    """Tell whether the contact volunteers: as read with the lock, or signed up in this very turn."""
    if not ctx.known.read:
        return volunteers.for_contact(ctx.session, ctx.contact) is not None
    if ctx.known.volunteer_id is not None:
        return True
    # A sign-up in this turn is in the session (flushed or not): no query, and no early flush.
    return any(isinstance(row, Volunteer) and (row.contact_id == ctx.contact.id or row.contact is ctx.contact)
               for row in (*ctx.session.new, *ctx.session.identity_map.values()))


def _keep(session, message_sid: str | None, values: dict) -> None:
    if message_sid:
        insert_ignore(session, InboundMessage, {**values, "message_sid": message_sid}, ["message_sid"])
    else:
        session.add(InboundMessage(**values))


def _kept(ctx: Ctx, verdict: guard.Verdict, text: str, message_sid: str | None, phone: str) -> Outcome:
    """Keep a text the guards will not have answered, with the short note they send instead, if any."""
    contact, settings, now = ctx.contact, ctx.settings, ctx.now
    word = kw.carrier_word(text)
    if word in kw.CARRIER_OPT_OUT or (word in kw.CARRIER_OPT_IN and contact.opted_out):
        # The carrier acted on STOP or START already: the hotline must know it too, answered or not.
        respond(ctx, text)
    note = verdict.note if verdict.note and not contact.opted_out else None
    if note:
        note = for_sending(note, contact.language, settings.sms_ascii_fallback)
        guard.replied(settings, contact, now)
    contact.last_seen_at = now
    ctx.session.add(InboundMessage(message_sid=message_sid, contact_id=contact.id, channel=ctx.channel, body=text,
                                   reply=note, received_at=now))
    log.info("text from %s kept, %s", mask(phone), verdict.action + (" (noted)" if note else " (not answered)"))
    return Outcome(note)


__all__ = ["handle_message", "Outcome"]
