"""Dispatch: offering needs to volunteers in waves, race-safe claims, and what follows a claim."""
from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import areas, events, matching, needs, rides, times
from .config import Settings
from .i18n import Translator, languages
from .i18n.keywords import shown_word
from .models import Contact, Need, NeedEvent, Offer, Volunteer
from .notify import notify
from .outbox import enqueue_after_commit, queue_sms
from .sms import count_segments, fit_plainly, fold_to_gsm
from .voice.spoken import spell_digits
from .volunteers import CATEGORY_SKILLS

log = logging.getLogger(__name__)

OPEN_OFFER = ("offered", "claimed")  # a volunteer's codes must be unique among these
CODE_RANGE = (100, 1000)  # three digits: quick on a keypad, never a carrier word


# How a need's status reads on the ride behind it, for needs that are rides.
RIDE_STATUS = {
    needs.OPEN: rides.REQUESTED,
    needs.OFFERED: rides.OFFERED,
    needs.CLAIMED: rides.CLAIMED,
    needs.DONE: rides.DONE,
    needs.WITHDRAWN: rides.CANCELLED,
    needs.UNMET: rides.NO_DRIVER,
}


def set_status(need: Need, status: str, *, note: str = "", now: datetime) -> None:
    """Move a need, and the ride behind it when it is one, so the two never disagree."""
    ride = rides.for_need(need)
    target = RIDE_STATUS.get(status)
    if ride is not None and target and ride.status != target and target in rides.TRANSITIONS[ride.status]:
        rides.transition(ride, target, note=note, now=now)
        if need.status == status:
            return
    needs.transition(need, status, note=note, now=now)


def translator(settings: Settings, contact: Contact) -> Translator:
    return Translator(contact.language or settings.default_language, settings.locales_dir)


def _category(t: Translator, need: Need) -> str:
    return t._(needs.CATEGORIES.get(need.category, needs.CATEGORIES["other"]))


def _language_name(code: str) -> str:
    lang = languages.get(code)
    return lang.native_name if lang else code


def _cheapest_naming(render, name: str) -> str:
    """Render a text that names a language, without the name's accents when that alone makes it
    cheaper: "Français" turns a whole French offer into Unicode, halving the room for the details."""
    text = render(name)
    folded = fold_to_gsm(name)
    if folded != name:
        cheaper = render(folded)
        if (count_segments(cheaper).segments, -len(cheaper)) < (count_segments(text).segments, -len(text)):
            return cheaper
    return text


# -- waves -------------------------------------------------------------------------------

@dataclass(frozen=True)
class WavePlan:
    widen_area: bool
    any_language: bool


def plan(wave: int) -> WavePlan:
    """Wave 1 asks nearby speakers of the resident's language; later waves look wider."""
    return WavePlan(widen_area=wave >= 2, any_language=wave >= 3)


def criteria_for(session: Session, settings: Settings, need: Need, wave: int, now: datetime) -> matching.Criteria:
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
        at=need_time(session, need) or now,
        now=now,
        timezone=settings.hotline_timezone,
        urgent=need.urgent,
        wheelchair=needs_wheelchair(session, need),
        need_id=need.id,
        exclude_contact_id=need.contact_id,
    )


def need_time(session: Session, need: Need) -> datetime | None:
    """When the help is needed, if the need says (a ride's pickup time); else now."""
    ride = rides.for_need(need)
    return rides.pickup_utc(ride) if ride is not None else None


def needs_wheelchair(session: Session, need: Need) -> bool:
    ride = rides.for_need(need)
    return ride is not None and "wheelchair" in (ride.mobility or [])


RECORDED = re.compile(r"\[recording (\d+)\]")


