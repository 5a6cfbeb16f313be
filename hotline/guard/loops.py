"""Telling an auto-responder from a person: known auto-reply phrases, the same words again and
again, answers faster than anyone types. A number caught looping is muted, never answered back."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache

from ..i18n import NP_, Translator
from ..i18n import keywords as kw
from ..i18n.translator import available
from .blocks import AUTO_REPLY, REPEATS

# Translators: words that only an automatic answer says (a phone's "driving mode", an office's
# out-of-office, a business line), separated by |. Add your language's usual ones; a text that
# contains any of them is taken for a machine. Keep each long enough never to be in a request.
AUTO_REPLY_PHRASES = NP_(
    "auto-reply",
    "I'm driving|I am driving|driving with do not disturb|This is an automated message|automated message|"
    "automatic reply|autoreply|do not reply to this|noreply|out of the office|I will get back to you as soon as|"
    "I'll get back to you as soon as",
)
# Fewer characters than this, and two texts being alike says nothing ("1", "yes", "help", "answer 2").
MIN_ALIKE = 16
# How alike two texts must be to count as the same words again ("Your code is 1234" / "...5678").
ALIKE = 0.85
# A person reading a reply and typing an answer: at most this many characters a second...
TYPING_PER_SECOND = 6.0
# ...and never within this many seconds of the reply.
FASTEST_ANSWER_SECONDS = 2.0


@dataclass(frozen=True)
class Seen:
    """One text from the number, as the guards see it."""

    body: str
    at: datetime
    answered: bool


@lru_cache(maxsize=8)
def phrases(locales_dir: str) -> tuple[str, ...]:
    """Every language's auto-reply phrases, folded: a machine may answer in any of them."""
    found: set[str] = set()
    for code in {"en", *available(locales_dir)}:
        text = Translator(code, locales_dir).pgettext(*AUTO_REPLY_PHRASES)
        for phrase in (text + "|" + AUTO_REPLY_PHRASES[1]).split("|"):
            folded = kw.normalize(phrase)
            if len(folded) >= 4:
                found.add(folded)
    return tuple(sorted(found))


def says_auto_reply(body: str, locales_dir: str) -> bool:
    folded = f" {kw.normalize(body)} "
    return any(f" {phrase} " in folded or (not phrase.isascii() and phrase in folded) for phrase in phrases(locales_dir))


def _fingerprint(body: str) -> str:
    return re.sub(r"\d+", "#", kw.normalize(body))


def alike(a: str, b: str) -> bool:
    if len(a) < MIN_ALIKE or len(b) < MIN_ALIKE:
        return False
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= ALIKE and matcher.quick_ratio() >= ALIKE and matcher.ratio() >= ALIKE


def _too_fast(body: str, at: datetime, before: Seen | None) -> bool:
    if before is None or not before.answered:
        return False
    seconds = (at - before.at).total_seconds()
    return seconds < FASTEST_ANSWER_SECONDS or seconds * TYPING_PER_SECOND < len(body)


def why_automatic(history: list[Seen], locales_dir: str) -> str | None:
    """Say why the last text of `history` (oldest first) looks automatic, or None when a person may have sent it."""
    last = history[-1]
    if says_auto_reply(last.body, locales_dir):
        return AUTO_REPLY
    mark = _fingerprint(last.body)
    before = history[-2] if len(history) > 1 else None
    if _too_fast(last.body, last.at, before) and any(alike(mark, _fingerprint(s.body)) for s in history[:-1]):
        return REPEATS
    return None


def looping(history: list[Seen], rounds: int, locales_dir: str) -> str | None:
    """Say why a number is looping: its last text and enough before it look automatic; None otherwise."""
    why = why_automatic(history, locales_dir)
    if why is None or rounds <= 0:
        return None
    count = 1 + sum(why_automatic(history[:i], locales_dir) is not None for i in range(1, len(history)))
    return why if count >= rounds else None
