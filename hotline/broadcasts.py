"""Broadcasts: one text from the console to many volunteers (or residents who asked for news), each
in their own language.

Only active volunteers who consented to texts, whose number takes texts (no STOP, no landline, not
blocked or muted) ever get one; paused and resting volunteers are left out. Each recipient gets one
outbox row at most, paced like any text and held outside their quiet hours. The budget is checked
before anything is queued: what would pass it is held, not sent, until a coordinator sends the rest.
A volunteer's text in the days after (no command, no task code) is a reply for the coordinators.

Residents get one only about a kind of need they said yes to (hotline.updates), never after STOP,
always outside the hotline's quiet hours for residents, with how to stop them at the end.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from . import offers, volunteers, workload
from .config import Settings
from .db import insert_ignore
from .i18n import Translator
from .i18n.keywords import shown_word
from .models import (
    Broadcast, BroadcastRecipient, BroadcastReply, Contact, Offer, OutboxMessage, UpdateConsent, Volunteer,
    VolunteerArea, VolunteerLanguage, VolunteerSkill,
)
from .outbound import budget
from .outbound.outbox import PENDING, queue_sms
from .sms import clean, count_segments

KIND = "broadcast"  # the outbox kind of every broadcast text
MAX_CHARS = 640  # a text box holds at most this: five GSM-7 segments, ten in UCS-2
MAX_AREA_CHARS = 64
MAX_REPLY_CHARS = 1600
# A broadcast not out within this long after it is due (once quiet hours end) is stale.
TTL = timedelta(hours=24)

# Who a broadcast is for.
VOLUNTEERS, RESIDENTS = "volunteers", "residents"
AUDIENCES = (VOLUNTEERS, RESIDENTS)

# Whom of the chosen volunteers: all, those without a task in hand, those holding one.
ANY, FREE, BUSY = "any", "free", "busy"
STATUSES = (ANY, FREE, BUSY)

# Why a volunteer who fits the filters gets nothing (in the order a coordinator reads them).
PAUSED = "paused"  # paused by a coordinator or themselves, or resting
NOT_ACTIVE = "not_active"  # waiting for approval
NO_CONSENT = "no_consent"
OPTED_OUT = "opted_out"
UNREACHABLE = "unreachable"  # a landline or a number SMS cannot reach
BLOCKED = "blocked"  # blocked or muted by the guards
REASONS = (PAUSED, NOT_ACTIVE, NO_CONSENT, OPTED_OUT, UNREACHABLE, BLOCKED)


class BroadcastError(ValueError):
    """A broadcast that cannot be chosen, previewed or sent as asked; `code` says why."""

    def __init__(self, message: str, code: str, **values):
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Filters:
    """Whom a broadcast is for: empty means anyone."""

    skill: str = ""
    area: str = ""
    language: str = ""
    status: str = ANY
    audience: str = VOLUNTEERS
    kind: str = ""  # residents: the kind of need they asked for news about

    def as_dict(self) -> dict[str, str]:
        return {"audience": self.audience, "kind": self.kind, "skill": self.skill, "area": self.area,
                "language": self.language, "status": self.status}


def read_filters(values, languages: list[str], kinds: tuple[str, ...] = ()) -> Filters:
    """Read and check the filters from a form (a mapping of strings); BroadcastError when one is wrong.

    `kinds` are the kinds of need residents may get news about (none: residents get no broadcast)."""
    audience = (values.get("audience") or VOLUNTEERS).strip()
    if audience not in AUDIENCES or audience == RESIDENTS and not kinds:
        raise BroadcastError(f"unknown audience {audience[:16]!r}", "audience")
    if audience == RESIDENTS:
        kind = (values.get("kind") or "").strip()
        language = (values.get("language") or "").strip()
        if kind not in kinds:
            raise BroadcastError(f"unknown kind {kind[:24]!r}", "kind")
        if language and language not in languages:
            raise BroadcastError(f"unknown language {language[:16]!r}", "language")
        return Filters(language=language, audience=RESIDENTS, kind=kind)
    skill = (values.get("skill") or "").strip()
    area = (values.get("area") or "").strip()
    language = (values.get("language") or "").strip()
    status = (values.get("status") or ANY).strip()
    if skill and skill not in volunteers.SKILLS:
        raise BroadcastError(f"unknown skill {skill[:24]!r}", "skill")
    if language and language not in languages:
        raise BroadcastError(f"unknown language {language[:16]!r}", "language")
    if len(area) > MAX_AREA_CHARS or area == "*":
        raise BroadcastError("area too long", "area")
    if status not in STATUSES:
        raise BroadcastError(f"unknown status {status[:16]!r}", "status")
    return Filters(skill, area, language, status)


@dataclass
class Recipient:
    volunteer_id: int | None  # None: a resident
    contact: Contact
    name: str
    language: str
    quiet_start: int
    quiet_end: int


@dataclass
class Audience:
    """Who a broadcast would reach now, by language, and how many who fit were left out, and why."""

    recipients: list[Recipient] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)

    def by_language(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.recipients:
            counts[r.language] = counts.get(r.language, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def languages(self) -> list[str]:
        return list(self.by_language())

    @property
    def skipped(self) -> int:
        return sum(self.left_out.values())


def why_not(volunteer: Volunteer, now: datetime) -> str | None:
    """Why this volunteer gets no broadcast, or None when they may get one."""
    contact = volunteer.contact
    if volunteer.status == volunteers.PAUSED:
        return PAUSED
    if volunteer.status != volunteers.ACTIVE:
        return NOT_ACTIVE
    if volunteer.consent_at is None:
        return NO_CONSENT
    if contact.opted_out:
        return OPTED_OUT
    if contact.sms_unusable:
        return UNREACHABLE
    if contact.blocked(now) or contact.muted(now):
        return BLOCKED
    return None


def choose(session: Session, settings: Settings, filters: Filters, now: datetime) -> Audience:
    """Everyone the filters pick who may get a broadcast, oldest first, and who was left out."""
    if filters.audience == RESIDENTS:
        return _choose_residents(session, settings, filters, now)
    query = select(Volunteer).where(Volunteer.status != volunteers.REMOVED).order_by(Volunteer.id)
    if filters.skill:
        query = query.where(select(VolunteerSkill.volunteer_id).where(
            VolunteerSkill.volunteer_id == Volunteer.id, VolunteerSkill.skill == filters.skill).exists())
    if filters.language:
        query = query.where(select(VolunteerLanguage.volunteer_id).where(
            VolunteerLanguage.volunteer_id == Volunteer.id, VolunteerLanguage.language == filters.language).exists())
    if filters.area:
        # Someone who covers anywhere covers this area too.
        query = query.where(select(VolunteerArea.volunteer_id).where(
            VolunteerArea.volunteer_id == Volunteer.id,
            or_(func.lower(VolunteerArea.area) == filters.area.lower(), VolunteerArea.area == "*")).exists())
    found = list(session.scalars(query))
    busy = _holding_tasks(session, [v.id for v in found]) if filters.status != ANY else set()
    audience = Audience()
    for volunteer in found:
        if filters.status == FREE and volunteer.id in busy or filters.status == BUSY and volunteer.id not in busy:
            continue
        reason = why_not(volunteer, now)
        if reason is not None:
            audience.left_out[reason] = audience.left_out.get(reason, 0) + 1
            continue
        audience.recipients.append(Recipient(
            volunteer.id, volunteer.contact, volunteer.first_name,
            volunteer.contact.language or settings.default_language, volunteer.quiet_start, volunteer.quiet_end))
    audience.left_out = {reason: audience.left_out[reason] for reason in REASONS if reason in audience.left_out}
    return audience


def _choose_residents(session: Session, settings: Settings, filters: Filters, now: datetime) -> Audience:
    """Residents who said yes to news about this kind, whose number still takes texts."""
    query = (select(Contact).join(UpdateConsent, UpdateConsent.contact_id == Contact.id)
             .where(UpdateConsent.kind == filters.kind, UpdateConsent.wanted.is_(True)).order_by(Contact.id))
    if filters.language:
        query = query.where(func.coalesce(Contact.language, settings.default_language) == filters.language)
    audience = Audience()
    for contact in session.scalars(query):
        reason = (OPTED_OUT if contact.opted_out else UNREACHABLE if contact.sms_unusable
                  else BLOCKED if contact.blocked(now) or contact.muted(now) else None)
        if reason is not None:
            audience.left_out[reason] = audience.left_out.get(reason, 0) + 1
            continue
        audience.recipients.append(Recipient(None, contact, "", contact.language or settings.default_language,
                                             settings.resident_quiet_start, settings.resident_quiet_end))
    audience.left_out = {reason: audience.left_out[reason] for reason in REASONS if reason in audience.left_out}
    return audience


def body(settings: Settings, filters: Filters, language: str, text: str) -> str:
    """The text as sent: a resident's ends with how to stop these texts, in their language."""
    if filters.audience != RESIDENTS:
        return text
    t = Translator(language, settings.locales_dir)
    return text + "\n" + t._("Reply %(word)s to stop these news texts.", word=shown_word(t, "updates"))


