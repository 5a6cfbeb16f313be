"""Waves: offering a need to a few volunteers at a time, looking wider as waves go, escalating
to coordinators when nobody is left, and moving on at once when an offer cannot be delivered."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, contains_eager, lazyload

from .. import areas, coordinators, matching, needs, offers, rides
from ..clock import now as utcnow
from ..config import Settings
from ..db import Database
from ..models import Contact, Need, NeedEvent, Offer, OutboxMessage, Recording, Volunteer
from ..outbound.notify import RESIDENT_KINDS, notify, wants_calls
from ..phones import mask
from ..outbound.outbox import enqueue_after_commit, enqueue_now, queue_sms
from ..volunteers import CATEGORY_SKILLS, WHEELCHAIR
from . import copy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WavePlan:
    widen_area: bool
    any_language: bool


def plan(wave: int) -> WavePlan:
    """Wave 1 asks nearby speakers of the resident's language; later waves look wider."""
    return WavePlan(widen_area=wave >= 2, any_language=wave >= 3)


def criteria_for(session: Session, settings: Settings, need: Need, wave: int, now: datetime,
                 area: areas.NeedArea | None = None) -> matching.Criteria:
    if area is None:
        area = areas.for_location(session, need.location)
    step = plan(wave)
    if not area.exact:
        area_keys = None  # nowhere given: anyone may help
    else:
        area_keys = area.wide if step.widen_area else area.exact
    return matching.Criteria(
        skills=CATEGORY_SKILLS.get(need.category, ("errands",)),
        areas=area_keys,
        language=None if step.any_language else need.language,
        at=need_time(need) or now,
        now=now,
        timezone=settings.hotline_timezone,
        urgent=need.urgent,
        wheelchair=needs_wheelchair(need),
        need_id=need.id,
        exclude_contact_id=need.contact_id,
    )


def need_time(need: Need) -> datetime | None:
    """When the help is needed, if the need says (a ride's pickup time); else now."""
    ride = rides.for_need(need)
    return rides.pickup_utc(ride) if ride is not None else None


def needs_wheelchair(need: Need) -> bool:
    ride = rides.for_need(need)
    return ride is not None and WHEELCHAIR in (ride.mobility or [])


def start(session: Session, settings: Settings, need: Need, now: datetime, *, tell_resident: bool = True) -> int:
    """Send the first wave of offers for a need; return how many went out."""
    recorded = needs.recording_ids(f"{need.details} {need.location}")
    if recorded:
        # Answers kept as recordings (no speech recognition in the caller's language): a volunteer
        # could not read them, so a coordinator listens first and sends the need on.
        hand_to_coordinators(session, settings, need, recorded, now)
        return 0
    need.wave = 0
    return next_wave(session, settings, need, now, tell_resident=tell_resident)


def begin(session: Session, settings: Settings, need: Need, now: datetime) -> bool:
    """Start looking for help with a need being confirmed, without matching anyone here; tell
    whether volunteers are being looked for.

    The waves run in the `dispatch_start` job once this transaction commits, so the resident's
    reply never waits on them and their conversation is not held while volunteers are matched.
    One look with the widest wave's criteria, quiet hours aside, says now what the waves will
    find: someone (offers, or a try once the quiet hours end) or nobody (the coordinators are
    told at once, as after the last empty wave).
    """
    recorded = needs.recording_ids(f"{need.details} {need.location}")
    if recorded:
        hand_to_coordinators(session, settings, need, recorded, now)
        return False
    need.wave = 0
    if not anyone_could_help(session, settings, need, now):
        need.wave = settings.max_waves
        escalate(session, settings, need, now, tell_resident=False)
        return False
    # Due now: if the job were lost, the dispatch sweep runs this first wave instead.
    need.next_wave_at = now
    session.info.setdefault(_FIRST_WAVES, []).append((need.id, settings))
    return True


_FIRST_WAVES = "hotline_first_waves"
# The need's event when its resident was told everyone who could help is resting (their quiet hours).
RESTING = "resting"


@event.listens_for(Session, "after_commit")
def _first_waves_committed(session: Session) -> None:
    """Queue the first waves of the needs this transaction confirmed; where the queue cannot take
    them (Redis down), send them here at once rather than leave them to the sweep."""
    for need_id, settings in session.info.pop(_FIRST_WAVES, ()):
        if enqueue_now("dispatch_start", need_id, job_id=f"wave-{need_id}-0"):
            continue
        try:
            with Session(session.get_bind(), expire_on_commit=False) as own, own.begin():
                first_wave(own, settings, need_id, utcnow())
        except Exception:  # noqa: BLE001 - the request is saved and its wave due: the dispatch sweep sends it
            log.exception("need %s: first wave failed here; the dispatch sweep will send it", need_id)


