"""What the network did, in numbers anyone may see, with no figure about fewer than a few people.

The public page (`/open`, its JSON and CSV) and the STATS text read these, from the same tables
the console shows (needs, their history, rides, offers): there is no second bookkeeping, and an
erased resident's requests still count, pointing at nobody.

The small-number rule: a count of requests or people is shown only when it is 0 or at least
`min_count`. Weeks with a few requests are merged with the next (or, at the end, the previous)
until each period holds enough; categories and languages with a few are merged into one "others"
row, and when that row would itself be small, the smallest shown row joins it, so nothing hidden
can be worked out by subtracting shown rows from a total. A number helped is shown when it, and
the number not (yet) helped beside it, are both 0 or at least `min_count`; otherwise it reads
"fewer than 5" or "all but fewer than 5". Time to help is a median over at least `min_count`
requests. Dates are weeks (their Monday), never days.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import fund, needs, rides
from .models import CheckInRound, Need, NeedEvent, Offer, Ride

OTHERS = "others"  # the key of the merged row of small categories or languages

# How a helped count is shown when the exact number would point at a few people.
FEW = "few"  # fewer than min_count were helped
ALL_BUT_FEW = "all_but_few"  # fewer than min_count were not (yet) helped
# Hidden although not small itself: shown, it would let a small row be worked out from the total.
HIDDEN = "hidden"


@dataclass(frozen=True)
class Helped:
    """Requests received and helped in some slice, as they may be shown."""

    received: int | None  # None: fewer than min_count (only when the whole slice is that small)
    helped: int | None  # None: see `hidden`
    hidden: str = ""  # FEW, ALL_BUT_FEW or HIDDEN when `helped` is None and `received` is shown

    @property
    def share(self) -> float | None:
        """Helped over received, when both are shown."""
        if self.received and self.helped is not None:
            return self.helped / self.received
        return None


@dataclass(frozen=True)
class Period:
    """One or more weeks in a row, merged when one alone held too few requests."""

    start: date  # the Monday of its first week
    end: date  # the Monday of its last week
    counts: Helped
    # Median hours from request to a helper's claim, over the period's claimed requests (enough of them).
    hours_to_claim: float | None


@dataclass(frozen=True)
class Row:
    key: str  # a category or language code, or OTHERS
    counts: Helped
    merged: tuple[str, ...] = ()  # what an OTHERS row holds


@dataclass(frozen=True)
class Checkins:
    """Regular check-ins in the period: their people, how many were made and answered, the look-ins they led to."""

    people: int | None  # residents asked at least once; None: fewer than min_count
    made: int | None  # check-ins asked (texts and calls), shown when `people` is
    answered: int | None  # of those, answered; None when few answered, or few did not
    visits: int | None  # look-ins volunteers finished when nobody answered (or a 2 asked for one)
    visit_hours: float | None  # their hours from a volunteer's claim to DONE, each at most VISIT_HOURS

    @property
    def share(self) -> float | None:
        """Answered over made, when both are shown (read like `Helped.share`)."""
        if self.made and self.answered is not None:
            return self.answered / self.made
        return None


# A look-in counts at most this long: a claim made the evening before a morning visit is not hours of work.
# (The open records page says "at most 3 hours each".)
VISIT_HOURS = 3.0


@dataclass(frozen=True)
class Figures:
    min_count: int
    first_week: date
    last_week: date
    totals: Helped
    weeks: list[Period]
    categories: list[Row]
    languages: list[Row]
    hours_to_claim: float | None
    hours_to_done: float | None
    rides_given: int | None
    volunteers_active: int | None
    checkins: Checkins = Checkins(0, 0, 0, 0, 0.0)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Need:
    id: int
    category: str
    language: str
    status: str
    created_at: datetime


def shown_count(value: int, k: int) -> int | None:
    """A count as it may be shown: itself when 0 or at least k, else None (fewer than k)."""
    return value if value == 0 or value >= k else None


def helped_counts(received: int, helped: int, k: int) -> Helped:
    """The received and helped counts of one slice, each shown only where it points at nobody."""
    if shown_count(received, k) is None:
        return Helped(None, None, FEW)
    rest = received - helped
    if shown_count(helped, k) is None:
        return Helped(received, None, FEW)
    if shown_count(rest, k) is None:
        return Helped(received, None, ALL_BUT_FEW)
    return Helped(received, helped)


def helped_rows(raw: list[tuple[int, int]], k: int) -> list[Helped]:
    """Each row's counts as they may be shown, beside a total of all rows that is shown too.

    A row's helped count hidden as small could be worked out as the total minus the rows shown;
    so while the hidden rows together hold a few helped (or a few not helped), the smallest row
    still shown is hidden as well.
    """
    out = [helped_counts(received, helped, k) for received, helped in raw]
    while True:
        hidden = [i for i, c in enumerate(out) if c.helped is None]
        helped = sum(raw[i][1] for i in hidden)
        rest = sum(raw[i][0] - raw[i][1] for i in hidden)
        if shown_count(helped, k) is not None and shown_count(rest, k) is not None:
            return out
        shown = [i for i, c in enumerate(out) if c.helped is not None and raw[i][0]]
        if not shown:
            return out  # all hidden: what they hold together is the total, which shows itself or not
        smallest = min(shown, key=lambda i: (raw[i][0], i))
        out[smallest] = Helped(out[smallest].received, None, HIDDEN)


def merge_small(sizes: dict[str, int], k: int) -> tuple[list[str], list[str]]:
    """Split keys into those shown alone and those merged into one row, so the merged row is 0 or >= k.

    Keys with fewer than k go into the merged row; while it holds some but fewer than k, the
    smallest key shown alone joins it. When everything together is fewer than k, all are merged.
    """
    alone = [key for key, size in sizes.items() if size >= k]
    merged = [key for key, size in sizes.items() if 0 < size < k]
    while merged and sum(sizes[key] for key in merged) < k and alone:
        smallest = min(alone, key=lambda key: (sizes[key], key))
        alone.remove(smallest)
        merged.append(smallest)
    alone.sort(key=lambda key: (-sizes[key], key))
    return alone, merged


def week_of(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of the week a moment falls in, on the hotline's clock."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def week_start(monday: date, zone: ZoneInfo) -> datetime:
    """The moment a week begins on the hotline's clock."""
    return datetime.combine(monday, time(0), tzinfo=zone)


