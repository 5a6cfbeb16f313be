"""The budget: what Twilio bills, counted as it bills it, against daily and monthly limits.

Spend is kept per local day (HOTLINE_TIMEZONE) in `spend`: SMS segments of every text Twilio
took from the outbox, and of every reply given in TwiML to an inbound text; call minutes of
every call, rounded up per call, from its final status callback. A month is the sum of its days,
so erasure and retention, which remove messages, never lower what was spent.

At 80 % of a budget the coordinators are told once a period; at 100 % too. From 100 % on only
ESSENTIAL kinds go out; the rest waits, pending, in the outbox until the period ends or an admin
raises the budget for this period (`raise_budget`).
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..config import Settings
from ..db import insert_ignore, insert_or_add
from ..models import BudgetPeriod, OutboxMessage, Spend
from . import events
from .outbox import EXPIRED, PENDING, enqueue_after_commit

log = logging.getLogger(__name__)

SMS = "sms"  # counted in segments
CALL = "call"  # counted in minutes, rounded up per call
DAY = "day"
MONTH = "month"
MEASURES = (SMS, CALL)
SPANS = (DAY, MONTH)
WARN_PERCENT = 80
FULL_PERCENT = 100

# Kinds that go out whatever has been spent: what a claim says to the helper (the details and
# the words at the door that follow the winner text; a coordinator's assignment), the
# resident's "helper found", ride reminders, wellness check-ins (held back, one would send a
# neighbour to look in on someone who never got it), and the budget's own notices to coordinators.
# Replies in TwiML to someone's own text are never in the outbox, so never held.
ESSENTIAL = frozenset({"claimed", "details", "door", "assigned", "reminder", "checkin", "budget"})
# Kinds that are stale once their moment passes: held, they expire when the period ends rather
# than go out in the next one (an offer for a need the next waves have moved on from).
STALE_WHEN_HELD = frozenset({"offer", "taken", "bridge", "missed_call"})


def held_label(measure: str, span: str) -> str:
    return f"{measure}:{span}"


def configured(settings: Settings, measure: str, span: str) -> int:
    """The budget set in the environment (0: no limit)."""
    return {
        (SMS, DAY): settings.sms_daily_segment_budget,
        (SMS, MONTH): settings.sms_monthly_segment_budget,
        (CALL, DAY): settings.call_daily_minute_budget,
        (CALL, MONTH): settings.call_monthly_minute_budget,
    }[(measure, span)]


def any_budget(settings: Settings) -> bool:
    return any(configured(settings, m, s) > 0 for m in MEASURES for s in SPANS)


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def period(span: str, moment: datetime, zone: str) -> str:
    """The period a moment falls in: "2026-03-08" for a day, "2026-03" for a month."""
    day = local_day(moment, zone)
    return day.isoformat() if span == DAY else day.isoformat()[:7]


def period_start(span: str, moment: datetime, zone: str) -> datetime:
    """When the period of `moment` began: the last local midnight, or the first of the month (UTC)."""
    day = local_day(moment, zone)
    start = day if span == DAY else day.replace(day=1)
    return datetime.combine(start, time(0), ZoneInfo(zone)).astimezone(timezone.utc)


def period_end(span: str, moment: datetime, zone: str) -> datetime:
    """When the period of `moment` ends: the next local midnight, or the first of next month (UTC)."""
    day = local_day(moment, zone)
    if span == DAY:
        start = day + timedelta(days=1)
    else:
        start = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return datetime.combine(start, time(0), ZoneInfo(zone)).astimezone(timezone.utc)


def spent(session: Session, measure: str, span: str, moment: datetime, zone: str) -> int:
    """Units spent in the period of `moment`."""
    key = period(span, moment, zone)
    query = select(func.coalesce(func.sum(Spend.units), 0)).where(Spend.measure == measure)
    if span == DAY:
        query = query.where(Spend.day == key)
    else:
        # Days of the month sort between "YYYY-MM-" and "YYYY-MM-~".
        query = query.where(Spend.day >= f"{key}-", Spend.day < f"{key}-~")
    return int(session.scalar(query) or 0)


def _period_row(session: Session, measure: str, span: str, moment: datetime, zone: str) -> BudgetPeriod | None:
    return session.get(BudgetPeriod, (measure, span, period(span, moment, zone)))


def limit(session: Session, settings: Settings, measure: str, span: str, moment: datetime) -> int:
    """The budget in force for the period of `moment`: a raise for this period, else the configured one."""
    base = configured(settings, measure, span)
    if base <= 0:
        return 0
    row = _period_row(session, measure, span, moment, settings.hotline_timezone)
    return row.raised_to if row is not None and row.raised_to else base


@dataclass(frozen=True)
class Standing:
    """One budget in its current period, for the console and the checks."""

    measure: str
    span: str
    period: str
    spent: int
    limit: int  # 0: no limit
    configured: int
    raised_by: str | None
    ends_at: datetime

    @property
    def percent(self) -> int:
        return math.floor(self.spent * 100 / self.limit) if self.limit else 0

    @property
    def reached(self) -> bool:
        return self.limit > 0 and self.spent >= self.limit

    @property
    def warned(self) -> bool:
        return self.limit > 0 and self.spent * 100 >= self.limit * WARN_PERCENT


def standing(session: Session, settings: Settings, measure: str, span: str, now: datetime) -> Standing:
    zone = settings.hotline_timezone
    row = _period_row(session, measure, span, now, zone)
    return Standing(
        measure=measure, span=span, period=period(span, now, zone), spent=spent(session, measure, span, now, zone),
        limit=limit(session, settings, measure, span, now), configured=configured(settings, measure, span),
        raised_by=row.raised_by if row is not None and row.raised_to else None, ends_at=period_end(span, now, zone),
    )


def standings(session: Session, settings: Settings, now: datetime) -> list[Standing]:
    """Every budget (SMS then calls, day then month) in its current period."""
    return [standing(session, settings, m, s, now) for m in MEASURES for s in SPANS]


def blocking(session: Session, settings: Settings, measure: str, now: datetime) -> Standing | None:
    """The used-up budget that holds this measure back, the one that ends last; None if none."""
    if not any(configured(settings, measure, s) > 0 for s in SPANS):
        return None
    full = [s for s in (standing(session, settings, measure, span, now) for span in SPANS) if s.reached]
    return max(full, key=lambda s: s.ends_at) if full else None


def record(session: Session, settings: Settings, measure: str, units: int, now: datetime) -> None:
    """Add what was spent to today's count, and tell coordinators when a budget crosses 80 % or 100 %."""
    if units <= 0:
        return
    day = local_day(now, settings.hotline_timezone).isoformat()
    insert_or_add(session, Spend, {"day": day, "measure": measure}, {"units": units})
    for span in SPANS:
        if configured(settings, measure, span) > 0:
            _check(session, settings, measure, span, now)


