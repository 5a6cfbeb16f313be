"""The emergency fund's ledger: money in, money out to pay a request, and reversals, never edited.

An entry is never changed or removed (the database refuses it); a mistake is undone by a reversing
entry that names it and says why, and the pair cancels in every sum. A disbursement above
FUND_SECOND_APPROVAL_ABOVE counts only once a second account, not the one who entered it,
approves it: approval is the one change the database lets an entry take. When a disbursement
counts, the resident it pays is told by text, in their language, how and when. Each step is in
the audit log. The console's Fund page and the open records both read `lines()`, so their totals
are the same to the cent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from . import audit, times
from .config import Settings
from .i18n import NP_, Translator
from .models import Contact, FundEntry, Need, OutboxMessage, User
from .outbound.notify import notify
from .sms import clean

IN = "in"
OUT = "out"
SOURCES = ("donation", "grant", "event", "other")
METHODS = ("cash", "check", "bank_transfer", "mobile_payment", "gift_card")
# The contact erased residents' requests are tied to (hotline.privacy.erase.ERASED): nobody to text,
# and each of its paid requests counts as a household of its own.
ERASED_CONTACT = "erased"

# The state of a line of the ledger.
COUNTED = "counted"  # in every balance and figure
PENDING = "pending"  # a disbursement waiting for a second approval: in no sum yet
VOID = "void"  # a pending disbursement reversed before approval, or that reversal: in no sum

MAX_CENTS = 10_000_000_00
NOTE_LIMIT = 300
NAME_LIMIT = 120
REASON_LIMIT = 500
AMOUNT = re.compile(r"^(\d{1,10})(?:[.,](\d{1,2}))?$")

# How the money reached the resident, as their text says it ("The hotline sent you $150 by check ...").
HOW = {
    "cash": NP_("fund method", "in cash"),
    "check": NP_("fund method", "by check"),
    "bank_transfer": NP_("fund method", "by bank transfer"),
    "mobile_payment": NP_("fund method", "by mobile payment"),
    "gift_card": NP_("fund method", "as a gift card"),
}


class FundError(ValueError):
    """An entry cannot be made or approved as asked; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# -- amounts ---------------------------------------------------------------------------------------

def precision(currency: str) -> int:
    """How many digits the currency has after the decimal mark (2 for USD, 0 for JPY)."""
    return get_currency_precision(currency)


def parse_amount(raw: str | None, currency: str) -> int:
    """An amount typed in the currency's units ("150", "150.5", "1234,56") as whole minor units."""
    text = (raw or "").strip().replace(" ", "")
    match = AMOUNT.match(text) if text.isascii() else None
    if match is None:
        raise FundError("amount")
    digits = precision(currency)
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > digits:
        raise FundError("amount")
    cents = int(whole) * 10 ** digits + (int(fraction.ljust(digits, "0")) if digits else 0)
    if not 0 < cents <= MAX_CENTS:
        raise FundError("amount")
    return cents


def units(cents: int, currency: str) -> Decimal:
    """Minor units as the currency's units, exactly."""
    return Decimal(cents).scaleb(-precision(currency))


def money(cents: int, currency: str, locale: str) -> str:
    """An amount as the reader writes it ("$150.00", "150,00 US$"), without no-break spaces."""
    text = format_currency(units(cents, currency), currency, locale=locale)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def threshold_cents(settings: Settings) -> int:
    """Disbursements above this many minor units need a second approval."""
    return int((Decimal(str(settings.fund_second_approval_above)) * 10 ** precision(settings.fund_currency))
               .to_integral_value())


# -- the ledger as read ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One entry and where it stands."""

    entry: FundEntry
    state: str  # COUNTED, PENDING or VOID
    reversed: bool  # cancelled by a later reversal (counted pairs net to nothing)

    @property
    def original(self) -> FundEntry:
        """The entry this line is about: itself, or the one it reverses."""
        return self.entry.reverses or self.entry

    @property
    def signed_cents(self) -> int:
        """What this line adds to the balance: in is +, out is -, a reversal the opposite of its entry."""
        if self.state != COUNTED:
            return 0
        sign = 1 if self.entry.direction == IN else -1
        return -sign * self.entry.amount_cents if self.entry.reverses_id else sign * self.entry.amount_cents