def start(session: Session, settings: Settings, need: Need, now: datetime, *, tell_resident: bool = True) -> int:
    """Send the first wave of offers for a need; return how many went out."""
    recorded = RECORDED.findall(f"{need.details} {need.location}")
    if recorded:
        # Answers kept as recordings (no speech recognition in the caller's language): a volunteer
        # could not read them, so a coordinator listens first and sends the need on.
        hand_to_coordinators(session, settings, need, [int(r) for r in recorded], now)
        return 0
    need.wave = 0
    return next_wave(session, settings, need, now, tell_resident=tell_resident)


def start_ride(session: Session, settings: Settings, ride, now: datetime) -> bool:
    """Offer a booked ride (and its ride back) to drivers; tell whether drivers are being asked."""
    looking = True
    for each in (ride, ride.return_ride):
        if each is None:
            continue
        pickup = rides.pickup_utc(each)
        if pickup is not None and pickup - now <= timedelta(hours=settings.ride_urgent_hours):
            each.need.urgent = True
        offered = start(session, settings, each.need, now, tell_resident=False)
        looking = looking and bool(offered or each.need.next_wave_at is not None)
    return looking


def next_wave(session: Session, settings: Settings, need: Need, now: datetime, *, tell_resident: bool = True) -> int:
    """Offer the need to the next few volunteers, widening as waves go; escalate when none are left."""
    while need.wave < settings.max_waves:
        need.wave += 1
        criteria = criteria_for(session, settings, need, need.wave, now)
        found = matching.candidates(session, criteria, settings.wave_size)
        if found:
            for volunteer in found:
                make_offer(session, settings, need, volunteer, now)
            if need.status in (needs.OPEN, needs.UNMET):
                set_status(need, needs.OFFERED, note=f"wave {need.wave}", now=now)
            need.next_wave_at = now + timedelta(minutes=settings.wave_minutes)
            schedule_wave(session, need)
            return len(found)
    if not need.urgent and asleep_only(session, settings, need, now):
        # Everyone who could help is in their quiet hours: try again in an hour, not the coordinators.
        need.wave = 0
        need.next_wave_at = now + timedelta(hours=1)
        schedule_wave(session, need)
        return 0
    escalate(session, settings, need, now, tell_resident=tell_resident)
    return 0


def hand_to_coordinators(session: Session, settings: Settings, need: Need, recording_ids: list[int],
                         now: datetime) -> None:
    from .models import Recording

    set_status(need, needs.UNMET, note="recorded answers: a coordinator listens", now=now)
    urls = [r.url for r in session.scalars(select(Recording).where(Recording.id.in_(recording_ids))) if r.url]
    t = Translator(settings.default_language, settings.locales_dir)
    listen = t._("Hotline: voicemail for coordinators, request %(ref)s. Listen:", ref=need.ref)
    for phone in settings.coordinator_phones:
        # The addresses go after the words, so a translation never has to carry them.
        queue_sms(session, phone, " ".join([listen, *urls]), kind="alert", need_id=need.id)
    if not settings.coordinator_phones:
        log.warning("request %s has recorded answers and no coordinator phones are set", need.ref)


def asleep_only(session: Session, settings: Settings, need: Need, now: datetime) -> bool:
    """Tell whether someone could help if it were not their quiet hours."""
    widest = criteria_for(session, settings, need, settings.max_waves, now)
    return bool(matching.candidates(session, replace(widest, urgent=True), 1))


def schedule_wave(session: Session, need: Need) -> None:
    """Ask the job queue to look again when the wave's time is up (the sweep is the backstop)."""
    enqueue_after_commit(session, "dispatch_wave", need.id, need.wave, when=need.next_wave_at,
                         job_id=f"wave-{need.id}-{need.wave}")


def wave_due(session: Session, settings: Settings, need_id: int, wave: int, now: datetime) -> bool:
    """Run the next wave if the given one is still the latest and nobody has claimed in time."""
    need = lock_need(session, need_id)
    if need is None or need.wave != wave or need.next_wave_at is None or need.next_wave_at > now:
        return False
    if need.status not in (needs.OPEN, needs.OFFERED) or need.claimed_count >= need.capacity:
        need.next_wave_at = None
        return False
    next_wave(session, settings, need, now)
    return True


