"""Running one message through the flows, with the sender's conversation locked."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import insert_ignore
from ..models import Contact, Conversation
from .engine import Ctx, Reply, advance, answer_step
from .keywords import intercept


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
