"""Areas: reading ZIP codes and neighbourhood names out of what people write."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def known_areas(session: Session) -> set[str]:
    """The keys of the areas volunteers have given (ZIP codes and neighbourhood names)."""
    return set(session.scalars(
        select(VolunteerArea.area).where(~VolunteerArea.area.startswith("zip3:"), VolunteerArea.area != ANYWHERE)
        .distinct()
    ))


@dataclass(frozen=True)
class NeedArea:
    """Where a need is, as matching keys: exact ones, and wider ones for later waves."""

    exact: tuple[str, ...]
    wide: tuple[str, ...]
    label: str  # safe to show a volunteer: a ZIP or a neighbourhood, never a street address


def known_places(session: Session) -> list[tuple[str, str]]:
    """The areas volunteers cover, as (key, label): the names a location is searched for."""
    return [tuple(row) for row in session.execute(
        select(VolunteerArea.area, VolunteerArea.label)
        .where(~VolunteerArea.area.startswith("zip3:"), VolunteerArea.area != ANYWHERE)
        .distinct()
    )]


def for_location(session: Session, location: str, places: list[tuple[str, str]] | None = None) -> NeedArea:
    """Find the ZIP codes and known neighbourhood names in a free-text location.

    `places` (from `known_places`) saves looking them up again when many locations are read at once.
    """
    zips = zips_in(location)
    text = f" {normalize(location)} "
    names = known_places(session) if places is None else places
    found = [(key, label) for key, label in names if not key.isdigit() and f" {key} " in text]
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


def redact(text: str) -> str:
    """Leave out phone numbers (in digits or spelled out), e-mail addresses and street addresses
    from words shown to more than one helper."""
    text = _EMAIL.sub("***", text or "")
    text = _PHONE.sub("***", text)
    text = _SPELLED.sub("*** ", text).rstrip() if _SPELLED.search(text) else text
    return _STREET.sub("***", text)
