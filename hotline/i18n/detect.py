"""Guessing the language of a first message, only when the guess is safe."""
from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

# lingua knows no Haitian Creole and reads it as French, Spanish or English; these everyday
# Kreyòl words (pronouns, "need", "please", "food", "pay", "sick", ...) are not words of the
# other Latin-script languages the hotline speaks. Short words shared with Tagalog, French or
# Spanish ("pa", "sa", "ka", "kay", "li", "yo", "ou", "se", "mari", "bay") are left out on purpose.
KREYOL_MARKERS = frozenset({
    "mwen", "nou", "yon", "gen", "genyen", "pou", "ak", "moun", "bezwen", "tanpri", "souple", "mesi", "mèsi",
    "bonjou", "bonswa", "manje", "grangou", "dlo", "lajan", "peye", "lwaye", "kounye", "konnen", "pitit",
    "timoun", "fanmi", "granmoun", "kijan", "kisa", "kilè", "kote", "poukisa", "eske", "èske", "ede", "èd",
    "ijan", "lopital", "doktè", "medikaman", "malad", "travay", "machin", "woulib", "kouran", "limyè",
    "vle", "anpil", "anyen", "ditou", "menm", "toujou", "jodi", "demen", "aswè", "maten", "dòmi", "ansent",
    "pèdi", "achte", "mennen", "magazen", "nimewo", "bagay", "fè", "fèt", "deyò", "kouchèt",
})
# French elides its little words before a vowel ("j'ai", "d'aide", "s'il"); English never does.
FRENCH_ELISION = re.compile(r"(?<![^\W\d_])(?:[cdjlmnst]|qu)['’](?=[^\W\d_])", re.IGNORECASE)
# Each shipped language written in a script of its own, by the word Unicode names that script
# with. Among the shipped languages the script alone tells these apart, as lingua's own rules do
# before any model is asked, so lingua keeps models for the Latin-script languages only.
SCRIPTS = {"HANGUL": "ko", "ARABIC": "ar", "CYRILLIC": "ru", "CJK": "zh"}
LINGUA_NAMES = {"en": "ENGLISH", "es": "SPANISH", "fr": "FRENCH", "tl": "TAGALOG", "vi": "VIETNAMESE"}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A guess from a short Latin-script text needs this much confidence, and this much lead.
MIN_CONFIDENCE = 0.8
MIN_LEAD = 0.5
PLAIN_ENGLISH_WORDS = 4
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector():
    # Low accuracy mode keeps trigram models only: 8 MB instead of about 120 MB for these five
    # languages, and on the hotline's first texts (tests/data/first_texts.tsv) it guesses no
    # worse than the full models. Preloaded, a live request never waits for a model to load.
    languages = [getattr(Language, name) for name in LINGUA_NAMES.values()]
    return (LanguageDetectorBuilder.from_languages(*languages)
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build())


def load() -> None:
    """Load the language models now, so that no resident's first text waits for them."""
    with _lock:
        _detector()


def _script(text: str) -> str | None:
    """The language whose script most of the text's letters are in, when that is not Latin."""
    counts: Counter[str | None] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            counts[next((code for script, code in SCRIPTS.items() if name.startswith(script)),
                        None if name.startswith("LATIN") else "other")] += 1
    if not counts:
        return None
    top, _ = counts.most_common(1)[0]
    return None if top == "other" else top


def detect(text: str, enabled: set[str]) -> str | None:
    """Return the language code a message is surely written in, among `enabled`; None when unsure."""
    words = [w.casefold() for w in WORD.findall(text or "")]
    if not words:
        return None
    kreyol = sum(w in KREYOL_MARKERS for w in words)
    if "ht" in enabled and kreyol >= 2:
        return "ht"
    if (code := _script(text)) is not None:
        return code if code in enabled else None
    if len(words) < 2:
        return None  # one Latin word ("hola", "ok", "food") says too little
    if kreyol:
        return None  # a Kreyòl word among others the detector would read as French or English
    with _lock:
        values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    top, second = values[0], (values[1].value if len(values) > 1 else 0.0)
    code = next((c for c, name in LINGUA_NAMES.items() if name == top.language.name), None)
    if code is None or code not in enabled:
        return None
    if code == "en" and len(words) >= PLAIN_ENGLISH_WORDS and text.isascii() and not FRENCH_ELISION.search(text):
        # Plain English of a few words is English even when the detector hedges ("I need food for my
        # family"): the menu of ten languages would only be in the way.
        return code
    if top.value < MIN_CONFIDENCE or top.value - second < MIN_LEAD:
        return None
    return code
