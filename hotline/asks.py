"""Questions sent outside a conversation ("did you get help? 1 yes 2 no") and their answers."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Ask, Contact

# kind -> handler(ctx, ask, answer "1"/"2") -> None; `hotline.wiring` registers them.
HANDLERS: dict[str, Callable] = {}


def handle(kind: str, handler: Callable) -> None:
    """Make `handler` answer the questions of this kind."""
    HANDLERS[kind] = handler


def ask(session: Session, contact: Contact, kind: str, subject_id: int, now: datetime, *, hours: float = 48) -> Ask:
    """Record that a 1-or-2 question went out; an older open one of the same kind is replaced."""
    for old in session.scalars(select(Ask).where(
            Ask.contact_id == contact.id, Ask.kind == kind, Ask.subject_id == subject_id,
            Ask.answered_at.is_(None))):
        old.answered_at = now
        old.answer = "replaced"
    record = Ask(contact_id=contact.id, kind=kind, subject_id=subject_id, created_at=now,
                 expires_at=now + timedelta(hours=hours))
    session.add(record)
    return record


def open_ask(session: Session, contact: Contact, now: datetime, kind: str | None = None) -> Ask | None:
    """The newest unanswered question to this contact that has not expired (of this kind, if given)."""
    query = select(Ask).where(Ask.contact_id == contact.id, Ask.answered_at.is_(None), Ask.expires_at > now)
    if kind is not None:
        query = query.where(Ask.kind == kind)
    return session.scalars(query.order_by(Ask.id.desc()).limit(1)).first()
