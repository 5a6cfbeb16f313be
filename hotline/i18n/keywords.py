"""Command words in every language, and the carrier words nobody may reuse."""
from __future__ import annotations

import re
import unicodedata
import weakref
from functools import lru_cache

from unidecode import unidecode

from .translator import NP_, Translator

# Carriers and Twilio act on these whole-message words before the hotline sees them.
CARRIER_OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
CARRIER_OPT_IN = frozenset({"START", "UNSTOP", "YES"})
CARRIER_HELP = frozenset({"HELP", "INFO"})
CARRIER_WORDS = CARRIER_OPT_OUT | CARRIER_OPT_IN | CARRIER_HELP

# Each command is a list of words separated by "|"; people text one as a whole message and the
# first is the one shown in texts. The context must stay a literal for extraction.
COMMANDS: dict[str, tuple[str, str]] = {
    # Translators: words that ask for help, separated by |; the first is shown in texts. Use
    # capitals, and never STOP, START, YES, CANCEL, END, QUIT, UNSUBSCRIBE.
    "help": NP_("command", "HELP|INFO"),
    # Translators: words that start over at the main menu, separated by |; the first is shown.
    "menu": NP_("command", "MENU"),
    # Translators: words that list one's open requests, separated by |; the first is shown.
    "status": NP_("command", "STATUS"),
    # Translators: words that start signing up as a volunteer, separated by |; the first is shown.
    "volunteer": NP_("command", "VOLUNTEER"),
    # Translators: words that bring the menu of languages, separated by |; the first is shown.
    "language": NP_("command", "LANGUAGE|LANG"),
    # Translators: words that ask to erase all the hotline keeps about the sender, separated by |;
    # the first is shown in texts ("BORRAR" in Spanish). Never STOP, CANCEL or another carrier word.
    "delete": NP_("command", "DELETE|ERASE"),
    # Translators: words that ask what the hotline keeps about the sender, separated by |; the first
    # is shown. Spaces are fine here ("MIS DATOS").
    "mydata": NP_("command", "MY DATA|MYDATA"),
    # Translators: words that ask for this week's and this month's figures of the hotline, separated
    # by |; the first is shown. Never a carrier word.
    "stats": NP_("command", "STATS"),
    # Translators: words that ask for regular wellness check-ins (or change them), separated by |; the
    # first is shown in texts. Spaces are fine ("CHECK IN"); never a carrier word.
    "checkin": NP_("command", "CHECKIN|CHECK IN|CHECK-IN"),
    # Translators: words that pause check-ins, maybe followed by a date ("PAUSE CHECKINS Dec 20"),
    # separated by |; the first is shown. Never the volunteers' word alone ("PAUSE").
    "pausecheckins": NP_("command", "PAUSE CHECKINS|PAUSE CHECKIN|PAUSE CHECK-INS"),
    # Translators: words that end check-ins, separated by |; the first is shown. Never STOP alone.
    "stopcheckins": NP_("command", "STOP CHECKINS|STOP CHECKIN|STOP CHECK-INS|END CHECKINS"),
    # Translators: words that turn a resident's news texts (broadcast updates) on or off, separated by |;
    # the first is shown in texts. Never a carrier word, never the word for check-ins.
    "updates": NP_("command", "UPDATES|NEWS"),
    # Translators: volunteer word, followed by a task code, to decline an offer ("PASS 427").
    "pass": NP_("command", "PASS|SKIP"),
    # Translators: volunteer word, followed by a task code, when the task is finished ("DONE 427").
    "done": NP_("command", "DONE|FINISHED"),
    # Translators: volunteer word, followed by a task code, to give a claimed task back ("DROP 427").
    "drop": NP_("command", "DROP"),
    # Translators: volunteer word, followed by a task code and words, to leave a note for the
    # coordinators ("NOTE 427 nobody answered the door"); never sent to the resident.
    "note": NP_("command", "NOTE"),
    # Translators: volunteer word, followed by a task code, to have the hotline call them and put
    # them through to the resident of that task ("CALL 427"); neither sees the other's number.
    # One word, never a carrier word (STOP, HELP...) nor another command's word.
    "call": NP_("command", "CALL"),
    # Translators: volunteer word that lists their open tasks.
    "tasks": NP_("command", "TASKS"),
    # Translators: volunteer word to stop getting offers for a while, maybe followed by days ("PAUSE 7").
    "pause": NP_("command", "PAUSE"),
    # Translators: volunteer word to get offers again after a pause.
    "resume": NP_("command", "RESUME"),
    # Translators: volunteer word to take the few days off offered after a heavy week. Not the
    # word for PAUSE in your language.
    "rest": NP_("command", "REST"),
}
# Commands that are a whole message on their own; the others take a task code or a number after.
RESIDENT_COMMANDS = ("help", "menu", "status", "volunteer", "language", "delete", "mydata", "stats", "checkin",
                     "stopcheckins", "updates")
