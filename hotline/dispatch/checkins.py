"""Wellness check-ins: a resident is asked at their local time whether they are OK; no answer brings
one more try (a call), then a neighbour or the coordinators are asked to look in.

A plan keeps the wall-clock time and its zone; `next_at` is the next moment in UTC, worked out
afresh after every check-in, so a daylight-saving change keeps it at 9 on the clock. Each check-in
is a round, asked once for its moment: a round held up past REMINDER_GRACE_MINUTES (an outage) is
skipped, never sent late. The look-in is a need of the "checkin" kind, offered and claimed like
any other, and on the console's "needs a person" list until it is closed.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import asks, audit, coordinators, needs, times, volunteers
from ..config import Settings
from ..db import insert_ignore
from ..i18n import languages
from ..phones import mask, normalize
from ..models import Ask, CheckIn, CheckInRound, Contact, Need, Volunteer, VolunteerSkill
from ..outbound.notify import notify
from ..outbound.outbox import enqueue_after_commit, queue_call
from . import checkin_words as words
from . import copy, resident, waves

log = logging.getLogger(__name__)

ACTIVE, PAUSED, STOPPED = "active", "paused", "stopped"
# A round: asked, retried (the second try), ok (answered 1), help (answered 2), escalated (a
# look-in was asked for), skipped (its moment passed while the hotline was down).
ASKED, RETRIED, OK, HELP, ESCALATED, SKIPPED = "asked", "retried", "ok", "help", "escalated", "skipped"
OPEN_ROUND = (ASKED, RETRIED)
ASK_KIND = "checkin"
CATEGORY = "checkin"
SMS, CALL = "sms", "call"
TO_VOLUNTEER, TO_COORDINATORS = "volunteer", "coordinators"
EVERY_DAY = "0123456"
# An answer to a check-in still counts this long after it was asked (a late 1 after a look-in was asked for).
ANSWER_HOURS = 20


class CheckInError(ValueError):
    """A plan that cannot be kept as given; `code` says which part."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# -- the plan ---------------------------------------------------------------------------------

def for_contact(session: Session, contact: Contact) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(CheckIn.contact_id == contact.id))


def lock(session: Session, checkin_id: int) -> CheckIn | None:
    return session.scalars(select(CheckIn).where(CheckIn.id == checkin_id).with_for_update()
                           .execution_options(populate_existing=True)).one_or_none()


def clean_days(days: str) -> str:
    """Weekday digits, Monday 0, each once and in order; raise for none or a wrong one."""
    found = sorted(set(days or ""))
    if not found or any(d not in EVERY_DAY for d in found):
        raise CheckInError("days")
    return "".join(found)


def clean_time(value: str, settings: Settings) -> str:
    """"09:00" from "9:00" or "09:00", within the hours check-ins may be sent; raise otherwise."""
    try:
        clock = time.fromisoformat(value.strip().zfill(5))
    except (ValueError, AttributeError):
        raise CheckInError("time") from None
    if not allowed(settings, clock):
        raise CheckInError("hours")
    return clock.strftime("%H:%M")


def allowed(settings: Settings, clock: time) -> bool:
    """Tell whether a check-in may be asked at this local time (never in the night's quiet hours)."""
    return settings.checkin_earliest_hour <= clock.hour < settings.checkin_latest_hour


