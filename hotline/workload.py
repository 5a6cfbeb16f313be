"""Workload: how much each volunteer has taken on lately, and the signs of someone doing too much.

A task is an offer they claimed (and may have finished), counted when it was claimed, the way
matching counts it against the weekly cap. Burnout shows first as a week at or near the cap, and
as tasks taken in the hours they asked to be left alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import COUNTED, Offer, Volunteer

WEEK = timedelta(days=7)
MONTH = timedelta(days=30)

# How a volunteer's last seven days stand against their weekly cap.
NEAR, AT, OVER = "near", "at", "over"


@dataclass(frozen=True)
class Workload:
    week: int = 0  # tasks claimed in the last 7 days
    month: int = 0  # in the last 30 days
    nights: int = 0  # of the last 30 days' tasks, those claimed in their quiet hours
    last: datetime | None = None  # when they last claimed a task

    def cap(self, weekly_cap: int) -> str | None:
        """NEAR (one below the cap), AT, OVER it, or None; a week with no task is never flagged."""
        if self.week == 0:
            return None
        if self.week > weekly_cap:
            return OVER
        if self.week == weekly_cap:
            return AT
        if self.week == weekly_cap - 1:
            return NEAR
        return None

    def strained(self, weekly_cap: int) -> bool:
        return self.cap(weekly_cap) is not None or self.nights > 0


def quiet(hour: int, start: int, end: int) -> bool:
    """Whether a local hour falls in quiet hours start..end (which may wrap past midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def for_volunteers(session: Session, volunteers: list[Volunteer], now: datetime, timezone: str) -> dict[int, Workload]:
    """Each volunteer's workload by id (every one of them, idle ones too)."""
    if not volunteers:
        return {}
    by_id = {v.id: v for v in volunteers}
    ids = list(by_id)
    zone = ZoneInfo(timezone)
    counts = {vid: [0, 0, 0] for vid in ids}
    recent = session.execute(select(Offer.volunteer_id, Offer.claimed_at).where(
        Offer.volunteer_id.in_(ids), Offer.status.in_(COUNTED), Offer.claimed_at >= now - MONTH))
    for volunteer_id, claimed_at in recent:
        volunteer = by_id[volunteer_id]
        week, month, nights = counts[volunteer_id]
        counts[volunteer_id] = [
            week + (claimed_at >= now - WEEK),
            month + 1,
            nights + quiet(claimed_at.astimezone(zone).hour, volunteer.quiet_start, volunteer.quiet_end),
        ]
    last = dict(session.execute(select(Offer.volunteer_id, func.max(Offer.claimed_at)).where(
        Offer.volunteer_id.in_(ids), Offer.status.in_(COUNTED), Offer.claimed_at.is_not(None))
        .group_by(Offer.volunteer_id)).all())
    return {vid: Workload(week, month, nights, last.get(vid)) for vid, (week, month, nights) in counts.items()}


def strained(session: Session, statuses: tuple[str, ...], now: datetime, timezone: str,
             limit: int = 200) -> list[tuple[Volunteer, Workload]]:
    """Volunteers near, at or over their cap this week or with night tasks this month, busiest first."""
    busy = select(Offer.volunteer_id).where(Offer.status.in_(COUNTED), Offer.claimed_at >= now - MONTH).distinct()
    found = list(session.scalars(select(Volunteer).where(Volunteer.id.in_(busy), Volunteer.status.in_(statuses))))
    loads = for_volunteers(session, found, now, timezone)
    flagged = [(v, loads[v.id]) for v in found if loads[v.id].strained(v.weekly_cap)]
    flagged.sort(key=lambda pair: (-(pair[1].week - pair[0].weekly_cap), -pair[1].nights, pair[0].first_name))
    return flagged[:limit]
