"""The work that can be queued, by name: each job takes ids, never objects, and is safe to run twice.

`hotline.wiring` registers these under their names. RQ stores `hotline.jobs.run` and a job's
name in every queued job, scheduled ones days ahead included: neither may ever be renamed.
"""
from __future__ import annotations

from typing import Any, Callable

from . import volunteers
from .background.registry import job, run
from .clock import now
from .config import Settings
from .dispatch import care, checkins, reminders, safety, waves
from .outbound import delivery, outbox
from .privacy import retention
from .voice import missed
from .voice import sentence_recordings
from .services import current

__all__ = ["JOBS", "job", "run", "periodic"]


def deliver(outbox_id: int) -> str:
    """Send one outbox row, if it is still due and allowed."""
    return delivery.deliver(outbox_id)


def deliver_due() -> str:
    """Send every text that is due, in batches, oldest first."""
    return delivery.deliver_due()


def reconcile(outbox_id: int) -> str:
    """Find out from Twilio whether an ambiguous send went out."""
    return delivery.reconcile(outbox_id)


def release_waiting() -> str:
    """Send the messages that waited while Twilio refused, once it answers again."""
    return delivery.release_waiting()


def sweep_outbox() -> str:
    """Enqueue again the rows left waiting too long; expire the stale ones."""
    return outbox.sweep()


def dispatch_wave(need_id: int, wave: int) -> str:
    """Offer a need to the next wave of volunteers if nobody claimed it in time."""
    hotline = current()
    ran = waves.run_wave(hotline.db, hotline.settings, need_id, wave, now())
    return "next wave" if ran else "not due"


def dispatch_start(need_id: int) -> str:
    """Send the first wave of offers for a need just confirmed (the webhook has answered)."""
    hotline = current()
    ran = waves.run_wave(hotline.db, hotline.settings, need_id, 0, now())
    return "first wave" if ran else "already started"


def dispatch_sweep() -> str:
    """Run wave timers whose scheduled job was lost, and end pauses that have run out."""
    hotline = current()
    moment = now()
    with hotline.db.session() as session:
        due = waves.due_needs(session, moment)
        resumed = volunteers.resume_due(session, moment)
    for need_id, wave in due:
        waves.run_wave(hotline.db, hotline.settings, need_id, wave, moment)
    return f"{len(due)} wave(s) due, {resumed} volunteer(s) resumed"


def ride_reminder(ride_id: int, kind: str, wall: str | None) -> str:
    """Send a ride reminder, or check the driver confirmed, if it is still right to."""
    hotline = current()
    with hotline.db.session() as session:
        return reminders.run(session, hotline.settings, ride_id, kind, wall, now())


def ride_sweep() -> str:
    """Send reminders whose scheduled job was lost."""
    hotline = current()
    moment = now()
    with hotline.db.session() as session:
        due = reminders.due(session, hotline.settings, moment)
    for ride_id, kind in due:
        with hotline.db.session() as session:
            reminders.run(session, hotline.settings, ride_id, kind, None, moment)
    return f"{len(due)} reminder(s) due"


def safety_check(ask_id: int) -> str:
    """Tell the coordinators if a helper out after dark has not said they are home in time."""
    hotline = current()
    with hotline.db.session() as session:
        return safety.check(session, hotline.settings, ask_id, now())


def safety_sweep() -> str:
    """Look at safety questions whose scheduled job was lost."""
    hotline = current()
    moment = now()
    with hotline.db.session() as session:
        due = safety.due(session, hotline.settings, moment)
    for ask_id in due:
        with hotline.db.session() as session:
            safety.check(session, hotline.settings, ask_id, moment)
    return f"{len(due)} safety question(s) overdue"


def checkin_due(checkin_id: int, at: str | None) -> str:
    """Ask a resident's check-in, if it is still due and still wanted."""
    hotline = current()
    with hotline.db.session() as session:
        return checkins.run_due(session, hotline.settings, checkin_id, at, now())


