"""SMS text: cleaning what comes in, counting segments, keeping replies within budget."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"
_GSM7_BASIC_SET = frozenset(GSM7_BASIC) - {"\x1b"}
_GSM7_EXT_SET = frozenset(GSM7_EXTENDED)
_GSM7_ALL = _GSM7_BASIC_SET | _GSM7_EXT_SET

# Characters XML 1.0 cannot carry, plus other controls that have no business in an SMS.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

MAX_BODY_CHARS = 1600
DEFAULT_BUDGET = 2


def clean(text: str | None, limit: int = MAX_BODY_CHARS) -> str:
    """Strip control characters and stray direction overrides, normalise, trim to a limit."""
    text = unicodedata.normalize("NFC", text or "")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BIDI_CONTROLS.sub("", text)
    return text.strip()[:limit]


def is_gsm7(text: str) -> bool:
    """Tell whether the text fits the GSM-7 alphabet (160 characters a segment)."""
    return _GSM7_ALL.issuperset(text)


def fold_to_gsm(text: str) -> str:
    """Spell Latin letters and punctuation that GSM-7 lacks with its nearest ones ("í" -> "i")."""
    out = []
    for ch in text:
        if ch not in _GSM7_BASIC_SET and ch not in _GSM7_EXT_SET and (
            "LATIN" in unicodedata.name(ch, "") or unicodedata.category(ch)[0] in "PZ"
        ):
            folded = unidecode(ch)
            # Other scripts keep their letters: there is no cheaper way to write them.
            if folded and is_gsm7(folded):
                ch = folded
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class SegmentCount:
    encoding: str
    segments: int
    units: int


@lru_cache(maxsize=1024)
def count_segments(text: str) -> SegmentCount:
    """Count the segments a carrier bills for this text, in the encoding it will use."""
    if not text:
        return SegmentCount("GSM-7", 1, 0)
    if is_gsm7(text):
        costs = [2 if ch in _GSM7_EXT_SET else 1 for ch in text]
        encoding, single, multi = "GSM-7", 160, 153
    else:
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        encoding, single, multi = "UCS-2", 70, 67
    units = sum(costs)
    if units <= single:
        return SegmentCount(encoding, 1, units)
    # An escape pair or surrogate pair never straddles two segments.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return SegmentCount(encoding, segments, units)


def shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, at a word boundary when one is near, marked "..."."""
    # "..." rather than "…": the single character is not GSM-7 and would double the cost.
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= 3:
        return text[:limit]
    cut = text[: limit - 3]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "..."


def fit(render, echoes: dict[str, str], budget: int = DEFAULT_BUDGET, floor: int = 12) -> str:
    """Render a message that quotes people's words, making the quotes cheaper until it fits.

    `render(**values)` builds the message. When it is over `budget` segments, the quotes are
    first spelled within GSM-7 if that makes the text cheaper ("Clínica" -> "Clinica": one
    accent doubles the cost of the whole text); then each is shortened, longest first, until the
    text fits or every quote is down to `floor` characters. When no cut brings it within budget,
    the quotes are cut only as far as that saves a segment.
    """
    values = {key: " ".join(value.split()) for key, value in echoes.items()}
    whole = text = render(**values)
    if count_segments(text).segments <= budget:
        return text
    folded = {key: fold_to_gsm(value) for key, value in values.items()}
    if folded != values and count_segments(render(**folded)).segments < count_segments(text).segments:
        values = folded
        whole = text = render(**values)
    while count_segments(text).segments > budget:
        key = max(values, key=lambda k: len(values[k]), default=None)
        if key is None or len(values[key]) <= floor:
            break
        current = len(values[key])
        values[key] = shorten(values[key], max(floor, current - max(4, current // 5)))
        text = render(**values)
    reached = count_segments(text).segments
    if reached > budget:
        # The quotes cannot be cut enough (a long Unicode text): cut them only as far as that
        # saves a segment, and not at all when it saves none; an address cut for nothing is lost.
        if reached >= count_segments(whole).segments:
            return whole
        return fit(render, echoes, budget=reached, floor=floor)
    return text


def fit_plainly(render, echoes: dict[str, str], budget: int = DEFAULT_BUDGET, floor: int = 12) -> str:
    """Like `fit`; and when even that costs more than the budget, the same text with its Latin
    letters spelled within GSM-7 ("Đường" -> "Duong", "Clínica" -> "Clinica"), if that costs less.

    A Vietnamese address or an "í" in a rider's words makes a long text Unicode, where two segments
    hold 134 characters instead of 306. Other scripts keep their letters: there is no cheaper way
    to write them, and shortening the quotes is all `fit` can do for them.
    """
    text = fit(render, echoes, budget, floor)
    if count_segments(text).segments <= budget:
        return text
    plain = fit(lambda **values: fold_to_gsm(render(**values)),
                {key: fold_to_gsm(value) for key, value in echoes.items()}, budget, floor)
    return plain if count_segments(plain).segments < count_segments(text).segments else text
