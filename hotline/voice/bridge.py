"""The TwiML of a masked call: the asker's leg, the <Dial> to the resident, and what the resident hears.

1. The asker picks up their own phone (Twilio fetches the outbox row's words): they hear which
   request it is, in their language, and press 1. A voicemail presses nothing, so a resident is
   never put through to a coordinator's answering machine.
2. On 1, `<Dial callerId=<the hotline's number>>` the resident's number: the only place that
   number is written, served to Twilio's signed request for this very call.
3. The resident picks up and hears, in their language, who is on the line before the two talk.
4. Twilio reports how the resident's side ended (<Dial action>): kept in the need's history.
"""
from __future__ import annotations

import logging

from twilio.twiml.voice_response import VoiceResponse

from sqlalchemy import select

from .. import accounts, bridges, needs, offers, urls
from ..clock import now as utcnow
from ..config import Settings
from ..db import Database
from ..i18n import NP_, Translator
from ..models import Contact, Need, Offer, OutboxMessage, User, Volunteer
from ..outbound import budget
from ..volunteers import REMOVED
from .speaker import Speaker, Words

log = logging.getLogger(__name__)

# The key the asker presses to be put through.
CONNECT_KEY = "1"


class Voice:
    """Sentences said to one person in their language (or the fallback voice, with recordings)."""

    def __init__(self, settings: Settings, code: str):
        self.speaker = Speaker(settings, code)
        self.t = Translator(self.speaker.speaks.code, settings.locales_dir)
        self.own = Translator(self.speaker.own.code, settings.locales_dir)

    def words(self, marked: tuple[str, str], **values) -> Words:
        """A sentence marked with NP_("voice", ...), in the words this call is spoken in."""
        said = self.t.pgettext(*marked, **values)
        return Words(said, None if self.speaker.has_voice else self.own.pgettext(*marked, **values))

    def said(self, build) -> Words:
        """Words built by `build(translator)`, with the caller's own for a language without a voice."""
        return Words(build(self.t), None if self.speaker.has_voice else build(self.own))

    def say(self, parent, words: Words) -> None:
        self.speaker.speak(parent, words)


def _hang_up(voice: Voice | None = None, words: Words | None = None) -> str:
    response = VoiceResponse()
    if voice is not None and words is not None:
        voice.say(response, words)
    response.hangup()
    return str(response)


def _row(session, outbox_id: int) -> OutboxMessage | None:
    row = session.get(OutboxMessage, outbox_id)
    return row if row is not None and row.channel == "call" and row.kind == bridges.BRIDGE else None


def _cannot(voice: Voice) -> Words:
    return voice.words(NP_("voice", "This call cannot be put through now. Please look at the request for why. "
                               "Goodbye."))


def still_allowed(session, row: OutboxMessage, need: Need) -> bool:
    """Whether the one who asked for this call may still be put through now, not only when they asked.

    A helper must still hold the task (not dropped, not taken from them, not removed) and the
    request still be open; a console account must still be active and allowed to act.
    """
    meta = row.meta or {}
    if meta.get("as") == bridges.VOLUNTEER:
        volunteer_id = meta.get("volunteer_id")
        volunteer = session.get(Volunteer, volunteer_id) if isinstance(volunteer_id, int) else None
        if volunteer is None or volunteer.status == REMOVED or need.status not in needs.ACTIVE:
            return False
        held = session.scalars(select(Offer.id).where(Offer.need_id == need.id, Offer.volunteer_id == volunteer.id,
                                                      Offer.status == offers.CLAIMED)).first()
        return held is not None
    user_id = meta.get("user_id")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    return user is not None and user.active and accounts.can(user, accounts.ACT)


def _refused(session, settings: Settings, row: OutboxMessage, need: Need | None) -> bool:
    return need is None or bridges.refusal(settings, need) is not None or not still_allowed(session, row, need)


