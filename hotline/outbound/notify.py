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

from . import events
from .config import Settings
from .models import Contact, InboundMessage, OutboxMessage
from .outbox import queue_call, queue_sms
from .phones import mask

log = logging.getLogger(__name__)

LANDLINE = 30006
# Kinds of message a resident gets that are worth a call when a text cannot reach them.
RESIDENT_KINDS = frozenset({"claimed", "update", "followup", "reminder", "relay", "cancelled"})


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


def _call_instead(session: Session, message: OutboxMessage, **_) -> None:
    """A text that never reached a resident's landline is placed again as a call."""
    if message.channel != "sms" or message.error_code != LANDLINE or message.kind not in RESIDENT_KINDS:
        return
    contact = session.get(Contact, message.contact_id) if message.contact_id else None
    if contact is None or contact.opted_out:
        return
    meta = message.meta or {}
    log.info("text to %s cannot reach a landline: calling instead", mask(contact.phone))
    queue_call(session, contact, meta.get("spoken") or message.body, kind=message.kind,
               ask_id=meta.get("ask_id"), need_id=message.need_id, meta={"instead_of": message.id})


def _tell_coordinators(session: Session, message: OutboxMessage, **_) -> None:
    """A call to a resident that nobody answered, after every try: a person should follow up."""
    if message.channel != "call" or message.status != "failed" or message.kind not in RESIDENT_KINDS:
        return
    from .services import current

    settings: Settings = current().settings
    from .i18n import Translator

    from .models import Need

    t = Translator(settings.default_language, settings.locales_dir)
    need = session.get(Need, message.need_id) if message.need_id else None
    for phone in settings.coordinator_phones:
        queue_sms(session, phone, t._(
            "Hotline: nobody answered our calls about request %(ref)s. Please follow up.",
            ref=need.ref if need else mask(message.to),
        ), kind="alert", need_id=message.need_id)


events.subscribe(events.DELIVERY_FAILED, _call_instead)
events.subscribe(events.DELIVERY_FAILED, _tell_coordinators)