def due_needs(session: Session, now: datetime) -> list[tuple[int, int]]:
    """Needs whose wave timer has run out (the sweep runs them if a scheduled job was lost)."""
    rows = session.execute(select(Need.id, Need.wave).where(
        Need.next_wave_at.is_not(None), Need.next_wave_at <= now, Need.status.in_((needs.OPEN, needs.OFFERED))))
    return [(row.id, row.wave) for row in rows]


def lock_need(session: Session, need_id: int) -> Need | None:
    """Lock a need's row (PostgreSQL) and read it afresh. Needs are locked before their rides."""
    return session.scalars(
        select(Need).where(Need.id == need_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def escalate(session: Session, settings: Settings, need: Need, now: datetime, *, tell_resident: bool = True) -> None:
    """Nobody (more) to ask: tell the coordinators, and tell the resident honestly."""
    need.next_wave_at = None
    if need.status == needs.UNMET:
        return
    if need.claimed_count > 0:
        # A helper still holds it (a backup was being looked for): it is theirs, not unmet.
        need.capacity = need.claimed_count
        set_status(need, needs.CLAIMED, note="no backup found", now=now)
        return
    set_status(need, needs.UNMET, note="no volunteer found", now=now)
    area = areas.for_location(session, need.location).label or need.location
    for phone in settings.coordinator_phones:
        t = Translator(settings.default_language, settings.locales_dir)
        queue_sms(session, phone, t._(
            "Hotline: nobody found yet for request %(ref)s (%(category)s, %(area)s, %(language)s). "
            "Please follow up.",
            ref=need.ref, category=_category(t, need), area=area[:40], language=_language_name(need.language),
        ), kind="alert", need_id=need.id)
    if not settings.coordinator_phones:
        log.warning("request %s found no volunteer and no coordinator phones are set", need.ref)
    if not tell_resident:
        return
    t = translator(settings, need.contact)
    notify(session, need.contact, t._(
        "It is taking longer than we hoped to find help for request %(ref)s. A coordinator will "
        "follow up with you. In an emergency call %(emergency)s.",
        ref=need.ref, emergency=settings.emergency_number,
    ), kind="update", need_id=need.id)


# -- offers ------------------------------------------------------------------------------

def new_code(session: Session, volunteer_id: int) -> str:
    """A three-digit code not used by any of this volunteer's open offers."""
    taken = set(session.scalars(select(Offer.code).where(
        Offer.volunteer_id == volunteer_id, Offer.status.in_(OPEN_OFFER))))
    while True:
        code = str(CODE_RANGE[0] + secrets.randbelow(CODE_RANGE[1] - CODE_RANGE[0]))
        if code not in taken:
            return code


def mobility_text(t: Translator, ride) -> str:
    return ", ".join(t._(rides.MOBILITY[m]) for m in ride.mobility or [] if m in rides.MOBILITY)


def ride_when(settings: Settings, t: Translator, ride, style: str = times.SHORT) -> str:
    moment = rides.pickup_local(ride)
    return times.format_for(moment, t.code, ride.time_zone, style) if moment else ""


def offer_text(settings: Settings, t: Translator, need: Need, code: str, area: str) -> str:
    """The offer: kind of help, area (never the address), language, short details, the code."""
    ride = rides.for_need(need)
    if ride is not None:
        return ride_offer_text(settings, t, need, ride, code, area)

    def offer(language: str) -> str:
        def render(details: str) -> str:
            return t._(
                "New task %(code)s: %(category)s near %(area)s, in %(language)s. \"%(details)s\" "
                "Reply %(code)s to take it, or %(pass)s %(code)s to skip.",
                code=code, category=_category(t, need), area=area or t._("the area"),
                language=language, details=details, **{"pass": shown_word(t, "pass")},
            )

        # An offer goes to several volunteers: the resident's words without numbers or addresses.
        return fit_plainly(render, {"details": areas.redact(need.details)})

    return _cheapest_naming(offer, _language_name(need.language))


def ride_offer_text(settings: Settings, t: Translator, need: Need, ride, code: str, area: str) -> str:
    """A ride offer: when, between which areas, what the rider needs; never the addresses."""
    destination_zip = areas.zips_in(ride.destination)
    extras = mobility_text(t, ride)
    needs_note = " (" + extras + ")" if extras else ""
    def offer(language: str) -> str:
        # Every mobility need and a language name such as "Tiếng Việt" can push it past two
        # Unicode segments: then it is spelled plainly, where its script allows.
        return fit_plainly(lambda: t.ngettext(
            "New ride %(code)s: %(when)s, from %(area)s to %(to)s, %(n)s rider%(needs)s. In %(language)s. "
            "Reply %(code)s to take it, or %(pass)s %(code)s to skip.",
            "New ride %(code)s: %(when)s, from %(area)s to %(to)s, %(n)s riders%(needs)s. In %(language)s. "
            "Reply %(code)s to take it, or %(pass)s %(code)s to skip.",
            ride.riders,
            code=code, when=ride_when(settings, t, ride), area=area or t._("the area"),
            to=destination_zip[0] if destination_zip else t._("a place named when you take it"),
            needs=needs_note, language=language,
            **{"pass": shown_word(t, "pass")},
        ), {})

    return _cheapest_naming(offer, _language_name(need.language))


def make_offer(session: Session, settings: Settings, need: Need, volunteer: Volunteer, now: datetime) -> Offer:
    code = new_code(session, volunteer.id)
    offer = Offer(need=need, volunteer=volunteer, code=code, status="offered", wave=need.wave, offered_at=now)
    session.add(offer)
    volunteer.last_offered_at = now
    area = areas.for_location(session, need.location).label
    t = translator(settings, volunteer.contact)
    session.flush()
    queue_sms(session, volunteer.contact, offer_text(settings, t, need, code, area), kind="offer",
              need_id=need.id, meta={"offer_id": offer.id})
    return offer


def replace_failed_offer(session: Session, settings: Settings, offer_id: int, now: datetime) -> None:
    """An offer that could not be delivered goes to the next volunteer at once."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status != "offered":
        return
    offer.status = "failed"
    offer.closed_at = now
    need = lock_need(session, offer.need_id)
    if need is None or need.status not in (needs.OPEN, needs.OFFERED) or need.claimed_count >= need.capacity:
        return
    for wave in range(max(need.wave, 1), settings.max_waves + 1):
        found = matching.candidates(session, criteria_for(session, settings, need, wave, now), 1)
        if found:
            make_offer(session, settings, need, found[0], now)
            return
    if not any(o.status in ("offered", "claimed") for o in need.offers):
        escalate(session, settings, need, now)


# -- claims and commands -----------------------------------------------------------------

def offers_with_code(session: Session, volunteer: Volunteer, code: str) -> list[Offer]:
    """This volunteer's offers with the code, open ones first, newest first."""
    found = session.scalars(select(Offer).where(Offer.volunteer_id == volunteer.id, Offer.code == code)
                            .order_by(Offer.id.desc())).all()
    return sorted(found, key=lambda o: o.status not in OPEN_OFFER)


def claim(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """Claim a task by its code; return the reply for the volunteer."""
    t = translator(settings, volunteer.contact)
    found = offers_with_code(session, volunteer, code)
    if not found:
        return t._("There is no task %(code)s for you. Reply %(tasks)s to see your tasks.",
                   code=code, tasks=shown_word(t, "tasks"))
    offer = found[0]
    if offer.status == "claimed":
        return t._("Task %(code)s is already yours.", code=code)
    if offer.status not in ("offered", "passed"):
        if offer.status == "taken":
            return t._("Sorry, task %(code)s was already taken by another volunteer. Thank you!", code=code)
        return t._("Task %(code)s is closed. Thank you!", code=code)
    # The race is settled here: one conditional UPDATE, at most `capacity` winners.
    won = session.execute(
        update(Need)
        .where(Need.id == offer.need_id, Need.claimed_count < Need.capacity,
               Need.status.in_((needs.OPEN, needs.OFFERED, needs.UNMET)))
        .values(claimed_count=Need.claimed_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    need = session.get(Need, offer.need_id)
    session.refresh(need)
    if won != 1:
        if need.status in (needs.WITHDRAWN, needs.DONE):
            offer.status = "cancelled"
            offer.closed_at = now
            return t._("Task %(code)s is closed. Thank you!", code=code)
        offer.status = "taken"
        offer.closed_at = now
        return t._("Sorry, task %(code)s was already taken by another volunteer. Thank you!", code=code)

    offer.status = "claimed"
    offer.claimed_at = now
    volunteer.last_assigned_at = now
    need.events.append(NeedEvent(at=now, kind="claimed", note=volunteer.first_name))
    if need.claimed_count >= need.capacity:
        set_status(need, needs.CLAIMED, note=volunteer.first_name, now=now)
        need.next_wave_at = None
        close_other_offers(session, settings, need, now)
    rt = translator(settings, need.contact)
    ride = rides.for_need(need)
    if ride is not None:
        from . import reminders

        pickup = rides.pickup_utc(ride)
        if pickup is not None and pickup - now <= timedelta(minutes=settings.reminder_before_minutes):
            # Taken this close to pickup, the claim is the confirmation: no check will doubt it.
            ride.driver_confirmed_at = now
        reminders.schedule(session, settings, ride)
        when = ride_when(settings, rt, ride)
        notify(session, need.contact, rt._(
            "Good news: %(name)s, a volunteer, will drive you on %(when)s (ride %(ref)s). To reach "
            "%(name)s, text this number; your phone numbers stay private.",
            name=volunteer.first_name, when=when, ref=need.ref,
        ), spoken=rt.pgettext(
            "voice", "Good news: %(name)s, a volunteer, will drive you on %(when)s. Your ride number is %(ref)s.",
            name=volunteer.first_name, when=when, ref=spell_digits(need.ref),
        ), kind="claimed", need_id=need.id)
    else:
        notify(session, need.contact, rt._(
            "Good news: %(name)s, a volunteer, will help with request %(ref)s. To reach %(name)s, text "
            "this number; your phone numbers stay private.",
            name=volunteer.first_name, ref=need.ref,
        ), spoken=rt.pgettext(
            "voice", "Good news: %(name)s, a volunteer, will help with your request %(ref)s.",
            name=volunteer.first_name, ref=spell_digits(need.ref),
        ), kind="claimed", need_id=need.id)
    reply, whole = winner_text(settings, t, need, code)
    if whole is not None:
        # The address or details had to be shortened to keep the reply cheap: the helper still
        # needs every word of them, so the whole of it follows in a text of its own.
        queue_sms(session, volunteer.contact, whole, kind="details", need_id=need.id, reply=True)
    return reply


def winner_text(settings: Settings, t: Translator, need: Need, code: str) -> tuple[str, str | None]:
    """The claim reply (within budget), and the same with the resident's words whole if it cut them."""
    ride = rides.for_need(need)
    if ride is not None:
        extras = mobility_text(t, ride)
        needs_note = " (" + extras + ")" if extras else ""
        back = {rides.WILL_CALL: t._("The rider will text when ready to come back."),
                rides.RETURN_AT_TIME: t._("The ride back is booked on its own."),
                rides.NO_RETURN: ""}.get(ride.return_plan, "")

        def render_ride(pickup: str, destination: str) -> str:
            return t.ngettext(
                "Ride %(code)s is yours, thank you! %(when)s, from %(pickup)s to %(destination)s, "
                "%(n)s rider%(needs)s. %(back)s %(done)s %(code)s when done, %(drop)s %(code)s if you "
                "cannot go.",
                "Ride %(code)s is yours, thank you! %(when)s, from %(pickup)s to %(destination)s, "
                "%(n)s riders%(needs)s. %(back)s %(done)s %(code)s when done, %(drop)s %(code)s if you "
                "cannot go.",
                ride.riders,
                code=code, when=ride_when(settings, t, ride), pickup=pickup, destination=destination,
                needs=needs_note, back=back, done=shown_word(t, "done"), drop=shown_word(t, "drop"),
            ).replace("  ", " ")

        echoes = {"pickup": ride.pickup, "destination": ride.destination}
        return _with_whole(fit_plainly(render_ride, echoes), render_ride(**echoes), echoes)

    def render(details: str, location: str) -> str:
        return t._(
            "Task %(code)s is yours, thank you! %(category)s: %(details)s. Where: %(location)s. "
            "Texts starting with %(code)s reach them. %(done)s %(code)s when done, %(drop)s %(code)s "
            "if you cannot go.",
            code=code, category=_category(t, need), details=details, location=location,
            done=shown_word(t, "done"), drop=shown_word(t, "drop"),
        )

    echoes = {"details": need.details, "location": need.location}
    return _with_whole(fit_plainly(render, echoes), render(**echoes), echoes)


def _with_whole(reply: str, whole: str, echoes: dict[str, str]) -> tuple[str, str | None]:
    """Pair a reply with its whole text, if a quote in it was cut (spelling plainly cuts nothing)."""
    cut = any(" ".join(v.split()) not in reply and fold_to_gsm(" ".join(v.split())) not in reply
              for v in echoes.values())
    return reply, whole if cut else None


def close_other_offers(session: Session, settings: Settings, need: Need, now: datetime) -> None:
    """Tell everyone else offered this need that it is taken."""
    for other in need.offers:
        if other.status in ("offered", "passed"):
            tell = other.status == "offered"
            other.status = "taken"
            other.closed_at = now
            if tell:
                t = translator(settings, other.volunteer.contact)
                queue_sms(session, other.volunteer.contact, t._(
                    "Task %(code)s was taken by another volunteer. Thank you for being ready to help!",
                    code=other.code,
                ), kind="taken", need_id=need.id, ttl=timedelta(hours=12))


def active_offer(session: Session, volunteer: Volunteer, code: str, statuses=("claimed",)) -> Offer | None:
    for offer in offers_with_code(session, volunteer, code):
        if offer.status in statuses:
            return offer
    return None


def pass_offer(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    t = translator(settings, volunteer.contact)
    offer = active_offer(session, volunteer, code, ("offered",))
    if offer is None:
        return t._("There is no open offer %(code)s for you.", code=code)
    offer.status = "passed"
    offer.closed_at = now
    need = lock_need(session, offer.need_id)
    # Everyone in this wave said no: do not wait for the timer.
    if need.status == needs.OFFERED and not any(o.status == "offered" for o in need.offers if o.wave == need.wave):
        if need.claimed_count < need.capacity:
            next_wave(session, settings, need, now)
    return t._("OK, you passed on task %(code)s. Thank you for answering.", code=code)


def complete(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """DONE: close the task and ask the resident whether they got help."""
    from .asks import ask

    t = translator(settings, volunteer.contact)
    offer = active_offer(session, volunteer, code)
    if offer is None:
        return t._("You have no task %(code)s in progress. Reply %(tasks)s to see your tasks.",
                   code=code, tasks=shown_word(t, "tasks"))
    need = lock_need(session, offer.need_id)
    if need.status not in needs.ACTIVE and need.status != needs.DONE:
        offer.status = "cancelled"
        offer.closed_at = now
        return t._("Task %(code)s is closed. Thank you!", code=code)
    offer.status = "done"
    offer.closed_at = now
    if need.status != needs.DONE:
        set_status(need, needs.DONE, note=volunteer.first_name, now=now)
        for other in need.offers:
            if other.status == "offered":
                other.status = "cancelled"
                other.closed_at = now
        rt = translator(settings, need.contact)
        question_row = ask(session, need.contact, "got_help", need.id, now, hours=72)
        session.flush()
        spoken_ref = spell_digits(need.ref)
        if rides.for_need(need) is not None:
            question = rt._("%(name)s says ride %(ref)s is done. Did you get there? Reply 1 for yes, 2 for no.",
                            name=volunteer.first_name, ref=need.ref)
            spoken = rt.pgettext("voice", "%(name)s says your ride %(ref)s is done. Did you get there?",
                                 name=volunteer.first_name, ref=spoken_ref)
        else:
            question = rt._(
                "%(name)s says request %(ref)s is done. Did you get the help you needed? Reply 1 for yes, "
                "2 for no.",
                name=volunteer.first_name, ref=need.ref,
            )
            spoken = rt.pgettext("voice", "%(name)s says your request %(ref)s is done. Did you get the help "
                                          "you needed?", name=volunteer.first_name, ref=spoken_ref)
        notify(session, need.contact, question, spoken=spoken, kind="followup", need_id=need.id,
               ask_id=question_row.id)
    return t._("Thank you for helping! Task %(code)s is done.", code=code)


def drop(session: Session, settings: Settings, volunteer: Volunteer, code: str, now: datetime) -> str:
    """DROP: give a claimed task back; the resident is told and the need is offered again."""
    t = translator(settings, volunteer.contact)
    offer = active_offer(session, volunteer, code)
    if offer is None:
        return t._("You have no task %(code)s in progress. Reply %(tasks)s to see your tasks.",
                   code=code, tasks=shown_word(t, "tasks"))
    release(session, settings, offer, now)
    return t._("OK, task %(code)s is given back. Thank you for telling us.", code=code)


def release(session: Session, settings: Settings, offer: Offer, now: datetime) -> None:
    """A helper gives a claimed task back: the resident is told and it is offered again."""
    volunteer = offer.volunteer
    offer.status = "dropped"
    offer.closed_at = now
    need = lock_need(session, offer.need_id)
    need.claimed_count = max(0, need.claimed_count - 1)
    rt = translator(settings, need.contact)
    ride = rides.for_need(need)
    if ride is not None:
        text = rt._("%(name)s cannot drive you on %(when)s (ride %(ref)s). We are looking for another driver.",
                    name=volunteer.first_name, when=ride_when(settings, rt, ride), ref=need.ref)
        pickup = rides.pickup_utc(ride)
        if pickup is not None and pickup - now <= timedelta(hours=settings.ride_urgent_hours):
            need.urgent = True
        if pickup is not None and pickup - now <= timedelta(hours=24):
            alert_coordinators(session, settings, need, "driver_dropped")
    else:
        text = rt._("%(name)s can no longer help with request %(ref)s. We are looking for someone else.",
                    name=volunteer.first_name, ref=need.ref)
    notify(session, need.contact, text, kind="update", need_id=need.id)
    if need.status == needs.CLAIMED and need.claimed_count == 0:
        set_status(need, needs.OPEN, note=f"dropped by {volunteer.first_name}", now=now)
    if need.status in (needs.OPEN, needs.OFFERED, needs.CLAIMED) and need.claimed_count < need.capacity:
        if need.status == needs.CLAIMED:
            set_status(need, needs.OFFERED, note=f"dropped by {volunteer.first_name}", now=now)
        start(session, settings, need, now)


def alert_coordinators(session: Session, settings: Settings, need: Need, reason: str) -> None:
    """Text every coordinator about a need that needs a person's attention."""
    t = Translator(settings.default_language, settings.locales_dir)
    ride = rides.for_need(need)
    when = ride_when(settings, t, ride) if ride is not None else ""
    texts = {
        "driver_dropped": t._("Hotline: the driver for ride %(ref)s on %(when)s dropped out; asking others.",
                              ref=need.ref, when=when),
        "driver_silent": t._("Hotline: the driver for ride %(ref)s on %(when)s has not confirmed; asking "
                             "backup drivers.", ref=need.ref, when=when),
        "not_helped": t._("Hotline: request %(ref)s was marked done, but the resident says they did not "
                          "get help.", ref=need.ref),
        "opted_out": t._("Hotline: the resident of request %(ref)s texted STOP and gets no more texts. Please "
                         "follow up by phone.", ref=need.ref),
    }
    for phone in settings.coordinator_phones:
        queue_sms(session, phone, texts[reason], kind="alert", need_id=need.id)
    if not settings.coordinator_phones:
        log.warning("request %s needs a coordinator (%s) and no coordinator phones are set", need.ref, reason)


def withdraw(session: Session, settings: Settings, need: Need, now: datetime) -> None:
    """The resident no longer needs it: every offer ends and whoever is helping is told."""
    need = lock_need(session, need.id)
    if need is None or need.status not in needs.ACTIVE:
        return
    ride = rides.for_need(need)
    if ride is not None and ride.status in rides.ACTIVE:
        from . import reminders

        reminders.cancel_by_rider(session, settings, ride, now)
        return
    for offer in need.offers:
        if offer.status == "claimed":
            t = translator(settings, offer.volunteer.contact)
            queue_sms(session, offer.volunteer.contact, t._("Task %(code)s is closed. Thank you!", code=offer.code),
                      kind="cancelled", need_id=need.id)
        if offer.status in ("offered", "claimed", "passed"):
            offer.status = "cancelled"
            offer.closed_at = now
    need.next_wave_at = None
    needs.transition(need, needs.WITHDRAWN, note="by resident", now=now)


def after_opt_out(session: Session, settings: Settings, contact: Contact, now: datetime) -> None:
    """Someone texted STOP: tasks they hold go to others; a booked request gets a person's follow-up."""
    from .volunteers import for_contact

    volunteer = for_contact(session, contact)
    if volunteer is not None:
        for offer in open_tasks(session, volunteer):
            if offer.status == "claimed":
                release(session, settings, offer, now)
            else:
                offer.status = "cancelled"
                offer.closed_at = now
    for need in needs.open_needs(session, contact):
        if need.status == needs.CLAIMED or rides.for_need(need) is not None:
            alert_coordinators(session, settings, need, "opted_out")


def reopen(session: Session, settings: Settings, need: Need, now: datetime) -> None:
    """The resident did not get help after all: tell the coordinators, and offer it again.

    A ride that is over cannot happen again by itself; the coordinators take it from there.
    """
    alert_coordinators(session, settings, need, "not_helped")
    if rides.for_need(need) is not None:
        need.events.append(NeedEvent(at=now, kind="not_helped", note="rider says they did not get there"))
        return
    need.claimed_count = 0
    needs.transition(need, needs.OPEN, note="resident says not helped", now=now)
    start(session, settings, need, now)


def open_tasks(session: Session, volunteer: Volunteer) -> list[Offer]:
    return list(session.scalars(select(Offer).where(
        Offer.volunteer_id == volunteer.id, Offer.status.in_(OPEN_OFFER)).order_by(Offer.status, Offer.id)))


def claimed_offers_for_need(session: Session, need_id: int) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.need_id == need_id, Offer.status == "claimed")))


def _on_delivery_failed(session: Session, message, **_) -> None:
    """An offer that never reached its volunteer moves on to the next one."""
    offer_id = (message.meta or {}).get("offer_id")
    if message.kind == "offer" and offer_id:
        from .clock import now

        replace_failed_offer(session, current_settings(), offer_id, now())


def current_settings() -> Settings:
    from .services import current

    return current().settings


events.subscribe(events.DELIVERY_FAILED, _on_delivery_failed)