def asker_leg(session, settings: Settings, row: OutboxMessage) -> str:
    """What the asker hears on picking up: which request, and press 1 to be put through."""
    voice = Voice(settings, (row.meta or {}).get("language") or settings.default_language)
    need = session.get(Need, row.need_id) if row.need_id else None
    if _refused(session, settings, row, need):
        return _hang_up(voice, _cannot(voice))
    response = VoiceResponse()
    gather = response.gather(input="dtmf", num_digits=1, timeout=settings.voice_gather_timeout,
                             action=urls.public(settings, urls.BRIDGE_CONNECT, o=row.id))
    voice.say(gather, voice.said(lambda t: bridges.asker_words(t, need.ref)))
    voice.say(response, voice.words(NP_("voice", "No key was pressed, so nobody was called. Goodbye.")))
    response.hangup()
    return str(response)


def connect(db: Database, settings: Settings, outbox_id: int, call_sid: str, digits: str) -> str:
    """Dial the resident with the hotline's number as caller ID, once the asker pressed 1 on this very call."""
    with db.session() as session:
        row = _row(session, outbox_id)
        if row is None or not row.twilio_sid or row.twilio_sid != call_sid:
            # Only the call placed for this row may learn whom it dials.
            log.warning("masked call %s: connect asked by another call (%s): hung up", outbox_id, call_sid[-6:])
            return _hang_up()
        voice = Voice(settings, (row.meta or {}).get("language") or settings.default_language)
        if digits != CONNECT_KEY:
            return _hang_up(voice, voice.words(NP_("voice", "Nobody was called. Goodbye.")))
        need = session.get(Need, row.need_id) if row.need_id else None
        if _refused(session, settings, row, need):
            log.info("masked call %s: the one who asked may not be put through now: hung up", row.id)
            return _hang_up(voice, _cannot(voice))
        number = bridges.resident_number(need.contact)
        response = VoiceResponse()
        voice.say(response, voice.words(NP_("voice", "Calling the resident now. Please stay on the line.")))
        dial = response.dial(caller_id=settings.twilio_phone_number, timeout=settings.bridge_ring_seconds,
                             action=urls.public(settings, urls.BRIDGE_DONE, o=row.id), method="POST")
        dial.number(number, url=urls.public(settings, urls.BRIDGE_RESIDENT, o=row.id), method="POST")
        log.info("masked call %s: putting the asker through for request %s", row.id, need.ref)
        return str(response)


def resident_leg(db: Database, settings: Settings, outbox_id: int) -> str:
    """What the resident hears on picking up, in their language, before the two are put together."""
    with db.session() as session:
        row = _row(session, outbox_id)
        need = session.get(Need, row.need_id) if row is not None and row.need_id else None
        if need is None:
            return _hang_up()
        contact: Contact = need.contact
        voice = Voice(settings, contact.language or need.language or settings.default_language)
        meta = row.meta or {}
        response = VoiceResponse()
        if meta.get("as") == bridges.VOLUNTEER:
            voice.say(response, voice.words(NP_(
                "voice", "This is the mutual aid hotline. %(name)s, your volunteer for request %(ref)s, is on the "
                "line."),
                name=meta.get("by", ""), ref=need.ref))
        else:
            voice.say(response, voice.words(NP_(
                "voice", "This is the mutual aid hotline. A coordinator is on the line about your request %(ref)s."),
                ref=need.ref))
        return str(response)


def done(db: Database, settings: Settings, outbox_id: int, call_sid: str, status: str, seconds: int | None) -> str:
    """Keep how the resident's side ended, count its minutes, and tell the asker when nobody answered."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id, with_for_update=True)
        if row is None or row.kind != bridges.BRIDGE or row.twilio_sid != call_sid:
            return _hang_up()
        first = not (row.meta or {}).get("ended")
        talked = bridges.ended(session, row, status, seconds, utcnow())
        if first and seconds:
            # The resident's leg is a call of its own at Twilio, billed by the started minute.
            budget.record(session, settings, budget.CALL, budget.minutes(seconds), utcnow())
        voice = Voice(settings, (row.meta or {}).get("language") or settings.default_language)
        if talked:
            return _hang_up()
        return _hang_up(voice, voice.words(NP_("voice", "The resident did not answer. Goodbye.")))
