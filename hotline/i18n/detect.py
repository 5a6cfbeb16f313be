"""Guessing the language of a first message, only when the guess is safe."""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

# lingua knows no Haitian Creole and reads it as Spanish or French; these everyday Kreyòl
# words (pronouns, "need", "please", "food", ...) rarely occur together in other languages.
# Short words shared with Tagalog or French ("pa", "kay", "li") are left out on purpose.
KREYOL_MARKERS = frozenset({
    "mwen", "nou", "bezwen", "tanpri", "mesi", "mèsi", "bonjou", "bonswa", "manje", "lajan", "kounye",
    "konnen", "pitit", "timoun", "kijan", "poukisa", "genyen", "ede", "fanmi", "lopital", "vle", "anpil",
})
LINGUA_NAMES = {
    "en": "ENGLISH", "es": "SPANISH", "zh": "CHINESE", "vi": "VIETNAMESE", "ar": "ARABIC",
    "fr": "FRENCH", "ru": "RUSSIAN", "ko": "KOREAN", "tl": "TAGALOG",
}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A guess from a short Latin-script text needs this much confidence, and this much lead.
MIN_CONFIDENCE = 0.8
MIN_LEAD = 0.5
PLAIN_ENGLISH_WORDS = 4
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector():
    languages = [getattr(Language, name) for name in LINGUA_NAMES.values()]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _non_latin(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return True
            except ValueError:
                continue
    return False


def detect(text: str, enabled: set[str]) -> str | None:
    """Return the language code a message is surely written in, among `enabled`; None when unsure."""
    words = [w.casefold() for w in WORD.findall(text or "")]
    if not words:
        return None
    if "ht" in enabled and sum(w in KREYOL_MARKERS for w in words) >= 2:
        return "ht"
    non_latin = _non_latin(text)
    if not non_latin and len(words) < 2:
        return None  # one Latin word ("hola", "ok", "food") says too little
    with _lock:
        values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    top, second = values[0], (values[1].value if len(values) > 1 else 0.0)
    code = next((c for c, name in LINGUA_NAMES.items() if name == top.language.name), None)
    if code is None or code not in enabled:
        return None
    if code == "en" and len(words) >= PLAIN_ENGLISH_WORDS and text.isascii():
        # Plain English of a few words is English even when the detector hedges ("I need food for my
        # family"): the menu of ten languages would only be in the way.
        return code
    if top.value < MIN_CONFIDENCE or top.value - second < MIN_LEAD:
        return None
    # Kreyòl looks like French or Spanish to the detector: never guess those from Kreyòl words.
    if code in ("fr", "es") and sum(w in KREYOL_MARKERS for w in words) >= 1 and "ht" not in enabled:
        return None
    return code
