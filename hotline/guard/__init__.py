"""Guards on the way in: what a text from a number may cost before the hotline stops answering.

Every inbound text is kept; the guards only decide whether it is answered. In order: the
hotline's own numbers and blocked numbers get nothing; a muted number (its texts looked
automatic) gets nothing; a number texting too fast gets one short note per window; a number
past its replies for the hour gets nothing until the hour is over; a new number's first text in
a surge gets a one-line "you are in line" note instead of the menu. All of it is read from the
contact's own row (locked with its conversation) and at most one query of its recent texts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..config import Settings
from ..models import Contact
from ..phones import mask
from . import blocks, limits, loops, surge

log = logging.getLogger(__name__)

ANSWER = "answer"


@dataclass(frozen=True)
class Verdict:
    """What to do with one text: answer it through the flows, or keep it and send `note` (or nothing)."""

    action: str = ANSWER
    note: str | None = None

    @property
    def answer(self) -> bool:
        return self.action == ANSWER


def screen(session: Session, settings: Settings, contact: Contact, text: str, now: datetime) -> Verdict:
    """Decide whether a text from `contact` is answered; mute a number that is looping."""
    if contact.blocked(now):
        return Verdict("blocked")
    if contact.muted(now):
        return Verdict("muted")
    history = limits.recent(session, settings, contact, now)
    if history is not None:
        seen = [*history, loops.Seen(text, now, False)]
        window = [s for s in seen if (now - s.at).total_seconds() <= settings.loop_window_minutes * 60]
        why = loops.looping(window[-limits.LOOKBACK:], settings.loop_rounds, settings.locales_dir)
        if why is not None:
            blocks.mute(contact, settings, why, now)
            log.warning("muted %s for %s hours: its texts look automatic (%s)", mask(contact.phone),
                        settings.mute_hours, why)
            return Verdict("muted")
        too_fast = limits.too_fast(settings, contact, history, now)
        if too_fast is not None:
            return Verdict("too_fast", limits.slow_down_note(settings, contact, too_fast, now))
    if not limits.reply_budget_left(settings, contact, now):
        return Verdict("budget")
    if surge.first_text(contact, now, history) and surge.surging(session, settings, now):
        return Verdict("surge", surge.note(settings, text))
    return Verdict()


def replied(settings: Settings, contact: Contact, now: datetime) -> None:
    """Count a reply against the number's budget for the hour."""
    limits.spend_reply(settings, contact, now)


__all__ = ["Verdict", "screen", "replied", "blocks", "surge"]
