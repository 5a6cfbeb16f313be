"""Hours and minutes written as words, per language, turned into digits before a time is read.

People type "tres y media de la tarde" and speech recognition writes "three thirty p.m.": each
language here has a rewrite that turns the number words of a clock time into the digits its
other rewrites (hotline/i18n/time_words.py) already read ("3:30 de la tarde"), so a time in
words is read exactly as the same time in figures. A number word is turned into digits only
where it is a time: beside an hour word ("heures", "часа", "giờ", "시"), after "at" or "a las",
with its minutes ("y media", "trente") or a part of the day. What is left is never guessed
around: `unplaced` finds number words the rewrites could not place ("a las tres o cuatro"), and
then the reading fails and the question is asked again, rather than the loose reading dropping
the words it does not know and keeping what is left.

Accents and tone marks are optional ("manana", "dieciseis", "ba gio chieu"), and so are the
letter variants people type (ё or е, ة or ه).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from unidecode import unidecode

# Letters typed for one another: Russian ё as е, Arabic hamza forms as a bare alif, the closing
# ta marbuta as ha and the alif maqsura as ya.
_VARIANTS = {"ё": "е", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}
_SEPARATORS = re.compile(r"[\s-]+")


def _is_latin(ch: str) -> bool:
    return ord(ch) > 127 and unicodedata.name(ch, "").startswith("LATIN")


def fold(text: str) -> str:
    """A spelling without accents, tone marks or letter variants, for looking a word up."""
    out = "".join(_VARIANTS.get(ch, unidecode(ch) if _is_latin(ch) else ch) for ch in text.casefold())
    return _SEPARATORS.sub(" ", out).strip()


def loose(word: str) -> str:
    """A pattern for a word typed with or without its accents, marks or variant letters."""
    out = []
    for ch in word:
        if ch in " -":
            out.append(r"(?:\s*-\s*|\s+)")
        elif ch in _VARIANTS or ch in _VARIANTS.values():
            plain = _VARIANTS.get(ch, ch)
            out.append("[" + plain + "".join(k for k, v in _VARIANTS.items() if v == plain) + "]")
        elif _is_latin(ch):
            out.append(f"[{ch}{re.escape(unidecode(ch))}]" if len(unidecode(ch)) == 1 else
                       f"(?:{ch}|{re.escape(unidecode(ch))})")
        else:
            out.append(re.escape(ch))
    return "".join(out)


class Numbers:
    """The spelled numbers of a language: a pattern that finds one, and the value of what it found."""

    def __init__(self, spelled: dict[str, int]):
        self.spelled = dict(spelled)
        self.values = {fold(word): value for word, value in spelled.items()}
        words = sorted(spelled, key=len, reverse=True)
        self.pattern = "(?:" + "|".join(loose(w) for w in words) + ")"

    def value(self, said: str) -> int:
        return self.values[fold(said)]

    def between(self, low: int, high: int) -> "Numbers":
        return Numbers({w: v for w, v in self.spelled.items() if low <= v <= high})

    def without(self, *words: str) -> "Numbers":
        return Numbers({w: v for w, v in self.spelled.items() if w not in words})


def spelled(base: dict[str, int], tens: dict[str, int] | None = None, units: dict[str, int] | None = None,
            joins: tuple[str, ...] = (" ",)) -> dict[str, int]:
    """Spell the numbers a language builds from tens and units ("forty-five", "treinta y uno")."""
    table = dict(base)
    for ten, tens_value in (tens or {}).items():
        table[ten] = tens_value
        for unit, unit_value in (units or {}).items():
            for join in joins:
                table[f"{ten}{join}{unit}"] = tens_value + unit_value
    return table


def clock(hour: int, minute: int = 0) -> str:
    """A time as the digits every language's rewrites read: " 3:30 "."""
    return f" {hour}:{minute:02d} "


def before(hour: int, minutes: int) -> str:
    """The time so many minutes before an hour: a quarter to four is 3:45, ten to one 12:50."""
    earlier = {0: 23, 1: 12}.get(hour, hour - 1)  # a quarter to midnight is 23:45
    return clock(earlier, 60 - minutes)


def _tidy(text: str) -> str:
    return " ".join(text.split())


# Per language: number words that, left in the text after its rewrites, nothing placed.
UNPLACED: dict[str, re.Pattern] = {}


def unplaced(text: str, *language_codes: str) -> bool:
    """Tell whether rewritten text still holds number words no rewrite could place as a time."""
    return any(code in UNPLACED and UNPLACED[code].search(text) for code in language_codes)


def _guard(numbers: Numbers) -> re.Pattern:
    return re.compile(rf"(?<!\w){numbers.pattern}(?!\w)")


# -- English ----------------------------------------------------------------------------------
# "three thirty pm", "half past three", "a quarter to four", "ten past five", "eleven in the
# morning", "fifteen hundred", "twelve noon", "in three hours". The library reads an hour word
# alone ("at three") but not its minutes, and takes what it cannot read for words to skip.

