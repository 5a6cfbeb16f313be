"""The words people answer with instead of a choice's number: yes, no, none, and numbers in words.

Each language lists its own in the catalogs (msgctxt "answer" and "number"), separated by |; the
hotline understands them in the person's language and in English, with case and accents ignored.
A whole-message YES belongs to the carrier (it opts a number back in), so it is never an answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import keywords as kw
from .translator import NP_, Translator

YES, NO, NONE = "yes", "no", "none"
# An answer this short may start with yes or no and go on ("sí, envíela"); a longer one is a sentence.
SHORT_ANSWER_WORDS = 3

# Translators: whole answers that mean "yes", separated by |, lower case. Include the short
# ones people text ("si", "ok"); a word here must never mean "no" or a number.
YES_WORDS = NP_("answer", "yes|y|yeah|yep|ok|okay|sure|of course|correct|right|that's right|yes please")
# Translators: whole answers that mean "no", separated by |, lower case.
NO_WORDS = NP_("answer", "no|n|nope|no thanks|not now|nah|wrong")
# Translators: whole answers that mean "none of these" or "nothing", separated by |, lower case.
NONE_WORDS = NP_("answer", "none|nothing|none of these|no one|nobody")
# Translators: whole answers that say "I am home safely", separated by |, lower case. The first is
# shown in capitals in "reply OK when you are home": keep "ok" first if people text it in your language.
HOME_WORDS = NP_("answer", "ok|home|i'm home|i am home|im home|home now|home safe|made it home|safe|back home")
# Translators: words people put around a yes or a no ("yes, thanks", "no thank you", "of course
# not"), separated by |, lower case: thanks, please and the like. None may mean yes or no alone.
COURTESY_WORDS = NP_("answer", "thanks|thank you|thank u|thanks a lot|thank you so much|thx|ty|please")
# Translators: the numbers one to ten written in words, each with its other common forms, separated
# by | (for example "two|second|2nd"); people answer menus and counts with them.
NUMBER_WORDS = (
    NP_("number", "one|first|1st"),
    NP_("number", "two|second|2nd"),
    NP_("number", "three|third|3rd"),
    NP_("number", "four|fourth|4th"),
    NP_("number", "five|fifth|5th"),
    NP_("number", "six|sixth|6th"),
    NP_("number", "seven|seventh|7th"),
    NP_("number", "eight|eighth|8th"),
    NP_("number", "nine|ninth|9th"),
    NP_("number", "ten|tenth|10th"),
)


def _words(translator: Translator, marked: tuple[str, str]) -> frozenset[str]:
    return frozenset(w for w in (kw.normalize(x) for x in translator.pgettext(*marked).split("|")) if w)


@dataclass(frozen=True)
class Answers:
    """The answer words of one or more languages (the person's, then English)."""

    yes: frozenset[str]
    no: frozenset[str]
    none: frozenset[str]
    numbers: dict[str, int]
    home: frozenset[str] = frozenset()
    courtesy: tuple[str, ...] = ()  # longest first

    def bare(self, key: str) -> str:
        """A folded message without the thanks and please around it ("si gracias" is "si")."""
        changed = True
        while changed and key:
            changed = False
            for words in self.courtesy:
                if key.endswith(words) and (len(key) == len(words) or key[-len(words) - 1] == " "
                                            or _spaceless(key[-len(words) - 1])):
                    key, changed = key[:-len(words)].rstrip(), True
                elif key.startswith(words) and (len(key) == len(words) or key[len(words)] == " "
                                                or _spaceless(key[len(words)])):
                    key, changed = key[len(words):].lstrip(), True
        return key

    def meaning(self, text: str, *, whole: bool = False) -> str | None:
        """Read a message as yes, no or none: a whole answer ("claro"), or a short one that starts
        with it ("sí, envíela", "no, change it"); with `whole`, only a whole answer. A bare carrier
        word is not an answer, and neither is a sentence that only starts like one ("No problem, see
        you tomorrow", "Y también leche")."""
        if kw.carrier_word(text):
            return None
        key = kw.normalize(text)
        if not key:
            return None
        for kind, words in ((NONE, self.none), (YES, self.yes), (NO, self.no)):
            if key in words:
                return kind
        key = self.bare(key)  # "sí, gracias", "no, thank you", "claro que sí"
        if not key:
            return None  # "gracias" alone answers nothing
        for kind, words in ((NONE, self.none), (YES, self.yes), (NO, self.no)):
            if key in words:
                return kind
        parts = key.split()
        if whole or len(parts) > SHORT_ANSWER_WORDS or len(parts[0]) < 2:
            return None
        first = parts[0]
        found = {kind for kind, words in ((YES, self.yes), (NO, self.no), (NONE, self.none)) if first in words}
        # "no" in "yes, no problem" or "ok no" leaves it unclear: then it is not read at all.
        if len(found) == 1:
            kind = next(iter(found))
            others = self.no if kind == YES else self.yes
            if not any(word in others for word in key.split()[1:]):
                return kind
        return None

    def says_home(self, text: str) -> bool:
        """Read a whole message as "I am home" ("ok", "home", "llegué"), never a bare carrier word."""
        if kw.carrier_word(text):
            return False
        return kw.normalize(text) in self.home

    def number(self, text: str) -> int | None:
        """Read a whole message that is a number in words or digits ("dos", "2", "#2")."""
        key = kw.normalize(text).lstrip("#")
        if key.isdecimal() and len(key) <= 6:
            return int(key)
        return self.numbers.get(key)


@lru_cache(maxsize=64)
def answers_for(codes: tuple[str, ...], locales_dir: str) -> Answers:
    """The answers understood from someone who reads these languages (theirs first, then English)."""
    yes, no, none, home, courtesy, numbers = set(), set(), set(), set(), set(), {}
    for code in dict.fromkeys(codes):
        t = Translator(code, locales_dir)
        courtesy |= _words(t, COURTESY_WORDS)
        yes |= _words(t, YES_WORDS)
        no |= _words(t, NO_WORDS)
        none |= _words(t, NONE_WORDS)
        home |= _words(t, HOME_WORDS)
        for value, marked in enumerate(NUMBER_WORDS, 1):
            for word in _words(t, marked):
                numbers.setdefault(word, value)
    # A word that is yes in one language and no in another (rare) answers neither.
    both = yes & no
    # A courtesy word that is itself an answer somewhere stays an answer.
    courtesy -= yes | no | none
    return Answers(frozenset(yes - both), frozenset(no - both), frozenset(none), numbers, frozenset(home - no),
                   tuple(sorted(courtesy, key=len, reverse=True)))


def _spaceless(character: str) -> bool:
    """A character of a script written without spaces between words (Chinese, Japanese, Korean)."""
    return ord(character) >= 0x2E80


def home_word(translator: Translator) -> str:
    """The word shown in "reply OK when you are home", in the reader's language."""
    words = [w.strip() for w in translator.pgettext(*HOME_WORDS).split("|") if w.strip()]
    return (words[0] if words else "ok").upper()
