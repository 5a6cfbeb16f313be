"""Times people type: read in their language, checked, stored in UTC, read back for their locale.

A time is read in four steps. A small table per language (hotline/i18n/time_words.py) first
rewrites phrasings the parsing library does not know yet (Spanish "por la tarde", Chinese
numerals and 下午三点) and takes out the part of the day; hours and minutes written as words
become digits there too (hotline/i18n/clock_words.py), and a number word left that nothing
could place ("a las tres o cuatro") makes the reading fail rather than be guessed. The library
then translates the words into its English forms, where one set of rules, shared by every
language, finds a bare hour ("a las 3"), a day of the month and whether a day was given at all.
Last, the library parses those English forms, and a reading that does not keep the one time
the words named is no reading. Times are asked and kept as local wall-clock times in the
hotline's zone; UTC is worked out from them.

Haitian Creole, which the library does not read, is rewritten by its table into English words
and read as English, then as French; its dates are day first, and since the library has no
Kreyòl day or month names either, times are written out from the table's own words.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel.dates import format_datetime, get_day_names, match_skeleton

from .i18n import languages
from .i18n.clock_words import unplaced
from .i18n.time_words import (
    AFTERNOON, ALSO_READ, DATE_ORDERS, EARLY_MORNING, EVENING, KREYOL_WEEKDAYS, MORNING, NIGHT, OWN_FORMATS, PART_HOURS,
    SUPPLEMENTS, day_of_month, hour_for,
)

__all__ = [
    "When", "parse_when", "dateparser_code", "to_utc", "local_time", "wall_time", "format_when",
    "format_for", "PAST", "AMBIGUOUS", "TOO_FAR", "NOT_UNDERSTOOD", "LONG", "SHORT", "DAY", "DATE", "TIME",
    "EARLY_MORNING", "MORNING", "AFTERNOON", "EVENING", "NIGHT",
]

PAST = "past"
AMBIGUOUS = "ambiguous"
TOO_FAR = "too_far"
NOT_UNDERSTOOD = "not_understood"

WALL_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class When:
    """What a typed time came to: a moment, or the problem to ask about kindly."""

    at: datetime | None = None  # aware, UTC
    local: datetime | None = None  # aware, in the hotline's zone: the wall-clock time asked for
    problem: str | None = None  # PAST, AMBIGUOUS, TOO_FAR or NOT_UNDERSTOOD
    missing: str | None = None  # "day" or "time", for AMBIGUOUS
    day: date | None = None  # the day understood when only the time is missing
    clock: time | None = None  # the time understood when only the day is missing
    part_of_day: str | None = None  # the hour came from "morning", "tarde"...: worth confirming
    hour_from_part: bool = False  # no hour was said: it is the usual one of the part of the day

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def wall(self) -> str | None:
        """The local wall-clock time as stored: 'YYYY-MM-DDTHH:MM'."""
        return self.local.strftime(WALL_FORMAT) if self.local else None


# -- zones and wall-clock times ---------------------------------------------------------------

def to_utc(wall: str | datetime, zone: str) -> datetime:
    """Return the UTC moment of a local wall-clock time in a zone, under today's zone rules."""
    naive = datetime.strptime(wall, WALL_FORMAT) if isinstance(wall, str) else wall.replace(tzinfo=None)
    # fold=0: an hour that happens twice (autumn) means the first; one that is skipped (spring)
    # is read with the offset before the change, which lands an hour later on the clock.
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def local_time(wall: str, zone: str) -> datetime:
    """Return a stored wall-clock time as an aware datetime in its zone."""
    return to_utc(wall, zone).astimezone(ZoneInfo(zone))