def save(session: Session, settings: Settings, contact: Contact, now: datetime, *, days: str, local_time: str,
         channel: str = SMS, escalate_to: str = TO_COORDINATORS, volunteer: Volunteer | None = None,
         location: str = "", name: str = "", actor: str = "resident") -> CheckIn:
    """Start or change a contact's check-ins (active from now) and schedule the next one."""
    if channel not in (SMS, CALL):
        raise CheckInError("channel")
    if escalate_to not in (TO_VOLUNTEER, TO_COORDINATORS):
        raise CheckInError("escalate_to")
    days = clean_days(days)
    local_time = clean_time(local_time, settings)
    plan = for_contact(session, contact)
    if plan is None:
        plan = CheckIn(contact=contact, created_at=now, created_by=actor)
        session.add(plan)
    plan.days, plan.local_time, plan.channel = days, local_time, channel
    plan.escalate_to = escalate_to
    plan.volunteer = volunteer if escalate_to == TO_VOLUNTEER else None
    plan.location = (location or "").strip()[:500]
    plan.name = (name or "").strip()[:64]
    plan.time_zone = plan.time_zone if plan.time_zone and plan.time_zone != "UTC" else settings.hotline_timezone
    plan.status, plan.paused_until = ACTIVE, None
    plan.updated_at = now
    schedule(session, plan, now)
    return plan


def next_moment(plan: CheckIn, after: datetime) -> datetime | None:
    """The first check-in strictly after `after`, in UTC, from the plan's wall-clock time and days."""
    zone = ZoneInfo(plan.time_zone)
    start = after.astimezone(zone).date()
    clock = time.fromisoformat(plan.local_time)
    for offset in range(8):
        day = start + timedelta(days=offset)
        if str(day.weekday()) not in plan.days:
            continue
        moment = times.to_utc(datetime.combine(day, clock), plan.time_zone)
        if moment > after:
            return moment
    return None


def schedule(session: Session, plan: CheckIn, after: datetime) -> None:
    """Work out the next check-in after `after` and queue its job (the sweep is the backstop)."""
    if plan.status != ACTIVE:
        plan.next_at = None
        return
    plan.next_at = next_moment(plan, after)
    if plan.next_at is None:
        return
    session.flush()
    enqueue_after_commit(session, "checkin_due", plan.id, plan.next_at.isoformat(), when=plan.next_at,
                         job_id=f"checkin-{plan.id}-{plan.next_at.strftime('%Y%m%d%H%M')}")


def pause(session: Session, plan: CheckIn, now: datetime, until: date | None = None) -> None:
    """No check-ins until the morning of `until` (local), or until they ask again when None."""
    plan.status = PAUSED
    plan.paused_until = times.to_utc(datetime.combine(until, time(0)), plan.time_zone) if until else None
    plan.next_at = None
    plan.updated_at = now
    close_open_rounds(session, plan, now)


def resume(session: Session, plan: CheckIn, now: datetime) -> None:
    plan.status, plan.paused_until = ACTIVE, None
    plan.updated_at = now
    schedule(session, plan, now)


def stop(session: Session, plan: CheckIn, now: datetime) -> None:
    """End the check-ins; the history stays for the coordinators until the person is erased."""
    plan.status, plan.paused_until, plan.next_at = STOPPED, None, None
    plan.updated_at = now
    close_open_rounds(session, plan, now)


def close_open_rounds(session: Session, plan: CheckIn, now: datetime) -> None:
    """A round waiting for an answer when check-ins stop or pause never escalates."""
    for round_ in plan.rounds:
        if round_.status in OPEN_ROUND:
            round_.status = SKIPPED
    for question in session.scalars(select(Ask).where(
            Ask.contact_id == plan.contact_id, Ask.kind == ASK_KIND, Ask.answered_at.is_(None))):
        question.answered_at, question.answer = now, "stopped"


def stop_for(session: Session, contact: Contact, now: datetime) -> bool:
    """STOP (the carrier's opt-out) ends check-ins too: nothing may be sent to the number."""
    plan = for_contact(session, contact)
    if plan is None or plan.status == STOPPED:
        return False
    stop(session, plan, now)
    return True


# -- a check-in, when its time comes ----------------------------------------------------------