def lines(session: Session, need_id: int | None = None) -> list[Line]:
    """Every entry (or those paying one request, with their reversals), oldest first, with its state."""
    query = select(FundEntry).order_by(FundEntry.id).options(selectinload(FundEntry.need).selectinload(Need.contact))
    if need_id is not None:
        query = query.where(FundEntry.need_id == need_id)
    entries = session.scalars(query).all()
    by_id = {e.id: e for e in entries}
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    out = []
    for entry in entries:
        if entry.reverses_id:
            # Set from the rows in hand, so reading the pair costs no statement more.
            original = by_id[entry.reverses_id]
            pending = original.needs_approval and original.approved_at is None
            state = VOID if pending else COUNTED
        elif entry.needs_approval and entry.approved_at is None:
            state = VOID if entry.id in reversed_ids else PENDING
        else:
            state = COUNTED
        out.append(Line(entry, state, entry.id in reversed_ids))
    return out


@dataclass(frozen=True)
class Totals:
    money_in: int  # minor units, counted entries net of their reversals
    money_out: int
    pending_out: int  # disbursements waiting for a second approval
    pending: int  # how many

    @property
    def balance(self) -> int:
        return self.money_in - self.money_out


def totals(found: list[Line]) -> Totals:
    money_in = sum(line.signed_cents for line in found if line.entry.direction == IN)
    money_out = -sum(line.signed_cents for line in found if line.entry.direction == OUT)
    pending = [line for line in found if line.state == PENDING]
    return Totals(money_in, money_out, sum(line.entry.amount_cents for line in pending), len(pending))


def standing(found: list[Line]) -> list[Line]:
    """The counted entries that no reversal cancels: what the figures are made of."""
    return [line for line in found if line.state == COUNTED and not line.reversed and not line.entry.reverses_id]


def household(entry: FundEntry) -> tuple[str, int] | None:
    """Who a disbursement paid, as a key to count distinct households: the resident, or (erased) their mark."""
    need = entry.need
    if need is None:
        return None
    if need.erased_household:
        return ("erased", need.erased_household)
    if need.contact is not None and need.contact.phone == ERASED_CONTACT:
        return ("request", need.id)  # erased before requests kept a mark
    return ("resident", need.contact_id)


# -- entering, approving, reversing ----------------------------------------------------------------

def _check_date(on_date: date, today: date) -> None:
    if on_date > today:
        raise FundError("future")


def money_in(session: Session, settings: Settings, *, amount_cents: int, on_date: date, source: str, note: str,
             donor_name: str, donor_agreed: bool, by: User, today: date, now: datetime, address: str = "") -> FundEntry:
    """Record money received; the donor's name is kept only when they agreed to it being public."""
    if source not in SOURCES:
        raise FundError("source")
    _check_date(on_date, today)
    name = clean(donor_name, limit=NAME_LIMIT)
    if name and not donor_agreed:
        raise FundError("donor_not_agreed")
    entry = FundEntry(direction=IN, amount_cents=amount_cents, currency=settings.fund_currency, on_date=on_date,
                      source=source, note=clean(note, limit=NOTE_LIMIT), donor_name=name or None,
                      entered_by_id=by.id, entered_by=by.email, entered_at=now, needs_approval=False, reason="")
    session.add(entry)
    session.flush()
    audit.record(session, by.email, "fund_in", f"fund entry {entry.id}", user_id=by.id, address=address, at=now,
                 after={"amount_cents": amount_cents, "currency": entry.currency, "on_date": on_date.isoformat(),
                        "source": source, "note": entry.note, "donor_named": bool(name)})
    return entry


def money_out(session: Session, settings: Settings, *, amount_cents: int, on_date: date, method: str, need: Need,
              by: User, today: date, now: datetime, address: str = "") -> tuple[FundEntry, OutboxMessage | None]:
    """Record a disbursement for a request; below the threshold it counts (and the resident is told) at once."""
    if method not in METHODS:
        raise FundError("method")
    _check_date(on_date, today)
    entry = FundEntry(direction=OUT, amount_cents=amount_cents, currency=settings.fund_currency, on_date=on_date,
                      method=method, note="", need_id=need.id, need=need, entered_by_id=by.id, entered_by=by.email,
                      entered_at=now, needs_approval=amount_cents > threshold_cents(settings), reason="")
    session.add(entry)
    session.flush()
    audit.record(session, by.email, "fund_out", f"fund entry {entry.id}", user_id=by.id, address=address, at=now,
                 after={"amount_cents": amount_cents, "currency": entry.currency, "on_date": on_date.isoformat(),
                        "method": method, "request": need.ref, "needs_approval": entry.needs_approval})
    told = None if entry.needs_approval else tell_resident(session, settings, entry)
    return entry, told


