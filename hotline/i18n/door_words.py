"""Words at the door: two everyday words a helper says, so a resident can tell them from a stranger.

Each language lists its own words in the catalogs (msgctxt "door word"). The pair is two nouns,
never an adjective and a noun: in Spanish, French, Russian and Arabic an adjective takes the
gender of its noun, so "blue" cannot be translated once for every noun it may meet. Two nouns
side by side need no grammar in any language, and every pair is as easy to say as any other.
"""
from __future__ import annotations

import secrets

from ..sms import is_gsm7
from .translator import NP_, Translator

# Translators: a word a volunteer says at a resident's door so the resident knows them; two of
# these are picked at random ("apple moon"). Give one everyday word, said the same way everywhere
# your language is spoken, easy to hear on a phone, and unlike every other word in this list (no
# rhymes, no shared first syllable where you can avoid it); never a word that is rude or frightening
# in any dialect. Where your language can, prefer a word that needs no accent marks (a text with
# them costs twice as much). It is a name, not a sentence: no article, no full stop.
WORDS = (
    NP_("door word", "apple"),
    NP_("door word", "bread"),
    NP_("door word", "moon"),
    NP_("door word", "star"),
    NP_("door word", "flower"),
    NP_("door word", "cat"),
    NP_("door word", "rabbit"),
    NP_("door word", "orange"),
    NP_("door word", "grape"),
    NP_("door word", "cloud"),
    NP_("door word", "mountain"),
    NP_("door word", "sea"),
    NP_("door word", "chair"),
    NP_("door word", "book"),
    NP_("door word", "bell"),
    NP_("door word", "candle"),
    NP_("door word", "boat"),
    NP_("door word", "bicycle"),
    NP_("door word", "piano"),
    NP_("door word", "bear"),
    NP_("door word", "milk"),
    NP_("door word", "rice"),
    NP_("door word", "tomato"),
    NP_("door word", "pillow"),
    NP_("door word", "clock"),
    NP_("door word", "mango"),
    NP_("door word", "snow"),
    NP_("door word", "feather"),
    NP_("door word", "balloon"),
    NP_("door word", "elephant"),
    NP_("door word", "giraffe"),
    NP_("door word", "pumpkin"),
    NP_("door word", "onion"),
    NP_("door word", "salt"),
    NP_("door word", "snail"),
    NP_("door word", "leaf"),
    NP_("door word", "drum"),
    NP_("door word", "radio"),
    NP_("door word", "penguin"),
    NP_("door word", "kangaroo"),
)


def words(translator: Translator) -> list[str]:
    """The door words of a language, in the catalog's order."""
    return [translator.pgettext(*word) for word in WORDS]


def pick(translator: Translator) -> str:
    """Two different door words in the translator's language, picked so nobody can guess them."""
    choices = words(translator)
    first = secrets.randbelow(len(choices))
    second = (first + 1 + secrets.randbelow(len(choices) - 1)) % len(choices)
    return f"{choices[first]} {choices[second]}"


def longest(translator: Translator) -> str:
    """The costliest pair a language can give (what a text must have room for): the longest words,
    those that turn a text into Unicode first."""
    ranked = sorted(words(translator), key=lambda word: (not is_gsm7(word), len(word)), reverse=True)
    return f"{ranked[0]} {ranked[1]}"
