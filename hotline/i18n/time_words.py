"""Time words per language that the date library does not know yet, and how hours are read.

Each language may list rewrites, applied in order to the cleaned, lower-case text before the
library sees it. A rewrite turns phrasings into words the library knows, or into plain digits
("15:00", "2026-12-05") that every language shares, and may take out a part of the day
("por la tarde") for the hour to be read by. A language without an entry gets the library alone.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Callable

# Parts of the day, named as the date library names them in its English forms.
EARLY_MORNING, MORNING, AFTERNOON = "early_morning", "morning", "afternoon"
EVENING, NIGHT = "evening", "night"
# The hour a ride is planned for when the rider names only a part of the day; always read back.
PART_HOURS = {EARLY_MORNING: 7, MORNING: 9, AFTERNOON: 14, EVENING: 18, NIGHT: 20}


def hour_for(hour: int, part: str | None, meridiem: str | None = None, padded: bool = False) -> int:
    """Turn an hour as written into 0-23, by am/pm, the part of the day, or the likely reading."""
    if meridiem == "am":
        return 0 if hour == 12 else hour
    if meridiem == "pm":
        return hour if hour == 12 else hour + 12
    if hour > 12 or hour == 0:
        return hour
    if part in (MORNING, EARLY_MORNING):
        return 0 if hour == 12 else hour
    if part in (AFTERNOON, EVENING):
        return hour if hour == 12 else hour + 12
    if part == NIGHT:
        return hour + 12 if 6 <= hour <= 11 else (0 if hour == 12 else hour)
    if padded:
        return hour  # "05:30" is written as a 24-hour time
    # Nobody books a ride for 3 at night: "at 3" is 3pm, "at 9" is 9am. The read-back confirms.
    return hour + 12 if 1 <= hour <= 6 else hour


def day_of_month(day: int, today: date) -> date | None:
    """Return the next date, from today on, that falls on this day of the month."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


Rewrite = Callable[[str, datetime], tuple[str, str | None]]


def _sub(pattern: str, replacement: str | Callable, part: str | None = None) -> Rewrite:
    compiled = re.compile(pattern)

    def rewrite(text: str, now_local: datetime) -> tuple[str, str | None]:
        new, count = compiled.subn(replacement, text)
        return " ".join(new.split()), (part if count else None)

    return rewrite


SUPPLEMENTS: dict[str, tuple[Rewrite, ...]] = {}


def _nth_day(pattern: str) -> Rewrite:
    """Turn "the 5th" or "el día 5" (group 1) into the date it next falls on."""
    compiled = re.compile(pattern)

    def rewrite(text: str, now_local: datetime) -> tuple[str, None]:
        def replace(match: re.Match) -> str:
            found = day_of_month(int(match.group(1)), now_local.date())
            return f" {found.isoformat()} " if found else match.group(0)

        return " ".join(compiled.sub(replace, text).split()), None

    return rewrite


def _drop(pattern: str) -> Rewrite:
    return _sub(pattern, " ")


def _part(pattern: str, part: str, replacement: str = " ") -> Rewrite:
    return _sub(pattern, replacement, part)


SUPPLEMENTS["en"] = (
    _sub(r"\b(?:tmrw?|tmw|tmrow|2morrow|tomm?orr?ow)\b", "tomorrow"),
    _sub(r"\bnxt\b", "next"),
    _nth_day(r"\b(?:the |on the )?(\d{1,2})(?:st|nd|rd|th)\b"
             r"(?! of\b| (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"),
    _drop(r"\bo'?clock\b"),
    _sub(r"\bhalf past (\d{1,2})\b", r"\1:30"),
    _sub(r"\bin the (?=morning|afternoon|evening)|\bat (?=night)", ""),
)

