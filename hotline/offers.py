"""Offers: one task offered to one volunteer, the code they answer with, and the moves it may make."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Need, Offer, Volunteer

OFFERED = "offered"  # waiting for the volunteer's answer
CLAIMED = "claimed"  # theirs: they are helping
PASSED = "passed"  # they said not this one (they may still take it while it is open)
TAKEN = "taken"  # someone else took it first
DONE = "done"  # they finished it
DROPPED = "dropped"  # they gave it back
CANCELLED = "cancelled"  # the need ended without them (withdrawn, done by others, opted out)
FAILED = "failed"  # the offer never reached them

# Every allowed move, in one place; anything else is a bug and raises.
TRANSITIONS: dict[str, frozenset[str]] = {
    OFFERED: frozenset({CLAIMED, PASSED, TAKEN, CANCELLED, FAILED}),
    PASSED: frozenset({CLAIMED, TAKEN, CANCELLED}),
    CLAIMED: frozenset({DONE, DROPPED, CANCELLED}),
    TAKEN: frozenset(),
    DONE: frozenset(),
    DROPPED: frozenset(),
    CANCELLED: frozenset(),
    FAILED: frozenset(),
}
# A coordinator may give a need to someone whose earlier offer of it ended.
REASSIGNABLE = frozenset({PASSED, TAKEN, DROPPED, CANCELLED, FAILED})
OPEN = (OFFERED, CLAIMED)  # a volunteer's codes are unique among these
# Offers still standing on a need: ended with it when it ends.
STANDING = (OFFERED, CLAIMED, PASSED)
CODE_RANGE = (100, 1000)  # three digits: quick on a keypad, never a carrier word


class InvalidTransition(ValueError):
    pass


def transition(offer: Offer, status: str, now: datetime, *, assigned: bool = False) -> None:
    """Move an offer to another status, if that move is allowed (`assigned`: by a coordinator)."""
    if status == offer.status:
        return
    reassigned = assigned and status == CLAIMED and offer.status in REASSIGNABLE
    if status not in TRANSITIONS.get(offer.status, frozenset()) and not reassigned:
        raise InvalidTransition(f"offer {offer.id}: {offer.status} -> {status}")
    offer.status = status
    if status == CLAIMED:
        offer.claimed_at = now
    else:
        offer.closed_at = now


def new_code(session: Session, volunteer_id: int) -> str:
    """A three-digit code not used by any of this volunteer's open offers."""
    taken = set(session.scalars(select(Offer.code).where(
        Offer.volunteer_id == volunteer_id, Offer.status.in_(OPEN))))
    while True:
        code = str(CODE_RANGE[0] + secrets.randbelow(CODE_RANGE[1] - CODE_RANGE[0]))
        if code not in taken:
            return code


def with_code(session: Session, volunteer: Volunteer, code: str) -> list[Offer]:
    """This volunteer's offers with the code, open ones first, newest first."""
    found = session.scalars(select(Offer).where(Offer.volunteer_id == volunteer.id, Offer.code == code)
                            .order_by(Offer.id.desc())).all()
    return sorted(found, key=lambda o: o.status not in OPEN)


def find(session: Session, volunteer: Volunteer, code: str, statuses: Iterable[str] = (CLAIMED,)) -> Offer | None:
    """This volunteer's offer with the code in one of these statuses."""
    statuses = tuple(statuses)
    return next((o for o in with_code(session, volunteer, code) if o.status in statuses), None)


def open_tasks(session: Session, volunteer: Volunteer) -> list[Offer]:
    """A volunteer's offers still waiting or in progress."""
    return list(session.scalars(select(Offer).where(
        Offer.volunteer_id == volunteer.id, Offer.status.in_(OPEN)).order_by(Offer.status, Offer.id)))


def claimed_for_need(session: Session, need_id: int) -> list[Offer]:
    """The offers of a need that helpers hold."""
    return list(session.scalars(select(Offer).where(Offer.need_id == need_id, Offer.status == CLAIMED)))


def close(need: Need, now: datetime, *, to: str, among: Iterable[str] = STANDING,
          tell: Callable[[Offer, str], None] | None = None) -> list[Offer]:
    """End the need's offers that are `among` these statuses with status `to`; return them.

    `tell(offer, was)` is called for each, with the status it had, to say what the helper is told.
    """
    among = tuple(among)
    closed = []
    for offer in need.offers:
        if offer.status in among:
            was = offer.status
            transition(offer, to, now)
            closed.append(offer)
            if tell is not None:
                tell(offer, was)
    return closed
