"""Per-number limits: texts a minute and an hour, and replies an hour."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from ..config import Settings
from ..i18n import Translator
from ..models import Contact, InboundMessage
from .loops import Seen

# Recent texts weighed when telling a machine from a person.
LOOKBACK = 8
MINUTE = 60.0
HOUR = 3600.0


def recent(session: Session, settings: Settings, contact: Contact, now: datetime) -> list[Seen] | None:
    """The number's texts the guards need, oldest first, in one query; None when no guard needs them."""
    spans = [HOUR if settings.inbound_per_hour > 0 else 0.0, MINUTE if settings.inbound_per_minute > 0 else 0.0,
             settings.loop_window_minutes * 60 if settings.loop_rounds > 0 else 0.0]
    span = max(spans)
    if span <= 0:
        return None
    # Past this many, the limits are reached anyway: a flood never makes the query longer.
    enough = max(settings.inbound_per_hour, settings.inbound_per_minute, LOOKBACK if settings.loop_rounds > 0 else 0)
    rows = session.execute(_recent_statement(enough),
                           {"contact_id": contact.id, "since": now - timedelta(seconds=span)}).all()
    return [Seen(body or "", at, bool(replied)) for body, at, replied in reversed(rows)]


@lru_cache(maxsize=8)
def _recent_statement(enough: int):
    # Built once (it is asked for on every text): building it cost more than running it. On the
    # table's columns: plain rows, without the ORM's per-query setup.
    t = InboundMessage.__table__.c
    answered = and_(t.reply.is_not(None), t.reply != "")
    return (select(t.body, t.received_at, answered)
            .where(t.contact_id == bindparam("contact_id"), t.received_at > bindparam("since"))
            .order_by(t.received_at.desc(), t.id.desc())
            .limit(enough))


def too_fast(settings: Settings, contact: Contact, history: list[Seen], now: datetime) -> float | None:
    """The window (in seconds) whose limit this text goes past, or None when it is within both."""
    if settings.inbound_per_hour > 0 and sum((now - s.at).total_seconds() < HOUR for s in history) >= settings.inbound_per_hour:
        return HOUR
    if settings.inbound_per_minute > 0 and sum((now - s.at).total_seconds() < MINUTE for s in history) >= settings.inbound_per_minute:
        return MINUTE
    return None


def slow_down_note(settings: Settings, contact: Contact, window: float, now: datetime) -> str | None:
    """The note that they are going too fast: once per window, and only while replies are left."""
    if contact.slowed_at is not None and (now - contact.slowed_at).total_seconds() < window:
        return None
    if not reply_budget_left(settings, contact, now):
        return None
    contact.slowed_at = now
    translator = Translator(contact.language or settings.default_language, settings.locales_dir)
    return translator._("You are sending texts very fast. We keep them all, but will not answer for a while. "
                        "Please wait a few minutes, then text again.")


def _window_open(contact: Contact, now: datetime) -> bool:
    return contact.replies_since is not None and (now - contact.replies_since).total_seconds() < HOUR


def reply_budget_left(settings: Settings, contact: Contact, now: datetime) -> bool:
    if settings.replies_per_hour <= 0 or not _window_open(contact, now):
        return True
    return (contact.replies_count or 0) < settings.replies_per_hour


def spend_reply(settings: Settings, contact: Contact, now: datetime) -> None:
    if settings.replies_per_hour <= 0:
        return
    if _window_open(contact, now):
        contact.replies_count = (contact.replies_count or 0) + 1
    else:
        contact.replies_since, contact.replies_count = now, 1
