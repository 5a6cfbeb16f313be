"""Text said aloud: numbers digit by digit, times the way people say them, spoken digits read back."""
from __future__ import annotations

import re

from ..sms import clean
from . import keywords as kw
from .translator import NP_, Translator

# Longest text one <Say> gets; Twilio's limit is 4,096 characters.
MAX_SAY_CHARS = 3000

# Translators: the digits 0 to 9 as a caller may say them, in order from zero to nine,
# separated by spaces; join more words for one digit with | ("uno|una").
DIGIT_WORDS = NP_("voice", "zero|oh one two three four five six seven eight nine")

# A time as speech recognition writes it: "3 p.m.", "9:30 AM", "15:30", "15h30".
_TIME = re.compile(
    r"(?<![\d:])(?P<hour>[012]?\d)"
    r"(?:(?P<sep>[:h])(?P<minute>[0-5]\d)|(?P<bare_h>h)(?![a-z]))?"
    r"(?:\s?(?P<half>[ap])\.?\s?m\b\.?)?"
    r"(?![\d:])",
    re.IGNORECASE,
)
_LONG_NUMBER = re.compile(r"\d{4,}")

# The part of the day a time falls in, for the words around it. Each band has its own context
# so a language can word two bands alike or apart (Spanish 7 pm is "de la tarde", 9 pm "de la noche").
_BANDS = (
    (5, 12, NP_("voice time 5am-noon", "%(time)s in the morning")),
    (12, 18, NP_("voice time noon-6pm", "%(time)s in the afternoon")),
    (18, 20, NP_("voice time 6pm-8pm", "%(time)s in the evening")),
    (20, 22, NP_("voice time 8pm-10pm", "%(time)s in the evening")),
    (22, 24, NP_("voice time 10pm-midnight", "%(time)s at night")),
    (0, 5, NP_("voice time midnight-5am", "%(time)s at night")),
)
NOON = NP_("voice", "noon")
MIDNIGHT = NP_("voice", "midnight")


def speakable(text: str) -> str:
    """Return text ready for <Say>: lines become sentences, long numbers are read digit by digit."""
    text = clean(text, MAX_SAY_CHARS)
    # A line break is a pause on screen; said aloud it needs a full stop to be one.
    text = re.sub(r"(?<![.:!?,;])\s*\n\s*", ". ", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    # Request numbers, ZIP codes and phone numbers are said digit by digit, not as amounts.
    return _LONG_NUMBER.sub(lambda m: " ".join(m.group(0)), text)


def spell_digits(digits: str) -> str:
    """Return keypad digits spaced out so each is said on its own."""
    return " ".join(ch for ch in digits if ch.isdigit())


def say_times(text: str, translator: Translator) -> str:
    """Rewrite the times in heard words the way people say them ("15:30" -> "3:30 in the afternoon")."""

    def replace(match: re.Match) -> str:
        spoken = _say_time(match, translator)
        return spoken if spoken is not None else match.group(0)

    return _TIME.sub(replace, text)


def _say_time(match: re.Match, translator: Translator) -> str | None:
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    half = (match.group("half") or "").lower()
    if not (match.group("sep") or match.group("bare_h") or half):
        return None  # a bare number is a count ("for 3 people"), not a time
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif hour > 23:
        return None
    if minute == 0 and hour == 12:
        return translator.pgettext(*NOON)
    if minute == 0 and hour == 0:
        return translator.pgettext(*MIDNIGHT)
    clock = str(hour % 12 or 12) + (f":{minute:02d}" if minute else "")
    for start, end, message in _BANDS:
        if start <= hour < end:
            return translator.pgettext(*message, time=clock)
    return None  # pragma: no cover - the bands cover every hour


def digit_words(translator: Translator) -> dict[str, str]:
    """Map each spoken digit word in the translator's language (and English) to its digit."""
    mapping: dict[str, str] = {}
    for text in (translator.pgettext(*DIGIT_WORDS), DIGIT_WORDS[1]):
        for digit, words in enumerate(text.split()):
            for word in words.split("|"):
                mapping.setdefault(kw.normalize(word), str(digit))
    return mapping


def words_to_digits(text: str, translator: Translator) -> str:
    """Replace spoken digit words with digits, so "two" picks choice 2 like a key press."""
    mapping = digit_words(translator)
    return " ".join(mapping.get(word, word) for word in kw.normalize(text).split())