SUPPLEMENTS["es"] = (
    _sub(r"\bpasado mañana\b", "en 2 días"),
    _sub(r"\b(?:(?:a )?las )?12 (?:del |al |de )?medio ?d[ií]a\b|\b(?:al |a )?medio ?d[ií]a\b", " 12:00 "),
    _part(r"\b(?:esta|hoy (?:en|por) la) mañana\b", MORNING, " hoy "),
    _part(r"\b(?:esta|hoy (?:en|por) la) tarde\b", AFTERNOON, " hoy "),
    _part(r"\b(?:esta|hoy (?:en|por) la) noche\b", NIGHT, " hoy "),
    _part(r"\b(?:de|por|en|a) la mañana\b", MORNING),
    _part(r"\b(?:(?:de|por|en|a) la )?tarde\b", AFTERNOON),
    _part(r"\b(?:(?:de|por|en|a) la )?noche\b", NIGHT),
    _sub(r"\ba la una\b", "a las 1"),
    _sub(r"\ba la (\d)", r"a las \1"),
    _sub(r"\b(\d{1,2}) y media\b", r"\1:30"),
    _sub(r"\b(\d{1,2}) y cuarto\b", r"\1:15"),
    _sub(r"\ba las (\d{1,2}) ?(?:hrs?|horas?)\b|\b(\d{1,2}) ?hrs\b",
         lambda m: f"a las {m.group(1) or m.group(2)}:00"),
    _nth_day(r"\b(?:el )?d[ií]a (\d{1,2})\b(?! de\b)"),
    _drop(r"\ben punto\b"),
    # Words the library stumbles on and that change nothing: "el jueves", "el próximo lunes".
    _drop(r"\b(?:el|la|este|esta|pr[oó]xim[oa]|que viene|entrante)\b"),
)


# Chinese: numerals near time words become digits, a part of the day with an hour becomes a
# 24-hour time, "next week's Tuesday" and "December 5" become dates.
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMERAL = "[零〇一二两兩三四五六七八九十]+"
_ZH_PARTS = {
    "凌晨": EARLY_MORNING, "早上": MORNING, "早晨": MORNING, "上午": MORNING, "中午": AFTERNOON,
    "下午": AFTERNOON, "傍晚": EVENING, "晚上": NIGHT, "夜里": NIGHT, "夜裡": NIGHT,
}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def zh_number(numeral: str) -> int:
    """Read a Chinese numeral up to 99: 三 3, 十五 15, 二十 20, 两 2."""
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(units, 0) if units else 0)
    value = 0
    for ch in numeral:
        value = value * 10 + _ZH_DIGITS[ch]
    return value


def _zh_numerals(text: str, now_local: datetime) -> tuple[str, None]:
    text = re.sub(_ZH_NUMERAL + r"(?=[点點时時分月日号號])", lambda m: str(zh_number(m.group(0))), text)
    text = re.sub(r"(?<=[点點时時])" + _ZH_NUMERAL, lambda m: str(zh_number(m.group(0))), text)
    return text, None


def _zh_week(text: str, now_local: datetime) -> tuple[str, None]:
    def replace(match: re.Match) -> str:
        monday = now_local.date() - timedelta(days=now_local.weekday())
        weeks = 1 if match.group(1) == "下" else 0
        return f" {(monday + timedelta(weeks=weeks, days=_ZH_WEEKDAYS[match.group(2)])).isoformat()} "

    text = re.sub(r"(下|这|這|本)(?:个|個)?(?:周|週|星期|礼拜|禮拜)([一二三四五六日天])", replace, text)
    return text, None


def _zh_dates(text: str, now_local: datetime) -> tuple[str, None]:
    today = now_local.date()

    def month_day(match: re.Match) -> str:
        month, day = int(match.group(2)), int(match.group(3))
        years = (int(match.group(1)),) if match.group(1) else (today.year, today.year + 1)
        for year in years:
            try:
                candidate = date(year, month, day)
            except ValueError:
                return match.group(0)
            if candidate >= today or match.group(1):
                return f" {candidate.isoformat()} "
        return match.group(0)

    def day_only(match: re.Match) -> str:
        found = day_of_month(int(match.group(1)), today)
        return f" {found.isoformat()} " if found else match.group(0)

    text = re.sub(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号號]?", month_day, text)
    text = re.sub(r"(\d{1,2})[日号號]", day_only, text)
    return text, None


