"""The ride lifecycle: allowed moves, the need kept in step, the ride back linked."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from hotline import needs, rides
from hotline.models import Contact, Need, Ride

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
ZONE = "America/New_York"


@pytest.fixture
def session(db):
    with db.session() as session:
        yield session


@pytest.fixture
def contact(session):
    contact = Contact(phone="+15551230000", language="en", created_at=NOW, last_seen_at=NOW)
    session.add(contact)
    session.flush()
    return contact


def book(session, contact, **extra) -> Ride:
    values = dict(pickup="12 Elm St", destination="Riverside Clinic", local_time="2026-12-03T15:00",
                  time_zone=ZONE, language="en", now=NOW)
    return rides.book(session, contact, **{**values, **extra})


def test_a_booked_ride_is_requested_with_an_open_need_of_category_ride(session, contact):
    ride = book(session, contact, mobility=["wheelchair"], riders=2)
    assert ride.status == rides.REQUESTED
    assert ride.need.category == "ride" and ride.need.status == needs.OPEN
    assert ride.need.location == "12 Elm St" and ride.need.details == "Riverside Clinic"
    assert ride.need.ride is ride
    assert ride.pickup_at == datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)
    assert (ride.local_time, ride.time_zone) == ("2026-12-03T15:00", ZONE)
    assert ride.mobility == ["wheelchair"] and ride.riders == 2
    assert ride.return_plan == rides.NO_RETURN and ride.return_ride is None


def test_a_return_at_a_time_is_its_own_ride_linked_to_the_way_there(session, contact):
    ride = book(session, contact, return_plan=rides.RETURN_AT_TIME, return_time="2026-12-03T17:30",
                mobility=["walker"], riders=3)
    back = ride.return_ride
    assert back is not None and back.return_of is ride
    assert (back.pickup, back.destination) == ("Riverside Clinic", "12 Elm St")
    assert back.local_time == "2026-12-03T17:30"
    assert back.mobility == ["walker"] and back.riders == 3
    assert back.need is not ride.need and back.need.ref != ride.need.ref
    session.expire_all()
    stored = session.scalars(select(Ride).where(Ride.return_of_id == ride.id)).one()
    assert stored.id == back.id


def test_a_rider_who_will_call_has_no_return_ride_yet_but_it_shows(session, contact):
    ride = book(session, contact, return_plan=rides.WILL_CALL)
    assert ride.return_plan == rides.WILL_CALL and ride.return_ride is None
    back = rides.book_return(session, ride, "2026-12-03T18:00", now=NOW)
    assert ride.return_ride is back and ride.return_plan == rides.RETURN_AT_TIME


def test_booking_refuses_what_it_cannot_carry(session, contact):
    with pytest.raises(ValueError):
        book(session, contact, riders=9)
    with pytest.raises(ValueError):
        book(session, contact, mobility=["jetpack"])
    with pytest.raises(ValueError):
        book(session, contact, return_plan=rides.RETURN_AT_TIME)


@pytest.mark.parametrize("path", [
    [rides.OFFERED, rides.CLAIMED, rides.CONFIRMED, rides.DONE],
    [rides.CLAIMED, rides.DONE],
    [rides.OFFERED, rides.NO_DRIVER, rides.OFFERED, rides.CLAIMED],
    [rides.OFFERED, rides.CLAIMED, rides.OFFERED],  # the driver dropped out
    [rides.OFFERED, rides.CLAIMED, rides.CONFIRMED, rides.CANCELLED],
    [rides.NO_DRIVER, rides.CANCELLED],
])
def test_allowed_moves_go_through_and_keep_the_need_in_step(session, contact, path):
    ride = book(session, contact)
    for status in path:
        rides.transition(ride, status, now=NOW)
        assert ride.status == status
        assert ride.need.status == rides.NEED_STATUS[status]


@pytest.mark.parametrize("path", [
    [rides.CONFIRMED],
    [rides.DONE],
    [rides.CLAIMED, rides.DONE, rides.REQUESTED],
    [rides.CANCELLED, rides.OFFERED],
    [rides.OFFERED, rides.CONFIRMED],
])
def test_moves_not_in_the_table_are_refused(session, contact, path):
    ride = book(session, contact)
    *allowed, refused = path
    for status in allowed:
        rides.transition(ride, status, now=NOW)
    before = (ride.status, ride.need.status, len(ride.need.events))
    with pytest.raises(rides.InvalidTransition):
        rides.transition(ride, refused, now=NOW)
    assert (ride.status, ride.need.status, len(ride.need.events)) == before


def test_every_status_has_its_moves_and_a_need_status():
    assert set(rides.TRANSITIONS) == set(rides.NEED_STATUS)
    for status, targets in rides.TRANSITIONS.items():
        assert targets <= set(rides.TRANSITIONS)
        for target in targets:
            need_from, need_to = rides.NEED_STATUS[status], rides.NEED_STATUS[target]
            # Each ride move is one the need can make too.
            assert need_from == need_to or need_to in needs.TRANSITIONS[need_from]
    assert not rides.TRANSITIONS[rides.DONE] and not rides.TRANSITIONS[rides.CANCELLED]


def test_a_confirmation_is_kept_in_the_needs_history(session, contact):
    ride = book(session, contact)
    rides.transition(ride, rides.CLAIMED, now=NOW, note="driver 7")
    rides.transition(ride, rides.CONFIRMED, now=NOW)
    assert [e.kind for e in ride.need.events] == ["created", needs.CLAIMED, "ride_confirmed"]


def test_cancelling_the_way_there_cancels_the_way_back_too(session, contact):
    ride = book(session, contact, return_plan=rides.RETURN_AT_TIME, return_time="2026-12-03T17:30")
    assert rides.cancel(ride, note="by resident", now=NOW) == [ride, ride.return_ride]
    assert ride.status == rides.CANCELLED and ride.return_ride.status == rides.CANCELLED
    assert ride.need.status == needs.WITHDRAWN and ride.return_ride.need.status == needs.WITHDRAWN


def test_the_pickup_time_is_worked_out_from_the_wall_clock_time(session, contact):
    ride = book(session, contact, local_time="2026-11-02T09:00")
    assert rides.pickup_utc(ride) == datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)
    local = rides.pickup_local(ride)
    assert (local.hour, local.minute, str(local.tzinfo)) == (9, 0, ZONE)
    rides.set_time(ride, "2026-10-30T09:00", ZONE)
    assert ride.pickup_at == datetime(2026, 10, 30, 13, 0, tzinfo=timezone.utc)


def test_rides_survive_a_round_trip_through_the_database(db, settings):
    with db.session() as session:
        contact = Contact(phone="+15551230001", created_at=NOW, last_seen_at=NOW)
        session.add(contact)
        session.flush()
        ride_id = book(session, contact, mobility=["wheelchair", "child_seat"],
                       return_plan=rides.RETURN_AT_TIME, return_time="2026-12-03T18:00").id
    with db.session() as session:
        ride = session.get(Ride, ride_id)
        assert ride.mobility == ["wheelchair", "child_seat"]
        assert ride.pickup_at.tzinfo is not None
        assert ride.return_ride.local_time == "2026-12-03T18:00"
        assert session.scalars(select(Need).where(Need.category == "ride")).all() == [ride.need, ride.return_ride.need]