def wall_time(moment: datetime, zone: str) -> str:
    """Return the wall-clock string of an aware moment in a zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime(WALL_FORMAT)


# -- formatting ---------------------------------------------------------------------------------

LONG = "long"  # weekday, day and month, time: "Thursday, December 3, 3:00 PM"
SHORT = "short"  # day and month, time: "Dec 3, 3:00 PM"
TIME = "time"  # time alone: "3:00 PM"
DAY = "day"  # weekday, day and month: "Thursday, December 3"
DATE = "date"  # day, short month and year: "Dec 3, 2026"
_SKELETONS = {LONG: "MMMMEEEEd", SHORT: "MMMd", DAY: "MMMMEEEEd", DATE: "yMMMd"}
# Babel puts narrow no-break spaces in times ("3:00\u202fPM"); neither is GSM-7, so one would
# double the cost of an SMS. A plain space reads the same.
_SPACES = re.compile("[\u00a0\u2007\u202f]")


@lru_cache(maxsize=64)
def _date_pattern(babel_locale: str, skeleton: str) -> str:
    locale = BabelLocale.parse(babel_locale)
    best = match_skeleton(skeleton, locale.datetime_skeletons) or "MMMd"
    pattern = locale.datetime_skeletons[best].pattern
    if "EEEE" in skeleton:
        # Babel does not widen fields the way CLDR asks; widen the weekday ourselves.
        pattern = re.sub(r"(?<![Ec])([Ec]{1,3})(?![Ec])", lambda m: m.group(1)[0] * 4, pattern)
    return pattern


def format_when(moment: datetime, babel_locale: str, zone: str | None = None, style: str = LONG) -> str:
    """Format an aware moment for a locale, in a zone (the moment's own when None)."""
    if zone:
        moment = moment.astimezone(ZoneInfo(zone))
    if babel_locale in OWN_FORMATS:
        # The library has no day or month names for this locale ("M12 3, Thu"): ours.
        return OWN_FORMATS[babel_locale](moment, style)
    locale = BabelLocale.parse(babel_locale)
    clock = format_datetime(moment, locale.time_formats["short"], locale=locale)
    if style == TIME:
        return _SPACES.sub(" ", clock)
    day = format_datetime(moment, _date_pattern(babel_locale, _SKELETONS[style]), locale=locale)
    if style in (DAY, DATE):
        return _SPACES.sub(" ", day)
    joined = locale.datetime_formats["medium"].format(clock, day)
    return _SPACES.sub(" ", joined)


def format_for(moment: datetime, language_code: str, zone: str | None = None, style: str = LONG) -> str:
    """Format an aware moment for one of the hotline's languages.

    A language may list other correct spellings of date words that keep an SMS in GSM-7
    (French "aout" for "août"), in its registry entry's extra "date_spellings".
    """
    lang = languages.get(language_code) or languages.REGISTRY["en"]
    text = format_when(moment, lang.babel_locale, zone, style)
    for written, cheaper in lang.extra.get("date_spellings", ()):
        text = text.replace(written, cheaper)
    return text


def weekday_names(language_code: str, *, short: bool = False) -> tuple[str, ...]:
    """The names of the weekdays in a language, Monday first (abbreviated when `short`)."""
    lang = languages.get(language_code) or languages.REGISTRY["en"]
    if lang.babel_locale in OWN_FORMATS:
        return tuple(name[:3] for name in KREYOL_WEEKDAYS) if short else KREYOL_WEEKDAYS
    names = get_day_names("abbreviated" if short else "wide", locale=lang.babel_locale)
    return tuple(names[i] for i in range(7))


# -- reading what people type -----------------------------------------------------------------

@dataclass(frozen=True)
class _Reading:
    local: datetime  # naive local wall time
    has_day: bool
    has_time: bool
    part_of_day: str | None
    relative: bool  # "in 2 hours": counted from now, not from the clock on the wall
    hour_from_part: bool = False  # "sunday morning": the hour is the usual one of "morning"


def parse_when(
    text: str,
    language_code: str,
    now_utc: datetime,
    tz: str,
    horizon: timedelta,
    *,
    day: date | None = None,
    clock: time | None = None,
    whole: bool = False,
) -> When:
    """Read a pickup time typed in a language, relative to now, in the hotline's zone.

    `day` and `clock` carry what an earlier answer already settled, so "3pm" after "Thursday"
    means Thursday at 3pm. `whole`: every word must be part of the time ("tomorrow at 3", never
    "clinic tomorrow at 3"), for reading a time out of a longer text a word at a time.
    """
    zone = ZoneInfo(tz)
    now_local = now_utc.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    reading = _read(text, _readers(language_code), now_local, DATE_ORDERS.get(language_code or ""), whole=whole)
    if reading is None:
        return When(problem=NOT_UNDERSTOOD)
    local = reading.local.replace(second=0, microsecond=0)
    has_day, has_time = reading.has_day, reading.has_time
    if not has_day and day is not None:
        local, has_day = datetime.combine(day, local.time()), True
    if not has_time and clock is not None:
        local, has_time = datetime.combine(local.date(), clock), True
    limit = (now_local + horizon).date()  # the horizon counts whole days on the wall
    if local.date() > limit:
        # Too far is the kinder thing to say, even when the day or the time is still vague.
        return When(problem=TOO_FAR)
    if has_day and local.date() < now_local.date():
        return When(problem=PAST)  # "yesterday": no time on that day will do
    if not has_day:
        known = local.time() if has_time else None
        return When(problem=AMBIGUOUS, missing="day", clock=known, part_of_day=reading.part_of_day)
    if not has_time:
        return When(problem=AMBIGUOUS, missing="time", day=local.date())
    if reading.relative:
        at = now_utc.astimezone(timezone.utc).replace(second=0, microsecond=0) + (local - now_local)
        aware = at.astimezone(zone)
    else:
        at = to_utc(local, tz)
        # The clock's reading of that moment: the same as typed, but for an hour skipped in spring.
        aware = at.astimezone(zone)
    if at <= now_utc:
        return When(at, aware, problem=PAST, part_of_day=reading.part_of_day)
    if aware.date() > limit:
        return When(at, aware, problem=TOO_FAR, part_of_day=reading.part_of_day)
    return When(at, aware, part_of_day=reading.part_of_day, hour_from_part=reading.hour_from_part)


def dateparser_code(language_code: str | None) -> str:
    """The parsing library's code for a language: the registry's, else the code itself if the
    library knows it, else English."""
    lang = languages.get(language_code)
    if lang is not None:
        return lang.dateparser_code or "en"
    return language_code if language_code and _library_knows(language_code) else "en"


@lru_cache(maxsize=64)
def _library_knows(code: str) -> bool:
    try:
        _locale(code)
    except ValueError:
        return False
    return True


def _readers(language_code: str | None) -> list[tuple[str, tuple, tuple[str, ...]]]:
    """The library's languages that read a language's text, each with the rewrites to apply first
    and the languages whose number words must all have been placed by them.

    A language the library does not read (Haitian Creole) has rewrites of its own that turn its
    words into those of the library's code for it (English), and may be read as others after.
    """
    code = dateparser_code(language_code)
    own = SUPPLEMENTS.get(language_code or "", ()) if language_code != code else ()
    languages_of = tuple(dict.fromkeys(c for c in (language_code, code) if c))
    readers = [(code, own + SUPPLEMENTS.get(code, ()), languages_of)]
    readers += [(other, SUPPLEMENTS.get(other, ()), tuple(dict.fromkeys((*languages_of, other))))
                for other in ALSO_READ.get(language_code or "", ())]
    return readers


def read(text: str, code: str, now_local: datetime) -> _Reading | None:
    """Read a typed time into a local wall time and which parts the text itself gave."""
    return _read(text, [(code, SUPPLEMENTS.get(code, ()), (code,))], now_local)


def _read(text: str, readers: list[tuple[str, tuple, tuple[str, ...]]], now_local: datetime,
          date_order: str | None = None, whole: bool = False) -> _Reading | None:
    prepared = []
    for code, rewrites, spoken_in in readers:
        cleaned = _clean(text)
        part = None
        for rewrite in rewrites:
            cleaned, found = rewrite(cleaned, now_local)
            part = part or found
        if unplaced(cleaned, *spoken_in):
            # A number word no rewrite could place ("a las tres o cuatro"): the loose reading
            # below would skip it and read the rest, a guess. Better to ask again.
            continue
        if cleaned.strip() or part is not None:
            prepared.append((code, cleaned, part))
    # Whole words first, in each reading language; then without words around the time
    # ("tomorrow 3pm please").
    for loose in (False,) if whole else (False, True):
        for code, cleaned, part in prepared:
            english = _translate(cleaned, code, loose)
            if english is None:
                continue
            english, found = _take_part_of_day(english)
            settled = _settle_numbers(english, part or found, now_local)
            if settled is None:
                continue  # two different times ("3pm 4pm"): no one time to book
            english, has_day, has_time = settled.english, settled.has_day, settled.has_time
            parsed = _parse_english(english, now_local, date_order or _date_order(code))
            if parsed is not None and settled.clock and parsed[0].strftime("%H:%M") != settled.clock:
                # The library set aside the time the words named ("tomorrow at 3 at 4"): its
                # reading would be a guess.
                parsed = None
            if parsed is not None:
                part = part or found
                break
        else:
            continue
        break
    else:
        return None
    local, parts, period = parsed
    if period in ("week", "month", "year"):
        has_day = False  # "next week" names no day
    relative = bool(re.search(r"\b(hour|minute)\b", english))
    has_time = has_time or "time" in parts
    return _Reading(local, has_day, has_time, part, relative, settled.hour_from_part)


_AMPM = re.compile(r"(?<![^\W\d_])([ap])\s?\.?\s?m\b\.?", re.IGNORECASE)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _AMPM.sub(lambda m: f" {m.group(1)}m ", text)  # "p. m." and "p.m." are "pm"
    text = re.sub(r"[¿?¡!\"“”«»()]", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=32)
def _locale(code: str):
    # dateparser is imported where it is used: 80 ms and 10 MB that only ride times need.
    from dateparser.languages.loader import default_loader

    return default_loader.get_locale(code)


def _translate(text: str, code: str, loose: bool = False) -> str | None:
    # Import cost, as in _locale.
    from dateparser.conf import settings
    from dateparser.date import sanitize_date

    try:
        english = _locale(code).translate(sanitize_date(text), settings=settings,
                                          ignore_surrounding_text=loose)
    except (ValueError, AssertionError):
        return None
    return " ".join(english.split()) or None


def _date_order(code: str) -> str:
    return _locale(code).info.get("date_order") or "MDY"


_PARTS_WORDS = re.compile(r"\b(early_morning|morning|afternoon|evening|night)\b")


def _take_part_of_day(english: str) -> tuple[str, str | None]:
    match = _PARTS_WORDS.search(english)
    if not match:
        return english, None
    return " ".join(_PARTS_WORDS.sub(" ", english).split()), match.group(1)


WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"}
UNITS = {"second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade"}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_BARE = re.compile(r"^\d{1,2}$")
_NUMERIC_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?$")


@dataclass(frozen=True)
class _Settled:
    english: str
    has_day: bool
    has_time: bool
    clock: str | None  # the one time named, "HH:MM", which the library's reading must keep
    hour_from_part: bool = False  # no hour named: the part of the day's usual one was added


def _settle_numbers(english: str, part: str | None, now_local: datetime) -> _Settled | None:
    """Make every hour explicit (24-hour HH:MM) and every lone day of the month a full date.

    Return the rewritten text, whether it names a day, whether it names a time, and that time;
    None when it names two different times, which is no time to book.
    """
    tokens = english.split()
    has_time = has_day = False
    bare: list[int] = []
    clocks: list[str] = []
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        meridiem = nxt if nxt in ("am", "pm") else None
        clock = _CLOCK.match(token)
        if clock or (_BARE.match(token) and meridiem):
            hour, minute = (int(clock.group(1)), clock.group(2)) if clock else (int(token), "00")
            value = f"{hour_for(hour, part, meridiem, padded=token.startswith('0')):02d}:{minute}"
            tokens[i] = "" if value in clocks else value  # the same time said twice is one time
            clocks.append(value)
            if meridiem:
                tokens[i + 1] = ""
            has_time = True
        elif token in WEEKDAYS or token in MONTHS or token in UNITS or _NUMERIC_DATE.match(token):
            has_day = True
        elif _BARE.match(token) and not (
            prev == "in" or nxt in MONTHS or nxt in UNITS or _day_after_month(tokens, i)
        ):
            bare.append(i)
    if len(set(clocks)) > 1:
        return None
    if bare and not has_time and int(tokens[bare[-1]]) <= 23:
        # With no other time given, the last lone number is the hour: "thursday 10", "a las 3".
        i = bare.pop()
        tokens[i] = f"{hour_for(int(tokens[i]), part):02d}:00"
        clocks.append(tokens[i])
        has_time = True
    for i in bare:
        # Any lone number left is a day of the month: the next time that day comes round.
        found = day_of_month(int(tokens[i]), now_local.date())
        if found is None:
            return _Settled(english, False, False, None)
        tokens[i] = found.isoformat()
        has_day = True
    from_part = part is not None and not has_time
    if from_part:
        tokens.append(f"{PART_HOURS[part]:02d}:00")
        clocks.append(tokens[-1])
        has_time = True
    return _Settled(" ".join(t for t in tokens if t), has_day, has_time, clocks[0] if clocks else None, from_part)


def _day_after_month(tokens: list[str], i: int) -> bool:
    """Tell whether a number is the day in "december 5" (but not the hour in "5 december 3")."""
    return i >= 1 and tokens[i - 1] in MONTHS and not (i >= 2 and _BARE.match(tokens[i - 2]))


def _parse_english(english: str, now_local: datetime, date_order: str) -> tuple[datetime, tuple, str] | None:
    from dateparser.date import DateDataParser  # import cost, as in _locale

    if not english.strip():
        return None
    parser = DateDataParser(languages=["en"], settings={
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now_local,
        "RETURN_TIME_AS_PERIOD": True,
        "DATE_ORDER": date_order,
        # Naive local wall time: UTC is worked out from it with zoneinfo, the way a ride
        # across a daylight-saving change keeps its hour on the clock.
        "RETURN_AS_TIMEZONE_AWARE": False,
    })
    data = parser.get_date_data(english)
    if data.date_obj is None:
        return None
    return data.date_obj, tuple(data.parts or ()), data.period