@event.listens_for(Session, "after_rollback")
def _first_waves_rolled_back(session: Session) -> None:
    session.info.pop(_FIRST_WAVES, None)


def first_wave(session: Session, settings: Settings, need_id: int, now: datetime) -> bool:
    """Send the first wave of offers for a need `begin` started, unless it already went."""
    return wave_due(session, settings, need_id, 0, now)


def _ride_legs(settings: Settings, ride, now: datetime):
    """The needs of a booked ride and of its ride back, each marked urgent when its pickup is near."""
    for each in (ride, ride.return_ride):
        if each is None:
            continue
        pickup = rides.pickup_utc(each)
        if pickup is not None and pickup - now <= timedelta(hours=settings.ride_urgent_hours):
            each.need.urgent = True
        yield each.need


def begin_ride(session: Session, settings: Settings, ride, now: datetime) -> bool:
    """Start looking for drivers for a booked ride (and its ride back); tell whether drivers are being asked."""
    looking = True
    for need in _ride_legs(settings, ride, now):
        looking = begin(session, settings, need, now) and looking
    return looking


def start_ride(session: Session, settings: Settings, ride, now: datetime) -> bool:
    """Offer a booked ride (and its ride back) to drivers; tell whether drivers are being asked."""
    looking = True
    for need in _ride_legs(settings, ride, now):
        offered = start(session, settings, need, now, tell_resident=False)
        looking = looking and bool(offered or need.next_wave_at is not None)
    return looking


@dataclass(frozen=True)
class Choice:
    """Who the next wave asks, found before anything is written: `volunteers` in wave `wave`, or
    nobody after the last wave (then `asleep` tells whether only quiet hours kept them out)."""

    wave: int
    volunteers: tuple[Volunteer, ...]
    asleep: bool = False
    area: str = ""  # the need's area as an offer names it


def choose(session: Session, settings: Settings, need: Need, now: datetime) -> Choice:
    """Look for the next wave's volunteers, widening as waves go, without changing anything."""
    area = areas.for_location(session, need.location)
    wave = need.wave
    while wave < settings.max_waves:
        wave += 1
        found = matching.candidates(session, criteria_for(session, settings, need, wave, now, area),
                                    settings.wave_size)
        if found:
            return Choice(wave, tuple(found), area=area.label)
    return Choice(wave, (), asleep=not need.urgent and asleep_only(session, settings, need, now, area))


def next_wave(session: Session, settings: Settings, need: Need, now: datetime, *, tell_resident: bool = True,
              choice: Choice | None = None) -> int:
    """Offer the need to the next few volunteers, widening as waves go; escalate when none are left.

    `choice` is who `choose` found for this need as it stands (looked up before the write began).
    """
    if choice is None:
        choice = choose(session, settings, need, now)
    need.wave = choice.wave
    if choice.volunteers:
        make_offers(session, settings, need, choice.volunteers, now, area=choice.area)
        if need.status in (needs.OPEN, needs.UNMET):
            rides.move_need(need, needs.OFFERED, note=f"wave {need.wave}", now=now)
        need.next_wave_at = now + timedelta(minutes=settings.wave_minutes)
        schedule_wave(session, need)
        return len(choice.volunteers)
    if choice.asleep:
        # Everyone who could help is in their quiet hours: try again in an hour, not the coordinators.
        need.wave = 0
        need.next_wave_at = now + timedelta(hours=1)
        schedule_wave(session, need)
        if (tell_resident and not any(e.kind == RESTING for e in need.events)
                and not wants_calls(session, need.contact)):
            # Once, by text: "we are looking" at night would otherwise promise more than the night
            # holds (a caller is not rung at night to hear it).
            need.events.append(NeedEvent(at=now, kind=RESTING))
            notify(session, need.contact, copy.volunteers_resting(settings, copy.translator(settings, need.contact),
                                                                  need), kind="update", need_id=need.id)
        return 0
    escalate(session, settings, need, now, tell_resident=tell_resident)
    return 0


def hand_to_coordinators(session: Session, settings: Settings, need: Need, recording_ids: list[int],
                         now: datetime) -> None:
    """A need whose words are recordings: coordinators listen to them and send it on."""
    rides.move_need(need, needs.UNMET, note="recorded answers: a coordinator listens", now=now)
    urls = [r.url for r in session.scalars(select(Recording).where(Recording.id.in_(recording_ids))) if r.url]
    coordinators.tell(session, settings, lambda t: copy.listen_to_recorded_request(t, need.ref, urls),
                      need_id=need.id, reason=coordinators.RECORDED, why=f"request {need.ref} has recorded answers")