def _check(session: Session, settings: Settings, measure: str, span: str, now: datetime) -> None:
    """Tell coordinators, once a period, that a budget passed 80 % or was used up."""
    current = standing(session, settings, measure, span, now)
    if not current.warned:
        return
    key = {"measure": measure, "span": span, "period": current.period}
    insert_ignore(session, BudgetPeriod, key, ["measure", "span", "period"])
    level, column = (FULL_PERCENT, BudgetPeriod.reached_at) if current.reached else (WARN_PERCENT, BudgetPeriod.warned_at)
    # A conditional UPDATE: two workers crossing at once tell coordinators once.
    first = session.execute(
        update(BudgetPeriod)
        .where(BudgetPeriod.measure == measure, BudgetPeriod.span == span, BudgetPeriod.period == current.period,
               column.is_(None))
        .values({column.key: now, **({"warned_at": func.coalesce(BudgetPeriod.warned_at, now)}
                                     if level == FULL_PERCENT else {})})
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if first:
        log.warning("budget: %s %s at %d%% (%d of %d)", measure, span, current.percent, current.spent, current.limit)
        events.publish(events.BUDGET_CROSSED, session, standing=current, level=level)


class BudgetError(ValueError):
    """A raise that cannot be made as asked; the message says why."""


def raise_budget(session: Session, settings: Settings, measure: str, span: str, value: int, now: datetime,
                 *, actor: str) -> tuple[int, list[int]]:
    """Raise a budget for the current period only; return the budget it had and the held rows let go."""
    if measure not in MEASURES or span not in SPANS:
        raise BudgetError("no such budget")
    if configured(settings, measure, span) <= 0:
        raise BudgetError("this budget has no limit")
    before = limit(session, settings, measure, span, now)
    if value <= before:
        raise BudgetError(f"a raise must be more than {before}")
    key = {"measure": measure, "span": span, "period": period(span, now, settings.hotline_timezone)}
    insert_ignore(session, BudgetPeriod, key, ["measure", "span", "period"])
    row = session.get(BudgetPeriod, tuple(key.values()), populate_existing=True, with_for_update=True)
    row.raised_to, row.raised_by, row.raised_at = value, actor[:254], now
    # A new budget: its own 80 % and 100 % are worth telling.
    row.warned_at = row.reached_at = None
    session.flush()
    return before, release(session, measure, now)


def release(session: Session, measure: str, now: datetime) -> list[int]:
    """Make rows held by this measure's budgets due now; delivery holds again what still may not go."""
    labels = [held_label(measure, span) for span in SPANS]
    ids = list(session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == PENDING, OutboxMessage.held_for.in_(labels),
                                       OutboxMessage.next_attempt_at > now)
    ))
    if ids:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(next_attempt_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    stamp = int(now.timestamp())
    for outbox_id in ids:
        enqueue_after_commit(session, "deliver", outbox_id, job_id=f"deliver-{outbox_id}-released-{stamp}")
    return ids


def minutes(seconds: int) -> int:
    """Minutes a call is billed for: each started minute counts."""
    return max(0, math.ceil(seconds / 60))


def held_counts(session: Session, since: datetime) -> dict[str, int]:
    """Rows waiting for a budget now, and rows held that expired since `since` (for the console)."""
    waiting = session.scalar(select(func.count()).where(
        OutboxMessage.status == PENDING, OutboxMessage.held_for.is_not(None))) or 0
    expired = session.scalar(select(func.count()).where(
        OutboxMessage.status == EXPIRED, OutboxMessage.held_for.is_not(None), OutboxMessage.updated_at >= since)) or 0
    return {"waiting": int(waiting), "expired": int(expired)}