def _zh_clock(text: str, now_local: datetime) -> tuple[str, str | None]:
    found: list[str] = []
    periods = "|".join(_ZH_PARTS)

    def replace(match: re.Match) -> str:
        period, hour, minutes = match.group(1), int(match.group(2)), match.group(3) or ""
        minute = 30 if minutes == "半" else 15 if minutes == "一刻" else 45 if minutes == "三刻" else (
            int(re.sub(r"\D", "", minutes) or 0))
        if period:
            if period == "中午" and hour in (11, 12):
                value = hour  # 中午十一点 is late morning, 中午十二点 is noon
            else:
                value = hour_for(hour, _ZH_PARTS[period])
            return f" {value:02d}:{minute:02d} "
        if minutes:
            return f" {hour}:{minute:02d} "
        return f" {hour} "  # a lone hour: read like "at 3"

    text = re.sub(rf"({periods})?\s*(\d{{1,2}})\s*[点點时時](?:钟|鐘)?\s*(半|一刻|三刻|\d{{1,2}}\s*分?)?", replace, text)

    def part(match: re.Match) -> str:
        found.append(_ZH_PARTS[match.group(0)])
        return " "

    text = re.sub(periods, part, text)
    return " ".join(text.split()), (found[0] if found else None)


SUPPLEMENTS["zh"] = (
    _part(r"今晚", NIGHT, " 今天 "),
    _part(r"明晚", NIGHT, " 明天 "),
    _part(r"今早", MORNING, " 今天 "),
    _part(r"明早", MORNING, " 明天 "),
    _zh_week,
    _zh_numerals,
    _zh_dates,
    _zh_clock,
)