def anyone_could_help(session: Session, settings: Settings, need: Need, now: datetime) -> bool:
    """Tell whether any wave could find someone, now or once their quiet hours end."""
    widest = criteria_for(session, settings, need, settings.max_waves, now)
    return matching.anyone(session, replace(widest, urgent=True))


def asleep_only(session: Session, settings: Settings, need: Need, now: datetime,
                area: areas.NeedArea | None = None) -> bool:
    """Tell whether someone could help if it were not their quiet hours."""
    widest = criteria_for(session, settings, need, settings.max_waves, now, area)
    return matching.anyone(session, replace(widest, urgent=True))


def schedule_wave(session: Session, need: Need) -> None:
    """Ask the job queue to look again when the wave's time is up (the sweep is the backstop)."""
    enqueue_after_commit(session, "dispatch_wave", need.id, need.wave, when=need.next_wave_at,
                         job_id=f"wave-{need.id}-{need.wave}")


def wave_due(session: Session, settings: Settings, need_id: int, wave: int, now: datetime, *,
             looked: "_Looked | None" = None) -> bool:
    """Run the next wave if the given one is still the latest and nobody has claimed in time.

    `looked` is what `run_wave` found before the write began: used if nothing it read has changed.
    """
    need = needs.lock(session, need_id)
    if need is None or not _due(need, wave, now):
        return False
    if need.status not in (needs.OPEN, needs.OFFERED) or need.claimed_count >= need.capacity:
        need.next_wave_at = None
        return False
    next_wave(session, settings, need, now, choice=looked.still(session, need) if looked is not None else None)
    return True


def _due(need: Need, wave: int, now: datetime) -> bool:
    return need.wave == wave and need.next_wave_at is not None and need.next_wave_at <= now


def run_wave(db: Database, settings: Settings, need_id: int, wave: int, now: datetime) -> bool:
    """Run the next wave of a need if it is due (`wave_due`), matching volunteers first in a
    transaction that only reads.

    On SQLite a write holds up every other writer (the webhooks' turns among them): the matching
    reads go before the write lock is taken, and the write keeps to offering, unless what they
    read changed meanwhile (then the wave is looked up again inside the write, as it always was).
    """
    looked = None
    with db.session(read_only=True) as session:
        need = session.get(Need, need_id)
        if need is None or not _due(need, wave, now):
            return False
        if need.status in (needs.OPEN, needs.OFFERED) and need.claimed_count < need.capacity:
            choice = choose(session, settings, need, now)
            # The rows as the matching read them (read again, they could be newer on PostgreSQL).
            looked = _Looked(choice, _rows(need, choice.volunteers))
    with db.session() as session:
        return wave_due(session, settings, need_id, wave, now, looked=looked)


@dataclass(frozen=True)
class _Looked:
    """A choice made in a reading transaction, and the rows it was made from."""

    choice: Choice
    rows: tuple

    def still(self, session: Session, need: Need) -> Choice | None:
        """The choice, with this session's rows of its volunteers, if nothing it read has changed; else None."""
        ids = [v.id for v in self.choice.volunteers]
        loaded = {volunteer.id: volunteer for volunteer in session.scalars(
            select(Volunteer).join(Contact, Contact.id == Volunteer.contact_id).where(Volunteer.id.in_(ids))
            # Their skills, areas and the rest were matched in SQL: not loaded again.
            .options(contains_eager(Volunteer.contact), lazyload("*")).execution_options(populate_existing=True))
        } if ids else {}
        if set(loaded) != set(ids):
            return None
        volunteers = tuple(loaded[i] for i in ids)
        if _rows(need, volunteers) != self.rows:
            return None
        return replace(self.choice, volunteers=volunteers)


def _rows(need: Need, volunteers: Sequence[Volunteer]) -> tuple:
    """Every column of the need, its ride, and these volunteers and their contacts, as loaded."""
    ride = rides.for_need(need)
    return (_columns(need), _columns(ride) if ride is not None else None,
            *((_columns(volunteer), _columns(volunteer.contact)) for volunteer in volunteers))


def _columns(row) -> tuple:
    mapper = inspect(row).mapper
    return tuple(getattr(row, attr.key) for attr in mapper.column_attrs if attr.columns[0].table is mapper.local_table)


def due_needs(session: Session, now: datetime) -> list[tuple[int, int]]:
    """Needs whose wave timer has run out (the sweep runs them if a scheduled job was lost)."""
    rows = session.execute(select(Need.id, Need.wave).where(
        Need.next_wave_at.is_not(None), Need.next_wave_at <= now, Need.status.in_((needs.OPEN, needs.OFFERED))))
    return [(row.id, row.wave) for row in rows]