def _holding_tasks(session: Session, volunteer_ids: list[int]) -> set[int]:
    if not volunteer_ids:
        return set()
    return set(session.scalars(select(Offer.volunteer_id).where(
        Offer.status == offers.CLAIMED, Offer.volunteer_id.in_(volunteer_ids)).distinct()))


@dataclass(frozen=True)
class Measure:
    """What one text costs: its segments, the alphabet that decides them, and the money."""

    chars: int
    segments: int
    encoding: str


def measure(text: str) -> Measure:
    counted = count_segments(text)
    return Measure(len(text), counted.segments, counted.encoding)


def measure_text(settings: Settings, filters: Filters, language: str, text: str) -> Measure:
    """A text box's figures as it would be sent; an empty box sends nothing and costs nothing."""
    if not text.strip():
        return Measure(0, 0, "GSM-7")
    return measure(body(settings, filters, language, text))


def read_texts(values, languages: list[str]) -> dict[str, str]:
    """The words for each language among the recipients; BroadcastError when one is empty or too long."""
    texts: dict[str, str] = {}
    for code in languages:
        raw = values.get(f"text_{code}") or ""
        if len(raw) > MAX_CHARS * 2:
            raise BroadcastError("text too long", "too_long", language=code, chars=len(raw))
        text = clean(raw, limit=MAX_CHARS * 2)
        if not text:
            raise BroadcastError("a text is empty", "empty", language=code)
        # Refused whole, never cut: the coordinator chooses what to leave out.
        if len(text) > MAX_CHARS:
            raise BroadcastError("text too long", "too_long", language=code, chars=len(text))
        texts[code] = text
    return texts


