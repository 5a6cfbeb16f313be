"""Rides and drivers: who is offered, reminders at the right local times, confirm and cancel."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import create_app, dispatch, jobs, rides, volunteers
from hotline.models import Contact, OutboxMessage, Ride

from .conftest import Phone

RIDER = "+15551230001"
DRIVER = "+16175557001"
OTHER_DRIVER = "+16175557002"
COORDINATOR = "+16175559999"
ZONE = "America/New_York"
# Tuesday 1 December 2026, 10:00 in New York.
BOOKED = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(settings):
    app = create_app(replace(settings, coordinator_phones=(COORDINATOR,)))
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def clock():
    with time_machine.travel(BOOKED, tick=False) as traveller:
        yield traveller


def add_driver(db, phone, name, *, wheelchair=False, languages="en,es", areas="02139"):
    with db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone=phone, first_name=name, skills="driving", languages=languages, areas=areas,
            consent_method="test", status="active", wheelchair_vehicle=wheelchair))


def book(app, db, wall="2026-12-03T15:00", *, mobility=(), language="en", return_time=None) -> int:
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        rider = session.scalars(select(Contact).where(Contact.phone == RIDER)).first()
        if rider is None:
            rider = Contact(phone=RIDER, language=language)
            session.add(rider)
            session.flush()
        ride = rides.book(
            session, rider, pickup="12 Elm St, 02139", destination="Riverside Clinic, 400 Main St 02114",
            local_time=wall, time_zone=ZONE, mobility=list(mobility), riders=1, language=language,
            return_plan=rides.RETURN_AT_TIME if return_time else rides.NO_RETURN, return_time=return_time,
        )
        dispatch.start_ride(session, settings, ride, datetime.now(timezone.utc))
        return ride.id


def sent(db, phone, kind=None) -> list[str]:
    with db.session() as session:
        query = select(OutboxMessage.body).where(OutboxMessage.to == phone).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))


def ride(db, ride_id) -> Ride:
    with db.session() as session:
        found = session.get(Ride, ride_id)
        _ = found.need.status, found.need.ref
        return found


def claim(app, db, phone) -> str:
    code = re.search(r"\b(\d{3})\b", sent(db, phone, "offer")[-1]).group(1)
    reply = Phone(app.test_client(), phone).text(code)
    assert "is yours" in reply
    return code


def run_due(app) -> None:
    """Run every job that is due now: scheduled reminders, deliveries."""
    app.extensions["hotline"].queue.drain()


def test_ride_offer_shows_time_areas_and_needs_but_never_the_addresses(app, db, clock):
    add_driver(db, DRIVER, "Dana", wheelchair=True)
    book(app, db, mobility=("wheelchair",))
    offer = sent(db, DRIVER, "offer")[0]
    assert "Dec 3" in offer and "3:00" in offer and "PM" in offer
    assert "from 02139 to 02114" in offer and "Wheelchair" in offer
    assert "Elm" not in offer and "Riverside" not in offer and "400 Main" not in offer


def test_wheelchair_ride_is_offered_only_to_drivers_who_can_take_it(app, db, clock):
    add_driver(db, DRIVER, "Dana", wheelchair=False)
    add_driver(db, OTHER_DRIVER, "Wes", wheelchair=True)
    book(app, db, mobility=("wheelchair",))
    assert sent(db, DRIVER, "offer") == []
    assert len(sent(db, OTHER_DRIVER, "offer")) == 1


def test_only_drivers_free_at_the_rides_time_are_offered(app, db, clock):
    with db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone=DRIVER, first_name="Mornings", skills="driving", languages="en", areas="02139",
            availability="mon-fri 7-12", consent_method="test", status="active"))
    add_driver(db, OTHER_DRIVER, "Afternoons")
    book(app, db, wall="2026-12-03T15:00")  # a Thursday afternoon
    assert sent(db, DRIVER, "offer") == []
    assert len(sent(db, OTHER_DRIVER, "offer")) == 1


def test_claiming_a_ride_gives_the_addresses_and_tells_the_rider_the_drivers_name(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    code = re.search(r"\b(\d{3})\b", sent(db, DRIVER, "offer")[0]).group(1)
    reply = Phone(app.test_client(), DRIVER).text(code)
    assert "12 Elm St, 02139" in reply and "Riverside Clinic" in reply
    assert ride(db, ride_id).status == rides.CLAIMED
    told = sent(db, RIDER, "claimed")[0]
    assert "Dana" in told and "Dec 3" in told


def test_reminders_go_out_the_evening_before_and_an_hour_before_at_local_time(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db, wall="2026-12-03T15:00")
    claim(app, db, DRIVER)
    # Wednesday 17:59 local: nothing yet.
    clock.move_to(datetime(2026, 12, 2, 22, 59, tzinfo=timezone.utc))
    run_due(app)
    assert sent(db, RIDER, "reminder") == []
    # Wednesday 18:00 local (23:00 UTC): the evening reminder, to both.
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert len(sent(db, RIDER, "reminder")) == 1 and len(sent(db, DRIVER, "reminder")) == 1
    assert "Reply 1 to confirm, 2 to cancel" in sent(db, RIDER, "reminder")[0]
    # Thursday 14:00 local: an hour before.
    clock.move_to(datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc))
    run_due(app)
    assert len(sent(db, RIDER, "reminder")) == 2 and len(sent(db, DRIVER, "reminder")) == 2
    # Each only once, even when the sweep runs too.
    jobs.run("ride_sweep")
    run_due(app)
    assert len(sent(db, RIDER, "reminder")) == 2
    assert ride(db, ride_id).hour_reminded_at is not None


def test_reminders_keep_the_wall_clock_time_across_a_daylight_saving_change(app, db):
    add_driver(db, DRIVER, "Dana")
    # Booked Friday 30 October (EDT) for Monday 2 November 9:00 (EST, after the change).
    with time_machine.travel(datetime(2026, 10, 30, 14, 0, tzinfo=timezone.utc), tick=False) as clock:
        ride_id = book(app, db, wall="2026-11-02T09:00")
        claim(app, db, DRIVER)
        assert ride(db, ride_id).pickup_at == datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)
        # Sunday 1 November, 18:00 EST is 23:00 UTC (it would be 22:00 UTC before the change).
        clock.move_to(datetime(2026, 11, 1, 22, 30, tzinfo=timezone.utc))
        run_due(app)
        assert sent(db, RIDER, "reminder") == []
        clock.move_to(datetime(2026, 11, 1, 23, 0, tzinfo=timezone.utc))
        run_due(app)
        assert len(sent(db, RIDER, "reminder")) == 1
        assert "9:00" in sent(db, RIDER, "reminder")[0]
        # 8:00 EST Monday is 13:00 UTC.
        clock.move_to(datetime(2026, 11, 2, 13, 0, tzinfo=timezone.utc))
        run_due(app)
        assert len(sent(db, RIDER, "reminder")) == 2


def test_rider_confirms_with_1(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert "confirmed" in Phone(app.test_client(), RIDER).text("1")
    assert ride(db, ride_id).rider_confirmed_at is not None


def test_rider_cancels_with_2_and_the_driver_is_told_and_no_more_reminders_go(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert "cancelled" in Phone(app.test_client(), RIDER).text("2")
    assert ride(db, ride_id).status == rides.CANCELLED
    assert "cancelled by the rider" in sent(db, DRIVER, "cancelled")[0]
    clock.move_to(datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc))
    run_due(app)
    jobs.run("ride_sweep")
    assert len(sent(db, DRIVER, "reminder")) == 1  # the evening one only


def test_driver_confirms_with_1_and_the_ride_is_confirmed(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert "Drive safely" in Phone(app.test_client(), DRIVER).text("1")
    assert ride(db, ride_id).status == rides.CONFIRMED
    # A confirmed driver brings no backup dispatch.
    clock.move_to(datetime(2026, 12, 3, 19, 20, tzinfo=timezone.utc))
    run_due(app)
    assert sent(db, COORDINATOR, "alert") == []


def test_driver_cancels_with_2_the_rider_is_told_and_the_ride_is_offered_again(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    add_driver(db, OTHER_DRIVER, "Wes")
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert "given back" in Phone(app.test_client(), DRIVER).text("2")
    assert "Dana cannot drive you" in sent(db, RIDER, "update")[0]
    assert len(sent(db, OTHER_DRIVER, "offer")) == 1
    assert ride(db, ride_id).status == rides.OFFERED
    assert sent(db, COORDINATOR, "alert")  # less than a day before pickup


def test_a_driver_who_has_not_confirmed_brings_a_backup_and_a_coordinator_alert(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    add_driver(db, OTHER_DRIVER, "Wes")
    clock.move_to(datetime(2026, 12, 3, 19, 15, tzinfo=timezone.utc))  # 45 minutes before
    run_due(app)
    assert "has not confirmed" in sent(db, COORDINATOR, "alert")[0]
    assert len(sent(db, OTHER_DRIVER, "offer")) == 1
    claim(app, db, OTHER_DRIVER)
    found = ride(db, ride_id)
    assert found.status == rides.CLAIMED and found.need.claimed_count == 2


def test_no_reminder_is_sent_once_its_moment_has_passed(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    # An outage: nothing ran until 20 minutes before pickup.
    clock.move_to(datetime(2026, 12, 3, 19, 40, tzinfo=timezone.utc))
    run_due(app)
    jobs.run("ride_sweep")
    assert sent(db, RIDER, "reminder") == []
    assert ride(db, ride_id).evening_reminded_at is not None  # marked as passed, never to be sent


def test_no_reminder_for_a_ride_that_moved(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db, wall="2026-12-03T15:00")
    claim(app, db, DRIVER)
    with db.session() as session:
        rides.set_time(session.get(Ride, ride_id), "2026-12-05T15:00", ZONE)
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert sent(db, RIDER, "reminder") == []


def test_driver_done_closes_the_ride_and_asks_the_rider(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    code = claim(app, db, DRIVER)
    assert "is done" in Phone(app.test_client(), DRIVER).text(f"DONE {code}")
    assert ride(db, ride_id).status == rides.DONE
    assert "Did you get there?" in sent(db, RIDER, "followup")[0]
    assert "glad" in Phone(app.test_client(), RIDER).text("1")


def test_the_ride_back_is_its_own_ride_offered_on_its_own(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db, return_time="2026-12-03T17:30")
    there = ride(db, ride_id)
    with db.session() as session:
        back = session.get(Ride, ride_id).return_ride
        assert back.status == rides.OFFERED and back.return_of_id == ride_id
    assert len(sent(db, DRIVER, "offer")) == 2
    assert there.status == rides.OFFERED


def test_a_vietnamese_ride_with_every_need_stays_within_two_segments_for_rider_and_driver(app, db, clock):
    from hotline.sms import count_segments

    add_driver(db, DRIVER, "Phương", wheelchair=True, languages="vi")
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        rider = Contact(phone=RIDER, language="vi")
        driver = session.scalars(select(Contact).where(Contact.phone == DRIVER)).one()
        driver.language = "vi"
        session.add(rider)
        session.flush()
        booked = rides.book(
            session, rider, pickup="Căn hộ 4B, 1234 Đường Martin Luther King, đối diện tiệm giặt, 02139",
            destination="Bệnh viện Boston Medical Center, 725 Albany St, tòa nhà Shapiro, tầng hai 02114",
            local_time="2026-12-03T15:00", time_zone=ZONE,
            mobility=["wheelchair", "walker", "service_animal", "child_seat"], riders=8, language="vi",
            return_plan=rides.WILL_CALL,
        )
        dispatch.start_ride(session, settings, booked, datetime.now(timezone.utc))
    claim_reply = Phone(app.test_client(), DRIVER).text(
        re.search(r"\b(\d{3})\b", sent(db, DRIVER, "offer")[0]).group(1))
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    # The follow-up with the rider's words whole ("details") is theirs to read in full, whatever its cost.
    texts = [claim_reply, *[t for t in sent(db, DRIVER) if t not in sent(db, DRIVER, "details")], *sent(db, RIDER)]
    assert len(texts) >= 5
    for text in texts:
        assert count_segments(text).segments <= 2, text


def test_a_ride_taken_shortly_before_pickup_needs_no_further_confirmation(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    clock.move_to(datetime(2026, 12, 3, 19, 30, tzinfo=timezone.utc))  # 30 minutes before pickup
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    clock.move_to(datetime(2026, 12, 3, 19, 31, tzinfo=timezone.utc))
    run_due(app)
    assert sent(db, COORDINATOR, "alert") == []
    assert ride(db, ride_id).driver_confirmed_at is not None


def test_a_silent_driver_with_no_backup_keeps_the_ride_and_confirming_later_ends_the_search(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    clock.move_to(datetime(2026, 12, 3, 19, 15, tzinfo=timezone.utc))  # 45 minutes before
    run_due(app)
    assert "has not confirmed" in sent(db, COORDINATOR, "alert")[0]
    found = ride(db, ride_id)
    assert found.status == rides.CLAIMED and found.need.status == "claimed"  # not "no driver"
    assert "Drive safely" in Phone(app.test_client(), DRIVER).text("1")
    assert ride(db, ride_id).status == rides.CONFIRMED


def test_a_rider_who_withdraws_a_claimed_ride_has_the_driver_told(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    rider = Phone(app.test_client(), RIDER)
    rider.text("STATUS"); rider.text("1"); rider.text("1")
    assert ride(db, ride_id).status == rides.CANCELLED
    assert "cancelled by the rider" in sent(db, DRIVER, "cancelled")[0]


def test_a_rider_who_never_confirmed_is_on_the_coordinators_list_close_to_pickup(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    ride_id = book(app, db)
    claim(app, db, DRIVER)
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    run_due(app)
    assert "Drive safely" in Phone(app.test_client(), DRIVER).text("1")
    assert ride(db, ride_id).need.attention is None
    clock.move_to(datetime(2026, 12, 3, 19, 15, tzinfo=timezone.utc))  # the driver check, 45 minutes before
    run_due(app)
    found = ride(db, ride_id)
    assert found.need.attention == "rider_unconfirmed"
    assert sent(db, COORDINATOR, "alert") == []  # listed for a look, not texted


def test_a_rider_whose_ride_nobody_took_is_told_the_evening_before_and_an_hour_before(app, db, clock):
    ride_id = book(app, db, wall="2026-12-03T15:00")  # no driver on the roster at all
    clock.move_to(datetime(2026, 12, 2, 22, 59, tzinfo=timezone.utc))
    jobs.run("ride_sweep")
    assert sent(db, RIDER, "reminder") == []
    # Wednesday 18:00 local: the sweep finds the ride without a driver.
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    jobs.run("ride_sweep")
    [evening] = sent(db, RIDER, "reminder")
    assert "has no driver yet" in evening and "have another way to go" in evening and "Reply 1" not in evening
    # Thursday 14:00 local: told again, and a coordinator's attention is asked.
    clock.move_to(datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc))
    jobs.run("ride_sweep")
    jobs.run("ride_sweep")
    assert len(sent(db, RIDER, "reminder")) == 2  # once each, however often the sweep runs
    assert ride(db, ride_id).need.attention is not None
    # The driver check is for rides with a driver: nothing more to a rider without one.
    clock.move_to(datetime(2026, 12, 3, 19, 20, tzinfo=timezone.utc))
    jobs.run("ride_sweep")
    assert len(sent(db, RIDER, "reminder")) == 2


def test_a_driver_who_takes_the_ride_after_the_rider_heard_there_was_none_is_announced_as_usual(app, db, clock):
    add_driver(db, DRIVER, "Dana")
    book(app, db, wall="2026-12-03T15:00")  # offered to Dana, who has not answered by evening
    clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))
    jobs.run("ride_sweep")
    assert "has no driver yet" in sent(db, RIDER, "reminder")[0]
    claim(app, db, DRIVER)
    assert "Dana" in sent(db, RIDER, "claimed")[0]
    clock.move_to(datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc))
    run_due(app)
    jobs.run("ride_sweep")
    hour_before = sent(db, RIDER, "reminder")[-1]
    assert len(sent(db, RIDER, "reminder")) == 2 and "Dana will say" in hour_before and "Reply 1" in hour_before