EN_NUMBERS = Numbers(spelled(
    {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
     "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
     "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19},
    tens={"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50},
    units={"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9},
    joins=("-", " "),
))
_EN_HOUR = EN_NUMBERS.between(1, 12).pattern
_EN_DAY_HOUR = EN_NUMBERS.between(1, 23).pattern
# Minutes said after the hour: "thirty", "forty-five", "oh five" (but not "three five").
_EN_MINUTE = rf"(?:(?:oh|o)\s+{EN_NUMBERS.between(1, 9).pattern}|{EN_NUMBERS.between(10, 59).pattern})"
_EN_STEPS = "quarter|five|ten|twenty|twenty-five|twenty five"
_EN_UNITS = r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?)"
_EN_PART = r"(?:(?:in\s+the|this|tomorrow|tonight|at)\s+)?(?:morning|afternoon|evening|night)\b|tonight\b"


def _en_value(said: str) -> int:
    return EN_NUMBERS.value(re.sub(r"^oh?\s+", "", fold(said)))


def english(text: str, now_local: datetime) -> tuple[str, None]:
    def number(m: re.Match) -> str:
        return f" {_en_value(m.group(1))} "

    def past(m: re.Match) -> str:
        said = m.group(1) or m.group(2)
        minutes = 30 if said == "half" else 15 if said == "quarter" else _en_value(said)
        return clock(_en_number_or_digits(m.group(3)), minutes)

    def to(m: re.Match) -> str:
        minutes = 15 if m.group(1) == "quarter" else _en_value(m.group(1))
        return before(_en_number_or_digits(m.group(2)), minutes)

    hour = rf"({_EN_HOUR}|\d{{1,2}})"
    # Minutes before "past" or "to": the usual five-minute steps, or any number said with
    # "minutes" ("from two to four" is no time).
    said = rf"({_EN_STEPS}|{EN_NUMBERS.between(1, 29).pattern}(?=\s+minutes?\b))(?:\s+minutes?)?"
    # "half past three", "a quarter after four", "ten past five", "twenty minutes to six".
    text = re.sub(rf"(?<!from )\b(?:a\s+)?(?:{said}|(half))\s+(?:past|after)\s+{hour}\b", past, text)
    text = re.sub(rf"(?<!from )\b(?:a\s+)?{said}\s+(?:to|of|till|til|before)\s+{hour}\b", to, text)
    # "three thirty", "fifteen forty-five", "seven oh five": an hour and its minutes.
    text = re.sub(rf"\b({_EN_DAY_HOUR}|\d{{1,2}})\s+({_EN_MINUTE})\b(?!\s*{_EN_UNITS})",
                  lambda m: clock(_en_number_or_digits(m.group(1)), _en_value(m.group(2))), text)
    # "fifteen hundred (hours)".
    text = re.sub(rf"\b({_EN_DAY_HOUR})\s+hundred(?:\s+hours)?\b",
                  lambda m: clock(_en_value(m.group(1))), text)
    text = re.sub(r"\btwelve\s+noon\b", " noon ", text)
    text = re.sub(r"\btwelve\s+midnight\b", " midnight ", text)
    # An hour word with something that makes it one: "at three", "three o'clock", "three pm",
    # "eleven in the morning"; a number before a unit: "in three hours".
    text = re.sub(rf"\b(at|around|about|by|before|after|till|until)\s+({_EN_HOUR})\b",
                  lambda m: f"{m.group(1)} {_en_value(m.group(2))} ", text)
    text = re.sub(rf"\b({_EN_HOUR})(?=\s*(?:o'?\s?clock\b|[ap]m\b|{_EN_PART}))", number, text)
    text = re.sub(rf"\b({EN_NUMBERS.pattern})(?=\s+{_EN_UNITS}\b)", number, text)
    return _tidy(text), None


def _en_number_or_digits(said: str) -> int:
    return int(said) if said.isdigit() else _en_value(said)


UNPLACED["en"] = _guard(EN_NUMBERS.without("one"))


# -- Spanish ----------------------------------------------------------------------------------
# "a las tres y media de la tarde", "las cuatro menos cuarto", "cuarto para las cuatro" (the
# Mexican way), "a las quince horas", "las tres cuarenta y cinco", "en dos horas".

ES_NUMBERS = Numbers(spelled(
    {"uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
     "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
     "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21,
     "veintiuna": 21, "veintiún": 21, "veintidós": 22, "veintitrés": 23, "veinticuatro": 24,
     "veinticinco": 25, "veintiséis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29},
    tens={"treinta": 30, "cuarenta": 40, "cincuenta": 50},
    units={"uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9},
    joins=(" y ",),
))
# "Una" and "un" are also "a": an hour only where the clock makes it one ("la una").
_ES_HOUR = ES_NUMBERS.between(1, 23).without("un").pattern
# Minutes after "y" or "menos": from five ("los días dos y tres" are two days), in figures from 10.
_ES_MINUTE = rf"(?:{ES_NUMBERS.between(5, 59).pattern}|[1-5]\d)"
_ES_UNITS = r"(?:horas?|hrs?|minutos?|mins?|d[ií]as?|semanas?)\b"
_ES_AFTER_HOUR = (r"(?:en punto|horas?\b|hrs?\b|[ap]m\b|(?:de|por|en) la (?:mañana|manana|tarde|noche|madrugada)"
                  r"|del medio ?d[ií]a|de la ma[ñn]ana)")


def _es(said: str) -> int:
    return int(said) if said.isdigit() else ES_NUMBERS.value(said)


def spanish(text: str, now_local: datetime) -> tuple[str, None]:
    hour = rf"({_ES_HOUR}|\d{{1,2}})"
    minutes = rf"(media|cuarto|{_ES_MINUTE})(?:\s+minutos?)?"

    def value(said: str) -> int:
        return 30 if said == "media" else 15 if said == "cuarto" else _es(said)

    # "las cuatro menos cuarto", "cinco menos diez": minutes before the hour.
    text = re.sub(rf"\b{hour}\s+menos\s+{minutes}",
                  lambda m: before(_es(m.group(1)), value(m.group(2))), text)
    # "cuarto para las cuatro", "diez para la una"; only in five-minute steps, as it is said
    # ("somos 2 para las 3" is two people).
    steps = r"(cuarto|cinco|diez|quince|veinte|veinticinco|5|10|15|20|25)"
    text = re.sub(rf"\b{steps}(?:\s+minutos?)?\s+para\s+(las?)\s+{hour}\b",
                  lambda m: before(_es(m.group(3)), value(m.group(1))), text)
    # "tres y media", "las tres y diez", "las quince treinta", "tres cuarenta y cinco".
    text = re.sub(rf"\b{hour}\s+y\s+{minutes}\b(?!\s*{_ES_UNITS})",
                  lambda m: clock(_es(m.group(1)), value(m.group(2))), text)
    text = re.sub(rf"\b(las?\s+)?({_ES_HOUR})\s+({ES_NUMBERS.between(10, 59).pattern})\b(?!\s*{_ES_UNITS})",
                  lambda m: f" {m.group(1) or ''}{clock(_es(m.group(2)), _es(m.group(3))).strip()} ", text)
    # An hour word where the clock makes it one: "a las tres", "la una", "cinco de la tarde",
    # "quince horas"; a number before a unit: "en dos horas".
    text = re.sub(rf"\b(las?)\s+({_ES_HOUR})\b", lambda m: f"{m.group(1)} {_es(m.group(2))}", text)
    text = re.sub(rf"\b({_ES_HOUR})\s+(?={_ES_AFTER_HOUR})", lambda m: f"{_es(m.group(1))} ", text)
    text = re.sub(rf"\b({ES_NUMBERS.pattern})\s+(?={_ES_UNITS})", lambda m: f"{_es(m.group(1))} ", text)
    text = re.sub(r"\bmedia\s+hora\b", "30 minutos", text)
    return _tidy(text), None


UNPLACED["es"] = _guard(ES_NUMBERS.without("uno", "una", "un"))


# -- French -----------------------------------------------------------------------------------
# "quinze heures", "dix-sept heures trente", "trois heures et demie de l'après-midi", "quatre
# heures moins le quart", "cinq heures moins dix", "midi et quart", "dans deux jours". An hour
# in words always comes with "heure(s)" (or is midi or minuit): "à trois" may be three people.

FR_NUMBERS = Numbers(spelled(
    {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
     "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
     "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19},
    tens={"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50},
    units={"et un": 1, "et une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9},
    joins=(" ", "-"),
))
_FR_HOUR = FR_NUMBERS.between(0, 23).pattern
_FR_HOURS_WORD = r"(?:heures?|h)\b"
_FR_UNITS = r"(?:minutes?|jours?|semaines?)\b"


def _fr(said: str) -> int:
    if said.isdigit():
        return int(said)
    said = fold(said)
    return {"midi": 12, "minuit": 0}.get(said) if said in ("midi", "minuit") else FR_NUMBERS.value(said)


def french(text: str, now_local: datetime) -> tuple[str, None]:
    hour = rf"(?:({_FR_HOUR}|\d{{1,2}})\s*{_FR_HOURS_WORD}|(midi|minuit))"
    minutes = rf"(le\s+quart|quart|{FR_NUMBERS.between(1, 59).pattern}|\d{{1,2}})(?:\s+minutes?)?"

    def hour_of(m: re.Match) -> int:
        return _fr(m.group(1) or m.group(2))

    def value(said: str) -> int:
        return 15 if said.endswith("quart") else _fr(said)

    # "quatre heures moins le quart", "cinq heures moins dix", "midi moins cinq".
    text = re.sub(rf"\b{hour}\s+moins\s+{minutes}",
                  lambda m: before(hour_of(m), value(m.group(3))), text)
    # "trois heures et demie", "midi et quart", "dix-sept heures trente", "huit heures dix".
    text = re.sub(rf"(?<!\bdans )(?<!\ben )\b{hour}\s+et\s+(demie?|quart)\b",
                  lambda m: clock(hour_of(m), 30 if m.group(3).startswith("demi") else 15), text)
    text = re.sub(rf"(?<!\bdans )(?<!\ben )\b{hour}\s+({FR_NUMBERS.between(1, 59).pattern})\b(?!\s*{_FR_UNITS})",
                  lambda m: clock(hour_of(m), _fr(m.group(3))), text)
    # "dans trois heures et demie" is three and a half hours from now.
    text = re.sub(rf"\b(dans|en)\s+({_FR_HOUR}|\d{{1,2}})\s*{_FR_HOURS_WORD}\s+et\s+demie?\b",
                  lambda m: f"{m.group(1)} {_fr(m.group(2)) * 60 + 30} minutes", text)
    # "quinze heures", "à trois heures", "dans deux heures" (a duration, which the rewrites after
    # keep apart), "dans deux jours".
    text = re.sub(rf"\b({_FR_HOUR})\s*(?={_FR_HOURS_WORD}|{_FR_UNITS})", lambda m: f"{_fr(m.group(1))} ", text)
    return _tidy(text), None


UNPLACED["fr"] = _guard(FR_NUMBERS.without("un", "une", "zéro", "sept"))


# -- Russian ----------------------------------------------------------------------------------
# Hours are said in the case the word before them asks for: "в три часа дня", "в пятнадцать
# часов", "к пяти", "около трёх", "после двух"; minutes follow the hour ("в три тридцать",
# "в пятнадцать сорок пять"), or the hour to come is named ("без четверти четыре" 3:45, "без
# десяти пять" 4:50, "четверть четвёртого" 3:15, "десять минут пятого" 4:10, "в половине
# четвёртого" 3:30, which the rewrites after read); "три с половиной" is 3:30.

_RU_UNITS = {"один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
             "семь": 7, "восемь": 8, "девять": 9}
_RU_UNITS_OF = {"одного": 1, "одной": 1, "двух": 2, "трёх": 3, "четырёх": 4, "пяти": 5, "шести": 6,
                "семи": 7, "восьми": 8, "девяти": 9}
_RU_UNITS_TO = {"одному": 1, "одной": 1, "двум": 2, "трём": 3, "четырём": 4, "пяти": 5, "шести": 6,
                "семи": 7, "восьми": 8, "девяти": 9}
_RU_TEENS = ("десят", "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат", "шестнадцат",
             "семнадцат", "восемнадцат", "девятнадцат")
# Nominative (and accusative, "в три"), genitive ("без пяти", "около трёх") and dative ("к трём").
RU_NUMBERS = Numbers(spelled(
    {"ноль": 0, **_RU_UNITS, **{stem + "ь": 10 + i for i, stem in enumerate(_RU_TEENS)}},
    tens={"двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50}, units=_RU_UNITS,
))
RU_NUMBERS_OF = Numbers(spelled(
    {**_RU_UNITS_OF, **{stem + "и": 10 + i for i, stem in enumerate(_RU_TEENS)}},
    tens={"двадцати": 20, "тридцати": 30, "сорока": 40, "пятидесяти": 50}, units=_RU_UNITS_OF,
))
RU_NUMBERS_TO = Numbers(spelled(
    {**_RU_UNITS_TO, **{stem + "и": 10 + i for i, stem in enumerate(_RU_TEENS)}},
    tens={"двадцати": 20, "тридцати": 30, "сорока": 40, "пятидесяти": 50}, units=_RU_UNITS_TO,
))
_RU_ONE = ("один", "одна", "одного", "одной", "одному")
_RU_HOUR = RU_NUMBERS.between(2, 23).pattern
_RU_HOUR_OF = RU_NUMBERS_OF.between(2, 23).without(*_RU_ONE).pattern
_RU_HOUR_TO = RU_NUMBERS_TO.between(2, 23).without(*_RU_ONE).pattern
_RU_MINUTE = rf"(?:ноль\s+{RU_NUMBERS.between(1, 9).pattern}|{RU_NUMBERS.between(10, 59).pattern})"
_RU_ORDINALS = {
    "первого": 1, "второго": 2, "третьего": 3, "четвёртого": 4, "пятого": 5, "шестого": 6, "седьмого": 7,
    "восьмого": 8, "девятого": 9, "десятого": 10, "одиннадцатого": 11, "двенадцатого": 12,
}
_RU_ORDINAL = Numbers(_RU_ORDINALS)
_RU_HOUR_WORD = r"(?:часа|часов|часам|час|ч\.?)(?!\w)"
_RU_UNITS_AFTER = r"(?:минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[июь]|недель)(?!\w)"


def _ru(said: str, numbers: Numbers = RU_NUMBERS) -> int:
    if said.isdigit():
        return int(said)
    if fold(said) == "час":
        return 1
    return numbers.value(re.sub(r"^ноль\s+", "", fold(said)))


def russian(text: str, now_local: datetime) -> tuple[str, None]:
    hour = rf"({_RU_HOUR}|час|\d{{1,2}})"
    # "Ровно в три": exactly at three, which is what an hour is anyway.
    text = re.sub(r"(?<!\w)ровно(?!\w)", " ", text)
    # "Часа в три", "часиков в пять": the hour put first says "about"; it is still that hour
    # ("через два часа в три" keeps its hours).
    text = re.sub(rf"(?<!\w)((?:\d{{1,2}}|{RU_NUMBERS.pattern})\s+)?час(?:а|ов|ика|иков)\s+(?=(?:в|к)\s)",
                  lambda m: m.group(0) if m.group(1) else "", text)
    # "без четверти четыре", "без десяти пять", "без пяти час", "без 15 четыре".
    minutes_of = rf"(четверти|{RU_NUMBERS_OF.between(1, 29).pattern}|\d{{1,2}})(?:\s+минут)?"
    text = re.sub(rf"(?<!\w)без\s+{minutes_of}\s+{hour}(?:\s+{_RU_HOUR_WORD})?",
                  lambda m: before(_ru(m.group(2)), 15 if m.group(1) == "четверти" else _ru(m.group(1), RU_NUMBERS_OF)),
                  text)
    # "в половине четвёртого", "полчетвёртого" 3:30, "четверть четвёртого" 3:15, "десять минут
    # пятого" 4:10, "двадцать пять минут седьмого".
    ordinal = _RU_ORDINAL.pattern
    text = re.sub(rf"(?<!\w)(?:в\s+|к\s+)?(?:половин[еау]\s+|пол-?\s?)({ordinal})(?!\w)",
                  lambda m: clock(_RU_ORDINAL.value(m.group(1)) - 1 or 12, 30), text)
    text = re.sub(rf"(?<!\w)(?:в\s+)?четверть\s+({ordinal})(?!\w)",
                  lambda m: f" в{clock(_RU_ORDINAL.value(m.group(1)) - 1 or 12, 15)}", text)
    text = re.sub(rf"(?<!\w)(?:в\s+)?({RU_NUMBERS.between(1, 59).pattern}|\d{{1,2}})\s+минут[уы]?\s+({ordinal})(?!\w)",
                  lambda m: f" в{clock(_RU_ORDINAL.value(m.group(2)) - 1 or 12, _ru(m.group(1)))}", text)
    # "три с половиной" 3:30; "в три тридцать", "в пятнадцать часов сорок пять минут", "в час
    # двадцать"; "через час двадцать" is a duration and keeps its words.
    text = re.sub(rf"(?<!\w)({_RU_HOUR}|\d{{1,2}})(?:\s+{_RU_HOUR_WORD})?\s+с\s+половиной(?!\w)",
                  lambda m: clock(_ru(m.group(1)), 30), text)
    text = re.sub(rf"(?<!через )(?<!\w){hour}(?:\s+{_RU_HOUR_WORD})?\s+({_RU_MINUTE}|\d{{2}}(?=\s+минут))"
                  rf"(?:\s+минут[аы]?)?(?!\w)",
                  lambda m: clock(_ru(m.group(1)), _ru(m.group(2))), text)
    # An hour word in the case its preposition asks for: "в три", "к пяти", "около трёх",
    # "после двух", "с девяти"; before "часа", "часов" or a part of the day ("три часа дня",
    # "пять вечера"); a number before a unit ("через две недели").
    # ("на три дня" is for three days, "на три часа" for three o'clock.)
    text = re.sub(rf"(?<!\w)на\s+({_RU_HOUR})\s+(?=часа|часов)", lambda m: f"в {_ru(m.group(1))} ", text)
    text = re.sub(rf"(?<!\w)(в|во)\s+({_RU_HOUR})(?!\w)", lambda m: f"{m.group(1)} {_ru(m.group(2))}", text)
    text = re.sub(rf"(?<!\w)(к)\s+({_RU_HOUR_TO})(?!\w)",
                  lambda m: f"{m.group(1)} {_ru(m.group(2), RU_NUMBERS_TO)}", text)
    text = re.sub(rf"(?<!\w)(около|после|до|с|от|часам к)\s+({_RU_HOUR_OF})(?!\w)",
                  lambda m: f"{m.group(1)} {_ru(m.group(2), RU_NUMBERS_OF)}", text)
    text = re.sub(rf"(?<!\bна )(?<!\w)({RU_NUMBERS.pattern})(?=\s+(?:{_RU_HOUR_WORD}|утра|дня|вечера|ночи|{_RU_UNITS_AFTER}))",
                  lambda m: str(_ru(m.group(1))), text)
    text = re.sub(r"(?<=\d) часам(?!\w)", " часов", text)
    return _tidy(text), None


# And the instrumental ("между двумя и тремя", between two and three), never a time on its own.
_RU_NUMBERS_WITH = ("двумя", "тремя", "четырьмя", "пятью", "шестью", "семью", "восемью", "девятью", "десятью",
                    "одиннадцатью", "двенадцатью")
UNPLACED["ru"] = _guard(Numbers({**RU_NUMBERS.spelled, **RU_NUMBERS_OF.spelled, **RU_NUMBERS_TO.spelled,
                                 **{word: 0 for word in _RU_NUMBERS_WITH}}).without(*_RU_ONE))


# -- Arabic -----------------------------------------------------------------------------------
# The hour is an ordinal ("الساعة الثالثة مساء", "الرابعة إلا ربع") or, as people speak, a
# number ("الساعة تلاتة العصر"); minutes come after it with "و" or "إلا": "والنصف", "وربع",
# "وثلث" (twenty past), "إلا ثلث" (twenty to), "وعشر دقائق", "إلا خمسة". The half and quarter
# hours after figures, and the parts of the day, are read by the rewrites after these.

AR_ORDINALS = Numbers({
    "الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5, "السادسة": 6, "السابعة": 7,
    "الثامنة": 8, "التاسعة": 9, "العاشرة": 10, "الحادية عشرة": 11, "الحادية عشر": 11, "الحاديه عشر": 11,
    "الثانية عشرة": 12, "الثانية عشر": 12,
})
AR_NUMBERS = Numbers({
    "واحدة": 1, "وحدة": 1, "واحد": 1, "اثنين": 2, "اتنين": 2, "اثنتين": 2, "ثنتين": 2, "اثنان": 2,
    "ثلاثة": 3, "ثلاث": 3, "تلاتة": 3, "تلات": 3, "أربعة": 4, "أربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6,
    "ست": 6, "سبعة": 7, "سبع": 7, "ثمانية": 8, "ثماني": 8, "ثمان": 8, "تمانية": 8, "تمنية": 8, "تسعة": 9,
    "تسع": 9, "عشرة": 10, "عشر": 10, "إحدى عشرة": 11, "احدعشر": 11, "حداشر": 11, "احداشر": 11,
    "اثنتا عشرة": 12, "اثنا عشر": 12, "اثني عشر": 12, "اتناشر": 12, "ثنعش": 12,
    "خمسة عشر": 15, "ربع": 15, "عشرين": 20, "عشرون": 20, "ثلث": 20, "خمس وعشرين": 25,
    "خمسة وعشرين": 25, "خمس وعشرون": 25, "خمسة وعشرون": 25, "نص": 30, "نصف": 30,
})
_AR_HOUR = rf"(?:{AR_ORDINALS.pattern}|{AR_NUMBERS.between(1, 12).pattern}|\d{{1,2}})"
_AR_PARTS = (r"(?:صباحا|صباح|الصباح|بالصباح|الصبح|صبحا|الفجر|الظهر|ظهرا|العصر|عصرا|مساء|مساءا|المساء|بالمساء|"
             r"مسا|المسا|المغرب|بالليل|ليلا|الليل|بعد الظهر)")
_AR_UNITS = r"(?:ساعات|ساعة|ساعه|دقائق|دقيقة|دقيقه|أيام|ايام|يوم|أسابيع|اسابيع|أسبوع|اسبوع)"
_AR_BEFORE = r"(?:إلا|الا|غير)"


def _ar(said: str) -> int:
    if said.isdigit():
        return int(said)
    said = fold(said)
    found = AR_ORDINALS.values.get(said) or AR_NUMBERS.values.get(said)
    return found if found is not None else AR_NUMBERS.value(said.removeprefix("ال"))  # "الربع"


def arabic(text: str, now_local: datetime) -> tuple[str, None]:
    hour = rf"({_AR_HOUR})"
    # Minutes in words, or in figures with the word for minutes ("يوم 5 و 6" is two days).
    unit = r"(?:دقيقة|دقائق|دقيقه|د)(?!\w)"
    minutes = rf"((?:ال)?{AR_NUMBERS.between(5, 30).pattern}|\d{{1,2}}(?=\s*{unit}))(?:\s*{unit})?"
    # "الرابعة إلا ربع", "الخامسة إلا عشر دقائق", "الثالثة وثلث", "الثالثة والنصف", "3 و 20 دقيقة".
    text = re.sub(rf"(?<!\w){hour}\s*{_AR_BEFORE}\s*{minutes}(?!\w)",
                  lambda m: before(_ar(m.group(1)), _ar(m.group(2))), text)
    text = re.sub(rf"(?<!\w){hour}\s*و\s*{minutes}(?!\w)",
                  lambda m: clock(_ar(m.group(1)), _ar(m.group(2))), text)
    # An ordinal is always an hour; a number is one after "الساعة" or before a part of the day
    # ("بكرة تلاتة العصر"), and a number before a unit is a count ("بعد ثلاث ساعات").
    text = re.sub(rf"(?<!\w)[بل]?({AR_ORDINALS.pattern})(?!\w)", lambda m: f" {_ar(m.group(1))} ", text)
    text = re.sub(rf"(?<!\w)((?:ع|على |عل)?(?:ال)?ساع[ةه])\s+({AR_NUMBERS.between(1, 12).pattern})(?!\w)",
                  lambda m: f" {m.group(1)} {_ar(m.group(2))} ", text)
    text = re.sub(rf"(?<!\w)({AR_NUMBERS.between(1, 12).pattern})\s+(?={_AR_PARTS}(?!\w))",
                  lambda m: f" {_ar(m.group(1))} ", text)
    text = re.sub(rf"(?<!\w)({AR_NUMBERS.between(1, 12).pattern})\s+(?={_AR_UNITS}(?!\w))",
                  lambda m: f" {_ar(m.group(1))} ", text)
    return _tidy(text), None


UNPLACED["ar"] = _guard(Numbers({**AR_ORDINALS.spelled, **AR_NUMBERS.spelled}).without(
    "واحد", "واحدة", "وحدة", "ست", "سبع", "عشر", "ربع", "ثلث", "نص", "نصف", "خمس"))


# -- Vietnamese -------------------------------------------------------------------------------
# "ba giờ chiều", "mười lăm giờ", "ba giờ mười lăm", "ba giờ ba mươi", "bốn giờ kém mười lăm"
# (3:45), "ba giờ lẻ năm" (3:05), "ba tiếng nữa". A number word with no tone marks is often
# another word ("ba" father, "năm" year, "sau" after): one is read only before "giờ" or a unit,
# or after "giờ" or "kém".

_VI_UNITS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
# After "mười" and the tens: 15 is "mười lăm", 21 "hai mươi mốt", 24 "hai mươi tư".
_VI_UNITS_AFTER = {**_VI_UNITS, "mốt": 1, "tư": 4, "lăm": 5}
VI_NUMBERS = Numbers({
    **_VI_UNITS, "mười": 10,
    # ("mười năm" and "hai mươi năm" are ten and twenty years.)
    **{f"mười {word}": 10 + value for word, value in _VI_UNITS_AFTER.items() if word not in ("mốt", "tư", "năm")},
    **spelled({}, {f"{word} mươi": value * 10 for word, value in _VI_UNITS.items() if 2 <= value <= 5},
              {w: v for w, v in _VI_UNITS_AFTER.items() if w not in ("một", "năm")}),
    # Said short: "bốn lăm" is forty-five ("ba giờ bốn lăm").
    "hai lăm": 25, "ba lăm": 35, "bốn lăm": 45, "năm lăm": 55,
})
_VI_HOUR = VI_NUMBERS.between(1, 23).pattern
_VI_GIO = loose("giờ")
_VI_COUNTED = "(?:" + "|".join(loose(w) for w in ("tiếng", "phút", "ngày", "tuần")) + r")(?!\w)"
_VI_NOT_WEEKDAY = r"(?<!thứ )(?<!thu )(?<!thư )(?<!thú )"


def _vi(said: str) -> int:
    return int(said) if said.isdigit() else VI_NUMBERS.value(said)


def vietnamese_counts(text: str, now_local: datetime) -> tuple[str, None]:
    """'Ba tiếng nữa', 'sau hai ngày', 'mười lăm phút': numbers of hours, minutes and days."""
    text = re.sub(rf"{_VI_NOT_WEEKDAY}(?<!\w)({VI_NUMBERS.pattern})\s+(?={_VI_COUNTED})",
                  lambda m: f"{_vi(m.group(1))} ", text)
    return _tidy(text), None


def vietnamese_hours(text: str, now_local: datetime) -> tuple[str, None]:
    """'Ba giờ', 'mười lăm giờ', 'ba giờ mười lăm', 'bốn giờ kém mười lăm': hours and minutes."""
    text = re.sub(rf"{_VI_NOT_WEEKDAY}(?<!\w)({_VI_HOUR})\s+(?={_VI_GIO}(?!\w))", lambda m: f"{_vi(m.group(1))} ",
                  text)
    # Minutes after the hour; "lẻ" and "linh" (and nothing) come before single minutes.
    text = re.sub(rf"(?<!\w)(\d{{1,2}}\s*{_VI_GIO})\s+(?:(?:{loose('lẻ')}|linh)\s+)?"
                  rf"((?:{loose('kém')}|{loose('thiếu')})\s+)?({VI_NUMBERS.pattern})(?!\w)(?!\s+{_VI_GIO})",
                  lambda m: f"{m.group(1)} {m.group(2) or ''}{_vi(m.group(3))}", text)
    return _tidy(text), None


UNPLACED["vi"] = re.compile(
    # "ba hoặc bốn giờ", "ba bốn giờ" (three or four o'clock).
    rf"(?<!\w)(?:{VI_NUMBERS.pattern})\s+(?:\d{{1,2}}(?!\d)\s*)?(?:{_VI_GIO}|{_VI_COUNTED}|{loose('hoặc')}|hay)(?!\w)"
    rf"|(?<!\w)(?:{_VI_GIO}|{loose('kém')})\s+(?:{VI_NUMBERS.pattern})(?!\w)"
)


# -- Korean -----------------------------------------------------------------------------------
# Hours in native numerals (세 시, 열두 시), 24-hour ones and minutes in Sino-Korean (십오 시,
# 삼십 분, 사십오 분); "네 시 십오 분 전" is a quarter to four. 반 (half) is read after.

KO_NATIVE_HOURS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
                   "열": 10, "열한": 11, "열두": 12}
_KO_SINO = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_KO_SINO_NUMBER = "(?:[이삼사오]?십[일이삼사오육칠팔구]?|[일이삼사오육칠팔구])"


def sino(numeral: str) -> int:
    """Read a Sino-Korean number up to 59: 오 5, 십오 15, 사십오 45."""
    tens, ten, units = numeral.rpartition("십")
    if not ten:
        return _KO_SINO[units]
    return (_KO_SINO.get(tens, 1) if tens else 1) * 10 + (_KO_SINO[units] if units else 0)


# A number starts a word, or comes straight after a day or a part of the day (오후세시).
_KO_START = "(?:(?<![가-힣])|" + "|".join(f"(?<={word})" for word in (
    "오늘", "내일", "모레", "새벽", "아침", "오전", "오후", "저녁", "점심", "낮", "밤")) + ")"
_KO_NATIVE = "|".join(sorted(KO_NATIVE_HOURS, key=len, reverse=True))


def korean(text: str, now_local: datetime) -> tuple[str, None]:
    # 세 시, 세시, 열두 시; 세 시간 (three hours) is a count, kept with its 간.
    text = re.sub(rf"{_KO_START}({_KO_NATIVE})\s*시(\s*간)?",
                  lambda m: f"{KO_NATIVE_HOURS[m.group(1)]}시{m.group(2) or ''}", text)
    # 십오 시, 이십 시: 24-hour hours are Sino-Korean (and 오 시 would be "come").
    text = re.sub(rf"{_KO_START}((?:이십[일이삼]?|십[삼사오육칠팔구]))\s*시(?!\s*간)", lambda m: f"{sino(m.group(1))}시",
                  text)
    # Minutes after the hour: 세 시 삼십 분, 3시 십오분.
    text = re.sub(rf"(\d{{1,2}}\s*시)\s*({_KO_SINO_NUMBER})\s*분", lambda m: f"{m.group(1)} {sino(m.group(2))}분", text)
    # 네 시 십오 분 전: minutes before the hour.
    text = re.sub(r"(\d{1,2})\s*시\s*(\d{1,2})\s*분\s*전(?![가-힣])",
                  lambda m: f"{before(int(m.group(1)), int(m.group(2))).strip().replace(':', '시 ')}분", text)
    return _tidy(text), None


# Hours never placed, and the numerals of "about" (서너 시, three or four o'clock).
UNPLACED["ko"] = re.compile(rf"{_KO_START}(?:{_KO_NATIVE}|한두|두세|서너|너덧|네댓|대여섯|예닐곱|두어)\s*시(?!\s*간)"
                            rf"|시\s*{_KO_SINO_NUMBER}\s*분")


# -- Chinese ----------------------------------------------------------------------------------
# Numerals are read by the Chinese rewrites (三点, 十五点三十分, 三点半); these add the quarter
# hours (三点一刻, 三点三刻), "差" (差一刻四点 and 四点差一刻 are 3:45) and "过" (三点过五分). Two
# numerals side by side (三四点) are "three or four", which is never guessed.

def chinese_quarters(text: str, now_local: datetime) -> tuple[str, None]:
    quarter = r"(?:一|1)\s*刻"

    def to(hour: str, minutes: int) -> str:
        earlier = before(int(hour), minutes).strip().split(":")
        return f"{earlier[0]}点{earlier[1]}分"

    text = re.sub(rf"差\s*{quarter}\s*(\d{{1,2}})\s*点", lambda m: to(m.group(1), 15), text)
    text = re.sub(r"差\s*(\d{1,2})\s*分\s*(\d{1,2})\s*点", lambda m: to(m.group(2), int(m.group(1))), text)
    text = re.sub(rf"(\d{{1,2}})\s*点\s*差\s*{quarter}", lambda m: to(m.group(1), 15), text)
    text = re.sub(r"(\d{1,2})\s*点\s*差\s*(\d{1,2})\s*分?", lambda m: to(m.group(1), int(m.group(2))), text)
    text = re.sub(r"(\d{1,2})\s*点\s*(?:过|过了)\s*(\d{1,2})\s*分?", r"\1点\2分", text)
    quarters = {"一": 1, "1": 1, "二": 2, "两": 2, "2": 2, "三": 3, "3": 3}
    text = re.sub(r"(\d{1,2})\s*点\s*([一二两三123])\s*刻", lambda m: f"{m.group(1)}点{15 * quarters[m.group(2)]:02d}分",
                  text)
    return text, None


UNPLACED["zh"] = re.compile(r"[零〇一二两三四五六七八九十]+\s*(?:点|点钟|时)")


# -- Tagalog ----------------------------------------------------------------------------------
# Hours are said with Spanish numbers after "alas" ("alas tres", "ala una"), minutes too ("alas
# tres y medya", "alas tres kinse", "alas tres y beynte", "alas kuwatro menos kinse" 3:45,
# "kuwarenta'y singko"), or "at kalahati" (and a half); the formal hours are ordinals ("ikatlo
# ng hapon", 3 pm). Counts are Tagalog ("tatlong oras"), and English is everywhere (Taglish).

TL_NUMBERS = Numbers({
    "una": 1, "dos": 2, "tres": 3, "kuwatro": 4, "kwatro": 4, "kuatro": 4, "cuatro": 4, "singko": 5,
    "sinko": 5, "cinco": 5, "sais": 6, "seis": 6, "siyete": 7, "syete": 7, "siete": 7, "otso": 8, "ocho": 8,
    "nuwebe": 9, "nwebe": 9, "nueve": 9, "diyes": 10, "dyes": 10, "diez": 10, "onse": 11, "once": 11,
    "dose": 12, "doce": 12, "kinse": 15, "quince": 15, "kuwarto": 15, "kwarto": 15,
    **spelled({}, {"beynte": 20, "beinte": 20, "bente": 20, "veinte": 20, "trenta": 30, "treynta": 30,
                   "treinta": 30, "kuwarenta": 40, "kwarenta": 40, "cuarenta": 40, "singkuwenta": 50,
                   "singkwenta": 50, "cincuenta": 50},
              {"singko": 5, "sinko": 5, "cinco": 5}, joins=(" ", "'y ", " y ")),
    "medya": 30, "media": 30,
})
# The ordinals after "ika" ("ikatlo", "ika-lima").
_TL_ORDINALS = Numbers({
    "isa": 1, "lawa": 2, "tlo": 3, "apat": 4, "lima": 5, "anim": 6, "pito": 7, "walo": 8, "siyam": 9,
    "sampu": 10, "labing-isa": 11, "labingisa": 11, "labindalawa": 12, "labing-dalawa": 12,
})
_TL_ORDINAL = rf"\bika-?\s?({_TL_ORDINALS.pattern})\b"
_TL_COUNTS = {"isang": 1, "dalawang": 2, "tatlong": 3, "apat na": 4, "limang": 5, "anim na": 6, "pitong": 7,
              "walong": 8, "siyam na": 9, "sampung": 10}
_TL_CARDINALS = ("dalawa", "tatlo", "apat", "anim", "walo", "siyam", "sampu")
_TL_PART = r"(?:(?:ng|sa|nang)\s+)?(?:madaling[- ]?araw|umaga|tanghali|hapon|gabi)\b"


def tagalog(text: str, now_local: datetime) -> tuple[str, None]:
    hour_words = TL_NUMBERS.between(1, 12).without("kinse", "quince", "kuwarto", "kwarto").pattern
    minutes = TL_NUMBERS.between(5, 59).without(*(w for w, v in TL_NUMBERS.spelled.items() if v < 5)).pattern

    def value(said: str) -> int:
        return int(said) if said.isdigit() else TL_NUMBERS.value(said.replace("'y", " y"))

    # "ikatlo ng hapon", "ikatlo at kalahati ng hapon": the formal hours.
    text = re.sub(rf"{_TL_ORDINAL}(?=(?:\s+at\s+kalahati)?\s+{_TL_PART})",
                  lambda m: f"alas {_TL_ORDINALS.value(m.group(1))}", text)
    # "alas kuwatro menos kinse", "alas tres y medya", "alas tres kinse", "ika-3 at kalahati".
    hour = rf"\b(alas|ala|ika)[- ]?\s?({hour_words}|\d{{1,2}})\b"
    text = re.sub(rf"{hour}\s+menos\s+({minutes}|\d{{1,2}})\b",
                  lambda m: f"alas{before(value(m.group(2)), value(m.group(3)))}", text)
    # (After "ika" only with "y": "ika-5 kinse" may be the 5th and fifteen of something.)
    text = re.sub(rf"{hour}(\s+y|'y)?\s+({minutes})\b(?!\s+(?:oras|minuto))",
                  lambda m: m.group(0) if m.group(1) == "ika" and not m.group(3) else
                  f"alas{clock(value(m.group(2)), value(m.group(4)))}", text)
    text = re.sub(rf"{hour}\s+at\s+kalahati\b", lambda m: f"alas{clock(value(m.group(2)), 30)}", text)
    # "alas tres" (but "ika-5" alone may be the 5th of the month).
    text = re.sub(rf"\b(alas|ala)[- ]?\s?({hour_words})\b", lambda m: f"alas {value(m.group(2))}", text)
    # "dalawang oras", "tatlong araw": counts, in Tagalog numbers with their linker.
    counts = "|".join(sorted(_TL_COUNTS, key=len, reverse=True))
    text = re.sub(rf"\b({counts})\s+(?=(?:oras|minuto|araw)\b)", lambda m: f"{_TL_COUNTS[m.group(1)]} ", text)
    return _tidy(text), None


UNPLACED["tl"] = re.compile(
    rf"(?<!\w)(?:{TL_NUMBERS.without('una', 'medya', 'media', 'kuwarto', 'kwarto').pattern}|"
    rf"{'|'.join(_TL_CARDINALS)})(?!\w)|{_TL_ORDINAL}|{UNPLACED['en'].pattern}"
)


# -- Haitian Creole ---------------------------------------------------------------------------
# An hour is one word ending in è ("twazè", "senkè", "kenzè"), or midi and minwi; its minutes
# follow it: "twazè edmi", "twazè e ka" (3:15), "katrè mwen ka" (3:45), "twazè dis", "twazè e
# ven", "senkè mwen dis" (4:50). The hour alone is left as "3è" for the Kreyòl rewrites to read.

HT_HOURS = Numbers({
    "inè": 1, "dezè": 2, "twazè": 3, "katrè": 4, "senkè": 5, "sizè": 6, "sètè": 7, "uitè": 8, "nevè": 9,
    "dizè": 10, "onzè": 11, "douzè": 12, "trèzè": 13, "katòzè": 14, "kenzè": 15, "sèzè": 16, "disetè": 17,
    "dizuitè": 18, "diznevè": 19, "ventè": 20, "venteyinè": 21, "ventdezè": 22, "venntwazè": 23,
})
HT_NUMBERS = Numbers({
    "en": 1, "youn": 1, "de": 2, "twa": 3, "kat": 4, "senk": 5, "sis": 6, "sèt": 7, "uit": 8, "nèf": 9,
    "dis": 10, "onz": 11, "douz": 12, "kenz": 15, "ven": 20, "vennsenk": 25, "venn senk": 25, "trant": 30,
    "trannsenk": 35, "trant senk": 35, "karant": 40, "karannsenk": 45, "karant senk": 45, "senkant": 50,
    "senkannsenk": 55, "senkant senk": 55,
})


def kreyol(text: str, now_local: datetime) -> tuple[str, None]:
    named = {"midi": 12, "minwi": 0}
    hour = rf"\b({HT_HOURS.pattern}|midi|minwi|(\d{{1,2}}) ?è)"
    minutes = rf"(ka|{HT_NUMBERS.between(5, 59).pattern})"

    def hour_of(m: re.Match) -> int:
        said = fold(m.group(1))
        return int(m.group(2)) if m.group(2) else named.get(said, HT_HOURS.values.get(said, 0))

    def value(said: str) -> int:
        return 15 if said == "ka" else HT_NUMBERS.value(said)

    # "katrè mwen ka", "senkè mwens dis": minutes before the hour.
    text = re.sub(rf"{hour}\s+mwens?\s+(?:yon\s+)?{minutes}\b", lambda m: before(hour_of(m), value(m.group(3))), text)
    # "twazè edmi", "twazè e ka", "twazè dis", "midi edmi".
    text = re.sub(rf"{hour}\s+(?:(?:e|ak)\s+)?(edmi|demi)\b", lambda m: clock(hour_of(m), 30), text)
    text = re.sub(rf"{hour}\s+(?:(?:e|ak)\s+)?{minutes}\b", lambda m: clock(hour_of(m), value(m.group(3))), text)
    text = re.sub(rf"\b({HT_HOURS.pattern})\b", lambda m: f" {HT_HOURS.value(m.group(1))}è ", text)
    text = re.sub(r"\b(?:a\s+)?minwi\b", " 00:00 ", text)
    return _tidy(text), None


UNPLACED["ht"] = _guard(Numbers({**HT_HOURS.spelled, **HT_NUMBERS.spelled}).without("en", "youn", "de", "sèt"))
