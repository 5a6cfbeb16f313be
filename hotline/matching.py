"""Matching: which volunteers to offer a need to, as one indexed query, fairest first."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, exists, false, literal, or_, select, union_all
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


def _quiet_now(hour):
    """SQL for "this hour falls in the volunteer's quiet hours" (which may wrap past midnight)."""
    wraps = Volunteer.quiet_start > Volunteer.quiet_end
    return or_(
        and_(wraps, or_(Volunteer.quiet_start <= hour, Volunteer.quiet_end > hour)),
        and_(~wraps, Volunteer.quiet_start <= hour, Volunteer.quiet_end > hour),
    )


@dataclass(frozen=True)
class _Shape:
    """What decides the matching statement's SQL; everything else is a bound value."""

    areas: int | None  # how many area keys (anywhere included), None: any area
    by_area: bool
    language: bool
    urgent: bool
    wheelchair: bool
    need: bool
    exclude: bool
    limit: int
    ids_only: bool = False


def _shape_and_values(criteria: Criteria, limit: int, ids_only: bool = False) -> tuple[_Shape, dict]:
    local_at = _local(criteria.at, criteria.timezone)
    keys = None if criteria.areas is None else [*criteria.areas, ANYWHERE]
    by_area = keys is not None and not any(is_wide(key) for key in criteria.areas)
    shape = _Shape(areas=None if keys is None else len(keys), by_area=by_area, language=criteria.language is not None,
                   urgent=criteria.urgent, wheelchair=criteria.wheelchair, need=criteria.need_id is not None,
                   exclude=criteria.exclude_contact_id is not None, limit=limit, ids_only=ids_only)
    values = {
        "now": criteria.now, "week_ago": criteria.now - timedelta(days=7), "skills": list(criteria.skills),
        "weekday": local_at.weekday(), "minute": local_at.hour * 60 + local_at.minute,
        "hour": _local(criteria.now, criteria.timezone).hour,
        "language": criteria.language, "need_id": criteria.need_id, "exclude_contact_id": criteria.exclude_contact_id,
    }
    if keys is not None:
        values["keys"] = keys
        values.update({f"key_{n}": key for n, key in enumerate(keys)})
    return shape, values


def query(criteria: Criteria, limit: int):
    """The matching query with the criteria's values in it: active, reachable, skilled, nearby,
    fluent, free, under cap."""
    shape, values = _shape_and_values(criteria, limit)
    return _statement(shape).params(_values_for(shape, values))


