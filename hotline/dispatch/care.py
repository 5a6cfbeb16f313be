"""Care for volunteers: a rest offered after a heavy week, and a monthly thank-you with residents' words.

A heavy week is `care_heavy_week_tasks` tasks done in 7 days, or `care_heavy_week_nights` of them
done at night (from `care_night_hour` to 06:00 local). The offer comes once a heavy week: not again
within 7 days of the last one. REST pauses offers for `care_rest_days` the way PAUSE does, so
matching leaves them out until the pause runs out and the dispatch sweep resumes them.

The monthly note goes on the month's last day, from `care_note_hour` until 21:00 local (outside
their own quiet hours), to active volunteers who finished a task that month; the thanks residents
chose to send after DONE follow it, their words only, with numbers and addresses masked.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import false, func, select, update
from sqlalchemy.orm import Session

from .. import areas, offers, volunteers, workload
from ..config import Settings
from ..models import Contact, Need, NeedEvent, Offer, Volunteer
from ..outbound.outbox import queue_sms
from . import copy

WEEK = timedelta(days=7)
MORNING = 6  # night tasks are those done from care_night_hour until this local hour
LATEST_NOTE_HOUR = 21  # the monthly note never goes later than this, local time
THANKS = "thanks"  # the need event that keeps a resident's words for their helper
MAX_THANKS_CHARS = 300
MAX_RELAYED = 3  # residents' thanks relayed with one monthly note, at most (the latest)


def night(moment: datetime, settings: Settings) -> bool:
    """Whether a task finished at this moment was done at night, local time."""
    hour = moment.astimezone(ZoneInfo(settings.hotline_timezone)).hour
    return hour >= settings.care_night_hour or hour < MORNING


def week_done(session: Session, settings: Settings, volunteer: Volunteer, now: datetime) -> tuple[int, int]:
    """Tasks this volunteer finished in the last 7 days, and how many of them at night."""
    closed = list(session.scalars(select(Offer.closed_at).where(
        Offer.volunteer_id == volunteer.id, Offer.status == offers.DONE, Offer.closed_at > now - WEEK)))
    return len(closed), sum(night(at, settings) for at in closed if at is not None)


def heavy(settings: Settings, tasks: int, nights: int) -> bool:
    by_tasks = settings.care_heavy_week_tasks > 0 and tasks >= settings.care_heavy_week_tasks
    by_nights = settings.care_heavy_week_nights > 0 and nights >= settings.care_heavy_week_nights
    return by_tasks or by_nights


def after_done(session: Session, settings: Settings, volunteer: Volunteer, now: datetime) -> bool:
    """After a task is done: thank a volunteer whose week was heavy and offer a rest, once a week."""
    if volunteer.rest_offered_at is not None and volunteer.rest_offered_at > now - WEEK:
        return False
    if volunteer.rested_at is not None and volunteer.rested_at > now - WEEK:
        return False  # they took a rest this week already
    if not heavy(settings, *week_done(session, settings, volunteer, now)):
        return False
    volunteer.rest_offered_at = now
    t = copy.translator(settings, volunteer.contact)
    queue_sms(session, volunteer.contact, copy.heavy_week(t, volunteer.first_name, settings.care_rest_days),
              kind="care", reply=True, ttl=timedelta(hours=12))
    return True


def rest(settings: Settings, volunteer: Volunteer, now: datetime) -> int:
    """REST: no offers for the days of a rest; return how many."""
    days = settings.care_rest_days
    until = now + timedelta(days=days)
    # A longer pause (a coordinator's, or their own) is never cut short by a rest.
    longer = volunteer.status == volunteers.PAUSED and (
        volunteer.paused_until is None or volunteer.paused_until > until)
    if not longer:
        volunteers.pause(volunteer, days, now)
    volunteer.rested_at = now
    return days


def keep_thanks(need: Need, words: str, now: datetime) -> str:
    """Keep a resident's thanks for their helpers: their words only, numbers and addresses masked."""
    kept = areas.redact(" ".join(words.split()))[:MAX_THANKS_CHARS]
    need.events.append(NeedEvent(at=now, kind=THANKS, note=kept))
    return kept


