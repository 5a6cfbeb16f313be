"""The console's names for what the hotline stores as codes: statuses, categories, roles, reasons."""
from __future__ import annotations

import re

from ... import accounts, areas, bridges, coordinators, needs, offers, rides
from ...dispatch import notes, safety, waves
from ...i18n import N_, languages
from .i18n import gettext

NEED_STATUS = {
    needs.OPEN: N_("Open"),
    needs.OFFERED: N_("Offered"),
    needs.CLAIMED: N_("Helper on it"),
    needs.DONE: N_("Done"),
    needs.WITHDRAWN: N_("Withdrawn"),
    needs.UNMET: N_("Unmet"),
}
CATEGORY = {
    "food": N_("Food"),
    "ride": N_("Ride"),
    "housing": N_("Housing"),
    "childcare": N_("Childcare"),
    "health": N_("Health"),
    "money": N_("Emergency money"),
    "other": N_("Something else"),
    "checkin": N_("Check-in visit"),
}
ROLE = {
    accounts.ADMIN: N_("Admin"),
    accounts.COORDINATOR: N_("Coordinator"),
    accounts.VIEWER: N_("Viewer"),
}
ATTENTION = {
    coordinators.NOBODY_FOUND: N_("Nobody claimed it after the last wave"),
    coordinators.RECORDED: N_("Answers are recordings: listen first"),
    coordinators.VOICEMAIL: N_("Voicemail"),
    coordinators.HIDDEN_NUMBER: N_("Came from a hidden number"),
    coordinators.NOT_HELPED: N_("Resident says they did not get help"),
    coordinators.CALL_FAILED: N_("Nobody answered our calls"),
    coordinators.DRIVER_DROPPED: N_("The driver dropped out"),
    coordinators.DRIVER_SILENT: N_("The driver has not confirmed"),
    coordinators.OPTED_OUT: N_("Resident texted STOP"),
    coordinators.RIDER_UNCONFIRMED: N_("The rider has not confirmed the ride"),
    coordinators.SAFETY_UNANSWERED: N_("A helper out after dark has not said they got home"),
    coordinators.CHECKIN_MISSED: N_("No answer to a check-in: someone should look in"),
    coordinators.CHECKIN_HELP: N_("Asked for a call at a check-in"),
}
EVENT = {
    "created": N_("Request made"),
    "added": N_("Resident added words"),
    "claimed": N_("Claimed"),
    "assigned": N_("Assigned by a coordinator"),
    "offered_again": N_("Offered again"),
    "closed": N_("Closed by a coordinator"),
    "note": N_("Note"),
    "message": N_("Message to the resident"),
    "handled": N_("Marked handled"),
    "confirmed": N_("Resident confirmed they got help"),
    "not_helped": N_("Resident says they did not get help"),
    "thanks": N_("Resident's words for their helper"),
    "voicemail": N_("Voicemail"),
    "recording": N_("Recorded answer"),
    "door_words": N_("New words at the door"),
    "transcribed": N_("Voicemail written out"),
    waves.RESTING: N_("Everyone who could help is in their quiet hours: resident told"),
    notes.EVENT: N_("Note from a helper"),
    safety.ASKED: N_("Helper asked to say when they are home"),
    safety.UNANSWERED: N_("Helper has not said they are home: coordinators told"),
    safety.HOME: N_("Helper says they are home"),
    bridges.ASKED: N_("Call to the resident asked"),
    bridges.TALKED: N_("Talked with the resident by phone"),
    bridges.UNANSWERED: N_("The resident did not answer the call"),
    bridges.NOT_PICKED_UP: N_("The hotline's call to put them through was not picked up"),
    bridges.NOT_PLACED: N_("The hotline's call to put them through could not be placed"),
}
OFFER_STATUS = {
    offers.OFFERED: N_("offered"),
    offers.CLAIMED: N_("helping"),
    offers.PASSED: N_("passed"),
    offers.TAKEN: N_("taken by another"),
    offers.DONE: N_("done"),
    offers.DROPPED: N_("gave it back"),
    offers.CANCELLED: N_("cancelled"),
    offers.FAILED: N_("could not be reached"),
}
VOLUNTEER_STATUS = {
    "pending": N_("Waiting for approval"),
    "active": N_("Active"),
    "paused": N_("Paused"),
    "removed": N_("Removed"),
}
# The same skills as volunteers.SKILLS, in the console's own catalog.
SKILL = {
    "driving": N_("Driving"),
    "food": N_("Food and groceries"),
    "childcare": N_("Childcare"),
    "errands": N_("Errands"),
    "housing": N_("Housing help"),
    "health": N_("Health and check-ins"),
    "money": N_("Emergency funds"),
    "interpreting": N_("Interpreting"),
}
RIDE_STATUS = {
    rides.REQUESTED: N_("Booked"),
    rides.OFFERED: N_("Asking drivers"),
    rides.CLAIMED: N_("Driver found"),
    rides.CONFIRMED: N_("Confirmed"),
    rides.DONE: N_("Done"),
    rides.CANCELLED: N_("Cancelled"),
    rides.NO_DRIVER: N_("No driver"),
}
# Where money in the emergency fund came from, and how money went out (fund.SOURCES, fund.METHODS).
FUND_SOURCE = {
    "donation": N_("Donation"),
    "grant": N_("Grant"),
    "event": N_("Event"),
    "other": N_("Other"),
}
FUND_METHOD = {
    "cash": N_("Cash"),
    "check": N_("Check"),
    "bank_transfer": N_("Bank transfer"),
    "mobile_payment": N_("Mobile payment"),
    "gift_card": N_("Gift card"),
}
DELIVERY = {
    "pending": N_("waiting"),
    "submitting": N_("sending"),
    "unknown": N_("checking with Twilio"),
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "delivered": N_("delivered"),
    "failed": N_("failed"),
    "undelivered": N_("undelivered"),
    "expired": N_("expired"),
    "skipped": N_("not sent"),
}

