"""Needs: the categories, the lifecycle with its allowed transitions, and reference codes."""
from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import now as utcnow
from .i18n import N_
from .models import Contact, Need, NeedEvent

# Order is the menu order residents see.
CATEGORIES: dict[str, str] = {
    "food": N_("Food"),
    "ride": N_("A ride"),
    "housing": N_("Housing"),
    "childcare": N_("Childcare"),
    "health": N_("Health"),
    "money": N_("Emergency money"),
    "other": N_("Something else"),
    # Not on the menu: a look-in a check-in asked for (hotline/dispatch/checkins.py).
    "checkin": N_("Check-in visit"),
}
# What the main menu offers (a look-in is never asked for there).
MENU = tuple(key for key in CATEGORIES if key != "checkin")

# Help that brings someone to the resident's door (food left there, a ride from home, a sitter,
# medicine, an errand): its helper says two words at the door, so nobody else can pass for them.
# Housing help is advice and calls; emergency money is sent, not carried.
VISITS = frozenset({"food", "ride", "childcare", "health", "other", "checkin"})

OPEN = "open"  # logged, nobody asked yet
OFFERED = "offered"  # volunteers have been asked
CLAIMED = "claimed"  # a volunteer is on it
DONE = "done"
WITHDRAWN = "withdrawn"  # the resident no longer needs it
UNMET = "unmet"  # nobody could help; coordinators follow up

# Every allowed move, in one place; anything else is a bug and raises.
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({OFFERED, CLAIMED, WITHDRAWN, UNMET, DONE}),
    OFFERED: frozenset({OPEN, CLAIMED, WITHDRAWN, UNMET, DONE}),
    # A coordinator may mark a claimed or done need unmet (the helper could not, or it did not work out).
    CLAIMED: frozenset({OPEN, OFFERED, DONE, WITHDRAWN, UNMET}),
    UNMET: frozenset({OPEN, OFFERED, CLAIMED, WITHDRAWN, DONE}),
    DONE: frozenset({OPEN, UNMET}),
    WITHDRAWN: frozenset({OPEN}),
}
ACTIVE = frozenset({OPEN, OFFERED, CLAIMED, UNMET})

# How each status reads to the resident who asked.
STATUS_LABELS: dict[str, str] = {
    OPEN: N_("waiting for a volunteer"),
    OFFERED: N_("asking volunteers"),
    CLAIMED: N_("a volunteer is on it"),
    UNMET: N_("still looking for help"),
    DONE: N_("done"),
    WITHDRAWN: N_("withdrawn"),
}

REF_DIGITS = 6


class InvalidTransition(ValueError):
    pass


def new_ref(session: Session) -> str:
    """Pick an unused reference: six digits, easy to say, type on a keypad and read back."""
    while True:
        ref = str(secrets.randbelow(9 * 10 ** (REF_DIGITS - 1)) + 10 ** (REF_DIGITS - 1))
        if session.scalar(select(Need.id).where(Need.ref == ref)) is None:
            return ref


def create(
    session: Session,
    contact: Contact,
    *,
    category: str,
    details: str,
    location: str,
    language: str,
    channel: str = "sms",
    now: datetime | None = None,
) -> Need:
    """Store a new need and note where it came from."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    now = now or utcnow()
    need = Need(
        ref=new_ref(session),
        contact=contact,
        category=category,
        details=details,
        location=location,
        language=language,
        status=OPEN,
        channel=channel,
        created_at=now,
        updated_at=now,
    )
    need.events.append(NeedEvent(at=now, kind="created", note=channel))
    session.add(need)
    session.flush()
    return need


def transition(need: Need, status: str, *, note: str = "", now: datetime | None = None) -> None:
    """Move a need to another status, if that move is allowed."""
    if status == need.status:
        return
    if status not in TRANSITIONS.get(need.status, frozenset()):
        raise InvalidTransition(f"{need.status} -> {status}")
    now = now or utcnow()
    need.events.append(NeedEvent(at=now, kind=status, note=note))
    need.status = status
    need.updated_at = now


def is_visit(need: Need) -> bool:
    return need.category in VISITS


def give_door_words(need: Need, pair: str, *, now: datetime | None = None) -> None:
    """Set the words the helper of a visit says at the door (noted in the need's history)."""
    now = now or utcnow()
    need.door_words = pair
    need.events.append(NeedEvent(at=now, kind="door_words", note=pair))


def forget_door_words(need: Need) -> None:
    """Nobody holds the need any more: the words they knew let nobody in."""
    need.door_words = None


def add_details(need: Need, text: str, *, now: datetime | None = None) -> None:
    """Add the resident's further words to a need."""
    now = now or utcnow()
    need.details = f"{need.details}\n{text}".strip()
    need.events.append(NeedEvent(at=now, kind="added", note=text))
    need.updated_at = now


def open_needs(session: Session, contact: Contact, category: str | None = None) -> list[Need]:
    """The contact's needs still in play, newest first."""
    query = select(Need).where(Need.contact_id == contact.id, Need.status.in_(ACTIVE))
    if category:
        query = query.where(Need.category == category)
    return list(session.scalars(query.order_by(Need.id.desc())))


def own_open(session: Session, contact: Contact, need_id: int | None) -> Need | None:
    """The contact's own need with this id, if it is still in play (ids come from conversation data)."""
    need = session.get(Need, need_id or 0)
    if need is None or need.contact_id != contact.id or need.status not in ACTIVE:
        return None
    return need


def lock(session: Session, need_id: int) -> Need | None:
    """Lock a need's row (PostgreSQL) and read it afresh. Needs are locked before their rides."""
    return session.scalars(
        select(Need).where(Need.id == need_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


# How a recorded answer stands in a need's words (and the conversation) until it is transcribed:
# short, so read-backs that shorten quotes to fit an SMS leave it whole.
_RECORDING = re.compile(r"\[recording (\d+)\]")


def recording_marker(recording_id: int) -> str:
    """The words that stand for a recording in a need's text."""
    return f"[recording {recording_id}]"


def split_recordings(text: str) -> list[tuple[str, str]]:
    """Split text into ("text", words) and ("recording", id) pieces, in order."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in _RECORDING.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position:match.start()]))
        pieces.append(("recording", match.group(1)))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


def recording_ids(text: str) -> list[int]:
    """The recordings a text stands in for."""
    return [int(value) for kind, value in split_recordings(text) if kind == "recording"]
