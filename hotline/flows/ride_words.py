"""What a first text asking for a ride already says: where to, and when, read only when sure.

"I need a ride to the clinic tomorrow at 3" holds the destination and the pickup time; the ride
questions then ask only for the rest, and the read-back shows all of it to be corrected. A time
is taken only when its words read, on their own, as one whole day and time with the ride
question's reader, with an hour they said (not "sunday morning"), and no other number around them
could be the hour instead ("for 2 people", "at 3 or 4"): anything less is asked as before.
"""
from __future__ import annotations

import re
from datetime import timedelta

from .. import times
from ..i18n import NP_
from ..i18n import keywords as kw
from .engine import Ctx
from .topics import TOPICS

# Translators: words that come just before the place a ride goes to, right after the words that
# ask for a ride ("a ride TO the clinic"), separated by |, lower case; the longest first. The
# place is what follows them, so leave out articles people would want to keep ("the clinic").
TO_WORDS = NP_("destination", "to")

# Translators: words that make a ride a recurring one ("every monday", "each week", "daily"),
# separated by |, lower case; short phrases are fine ("todos los"). A first text holding one is
# not read for a place or a time: each ride is booked on its own, and everything is asked.
RECURRING_WORDS = NP_("recurring", "every|each|weekly|daily|weekdays")

# The longest run of words read as one time: "el martes a las 9 de la mañana".
LONGEST_TIME = 8
# A destination longer than this is more likely a sentence than a place.
LONGEST_PLACE = 8
# Only the start of a first text is read (a ride's time and place come first), and a text with more
# words that say something of a time than this is asked as before: reading stays bounded.
SCANNED_WORDS = 30
MOST_TIME_WORDS = 5
MOST_RUNS = 100  # about 1 ms each
# A run of words holding none that says something of a time on its own.
_NOTHING = times.When(problem=times.NOT_UNDERSTOOD)
_EDGES = re.compile(r"^[\s\"'“”«»¿¡(]+|[\s\"'“”«»?!.,;:)]+$")


def ride_details(ctx: Ctx, text: str) -> dict:
    """The destination and pickup time ("when", a local wall time) a first text gives, when sure."""
    words = [w for w in (_EDGES.sub("", w) for w in text.split()) if w][:SCANNED_WORDS]
    if not words:
        return {}
    tokens = kw.normalize(" ".join(words)).split()
    if any(tokens[i: i + len(phrase)] == phrase
           for phrase in _phrases(ctx, RECURRING_WORDS, english_too=True) for i in range(len(tokens))):
        return {}  # "to work every monday at 8": not one ride at one time, so nothing is taken
    # Each word on its own first; longer runs only around the words that say something of a
    # time on their own ("tomorrow", "3", "tarde"): the reader is slow, and most words are not.
    readings: dict[tuple[int, int], times.When] = {(i, i + 1): _read(ctx, [w]) for i, w in enumerate(words)}
    anchors = [i for i in range(len(words)) if _says_a_time(readings[(i, i + 1)])]
    runs = [(start, end) for start in range(len(words))
            for end in range(start + 2, min(len(words), start + LONGEST_TIME) + 1)
            if any(start <= a < end for a in anchors)]
    if len(anchors) > MOST_TIME_WORDS or len(runs) > MOST_RUNS:
        return {}  # a long story, not a request to read a time from: everything is asked
    for start, end in runs:
        readings[(start, end)] = _read(ctx, words[start:end])
    span = _time_span(ctx, words, readings)
    found: dict = {}
    if span is not None:
        found["when"] = span[2]
    place = _destination(ctx, words, span, readings)
    if place:
        found["destination"] = place
    return found


def _read(ctx: Ctx, words: list[str]) -> times.When:
    return times.parse_when(
        " ".join(words), ctx.language, ctx.now, ctx.settings.hotline_timezone,
        timedelta(days=ctx.settings.ride_horizon_days), whole=True,
    )