def run_due(session: Session, settings: Settings, checkin_id: int, at: str | None, now: datetime) -> str:
    """Ask the check-in due at `at` (ISO, UTC; None: whatever is due), if it is still right to."""
    plan = lock(session, checkin_id)
    if plan is None or plan.status != ACTIVE:
        return "not active"
    if plan.next_at is None or (at is not None and datetime.fromisoformat(at) != plan.next_at):
        return "moved"
    if now < plan.next_at:
        return "not yet"
    due = plan.next_at
    wall = times.wall_time(due, plan.time_zone)
    if session.scalar(select(CheckInRound.id).where(CheckInRound.checkin_id == plan.id,
                                                    CheckInRound.wall == wall)) is not None:
        schedule(session, plan, due)
        return "already asked"
    round_ = CheckInRound(checkin=plan, wall=wall, due_at=due)
    session.add(round_)
    schedule(session, plan, due)
    if plan.contact.opted_out and plan.channel == SMS:
        # Opted out since (a STOP the carrier took, a send refused with 21610): end them as a
        # texted STOP does, so the console shows them stopped instead of skipping for ever.
        round_.status = SKIPPED
        stop(session, plan, now)
        return "opted out"
    if now > due + timedelta(minutes=settings.reminder_grace_minutes):
        # An outage kept it back: a check-in hours late only confuses (and would escalate at night).
        round_.status = SKIPPED
        log.info("check-in %s: its moment %s passed unsent", plan.id, wall)
        return "moment passed"
    contact = plan.contact
    round_.status, round_.tries, round_.asked_at = ASKED, 1, now
    session.flush()
    ask(session, settings, plan, round_, now, call=plan.channel == CALL)
    follow_up_later(session, settings, round_, now)
    return "asked"


def ask(session: Session, settings: Settings, plan: CheckIn, round_: CheckInRound, now: datetime, *,
        call: bool) -> None:
    """Send the question, by text (or a call when texts cannot reach them) or by call."""
    question = asks.ask(session, plan.contact, ASK_KIND, round_.id, now, hours=ANSWER_HOURS)
    session.flush()
    t = copy.translator(settings, plan.contact)
    local = round_.due_at.astimezone(ZoneInfo(plan.time_zone))
    text = words.question(t, plan.name, local.hour)
    spoken = words.spoken_question(t, plan.name, local.hour)
    ttl = timedelta(minutes=settings.reminder_grace_minutes)
    meta = {"checkin_round": round_.id}
    if call:
        queue_call(session, plan.contact, spoken, kind="checkin", ask_id=question.id, ttl=ttl, meta=meta)
    else:
        notify(session, plan.contact, text, spoken=spoken, kind="checkin", ask_id=question.id, ttl=ttl, meta=meta)


def follow_up_later(session: Session, settings: Settings, round_: CheckInRound, now: datetime) -> None:
    at = now + timedelta(minutes=settings.checkin_answer_minutes)
    enqueue_after_commit(session, "checkin_followup", round_.id, round_.tries, when=at,
                         job_id=f"checkin-round-{round_.id}-{round_.tries}")


def follow_up(session: Session, settings: Settings, round_id: int, tries: int, now: datetime) -> str:
    """No answer in CHECKIN_ANSWER_MINUTES: one more try by call, then someone is asked to look in."""
    round_ = session.get(CheckInRound, round_id)
    if round_ is None:
        return "gone"
    plan = lock(session, round_.checkin_id)
    session.refresh(round_)
    if plan is None or round_.status not in OPEN_ROUND or round_.tries != tries:
        return "answered"
    last = round_.retried_at or round_.asked_at or round_.due_at
    wait_until = last + timedelta(minutes=settings.checkin_answer_minutes)
    if now + timedelta(seconds=1) < wait_until:
        # Run early (a queue that keeps whole seconds): look again at the right moment.
        enqueue_after_commit(session, "checkin_followup", round_.id, tries, when=wait_until,
                             job_id=f"checkin-round-{round_.id}-{tries}-{int(wait_until.timestamp())}")
        return "not yet"
    late = now > last + timedelta(minutes=settings.checkin_answer_minutes + settings.reminder_grace_minutes)
    if tries == 1 and not late and not plan.contact.opted_out:
        round_.status, round_.tries, round_.retried_at = RETRIED, 2, now
        # The second try is a call: a phone that rings is harder to miss than a text.
        ask(session, settings, plan, round_, now, call=True)
        follow_up_later(session, settings, round_, now)
        return "tried again"
    # Still nothing (or the second try's moment passed in an outage): a person looks in.
    escalate(session, settings, plan, round_, now)
    return "escalated"