# Russian: the library reads most of it; these help with hours written with "часа", "ч" or a dot
# ("в 15.30"), parts of the day after an hour ("в 3 часа дня"), half hours ("в половине
# четвёртого" is 3:30), "next week", noon, and days of the month ("5-го", "5 числа").
_RU_MONTHS = (r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*")
_RU_WEEKDAYS = {
    "понедельник": 0, "пн": 0, "вторник": 1, "вт": 1, "среда": 2, "среду": 2, "ср": 2,
    "четверг": 3, "чт": 3, "пятница": 4, "пятницу": 4, "пт": 4, "суббота": 5, "субботу": 5, "сб": 5,
    "воскресенье": 6, "вс": 6,
}
_RU_WEEKDAY = "(" + "|".join(sorted(_RU_WEEKDAYS, key=len, reverse=True)) + ")"
_RU_ORDINALS = {
    "первого": 1, "второго": 2, "третьего": 3, "четвертого": 4, "четвёртого": 4, "пятого": 5,
    "шестого": 6, "седьмого": 7, "восьмого": 8, "девятого": 9, "десятого": 10,
    "одиннадцатого": 11, "двенадцатого": 12,
}
_RU_PARTS = {"утра": MORNING, "дня": AFTERNOON, "вечера": EVENING, "ночи": NIGHT}
_RU_PART_WORDS = (
    (r"\b(?:с утра|утром)\b", MORNING),
    (r"\b(?:днём|днем|после обеда)\b", AFTERNOON),
    (r"\b(?:вечером|вечера)\b", EVENING),
    (r"\b(?:ночью|ночи)\b", NIGHT),
)


def _ru_week(text: str, now_local: datetime) -> tuple[str, None]:
    """"Во вторник на следующей неделе" and "на этой неделе в пятницу" become dates."""
    monday = now_local.date() - timedelta(days=now_local.weekday())

    def day(weeks: int, weekday: str) -> str:
        return f" {(monday + timedelta(weeks=weeks, days=_RU_WEEKDAYS[weekday])).isoformat()} "

    week = r"(?:на )?(следующей|этой) неделе"
    text = re.sub(rf"(?:во? )?\b{_RU_WEEKDAY}\b,? {week}",
                  lambda m: day(1 if m.group(2) == "следующей" else 0, m.group(1)), text)
    text = re.sub(rf"{week},? (?:во? )?\b{_RU_WEEKDAY}\b",
                  lambda m: day(1 if m.group(1) == "следующей" else 0, m.group(2)), text)
    return " ".join(text.split()), None


def _ru_dots(text: str, now_local: datetime) -> tuple[str, None]:
    """"В 15.30" and "15.00" are times; "5.12" and "05.12.2026" are dates, day first."""
    def replace(match: re.Match) -> str:
        first, second, year = int(match.group(2)), int(match.group(3)), match.group(4)
        if not year and (match.group(1) or second > 12 or second == 0) and first <= 23 and second <= 59:
            return f"{match.group(1) or ''}{first}:{second:02d}"
        if not 1 <= second <= 12:
            return match.group(0)
        if year:
            years: tuple[int, ...] = (int(year) + (2000 if len(year) == 2 else 0),)
        else:
            years = (now_local.year, now_local.year + 1)
        for candidate_year in years:
            try:
                candidate = date(candidate_year, second, first)
            except ValueError:
                return match.group(0)
            if year or candidate >= now_local.date():
                return f"{match.group(1) or ''} {candidate.isoformat()} "
        return match.group(0)

    text = re.sub(r"(\b(?:в|к|с|до) )?\b(\d{1,2})\.(\d{2})(?:\.(\d{4}|\d{2}))?\b(?!\.\d)", replace, text)
    return " ".join(text.split()), None


def _ru_hours(text: str, now_local: datetime) -> tuple[str, str | None]:
    """"3 часа дня", "в 10 утра", "в час дня", "17 ч": an hour, with the part of the day it names."""
    found: list[str] = []

    def with_part(match: re.Match) -> str:
        found.append(_RU_PARTS[match.group(3)])
        return f" {int(match.group(1))}:{match.group(2) or '00'} "

    text = re.sub(r"\b(?:в |к )?час (?=(?:утра|дня|ночи)\b)|\b(?:в|к) час\b ?", "1:00 ", text)
    text = re.sub(r"(?<!через )\b(\d{1,2})(?::(\d{2}))?(?: ?(?:часа|часов|час|ч)\b\.?)? "
                  r"(утра|дня|вечера|ночи)\b", with_part, text)
    text = re.sub(r"(?<!через )\b(\d{1,2}) ?(?:часа|часов|час|ч)\b\.?", r" \1:00 ", text)
    for pattern, part in _RU_PART_WORDS:
        text, count = re.subn(pattern, " ", text)
        if count:
            found.append(part)
    return " ".join(text.split()), (found[0] if found else None)


SUPPLEMENTS["ru"] = (
    _sub(r"\b(?:в |к )?(?:половин[еау] |пол-?|пол )(" + "|".join(_RU_ORDINALS) + r")\b",
         lambda m: f" {(_RU_ORDINALS[m.group(1)] - 1) or 12}:30 "),
    _sub(r"\b(?:в |к )?(?:полдень|12 (?:часов )?дня)\b", " 12:00 "),
    _ru_week,
    _sub(r"\b(?:следующ|ближайш)\w*", "next"),
    _ru_dots,
    _sub(r"\b(\d{1,2})-?(?:го|ого|е)\b(?= " + _RU_MONTHS + ")", r"\1"),
    _nth_day(r"\b(\d{1,2})(?:-?(?:го|ого|е))? числа\b"),
    _nth_day(r"\b(\d{1,2})-(?:го|ого)\b"),
    _ru_hours,
    _sub(r"\bк (?=\d)", "в "),
)


# Haitian Creole: the date library does not read it. These rewrites turn Kreyòl days, months,
# hours ("3è", "twazè", "3è edmi") and parts of the day into English, which the library reads;
# the same words, with the French spellings many people write, are also accepted. What they do
# not change is read as English and then as French (ALSO_READ), and dates are day first.
KREYOL_WEEKDAYS = ("lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch")
KREYOL_MONTHS = ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb",
                 "novanm", "desanm")
_ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december")
_HT_WEEKDAYS = {
    r"lendi|lundi": 0, r"madi|mardi": 1, r"m[eè]kr[eè]di|mercredi": 2, r"jedi|jeudi": 3,
    r"vandr[eè]di|vendredi": 4, r"samdi|samedi": 5, r"dimanch|dimanche": 6,
}
# Month names that are also everyday words ("me", "mas", "out", "jen") only count beside a number.
_HT_MONTHS = {
    r"janvy[eè]|janvier": 1, r"fevriy[eè]|f[eé]vrier": 2, r"mas|mars": 3, r"avril": 4, r"me|mai": 5,
    r"jen|juin": 6, r"jiy[eè]|juillet": 7, r"out|ao[uû]t": 8, r"s[eè]ptanm|septembre": 9,
    r"okt[oò]b|octobre": 10, r"novanm|novembre": 11, r"desanm|d[eé]cembre": 12,
}
_HT_EVERYDAY = {"mas", "me", "jen", "out"}
_HT_TODAY = "(?:jodi a|jodia|jodi-a|jodi)"
_HT_NEXT = r"(?:pwoch[eè]n|k ?ap vini(?: an)?|ki ap vini(?: an)?|prochain)"
_EN_WEEKDAY = "(" + "|".join(_ENGLISH_WEEKDAYS) + ")"
_HT_HOURS = {"inè": 1, "dezè": 2, "twazè": 3, "katrè": 4, "senkè": 5, "sizè": 6, "sètè": 7,
             "uitè": 8, "nevè": 9, "dizè": 10, "onzè": 11}
_HT_PARTS = (
    (r"\b(?:nan |la |le )?(?:apr[eè] ?midi|lapr[eè] ?midi)\b", AFTERNOON),
    (r"\b(?:nan |le )?maten\b|\bdimaten\b", MORNING),
    (r"\b(?:nan |le |la )?asw[eè]\b|\bdiswa\b", EVENING),
    (r"\b(?:nan |la )?nwit\b|\blannwit\b|\bdinwit\b", NIGHT),
)


def _ht_hours(text: str, now_local: datetime) -> tuple[str, None]:
    """"3è", "3 è", "3è30", "3è edmi", "15h", "twazè": hours as "H:MM", which every language reads."""
    for word, hour in _HT_HOURS.items():
        text = re.sub(rf"\b{word.replace('è', '[eè]')}\b", f" {hour}:00 ", text)

    def clock(match: re.Match) -> str:
        hour, minute, extra = int(match.group(1)), match.group(2), match.group(3) or ""
        if extra:
            minute = "30" if "mi" in extra else "15"
        return f" {hour}:{int(minute or 0):02d} "

    text = re.sub(r"\b(\d{1,2})(?: ?è|e| ?h)(?:(\d{2})\b|( (?:e |ak )?(?:edmi|demi|ka)\b))?"
                  r"(?![^\W\d_])", clock, text)
    return " ".join(text.split()), None


def _ht_words(text: str, now_local: datetime) -> tuple[str, None]:
    for pattern, weekday in _HT_WEEKDAYS.items():
        text = re.sub(rf"\b(?:{pattern})\b", _ENGLISH_WEEKDAYS[weekday], text)
    for pattern, month in _HT_MONTHS.items():
        english = _ENGLISH_MONTHS[month - 1]
        text = re.sub(rf"(?<=\d) (?:{pattern})\b", f" {english}", text)
        if pattern.split("|")[0] not in _HT_EVERYDAY:
            text = re.sub(rf"\b(?:{pattern})\b", english, text)
    return " ".join(text.split()), None