@dataclass(frozen=True)
class Estimate:
    """What a broadcast would cost: per language and in all, and how much the budget lets through now."""

    per_language: dict[str, Measure]
    counts: dict[str, int]
    segments: int
    cost: float
    headroom: int | None  # segments the SMS budgets allow now (None: no budget)

    @property
    def over_budget(self) -> bool:
        return self.headroom is not None and self.segments > self.headroom


def estimate(session: Session, settings: Settings, audience: Audience, texts: dict[str, str], now: datetime,
             filters: Filters | None = None) -> Estimate:
    filters = filters or Filters()
    per_language = {code: measure_text(settings, filters, code, text) for code, text in texts.items()}
    counts = audience.by_language()
    segments = sum(per_language[code].segments * n for code, n in counts.items() if code in per_language)
    return Estimate(per_language, counts, segments, cost(settings, segments), headroom(session, settings, now))


def cost(settings: Settings, segments: int) -> float:
    return round(segments * settings.sms_segment_price, 4)


def headroom(session: Session, settings: Settings, now: datetime) -> int | None:
    """Segments the SMS budgets still allow in their periods, less broadcast texts still waiting to go."""
    left = [s.limit - s.spent for s in (budget.standing(session, settings, budget.SMS, span, now)
                                        for span in budget.SPANS) if s.limit > 0]
    if not left:
        return None
    waiting = session.scalar(
        select(func.coalesce(func.sum(BroadcastRecipient.segments), 0))
        .join(OutboxMessage, OutboxMessage.id == BroadcastRecipient.outbox_id)
        .where(OutboxMessage.status == PENDING)) or 0
    return max(0, min(left) - int(waiting))