def escalate(session: Session, settings: Settings, plan: CheckIn, round_: CheckInRound, now: datetime) -> Need:
    """Ask the chosen volunteer, volunteers who do check-ins nearby, or the coordinators to look in."""
    round_.status, round_.escalated_at = ESCALATED, now
    for question in session.scalars(select(Ask).where(
            Ask.contact_id == plan.contact_id, Ask.kind == ASK_KIND, Ask.subject_id == round_.id,
            Ask.answered_at.is_(None))):
        # A late answer still reaches the round (ANSWER_HOURS), through this one question.
        question.expires_at = max(question.expires_at, now + timedelta(hours=ANSWER_HOURS))
    t = copy.translator(settings, plan.contact)
    local = round_.due_at.astimezone(ZoneInfo(plan.time_zone))
    when = times.format_for(local, t.code, style=times.TIME)
    need = open_need(session, settings, plan, words.missed_details(t, when), now)
    round_.need = need
    coordinators.flag(need, coordinators.CHECKIN_MISSED)
    send_for_help(session, settings, plan, need, now, reason=coordinators.CHECKIN_MISSED)
    return need


def open_need(session: Session, settings: Settings, plan: CheckIn, details: str, now: datetime) -> Need:
    # Without its full stop: the helper's texts put one after the words of a request.
    details = details.rstrip(" .。")
    return needs.create(session, plan.contact, category=CATEGORY, details=details, location=plan.location,
                        language=plan.contact.language or settings.default_language, channel=plan.channel, now=now)


def send_for_help(session: Session, settings: Settings, plan: CheckIn, need: Need, now: datetime, *,
                  reason: str) -> None:
    """Offer the look-in to the chosen volunteer (others after a wave), to the nearby ones, or to coordinators."""
    chosen = plan.volunteer if plan.escalate_to == TO_VOLUNTEER else None
    if chosen is not None and volunteers.can_be_given_tasks(chosen):
        need.wave = 1
        waves.make_offer(session, settings, need, chosen, now)
        needs.transition(need, needs.OFFERED, note="chosen volunteer", now=now)
        need.next_wave_at = now + timedelta(minutes=settings.wave_minutes)
        waves.schedule_wave(session, need)
        return
    if plan.escalate_to == TO_VOLUNTEER:
        need.urgent = True  # someone not answering may not wait for the morning
        if waves.start(session, settings, need, now, tell_resident=False):
            return
        if need.next_wave_at is not None or need.status == needs.UNMET:
            return  # asked again later, or the coordinators were told nobody could be found
    coordinators.tell(session, settings, lambda tr: words.coordinators_told(tr, need, reason), need_id=need.id,
                      reason=reason, why=f"check-in request {need.ref} needs a person")


# -- answers ------------------------------------------------------------------------------------

