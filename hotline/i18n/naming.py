"""Reading which languages someone names: one, or several in a list ("english, spanish",
"español e inglés", "tiếng Anh và tiếng Việt", "English and 中文", "1 2")."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from babel.lists import format_list

from . import keywords as kw
from .languages import Language

# Between the items of a list, in any script: commas, semicolons, slashes, new lines.
SEPARATORS = re.compile(r"[,;/\n、，；]+")
BREAK = None  # where a joining word ("and") ends one part of a list and starts the next


@dataclass(frozen=True)
class Reading:
    """The languages a message names, in the order named, and the parts of it that name none."""

    codes: tuple[str, ...]
    unread: tuple[str, ...]


@dataclass(frozen=True)
class _Piece:
    key: str  # as normalized
    raw: str  # as written, to quote back


def name_index(offered: Iterable[Language]) -> dict[str, str]:
    """Every name of every offered language, normalized, to its code."""
    index: dict[str, str] = {}
    for lang in offered:
        for name in lang.names:
            index.setdefault(kw.normalize(name), lang.code)
    return index


def named(text: str, offered: Iterable[Language]) -> str | None:
    """Return the language whose name is the whole message ("Español", "inglés", "英语")."""
    return name_index(offered).get(kw.normalize(text))


def read_languages(text: str, offered: list[Language], number_words: Mapping[str, int] | None = None) -> Reading:
    """Read a list of languages, by name (in any offered language) or by their number in `offered`.

    The message is split on commas, semicolons and slashes and on each language's word for "and";
    each part is read whole (names can have several words), then word by word. A part that names
    no language is kept, as written, in `unread`, so it can be asked about rather than dropped.
    """
    index = name_index(offered)
    longest = max((len(key.split()) for key in index), default=1)
    # Names written in scripts without a Latin form are found inside longer words too ("英语和中文").
    inner = sorted((key for key in index if " " not in key and not key.isascii()), key=len, reverse=True)
    joining = _joining(offered)
    codes: list[str] = []
    unread: list[str] = []
    for part in _parts(text, joining):
        found, bad = _read_part(part, index, longest, inner, len(offered), number_words or {})
        codes += [offered[n - 1].code if isinstance(n, int) else n for n in found]
        if bad or not found:
            unread.append(" ".join(dict.fromkeys(p.raw for p in (bad or part))))
    return Reading(tuple(dict.fromkeys(codes)), tuple(unread))


def _joining(offered: Iterable[Language]) -> tuple[set[str], set[str], set[str], set[str]]:
    """The words for "and": standing alone, joined after a name, before it, or inside a word."""
    alone, after, before, inside = set(), set(), set(), set()
    for lang in offered:
        for word in lang.joining:
            if word.startswith("-"):
                after.add(kw.normalize(word[1:]))
            elif word.endswith("-"):
                before.add(kw.normalize(word[:-1]))
            elif all(_unspaced(ch) for ch in word):
                inside.add(kw.normalize(word))
            else:
                alone.add(kw.normalize(word))
    return alone, after, before, inside


def _unspaced(ch: str) -> bool:
    """Tell whether a letter is of a script written without spaces between words (Chinese)."""
    return "CJK" in unicodedata.name(ch, "")


def _parts(text: str, joining) -> list[list[_Piece]]:
    """Split a message into the parts of its list, each as normalized words."""
    alone, after, before, inside = joining
    parts: list[list[_Piece]] = []
    for chunk in SEPARATORS.split(text or ""):
        current: list[_Piece] = []
        for raw in chunk.split():
            for key in kw.normalize(raw).split():
                for piece in _unjoin(key, after, before, inside):
                    if piece is BREAK or piece in alone:
                        if current:
                            parts.append(current)
                        current = []
                    else:
                        current.append(_Piece(piece, raw if piece == kw.normalize(raw) else piece))
        if current:
            parts.append(current)
    return parts


def _unjoin(key: str, after: set[str], before: set[str], inside: set[str]) -> list[str | None]:
    """Take the "and" off a word it is joined to: "영어와" -> 영어, BREAK; "英语和中文" -> 英语, BREAK, 中文."""
    if key.isascii():
        return [key]
    for word in sorted(inside, key=len, reverse=True):
        if word in key:
            head, _, tail = key.partition(word)
            return [*(_unjoin(head, after, before, inside) if head else []), BREAK,
                    *(_unjoin(tail, after, before, inside) if tail else [])]
    for word in after:
        if key.endswith(word) and len(key) > len(word):
            return [key[: -len(word)], BREAK]
    for word in before:
        if key.startswith(word) and len(key) > len(word) + 1:
            return [BREAK, key[len(word):]]
    return [key]


def _read_part(part: list[_Piece], index: dict[str, str], longest: int, inner: list[str], count: int,
               number_words: Mapping[str, int]) -> tuple[list, list[_Piece]]:
    """Read one part: whole, then word by word. Return what it names (codes, or menu numbers) and
    the words that are numbers of no choice."""
    keys = [p.key for p in part]
    whole = index.get(" ".join(keys))
    if whole is not None:
        return [whole], []
    found: list = []
    bad: list[_Piece] = []
    # A number word ("un", "de") is a choice only in a part of numbers alone: in "un peu
    # d'espagnol" or "de lang" it is just a word.
    numbers_only = all(_numbers(k, count, number_words) is not None for k in keys)
    i = 0
    while i < len(keys):
        for span in range(min(longest, len(keys) - i), 0, -1):
            code = index.get(" ".join(keys[i:i + span]))
            if code is not None:
                found.append(code)
                i += span
                break
        else:
            key = keys[i]
            numbers = _numbers(key, count, number_words) if key.isdigit() or numbers_only else None
            if numbers is not None:
                if numbers:
                    found += numbers
                else:
                    bad.append(part[i])
            elif not key.isascii():
                found += _inside(key, index, inner)
            i += 1
    return found, bad


def _numbers(key: str, count: int, number_words: Mapping[str, int]) -> list[int] | None:
    """Read a word as menu numbers: [] for a number that is no choice, None for no number at all."""
    if key.isdigit():
        value = int(key)
        if 0 < value <= count:
            return [value]
        if count < 10 and all(0 < int(d) <= count for d in key):
            return [int(d) for d in key]  # "24" on a menu of single digits is 2 and 4
        return []
    value = number_words.get(key)
    if value is None:
        return None
    return [value] if 0 < value <= count else []


def _inside(key: str, index: dict[str, str], inner: list[str]) -> list[str]:
    """Names inside one word of a script without a Latin form, longest first, in the order written."""
    spans: list[tuple[int, str]] = []
    taken = [False] * len(key)
    for name in inner:
        start = key.find(name)
        while start >= 0:
            if not any(taken[start:start + len(name)]):
                spans.append((start, index[name]))
                for j in range(start, start + len(name)):
                    taken[j] = True
            start = key.find(name, start + 1)
    return [code for _, code in sorted(spans)]


def listed(names: list[str], lang: Language) -> str:
    """Write names as a list reads in a language: "English and Spanish", "inglés y español"."""
    pattern = format_list(["{0}", "{1}"], locale=lang.babel_locale)
    word = next((w for w in lang.joining if not w.startswith("-") and not w.endswith("-")), "")
    if pattern == "{0}, {1}" and word:
        # A language whose list patterns the locale data lacks (Haitian Creole): its own "and".
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"
    text = format_list(names, locale=lang.babel_locale)
    for pattern, replacement in lang.extra.get("list_rewrites", ()):
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text
