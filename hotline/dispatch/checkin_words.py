"""What check-ins say: the question, its answers' replies, and the words of a look-in."""
from __future__ import annotations

from ..i18n import Translator
from ..models import Need


def greeting(t: Translator, name: str, hour: int) -> str:
    """"Good morning Ana," by the local hour, or nothing when no name is known."""
    if not name:
        return ""
    if hour < 12:
        # Translators: the start of a check-in, before "Checking in..."; %(name)s is the resident's name.
        return t._("Good morning %(name)s,", name=name)
    if hour < 18:
        return t._("Good afternoon %(name)s,", name=name)
    return t._("Good evening %(name)s,", name=name)


def question(t: Translator, name: str, hour: int) -> str:
    """The check-in text: 1 for OK, 2 for a call from a neighbour."""
    body = t._("checking in. Reply 1 if you are OK, 2 if you would like a neighbour to call.") if name else \
        t._("The hotline is checking in. Reply 1 if you are OK, 2 if you would like a neighbour to call.")
    return f"{greeting(t, name, hour)} {body}".strip()


def spoken_question(t: Translator, name: str, hour: int) -> str:
    """The check-in on a call (the keys to press are said after it)."""
    body = t.pgettext("voice", "this is the hotline, checking in.") if name else \
        t.pgettext("voice", "This is the hotline, checking in.")
    return f"{greeting(t, name, hour)} {body}".strip()


def glad(t: Translator) -> str:
    return t._("Thank you. We are glad you are OK.")


def neighbour_will_call(t: Translator, ref: str) -> str:
    return t._("Thank you. We are asking a neighbour to call you. Your request number is %(ref)s.", ref=ref)


def no_longer_open(t: Translator) -> str:
    return t._("Thank you for answering. That check-in is closed; we will ask again at the next one.")


def missed_details(t: Translator, when: str) -> str:
    """The look-in's words (the need's details), in the resident's language, as a helper reads them."""
    return t._("No answer to the check-in at %(time)s, nor to a call. Please look in on them.", time=when)


def help_details(t: Translator) -> str:
    return t._("At a check-in, asked for a neighbour to call them.")


def coordinators_told(t: Translator, need: Need, reason: str) -> str:
    if reason == "checkin_help":
        return t._("Hotline: at a check-in, a resident asked for a call (request %(ref)s). Please follow up.",
                   ref=need.ref)
    return t._("Hotline: no answer to a check-in, request %(ref)s. Please look in, then close it in the "
               "console.", ref=need.ref)
