"""Calls the hotline places: say a message in the person's language; 1 or 2 answers its question.

Twilio fetches the words when the call is answered (`/twilio/voice/notify?o=<outbox id>`), so
the outbox row is the one record of what was said. A key pressed goes to the same handler a
texted 1 or 2 would reach.
"""
from __future__ import annotations

import logging
from twilio.twiml.voice_response import VoiceResponse

from .. import asks, bridges, urls
from ..clock import now as utcnow
from ..config import Settings
from ..db import Database
from ..flows.engine import Ctx
from ..flows.runner import lock_conversation
from ..models import Ask, Contact, OutboxMessage
from . import bridge, missed, sentence_recordings
from .speaker import Speaker, Words
from .turn import CONFIRM_OR_CANCEL, KEYS_FOR_QUESTION, notification

log = logging.getLogger(__name__)


def _open_ask(session, row: OutboxMessage) -> Ask | None:
    ask_id = (row.meta or {}).get("ask_id")
    found = session.get(Ask, ask_id) if ask_id else None
    if found is None or found.answered_at is not None or found.expires_at <= utcnow():
        return None
    return found


def call_twiml(db: Database, settings: Settings, outbox_id: int) -> str:
    """The words of a call the hotline placed, with a 1-or-2 question when one is still open."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None or row.channel != "call":
            response = VoiceResponse()
            response.hangup()
            return str(response)
        if row.kind == bridges.BRIDGE:
            return bridge.asker_leg(session, settings, row)
        if row.kind == missed.MISSED:
            return missed.twiml(session, settings, row)
        contact = session.get(Contact, row.contact_id)
        language = (contact.language if contact else None) or settings.default_language
        question = _open_ask(session, row)
        confirm = urls.public(settings, urls.CALL_PLACED_ANSWER, o=outbox_id) if question else None
        again = urls.public(settings, urls.CALL_PLACED, o=outbox_id, again=1) if question else None
        keys = KEYS_FOR_QUESTION.get(question.kind, CONFIRM_OR_CANCEL) if question else CONFIRM_OR_CANCEL
        return str(notification(settings, language, Words(row.body), confirm_url=confirm, repeat_url=again,
                                keys=keys, approved=sentence_recordings.approved_lookup(session)))


def answer(db: Database, settings: Settings, outbox_id: int, digits: str) -> str:
    """Act on the key pressed during a call the hotline placed, as a texted answer would be."""
    response = VoiceResponse()
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        contact = session.get(Contact, row.contact_id) if row is not None and row.contact_id else None
        if row is None or contact is None:
            response.hangup()
            return str(response)
        question = _open_ask(session, row)
        if question is None or digits not in ("1", "2"):
            if question is not None:
                response.redirect(urls.public(settings, urls.CALL_PLACED, o=outbox_id, again=1))
            else:
                response.hangup()
            return str(response)
        conversation = lock_conversation(session, contact.phone, utcnow())
        ctx = Ctx(session, settings, conversation.contact, conversation, "voice", utcnow())
        question.answered_at = ctx.now
        question.answer = digits
        asks.HANDLERS[question.kind](ctx, question, digits)
        speaker = Speaker(settings, ctx.language)
        for note in ctx.notes:
            speaker.speak(response, Words(note))
        response.hangup()
        log.info("call %s answered with %s", outbox_id, digits)
        return str(response)
