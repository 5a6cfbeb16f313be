"""The audit log: who did what, when, to what, with what was there before and after.

Every console action and every command that changes data writes one entry; the database keeps
the log append-only. Entries never hold a whole phone number.
"""
from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import now as utcnow
from .models import AuditEntry


def command_line() -> str:
    """How an action taken at a terminal is signed: the login that ran the command."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        login = "unknown"
    return f"command line ({login})"


def record(session: Session, actor: str, action: str, subject: str = "", *, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, user_id: int | None = None, address: str = "",
           at: datetime | None = None) -> AuditEntry:
    """Add an entry in the caller's transaction: it stands or falls with the change it records."""
    entry = AuditEntry(at=at or utcnow(), actor=actor[:254], action=action[:48], subject=subject[:128],
                       before=dict(before or {}), after=dict(after or {}), user_id=user_id, address=address[:64])
    session.add(entry)
    return entry


def query(*, action: str | None = None, actor: str | None = None, since: datetime | None = None,
          before_id: int | None = None):
    """Entries newest first, optionally of one action or actor, since a moment, older than an id."""
    statement = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action == action)
    if actor:
        statement = statement.where(AuditEntry.actor == actor)
    if since is not None:
        statement = statement.where(AuditEntry.at >= since)
    if before_id is not None:
        statement = statement.where(AuditEntry.id < before_id)
    return statement


def entries(session: Session, *, action: str | None = None, actor: str | None = None, since: datetime | None = None,
            limit: int = 200, before_id: int | None = None) -> list[AuditEntry]:
    """The newest entries first, optionally of one action or actor, since a moment, older than an id."""
    return list(session.scalars(query(action=action, actor=actor, since=since, before_id=before_id).limit(limit)))


def actions(session: Session) -> list[str]:
    """Every kind of action the log holds, for a filter."""
    return sorted(session.scalars(select(AuditEntry.action).distinct()))


def actors(session: Session, limit: int = 500) -> list[str]:
    """Everyone the log names as having acted, for a filter."""
    return sorted(session.scalars(select(AuditEntry.actor).distinct().limit(limit)))