def answer(session: Session, settings: Settings, contact: Contact, round_id: int, value: str, channel: str,
           now: datetime) -> tuple[str, Need | None]:
    """A 1 (OK) or 2 (a neighbour should call) to a check-in; return what happened and any need made."""
    round_ = session.get(CheckInRound, round_id)
    if round_ is None or round_.checkin is None or round_.checkin.contact_id != contact.id:
        return "gone", None
    plan = lock(session, round_.checkin_id)
    session.refresh(round_)
    was = round_.status
    round_.answered_at, round_.answer, round_.answer_channel = now, value, channel
    if value == "2":
        round_.status = HELP if was != ESCALATED else ESCALATED
        if round_.need is not None and round_.need.status in needs.ACTIVE:
            return "help", round_.need  # a look-in is already on its way
        t = copy.translator(settings, contact)
        need = open_need(session, settings, plan, words.help_details(t), now)
        round_.need = need
        send_for_help(session, settings, plan, need, now, reason=coordinators.CHECKIN_HELP)
        return "help", need
    if was == ESCALATED:
        need = round_.need
        if need is not None and need.status in (needs.OPEN, needs.OFFERED) and need.claimed_count == 0:
            # Nobody has set out yet: the look-in is no longer needed.
            resident.withdraw(session, settings, need, now)
        return "late", need
    round_.status = OK
    return "ok", None


def rounds_of(session: Session, plan: CheckIn, limit: int = 60) -> list[CheckInRound]:
    return list(session.scalars(select(CheckInRound).where(CheckInRound.checkin_id == plan.id)
                                .order_by(CheckInRound.due_at.desc()).limit(limit)))


def due(session: Session, now: datetime) -> list[int]:
    """Check-ins due and not asked (the sweep asks them if a scheduled job was lost)."""
    return list(session.scalars(select(CheckIn.id).where(CheckIn.status == ACTIVE, CheckIn.next_at.is_not(None),
                                                         CheckIn.next_at <= now)))


def open_rounds(session: Session, settings: Settings, now: datetime) -> list[tuple[int, int]]:
    """Rounds whose wait for an answer is over (the sweep follows them up if a job was lost)."""
    wait = timedelta(minutes=settings.checkin_answer_minutes)
    rows = session.execute(select(CheckInRound.id, CheckInRound.tries, CheckInRound.asked_at,
                                  CheckInRound.retried_at).where(CheckInRound.status.in_(OPEN_ROUND)))
    return [(r.id, r.tries) for r in rows if (r.retried_at or r.asked_at) and (r.retried_at or r.asked_at) + wait <= now]


def resume_due(session: Session, now: datetime) -> int:
    """Pauses that ran out: check-ins start again."""
    plans = list(session.scalars(select(CheckIn).where(CheckIn.status == PAUSED, CheckIn.paused_until.is_not(None),
                                                       CheckIn.paused_until <= now)))
    for plan in plans:
        resume(session, plan, now)
    return len(plans)


# -- set up by a coordinator --------------------------------------------------------------------

MAX_NAME, MAX_LOCATION = 64, 500


def read_form(session: Session, settings: Settings, form: dict[str, object]) -> dict[str, object]:
    """Check a console form's values (raw strings) and return save()'s keywords; CheckInError names
    the first field that is wrong."""
    days = form.get("days") or []
    days = "".join(str(d) for d in days) if isinstance(days, (list, tuple)) else str(days)
    if not days or len(days) > 14 or not set(days) <= set(EVERY_DAY):
        raise CheckInError("days")
    raw_time = str(form.get("time") or "").strip()
    if not (4 <= len(raw_time) <= 5 and ":" in raw_time):
        raise CheckInError("time")
    local_time = clean_time(raw_time, settings)
    channel = str(form.get("channel") or "")
    if channel not in (SMS, CALL):
        raise CheckInError("channel")
    escalate_to = str(form.get("escalate_to") or "")
    if escalate_to not in (TO_VOLUNTEER, TO_COORDINATORS):
        raise CheckInError("escalate_to")
    volunteer = None
    raw_volunteer = str(form.get("volunteer_id") or "").strip()
    if raw_volunteer:
        if not raw_volunteer.isdigit() or len(raw_volunteer) > 12:
            raise CheckInError("volunteer_id")
        volunteer = session.get(Volunteer, int(raw_volunteer))
        if volunteer is None or not volunteers.can_be_given_tasks(volunteer):
            raise CheckInError("volunteer_id")
    location = " ".join(str(form.get("location") or "").split())
    if len(location) > MAX_LOCATION:
        raise CheckInError("location")
    if escalate_to == TO_VOLUNTEER and not location:
        raise CheckInError("location")  # a neighbour needs to know where to go
    name = " ".join(str(form.get("name") or "").split())
    if len(name) > MAX_NAME:
        raise CheckInError("name")
    return dict(days=clean_days(days), local_time=local_time, channel=channel, escalate_to=escalate_to,
                volunteer=volunteer, location=location, name=name)