def digest(user_id: int, filters: Filters, texts: dict[str, str], audience: Audience) -> str:
    """What a preview showed, in one hash: sending needs the same filters, words and recipients."""
    shown = {"user": user_id, "filters": filters.as_dict(), "texts": texts,
             "recipients": sorted(r.contact.id for r in audience.recipients)}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def quiet_until(recipient: Recipient, now: datetime, zone: str) -> datetime | None:
    """When the volunteer's quiet hours end, if they are in them now (a broadcast is never urgent)."""
    local = now.astimezone(ZoneInfo(zone))
    if not workload.quiet(local.hour, recipient.quiet_start, recipient.quiet_end):
        return None
    end = local.replace(hour=recipient.quiet_end % 24, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(now.tzinfo)


@dataclass
class Sent:
    broadcast: Broadcast
    created: bool  # False: this preview was sent already (a second click), nothing more went out
    queued: int = 0
    held: int = 0


def send(session: Session, settings: Settings, *, filters: Filters, texts: dict[str, str], audience: Audience,
         token: str, actor: str, user_id: int | None, now: datetime) -> Sent:
    """Queue the broadcast for everyone in `audience`, once per preview token; hold what passes the budget."""
    created = insert_ignore(session, Broadcast, {
        "created_at": now, "user_id": user_id, "created_by": actor[:254], "audience": filters.audience,
        "filters": filters.as_dict(), "texts": texts, "recipients": 0, "held": 0, "segments": 0, "token": token,
        "replies_until": now + timedelta(hours=settings.broadcast_reply_hours),
    }, ["token"])
    broadcast = session.scalars(select(Broadcast).where(Broadcast.token == token)).one()
    if not created:
        return Sent(broadcast, False)
    room = headroom(session, settings, now)
    result = Sent(broadcast, True)
    for recipient in audience.recipients:
        text = body(settings, filters, recipient.language, texts[recipient.language])
        segments = count_segments(text).segments
        if not insert_ignore(session, BroadcastRecipient, {
                "broadcast_id": broadcast.id, "contact_id": recipient.contact.id, "language": recipient.language,
                "segments": segments, "outbox_id": None, "created_at": now}, ["broadcast_id", "contact_id"]):
            continue
        broadcast.recipients += 1
        broadcast.segments += segments
        if room is not None and segments > room:
            result.held += 1
            continue
        if room is not None:
            room -= segments
        _queue(session, settings, broadcast, recipient, text, now)
        result.queued += 1
    broadcast.held = result.held
    return result


def _queue(session: Session, settings: Settings, broadcast: Broadcast, recipient: Recipient, text: str,
           now: datetime) -> None:
    row = queue_sms(session, recipient.contact, text, kind=KIND, ttl=TTL,
                    send_after=quiet_until(recipient, now, settings.hotline_timezone),
                    meta={"broadcast": broadcast.id})
    session.execute(update(BroadcastRecipient).where(
        BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.contact_id == recipient.contact.id,
    ).values(outbox_id=row.id).execution_options(synchronize_session=False))


def send_held(session: Session, settings: Settings, broadcast: Broadcast, now: datetime) -> tuple[int, int]:
    """Queue the texts the budget held back, as far as it allows now; return (queued, still held).

    Someone who can no longer get a broadcast (paused, STOP since) is dropped from it.
    """
    room = headroom(session, settings, now)
    waiting = list(session.scalars(select(BroadcastRecipient).where(
        BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.outbox_id.is_(None),
        BroadcastRecipient.contact_id.is_not(None)).order_by(BroadcastRecipient.id).with_for_update()))
    queued = held = 0
    filters = Filters(**{k: v for k, v in broadcast.filters.items() if k in Filters.__dataclass_fields__})
    for row in waiting:
        recipient = _still(session, settings, filters, row, now)
        text = broadcast.texts.get(row.language)
        if recipient is None or text is None:
            broadcast.recipients -= 1
            broadcast.segments -= row.segments
            session.delete(row)
            continue
        if room is not None and row.segments > room:
            held += 1
            continue
        if room is not None:
            room -= row.segments
        _queue(session, settings, broadcast, recipient, body(settings, filters, row.language, text), now)
        queued += 1
    broadcast.held = held
    session.flush()
    return queued, held


def _still(session: Session, settings: Settings, filters: Filters, row: BroadcastRecipient,
           now: datetime) -> Recipient | None:
    """The recipient of a held text, if they may still get it (no STOP, pause or change of mind since)."""
    contact = session.get(Contact, row.contact_id)
    if filters.audience == RESIDENTS:
        consent = session.get(UpdateConsent, (row.contact_id, filters.kind))
        if (contact is None or consent is None or not consent.wanted or contact.opted_out or contact.sms_unusable
                or contact.blocked(now) or contact.muted(now)):
            return None
        return Recipient(None, contact, "", row.language, settings.resident_quiet_start, settings.resident_quiet_end)
    volunteer = session.scalars(select(Volunteer).where(Volunteer.contact_id == row.contact_id)).one_or_none()
    if volunteer is None or why_not(volunteer, now) is not None:
        return None
    return Recipient(volunteer.id, volunteer.contact, volunteer.first_name, row.language, volunteer.quiet_start,
                     volunteer.quiet_end)


@dataclass(frozen=True)
class Progress:
    """Where a broadcast's texts are: delivered or sent, on their way, held, not delivered."""

    sent: int
    waiting: int  # queued, paced, or waiting for the end of someone's quiet hours
    held_by_budget: int  # not queued, or queued and held back by a used-up budget
    failed: int


SENT_STATUSES = ("queued", "sending", "sent", "delivered")


def progress(session: Session, broadcast: Broadcast) -> Progress:
    rows = session.execute(
        select(OutboxMessage.status, OutboxMessage.held_for, func.count())
        .join(BroadcastRecipient, BroadcastRecipient.outbox_id == OutboxMessage.id)
        .where(BroadcastRecipient.broadcast_id == broadcast.id)
        .group_by(OutboxMessage.status, OutboxMessage.held_for)).all()
    sent = waiting = held = failed = 0
    for status, held_for, count in rows:
        if status in SENT_STATUSES:
            sent += count
        elif status == PENDING and held_for:
            held += count
        elif status in ("pending", "submitting", "unknown"):
            waiting += count
        else:
            failed += count
    not_queued = session.scalar(select(func.count()).where(
        BroadcastRecipient.broadcast_id == broadcast.id, BroadcastRecipient.outbox_id.is_(None),
        BroadcastRecipient.contact_id.is_not(None))) or 0
    return Progress(sent, waiting, held + int(not_queued), failed)


def recent(session: Session, limit: int = 50) -> list[Broadcast]:
    return list(session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)))


