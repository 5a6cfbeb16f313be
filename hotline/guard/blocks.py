"""Blocked and muted numbers: who may not be answered, since when, why, and the hotline's own numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..config import Settings
from ..db import insert_ignore
from ..models import Contact, contact_blocked
from ..phones import mask, normalize

MAX_REASON = 500
MAX_DAYS = 3650

# Why a number was muted.
AUTO_REPLY = "auto_reply"  # a known auto-reply phrase ("I'm driving")
REPEATS = "repeats"  # the same words again and again, faster than anyone types


class BlockError(ValueError):
    """A block that cannot be made as asked; the message says what to change."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def hotline_numbers(settings: Settings) -> frozenset[str]:
    """This hotline's own number and the other hotline numbers it must never answer."""
    own = normalize(settings.twilio_phone_number, settings.default_region) if settings.twilio_phone_number else None
    return frozenset({*settings.other_hotline_numbers, *([own] if own else [])})


def read_phone(raw: str, settings: Settings) -> str:
    number = normalize(raw or "", settings.default_region)
    if number is None:
        raise BlockError("phone", "not a phone number one can text")
    return number


def read_days(raw: str | int | None) -> int | None:
    """Days until a block ends: empty for never; a whole number from 1 to MAX_DAYS otherwise."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 5 or not 1 <= int(text) <= MAX_DAYS:
        raise BlockError("days", f"days is a whole number from 1 to {MAX_DAYS}, or empty for no end")
    return int(text)


def _contact(session: Session, phone: str, now: datetime) -> Contact:
    insert_ignore(session, Contact, {"phone": phone, "created_at": now, "last_seen_at": now}, ["phone"])
    return session.scalars(select(Contact).where(Contact.phone == phone)).one()


def block(session: Session, settings: Settings, phone: str, reason: str, days: int | None, *, actor: str,
          now: datetime, user_id: int | None = None, address: str = "") -> Contact:
    """Block a number (for `days`, or until unblocked), audited with the reason and the number masked."""
    number = read_phone(phone, settings)
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not reason:
        raise BlockError("reason", "say why the number is blocked")
    contact = _contact(session, number, now)
    before = {"blocked": contact.blocked(now)}
    contact.blocked_at = now
    contact.blocked_until = now + timedelta(days=days) if days else None
    contact.block_reason = reason
    audit.record(session, actor, "block", f"number {mask(number)}", before=before,
                 after={"reason": reason, "until": contact.blocked_until.isoformat() if contact.blocked_until else ""},
                 user_id=user_id, address=address, at=now)
    return contact


def unblock(session: Session, contact: Contact, *, actor: str, now: datetime, user_id: int | None = None,
            address: str = "") -> bool:
    """Lift a block; tell whether there was one in force."""
    was = contact.blocked(now)
    before = {"reason": contact.block_reason or "", "since": contact.blocked_at.isoformat() if contact.blocked_at else ""}
    contact.blocked_at = contact.blocked_until = contact.block_reason = None
    if was:
        audit.record(session, actor, "unblock", f"number {mask(contact.phone)}", before=before, user_id=user_id,
                     address=address, at=now)
    return was


def mute(contact: Contact, settings: Settings, reason: str, now: datetime) -> None:
    contact.muted_at = now
    contact.muted_until = now + timedelta(hours=settings.mute_hours)
    contact.muted_reason = reason


def unmute(session: Session, contact: Contact, *, actor: str, now: datetime, user_id: int | None = None,
           address: str = "") -> bool:
    """Answer a muted number again; tell whether it was muted."""
    was = contact.muted(now)
    before = {"reason": contact.muted_reason or "", "since": contact.muted_at.isoformat() if contact.muted_at else ""}
    contact.muted_at = contact.muted_until = contact.muted_reason = None
    if was:
        audit.record(session, actor, "unmute", f"number {mask(contact.phone)}", before=before, user_id=user_id,
                     address=address, at=now)
    return was


@dataclass(frozen=True)
class Listed:
    contact_id: int
    masked: str
    reason: str
    since: datetime
    until: datetime | None


def blocked(session: Session, now: datetime) -> list[Listed]:
    """Numbers blocked now, newest first, masked."""
    rows = session.scalars(select(Contact).where(contact_blocked(now)).order_by(Contact.blocked_at.desc(), Contact.id))
    return [Listed(c.id, mask(c.phone), c.block_reason or "", c.blocked_at, c.blocked_until) for c in rows]


def muted(session: Session, now: datetime) -> list[Listed]:
    """Numbers muted now, newest first, masked."""
    rows = session.scalars(select(Contact).where(Contact.muted_until > now)
                           .order_by(Contact.muted_at.desc(), Contact.id))
    return [Listed(c.id, mask(c.phone), c.muted_reason or "", c.muted_at, c.muted_until) for c in rows]