def _ht_parts(text: str, now_local: datetime) -> tuple[str, str | None]:
    found: list[str] = []
    for pattern, part in _HT_PARTS:
        text, count = re.subn(pattern, " ", text)
        if count:
            found.append(part)
    return " ".join(text.split()), (found[0] if found else None)


SUPPLEMENTS["ht"] = (
    _sub(r"\bapr[eè] ?demen\b|\baprè-demen\b", " in 2 days "),
    # "Aswè a" (tonight) opens the message; "demen aswè a 8è" is tomorrow evening at 8.
    _part(rf"\b{_HT_TODAY} (?:nan )?asw[eè]\b|^asw[eè] ?a\b", NIGHT, " today "),
    _part(rf"\b{_HT_TODAY} (?:nan )?maten\b|^maten an\b", MORNING, " today "),
    _part(rf"\b{_HT_TODAY} (?:nan )?apr[eè] ?midi\b|^apr[eè] ?midi a\b", AFTERNOON, " today "),
    _sub(r"\bd[eè]m[eè]n\b", " tomorrow "),
    _sub(rf"\b{_HT_TODAY}\b", " today "),
    _sub(r"\by[eè]\b", " yesterday "),
    _ht_parts,
    _sub(r"\b(?:a |vè |ve |vers )?midi\b", " 12:00 "),
    _ht_hours,
    _sub(r"\bnan (?:yon|1) (?:[eè]dtan|lè)\b", " in 1 hour "),
    _sub(r"\bnan (\d+) (?:[eè]dtan|lè)\b", r" in \1 hours "),
    _sub(r"\bnan (\d+) minit\b", r" in \1 minutes "),
    _sub(r"\bnan (\d+) jou\b", r" in \1 days "),
    _ht_words,
    _sub(rf"\b{_EN_WEEKDAY} {_HT_NEXT}\b", r"next \1"),
    _sub(rf"\b(?:pwoch[eè]n|prochain) (?={_EN_WEEKDAY})", "next "),
    _sub(r"\b(?:semèn|semen) (?:pwoch[eè]n|k ?ap vini)\b|\bl[oò]t semèn\b|\bl[oò]t semen\b", " next week "),
    _nth_day(r"\b(?:jou |le )(\d{1,2})(?: an| a| la)?\b(?! (?:" + "|".join(_ENGLISH_MONTHS) + r"))"),
    _sub(r"\b(?:a|à|vè|ve|vers|pou) (?=\d)", " at "),
    _drop(r"\b(?:la|a|nan|pou|tanpri|souple|silvouplè|mèsi|mesi)\b"),
)

# Languages the library does not read: after their own rewrites (above) their text is read as
# the library's code for them (English), then as these languages.
ALSO_READ = {"ht": ("fr",)}
# Date order for numeric dates, where the language's own custom is not the library's.
DATE_ORDERS = {"ht": "DMY"}


def _kreyol_format(moment: datetime, style: str) -> str:
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    day = f"{moment.day} {KREYOL_MONTHS[moment.month - 1]}"
    weekday = KREYOL_WEEKDAYS[moment.weekday()]
    return {"time": clock, "day": f"{weekday} {day}", "short": f"{day} a {clock}"}.get(
        style, f"{weekday} {day} a {clock}")


# Locales the date library has no words for: how a moment is written, by style ("long",
# "short", "day", "time"). Kreyòl: "jedi 3 desanm a 3:00 PM", as it is said and read back.
OWN_FORMATS: dict[str, Callable[[datetime, str], str]] = {"ht": _kreyol_format}
