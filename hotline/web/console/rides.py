"""Rides (`/rides`): the day and week board of booked rides, and giving a ride to a driver.

The board shows, in pickup order, whether the rider and the driver have confirmed, and singles
out (in words and a badge, not by colour alone) rides with no driver and rides whose driver has
not confirmed as pickup comes close. Which day or week it shows lives in the URL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import accounts, needs, offers, rides, volunteers
from ...clock import now as utcnow
from ...dispatch import manual
from ...models import Need, Offer, Ride, Volunteer
from ..twilio import hotline
from . import access, days, labels
from .i18n import gettext as _
from .needs import ASSIGNABLE, problem

bp = Blueprint("rides", __name__)

DAY, WEEK = "day", "week"
VIEWS = (DAY, WEEK)
# More rides than this in one view is more than a board can show; the export has them all.
MOST = 1000
# A driver still silent this close to pickup is worth a coordinator's look, whatever
# DRIVER_CONFIRM_MINUTES (when the backup search starts) says.
WATCH = timedelta(hours=24)


@dataclass(frozen=True)
class Board:
    """Which rides the board shows: a day, or the week (Monday first) around a day."""

    view: str
    day: date  # the day shown, or the Monday of the week shown
    unreadable: bool = False  # the date asked for could not be read: today is shown instead

    @classmethod
    def read(cls, view: str | None, raw_date: str | None, today: date) -> "Board":
        view = view if view in VIEWS else DAY
        day = days.read(raw_date) if raw_date else today
        unreadable = day is None
        day = day or today
        if view == WEEK:
            day -= timedelta(days=day.weekday())
        return cls(view, day, unreadable)

    @classmethod
    def from_request(cls) -> "Board":
        return cls.read(request.args.get("view"), request.args.get("date"), days.today())

    @property
    def dates(self) -> list[date]:
        return [self.day + timedelta(days=n) for n in range(7 if self.view == WEEK else 1)]

    def window(self) -> tuple[datetime, datetime]:
        """From the first day's start to the last day's end, in UTC."""
        return days.start(self.day), days.start(self.dates[-1] + timedelta(days=1))

    def args(self, **changes) -> dict[str, str]:
        values = {"view": self.view, "date": self.day.isoformat(), **changes}
        return {key: str(value) for key, value in values.items()}

    def step(self, direction: int) -> dict[str, str]:
        """The URL arguments of the day or week before (-1) or after (1) this one."""
        length = 7 if self.view == WEEK else 1
        return self.args(date=(self.day + timedelta(days=direction * length)).isoformat())


@dataclass(frozen=True)
class Row:
    """One ride on the board, with what a coordinator should notice about it."""

    ride: Ride
    pickup: datetime | None
    drivers: list[Volunteer]
    no_driver: bool
    unconfirmed: bool  # a driver who has not confirmed, pickup within a day
    overdue: bool  # ... and past the moment the hotline starts looking for a backup
    assignable: bool
    choices: list[Volunteer]  # drivers who could be given it

    @property
    def need(self) -> Need:
        return self.ride.need

    @property
    def day(self) -> date | None:
        # The stored moment, as the board's window was chosen by it.
        return days.local_day(self.ride.pickup_at) if self.ride.pickup_at else None


def rides_query(start: datetime, end: datetime):
    """Rides picked up in [start, end), soonest first, with their need, rider and drivers."""
    return (select(Ride).where(Ride.pickup_at >= start, Ride.pickup_at < end)
            .order_by(Ride.pickup_at, Ride.id)
            .options(selectinload(Ride.need).selectinload(Need.contact),
                     selectinload(Ride.need).selectinload(Need.offers).selectinload(Offer.volunteer)
                     .selectinload(Volunteer.contact)))


def rides_between(session, start: datetime, end: datetime, limit: int = MOST) -> list[Ride]:
    found = list(session.scalars(rides_query(start, end).limit(limit)))
    # Ordered by the wall-clock time asked for: it is the truth should the stored moment be stale.
    found.sort(key=lambda ride: (rides.pickup_utc(ride) or ride.pickup_at, ride.id))
    return found


def drivers_of(ride: Ride) -> list[Volunteer]:
    return [offer.volunteer for offer in ride.need.offers if offer.status == offers.CLAIMED]


def describe(ride: Ride, now: datetime, confirm_minutes: int, choices: list[Volunteer] = ()) -> Row:
    """What the board says of a ride at `now`; `choices` are the drivers a coordinator may pick from."""
    pickup = rides.pickup_utc(ride)
    drivers = drivers_of(ride)
    on = ride.status in rides.ACTIVE
    silent = on and bool(drivers) and ride.driver_confirmed_at is None and pickup is not None
    left = pickup - now if pickup is not None else None
    watch = max(WATCH, timedelta(minutes=confirm_minutes))
    helping = {driver.id for driver in drivers}
    assignable = on and ride.need.status in ASSIGNABLE
    return Row(
        ride=ride, pickup=pickup, drivers=drivers, no_driver=on and not drivers,
        unconfirmed=silent and left <= watch,
        overdue=silent and left <= timedelta(minutes=confirm_minutes),
        assignable=assignable,
        choices=[v for v in choices if v.id not in helping and volunteers.can_drive(v, ride.mobility)] if assignable else [],
    )


def board_rows(session, board: Board, now: datetime, *, with_choices: bool) -> tuple[list[Row], bool]:
    """The board's rows, and whether there were more than it shows."""
    start, end = board.window()
    found = rides_between(session, start, end, MOST + 1)
    choices = volunteers.drivers(session) if with_choices else []
    confirm = hotline().settings.driver_confirm_minutes
    return [describe(ride, now, confirm, choices=choices) for ride in found[:MOST]], len(found) > MOST


