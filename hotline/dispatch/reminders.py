"""Ride reminders: the evening before and shortly before pickup, to rider and driver, each
checked against the ride when it is due, so a cancelled, moved or long-past ride is never reminded.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import asks, dispatch, needs, rides, times
from .config import Settings
from .models import Offer, Ride
from .notify import notify
from .outbox import enqueue_after_commit, queue_sms
from .sms import fit_plainly

log = logging.getLogger(__name__)

EVENING = "evening"  # the evening before, at REMINDER_EVENING_HOUR local time
SOON = "soon"  # REMINDER_BEFORE_MINUTES before pickup
CHECK = "check"  # DRIVER_CONFIRM_MINUTES before pickup: has the driver confirmed?
KINDS = (EVENING, SOON, CHECK)
SENT_COLUMN = {EVENING: "evening_reminded_at", SOON: "hour_reminded_at", CHECK: "driver_checked_at"}
ON = (rides.CLAIMED, rides.CONFIRMED)


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
    return dispatch.claimed_offers_for_need(session, ride.need_id)


def run(session: Session, settings: Settings, ride_id: int, kind: str, wall: str | None, now: datetime) -> str:
    """Send one reminder (or make the driver check) if it is still right to; say what happened."""
    # The need is locked before its ride, in the same order as claims and cancellations.
    need_id = session.scalar(select(Ride.need_id).where(Ride.id == ride_id))
    if need_id is not None:
        dispatch.lock_need(session, need_id)
    ride = session.scalars(select(Ride).where(Ride.id == ride_id).with_for_update()).one_or_none()
    if ride is None or ride.status not in ON:
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
    if kind == CHECK:
        return check_driver(session, settings, ride, now)
    ttl = timedelta(minutes=settings.reminder_grace_minutes)
    helpers = drivers(session, ride)
    need = ride.need
    rt = dispatch.translator(settings, need.contact)
    name = ", ".join(o.volunteer.first_name for o in helpers)
    if ride.rider_confirmed_at is None or kind == SOON:
        question = asks.ask(session, need.contact, "ride_rider", ride.id, now, hours=24)
        session.flush()
        when = dispatch.ride_when(settings, rt, ride)
        # The address is the rider's own words: shortened, if need be, to keep the reminder cheap
        # (in a UCS-2 script two parts hold 134 characters).
        notify(session, need.contact, fit_plainly(lambda pickup: rt._(
            "Reminder: your ride %(ref)s is %(when)s, from %(pickup)s. %(name)s will drive you. Reply 1 "
            "to confirm, 2 to cancel.",
            ref=need.ref, when=when, pickup=pickup, name=name,
        ), {"pickup": ride.pickup[:60]}), spoken=rt.pgettext(
            "voice", "Reminder: your ride is %(when)s, from %(pickup)s. %(name)s will drive you.",
            when=when, pickup=ride.pickup[:80], name=name,
        ), kind="reminder", need_id=need.id, ttl=ttl, ask_id=question.id,
            meta={"ride_id": ride.id, "reminder": kind})
    for offer in helpers:
        contact = offer.volunteer.contact
        t = dispatch.translator(settings, contact)
        asks.ask(session, contact, "ride_driver", offer.id, now, hours=24)
        when = dispatch.ride_when(settings, t, ride)
        queue_sms(session, contact, fit_plainly(lambda pickup, destination: t._(
            "Reminder: ride %(code)s is %(when)s, from %(pickup)s to %(destination)s. Reply 1 to confirm "
            "you will drive, 2 to cancel.",
            code=offer.code, when=when, pickup=pickup, destination=destination,
        ), {"pickup": ride.pickup[:60], "destination": ride.destination[:60]}), kind="reminder",
            need_id=need.id, ttl=ttl, meta={"ride_id": ride.id, "reminder": kind})
    return "sent"


def check_driver(session: Session, settings: Settings, ride: Ride, now: datetime) -> str:
    """No confirmation from the driver this close to pickup: ask backup drivers, tell coordinators."""
    if ride.status == rides.CONFIRMED or ride.driver_confirmed_at is not None:
        return "driver confirmed"
    need = dispatch.lock_need(session, ride.need_id)
    need.urgent = True
    need.capacity = need.claimed_count + 1
    dispatch.set_status(need, needs.OFFERED, note="driver has not confirmed", now=now)
    dispatch.alert_coordinators(session, settings, need, "driver_silent")
    dispatch.start(session, settings, need, now, tell_resident=False)
    return "backup dispatch"


def due(session: Session, settings: Settings, now: datetime) -> list[tuple[int, str]]:
    """Reminders that are due and not sent (the sweep runs them if a scheduled job was lost)."""
    soon = session.scalars(select(Ride).where(
        Ride.status.in_(ON), Ride.pickup_at.is_not(None), Ride.pickup_at > now,
        Ride.pickup_at <= now + timedelta(days=2)))
    found = []
    for ride in soon:
        for kind, at in due_times(settings, ride).items():
            if getattr(ride, SENT_COLUMN[kind]) is None and at <= now:
                found.append((ride.id, kind))
    return found


def cancel_by_rider(session: Session, settings: Settings, ride: Ride, now: datetime) -> None:
    """The rider cancels: the ride and its way back end, and every driver is told."""
    told = []
    for each in (ride, ride.return_ride):
        if each is None or each.status not in rides.ACTIVE:
            continue
        for offer in each.need.offers:
            if offer.status == "claimed":
                told.append((offer, each))
            if offer.status in ("offered", "claimed", "passed"):
                offer.status = "cancelled"
                offer.closed_at = now
        each.need.next_wave_at = None
    rides.cancel(ride, note="cancelled by rider", now=now)
    for offer, each in told:
        contact = offer.volunteer.contact
        t = dispatch.translator(settings, contact)
        queue_sms(session, contact, t._(
            "Ride %(code)s on %(when)s is cancelled by the rider. Thank you for being ready to drive!",
            code=offer.code, when=dispatch.ride_when(settings, t, each),
        ), kind="cancelled", need_id=each.need_id)


def cancel_by_driver(session: Session, settings: Settings, offer: Offer, now: datetime) -> None:
    """The driver cannot go: the rider is told and other drivers are asked."""
    dispatch.release(session, settings, offer, now)
