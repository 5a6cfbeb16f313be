"""Notes a helper leaves on a task for the coordinators ("NOTE 427 nobody was home").

A note is kept in the need's history, where the console shows it; it is never relayed to the
resident, and it goes with the need's other words (DELETE, retention).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .. import offers
from ..config import Settings
from ..models import Need, NeedEvent, Volunteer
from . import copy

# The need event a note is kept as; its words are "First name: the note".
EVENT = "volunteer_note"
# Longest note kept (an SMS of ten segments); the rest is cut.
LIMIT = 1600
# A helper may leave notes on the tasks they hold and on those they finished.
THEIRS = (offers.CLAIMED, offers.DONE)


def leave(session: Session, settings: Settings, volunteer: Volunteer, code: str, words: str, now: datetime) -> str:
    """Keep a helper's note on their task; return the reply for the helper."""
    t = copy.translator(settings, volunteer.contact)
    found = offers.with_code(session, volunteer, code)
    if not found:
        return copy.no_such_task(t, code)
    offer = next((o for o in found if o.status in THEIRS), None)
    if offer is None:
        return copy.note_not_yours(t, code)
    words = " ".join(words.split())
    if not words:
        return copy.note_needs_words(t, code)
    need = session.get(Need, offer.need_id)
    need.events.append(NeedEvent(at=now, kind=EVENT, note=f"{volunteer.first_name}: {words}"[:LIMIT]))
    return copy.note_kept(t, code)


def of(need: Need) -> list[NeedEvent]:
    """The helpers' notes on a need, oldest first."""
    return [event for event in need.events if event.kind == EVENT]