def escalate(session: Session, settings: Settings, need: Need, now: datetime, *, tell_resident: bool = True) -> None:
    """Nobody (more) to ask: tell the coordinators, and tell the resident honestly."""
    need.next_wave_at = None
    if need.status == needs.UNMET:
        return
    if need.claimed_count > 0:
        # A helper still holds it (a backup was being looked for): it is theirs, not unmet.
        need.capacity = need.claimed_count
        rides.move_need(need, needs.CLAIMED, note="no backup found", now=now)
        return
    rides.move_need(need, needs.UNMET, note="no volunteer found", now=now)
    coordinators.tell(session, settings, lambda t: copy.nobody_found(session, t, need), need_id=need.id,
                      reason=coordinators.NOBODY_FOUND, why=f"request {need.ref} found no volunteer")
    if not tell_resident:
        return
    notify(session, need.contact, copy.still_looking(settings, copy.translator(settings, need.contact), need),
           kind="update", need_id=need.id)


def make_offer(session: Session, settings: Settings, need: Need, volunteer: Volunteer, now: datetime) -> Offer:
    """Offer the need to one volunteer, with a code of their own to answer with."""
    [offer] = make_offers(session, settings, need, [volunteer], now)
    return offer


def make_offers(session: Session, settings: Settings, need: Need, volunteers: Sequence[Volunteer], now: datetime,
                *, area: str | None = None) -> list[Offer]:
    """Offer the need to these volunteers, each with a code of their own to answer with (`area`: the
    need's area label, when the caller has it already).

    The offers are written together, then their texts: a wave's write is short (on SQLite every
    other writer waits for it).
    """
    if area is None:
        area = areas.for_location(session, need.location).label
    made = []
    # A code is new among its own volunteer's offers: the others' offers need not be written first.
    with session.no_autoflush:
        for volunteer in volunteers:
            offer = Offer(need=need, volunteer=volunteer, code=offers.new_code(session, volunteer.id),
                          status=offers.OFFERED, wave=need.wave, offered_at=now)
            session.add(offer)
            volunteer.last_offered_at = now
            made.append(offer)
    session.flush()
    for volunteer, offer in zip(volunteers, made):
        t = copy.translator(settings, volunteer.contact)
        queue_sms(session, volunteer.contact, copy.offer_text(settings, t, need, offer.code, area), kind="offer",
                  need_id=need.id, meta={"offer_id": offer.id})
    return made


def replace_failed_offer(session: Session, settings: Settings, offer_id: int, now: datetime) -> None:
    """An offer that could not be delivered goes to the next volunteer at once."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status != offers.OFFERED:
        return
    offers.transition(offer, offers.FAILED, now)
    need = needs.lock(session, offer.need_id)
    if need is None or need.status not in (needs.OPEN, needs.OFFERED) or need.claimed_count >= need.capacity:
        return
    for wave in range(max(need.wave, 1), settings.max_waves + 1):
        found = matching.candidates(session, criteria_for(session, settings, need, wave, now), 1)
        if found:
            make_offer(session, settings, need, found[0], now)
            return
    if not any(o.status in offers.OPEN for o in need.offers):
        escalate(session, settings, need, now)


def offer_not_delivered(session: Session, message: OutboxMessage, *, settings: Settings, **_) -> None:
    """An offer that never reached its volunteer moves on to the next one (on `delivery_failed`)."""
    offer_id = (message.meta or {}).get("offer_id")
    if message.kind == "offer" and offer_id:
        replace_failed_offer(session, settings, offer_id, utcnow())


def calls_not_answered(session: Session, message: OutboxMessage, *, settings: Settings, **_) -> None:
    """A call to a resident that nobody answered, after every try: a person should follow up (on `delivery_failed`)."""
    if message.channel != "call" or message.status != "failed" or message.kind not in RESIDENT_KINDS:
        return
    need = session.get(Need, message.need_id) if message.need_id else None
    ref = need.ref if need else mask(message.to)
    coordinators.tell(session, settings, lambda t: copy.unanswered_calls(t, ref), need_id=message.need_id,
                      reason=coordinators.CALL_FAILED, why=f"nobody answered the calls about request {ref}")


def alert_coordinators(session: Session, settings: Settings, need: Need, reason: str) -> None:
    """Text every coordinator about a need that needs a person's attention."""
    coordinators.tell(session, settings, lambda t: copy.attention(settings, t, need, reason), need_id=need.id,
                      reason=reason, why=f"request {need.ref} needs a coordinator ({reason})")
