"""The rides board (`/rides`): a day or a week of rides, who drives, who confirmed, and giving a ride to a driver."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import rides, volunteers
from hotline.dispatch import manual, reminders
from hotline.models import AuditEntry, Contact, OutboxMessage, Ride, Volunteer

from .console import post, signed_in, text

ZONE = "America/New_York"
# Tuesday 1 December 2026, 10:00 in New York.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
_phones = iter(range(1000, 9999))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def book(db, wall: str, *, pickup="12 Elm St, 02139", destination="Riverside Clinic, 400 Main St 02114",
         mobility=(), riders=1) -> tuple[int, str]:
    """Book a ride for a new rider at a wall-clock time in New York; return its id and reference."""
    with db.session() as session:
        rider = Contact(phone=f"+1555123{next(_phones):04d}", language="en")
        session.add(rider)
        session.flush()
        ride = rides.book(session, rider, pickup=pickup, destination=destination, local_time=wall, time_zone=ZONE,
                          mobility=list(mobility), riders=riders, language="en")
        return ride.id, ride.need.ref


def add_driver(db, phone: str, name: str, *, wheelchair=False, skills="driving", status="active") -> int:
    with db.session() as session:
        return volunteers.save(session, volunteers.VolunteerSpec(
            phone=phone, first_name=name, skills=skills, languages="en", areas="02139",
            consent_method="test", status=status, wheelchair_vehicle=wheelchair)).id


def give(app, db, ride_id: int, volunteer_id: int) -> None:
    """A driver takes the ride (as a coordinator assigning it would)."""
    with db.session() as session:
        ride = session.get(Ride, ride_id)
        manual.assign(session, app.extensions["hotline"].settings, ride.need, session.get(Volunteer, volunteer_id),
                      "someone@example.org", datetime.now(timezone.utc))


def update_ride(db, ride_id: int, **values) -> None:
    with db.session() as session:
        ride = session.get(Ride, ride_id)
        for key, value in values.items():
            setattr(ride, key, value)


def row_of(page: str, ref: str) -> str:
    """The table row of one ride on the board."""
    match = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?/needs/" + ref + r"\".*?</tr>", page, re.S)
    assert match, f"no row for {ref}"
    return match.group(0)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_board_shows_todays_rides_in_pickup_order_and_not_other_days(app, db):
    _, late = book(db, "2026-12-01T16:00")
    _, early = book(db, "2026-12-01T11:00")
    _, tomorrow = book(db, "2026-12-02T09:00")
    _, yesterday = book(db, "2026-11-30T23:30")
    client = signed_in(app, db, "coordinator")
    response = client.get("/rides")
    assert response.status_code == 200
    page = text(response)
    assert "Rides on Tuesday, December 1, 2026" in page
    assert early in page and late in page and page.index(early) < page.index(late)
    assert tomorrow not in page and yesterday not in page
    assert "2 rides." in page


def test_a_ride_shows_its_time_areas_riders_mobility_and_status(app, db):
    _, ref = book(db, "2026-12-01T14:30", mobility=("wheelchair", "service_animal"), riders=2)
    client = signed_in(app, db, "coordinator")
    row = words(row_of(client.get("/rides").get_data(as_text=True), ref))
    assert re.search(r"2:30\W+PM", row)
    assert "12 Elm St, 02139" in row and "Riverside Clinic, 400 Main St 02114" in row
    assert "Wheelchair, Service animal" in row
    assert " 2 " in row
    assert "Booked" in row


def test_a_viewer_sees_the_area_of_a_ride_and_never_the_street_address(app, db):
    _, ref = book(db, "2026-12-01T14:30")
    client = signed_in(app, db, "viewer")
    page = client.get("/rides").get_data(as_text=True)
    row = words(row_of(page, ref))
    assert "02139" in row and "02114" in row
    assert "Elm" not in page and "Riverside" not in page and "400 Main" not in page


def test_the_week_view_starts_on_monday_and_shows_each_day_with_its_rides(app, db):
    _, monday = book(db, "2026-11-30T08:00")
    _, thursday = book(db, "2026-12-03T15:00")
    _, sunday = book(db, "2026-12-06T20:00")
    _, next_monday = book(db, "2026-12-07T08:00")
    client = signed_in(app, db, "coordinator")
    response = client.get("/rides?view=week&date=2026-12-03")
    page = text(response)
    assert "Rides in the week of Monday, November 30, 2026" in page
    for day in ("Monday, November 30, 2026", "Thursday, December 3, 2026", "Sunday, December 6, 2026"):
        assert day in page
    assert monday in page and thursday in page and sunday in page
    assert next_monday not in page
    assert page.index("Thursday, December 3") < page.index(thursday) < page.index("Sunday, December 6")
    assert "No rides booked." in page  # Tuesday, Wednesday, Friday, Saturday
    html = response.get_data(as_text=True)
    assert 'href="/rides?view=week&amp;date=2026-11-23"' in html
    assert 'href="/rides?view=week&amp;date=2026-12-07"' in html


def test_day_links_go_to_the_day_before_and_after_and_back_to_today(app, db):
    client = signed_in(app, db, "coordinator")
    html = client.get("/rides?view=day&date=2026-12-24").get_data(as_text=True)
    assert "Rides on Thursday, December 24, 2026" in words(html)
    assert 'href="/rides?view=day&amp;date=2026-12-23"' in html
    assert 'href="/rides?view=day&amp;date=2026-12-25"' in html
    assert 'href="/rides?view=day&amp;date=2026-12-01"' in html  # today
    assert 'href="/rides?view=week&amp;date=2026-12-24"' in html


def test_today_follows_the_hotlines_clock_not_utc(app, db, clock):
    # 02:00 UTC on Wednesday is still Tuesday evening in New York.
    clock.move_to(datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc))
    _, evening = book(db, "2026-12-01T22:00")
    client = signed_in(app, db, "coordinator")
    page = text(client.get("/rides"))
    assert "Rides on Tuesday, December 1, 2026" in page and evening in page


@pytest.mark.parametrize("query", ["date=2026-13-45", "date=yesterday", "date=99999-01-01", "date=1066-10-14",
                                   "date=2026-12-01%00", "date=" + "9" * 5000, "date=２０２６-１２-０１"])
def test_a_date_that_cannot_be_read_shows_today_and_says_so(app, db, query):
    _, ref = book(db, "2026-12-01T11:00")
    client = signed_in(app, db, "coordinator")
    response = client.get(f"/rides?{query}")
    assert response.status_code == 200
    page = text(response)
    assert "That date could not be read" in page
    assert "Rides on Tuesday, December 1, 2026" in page and ref in page


def test_an_unknown_view_is_the_day_view(app, db):
    client = signed_in(app, db, "coordinator")
    page = text(client.get("/rides?view=month&date=2026-12-03"))
    assert "Rides on Thursday, December 3, 2026" in page


def test_a_ride_without_a_driver_is_marked_in_words_not_only_colour(app, db):
    _, ref = book(db, "2026-12-03T11:00")
    client = signed_in(app, db, "coordinator")
    page = client.get("/rides?date=2026-12-03").get_data(as_text=True)
    row = row_of(page, ref)
    assert 'class="needs-driver"' in row
    assert "No driver" in words(row)
    assert "1 has no driver." in text(client.get("/rides?date=2026-12-03"))


def test_a_driver_who_has_not_confirmed_within_a_day_of_pickup_is_marked(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    tomorrow_id, tomorrow = book(db, "2026-12-02T09:00")  # 23 hours away
    later_id, later = book(db, "2026-12-04T09:00")  # three days away
    give(app, db, tomorrow_id, driver)
    give(app, db, later_id, driver)
    client = signed_in(app, db, "coordinator")
    week = client.get("/rides?view=week").get_data(as_text=True)
    soon_row, later_row = row_of(week, tomorrow), row_of(week, later)
    assert 'class="unconfirmed"' in soon_row and "Driver has not confirmed" in words(soon_row)
    assert "Dana" in words(soon_row) and "No driver" not in words(soon_row)
    assert "Driver has not confirmed" not in words(later_row) and 'class=""' in later_row
    assert "1 driver has not confirmed." in text(client.get("/rides?view=week"))


def test_a_driver_still_silent_past_the_confirmation_deadline_is_marked_as_late(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    ride_id, ref = book(db, "2026-12-01T10:30")  # 30 minutes away, DRIVER_CONFIRM_MINUTES is 45
    give(app, db, ride_id, driver)
    update_ride(db, ride_id, driver_confirmed_at=None)  # a claim this close would count as confirmed
    client = signed_in(app, db, "coordinator")
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert 'class="overdue"' in row and "past the deadline" in words(row)


def test_confirmations_of_rider_and_driver_are_shown_and_end_the_warning(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    ride_id, ref = book(db, "2026-12-01T18:00")
    give(app, db, ride_id, driver)
    client = signed_in(app, db, "coordinator")
    row = words(row_of(client.get("/rides").get_data(as_text=True), ref))
    assert row.count("not yet") == 2 and "Driver has not confirmed" in row
    update_ride(db, ride_id, rider_confirmed_at=NOW, driver_confirmed_at=NOW + timedelta(minutes=5))
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert "not yet" not in words(row) and words(row).count("yes,") == 2
    assert "Driver has not confirmed" not in words(row) and 'class=""' in row


def test_done_and_cancelled_rides_are_not_marked(app, db):
    ride_id, ref = book(db, "2026-12-01T18:00")
    with db.session() as session:
        rides.cancel(session.get(Ride, ride_id))
    client = signed_in(app, db, "coordinator")
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert "Cancelled" in words(row) and "No driver" not in words(row)
    assert "driver-" not in row  # no form to give it to a driver


def test_a_coordinator_gives_a_ride_to_a_driver_and_it_is_audited(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    ride_id, ref = book(db, "2026-12-03T11:00")
    client = signed_in(app, db, "coordinator")
    page = client.get("/rides?view=week&date=2026-12-03").get_data(as_text=True)
    assert f'<option value="{driver}">Dana (***7001)' in row_of(page, ref)
    response = post(client, f"/rides/{ride_id}/assign", {"volunteer": driver, "view": "week", "date": "2026-11-30"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/rides?view=week&date=2026-11-30"
    shown = text(client.get(response.headers["Location"]))
    assert f"Dana is driving ride {ref}" in shown
    with db.session() as session:
        ride = session.get(Ride, ride_id)
        assert ride.status == rides.CLAIMED and ride.need.status == "claimed"
        sent = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "+16175557001")).all()
        assert [m.kind for m in sent] == ["assigned"] and "12 Elm St" in sent[0].body
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "assign")).one()
        assert entry.actor == "coordinator@example.org" and entry.subject == f"need {ref}"
        assert entry.before == {"status": "open", "ride": "requested"}
        assert entry.after["ride"] == "claimed" and entry.after["volunteer"] == driver
    row = words(row_of(client.get("/rides?date=2026-12-03").get_data(as_text=True), ref))
    assert "Dana" in row and "Driver found" in row and "No driver" not in row


def test_a_ride_nobody_claimed_can_still_be_given_to_a_driver(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    ride_id, ref = book(db, "2026-12-01T18:00")
    with db.session() as session:
        rides.transition(session.get(Ride, ride_id), rides.NO_DRIVER)
    client = signed_in(app, db, "coordinator")
    row = words(row_of(client.get("/rides").get_data(as_text=True), ref))
    assert "No driver" in row and "Dana" in row
    post(client, f"/rides/{ride_id}/assign", {"volunteer": driver})
    with db.session() as session:
        ride = session.get(Ride, ride_id)
        assert ride.status == rides.CLAIMED and ride.need.status == "claimed"


def test_a_backup_driver_can_be_given_a_ride_whose_driver_is_silent(app, db):
    silent = add_driver(db, "+16175557001", "Dana")
    backup = add_driver(db, "+16175557002", "Wes")
    ride_id, ref = book(db, "2026-12-01T10:30")
    give(app, db, ride_id, silent)
    update_ride(db, ride_id, driver_confirmed_at=None)
    with db.session() as session:
        # What the check DRIVER_CONFIRM_MINUTES before pickup does: a backup is looked for.
        reminders.check_driver(session, app.extensions["hotline"].settings, session.get(Ride, ride_id),
                               datetime.now(timezone.utc))
    client = signed_in(app, db, "coordinator")
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert "Dana" in words(row) and "past the deadline" in words(row)
    assert f'value="{backup}"' in row and f'value="{silent}"' not in row
    post(client, f"/rides/{ride_id}/assign", {"volunteer": backup})
    row = words(row_of(client.get("/rides").get_data(as_text=True), ref))
    assert "Dana, Wes" in row or "Wes, Dana" in row


def test_a_wheelchair_ride_is_offered_only_to_drivers_whose_vehicle_takes_one(app, db):
    sedan = add_driver(db, "+16175557001", "Sam")
    van = add_driver(db, "+16175557002", "Vera", wheelchair=True)
    ride_id, ref = book(db, "2026-12-01T18:00", mobility=("wheelchair",))
    client = signed_in(app, db, "coordinator")
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert f'value="{van}"' in row and f'value="{sedan}"' not in row
    response = post(client, f"/rides/{ride_id}/assign", {"volunteer": sedan}, follow=True)
    assert "Choose a driver who can take this ride." in text(response)
    with db.session() as session:
        assert session.get(Ride, ride_id).status == rides.REQUESTED
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "assign")).all() == []


def test_only_active_volunteers_who_drive_are_offered(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    paused = add_driver(db, "+16175557002", "Pat", status="paused")
    pending = add_driver(db, "+16175557003", "Penny", status="pending")
    cook = add_driver(db, "+16175557004", "Cole", skills="food")
    ride_id, ref = book(db, "2026-12-01T18:00")
    client = signed_in(app, db, "coordinator")
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert f'value="{driver}"' in row
    for other in (paused, pending, cook):
        assert f'value="{other}"' not in row
        post(client, f"/rides/{ride_id}/assign", {"volunteer": other})
    with db.session() as session:
        assert session.get(Ride, ride_id).status == rides.REQUESTED


def test_a_ride_that_has_its_driver_cannot_be_given_again(app, db):
    first = add_driver(db, "+16175557001", "Dana")
    second = add_driver(db, "+16175557002", "Wes")
    ride_id, ref = book(db, "2026-12-01T18:00")
    give(app, db, ride_id, first)
    client = signed_in(app, db, "coordinator")
    row = row_of(client.get("/rides").get_data(as_text=True), ref)
    assert "driver-" not in row
    response = post(client, f"/rides/{ride_id}/assign", {"volunteer": second}, follow=True)
    assert "This request is not waiting for a helper." in text(response)


def test_a_viewer_sees_the_board_but_cannot_give_a_ride_to_a_driver(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    ride_id, ref = book(db, "2026-12-01T18:00")
    client = signed_in(app, db, "viewer")
    page = client.get("/rides").get_data(as_text=True)
    assert ref in page and "Give it to a driver" not in page and "/assign" not in page
    assert post(client, f"/rides/{ride_id}/assign", {"volunteer": driver}).status_code == 403
    with db.session() as session:
        assert session.get(Ride, ride_id).status == rides.REQUESTED


@pytest.mark.parametrize("ride", ["999999", "abc", "1" * 40, "-1"])
def test_giving_a_ride_that_does_not_exist_is_not_found(app, db, ride):
    driver = add_driver(db, "+16175557001", "Dana")
    client = signed_in(app, db, "coordinator")
    assert post(client, f"/rides/{ride}/assign", {"volunteer": driver}).status_code == 404


@pytest.mark.parametrize("volunteer", ["", "abc", "999999", "1" * 40])
def test_giving_a_ride_to_no_real_volunteer_asks_to_choose_one(app, db, volunteer):
    ride_id, _ = book(db, "2026-12-01T18:00")
    client = signed_in(app, db, "coordinator")
    response = post(client, f"/rides/{ride_id}/assign", {"volunteer": volunteer, "date": "not a date"}, follow=True)
    assert response.status_code == 200
    assert "Choose a driver who can take this ride." in text(response)


def test_a_form_without_its_csrf_token_is_refused(app, db):
    driver = add_driver(db, "+16175557001", "Dana")
    ride_id, _ = book(db, "2026-12-01T18:00")
    client = signed_in(app, db, "coordinator")
    assert client.post(f"/rides/{ride_id}/assign", data={"volunteer": driver}).status_code == 400


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/rides?view=week")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_the_board_has_no_inline_script_or_style_and_labels_every_field(app, db):
    add_driver(db, "+16175557001", "Dana")
    book(db, "2026-12-01T18:00")
    client = signed_in(app, db, "coordinator")
    html = client.get("/rides?view=week").get_data(as_text=True)
    assert " style=" not in html and "<style" not in html and " onclick" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "/static/rides.css" in html
    for field_id in re.findall(r'<select id="([^"]+)"', html):
        assert f'for="{field_id}"' in html
    assert '<th scope="col">' in html and "data-label=" in html


def test_a_rides_own_page_shows_what_the_riders_bring_and_offers_only_drivers_who_can_take_it(app, db):
    sedan = add_driver(db, "+16175557001", "Sam")
    van = add_driver(db, "+16175557002", "Vera", wheelchair=True)
    cook = add_driver(db, "+16175557003", "Cole", skills="food")
    ride_id, ref = book(db, "2026-12-01T18:00", mobility=("wheelchair", "service_animal"))
    client = signed_in(app, db, "coordinator")
    page = client.get(f"/needs/{ref}").get_data(as_text=True)
    assert "Mobility Wheelchair, Service animal" in words(page)
    assert "Give it to a driver" in page
    assert f'value="{van}"' in page and f'value="{sedan}"' not in page and f'value="{cook}"' not in page
    for other in (sedan, cook):  # a form sent anyway is refused, and nobody is texted
        response = post(client, f"/needs/{ref}/assign", {"volunteer": other}, follow=True)
        assert "Choose a driver who can take this ride." in text(response)
    with db.session() as session:
        assert session.get(Ride, ride_id).status == rides.REQUESTED
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "assigned")).all() == []
    post(client, f"/needs/{ref}/assign", {"volunteer": van})
    with db.session() as session:
        [sent] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "assigned")).all()
        assert sent.to == "+16175557002"


def test_a_ride_no_driver_can_take_says_so_on_its_page(app, db):
    add_driver(db, "+16175557001", "Sam")
    _, ref = book(db, "2026-12-01T18:00", mobility=("wheelchair",))
    page = signed_in(app, db, "coordinator").get(f"/needs/{ref}").get_data(as_text=True)
    assert "No active driver can take this ride." in page and "assign-volunteer" not in page


def test_a_ride_that_has_its_driver_offers_no_more_helpers_on_its_page(app, db):
    first = add_driver(db, "+16175557001", "Dana")
    add_driver(db, "+16175557002", "Wes")
    ride_id, ref = book(db, "2026-12-01T18:00")
    give(app, db, ride_id, first)
    page = signed_in(app, db, "coordinator").get(f"/needs/{ref}").get_data(as_text=True)
    assert "Offer it again now" not in page and "assign-volunteer" not in page
    assert "Change its status" in page


def test_a_ride_and_its_way_back_each_show_their_own_places_and_link_to_the_other(app, db):
    with db.session() as session:
        rider = Contact(phone="+15551239999", language="en")
        session.add(rider)
        session.flush()
        there = rides.book(session, rider, pickup="12 Elm St, 02139", destination="Riverside Clinic", local_time="2026-12-01T10:00",
                           time_zone=ZONE, return_plan=rides.RETURN_AT_TIME, return_time="2026-12-01T13:00", language="en")
        out, back = there.need.ref, there.return_ride.need.ref
    client = signed_in(app, db, "coordinator")
    page = words(client.get(f"/needs/{back}").get_data(as_text=True))
    # The way back starts at the clinic: no "In their words" showing the home address as what was said.
    assert "From Riverside Clinic To 12 Elm St, 02139" in page and "In their words" not in page
    assert f"Way back this is the way back: Request {out}" in page
    assert f"Way back a ride back is booked: Request {back}" in words(client.get(f"/needs/{out}").get_data(as_text=True))