def _time_span(ctx: Ctx, words: list[str], readings: dict) -> tuple[int, int, str] | None:
    """Where the one bookable time in the words is (start, end) and what it is; None when unsure."""
    # An hour only guessed from a part of the day ("sunday morning" as 9:00) is no time they said.
    bookable = {span: when for span, when in readings.items() if when.ok and not when.hour_from_part}
    if not bookable or len({when.wall for when in bookable.values()}) > 1:
        return None  # no time, or two different ones ("friday at 2, or monday at 3")
    start, end = max(bookable, key=lambda span: (span[1] - span[0], -span[0]))
    # Another number outside the time could be the hour meant ("ride for 2 people at 3",
    # "tomorrow at 3 or 4", "Route 9"): then the time is asked.
    for i, word in enumerate(words):
        if not start <= i < end and any(ch.isdigit() for ch in word) and _says_a_time(readings[(i, i + 1)]):
            return None
    beside = [(max(0, start - n), start) for n in (1, 2)] + [(end, min(len(words), end + n)) for n in (1, 2)]
    if any(a < b and _says_a_time(readings.get((a, b), _NOTHING)) for a, b in beside):
        return None
    return start, end, bookable[(start, end)].wall


def _says_a_time(when: times.When) -> bool:
    return when.problem != times.NOT_UNDERSTOOD


def _destination(ctx: Ctx, words: list[str], span: tuple[int, int, str] | None, readings: dict) -> str | None:
    """The place named right after the words asking for a ride: up to the time, or to the end."""
    folded = [kw.normalize(w) for w in words]
    after = _after_ride_words(ctx, folded)
    if after is None:
        return None
    if span is not None and span[0] == after:
        after = span[1]  # "a ride tomorrow at 3 to the clinic"
    to_words = _phrases(ctx, TO_WORDS)
    start = None
    for phrase in to_words:
        if folded[after: after + len(phrase)] == phrase:
            start = after + len(phrase)
            break
    if start is None:
        return None
    # "a ride to get to the clinic": the place is after the last such word.
    end = span[0] if span is not None and span[0] >= start else len(words)
    for i in range(end - 1, start - 1, -1):
        for phrase in to_words:
            if i + len(phrase) < end and folded[i: i + len(phrase)] == phrase:
                start = i + len(phrase)
                break
        else:
            continue
        break
    if span is None or span[0] < start:
        # No whole time follows the place. A number in it may be part of a time ("the clinic at
        # 10") or of the place ("Route 9"): then it is asked. A day ends it ("the clinic tomorrow").
        for (a, b), when in sorted(readings.items()):
            if start <= a and b <= end and when.day is not None:
                end = a
                break
        if any(ch.isdigit() for w in words[start:end] for ch in w):
            return None
    place = words[start:end]
    if not place or len(place) > LONGEST_PLACE:
        return None
    return " ".join(place)


def words_before_place(ctx: Ctx, text: str) -> str | None:
    """The words of a ride request before the place it goes to ("I need a ride" in "I need a ride to
    the pharmacy"); None when no place follows the words asking for a ride."""
    folded = [kw.normalize(w) for w in (_EDGES.sub("", w) for w in text.split()) if w]
    after = _after_ride_words(ctx, folded)
    if after is None:
        return None
    if any(folded[after: after + len(phrase)] == phrase for phrase in _phrases(ctx, TO_WORDS)):
        return " ".join(folded[:after])
    return None


def _after_ride_words(ctx: Ctx, folded: list[str]) -> int | None:
    """Where the first words asking for a ride end, in the person's language or English."""
    best = None
    for phrase in _phrases(ctx, TOPICS["ride"], english_too=True):
        for i in range(len(folded) - len(phrase) + 1):
            if folded[i: i + len(phrase)] == phrase:
                best = i + len(phrase) if best is None else min(best, i + len(phrase))
                break
    return best


def _phrases(ctx: Ctx, marked: tuple[str, str], english_too: bool = False) -> list[list[str]]:
    """A list of words as translated, each split into words, the longest first."""
    translators = [ctx.translator()] + ([ctx.translator("en")] if english_too else [])
    found = []
    for t in translators:
        for phrase in t.pgettext(*marked).split("|"):
            words = kw.normalize(phrase).split()
            if words and words not in found:
                found.append(words)
    return sorted(found, key=len, reverse=True)