def _hours(later: datetime | None, earlier: datetime) -> float | None:
    if later is None:
        return None
    return max((later - earlier).total_seconds(), 0.0) / 3600


def _median(values: Iterable[float | None], k: int) -> float | None:
    present = [v for v in values if v is not None]
    return round(median(present), 1) if len(present) >= k and present else None


def collect(session: Session, *, zone: ZoneInfo, now: datetime, weeks: int, min_count: int) -> Figures:
    """Read the figures of the last `weeks` whole weeks, small numbers merged or hidden."""
    k = max(int(min_count), 1)
    # Whole weeks only: the one under way is small and changing (STATS tells it by text).
    last_week = week_of(now, zone) - timedelta(weeks=1)
    first_week = last_week - timedelta(weeks=max(weeks, 1) - 1)
    until = week_start(last_week + timedelta(weeks=1), zone)
    since = week_start(first_week, zone)
    rows = [_Need(*row) for row in session.execute(
        select(Need.id, Need.category, Need.language, Need.status, Need.created_at)
        .where(Need.created_at >= since, Need.created_at < until).order_by(Need.id))]
    ids = select(Need.id).where(Need.created_at >= since, Need.created_at < until).scalar_subquery()
    # The first claim and the first DONE of each request, from its history.
    first = {}
    for kind in (needs.CLAIMED, needs.DONE):
        first[kind] = dict(session.execute(
            select(NeedEvent.need_id, func.min(NeedEvent.at))
            .where(NeedEvent.kind == kind, NeedEvent.need_id.in_(ids)).group_by(NeedEvent.need_id)).all())
    claim_hours = {n.id: _hours(first[needs.CLAIMED].get(n.id), n.created_at) for n in rows}
    done_hours = {n.id: _hours(first[needs.DONE].get(n.id), n.created_at) for n in rows if n.status == needs.DONE}

    def raw(group: list[_Need]) -> tuple[int, int]:
        return len(group), sum(1 for n in group if n.status == needs.DONE)

    by_week: dict[date, list[_Need]] = {}
    for n in rows:
        by_week.setdefault(week_of(n.created_at, zone), []).append(n)
    mondays = [first_week + timedelta(weeks=i) for i in range((last_week - first_week).days // 7 + 1)]
    merged_weeks = _merge_weeks(mondays, by_week, k)
    periods = [
        Period(start, end, counts, _median((claim_hours[n.id] for n in group), k))
        for (start, end, group), counts in zip(merged_weeks, helped_rows([raw(g) for _, _, g in merged_weeks], k))
    ]

    def rows_by(attribute: str) -> list[Row]:
        groups: dict[str, list[_Need]] = {}
        for n in rows:
            groups.setdefault(getattr(n, attribute), []).append(n)
        alone, merged = merge_small({key: len(group) for key, group in groups.items()}, k)
        slices = [(key, groups[key], ()) for key in alone]
        if merged:
            slices.append((OTHERS, [n for key in merged for n in groups[key]], tuple(sorted(merged))))
        counts = helped_rows([raw(group) for _, group, _ in slices], k)
        return [Row(key, c, keys) for (key, _, keys), c in zip(slices, counts)]

    rides_given = session.scalar(
        select(func.count(Ride.id)).join(Need, Ride.need_id == Need.id)
        .where(Ride.status == rides.DONE, Need.created_at >= since, Need.created_at < until)) or 0
    volunteers_active = session.scalar(
        select(func.count(func.distinct(Offer.volunteer_id)))
        .where(Offer.claimed_at >= since, Offer.claimed_at < until)) or 0
    return Figures(
        min_count=k,
        first_week=first_week,
        last_week=last_week,
        totals=helped_counts(*raw(rows), k),
        weeks=periods,
        categories=rows_by("category"),
        languages=rows_by("language"),
        hours_to_claim=_median(claim_hours.values(), k),
        hours_to_done=_median(done_hours.values(), k),
        rides_given=shown_count(rides_given, k),
        volunteers_active=shown_count(volunteers_active, k),
        checkins=_checkins(session, since, until, first, k),
    )


def _checkins(session: Session, since: datetime, until: datetime, first: dict, k: int) -> Checkins:
    """The check-ins asked in the period, an erased resident's among them (grouped by their anonymous mark)."""
    asked = session.execute(
        select(CheckInRound.checkin_id, CheckInRound.erased_plan, CheckInRound.answered_at)
        .where(CheckInRound.due_at >= since, CheckInRound.due_at < until, CheckInRound.asked_at.is_not(None))).all()
    people = {(r.checkin_id, r.erased_plan) for r in asked}
    answered_by = {(r.checkin_id, r.erased_plan) for r in asked if r.answered_at is not None}
    missed_by = {(r.checkin_id, r.erased_plan) for r in asked if r.answered_at is None}
    answered = sum(1 for r in asked if r.answered_at is not None)
    if shown_count(len(people), k) is None:
        return Checkins(None, None, None, None, None)
    # Who answered and who did not are each a few people's doing when either group is small.
    shown_answered = answered if all(shown_count(len(group), k) is not None
                                     for group in (answered_by, missed_by)) else None
    visits = session.execute(
        select(Need.id, Need.contact_id)
        .where(Need.category == "checkin", Need.status == needs.DONE,
               Need.created_at >= since, Need.created_at < until)).all()
    visited = {v.contact_id for v in visits}
    if shown_count(len(visited), k) is None:
        return Checkins(len(people), len(asked), shown_answered, None, None)
    hours = 0.0
    for visit in visits:
        claimed, done = first[needs.CLAIMED].get(visit.id), first[needs.DONE].get(visit.id)
        if claimed is not None and done is not None:
            hours += min(_hours(done, claimed) or 0.0, VISIT_HOURS)
    return Checkins(len(people), len(asked), shown_answered, len(visits), round(hours, 1))


def _merge_weeks(mondays: list[date], by_week: dict[date, list[_Need]], k: int):
    """Group consecutive weeks so each group holds 0 or at least k requests (all one group if fewer in all)."""
    groups: list[tuple[date, date, list[_Need]]] = []
    pending: tuple[date, list[_Need]] | None = None
    for monday in mondays:
        group = by_week.get(monday, [])
        if pending is not None:
            start, held = pending
            held = held + group
            if len(held) >= k:
                groups.append((start, monday, held))
                pending = None
            else:
                pending = (start, held)
            continue
        if 0 < len(group) < k:
            pending = (monday, group)
        else:
            groups.append((monday, monday, group))
    if pending is not None:
        start, held = pending
        # The last few join the period before them (skipping empty weeks), or stand alone, hidden.
        while groups and not groups[-1][2]:
            groups.pop()
        if groups:
            before_start, _, before = groups.pop()
            groups.append((before_start, mondays[-1], before + held))
        else:
            groups.append((start, mondays[-1], held))
    # Empty weeks dropped while merging the last few are part of that period: re-add the rest as empty weeks.
    covered = {monday for start, end, _ in groups for monday in mondays if start <= monday <= end}
    for monday in mondays:
        if monday not in covered:
            groups.append((monday, monday, []))
    groups.sort(key=lambda g: g[0])
    return groups


def this_week_and_month(session: Session, *, zone: ZoneInfo, now: datetime, min_count: int) -> tuple[Helped, Helped]:
    """This week's and this month's requests received and helped, for the STATS text."""
    k = max(int(min_count), 1)
    local = now.astimezone(zone)
    week = week_start(week_of(now, zone), zone)
    month = datetime.combine(local.date().replace(day=1), time(0), tzinfo=zone)
    raw = []
    for since in (week, month):
        received, helped = session.execute(
            select(func.count(Need.id), func.count(Need.id).filter(Need.status == needs.DONE))
            .where(Need.created_at >= since)).one()
        raw.append((received or 0, helped or 0))
    (week_received, week_helped), (month_received, month_helped) = raw
    if week > month:
        # The month less the week is a figure too: the days of this month before this week.
        earlier = (month_received - week_received, month_helped - week_helped,
                   (month_received - month_helped) - (week_received - week_helped))
        if any(shown_count(value, k) is None for value in earlier):
            return Helped(None, None, HIDDEN), helped_counts(month_received, month_helped, k)
    return helped_counts(week_received, week_helped, k), helped_counts(month_received, month_helped, k)


# -- the emergency fund ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FundMonth:
    month: date  # its first day
    money_in: int  # minor units
    money_out: int


@dataclass(frozen=True)
class FundCategory:
    key: str  # a category of the requests paid, or OTHERS
    money_out: int
    merged: tuple[str, ...] = ()


@dataclass(frozen=True)
class FundLine:
    """One counted entry as anyone may read it: no request, no resident, a donor only by their leave."""

    entry: int
    day: date  # money in: its day; money out (and its reversal): the Monday of its week
    direction: str
    kind: str  # the source of money in, the method of money out
    category: str  # money out: the category of the request it paid (OTHERS when few households share it)
    signed_cents: int  # in +, out -, a reversal the opposite of its entry
    note: str
    donor: str
    reverses: int | None


@dataclass(frozen=True)
class FundFigures:
    currency: str
    min_count: int
    money_in: int
    money_out: int
    months: list[FundMonth]
    categories: list[FundCategory]
    households: int | None  # distinct households paid; None: fewer than min_count
    lines: list[FundLine]

    @property
    def balance(self) -> int:
        return self.money_in - self.money_out


def fund_figures(session: Session, *, currency: str, min_count: int) -> FundFigures:
    """The fund's public figures, from the same ledger lines as the console's Fund page.

    Counted entries only (a disbursement waiting for its second approval is in none); a reversal
    cancels its entry, so a reversed pair is in no month, category or household count. A category
    paid to fewer than min_count households is merged with others, as requests are.
    """
    k = max(int(min_count), 1)
    found = fund.lines(session)
    totals = fund.totals(found)
    standing = fund.standing(found)
    months: dict[date, list[int]] = {}
    households_by: dict[str, set] = {}
    out_by: dict[str, int] = {}
    paid = set()
    for line in standing:
        entry = line.entry
        sums = months.setdefault(entry.on_date.replace(day=1), [0, 0])
        if entry.direction == fund.IN:
            sums[0] += entry.amount_cents
            continue
        sums[1] += entry.amount_cents
        category = entry.need.category if entry.need is not None else "other"
        key = fund.household(entry)
        households_by.setdefault(category, set()).add(key)
        out_by[category] = out_by.get(category, 0) + entry.amount_cents
        paid.add(key)
    alone, merged = merge_small({key: len(keys) for key, keys in households_by.items()}, k)
    categories = [FundCategory(key, out_by[key]) for key in alone]
    if merged:
        categories.append(FundCategory(OTHERS, sum(out_by[key] for key in merged), tuple(sorted(merged))))
    shown_as = {key: key for key in alone} | {key: OTHERS for key in merged}
    public = []
    for line in found:
        if line.state != fund.COUNTED:
            continue
        entry, original = line.entry, line.original
        day = entry.on_date
        category = ""
        if entry.direction == fund.OUT:
            day = day - timedelta(days=day.weekday())
            need_category = original.need.category if original.need is not None else "other"
            # A reversed pair is in no category's count: its category reads as the merged row's unless shown alone.
            category = shown_as.get(need_category, OTHERS)
        public.append(FundLine(
            entry=entry.id, day=day, direction=entry.direction,
            kind=(original.source if entry.direction == fund.IN else original.method) or "",
            category=category, signed_cents=line.signed_cents,
            note=original.note if entry.direction == fund.IN and not entry.reverses_id else "",
            donor=(original.donor_name or "") if entry.direction == fund.IN and not entry.reverses_id else "",
            reverses=entry.reverses_id))
    return FundFigures(
        currency=currency, min_count=k, money_in=totals.money_in, money_out=totals.money_out,
        months=[FundMonth(month, *months[month]) for month in sorted(months)],
        categories=categories, households=shown_count(len(paid), k), lines=public)