# What each kind of outbox message is (outbox kinds are stored: the codes never change).
MESSAGE_KIND = {
    "offer": N_("Offer to a helper"),
    "taken": N_("Already taken, to a helper"),
    "details": N_("The request's details, to its helper"),
    "door": N_("Words to say at the door"),
    "assigned": N_("Task given by a coordinator"),
    "cancelled": N_("Task cancelled, to its helper"),
    "claimed": N_("A helper is coming, to the resident"),
    "update": N_("News about their request, to the resident"),
    "followup": N_("Asking the resident whether they got help"),
    "reminder": N_("Reminder"),
    "relay": N_("Words passed between resident and helper"),
    "coordinator": N_("Message from a coordinator"),
    "checkin": N_("Check-in"),
    "care": N_("Thanks and care for a helper"),
    "welcome": N_("Welcome to a new volunteer"),
    "broadcast": N_("Broadcast"),
    "fund_paid": N_("Emergency money paid"),
    "alert": N_("Alert to coordinators"),
    "budget": N_("Budget warning to coordinators"),
    "bridge": N_("Call to put someone through to the resident"),
    "missed_call": N_("Call back after a missed call"),
    "recording_line": N_("Sentence to record, to a recorder"),
    "recording_delete": N_("Deleting a recording at Twilio"),
}


def message_kind(code: str | None) -> str:
    """The reader's words for an outbox kind; a kind without them still reads as words, not as a code."""
    if not code:
        return ""
    if code in MESSAGE_KIND:
        return gettext(MESSAGE_KIND[code])
    return code.replace("_", " ").strip().capitalize() or code

# How a request came in (needs.channel, noted when it is made).
CHANNEL = {
    "sms": N_("by text"),
    "voice": N_("by call"),
    "call": N_("by call"),
}
WAVE = {
    1: N_("first wave of offers"),
    2: N_("second wave of offers"),
    3: N_("third wave of offers"),
}
# What the hotline itself notes on a request's history (in English, in the stored rows).
NOTE = {
    "by resident": N_("by the resident"),
    "cancelled by rider": N_("cancelled by the rider"),
    "rider says they did not get there": N_("the rider says they did not get there"),
    "resident says not helped": N_("the resident says they did not get help"),
    "resident got help": N_("the resident says they got help"),
    "chosen volunteer": N_("to the volunteer chosen for the check-in"),
    "driver confirmed": N_("the driver confirmed"),
    "driver has not confirmed": N_("the driver has not confirmed"),
    "recorded answers: a coordinator listens": N_("the answers are recordings: a coordinator listens to them"),
    "no backup found": N_("no second helper found"),
    "no volunteer found": N_("no volunteer found"),
    "offered again": N_("offered again"),
}
_WAVE_NOTE = re.compile(r"wave (\d{1,3})")
_DROPPED_NOTE = re.compile(r"dropped by (.+)", re.S)


def event_note(kind: str, note: str | None, shown=lambda words: words) -> str | None:
    """The reader's words for a note the hotline wrote itself on a request's history ("sms", "wave 1",
    "dropped by Dana"), or None when the note is someone's own words. `shown` filters a name in it."""
    note = note or ""
    if kind == "created":
        return gettext(CHANNEL[note]) if note in CHANNEL else None
    if note in NOTE:
        return gettext(NOTE[note])
    if wave := _WAVE_NOTE.fullmatch(note):
        number = int(wave.group(1))
        return gettext(WAVE[number]) if number in WAVE else gettext("wave %(number)s of offers", number=number)
    if dropped := _DROPPED_NOTE.fullmatch(note):
        return gettext("%(name)s gave it back", name=shown(dropped.group(1)))
    return None


def event_title(kind: str) -> str:
    """The reader's words for a step in a request's history."""
    if kind.startswith("ride_") and kind[5:] in RIDE_STATUS:
        return gettext("Ride: %(status)s", status=gettext(RIDE_STATUS[kind[5:]]))
    return name(EVENT, kind)


def name(table: dict[str, str], code: str | None) -> str:
    """The reader's word for a stored code (the code itself when there is none)."""
    if code is None:
        return ""
    return gettext(table[code]) if code in table else code


# The console's words for what riders bring (residents read rides.MOBILITY in their own catalog).
MOBILITY = {
    "wheelchair": N_("Wheelchair"),
    "walker": N_("Walker"),
    "service_animal": N_("Service animal"),
    "child_seat": N_("Child seat"),
}


RETURN_PLAN = {rides.RETURN_AT_TIME: N_("a ride back is booked"), rides.WILL_CALL: N_("will call for the ride back")}


def way_back(ride) -> str:
    """How a ride's rider comes back, in the reader's words ("" when they do not)."""
    if ride.return_of_id:
        return gettext("this is the way back")
    return name(RETURN_PLAN, ride.return_plan) if ride.return_plan in RETURN_PLAN else ""


def mobility(codes: list[str] | None) -> str:
    """What a ride's riders bring, in the reader's words ("" for nothing)."""
    return ", ".join(name(MOBILITY, code) for code in codes or ())


def area(key: str, label: str | None = "") -> str:
    """An area as a person reads it: a neighbourhood's name, a ZIP code, "ZIP codes 021xx"."""
    if key == areas.ANYWHERE:
        return gettext("anywhere")
    if prefix := areas.wide_prefix(key):
        return gettext("ZIP codes %(prefix)sxx", prefix=prefix)
    return label or key


def language(code: str | None) -> str:
    lang = languages.get(code)
    return lang.native_name if lang else (code or "")
