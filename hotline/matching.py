"""Matching: which volunteers to offer a need to, as one indexed query, fairest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, literal, or_, select, union_all
from sqlalchemy.orm import Session, contains_eager, lazyload

from .areas import ANYWHERE, is_wide
from .models import (
    Availability, Contact, Offer, Volunteer, VolunteerArea, VolunteerLanguage, VolunteerSkill,
    contact_blocked, contact_muted,
)


@dataclass(frozen=True)
class Criteria:
    skills: tuple[str, ...]
    areas: tuple[str, ...] | None  # None: any area
    language: str | None  # None: any language
    at: datetime  # when the help is needed (now, or a ride's time)
    now: datetime
    timezone: str
    urgent: bool = False  # may wake people in their quiet hours
    wheelchair: bool = False
    need_id: int | None = None  # volunteers already offered this need are left out
    exclude_contact_id: int | None = None  # nobody is offered their own need


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def _quiet_now(hour: int):
    """SQL for "this hour falls in the volunteer's quiet hours" (which may wrap past midnight)."""
    wraps = Volunteer.quiet_start > Volunteer.quiet_end
    return or_(
        and_(wraps, or_(Volunteer.quiet_start <= hour, Volunteer.quiet_end > hour)),
        and_(~wraps, Volunteer.quiet_start <= hour, Volunteer.quiet_end > hour),
    )


def query(criteria: Criteria, limit: int):
    """Build the matching query: active, reachable, skilled, nearby, fluent, free, under cap."""
    local_at = _local(criteria.at, criteria.timezone)
    minute = local_at.hour * 60 + local_at.minute
    local_now = _local(criteria.now, criteria.timezone)
    week_ago = criteria.now - timedelta(days=7)
    keys = None if criteria.areas is None else [*criteria.areas, ANYWHERE]
    by_area = keys is not None and not any(is_wide(key) for key in criteria.areas)

    def has(*where):
        """EXISTS; walking an area's index, a lookup for each row walked instead: PostgreSQL plans
        a semi-join for each EXISTS, and for every area of the wave that took longer than the walk."""
        if by_area:
            return select(literal(1)).where(*where).limit(1).scalar_subquery().is_not(None)
        return exists().where(*where)

    conditions = [
        or_(Volunteer.status == "active",
            and_(Volunteer.status == "paused", Volunteer.paused_until.is_not(None),
                 Volunteer.paused_until <= criteria.now)),
        Contact.opted_out.is_(false()),
        Contact.sms_unusable.is_(None),
        # Never a number coordinators blocked, or one muted for answering like a machine.
        ~contact_blocked(criteria.now),
        ~contact_muted(criteria.now),
        has(VolunteerSkill.volunteer_id == Volunteer.id, VolunteerSkill.skill.in_(criteria.skills)),
        # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a hash of every
        # window of the day, read whole before the first candidate; this looks up each candidate's own.
        or_(
            Volunteer.any_time,
            select(Availability.id).where(
                Availability.volunteer_id == Volunteer.id,
                Availability.weekday == local_at.weekday(),
                Availability.start_minute <= minute,
                Availability.end_minute > minute,
            ).limit(1).scalar_subquery().is_not(None),
        ),
        # Under the weekly cap: fewer than weekly_cap COUNTED claims in the last 7 days, read from
        # the claim that filled the cap (kept by triggers) rather than counted for each candidate.
        Volunteer.weekly_cap > 0,
        or_(Volunteer.cap_filled_at.is_(None), Volunteer.cap_filled_at < week_ago),
    ]
    if keys is not None and not by_area:
        # Most of the roster lives in a wide area: walk everyone in rotation order and stop at
        # the first few who fit (a lookup each), instead of reading the whole area first.
        conditions.append(exists().where(VolunteerArea.volunteer_id == Volunteer.id, VolunteerArea.area.in_(keys)))
    if criteria.language is not None:
        # A lookup for each candidate: a language's speakers are a large share of the roster.
        conditions.append(has(VolunteerLanguage.volunteer_id == Volunteer.id, VolunteerLanguage.language == criteria.language))
    if not criteria.urgent:
        conditions.append(~_quiet_now(local_now.hour))
    if criteria.wheelchair:
        conditions.append(Volunteer.wheelchair_vehicle)
    if criteria.need_id is not None:
        conditions.append(~has(Offer.need_id == criteria.need_id, Offer.volunteer_id == Volunteer.id))
    if criteria.exclude_contact_id is not None:
        conditions.append(Volunteer.contact_id != criteria.exclude_contact_id)

    if by_area:
        # A ZIP code or a neighbourhood (and whoever covers anywhere): each area's volunteers are
        # walked in rotation order on ix_volunteer_areas_next_up, which holds a copy of that order,
        # up to the first few who fit; the fairest of those few are taken. However many live there,
        # a few rows are read.
        firsts = [
            select(VolunteerArea.volunteer_id)
            .join(Volunteer, Volunteer.id == VolunteerArea.volunteer_id)
            .join(Contact, Contact.id == Volunteer.contact_id)
            .where(VolunteerArea.area == key, *conditions)
            .order_by(VolunteerArea.last_assigned_at.asc().nulls_first(),
                      VolunteerArea.last_offered_at.asc().nulls_first(), VolunteerArea.volunteer_id)
            .limit(limit)
            .subquery()
            for key in keys
        ]
        conditions = [Volunteer.id.in_(union_all(*(select(first.c.volunteer_id) for first in firsts)))]

    return (
        select(Volunteer)
        .join(Contact, Contact.id == Volunteer.contact_id)
        .where(*conditions)
        # The contact comes with the row (an offer is texted to it); skills, languages, areas and
        # availability were checked in SQL and are loaded only if someone reads them.
        .options(contains_eager(Volunteer.contact), lazyload(Volunteer.skills), lazyload(Volunteer.languages),
                 lazyload(Volunteer.areas), lazyload(Volunteer.availability))
        # Least recently given work first, then least recently asked: work rotates. The order of
        # ix_volunteers_next_up, so the database stops at the first few who fit.
        .order_by(
            Volunteer.last_assigned_at.asc().nulls_first(),
            Volunteer.last_offered_at.asc().nulls_first(),
            Volunteer.id,
        )
        .limit(limit)
    )


def candidates(session: Session, criteria: Criteria, limit: int) -> list[Volunteer]:
    return list(session.scalars(query(criteria, limit)))
