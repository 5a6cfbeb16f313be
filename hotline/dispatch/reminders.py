"""Ride reminders: the evening before and shortly before pickup, to rider and driver, each
checked against the ride when it is due, so a cancelled, moved or long-past ride is never reminded.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import asks, coordinators, needs, offers, rides, times
from ..config import Settings
from ..models import Offer, Ride
from ..outbound.notify import notify
from ..outbound.outbox import enqueue_after_commit, queue_sms
from . import copy, waves

log = logging.getLogger(__name__)

EVENING = "evening"  # the evening before, at REMINDER_EVENING_HOUR local time
SOON = "soon"  # REMINDER_BEFORE_MINUTES before pickup
CHECK = "check"  # DRIVER_CONFIRM_MINUTES before pickup: has the driver confirmed?
KINDS = (EVENING, SOON, CHECK)
SENT_COLUMN = {EVENING: "evening_reminded_at", SOON: "hour_reminded_at", CHECK: "driver_checked_at"}
ON = (rides.CLAIMED, rides.CONFIRMED)
# Booked, and no driver has it: the rider hears so the evening before and shortly before pickup,
# rather than wait at the door for nobody.
WAITING = (rides.REQUESTED, rides.OFFERED, rides.NO_DRIVER)
TOLD_WAITING = (EVENING, SOON)


def due_times(settings: Settings, ride: Ride) -> dict[str, datetime]:
    """When each reminder is due, in UTC, from the wall-clock time the rider asked for."""
    pickup = rides.pickup_utc(ride)
    local = rides.pickup_local(ride)
    if pickup is None or local is None:
        return {}
    evening_wall = datetime.combine(local.date() - timedelta(days=1), time(settings.reminder_evening_hour))
    return {
        EVENING: times.to_utc(evening_wall, ride.time_zone),
        SOON: pickup - timedelta(minutes=settings.reminder_before_minutes),
        CHECK: pickup - timedelta(minutes=settings.driver_confirm_minutes),
    }


def schedule(session: Session, settings: Settings, ride: Ride) -> None:
    """Queue the ride's reminders for their moments (the periodic sweep is the backstop)."""
    for kind, at in due_times(settings, ride).items():
        enqueue_after_commit(session, "ride_reminder", ride.id, kind, ride.local_time, when=at,
                             job_id=f"ride-{ride.id}-{kind}-{ride.local_time.replace(':', '')}")


def drivers(session: Session, ride: Ride) -> list[Offer]:
    return offers.claimed_for_need(session, ride.need_id)


def run(session: Session, settings: Settings, ride_id: int, kind: str, wall: str | None, now: datetime) -> str:
    """Send one reminder (or make the driver check) if it is still right to; say what happened."""
    # The need is locked before its ride, in the same order as claims and cancellations.
    need_id = session.scalar(select(Ride.need_id).where(Ride.id == ride_id))
    if need_id is not None:
        needs.lock(session, need_id)
    ride = session.scalars(select(Ride).where(Ride.id == ride_id).with_for_update()).one_or_none()
    waiting = ride is not None and ride.status in WAITING and kind in TOLD_WAITING
    if ride is None or (ride.status not in ON and not waiting):
        return "ride is not on"
    if wall is not None and wall != ride.local_time:
        return "ride has moved"
    due = due_times(settings, ride).get(kind)
    pickup = rides.pickup_utc(ride)
    if due is None or pickup is None:
        return "no time"
    if getattr(ride, SENT_COLUMN[kind]) is not None:
        return "already done"
    if now < due:
        return "not yet"
    if now >= pickup or now > due + timedelta(minutes=settings.reminder_grace_minutes):
        # An outage kept it back: a reminder past its moment only confuses.
        setattr(ride, SENT_COLUMN[kind], now)
        log.info("ride %s: %s reminder skipped, its moment has passed", ride.id, kind)
        return "moment passed"
    setattr(ride, SENT_COLUMN[kind], now)
    if waiting:
        return no_driver_yet(session, settings, ride, kind, now)
    if kind == CHECK:
        if ride.rider_confirmed_at is None and ride.need.attention is None:
            # Nobody has heard from the rider since booking: a coordinator may want to call.
            coordinators.flag(ride.need, coordinators.RIDER_UNCONFIRMED)
        return check_driver(session, settings, ride, now)
    ttl = timedelta(minutes=settings.reminder_grace_minutes)
    helpers = drivers(session, ride)
    need = ride.need
    name = ", ".join(o.volunteer.first_name for o in helpers)
    if ride.rider_confirmed_at is None or kind == SOON:
        question = asks.ask(session, need.contact, "ride_rider", ride.id, now, hours=24)
        session.flush()
        text, spoken = copy.rider_reminder(settings, copy.translator(settings, need.contact), need, ride, name)
        notify(session, need.contact, text, spoken=spoken, kind="reminder", need_id=need.id, ttl=ttl,
               ask_id=question.id, meta={"ride_id": ride.id, "reminder": kind})
    for offer in helpers:
        contact = offer.volunteer.contact
        asks.ask(session, contact, "ride_driver", offer.id, now, hours=24)
        text, door = copy.driver_reminder(settings, copy.translator(settings, contact), offer.code, ride)
        queue_sms(session, contact, text, kind="reminder", need_id=need.id, ttl=ttl,
                  meta={"ride_id": ride.id, "reminder": kind})
        if door is not None:
            queue_sms(session, contact, door, kind="door", need_id=need.id, ttl=ttl,
                      meta={"ride_id": ride.id, "reminder": kind})
    return "sent"


def no_driver_yet(session: Session, settings: Settings, ride: Ride, kind: str, now: datetime) -> str:
    """Tell a rider nobody has taken their ride yet, so they can find another way if they can."""
    need = ride.need
    if kind == SOON and need.attention is None:
        coordinators.flag(need, coordinators.NOBODY_FOUND)  # an hour to go: a person may still find someone
    text, spoken = copy.no_driver_yet(settings, copy.translator(settings, need.contact), need, ride)
    notify(session, need.contact, text, spoken=spoken, kind="reminder", need_id=need.id,
           ttl=timedelta(minutes=settings.reminder_grace_minutes), meta={"ride_id": ride.id, "reminder": kind})
    return "no driver yet"


def check_driver(session: Session, settings: Settings, ride: Ride, now: datetime) -> str:
    """No confirmation from the driver this close to pickup: ask backup drivers, tell coordinators."""
    if ride.status == rides.CONFIRMED or ride.driver_confirmed_at is not None:
        return "driver confirmed"
    need = needs.lock(session, ride.need_id)
    need.urgent = True
    need.capacity = need.claimed_count + 1
    rides.move_need(need, needs.OFFERED, note="driver has not confirmed", now=now)
    waves.alert_coordinators(session, settings, need, "driver_silent")
    waves.start(session, settings, need, now, tell_resident=False)
    return "backup dispatch"


def due(session: Session, settings: Settings, now: datetime) -> list[tuple[int, str]]:
    """Reminders that are due and not sent (the sweep runs them if a scheduled job was lost)."""
    soon = session.scalars(select(Ride).where(
        Ride.status.in_(ON + WAITING), Ride.pickup_at.is_not(None), Ride.pickup_at > now,
        Ride.pickup_at <= now + timedelta(days=2)))
    found = []
    for ride in soon:
        for kind, at in due_times(settings, ride).items():
            if ride.status in WAITING and kind not in TOLD_WAITING:
                continue
            if getattr(ride, SENT_COLUMN[kind]) is None and at <= now:
                found.append((ride.id, kind))
    return found
