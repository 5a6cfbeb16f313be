"""The hotline's metrics in Prometheus' text format, read from the database and Redis when scraped.

Nothing is counted in a process's memory: every gunicorn worker and every `hotline worker`
writes the same database, so any process answers a scrape with the same, whole numbers. Counters
are counts of what the database keeps; retention and erasure remove rows, which Prometheus
reads as a counter reset (rate() and increase() handle it).

Written by hand rather than with prometheus_client: its point is counting in process memory
(with a multiprocess mode for gunicorn), which is exactly what is not wanted here; the text
format for a few gauges, counters and one histogram is the small function `render`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import needs
from ..background.liveness import workers
from ..models import InboundMessage, Need, NeedEvent, Offer, OutboxMessage
from ..outbound import budget, outbox
from ..outbound.backlog import backlog
from ..services import Hotline

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds from a message being free to go (queued, or its send_after) to Twilio taking it.
LATENCY_BUCKETS = (1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)
OUTBOX_STATUSES = (outbox.PENDING, outbox.SUBMITTING, outbox.UNKNOWN, outbox.QUEUED, outbox.SENDING, outbox.SENT,
                   outbox.DELIVERED, outbox.FAILED, outbox.UNDELIVERED, outbox.EXPIRED, outbox.SKIPPED)
NEED_STATUSES = (needs.OPEN, needs.OFFERED, needs.CLAIMED, needs.DONE, needs.WITHDRAWN, needs.UNMET)
# A call's first webhook is its turn 0 (hotline.voice.calls keeps each turn as "<CallSid>:<turn>").
FIRST_TURN = "%:0"


@dataclass
class Family:
    """One metric: its name, type, help line and samples (suffix, labels, value)."""

    name: str
    kind: str  # counter, gauge, histogram
    help: str
    samples: list[tuple[str, dict[str, str], float]] = field(default_factory=list)

    def add(self, value: float, suffix: str = "", **labels: str) -> "Family":
        self.samples.append((suffix, labels, value))
        return self


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def render(families: list[Family]) -> str:
    """The families in Prometheus' text exposition format (version 0.0.4)."""
    lines = []
    for family in families:
        lines.append(f"# HELP {family.name} {family.help}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for suffix, labels, value in family.samples:
            tags = ",".join(f'{key}="{_escape(str(text))}"' for key, text in labels.items())
            lines.append(f"{family.name}{suffix}{{{tags}}} {_number(value)}" if tags else
                         f"{family.name}{suffix} {_number(value)}")
    return "\n".join(lines) + "\n"


def _seconds_between(session: Session, later, earlier):
    """An SQL expression for the seconds between two timestamp columns, on either database."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def traffic(session: Session) -> list[Family]:
    """Texts and calls received, and replies given."""
    sms = session.scalar(select(func.count()).where(InboundMessage.channel == "sms")) or 0
    calls = session.scalar(select(func.count()).where(InboundMessage.channel == "voice",
                                                      InboundMessage.message_sid.like(FIRST_TURN))) or 0
    twiml = session.scalar(select(func.count()).where(InboundMessage.channel == "sms", InboundMessage.reply.is_not(None),
                                                      InboundMessage.reply != "")) or 0
    queued = session.scalar(select(func.count()).where(OutboxMessage.reply.is_(True))) or 0
    return [
        Family("hotline_inbound_total", "counter", "Texts and calls received, by channel.")
        .add(sms, channel="sms").add(calls, channel="voice"),
        Family("hotline_replies_total", "counter",
               "Replies to someone who wrote in: in the webhook's answer (twiml) or queued in the outbox.")
        .add(twiml, via="twiml").add(queued, via="outbox"),
    ]


def delivery(session: Session, now: datetime) -> list[Family]:
    """The outbox by status, how long sending took, and the backlog."""
    by_status = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    rows = Family("hotline_outbox_messages", "gauge", "Outbox rows (texts, calls, recording deletions) by status.")
    for status in OUTBOX_STATUSES + tuple(sorted(set(by_status) - set(OUTBOX_STATUSES))):
        rows.add(by_status.get(status, 0), status=status)

    waited = _seconds_between(session, OutboxMessage.sent_at,
                              func.coalesce(OutboxMessage.send_after, OutboxMessage.created_at))
    sent = (OutboxMessage.sent_at.is_not(None), OutboxMessage.channel != outbox.DELETE_CHANNEL)
    columns = [func.sum(case((waited <= bound, 1), else_=0)) for bound in LATENCY_BUCKETS]
    result = session.execute(select(func.count(), func.coalesce(func.sum(waited), 0), *columns).where(*sent)).one()
    count, total, buckets = result[0] or 0, float(result[1] or 0), [value or 0 for value in result[2:]]
    latency = Family("hotline_send_latency_seconds", "histogram",
                     "Seconds from a message being free to go (queued, or its send_after) to Twilio taking it.")
    for bound, within in zip(LATENCY_BUCKETS, buckets):
        latency.add(within, "_bucket", le=_number(bound))
    latency.add(count, "_bucket", le="+Inf").add(max(0.0, total), "_sum").add(count, "_count")

    found = backlog(session, now)
    return [
        rows, latency,
        Family("hotline_backlog_messages", "gauge", "Messages due now that no worker has tried yet.").add(found.due),
        Family("hotline_backlog_age_seconds", "gauge", "How long the oldest of them has been free to go.")
        .add(found.oldest_seconds),
    ]


def dispatch(session: Session) -> list[Family]:
    """Offers made and claimed, needs escalated to coordinators, needs by status."""
    made = session.scalar(select(func.count()).select_from(Offer)) or 0
    claimed = session.scalar(select(func.count()).where(Offer.claimed_at.is_not(None))) or 0
    unmet = session.scalar(select(func.count()).where(NeedEvent.kind == needs.UNMET)) or 0
    by_status = dict(session.execute(select(Need.status, func.count()).group_by(Need.status)).all())
    current = Family("hotline_needs", "gauge", "Requests by status.")
    for status in NEED_STATUSES + tuple(sorted(set(by_status) - set(NEED_STATUSES))):
        current.add(by_status.get(status, 0), status=status)
    return [
        Family("hotline_offers_made_total", "counter", "Requests offered to a volunteer (one per volunteer asked).")
        .add(made),
        Family("hotline_offers_claimed_total", "counter", "Offers a volunteer claimed.").add(claimed),
        Family("hotline_needs_escalated_total", "counter",
               "Times a request found no volunteer and went to the coordinators (unmet).").add(unmet),
        current,
    ]


def spending(session: Session, hotline: Hotline, now: datetime) -> list[Family]:
    """What the budgets have used in their current period, and their limits."""
    used = Family("hotline_budget_used", "gauge",
                  "SMS segments and call minutes used in the current day and month (HOTLINE_TIMEZONE).")
    limit = Family("hotline_budget_limit", "gauge", "The budget in force for that period (0: no limit).")
    for standing in budget.standings(session, hotline.settings, now):
        used.add(standing.spent, measure=standing.measure, span=standing.span)
        limit.add(standing.limit, measure=standing.measure, span=standing.span)
    return [used, limit]


def queue(hotline: Hotline, now: datetime) -> list[Family]:
    """Jobs waiting on the queue, scheduled for later, running and failed; live workers with Redis."""
    jobs = Family("hotline_queue_jobs", "gauge", "Jobs on the queue by state (queued: due now; scheduled: later).")
    families = [jobs]
    rq = getattr(hotline.queue, "rq", None)
    if rq is not None:
        try:
            jobs.add(rq.count, state="queued")
            jobs.add(rq.scheduled_job_registry.get_job_count(cleanup=False), state="scheduled")
            jobs.add(rq.started_job_registry.get_job_count(cleanup=False), state="started")
            jobs.add(rq.failed_job_registry.get_job_count(cleanup=False), state="failed")
            families.append(Family("hotline_workers", "gauge", "Live `hotline worker` processes.")
                            .add(len(workers(hotline.redis, now))))
        except Exception:  # noqa: BLE001 - Redis down: the rest of the metrics still answer
            families.append(Family("hotline_redis_up", "gauge", "Whether Redis answered this scrape.").add(0))
            return families
        families.append(Family("hotline_redis_up", "gauge", "Whether Redis answered this scrape.").add(1))
    elif hasattr(hotline.queue, "pending"):
        waiting = hotline.queue.pending()
        due = sum(1 for when, _name, _args in waiting if when <= now)
        jobs.add(due, state="queued").add(len(waiting) - due, state="scheduled")
    return families


def collect(session: Session, hotline: Hotline, now: datetime) -> list[Family]:
    """Every metric, read now."""
    return traffic(session) + delivery(session, now) + dispatch(session) + spending(session, hotline, now) \
        + queue(hotline, now)


def exposition(session: Session, hotline: Hotline, now: datetime) -> str:
    """The page a Prometheus scrape gets."""
    return render(collect(session, hotline, now))