def reply_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    counted = (select(BroadcastReply.broadcast_id, func.count()).where(BroadcastReply.broadcast_id.in_(ids))
               .group_by(BroadcastReply.broadcast_id))
    return dict(session.execute(counted).all())


def replying_to(session: Session, contact: Contact, now: datetime) -> Broadcast | None:
    """The newest broadcast this contact got whose replies are still open, if any."""
    return session.scalars(
        select(Broadcast).join(BroadcastRecipient, BroadcastRecipient.broadcast_id == Broadcast.id)
        .where(BroadcastRecipient.contact_id == contact.id, BroadcastRecipient.outbox_id.is_not(None),
               Broadcast.audience == VOLUNTEERS, Broadcast.replies_until > now)
        .order_by(Broadcast.id.desc()).limit(1)).first()


def superseded(session: Session, contact: Contact, broadcast: Broadcast, need_ids) -> bool:
    """Whether a text about one of their open tasks reached them after the broadcast (their
    resident's words): their next words answer that, not the broadcast."""
    need_ids = list(need_ids)
    if not need_ids:
        return False  # a task already over (withdrawn, done) is nothing to answer
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.contact_id == contact.id, OutboxMessage.need_id.in_(need_ids),
        OutboxMessage.kind != KIND, OutboxMessage.created_at > broadcast.created_at).limit(1)) is not None


def keep_reply(session: Session, broadcast: Broadcast, contact: Contact, name: str, text: str,
               now: datetime) -> BroadcastReply:
    reply = BroadcastReply(broadcast_id=broadcast.id, contact_id=contact.id, name=name[:64],
                           body=text[:MAX_REPLY_CHARS], received_at=now)
    session.add(reply)
    return reply
