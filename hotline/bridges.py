"""Masked calls: the hotline rings a coordinator's or a helper's own phone, then puts them through
to a resident with the hotline's number as caller ID, so neither learns the other's number.

A call is an outbox row (channel "call", kind BRIDGE) to the person who asked for it, so it is
paced, budgeted and placed once; what it says and whom it dials are read from the row when
Twilio asks (hotline/voice/bridge.py). The need's history keeps who asked, and how it ended.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Settings
from .i18n import Translator
from .models import Contact, Need, NeedEvent, OutboxMessage
from .outbound.outbox import FINAL, find_or_create_contact, queue_call
from .phones import mask

log = logging.getLogger(__name__)

# The outbox kind of a call that puts someone through to a resident.
BRIDGE = "bridge"
# Who asked for it (row.meta["as"]): a console account, or the helper holding the task.
COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"
# The need's history: asked, then one of how it ended.
ASKED = "call_asked"
TALKED = "call_talked"
UNANSWERED = "call_unanswered"  # the resident did not pick up
NOT_PICKED_UP = "call_not_picked_up"  # the one who asked did not pick up their own phone
NOT_PLACED = "call_not_placed"  # never placed: held back too long, or their own number refuses calls
EVENTS = (ASKED, TALKED, UNANSWERED, NOT_PICKED_UP, NOT_PLACED)
# Nobody waits by their phone longer than this: a call held back longer (pacing, a budget) is dropped.
TTL = timedelta(minutes=10)
# A call to the resident still under way this recently stops another (a double click, two coordinators).
BUSY = timedelta(minutes=15)
ERASED = "erased"


class BridgeError(Exception):
    """A call that cannot be placed; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def asker_words(t: Translator, ref: str) -> str:
    """What the asker hears on picking up their own phone."""
    # Translators: said to a coordinator or a volunteer who asked the hotline to call a resident for them.
    return t.pgettext("voice", "This is the hotline, calling for request %(ref)s. Press 1 to be put through to the "
                      "resident now. They will see the hotline's number, not yours.", ref=ref)


def resident_number(contact: Contact | None) -> str | None:
    """The number a resident is reached at: theirs, or the one a hidden caller gave."""
    if contact is None:
        return None
    for number in (contact.phone, contact.callback_phone):
        if number and number.startswith("+") and number[1:].isdigit():
            return number
    return None


def erased(contact: Contact | None) -> bool:
    # An erased person's contact keeps no number (hotline.privacy.erase writes this in its place).
    return contact is None or contact.phone == ERASED


def hotline_refusal(settings: Settings) -> str | None:
    """Why this hotline cannot place a masked call at all, if it cannot."""
    if not settings.twilio_phone_number:
        return "no_hotline_number"
    if not settings.twilio_configured:
        # Without an account the console transport only logs a call: nothing would ring.
        return "no_twilio"
    return None


def refusal(settings: Settings, need: Need) -> str | None:
    """Why nobody may be put through to this need's resident now, if there is a reason."""
    contact = need.contact
    reason = hotline_refusal(settings)
    if reason is not None:
        return reason
    if erased(contact):
        return "erased"
    if contact.opted_out:
        return "opted_out"
    if resident_number(contact) is None:
        return "no_number"
    return None


def under_way(session: Session, need: Need, now: datetime) -> OutboxMessage | None:
    """A call to this need's resident still under way (queued, ringing or talking), if any."""
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.need_id == need.id, OutboxMessage.kind == BRIDGE,
               OutboxMessage.status.not_in(FINAL), OutboxMessage.created_at > now - BUSY)
        .order_by(OutboxMessage.id.desc())
    ).first()


def ask(session: Session, settings: Settings, need: Need, *, phone: str | None, language: str, who: str,
        role: str, now: datetime, actor: str = "", user_id: int | None = None,
        volunteer_id: int | None = None) -> OutboxMessage:
    """Ring `phone` (the asker's own) to put them through to the need's resident; raise BridgeError if not.

    `who` names the asker in the need's history (an email, a helper's first name), `actor` is
    the console account when there is one; `language` is the one the asker hears. `user_id` or
    `volunteer_id` names the asker again when they press 1: by then they may no longer be allowed.
    """
    # The need's row is locked (PostgreSQL) so two clicks at once place one call.
    session.scalars(select(Need.id).where(Need.id == need.id).with_for_update()).one()
    reason = refusal(settings, need)
    if reason is None and not phone:
        reason = "no_phone"
    if reason is None and under_way(session, need, now) is not None:
        reason = "busy"
    if reason is not None:
        raise BridgeError(reason)
    contact = find_or_create_contact(session, phone)
    if contact.id == need.contact_id:
        raise BridgeError("own_number")
    words = asker_words(Translator(language, settings.locales_dir), need.ref)
    row = queue_call(session, contact, words, kind=BRIDGE, need_id=need.id, ttl=TTL,
                     meta={"language": language, "by": who, "as": role, "user_id": user_id,
                           "volunteer_id": volunteer_id})
    need.events.append(NeedEvent(at=now, kind=ASKED, note=who, actor=actor))
    log.info("masked call for request %s: ringing %s first", need.ref, mask(phone))
    return row


def ended(session: Session, row: OutboxMessage, status: str, seconds: int | None, now: datetime) -> bool:
    """Keep in the need's history how the resident's side of a call ended (once); tell whether they talked."""
    meta = row.meta or {}
    talked = status in ("completed", "answered") and bool(seconds)
    if meta.get("ended"):
        return talked
    row.meta = {**meta, "ended": status, "seconds": seconds or 0}
    need = session.get(Need, row.need_id) if row.need_id else None
    if need is not None:
        who = meta.get("by", "")
        if talked:
            note = f"{who} · {seconds // 60}:{seconds % 60:02d}"
            need.events.append(NeedEvent(at=now, kind=TALKED, note=note))
        else:
            need.events.append(NeedEvent(at=now, kind=UNANSWERED, note=who))
    log.info("masked call %s: the resident's side ended %s (%ss)", row.id, status, seconds or 0)
    return talked


def not_picked_up(session: Session, message: OutboxMessage, **_) -> None:
    """The asker's own phone was never picked up, or never rung: kept in the need's history (on `delivery_failed`)."""
    if message.kind != BRIDGE or message.need_id is None:
        return
    need = session.get(Need, message.need_id)
    if need is None:
        return
    # Failed: Twilio rang and nobody answered (or refused the call); expired or skipped: never rung.
    kind = NOT_PICKED_UP if message.status == "failed" else NOT_PLACED
    need.events.append(NeedEvent(at=message.updated_at, kind=kind, note=(message.meta or {}).get("by", "")))