# Commands a resident may follow with words (PAUSE CHECKINS Dec 20).
RESIDENT_COMMANDS_WITH_WORDS = ("pausecheckins",)
VOLUNTEER_COMMANDS = ("pass", "done", "drop", "note", "call", "tasks", "pause", "resume", "rest")

_PUNCT = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing so "Español!" matches "espanol"."""
    text = unicodedata.normalize("NFKC", text or "")
    # Scripts without a Latin form keep their own letters; Latin ones lose accents.
    folded = "".join(unidecode(ch) if ch.isascii() is False and _is_latin(ch) else ch for ch in text)
    folded = _PUNCT.sub(" ", folded.casefold())
    return " ".join(folded.split())


def _is_latin(ch: str) -> bool:
    try:
        return "LATIN" in unicodedata.name(ch)
    except ValueError:
        return False


def carrier_word(text: str) -> str | None:
    """Return the carrier keyword this whole message is, if it is one."""
    word = (text or "").strip().upper()
    return word if word in CARRIER_WORDS else None


def command_words(translator: Translator, command: str) -> list[str]:
    """The words for a command in the translator's language."""
    text = translator.pgettext(*COMMANDS[command])
    return [w.strip() for w in text.split("|") if w.strip()]


# Word lists folded once per language catalog and message, then kept with the catalog: folding
# every command's words on every text cost more than the rest of reading it.
_FOLDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def folded_words(translator: Translator, marked: str | tuple[str, str]) -> tuple[str, ...]:
    """The "|"-separated words of a marked message in the translator's language, each folded as
    `normalize` folds a message (empty ones left out)."""
    memo = _FOLDED.get(translator.catalog)
    if memo is None:
        memo = _FOLDED.setdefault(translator.catalog, {})
    words = memo.get(marked)
    if words is None:
        words = memo[marked] = tuple(dict.fromkeys(
            key for key in (normalize(word) for word in translator.marked(marked).split("|")) if key))
    return words


def command_keys(translator: Translator, command: str) -> tuple[str, ...]:
    """The words for a command in the translator's language, folded as `normalize` folds a message."""
    return folded_words(translator, COMMANDS[command])


def shown_word(translator: Translator, command: str) -> str:
    """The word to show people for a command, in their language."""
    return command_words(translator, command)[0]


def match_command(text: str, translators: list[Translator], commands=RESIDENT_COMMANDS) -> str | None:
    """Return the command this whole message names in any of the given languages."""
    found = match_command_in(text, translators, commands)
    return found[0] if found else None


def match_command_in(text: str, translators: list[Translator],
                     commands=RESIDENT_COMMANDS) -> tuple[str, str] | None:
    """Return the command this whole message names, and the language of the first that names it."""
    key = normalize(text)
    if not key:
        return None
    for translator in translators:
        for command in commands:
            if key in command_keys(translator, command):
                return command, translator.code
    return None


def split_command(text: str, translators: list[Translator], commands=VOLUNTEER_COMMANDS) -> tuple[str, str] | None:
    """Read "PASS 427" or "pass #427" as (command, argument); None if it starts with no command.

    The longest word that starts the message wins, so a word that begins with another command's
    word ("NGHI NGOI", to rest, after "NGHI", to pause) is read as itself.
    """
    key = normalize(text)
    if not key:
        return None
    best: tuple[int, str, str] | None = None
    for translator in translators:
        for command in commands:
            for word_key in command_keys(translator, command):
                if key == word_key:
                    found = (len(word_key), command, "")
                elif key.startswith(word_key + " "):
                    found = (len(word_key), command, key[len(word_key) + 1:].strip())
                else:
                    continue
                if best is None or found[0] > best[0]:
                    best = found
    return None if best is None else (best[1], best[2])


def as_written(text: str, argument: str) -> str:
    """The end of a message as its sender wrote it ("12/20"), whose folded form is `argument` ("12 20")."""
    words = (text or "").split()
    for start in range(len(words)):
        rest = " ".join(words[start:])
        if normalize(rest) == argument:
            return rest
    return argument