@lru_cache(maxsize=128)
def _statement(shape: _Shape):
    """The matching statement for a shape of criteria, built once with its values as parameters:
    building it took longer than running it, and a confirmation asks for one on every call."""
    def has(*where):
        """EXISTS; walking an area's index, a lookup for each row walked instead: PostgreSQL plans
        a semi-join for each EXISTS, and for every area of the wave that took longer than the walk."""
        if shape.by_area:
            return select(literal(1)).where(*where).limit(1).scalar_subquery().is_not(None)
        return exists().where(*where)

    now = bindparam("now")
    conditions = [
        or_(Volunteer.status == "active",
            and_(Volunteer.status == "paused", Volunteer.paused_until.is_not(None),
                 Volunteer.paused_until <= now)),
        Contact.opted_out.is_(false()),
        Contact.sms_unusable.is_(None),
        # Never a number coordinators blocked, or one muted for answering like a machine.
        ~contact_blocked(now),
        ~contact_muted(now),
        has(VolunteerSkill.volunteer_id == Volunteer.id, VolunteerSkill.skill.in_(bindparam("skills", expanding=True))),
        # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a hash of every
        # window of the day, read whole before the first candidate; this looks up each candidate's own.
        or_(
            Volunteer.any_time,
            select(Availability.id).where(
                Availability.volunteer_id == Volunteer.id,
                Availability.weekday == bindparam("weekday"),
                Availability.start_minute <= bindparam("minute"),
                Availability.end_minute > bindparam("minute"),
            ).limit(1).scalar_subquery().is_not(None),
        ),
        # Under the weekly cap: fewer than weekly_cap COUNTED claims in the last 7 days, read from
        # the claim that filled the cap (kept by triggers) rather than counted for each candidate.
        Volunteer.weekly_cap > 0,
        or_(Volunteer.cap_filled_at.is_(None), Volunteer.cap_filled_at < bindparam("week_ago")),
    ]
    if shape.areas is not None and not shape.by_area:
        # Most of the roster lives in a wide area: walk everyone in rotation order and stop at
        # the first few who fit (a lookup each), instead of reading the whole area first.
        conditions.append(exists().where(VolunteerArea.volunteer_id == Volunteer.id,
                                         VolunteerArea.area.in_(bindparam("keys", expanding=True))))
    if shape.language:
        # A lookup for each candidate: a language's speakers are a large share of the roster.
        conditions.append(has(VolunteerLanguage.volunteer_id == Volunteer.id,
                              VolunteerLanguage.language == bindparam("language")))
    if not shape.urgent:
        conditions.append(~_quiet_now(bindparam("hour")))
    if shape.wheelchair:
        conditions.append(Volunteer.wheelchair_vehicle)
    if shape.need:
        conditions.append(~has(Offer.need_id == bindparam("need_id"), Offer.volunteer_id == Volunteer.id))
    if shape.exclude:
        conditions.append(Volunteer.contact_id != bindparam("exclude_contact_id"))

    if shape.by_area:
        # A ZIP code or a neighbourhood (and whoever covers anywhere): each area's volunteers are
        # walked in rotation order on ix_volunteer_areas_next_up, which holds a copy of that order,
        # up to the first few who fit; the fairest of those few are taken. However many live there,
        # a few rows are read.
        firsts = [
            select(VolunteerArea.volunteer_id)
            .join(Volunteer, Volunteer.id == VolunteerArea.volunteer_id)
            .join(Contact, Contact.id == Volunteer.contact_id)
            .where(VolunteerArea.area == bindparam(f"key_{n}"), *conditions)
            .order_by(VolunteerArea.last_assigned_at.asc().nulls_first(),
                      VolunteerArea.last_offered_at.asc().nulls_first(), VolunteerArea.volunteer_id)
            .limit(shape.limit)
            .subquery()
            for n in range(shape.areas)
        ]
        conditions = [Volunteer.id.in_(union_all(*(select(first.c.volunteer_id) for first in firsts)))]

    if shape.ids_only:
        # Whether anyone fits: one id, no volunteer loaded.
        chosen = select(Volunteer.id).join(Contact, Contact.id == Volunteer.contact_id)
    else:
        # The contact comes with the row (an offer is texted to it); skills, languages, areas and
        # availability were checked in SQL and are loaded only if someone reads them.
        chosen = (select(Volunteer).join(Contact, Contact.id == Volunteer.contact_id)
                  .options(contains_eager(Volunteer.contact), lazyload(Volunteer.skills),
                           lazyload(Volunteer.languages), lazyload(Volunteer.areas),
                           lazyload(Volunteer.availability)))
    return (
        chosen
        .where(*conditions)
        # Least recently given work first, then least recently asked: work rotates. The order of
        # ix_volunteers_next_up, so the database stops at the first few who fit.
        .order_by(
            Volunteer.last_assigned_at.asc().nulls_first(),
            Volunteer.last_offered_at.asc().nulls_first(),
            Volunteer.id,
        )
        .limit(shape.limit)
    )


def _values_for(shape: _Shape, values: dict) -> dict:
    return {name: value for name, value in values.items() if name in _binds(shape)}


@lru_cache(maxsize=128)
def _binds(shape: _Shape) -> frozenset[str]:
    return frozenset(_statement(shape).compile().binds)


def candidates(session: Session, criteria: Criteria, limit: int) -> list[Volunteer]:
    shape, values = _shape_and_values(criteria, limit)
    return list(session.scalars(_statement(shape), _values_for(shape, values)))


def anyone(session: Session, criteria: Criteria) -> bool:
    """Whether anyone fits the criteria (one id read, nobody loaded)."""
    shape, values = _shape_and_values(criteria, 1, ids_only=True)
    return session.execute(_statement(shape), _values_for(shape, values)).first() is not None