def set_up(session: Session, settings: Settings, form: dict[str, object], *, actor: str, now: datetime,
           user_id: int | None = None, address: str = "", plan: CheckIn | None = None) -> CheckIn:
    """Start (for the number in the form) or change (`plan`) a resident's check-ins from the console, audited."""
    values = read_form(session, settings, form)
    if plan is None:
        number = normalize(str(form.get("phone") or "")[:64], settings.default_region)
        if number is None:
            raise CheckInError("phone")
        insert_ignore(session, Contact, {"phone": number, "created_at": now, "last_seen_at": now}, ["phone"])
        contact = session.scalars(select(Contact).where(Contact.phone == number)).one()
        if contact.opted_out and values["channel"] == SMS:
            raise CheckInError("opted_out")
        language = str(form.get("language") or "")
        if language:
            if languages.get(language) is None:
                raise CheckInError("language")
            contact.language = contact.language or language
            contact.language_source = contact.language_source or "chosen"
    else:
        contact = plan.contact
        if contact.opted_out and values["channel"] == SMS:
            raise CheckInError("opted_out")
    before = summary(plan) if plan is not None else {}
    saved = save(session, settings, contact, now, actor=actor, **values)
    audit.record(session, actor, "checkin_set" if plan is None else "checkin_changed", f"check-ins {saved.id}",
                 before=before, after=summary(saved), user_id=user_id, address=address, at=now)
    return saved


def change_status(session: Session, plan: CheckIn, action: str, *, actor: str, now: datetime,
                  user_id: int | None = None, address: str = "") -> None:
    """Stop, pause or resume a resident's check-ins from the console, audited."""
    before = summary(plan)
    if action == "resume" and plan.contact.opted_out and plan.channel == SMS:
        raise CheckInError("opted_out")  # nothing may be texted to a number that said STOP
    if action == "stop":
        stop(session, plan, now)
    elif action == "pause":
        pause(session, plan, now)
    elif action == "resume":
        resume(session, plan, now)
    else:
        raise CheckInError("action")
    audit.record(session, actor, f"checkin_{action}", f"check-ins {plan.id}", before=before, after=summary(plan),
                 user_id=user_id, address=address, at=now)


def summary(plan: CheckIn) -> dict[str, object]:
    """What an audit entry keeps of a plan: never the number, the address or the name."""
    return {"status": plan.status, "days": plan.days, "time": plan.local_time, "channel": plan.channel,
            "escalate_to": plan.escalate_to, "volunteer": plan.volunteer_id or "",
            "number": mask(plan.contact.phone) if plan.contact else ""}


def plans(session: Session) -> list[CheckIn]:
    """Every plan that is not stopped first, then the stopped ones, newest first."""
    rows = list(session.scalars(select(CheckIn).order_by(CheckIn.updated_at.desc(), CheckIn.id.desc())))
    return sorted(rows, key=lambda p: p.status == STOPPED)


def helpers(session: Session) -> list[Volunteer]:
    """Volunteers who do check-ins (the health skill) and can be given tasks now, by name."""
    rows = session.scalars(select(Volunteer).join(VolunteerSkill).where(
        VolunteerSkill.skill.in_(volunteers.CATEGORY_SKILLS[CATEGORY])).order_by(Volunteer.first_name, Volunteer.id))
    return [v for v in rows if volunteers.can_be_given_tasks(v)]
