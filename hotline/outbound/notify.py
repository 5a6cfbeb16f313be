"""Telling a resident something: by text, or by a phone call when texts cannot reach them.

A resident is called instead of texted when their number cannot take SMS (a landline, found
when a text failed with 30006) or when they have only ever called the hotline, never texted.
A text that fails because the number is a landline is placed again as a call.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Contact, InboundMessage, OutboxMessage
from ..phones import mask
from .outbox import queue_call, queue_sms

log = logging.getLogger(__name__)

LANDLINE = 30006
# Kinds of message a resident gets that are worth a call when a text cannot reach them.
RESIDENT_KINDS = frozenset({"claimed", "update", "followup", "reminder", "relay", "cancelled", "checkin"})


def wants_calls(session: Session, contact: Contact) -> bool:
    """Tell whether this person is better reached by a call than by a text."""
    if contact.sms_unusable:
        return True
    channels = set(session.scalars(
        select(InboundMessage.channel).where(InboundMessage.contact_id == contact.id).distinct()))
    return "voice" in channels and "sms" not in channels


def notify(
    session: Session,
    contact: Contact,
    text: str,
    *,
    kind: str,
    spoken: str | None = None,
    need_id: int | None = None,
    ask_id: int | None = None,
    ttl: timedelta | None = None,
    reply: bool = False,
    meta: dict | None = None,
) -> OutboxMessage:
    """Send a resident a message the way that reaches them; `spoken` is its wording for a call."""
    if wants_calls(session, contact):
        return queue_call(session, contact, spoken or text, kind=kind, ask_id=ask_id, need_id=need_id, ttl=ttl,
                          meta=meta)
    return queue_sms(session, contact, text, kind=kind, need_id=need_id, ttl=ttl, reply=reply,
                     meta={**(meta or {}), "spoken": spoken, "ask_id": ask_id})


def call_instead(session: Session, message: OutboxMessage, **_) -> None:
    """A text that never reached a resident's landline is placed again as a call (on `delivery_failed`)."""
    if message.channel != "sms" or message.error_code != LANDLINE or message.kind not in RESIDENT_KINDS:
        return
    contact = session.get(Contact, message.contact_id) if message.contact_id else None
    if contact is None or contact.opted_out:
        return
    meta = message.meta or {}
    log.info("text to %s cannot reach a landline: calling instead", mask(contact.phone))
    queue_call(session, contact, meta.get("spoken") or message.body, kind=message.kind,
               ask_id=meta.get("ask_id"), need_id=message.need_id, meta={"instead_of": message.id})
