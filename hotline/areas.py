"""Areas: reading ZIP codes and neighbourhood names out of what people write."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from .i18n.keywords import normalize
from .models import VolunteerArea

ANYWHERE = "*"
ZIP = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")


def zips_in(text: str) -> list[str]:
    return list(dict.fromkeys(ZIP.findall(text or "")))


def zip3(code: str) -> str:
    """The key of the wider area around a ZIP code (its first three digits)."""
    return f"zip3:{code[:3]}"


def is_wide(key: str) -> bool:
    """Whether an area key is a wider area (around a ZIP code), rather than a ZIP or a neighbourhood."""
    return key.startswith("zip3:")


def wide_prefix(key: str) -> str:
    """The first three digits of the ZIP codes a wider area holds ("" when the key is no wider area)."""
    return key[len("zip3:"):] if is_wide(key) else ""


def keys_for_volunteer_area(text: str) -> list[tuple[str, str]]:
    """Turn one area a volunteer typed into (key, label) rows: a ZIP adds its wider area too."""
    text = " ".join((text or "").split())
    if not text:
        return []
    if text in ("*", "any", "anywhere", "all"):
        return [(ANYWHERE, "anywhere")]
    zips = zips_in(text)
    if zips and ZIP.fullmatch(text.split()[0]) and len(text.split()) == 1:
        return [(zips[0], zips[0]), (zip3(zips[0]), "")]
    return [(normalize(text), text)]


def parse_volunteer_areas(text: str) -> list[tuple[str, str]]:
    """Split "02139, Riverside; 02140" into area rows, without repeats."""
    rows: dict[str, str] = {}
    for part in re.split(r"[,;\n/]+", text or ""):
        for key, label in keys_for_volunteer_area(part):
            rows.setdefault(key, label)
    return list(rows.items())


def known_areas(session: Session, among: list[str] | tuple[str, ...] | set[str]) -> set[str]:
    """Which of these area keys volunteers have given (ZIP codes and neighbourhood names)."""
    return set(_labels(session, sorted(set(among))))


@dataclass(frozen=True)
class NeedArea:
    """Where a need is, as matching keys: exact ones, and wider ones for later waves."""

    exact: tuple[str, ...]
    wide: tuple[str, ...]
    label: str  # safe to show a volunteer: a ZIP or a neighbourhood, never a street address


# An area's key is at most this long (the column's length): longer runs of words are no key.
KEY_LENGTH = VolunteerArea.__table__.c.area.type.length


def known_places(session: Session) -> list[tuple[str, str]]:
    """All the areas volunteers cover, as (key, label): for reading many locations at once."""
    return [tuple(row) for row in session.execute(
        select(VolunteerArea.area, VolunteerArea.label)
        .where(~VolunteerArea.area.startswith("zip3:"), VolunteerArea.area != ANYWHERE)
        .distinct()
    )]


def _places_among_in_list():
    # Which of the given keys some volunteer covers, with a label for each, on SQLite (a small
    # roster): the keys read from the area index, and the first row's label of each key found
    # (volunteers who give the same name write it much the same way).
    keys = (select(VolunteerArea.area)
            .where(VolunteerArea.area.in_(bindparam("keys", expanding=True)))
            .distinct().subquery())
    other = aliased(VolunteerArea)
    label = select(other.label).where(other.area == keys.c.area).limit(1).scalar_subquery()
    return select(keys.c.area, label)


def _places_among_each():
    # The same on PostgreSQL, one index probe per key given: a name thousands of volunteers share
    # costs no more than a rare one, whatever the roster. A key nobody covers has no label (NULL).
    # Ordered as the area index is: without it the planner, expecting thousands of rows a key,
    # reads the whole table to find that a key nobody covers has none (1.9 s at 100k volunteers).
    key = func.unnest(bindparam("keys", type_=ARRAY(String))).table_valued("key").render_derived(name="phrase")
    label = (select(VolunteerArea.label).where(VolunteerArea.area == key.c.key)
             .order_by(VolunteerArea.last_assigned_at.asc().nulls_first()).limit(1).scalar_subquery())
    return select(key.c.key, label)


_PLACES_AMONG_EACH = _places_among_each()
_PLACES_AMONG_IN_LIST = _places_among_in_list()


def _labels(session: Session, keys: list[str]) -> dict[str, str]:
    """The keys among these that some volunteer covers, with a label for each."""
    if not keys:
        return {}
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = _PLACES_AMONG_EACH if postgresql else _PLACES_AMONG_IN_LIST
    return {key: label for key, label in session.execute(statement, {"keys": keys}) if label is not None}


def phrases(text: str) -> list[str]:
    """Every run of whole words in normalized text that could be an area's key, by where it starts."""
    words = text.split()
    found: dict[str, None] = {}
    for start in range(len(words)):
        phrase = ""
        for word in words[start:]:
            phrase = f"{phrase} {word}" if phrase else word
            if len(phrase) > KEY_LENGTH:
                break
            if not phrase.isdigit():
                found[phrase] = None
    return list(found)


