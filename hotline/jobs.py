"""Queued jobs, registered by name. Each takes ids, never objects, and is safe to run twice."""
from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import Any, Callable

from .services import current

log = logging.getLogger(__name__)

JOBS: dict[str, Callable[..., Any]] = {}


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as the job called `name`."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        JOBS[name] = function
        return function

    return register


def run(job_name: str, *args: Any) -> Any:
    """Run a registered job with this process's services, inside the app context when there is an app."""
    hotline = current()
    context = hotline.app.app_context() if hotline.app is not None else nullcontext()
    with context:
        return JOBS[job_name](*args)


@job("deliver")
def deliver(outbox_id: int) -> str:
    """Send one outbox row, if it is still due and allowed."""
    from .delivery import deliver as deliver_row

    return deliver_row(outbox_id)


@job("reconcile")
def reconcile(outbox_id: int) -> str:
    """Find out from Twilio whether an ambiguous send went out."""
    from .delivery import reconcile as reconcile_row

    return reconcile_row(outbox_id)


@job("sweep_outbox")
def sweep_outbox() -> str:
    """Enqueue again the rows left waiting too long; expire the stale ones."""
    from .outbox import sweep

    return sweep()


@job("dispatch_wave")
def dispatch_wave(need_id: int, wave: int) -> str:
    """Offer a need to the next wave of volunteers if nobody claimed it in time."""
    from . import dispatch
    from .clock import now

    hotline = current()
    with hotline.db.session() as session:
        ran = dispatch.wave_due(session, hotline.settings, need_id, wave, now())
    return "next wave" if ran else "not due"


@job("dispatch_sweep")
def dispatch_sweep() -> str:
    """Run wave timers whose scheduled job was lost, and end pauses that have run out."""
    from . import dispatch, volunteers
    from .clock import now

    hotline = current()
    moment = now()
    with hotline.db.session() as session:
        due = dispatch.due_needs(session, moment)
        resumed = volunteers.resume_due(session, moment)
    for need_id, wave in due:
        with hotline.db.session() as session:
            dispatch.wave_due(session, hotline.settings, need_id, wave, moment)
    return f"{len(due)} wave(s) due, {resumed} volunteer(s) resumed"


@job("ride_reminder")
def ride_reminder(ride_id: int, kind: str, wall: str | None) -> str:
    """Send a ride reminder, or check the driver confirmed, if it is still right to."""
    from . import reminders
    from .clock import now

    hotline = current()
    with hotline.db.session() as session:
        return reminders.run(session, hotline.settings, ride_id, kind, wall, now())


@job("ride_sweep")
def ride_sweep() -> str:
    """Send reminders whose scheduled job was lost."""
    from . import reminders
    from .clock import now

    hotline = current()
    moment = now()
    with hotline.db.session() as session:
        due = reminders.due(session, hotline.settings, moment)
    for ride_id, kind in due:
        with hotline.db.session() as session:
            reminders.run(session, hotline.settings, ride_id, kind, None, moment)
    return f"{len(due)} reminder(s) due"