def checkin_followup(round_id: int, tries: int) -> str:
    """No answer to a check-in: try once more by call, then ask someone to look in."""
    hotline = current()
    with hotline.db.session() as session:
        return checkins.follow_up(session, hotline.settings, round_id, tries, now())


def checkin_sweep() -> str:
    """Ask check-ins and follow up rounds whose scheduled job was lost; end pauses that ran out."""
    hotline = current()
    moment = now()
    with hotline.db.session() as session:
        resumed = checkins.resume_due(session, moment)
    with hotline.db.session() as session:
        due = checkins.due(session, moment)
        rounds = checkins.open_rounds(session, hotline.settings, moment)
    for checkin_id in due:
        with hotline.db.session() as session:
            checkins.run_due(session, hotline.settings, checkin_id, None, moment)
    for round_id, tries in rounds:
        with hotline.db.session() as session:
            checkins.follow_up(session, hotline.settings, round_id, tries, moment)
    return f"{len(due)} check-in(s) due, {len(rounds)} follow-up(s), {resumed} resumed"


def retention_sweep() -> str:
    """Remove what has been kept longer than its retention window."""
    hotline = current()
    with hotline.db.session() as session:
        counts = retention.purge(session, hotline.settings, now())
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


def care_sweep() -> str:
    """On the month's last day, thank the volunteers who helped (once a month each)."""
    hotline = current()
    with hotline.db.session() as session:
        sent = care.monthly_notes(session, hotline.settings, now())
    return f"{sent} monthly note(s)"


def call_back_missed(contact_id: int, call_sid: str, ended_at: str) -> str:
    """Call back someone whose call ended before the menu, unless something since says not to."""
    hotline = current()
    return missed.call_back(hotline.db, hotline.settings, contact_id, call_sid, ended_at)
def fetch_sentence_recording(recording_id: int) -> str:
    """Fetch a sentence recorded on the recording line from Twilio, for coordinators to hear and approve."""
    hotline = current()
    return sentence_recordings.fetch(
        hotline.db, hotline.settings,
        lambda sid: hotline.transport.fetch_recording(sid, sentence_recordings.MAX_BYTES), recording_id)


def missed_call_sweep() -> str:
    """Call back the missed calls whose scheduled call back was lost (the queue was down)."""
    hotline = current()
    return missed.sweep(hotline.db, hotline.settings)


# Every job by the name stored in the queue.
JOBS: dict[str, Callable[..., Any]] = {
    "deliver": deliver,
    "deliver_due": deliver_due,
    "reconcile": reconcile,
    "release_waiting": release_waiting,
    "sweep_outbox": sweep_outbox,
    "dispatch_wave": dispatch_wave,
    "dispatch_start": dispatch_start,
    "dispatch_sweep": dispatch_sweep,
    "ride_reminder": ride_reminder,
    "ride_sweep": ride_sweep,
    "safety_check": safety_check,
    "safety_sweep": safety_sweep,
    "retention_sweep": retention_sweep,
    "care_sweep": care_sweep,
    "checkin_due": checkin_due,
    "checkin_followup": checkin_followup,
    "checkin_sweep": checkin_sweep,
    missed.JOB: call_back_missed,
    sentence_recordings.FETCH_JOB: fetch_sentence_recording,
    "missed_call_sweep": missed_call_sweep,
}


def periodic(settings: Settings) -> dict[str, float]:
    """The jobs that run on a fixed interval, and their intervals in seconds."""
    return {
        "sweep_outbox": settings.outbox_sweep_seconds,
        # Wave timers are scheduled jobs; this catches any that were lost, and ends pauses.
        "dispatch_sweep": 60,
        "ride_sweep": 60,
        "safety_sweep": 60,
        "checkin_sweep": 60,
        # A call back is a scheduled job; this finds any that were lost.
        "missed_call_sweep": 60,
        "retention_sweep": settings.retention_sweep_seconds,
        "care_sweep": settings.care_sweep_seconds,
    }