@bp.get("/rides")
@access.requires(accounts.READ)
def board():
    session = g.db_session
    view = Board.from_request()
    now = utcnow()
    rows, more = board_rows(session, view, now, with_choices=access.can(accounts.ACT))
    by_day = {day: [row for row in rows if row.day == day] for day in view.dates}
    today = days.today()
    return render_template(
        "console/rides.html", section="rides", board=view, rows=rows, by_day=by_day, more=more, most=MOST,
        today=today, this_period=Board.read(view.view, today.isoformat(), today),
        no_driver=sum(row.no_driver for row in rows), unconfirmed=sum(row.unconfirmed for row in rows),
        confirm_minutes=hotline().settings.driver_confirm_minutes,
        labels=labels, access=access, mobility=labels.mobility, clock=days.clock, long=days.long,
    )


@bp.post("/rides/<ride_id>/assign")
@access.requires(accounts.ACT)
def assign(ride_id: str):
    """Give a ride to a driver: they get the details by text, the rider hears who is coming."""
    view = Board.read(request.form.get("view"), request.form.get("date"), days.today())
    back = redirect(url_for("rides.board", **view.args()))
    if not (ride_id.isascii() and ride_id.isdigit() and len(ride_id) <= 9):
        abort(404)
    session = g.db_session
    ride = session.get(Ride, int(ride_id))
    if ride is None:
        abort(404)
    raw = request.form.get("volunteer", "")
    volunteer = session.get(Volunteer, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
    if volunteer is None or not volunteers.can_drive(volunteer, ride.mobility):
        flash(_("Choose a driver who can take this ride."), "error")
        return back
    need = ride.need
    before = {"status": need.status, "ride": ride.status}
    try:
        manual.assign(session, hotline().settings, need, volunteer, g.user.email, utcnow())
    except manual.ManualError as error:
        flash(problem(error), "error")
        return back
    session.flush()
    access.record("assign", f"need {need.ref}", before=before,
                  after={"status": need.status, "ride": ride.status, "volunteer": volunteer.id,
                         "name": volunteer.first_name})
    flash(_("%(name)s is driving ride %(ref)s and has the details by text.", name=volunteer.first_name,
            ref=need.ref), "success")
    return back