# -- the monthly note --------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    start: datetime  # the first moment of the local month, aware
    due: bool  # whether notes may go now (its last day, at a decent hour)


def month_of(settings: Settings, now: datetime) -> Month:
    local = now.astimezone(ZoneInfo(settings.hotline_timezone))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_day = calendar.monthrange(local.year, local.month)[1]
    due = local.day == last_day and settings.care_note_hour <= local.hour < LATEST_NOTE_HOUR
    return Month(start, due)


def helped_this_month(session: Session, volunteer_ids: list[int], since: datetime) -> dict[int, int]:
    """Distinct residents each volunteer finished a task for since `since`."""
    rows = session.execute(
        select(Offer.volunteer_id, func.count(Need.contact_id.distinct()))
        .join(Need, Need.id == Offer.need_id)
        .where(Offer.volunteer_id.in_(volunteer_ids), Offer.status == offers.DONE, Offer.closed_at >= since)
        .group_by(Offer.volunteer_id))
    return dict(rows.all())


def thanks_for(session: Session, volunteer: Volunteer, since: datetime) -> list[tuple[int, str]]:
    """Residents' words of thanks on tasks this volunteer finished, kept since `since`, oldest first,
    each with its request (so that the resident's DELETE finds the text that carries them)."""
    done = select(Offer.need_id).where(Offer.volunteer_id == volunteer.id, Offer.status == offers.DONE)
    return [(need_id, note) for need_id, note in session.execute(select(NeedEvent.need_id, NeedEvent.note).where(
        NeedEvent.kind == THANKS, NeedEvent.need_id.in_(done), NeedEvent.at > since, NeedEvent.note != "")
        .order_by(NeedEvent.id))]


def monthly_notes(session: Session, settings: Settings, now: datetime) -> int:
    """On the month's last day at a decent hour, thank each active volunteer who helped; return how many."""
    month = month_of(settings, now)
    if not month.due:
        return 0
    found = list(session.scalars(
        select(Volunteer).join(Contact, Contact.id == Volunteer.contact_id).where(
            Volunteer.status == volunteers.ACTIVE, Contact.opted_out.is_(false()), Contact.sms_unusable.is_(None),
            (Volunteer.thanked_at.is_(None)) | (Volunteer.thanked_at < month.start),
            # Only those who finished a task this month, not the whole roster.
            Volunteer.id.in_(select(Offer.volunteer_id).where(
                Offer.status == offers.DONE, Offer.closed_at >= month.start)))
        .order_by(Volunteer.id)))
    helped = helped_this_month(session, [v.id for v in found], month.start)
    hour = now.astimezone(ZoneInfo(settings.hotline_timezone)).hour
    sent = 0
    for volunteer in found:
        count = helped.get(volunteer.id, 0)
        if not count or workload.quiet(hour, volunteer.quiet_start, volunteer.quiet_end):
            continue  # nothing to thank for, or their quiet hours: a later sweep this evening may send it
        since = volunteer.thanked_at or month.start - timedelta(days=31)
        # Claimed by a conditional UPDATE: two sweeps running at once send one note, not two.
        claimed = session.execute(
            update(Volunteer).where(Volunteer.id == volunteer.id, (Volunteer.thanked_at.is_(None))
                                    | (Volunteer.thanked_at < month.start))
            .values(thanked_at=now).execution_options(synchronize_session=False)).rowcount
        if not claimed:
            continue
        t = copy.translator(settings, volunteer.contact)
        queue_sms(session, volunteer.contact, copy.month_thanks(t, volunteer.first_name, count), kind="care",
                  ttl=timedelta(hours=3))
        for need_id, words in thanks_for(session, volunteer, since)[-MAX_RELAYED:]:
            queue_sms(session, volunteer.contact, copy.neighbour_wrote(t, words), kind="care", need_id=need_id,
                      ttl=timedelta(hours=3))
        sent += 1
    return sent
