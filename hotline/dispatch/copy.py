"""What dispatch says, apart from the moves it announces: offers, claim replies, updates, alerts.

Each function takes a translator for the person who reads the words and returns them ready to
send; the modules beside this one decide who is told and when.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .. import areas, needs, rides, times
from ..config import Settings
from ..i18n import Translator, languages
from ..i18n.answer_words import home_word
from ..i18n.keywords import shown_word
from ..i18n.spoken import spell_digits
from ..models import Contact, Need
from ..sms import DEFAULT_BUDGET, count_segments, fit, fit_plainly, fold_to_gsm


def translator(settings: Settings, contact: Contact) -> Translator:
    """A translator for the language this person reads."""
    return Translator(contact.language or settings.default_language, settings.locales_dir)


def category(t: Translator, need: Need) -> str:
    return t._(needs.CATEGORIES.get(need.category, needs.CATEGORIES["other"]))


def language_name(code: str, reader: str) -> str:
    """A language's name inside a sentence of the reader's language: "in Spanish" to an English
    reader, "en español" to a Spanish one, "en vietnamita" to a Spanish one about Vietnamese."""
    lang = languages.get(code)
    return lang.name_in(reader) if lang else code


def language_names(code: str, reader: str) -> tuple[str, ...]:
    """Names for a language in a reader's sentence, best first: as the reader's language writes it,
    then in itself ("Kreyòl" where "гаитянский креольский" would not fit)."""
    lang = languages.get(code)
    return (language_name(code, reader), lang.native_name) if lang else (code,)


def cheapest_naming(render, *names: str) -> str:
    """Render a text that names a language, by the first of `names` that keeps it within two
    segments, and without the name's accents when that alone makes it cheaper: "Français" turns
    a whole French offer into Unicode, halving the room for the details."""
    best = None
    for name in dict.fromkeys(names):
        text = render(name)
        folded = fold_to_gsm(name)
        if folded != name:
            cheaper = render(folded)
            if _cost(cheaper) < _cost(text):
                text = cheaper
        if count_segments(text).segments <= DEFAULT_BUDGET:
            return text
        if best is None or _cost(text) < _cost(best):
            best = text
    return best if best is not None else render("")


def _cost(text: str) -> tuple[int, int]:
    return count_segments(text).segments, -len(text)


def mobility_text(t: Translator, ride) -> str:
    return ", ".join(t._(rides.MOBILITY[m]) for m in ride.mobility or [] if m in rides.MOBILITY)


def at_the_door(t: Translator, need: Need, code: str) -> str:
    """What the helper of a visit says at the door, in the helper's own words; "" for other help.

    The pair is the resident's words, in the resident's language: it is what they listen for, so a
    helper texted in English about a Russian-speaking resident is given the Russian words.
    """
    if not need.door_words:
        return ""
    return t._("Say \"%(pair)s\" at the door for %(code)s, so they know it is you.", pair=need.door_words,
               code=code)


def with_the_door(build, door: str) -> tuple[str, str | None]:
    """A helper's text with the words at the door at its end when they fit in it; else the text
    without them, and the words for a text of their own (a Russian pair turns an English text into
    Unicode, where two segments hold 134 characters)."""
    if door:
        text = build(door)
        if count_segments(text).segments <= DEFAULT_BUDGET:
            return text, None
    return build(""), door or None


def _fit_keeping(render, echoes: dict[str, str], pair: str | None) -> str:
    """Fit a text, spelling it plainly only if that leaves the door words as they are said: a
    Vietnamese pair without its tone marks is other words."""
    if pair and fold_to_gsm(pair) != pair:
        return fit(render, echoes)
    return fit_plainly(render, echoes)


def _then(text: str, door: str) -> str:
    return f"{text} {door}" if door else text


def ride_when(settings: Settings, t: Translator, ride, style: str = times.SHORT) -> str:
    moment = rides.pickup_local(ride)
    return times.format_for(moment, t.code, ride.time_zone, style) if moment else ""


# -- to volunteers -------------------------------------------------------------------------

def offer_text(settings: Settings, t: Translator, need: Need, code: str, area: str) -> str:
    """The offer: kind of help, area (never the address), language, short details, the code."""
    ride = rides.for_need(need)
    if ride is not None:
        return ride_offer_text(settings, t, need, ride, code, area)

    def offer(language: str) -> str:
        def render(details: str) -> str:
            if not area:
                # No ZIP code or neighbourhood volunteers know in what the resident wrote: the
                # place comes with the claim reply, as for everyone.
                # Translators: %(language)s is the resident's language, named as your language writes
                # it inside a sentence ("en vietnamita", "in Spanish").
                return t._(
                    "New task %(code)s: %(category)s, place given when you take it, in %(language)s. "
                    "\"%(details)s\" Reply %(code)s to take it, or %(pass)s %(code)s to skip.",
                    code=code, category=category(t, need), language=language, details=details,
                    **{"pass": shown_word(t, "pass")},
                )
            # Translators: %(language)s is the resident's language, named as your language writes it
            # inside a sentence ("en vietnamita", "in Spanish").
            return t._(
                "New task %(code)s: %(category)s near %(area)s, in %(language)s. \"%(details)s\" "
                "Reply %(code)s to take it, or %(pass)s %(code)s to skip.",
                code=code, category=category(t, need), area=area,
                language=language, details=details, **{"pass": shown_word(t, "pass")},
            )

        # An offer goes to several volunteers: the resident's words without numbers or addresses.
        return fit_plainly(render, {"details": areas.redact(need.details)})

    return cheapest_naming(offer, *language_names(need.language, t.code))


def ride_offer_text(settings: Settings, t: Translator, need: Need, ride, code: str, area: str) -> str:
    """A ride offer: when, between which areas, what the rider needs; never the addresses."""
    destination_zip = areas.zips_in(ride.destination)
    extras = mobility_text(t, ride)
    needs_note = " (" + extras + ")" if extras else ""

    def offer(language: str) -> str:
        # Every mobility need and a language name such as "Tiếng Việt" can push it past two
        # Unicode segments: then it is spelled plainly, where its script allows.
        # Translators: %(language)s is the rider's language, named as your language writes it inside a
        # sentence ("en vietnamita", "in Spanish").
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

    return cheapest_naming(offer, *language_names(need.language, t.code))


def winner_text(settings: Settings, t: Translator, need: Need, code: str) -> tuple[str, str | None, str | None]:
    """The claim reply (within budget); the same with the resident's words whole if it cut them;
    and the words to say at the door, when the reply has no room for them."""
    ride = rides.for_need(need)
    if ride is not None:
        extras = mobility_text(t, ride)
        needs_note = " (" + extras + ")" if extras else ""
        back = {rides.WILL_CALL: t._("The rider will text when ready to come back."),
                rides.RETURN_AT_TIME: t._("The ride back is booked on its own."),
                rides.NO_RETURN: ""}.get(ride.return_plan, "")

        def render_ride(door: str, pickup: str, destination: str) -> str:
            return _then(t.ngettext(
                "Ride %(code)s is yours, thank you! %(when)s, from %(pickup)s to %(destination)s, "
                "%(n)s rider%(needs)s. %(back)s %(done)s %(code)s when done, %(drop)s %(code)s if you "
                "cannot go.",
                "Ride %(code)s is yours, thank you! %(when)s, from %(pickup)s to %(destination)s, "
                "%(n)s riders%(needs)s. %(back)s %(done)s %(code)s when done, %(drop)s %(code)s if you "
                "cannot go.",
                ride.riders,
                code=code, when=ride_when(settings, t, ride), pickup=pickup, destination=destination,
                needs=needs_note, back=back, done=shown_word(t, "done"), drop=shown_word(t, "drop"),
            ).replace("  ", " "), door)

        return _reply(render_ride, {"pickup": ride.pickup, "destination": ride.destination},
                      at_the_door(t, need, code), need.door_words)

    def render(door: str, details: str, location: str) -> str:
        return _then(t._(
            "Task %(code)s is yours, thank you! %(category)s: %(details)s. Where: %(location)s. "
            "Texts starting with %(code)s reach them. %(done)s %(code)s when done, %(drop)s %(code)s "
            "if you cannot go.",
            code=code, category=category(t, need), details=details, location=location,
            done=shown_word(t, "done"), drop=shown_word(t, "drop"),
        ), door)

    return _reply(render, {"details": need.details, "location": need.location}, at_the_door(t, need, code),
                  need.door_words)


def _reply(render, echoes: dict[str, str], door: str, pair: str | None) -> tuple[str, str | None, str | None]:
    def build(door: str) -> str:
        return _fit_keeping(lambda **values: render(door, **values), echoes, pair if door else None)

    reply, apart = with_the_door(build, door)
    said = door if apart is None else ""
    return (*_with_whole(reply, render(said, **echoes), echoes), apart)


def _with_whole(reply: str, whole: str, echoes: dict[str, str]) -> tuple[str, str | None]:
    """Pair a reply with its whole text, if a quote in it was cut (spelling plainly cuts nothing)."""
    cut = any(" ".join(v.split()) not in reply and fold_to_gsm(" ".join(v.split())) not in reply
              for v in echoes.values())
    return reply, whole if cut else None


def no_such_task(t: Translator, code: str) -> str:
    return t._("There is no task %(code)s for you. Reply %(tasks)s to see your tasks.",
               code=code, tasks=shown_word(t, "tasks"))


def already_yours(t: Translator, code: str) -> str:
    return t._("Task %(code)s is already yours.", code=code)


def taken_already(t: Translator, code: str) -> str:
    """The answer to a claim that came too late."""
    return t._("Sorry, task %(code)s was already taken by another volunteer. Thank you!", code=code)


def taken_by_another(t: Translator, code: str) -> str:
    """Told, unasked, to everyone else offered a task someone took."""
    return t._("Task %(code)s was taken by another volunteer. Thank you for being ready to help!", code=code)


def task_closed(t: Translator, code: str) -> str:
    return t._("Task %(code)s is closed. Thank you!", code=code)


def task_withdrawn(t: Translator, code: str) -> str:
    """The person who asked no longer needs it (withdrawn, or they erased what they told us)."""
    return t._("Task %(code)s is off: the person no longer needs it, so please don't go. Thank you!", code=code)


def no_open_offer(t: Translator, code: str) -> str:
    return t._("There is no open offer %(code)s for you.", code=code)


def passed(t: Translator, code: str) -> str:
    return t._("OK, you passed on task %(code)s. Thank you for answering.", code=code)


def not_in_progress(t: Translator, code: str) -> str:
    return t._("You have no task %(code)s in progress. Reply %(tasks)s to see your tasks.",
               code=code, tasks=shown_word(t, "tasks"))


def thanks_for_helping(t: Translator, code: str) -> str:
    return t._("Thank you for helping! Task %(code)s is done.", code=code)


def thanks_and_home(t: Translator, code: str) -> str:
    """DONE after dark on a visit or a ride: thanks, and the safety question in the same text."""
    return t._("Thank you for helping! Task %(code)s is done. Please reply %(ok)s when you are home.",
               code=code, ok=home_word(t))


def glad_you_are_home(t: Translator) -> str:
    return t._("Thank you! We are glad you are home. Rest well.")


def reply_when_home(settings: Settings, t: Translator) -> str:
    """A "no" to the safety question: not home yet."""
    return t._("Thank you. Please reply %(ok)s when you are home. In an emergency, call %(emergency)s.",
               ok=home_word(t), emergency=settings.emergency_number)


def note_kept(t: Translator, code: str) -> str:
    return t._("Thank you. Your note on task %(code)s is kept for the coordinators. The resident does not see it.",
               code=code)


def note_not_yours(t: Translator, code: str) -> str:
    return t._("Task %(code)s is not yours, so the note was not kept. Reply %(tasks)s to see your tasks.",
               code=code, tasks=shown_word(t, "tasks"))


def note_needs_words(t: Translator, code: str) -> str:
    return t._("Please write your note after the code, like: %(note)s %(code)s nobody answered the door",
               note=shown_word(t, "note"), code=code)


def given_back(t: Translator, code: str) -> str:
    return t._("OK, task %(code)s is given back. Thank you for telling us.", code=code)


def ride_cancelled_by_rider(settings: Settings, t: Translator, code: str, ride) -> str:
    return t._(
        "Ride %(code)s on %(when)s is cancelled by the rider. Thank you for being ready to drive!",
        code=code, when=ride_when(settings, t, ride),
    )


def driver_reminder(settings: Settings, t: Translator, code: str, ride) -> tuple[str, str | None]:
    """The reminder before a ride, and the words to say at the door when it has no room for them."""
    when = ride_when(settings, t, ride)

    def build(door: str) -> str:
        return _fit_keeping(lambda pickup, destination: _then(t._(
            "Reminder: ride %(code)s is %(when)s, from %(pickup)s to %(destination)s. Reply 1 to confirm "
            "you will drive, 2 to cancel.",
            code=code, when=when, pickup=pickup, destination=destination,
        ), door), {"pickup": ride.pickup[:60], "destination": ride.destination[:60]},
            ride.need.door_words if door else None)

    return with_the_door(build, at_the_door(t, ride.need, code))


# -- to residents --------------------------------------------------------------------------

def door_spoken(rt: Translator, name: str, pair: str | None) -> str:
    """The words at the door as said on a call: twice, so they are heard over a bad line."""
    if not pair:
        return ""
    return rt.pgettext(
        "voice", "When %(name)s comes, they will say two words: %(pair)s. Once more: %(pair)s. Please do "
                 "not open the door to anyone who cannot say them.", name=name, pair=pair)


def helper_found(settings: Settings, rt: Translator, need: Need, name: str) -> tuple[str, str]:
    """Who is coming (a first name, never a number), as a text and as said on a call; for a visit,
    with the words they will say at the door."""
    ride = rides.for_need(need)
    pair = need.door_words
    if ride is not None:
        when = ride_when(settings, rt, ride)
        spoken = rt.pgettext(
            "voice", "Good news: %(name)s, a volunteer, will drive you on %(when)s. Your ride number is %(ref)s.",
            name=name, when=when, ref=spell_digits(need.ref),
        )
        if pair:
            # A day's name such as "sábado" makes it Unicode: spelled plainly when that fits it.
            return _fit_keeping(lambda: rt._(
                "Good news: %(name)s, a volunteer, will drive you on %(when)s (ride %(ref)s). They will say "
                "\"%(pair)s\" when they come; please don't open to or ride with anyone who can't. Text this "
                "number to reach them.",
                name=name, when=when, ref=need.ref, pair=pair,
            ), {}, pair), f"{spoken} {door_spoken(rt, name, pair)}"
        return rt._(
            "Good news: %(name)s, a volunteer, will drive you on %(when)s (ride %(ref)s). To reach "
            "%(name)s, text this number; your phone numbers stay private.",
            name=name, when=when, ref=need.ref,
        ), spoken
    spoken = rt.pgettext(
        "voice", "Good news: %(name)s, a volunteer, will help with your request %(ref)s.",
        name=name, ref=spell_digits(need.ref),
    )
    if pair:
        return rt._(
            "Good news: %(name)s, a volunteer, will help with request %(ref)s. They will say \"%(pair)s\" at "
            "your door; please don't open to anyone who can't. Text this number to reach them.",
            name=name, ref=need.ref, pair=pair,
        ), f"{spoken} {door_spoken(rt, name, pair)}"
    return rt._(
        "Good news: %(name)s, a volunteer, will help with request %(ref)s. To reach %(name)s, text "
        "this number; your phone numbers stay private.",
        name=name, ref=need.ref,
    ), spoken


def did_you_get_help(rt: Translator, need: Need, name: str) -> tuple[str, str]:
    """The question after a helper says it is done, as a text and as said on a call."""
    spoken_ref = spell_digits(need.ref)
    if rides.for_need(need) is not None:
        return (rt._("%(name)s says ride %(ref)s is done. Did you get there? Reply 1 for yes, 2 for no.",
                     name=name, ref=need.ref),
                rt.pgettext("voice", "%(name)s says your ride %(ref)s is done. Did you get there?",
                            name=name, ref=spoken_ref))
    return (rt._(
        "%(name)s says request %(ref)s is done. Did you get the help you needed? Reply 1 for yes, "
        "2 for no.",
        name=name, ref=need.ref,
    ), rt.pgettext("voice", "%(name)s says your request %(ref)s is done. Did you get the help "
                            "you needed?", name=name, ref=spoken_ref))


def helper_left(settings: Settings, rt: Translator, need: Need, name: str) -> str:
    """A helper gave the task back: someone else is being looked for."""
    ride = rides.for_need(need)
    if ride is not None:
        return rt._("%(name)s cannot drive you on %(when)s (ride %(ref)s). We are looking for another driver.",
                    name=name, when=ride_when(settings, rt, ride), ref=need.ref)
    return rt._("%(name)s can no longer help with request %(ref)s. We are looking for someone else.",
                name=name, ref=need.ref)


def volunteers_resting(settings: Settings, rt: Translator, need: Need) -> str:
    """Everyone who could help is in their quiet hours: when they will be asked, and the emergency number."""
    return rt._(
        "The volunteers who could help with request %(ref)s are resting now. We will ask them when their "
        "night is over and text you. In an emergency call %(emergency)s.",
        ref=need.ref, emergency=settings.emergency_number,
    )


def still_looking(settings: Settings, rt: Translator, need: Need) -> str:
    """Nobody found: said honestly, with the emergency number (a follow-up only when someone is told)."""
    if not settings.coordinator_phones:
        return rt._(
            "We have not found help for request %(ref)s yet. It is saved and we will keep looking. Reply "
            "%(status)s to check on it. In an emergency call %(emergency)s.",
            ref=need.ref, status=shown_word(rt, "status"), emergency=settings.emergency_number,
        )
    return rt._(
        "It is taking longer than we hoped to find help for request %(ref)s. A coordinator will "
        "follow up with you. In an emergency call %(emergency)s.",
        ref=need.ref, emergency=settings.emergency_number,
    )


def from_the_hotline(rt: Translator, text: str) -> str:
    """A coordinator's words to a resident, sent from the hotline's number."""
    return rt._("From the hotline: %(text)s", text=text)


def rider_reminder(settings: Settings, rt: Translator, need: Need, ride, name: str) -> tuple[str, str]:
    """The reminder before a ride, as a text and as said on a call; with the words the driver will
    say, when they were given (then without the address: the rider knows it, the words need the room)."""
    when = ride_when(settings, rt, ride)
    pair = need.door_words
    spoken = rt.pgettext(
        "voice", "Reminder: your ride is %(when)s, from %(pickup)s. %(name)s will drive you.",
        when=when, pickup=ride.pickup[:80], name=name,
    )
    if pair:
        return _fit_keeping(lambda: rt._(
            "Reminder: your ride %(ref)s is %(when)s. %(name)s will say \"%(pair)s\" when they come; please "
            "don't ride with anyone who can't. Reply 1 to confirm, 2 to cancel.",
            ref=need.ref, when=when, name=name, pair=pair,
        ), {}, pair), f"{spoken} {door_spoken(rt, name, pair)}"
    # The address is the rider's own words: shortened, if need be, to keep the reminder cheap
    # (in a UCS-2 script two parts hold 134 characters).
    return fit_plainly(lambda pickup: rt._(
        "Reminder: your ride %(ref)s is %(when)s, from %(pickup)s. %(name)s will drive you. Reply 1 "
        "to confirm, 2 to cancel.",
        ref=need.ref, when=when, pickup=pickup, name=name,
    ), {"pickup": ride.pickup[:60]}), spoken


def no_driver_yet(settings: Settings, rt: Translator, need: Need, ride) -> tuple[str, str]:
    """A booked ride nobody has taken, the evening before or shortly before pickup: text and call."""
    when = ride_when(settings, rt, ride)
    return (rt._("Your ride %(ref)s (%(when)s) has no driver yet. We keep looking and will text you if one takes "
                 "it. If you can, have another way to go.", ref=need.ref, when=when),
            rt.pgettext("voice", "Your ride %(when)s has no driver yet. We keep looking and will tell you if one "
                                 "takes it. If you can, have another way to go.", when=when))


# -- to coordinators -----------------------------------------------------------------------

def nobody_found(session: Session, t: Translator, need: Need) -> str:
    area = areas.for_location(session, need.location).label or need.location
    # Translators: %(language)s is the resident's language, named as your language writes it.
    return t._(
        "Hotline: nobody found yet for request %(ref)s (%(category)s, %(area)s, %(language)s). "
        "Please follow up.",
        ref=need.ref, category=category(t, need), area=area[:40], language=language_name(need.language, t.code),
    )


def listen_to_voicemail(t: Translator, ref: str, urls: list[str]) -> str:
    # The addresses go after the words, so a translation never has to carry them.
    return " ".join([t._("Hotline: voicemail for coordinators, request %(ref)s. Listen:", ref=ref), *urls])


def listen_to_recorded_request(t: Translator, ref: str, urls: list[str]) -> str:
    """A request made on a call in a language without speech recognition: its answers are recordings."""
    return " ".join([t._("Hotline: request %(ref)s was made by phone with recorded answers. Listen, then send it "
                         "on:", ref=ref), *urls])


def unanswered_calls(t: Translator, ref: str) -> str:
    return t._("Hotline: nobody answered our calls about request %(ref)s. Please follow up.", ref=ref)


def not_home_yet(settings: Settings, t: Translator, need: Need, offer, finished: datetime) -> str:
    """The helper of a late visit or ride has not said they are home: worded so it alarms nobody."""
    at = times.format_for(finished, t.code, settings.hotline_timezone, style=times.TIME)
    return t._("Hotline: %(name)s finished task %(code)s (request %(ref)s) at %(time)s and has not yet said "
               "they are home. Please check in with them.", name=offer.volunteer.first_name, code=offer.code,
               ref=need.ref, time=at)


def home_now(t: Translator, need: Need, offer) -> str:
    return t._("Hotline: %(name)s (request %(ref)s) says they are home now. Thank you.",
               name=offer.volunteer.first_name, ref=need.ref)


def attention(settings: Settings, t: Translator, need: Need, reason: str) -> str:
    """Why a need needs a person: a driver dropped out or is silent, not helped, or STOP."""
    ride = rides.for_need(need)
    when = ride_when(settings, t, ride) if ride is not None else ""
    if reason == "driver_dropped":
        return t._("Hotline: the driver for ride %(ref)s on %(when)s dropped out; asking others.",
                   ref=need.ref, when=when)
    if reason == "driver_silent":
        return t._("Hotline: the driver for ride %(ref)s on %(when)s has not confirmed; asking "
                   "backup drivers.", ref=need.ref, when=when)
    if reason == "not_helped":
        return t._("Hotline: request %(ref)s was marked done, but the resident says they did not "
                   "get help.", ref=need.ref)
    if reason == "opted_out":
        return t._("Hotline: the resident of request %(ref)s texted STOP and gets no more texts. Please "
                   "follow up by phone.", ref=need.ref)
    raise ValueError(f"no alert for {reason!r}")


def heavy_week(t: Translator, name: str, days: int) -> str:
    """After a heavy week: thanks, and a rest one reply away."""
    return t.ngettext("Thank you for all you did this week, %(name)s! Reply %(rest)s to take %(n)s day off: "
                      "no offers until then.",
                      "Thank you for all you did this week, %(name)s! Reply %(rest)s to take %(n)s days off: "
                      "no offers until then.", days, name=name, rest=shown_word(t, "rest"))


def resting(t: Translator, days: int) -> str:
    """The answer to REST."""
    return t.ngettext("Rest well! No offers for %(n)s day. Reply %(resume)s to get offers sooner.",
                      "Rest well! No offers for %(n)s days. Reply %(resume)s to get offers sooner.",
                      days, resume=shown_word(t, "resume"))


def month_thanks(t: Translator, name: str, helped: int) -> str:
    """The monthly note: how many neighbours they helped."""
    return t.ngettext("Thank you, %(name)s! This month you helped %(n)s neighbour through the hotline.",
                      "Thank you, %(name)s! This month you helped %(n)s neighbours through the hotline.",
                      helped, name=name)


def neighbour_wrote(t: Translator, words: str) -> str:
    """A resident's thanks, relayed with the monthly note (their words only, masked)."""
    return fit(lambda words: t._("A neighbour you helped wrote: %(words)s", words=words), {"words": words})