def approve(session: Session, settings: Settings, entry: FundEntry, *, by: User, now: datetime,
            address: str = "") -> OutboxMessage | None:
    """A second account approves a pending disbursement: it counts from now, and the resident is told."""
    entry = _locked(session, entry.id)
    if entry.direction != OUT or not entry.needs_approval or entry.reverses_id:
        raise FundError("not_pending")
    if entry.approved_at is not None:
        raise FundError("already_approved")
    if _reversal_of(session, entry.id) is not None:
        raise FundError("reversed")
    if entry.entered_by_id == by.id:
        raise FundError("own_entry")
    # Conditional, so two coordinators approving at once approve it once (the second finds it done).
    done = session.execute(update(FundEntry).where(FundEntry.id == entry.id, FundEntry.approved_at.is_(None)).values(
        approved_by_id=by.id, approved_by=by.email, approved_at=now).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise FundError("already_approved")
    session.refresh(entry)
    audit.record(session, by.email, "fund_approve", f"fund entry {entry.id}", user_id=by.id, address=address, at=now,
                 before={"approved": False}, after={"approved": True, "amount_cents": entry.amount_cents,
                                                    "entered_by": entry.entered_by})
    return tell_resident(session, settings, entry)


def _locked(session: Session, entry_id: int) -> FundEntry:
    """The entry, its row locked until the transaction ends (a lock is no change: no trigger refuses it)."""
    return session.scalars(select(FundEntry).where(FundEntry.id == entry_id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def _reversal_of(session: Session, entry_id: int) -> int | None:
    return session.scalar(select(FundEntry.id).where(FundEntry.reverses_id == entry_id))


def reverse(session: Session, entry: FundEntry, *, reason: str, by: User, today: date, now: datetime,
            address: str = "") -> FundEntry:
    """Cancel an entry with a new one that names it and says why; it cancels in every sum."""
    entry = _locked(session, entry.id)
    if entry.reverses_id:
        raise FundError("reversal")
    if _reversal_of(session, entry.id) is not None:
        raise FundError("reversed")
    why = clean(reason, limit=REASON_LIMIT)
    if not why:
        raise FundError("reason")
    undo = FundEntry(direction=entry.direction, amount_cents=entry.amount_cents, currency=entry.currency,
                     on_date=today, source=entry.source, method=entry.method, note="", need_id=entry.need_id,
                     reverses_id=entry.id, reverses=entry, reason=why, entered_by_id=by.id, entered_by=by.email,
                     entered_at=now, needs_approval=False)
    session.add(undo)
    session.flush()
    audit.record(session, by.email, "fund_reverse", f"fund entry {entry.id}", user_id=by.id, address=address, at=now,
                 after={"reversal": undo.id, "amount_cents": entry.amount_cents, "reason": why})
    return undo


def find(session: Session, entry_id: int) -> FundEntry | None:
    return session.get(FundEntry, entry_id)


# -- telling the resident --------------------------------------------------------------------------

def paid_text(t: Translator, entry: FundEntry, ref: str) -> str:
    """The text telling a resident how and when the fund paid them, in their language."""
    how = t.marked(HOW[entry.method])
    # A day on no clock: noon keeps it the same day whatever the zone.
    day = times.format_for(datetime.combine(entry.on_date, time(12), tzinfo=timezone.utc), t.code, None, times.DATE)
    return t._("The hotline sent you %(amount)s %(how)s on %(day)s for your request %(ref)s.",
               amount=money(entry.amount_cents, entry.currency, t.babel_locale), how=how, day=day, ref=ref)


def tell_resident(session: Session, settings: Settings, entry: FundEntry) -> OutboxMessage | None:
    """Text the resident whose request the disbursement pays; nobody when they opted out or were erased."""
    need = entry.need or (session.get(Need, entry.need_id) if entry.need_id else None)
    contact: Contact | None = need.contact if need is not None else None
    if contact is None or contact.phone == ERASED_CONTACT or contact.opted_out:
        return None
    t = Translator(contact.language or settings.default_language, settings.locales_dir)
    return notify(session, contact, paid_text(t, entry, need.ref), kind="fund_paid", need_id=need.id)
