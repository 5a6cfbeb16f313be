"""Residents' yes or no to broadcast updates, one kind of need at a time (RESIDENT_UPDATES).

Asked once a request of a kind on the list is filed, and turned on or off any time with the UPDATES
word. Nothing is ever broadcast to a resident without a yes for that kind; erasing the resident
erases the answer with everything else (the rows go with the contact).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Settings
from .models import Contact, Need, UpdateConsent

ASKED = "asked"  # answered the question after a request
KEYWORD = "keyword"  # texted UPDATES
STOP = "stop"  # texted STOP (or their carrier said so), then START: off until they say yes again


def offered(settings: Settings) -> tuple[str, ...]:
    """The kinds residents may get updates about, in the order configured."""
    return tuple(settings.resident_updates)


def answered(session: Session, contact: Contact, kind: str) -> bool:
    """Whether they said yes or no about this kind already (they are never asked twice; a STOP
    answered nothing, so they are asked again after their next request)."""
    row = session.get(UpdateConsent, (contact.id, kind))
    return row is not None and row.source != STOP


def wanted(session: Session, contact: Contact) -> list[str]:
    """The kinds they said yes to."""
    return list(session.scalars(select(UpdateConsent.kind).where(
        UpdateConsent.contact_id == contact.id, UpdateConsent.wanted.is_(True)).order_by(UpdateConsent.kind)))


def record(session: Session, contact: Contact, kinds, wanted: bool, now: datetime, *, source: str) -> None:
    """Keep their answer for each kind, replacing any earlier one."""
    for kind in kinds:
        row = session.get(UpdateConsent, (contact.id, kind))
        if row is None:
            session.add(UpdateConsent(contact_id=contact.id, kind=kind, wanted=wanted, source=source, at=now))
        else:
            row.wanted, row.source, row.at = wanted, source, now
    session.flush()


def after_opt_in(session: Session, contact: Contact, stopped_at: datetime | None, now: datetime) -> None:
    """Back after STOP: every yes they gave before is off, so START alone never brings news back."""
    for row in session.scalars(select(UpdateConsent).where(UpdateConsent.contact_id == contact.id,
                                                           UpdateConsent.wanted.is_(True))):
        row.wanted, row.source, row.at = False, STOP, stopped_at or now
    session.flush()


def toggle(session: Session, settings: Settings, contact: Contact, now: datetime) -> tuple[bool, list[str]]:
    """UPDATES: off when any kind is on; else on for the kinds of their own requests (or every kind
    offered when they made none). Return whether updates are on now, and for which kinds."""
    on = [kind for kind in wanted(session, contact) if kind in offered(settings)]
    if on:
        record(session, contact, on, False, now, source=KEYWORD)
        return False, on
    asked_about = set(session.scalars(select(Need.category).where(Need.contact_id == contact.id)))
    kinds = [kind for kind in offered(settings) if kind in asked_about] or list(offered(settings))
    record(session, contact, kinds, True, now, source=KEYWORD)
    return True, kinds
