"""Rides: the lifecycle with its allowed transitions, booking a ride and its way back, its time."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import needs, times
from .clock import now as utcnow
from .i18n import N_
from .models import Contact, Need, NeedEvent, Ride

REQUESTED = "requested"  # booked, no driver asked yet
OFFERED = "offered"  # drivers have been asked
CLAIMED = "claimed"  # a driver took it
CONFIRMED = "confirmed"  # the rider confirmed the driver is still wanted
DONE = "done"  # the driver closed it
CANCELLED = "cancelled"
NO_DRIVER = "no_driver"  # nobody could take it; coordinators follow up

# Every allowed move, in one place; anything else is a bug and raises.
TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({OFFERED, CLAIMED, CANCELLED, NO_DRIVER}),
    OFFERED: frozenset({REQUESTED, CLAIMED, CANCELLED, NO_DRIVER}),
    # A driver who drops out sends the ride back to be offered again.
    # A coordinator may mark a ride with a driver as having none (the driver cannot after all).
    CLAIMED: frozenset({CONFIRMED, REQUESTED, OFFERED, CANCELLED, DONE, NO_DRIVER}),
    CONFIRMED: frozenset({DONE, REQUESTED, OFFERED, CANCELLED, NO_DRIVER}),
    NO_DRIVER: frozenset({REQUESTED, OFFERED, CLAIMED, CANCELLED}),
    DONE: frozenset(),
    CANCELLED: frozenset(),
}
ACTIVE = frozenset({REQUESTED, OFFERED, CLAIMED, CONFIRMED, NO_DRIVER})

# The need behind a ride moves with it, so STATUS and the need lists stay true.
NEED_STATUS: dict[str, str] = {
    REQUESTED: needs.OPEN,
    OFFERED: needs.OFFERED,
    CLAIMED: needs.CLAIMED,
    CONFIRMED: needs.CLAIMED,
    DONE: needs.DONE,
    CANCELLED: needs.WITHDRAWN,
    NO_DRIVER: needs.UNMET,
}

# How a need's status reads on the ride behind it, for needs that are rides.
RIDE_STATUS: dict[str, str] = {
    needs.OPEN: REQUESTED,
    needs.OFFERED: OFFERED,
    needs.CLAIMED: CLAIMED,
    needs.DONE: DONE,
    needs.WITHDRAWN: CANCELLED,
    needs.UNMET: NO_DRIVER,
}

# What the rider said about coming back.
NO_RETURN = "none"
RETURN_AT_TIME = "time"  # a return ride of its own, linked, with its own time
WILL_CALL = "will_call"  # no time yet: drivers and coordinators see they will call
RETURN_PLANS = (RETURN_AT_TIME, WILL_CALL, NO_RETURN)

# Order is the menu order riders see.
MOBILITY: dict[str, str] = {
    "wheelchair": N_("Wheelchair"),
    "walker": N_("Walker"),
    "service_animal": N_("Service animal"),
    "child_seat": N_("Child seat"),
}
MAX_RIDERS = 8


class InvalidTransition(ValueError):
    pass


def transition(ride: Ride, status: str, *, note: str = "", now: datetime | None = None) -> None:
    """Move a ride to another status, if that move is allowed, and its need along with it."""
    if status == ride.status:
        return
    if status not in TRANSITIONS.get(ride.status, frozenset()):
        raise InvalidTransition(f"{ride.status} -> {status}")
    now = now or utcnow()
    need = ride.need
    target = NEED_STATUS[status]
    if need.status != target:
        needs.transition(need, target, note=note, now=now)
    else:
        # The need stays where it is (claimed -> confirmed): keep the step in its history.
        need.events.append(NeedEvent(at=now, kind=f"ride_{status}", note=note))
        need.updated_at = now
    ride.status = status
    ride.updated_at = now


def move_need(need: Need, status: str, *, note: str = "", now: datetime) -> None:
    """Move a need, and the ride behind it when it is one, so the two never disagree."""
    ride = for_need(need)
    target = RIDE_STATUS.get(status)
    if ride is not None and target and ride.status != target and target in TRANSITIONS[ride.status]:
        transition(ride, target, note=note, now=now)
        if need.status == status:
            return
    needs.transition(need, status, note=note, now=now)


def book(
    session: Session,
    contact: Contact,
    *,
    pickup: str,
    destination: str,
    local_time: str,
    time_zone: str,
    mobility: list[str] | tuple[str, ...] = (),
    riders: int = 1,
    return_plan: str = NO_RETURN,
    return_time: str | None = None,
    language: str,
    channel: str = "sms",
    now: datetime | None = None,
) -> Ride:
    """Store a ride and its need; with a return time, the ride back too, linked to it.

    Times are local wall-clock strings ('YYYY-MM-DDTHH:MM') in `time_zone`.
    """
    if return_plan not in RETURN_PLANS:
        raise ValueError(f"unknown return plan {return_plan!r}")
    if return_plan == RETURN_AT_TIME and not return_time:
        raise ValueError("a return at a time needs the time")
    unknown = set(mobility) - set(MOBILITY)
    if unknown:
        raise ValueError(f"unknown mobility needs {sorted(unknown)}")
    if not 1 <= riders <= MAX_RIDERS:
        raise ValueError(f"riders must be 1 to {MAX_RIDERS}")
    now = now or utcnow()
    ride = _create(session, contact, pickup=pickup, destination=destination, local_time=local_time,
                   time_zone=time_zone, mobility=list(mobility), riders=riders, language=language,
                   channel=channel, now=now)
    ride.return_plan = return_plan
    if return_plan == RETURN_AT_TIME:
        book_return(session, ride, return_time, now=now)
    session.flush()
    return ride


def book_return(session: Session, ride: Ride, local_time: str, *, now: datetime | None = None) -> Ride:
    """Add the ride back for a ride (at booking, or when a rider who said they would call does)."""
    if ride.return_ride is not None:
        raise ValueError(f"ride {ride.id} already has a return ride")
    now = now or utcnow()
    back = _create(
        session, ride.need.contact,
        pickup=ride.destination, destination=ride.pickup, local_time=local_time,
        time_zone=ride.time_zone, mobility=list(ride.mobility), riders=ride.riders,
        language=ride.need.language, channel=ride.need.channel, now=now,
    )
    back.return_of = ride
    ride.return_plan = RETURN_AT_TIME
    ride.updated_at = now
    session.flush()
    return back


def _create(session: Session, contact: Contact, *, pickup: str, destination: str, local_time: str,
            time_zone: str, mobility: list[str], riders: int, language: str, channel: str,
            now: datetime) -> Ride:
    # The need carries what every need has: the rider's words and where they are.
    need = needs.create(session, contact, category="ride", details=destination, location=pickup,
                        language=language, channel=channel, now=now)
    ride = Ride(need=need, pickup=pickup, destination=destination, mobility=mobility, riders=riders,
                status=REQUESTED, created_at=now, updated_at=now)
    set_time(ride, local_time, time_zone)
    session.add(ride)
    session.flush()
    return ride


def set_time(ride: Ride, local_time: str, time_zone: str) -> None:
    """Set a ride's wall-clock time and zone, and the UTC moment they make."""
    ride.local_time = local_time
    ride.time_zone = time_zone
    ride.pickup_at = times.to_utc(local_time, time_zone)


def pickup_local(ride: Ride) -> datetime | None:
    """The pickup as an aware datetime on the rider's clock (None while the rider will call)."""
    if not ride.local_time:
        return None
    return times.local_time(ride.local_time, ride.time_zone)


def pickup_utc(ride: Ride) -> datetime | None:
    """The pickup moment in UTC, worked out afresh from the wall-clock time the rider asked for.

    Use this, not a stored UTC copy, to schedule anything: should the zone's rules change after
    booking, the ride still happens at the hour on the rider's clock.
    """
    if not ride.local_time:
        return None
    return times.to_utc(ride.local_time, ride.time_zone)


def for_need(need: Need) -> Ride | None:
    """The ride behind a need, if it is a ride."""
    return need.ride if need.category == "ride" else None


def cancel(ride: Ride, *, note: str = "", now: datetime | None = None) -> list[Ride]:
    """Cancel a ride that is still on, and its ride back; return the rides cancelled."""
    cancelled = []
    for each in (ride, ride.return_ride):
        if each is not None and each.status in ACTIVE:
            transition(each, CANCELLED, note=note, now=now)
            cancelled.append(each)
    return cancelled