def for_location(session: Session, location: str, places: list[tuple[str, str]] | None = None) -> NeedArea:
    """Find the ZIP codes and known neighbourhood names in a free-text location.

    Only the runs of words in the text are looked up, so the time it takes does not grow with the
    roster. `places` (from `known_places`) reads many locations against one list instead.
    """
    zips = zips_in(location)
    text = normalize(location)
    candidates = phrases(text)
    if places is None:
        labels = _labels(session, candidates)
    else:
        wanted = set(candidates)
        labels = {key: label for key, label in places if key in wanted}
    # The names in the order the text gives them (the first named labels the need). Folded text
    # has no "*" or ":" and `phrases` leaves out bare numbers: no ZIP, wider area or anywhere here.
    found = [(key, labels[key]) for key in candidates if key in labels]
    exact = tuple(dict.fromkeys([*zips, *(key for key, _ in found)]))
    wide = tuple(dict.fromkeys([*exact, *(zip3(z) for z in zips)]))
    if found:
        label = found[0][1] or found[0][0]
    elif zips:
        label = zips[0]
    else:
        label = ""
    return NeedArea(exact, wide, label)


# A house number and a street, in the ways people write them here ("12 Elm St", "400 Main Street,
# Apt 4B", "Calle 5 #12"): what an offer, which goes to several volunteers, must not carry.
_STREET = re.compile(
    r"\b\d{1,6}[a-z]?\s+(?:[\w.'-]+\s+){0,3}"
    r"(?:st|street|ave|avenue|av|rd|road|blvd|boulevard|dr|drive|ln|lane|way|ct|court|pl|place|"
    r"ter|terrace|pkwy|hwy|sq|square)\b\.?(?:,?\s*(?:apt|apartment|unit|#|suite|ste)\.?\s*[\w-]+)?"
    r"|\b(?:apt|apartment|unit|suite|ste)\.?\s*#?\s*[\w-]+"
    r"|\b(?:calle|avenida|av\.|rue|duong|đường)\s+[\w.'-]+(?:\s+#?\s*\d+\w*)?",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A number spelled out ("six one seven five five five ...") in the shipped languages written in
# Latin letters: seven digit words in a row, or more, are a phone number.
_DIGIT_WORDS = (
    "zero|oh|one|two|three|four|five|six|seven|eight|nine|"
    "cero|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|"
    "zéro|un|deux|trois|quatre|cinq|sept|huit|neuf|"
    "zewo|en|de|twa|kat|senk|sis|sèt|uit|nèf|"
    "sero|isa|dalawa|tatlo|apat|lima|anim|pito|walo|siyam|"
    "không|một|hai|ba|bốn|năm|sáu|bảy|tám|chín"
)
_SPELLED = re.compile(rf"\b(?:(?:{_DIGIT_WORDS}|\d)\b[\s,.-]*){{7,}}", re.IGNORECASE)


def names_a_place(session: Session, text: str) -> bool:
    """Tell whether words say where someone is: a ZIP code, a street address, or a neighbourhood
    that volunteers cover."""
    if zips_in(text) or _STREET.search(text or ""):
        return True
    return bool(for_location(session, text).exact)


def redact(text: str) -> str:
    """Leave out phone numbers (in digits or spelled out), e-mail addresses and street addresses
    from words shown to more than one helper."""
    text = _EMAIL.sub("***", text or "")
    text = _PHONE.sub("***", text)
    text = _SPELLED.sub("*** ", text).rstrip() if _SPELLED.search(text) else text
    return _STREET.sub("***", text)
