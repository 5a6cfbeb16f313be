"""Missed calls: a resident who rings and hangs up before the menu is called back, once, in their language.

On a prepaid phone a call that rings and hangs up means "call me back". Twilio reports the end
of each call that came in at /twilio/voice/status (the number's call status callback); a call
that got no further than its first words (nothing pressed, said or waited out) was missed. A
job some minutes later calls back, through the outbox, unless the person called or texted
meanwhile, was called back within MISSED_CALL_WINDOW_HOURS, opted out or is blocked; in quiet
hours (or too close to their end for a held call to ring in time) it waits for the morning. A
call back whose job was lost (the queue down when the call ended) is found by a sweep each
minute: the call's end and first turn are kept, and no call back followed. When they pick up, the hotline's own menu plays, as if they had
called it (`calls`, reached by a <Redirect>).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from .. import urls
from ..clock import now as utcnow
from ..config import Settings
from ..db import Database
from ..flows.runner import lock_conversation
from ..guard import blocks
from ..i18n import NP_
from ..models import Contact, DeliveryReport, InboundMessage, OutboxMessage
from ..outbound.outbox import enqueue_after_commit, queue_call
from ..phones import mask, normalize
from .bridge import Voice

log = logging.getLogger(__name__)

# The outbox kind of a call back, and the job that decides whether to place it.
MISSED = "missed_call"
JOB = "call_back_missed"
# How an incoming call may end.
ENDED = frozenset({"completed", "canceled", "busy", "no-answer", "failed"})
# A call back not placed within this long (pacing, a budget) is no longer a call back.
TTL = timedelta(minutes=30)
# The sweep leaves a missed call to its scheduled job this long past due, and looks this far back
# (a night of quiet hours and then some).
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_LOOKBACK = timedelta(hours=24)


def heard_the_menu(session, call_sid: str) -> bool:
    """Tell whether a call went past its first answer from the hotline (turn 0)."""
    turns = session.scalars(select(InboundMessage.message_sid).where(
        InboundMessage.message_sid.like(f"{call_sid}:%"))).all()
    return any(not sid.endswith(":0") for sid in turns)


def noticed(db: Database, settings: Settings, *, call_sid: str, caller: str, status: str,
            now: datetime | None = None) -> str:
    """Look at a call that came in and ended; when it was missed, schedule the call back."""
    now = now or utcnow()
    if not settings.missed_call_back or status not in ENDED:
        return "not missed"
    phone = normalize(caller, settings.default_region)
    if phone is None or phone in blocks.hotline_numbers(settings):
        return "no number to call back"
    with db.session() as session:
        if heard_the_menu(session, call_sid):
            return "heard the menu"
        contact = lock_conversation(session, phone, now).contact
        if contact.blocked(now) or contact.opted_out:
            return "not called back"
        enqueue_after_commit(session, JOB, contact.id, call_sid, now.isoformat(),
                             when=now + timedelta(minutes=settings.missed_call_delay_minutes),
                             job_id=f"missed-{call_sid}")
    log.info("call %s from %s ended before the menu: calling back in %g minutes", call_sid[-6:], mask(phone),
             settings.missed_call_delay_minutes)
    return "call back scheduled"


def allowed_at(settings: Settings, moment: datetime) -> datetime:
    """The first moment from `moment` a call back may be queued (local time in HOTLINE_TIMEZONE).

    Pacing may hold a queued call back up to its TTL, so it is queued only when even then it would
    ring before the latest hour.
    """
    zone = ZoneInfo(settings.hotline_timezone)
    local = moment.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    earliest = midnight + timedelta(hours=settings.missed_call_earliest_hour)
    latest = midnight + timedelta(hours=settings.missed_call_latest_hour)
    if earliest <= local and local + TTL <= latest:
        return moment
    day = local.date() if local < earliest else local.date() + timedelta(days=1)
    morning = datetime(day.year, day.month, day.day, settings.missed_call_earliest_hour, tzinfo=zone)
    return morning.astimezone(moment.tzinfo)


def call_back(db: Database, settings: Settings, contact_id: int, call_sid: str, ended_at: str,
              now: datetime | None = None) -> str:
    """Call back a missed call, once, unless something since says not to; return what was done."""
    now = now or utcnow()
    since = datetime.fromisoformat(ended_at)
    with db.session() as session:
        contact = session.get(Contact, contact_id)
        if contact is None or not (contact.phone.startswith("+") and contact.phone[1:].isdigit()):
            return "nobody to call back"
        contact = lock_conversation(session, contact.phone, now).contact
        if contact.opted_out or contact.blocked(now):
            return "not called back: opted out or blocked"
        again = session.scalar(select(InboundMessage.id).where(
            InboundMessage.contact_id == contact.id, InboundMessage.received_at > since,
            InboundMessage.message_sid.not_like(f"{call_sid}:%")).limit(1))
        if again is not None:
            return "not called back: they called or texted again"
        window = now - timedelta(hours=settings.missed_call_window_hours)
        earlier = session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.contact_id == contact.id, OutboxMessage.kind == MISSED,
            OutboxMessage.created_at > window).limit(1))
        if earlier is not None:
            return "not called back: called back already"
        later = allowed_at(settings, now)
        if later > now:
            enqueue_after_commit(session, JOB, contact.id, call_sid, ended_at, when=later,
                                 job_id=f"missed-{call_sid}-{int(later.timestamp())}")
            log.info("missed call from %s: called back after the quiet hours", mask(contact.phone))
            return "later: quiet hours"
        language = contact.language or settings.default_language
        queue_call(session, contact, greeting(Voice(settings, language)).text, kind=MISSED, ttl=TTL,
                   meta={"missed": call_sid, "language": language})
    log.info("missed call from %s: calling back", mask(contact.phone))
    return "calling back"


def lost(session, settings: Settings, now: datetime) -> list[tuple[int, str, datetime]]:
    """Missed calls whose call back was never placed nor decided against: (contact, call sid, ended at).

    The end of each call that came in is kept (its status report), and so is its first turn: a
    call with no later turn, whose call back is past due and which no call back followed, had its
    scheduled job lost (the queue was down when it ended).
    """
    if not settings.missed_call_back:
        return []
    due = now - timedelta(minutes=settings.missed_call_delay_minutes) - SWEEP_GRACE
    found = session.execute(
        select(InboundMessage.contact_id, DeliveryReport.message_sid, DeliveryReport.received_at)
        .join(InboundMessage, InboundMessage.message_sid == DeliveryReport.message_sid.concat(":0"))
        .where(DeliveryReport.message_status.in_(ENDED), DeliveryReport.received_at > now - SWEEP_LOOKBACK,
               DeliveryReport.received_at <= due, InboundMessage.contact_id.is_not(None))
        .order_by(DeliveryReport.received_at)
    ).all()
    lost_calls: dict[str, tuple[int, str, datetime]] = {}
    for contact_id, call_sid, ended in found:
        if call_sid in lost_calls or heard_the_menu(session, call_sid):
            continue
        called_back = session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.contact_id == contact_id, OutboxMessage.kind == MISSED,
            OutboxMessage.created_at >= ended).limit(1))
        if called_back is None:
            lost_calls[call_sid] = (contact_id, call_sid, ended)
    return list(lost_calls.values())


def sweep(db: Database, settings: Settings, now: datetime | None = None) -> str:
    """Call back the missed calls whose scheduled call back was lost, in allowed hours."""
    now = now or utcnow()
    if allowed_at(settings, now) > now:
        return "quiet hours"
    with db.session() as session:
        found = lost(session, settings, now)
        numbers = blocks.hotline_numbers(settings)
        found = [f for f in found if (c := session.get(Contact, f[0])) is not None and c.phone not in numbers]
    outcomes = [call_back(db, settings, contact_id, call_sid, ended.isoformat(), now)
                for contact_id, call_sid, ended in found]
    placed = outcomes.count("calling back")
    if placed:
        log.info("missed-call sweep: %d call back(s) whose job was lost", placed)
    return f"{placed} call back(s) of {len(found)} missed call(s) found"


def greeting(voice: Voice):
    # Translators: said when the hotline calls back someone whose call to it ended before the menu.
    return voice.words(NP_("voice", "Hello, this is the mutual aid hotline, calling you back. You called us a little "
                               "while ago."))


def twiml(session, settings: Settings, row: OutboxMessage) -> str:
    """The call back, once picked up: who is calling, then the hotline's menu as if they had called."""
    contact = session.get(Contact, row.contact_id) if row.contact_id else None
    response = VoiceResponse()
    if contact is None:
        response.hangup()
        return str(response)
    voice = Voice(settings, contact.language or (row.meta or {}).get("language") or settings.default_language)
    voice.say(response, greeting(voice))
    response.redirect(urls.public(settings, urls.VOICE), method="POST")
    return str(response)
