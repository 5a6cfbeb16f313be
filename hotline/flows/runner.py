"""Running one message through the flows, with the sender's conversation locked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..db import insert_ignore
from .. import needs
from ..models import Ask, Contact, Conversation, InboundMessage, Need, Volunteer
from .engine import Ctx, Known, Reply, advance, answer_step, lapse
from .keywords import intercept


def respond(ctx: Ctx, text: str) -> Reply:
    """Run one message through the keywords, then the current step."""
    lapse(ctx)
    target = intercept(ctx, text)
    if target is None:
        target = answer_step(ctx, text)
    return advance(ctx, target)


@dataclass
class Locked:
    """A number's conversation, locked, with what its turn reads first (read in the same statement)."""

    conversation: Conversation
    # The message already handled under this sid (a retried webhook), if any.
    seen: InboundMessage | None
    known: Known


def lock_conversation(session: Session, phone: str, now: datetime) -> Conversation:
    """Find or create the number's contact and conversation, holding a lock on the conversation."""
    return lock_turn(session, phone, now).conversation


@lru_cache(maxsize=2)
def _lock_turn_statement(with_sid: bool):
    """The statement `lock_turn` runs, built once: it costs more to build than to run."""
    open_ask = (select(func.max(Ask.id))
                .where(Ask.contact_id == Contact.id, Ask.answered_at.is_(None), Ask.expires_at > bindparam("now"))
                .scalar_subquery())
    any_need = select(Need.id).where(Need.contact_id == Contact.id, Need.status.in_(needs.ACTIVE)).exists()
    statement = (select(Contact, Conversation, Volunteer.id, Volunteer.status, open_ask, any_need)
                 .join(Conversation, Conversation.contact_id == Contact.id)
                 .outerjoin(Volunteer, Volunteer.contact_id == Contact.id)
                 .where(Contact.phone == bindparam("phone")))
    if with_sid:
        statement = statement.add_columns(InboundMessage).outerjoin(
            InboundMessage, InboundMessage.message_sid == bindparam("sid"))
    # SKIP LOCKED: a statement that waited for the lock would see the newest conversation but the
    # contact and the rest as they were before the wait (PostgreSQL re-reads only the locked row).
    # A conversation busy with another turn takes the path below instead: lock first, then read.
    return statement.with_for_update(of=Conversation, skip_locked=True)


# A first text's reads, built once (with the values as parameters) like the statement above.
_CREATED_STATEMENTS = {
    "contact": select(Contact).where(Contact.phone == bindparam("phone")),
    "conversation": select(Conversation).where(Conversation.contact_id == bindparam("contact_id")).with_for_update(),
    "seen": select(InboundMessage).where(InboundMessage.message_sid == bindparam("sid")),
}


def lock_turn(session: Session, phone: str, now: datetime, message_sid: str | None = None) -> Locked:
    """Lock the number's conversation and read the contact, the message under `message_sid`, whether
    they volunteer, their newest open question and whether they have a request in play, all in one
    statement; create what is missing.

    FOR UPDATE OF the conversation on PostgreSQL; SQLite holds the write lock from BEGIN IMMEDIATE.
    """
    values = {"phone": phone, "now": now}
    if message_sid:
        values["sid"] = message_sid
    row = session.execute(_lock_turn_statement(bool(message_sid)), values).first()
    if row is not None:
        contact, conversation, volunteer_id, volunteer_status, ask_id, open_needs = row[:6]
        seen = row[6] if message_sid else None
        # Read in this statement: the relationship needs no query of its own.
        set_committed_value(conversation, "contact", contact)
        return Locked(conversation, seen, Known(True, volunteer_id, volunteer_status, ask_id, bool(open_needs)))
    # A number never seen (or erased): the rows are made, then read as before.
    created = insert_ignore(session, Contact, {"phone": phone, "created_at": now, "last_seen_at": now}, ["phone"])
    contact = session.scalars(_CREATED_STATEMENTS["contact"], {"phone": phone}).one()
    insert_ignore(
        session,
        Conversation,
        {"contact_id": contact.id, "flow": "home", "step": "idle", "data": {}, "version": 0, "updated_at": now},
        ["contact_id"],
    )
    conversation = session.scalars(_CREATED_STATEMENTS["conversation"], {"contact_id": contact.id}).one()
    set_committed_value(conversation, "contact", contact)
    seen = None
    if message_sid:
        seen = session.scalar(_CREATED_STATEMENTS["seen"], {"sid": message_sid})
    # A contact this transaction made has nothing yet: no volunteer, question or request is theirs.
    return Locked(conversation, seen, Known(True, None, None, None, False) if created else Known())
