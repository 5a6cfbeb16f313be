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
