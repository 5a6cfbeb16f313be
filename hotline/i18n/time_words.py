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


# -- shared by the Vietnamese and Tagalog rewrites ----------------------------------------------

def _day(now_local: datetime, days: int) -> str:
    return f" {(now_local.date() + timedelta(days=days)).isoformat()} "


def _weekday(now_local: datetime, weekday: int, when: str | None) -> str:
    """The date of a weekday (Monday 0): "this" week's, "next" week's, or by default the next one
    to come after today, the way "tuesday" reads in English."""
    today = now_local.date()
    if when in ("this", "next"):
        monday = today - timedelta(days=today.weekday())
        found = monday + timedelta(weeks=1 if when == "next" else 0, days=weekday)
    else:
        found = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return f" {found.isoformat()} "


def _month_day(now_local: datetime, day: int, month: int, year: int | None = None) -> str | None:
    """The next date, from today on, with this day and month (or in the year given)."""
    today = now_local.date()
    for candidate_year in ((year,) if year else (today.year, today.year + 1)):
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            return None
        if found >= today or year:
            return f" {found.isoformat()} "
    return None


def _later(now_local: datetime, minutes: int) -> str:
    """A moment so many minutes from now, as a date and a 24-hour time."""
    at = now_local + timedelta(minutes=minutes)
    return f" {at.date().isoformat()} {at.hour:02d}:{at.minute:02d} "


def _clock(hour: int, minute: int, part: str | None) -> str | None:
    """A typed hour and part of the day as a 24-hour time; noon hours read as they are."""
    if part == NOON:
        value = hour if hour in (11, 12) else hour_for(hour, AFTERNOON)
    elif part == EVENING and hour == 12:
        value = 0  # twelve at night
    else:
        value = hour_for(hour, part)
    if not (0 <= value <= 23 and 0 <= minute <= 59):
        return None
    return f" {value:02d}:{minute:02d} "


NOON = "noon"  # only inside these rewrites: "12 noon", "1 in the early afternoon"


# -- Vietnamese -----------------------------------------------------------------------------
# People type with or without tone marks ("chiều" or "chieu"); each word below matches both, but
# a word that is something else without its marks ("tôi" I, "sang" to go over) is read as a time
# only next to a day or an hour. Hours come as "3 giờ", "3g", "3h30", "15h", "3 giờ rưỡi",
# "3 giờ kém 15"; days as "mai", "thứ 5", "thứ ba tuần sau", "ngày 5", "5 tháng 12".

def _vi(word: str) -> str:
    """A pattern for a Vietnamese word typed with its marks or without any."""
    from unidecode import unidecode

    out = []
    for ch in word:
        if ch == " ":
            out.append(r"\s+")
        elif ch.isascii():
            out.append(re.escape(ch))
        else:
            out.append(f"[{ch}{unidecode(ch)}]")
    return "".join(out)


def _vi_any(*words: str) -> str:
    return "(?:" + "|".join(_vi(w) for w in sorted(words, key=len, reverse=True)) + ")"


_VI_NUMBERS = {
    "mười một": 11, "mười hai": 12, "mười": 10, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_VI_WEEKDAYS = {
    "hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "bốn": 2, "4": 2, "năm": 3, "5": 3,
    "sáu": 4, "6": 4, "bảy": 5, "bẩy": 5, "7": 5,
}
_VI_HOUR = _vi_any("giờ", "tiếng")
_VI_PARTS = (  # (pattern, part, needs a day or an hour next to it when typed without marks)
    (_vi("sáng sớm") + "|" + _vi("rạng sáng"), EARLY_MORNING, False),
    ("sáng", MORNING, False), ("sang", MORNING, True),
    (_vi("trưa"), NOON, False),
    (_vi("chiều"), AFTERNOON, False),
    ("tối", EVENING, False), ("toi", EVENING, True),
    ("đêm", NIGHT, False), ("dem", NIGHT, True), (_vi("khuya"), NIGHT, False),
)
_VI_NEXT_TO_TIME = re.compile(
    r"(?:^|\s)(?:\d{1,2}\s*(?:giờ|gio|g|h)?(?:\s*\d{1,2})?|buổi|buoi|rưỡi|ruoi)\s*$"
)
_VI_BEFORE_DAY = re.compile(
    r"^\s*(?:nay|mai|mốt|kia|hôm|hom|bữa|bua|thứ|thu|chủ|chu|cn\b|t[2-7]\b|\d)"
)


def _vi_relative(text: str, now_local: datetime) -> tuple[str, None]:
    """'2 tiếng nữa', 'sau 30 phút', '3 ngày nữa': counted from now ("sau 2 giờ" stays a clock)."""
    more = rf"(?:\s+{_vi('nữa')})?"
    for unit, scale in ((_vi("tiếng"), 60), (_vi("phút"), 1)):
        text = re.sub(rf"\b(?:{_vi('sau')}|{_vi('trong')})\s+(\d{{1,3}})\s*{unit}\b{more}",
                      lambda m: _later(now_local, int(m.group(1)) * scale), text)
    text = re.sub(rf"\b{_vi('trong')}\s+(\d{{1,2}})\s*{_vi('giờ')}\b{more}",
                  lambda m: _later(now_local, int(m.group(1)) * 60), text)
    text = re.sub(rf"\b(\d{{1,2}})\s*{_VI_HOUR}\s+{_vi('nữa')}\b",
                  lambda m: _later(now_local, int(m.group(1)) * 60), text)
    text = re.sub(rf"\b(\d{{1,3}})\s*{_vi('phút')}\s+{_vi('nữa')}\b",
                  lambda m: _later(now_local, int(m.group(1))), text)
    text = re.sub(rf"\b(?:{_vi('sau')}\s+(\d{{1,2}})\s*{_vi('ngày')}\b{more}|(\d{{1,2}})\s*{_vi('ngày')}\s+{_vi('nữa')}\b)",
                  lambda m: _day(now_local, int(m.group(1) or m.group(2))), text)
    return text, None


def _vi_days(text: str, now_local: datetime) -> tuple[str, None]:
    text = re.sub(r"\bbây giờ\b", " ", text)  # "now", with its marks (without, it is "7 giờ")
    text = re.sub(rf"\b(?:{_vi('ngày')}\s+)?{_vi('hôm nay')}\b|\b{_vi('bữa nay')}\b",
                  _day(now_local, 0), text)
    text = re.sub(rf"\b(?:{_vi('hôm')}|{_vi('bữa')})\s+qua\b", _day(now_local, -1), text)
    text = re.sub(rf"\b{_vi('hôm kia')}\b", _day(now_local, -2), text)
    text = re.sub(rf"\b(?:{_vi('ngày')}|{_vi('bữa')})\s+(?:{_vi('mốt')}|kia)\b|\bmốt\b", _day(now_local, 2), text)
    text = re.sub(rf"\b(?:(?:{_vi('ngày')}|{_vi('bữa')})\s+)?mai\b", _day(now_local, 1), text)

    def weekday(match: re.Match) -> str:
        name = match.group(1) or match.group(2) or ""
        key = next((k for k in _VI_WEEKDAYS if re.fullmatch(_vi(k), name)), None)
        number = 6 if key is None else _VI_WEEKDAYS[key]
        rest = match.group(3) or ""
        when = "next" if re.search(_vi("tuần") + r"\s+(?:sau|" + _vi("tới") + ")", rest) else (
            "this" if rest.strip() else None)
        if rest.strip() and re.fullmatch(r"\s*" + _vi("tới"), rest):
            when = None  # "thứ ba tới": the coming Tuesday
        return _weekday(now_local, number, when)

    names = "|".join(_vi(k) for k in sorted(_VI_WEEKDAYS, key=len, reverse=True))
    text = re.sub(
        rf"\b(?:{_vi('thứ')}\s*({names})|t([2-7])|(?:{_vi('chủ nhật')}|cn))\b"
        rf"((?:\s+{_vi('tuần')}\s+(?:sau|{_vi('tới')}|{_vi('này')}))|\s+{_vi('này')}|\s+{_vi('tới')})?",
        weekday, text)
    return " ".join(text.split()), None


def _vi_dates(text: str, now_local: datetime) -> tuple[str, None]:
    def full(match: re.Match) -> str:
        year = int(match.group(3)) if match.group(3) else None
        return _month_day(now_local, int(match.group(1)), int(match.group(2)), year) or match.group(0)

    def day_only(match: re.Match) -> str:
        found = day_of_month(int(match.group(1)), now_local.date())
        return f" {found.isoformat()} " if found else match.group(0)

    day = rf"(?:{_vi('ngày')}|{_vi('mùng')}|{_vi('mồng')})"
    text = re.sub(rf"\b(?:{day}\s+)?(\d{{1,2}})\s+{_vi('tháng')}\s+(\d{{1,2}})(?:\s+{_vi('năm')}\s+(\d{{4}}))?\b",
                  full, text)
    text = re.sub(rf"\b{day}\s+(\d{{1,2}})\b(?!\s*[/.-]\d)", day_only, text)
    return text, None


def _vi_clock(text: str, now_local: datetime) -> tuple[str, str | None]:
    # Numbers in words before "giờ": "ba giờ chiều".
    words = "|".join(_vi(w) for w in sorted(_VI_NUMBERS, key=len, reverse=True))
    text = re.sub(rf"\b({words})\s+(?={_vi('giờ')}\b)",
                  lambda m: f"{next(v for k, v in _VI_NUMBERS.items() if re.fullmatch(_vi(k), m.group(1)))} ",
                  text)
    part = None
    spans = []
    for pattern, found, needs_company in _VI_PARTS:
        for match in re.finditer(rf"\b(?:{_vi('buổi')}\s+)?(?:{pattern})\b", text):
            if needs_company and not (_VI_NEXT_TO_TIME.search(text[:match.start()])
                                      or _VI_BEFORE_DAY.match(text[match.end():])):
                continue
            spans.append(match.span())
            part = part or found
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    text = re.sub(rf"\b{_vi('nay')}\b", _day(now_local, 0), text) if part else text

    converted = []

    def clock(match: re.Match) -> str:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if match.group(3):
            minute = 30
        if match.group(4):
            hour, minute = (hour - 1) % 24, 60 - int(match.group(4))
        value = _clock(hour, minute, part)
        if value is None:
            return match.group(0)
        converted.append(value)
        return value

    hour_mark = rf"(?:{_vi('giờ')}|g|h)(?![^\W\d_])"
    text = re.sub(
        rf"(?<![\d/.:-])\b(\d{{1,2}})\s*(?:{hour_mark}|:(?=\d))\s*(?:(\d{{1,2}})(?![\d/.:-])\s*(?:{_vi('phút')}|p)?(?![^\W\d_])|"
        rf"({_vi('rưỡi')})|(?:{_vi('kém')}|{_vi('thiếu')})\s*(\d{{1,2}})\s*(?:{_vi('phút')}|p)?)?"
        rf"(?:\s*{_vi('đúng')})?",
        clock, text)
    if part is not None and not converted:
        # A lone number before the part of the day: "3 chiều mai" has lost its part word by now,
        # so the number is left for the shared rules, read by the part returned.
        if part == NOON:
            if not re.search(r"\b\d{1,2}\b(?![:/.-]\d)", re.sub(r"\d{4}-\d{2}-\d{2}", " ", text)):
                text += " 12:00 "
            return " ".join(text.split()), AFTERNOON
        return " ".join(text.split()), part
    return " ".join(text.split()), None


_VI_FILLER = re.compile(r"\b(?:" + "|".join(_vi(w) for w in (
    "lúc", "vào", "khoảng", "tầm", "chừng", "đón", "ngày", "giờ", "đúng", "nhé", "nha", "ạ", "ơi",
)) + r")\b")


SUPPLEMENTS["vi"] = (
    _vi_relative,
    _vi_days,
    _vi_dates,
    _vi_clock,
    lambda text, now_local: (" ".join(_VI_FILLER.sub(" ", text).split()), None),
)


# -- Tagalog --------------------------------------------------------------------------------
# Hours come as "alas-3", "alas tres" (Spanish numbers), "3 ng hapon", "alas-3 y medya" or the
# English "3pm"; days as "bukas", "sa makalawa", "sa Huwebes", "sa susunod na Martes", "ika-5".
# "Linggo" is Sunday, but "susunod na linggo" is next week.

_TL_SPANISH = {
    "una": 1, "dos": 2, "tres": 3, "kuwatro": 4, "kwatro": 4, "kuatro": 4, "cuatro": 4,
    "singko": 5, "sinko": 5, "cinco": 5, "sais": 6, "seis": 6, "siyete": 7, "syete": 7, "siete": 7,
    "otso": 8, "ocho": 8, "nuwebe": 9, "nwebe": 9, "nueve": 9, "diyes": 10, "dyes": 10, "diez": 10,
    "onse": 11, "once": 11, "dose": 12, "doce": 12,
}
_TL_MINUTES = {
    "y medya": 30, "y media": 30, "at kalahati": 30, "y kinse": 15, "y kuwarto": 15, "y kwarto": 15,
    "y singko": 5, "y diyes": 10, "y beinte": 20, "y trenta": 30, "y kuwarenta": 40,
}
_TL_WEEKDAYS = {
    "lunes": 0, "lun": 0, "martes": 1, "miyerkules": 2, "miyerkoles": 2, "myerkules": 2,
    "merkules": 2, "miy": 2, "huwebes": 3, "hwebes": 3, "huebes": 3, "huw": 3, "biyernes": 4,
    "byernes": 4, "biernes": 4, "biy": 4, "sabado": 5, "sab": 5, "linggo": 6,
}
_TL_MONTHS = {
    "enero": 1, "ene": 1, "jan": 1, "pebrero": 2, "peb": 2, "febrero": 2, "feb": 2, "marso": 3,
    "mar": 3, "abril": 4, "abr": 4, "apr": 4, "mayo": 5, "may": 5, "hunyo": 6, "hun": 6, "jun": 6,
    "hulyo": 7, "hul": 7, "jul": 7, "agosto": 8, "ago": 8, "aug": 8, "setyembre": 9,
    "septiyembre": 9, "set": 9, "sep": 9, "oktubre": 10, "okt": 10, "oct": 10, "nobyembre": 11,
    "nob": 11, "nov": 11, "disyembre": 12, "dis": 12, "dec": 12,
}
_TL_PARTS = (
    (r"madaling[- ]?araw", EARLY_MORNING), (r"umaga", MORNING), (r"tanghaling[- ]?tapat", NOON),
    (r"tanghali", NOON), (r"hapon", AFTERNOON), (r"gabi", NIGHT),
)


def _tl_relative(text: str, now_local: datetime) -> tuple[str, None]:
    """'sa loob ng 2 oras', '30 minuto mula ngayon': counted from now."""
    for unit, scale in (("oras", 60), ("minuto", 1)):
        text = re.sub(rf"\b(?:sa loob ng|pagkalipas ng|makalipas ang|after)\s+(\d{{1,3}})\s+{unit}\b"
                      rf"|\b(\d{{1,3}})\s+{unit}\s+mula\s+ngayon\b",
                      lambda m: _later(now_local, int(m.group(1) or m.group(2)) * scale), text)
    return text, None


def _tl_days(text: str, now_local: datetime) -> tuple[str, str | None]:
    part = None
    if re.search(r"\bkagabi\b", text):
        part = NIGHT
    text = re.sub(r"\bkagabi\b", _day(now_local, -1), text)
    text = re.sub(r"\bkahapon\b", _day(now_local, -1), text)
    text = re.sub(r"\b(?:sa\s+)?(?:sa)?makalawa\b", _day(now_local, 2), text)
    text = re.sub(r"\b(?:kinabukasan|bukas)\b", _day(now_local, 1), text)
    text = re.sub(r"\b(?:ngayong\s+araw(?:\s+na\s+ito)?|ngayon|ngayong|mamayang|mamaya)\b(?!\s+(?:na\s+)?linggo\b)",
                  _day(now_local, 0), text)
    # Weeks before weekdays: "susunod na linggo" is next week, "sa linggo" is Sunday.
    text = re.sub(r"\b(?:sa\s+)?(?:susunod|darating)\s+na\s+linggo\b|\bsa\s+isang\s+linggo\b|\bnext\s+linggo\b",
                  " next week ", text)
    text = re.sub(r"\bngayong\s+linggo\b", " this week ", text)

    def weekday(match: re.Match) -> str:
        modifier, name = match.group(1) or "", match.group(2)
        when = "this" if modifier.startswith(("ngayong", "this")) else None
        return _weekday(now_local, _TL_WEEKDAYS[name], when)

    names = "|".join(sorted(_TL_WEEKDAYS, key=len, reverse=True))
    text = re.sub(rf"\b(?:sa\s+)?((?:sa\s+)?(?:susunod|darating)\s+na|ngayong|this|next)?\s*\b({names})\b\.?",
                  weekday, text)
    return " ".join(text.split()), part


def _tl_dates(text: str, now_local: datetime) -> tuple[str, None]:
    months = "|".join(sorted(_TL_MONTHS, key=len, reverse=True))

    def day_month(match: re.Match) -> str:
        year = int(match.group(3)) if match.group(3) else None
        return _month_day(now_local, int(match.group(1)), _TL_MONTHS[match.group(2)], year) or match.group(0)

    def month_day(match: re.Match) -> str:
        year = int(match.group(3)) if match.group(3) else None
        return _month_day(now_local, int(match.group(2)), _TL_MONTHS[match.group(1)], year) or match.group(0)

    def nth(match: re.Match) -> str:
        found = day_of_month(int(match.group(1)), now_local.date())
        return f" {found.isoformat()} " if found else match.group(0)

    text = re.sub(rf"\b(?:ika-?\s?)?(\d{{1,2}})\s+(?:ng\s+)?({months})\.?(?:,?\s+(\d{{4}}))?\b", day_month, text)
    text = re.sub(rf"\b({months})\.?\s+(\d{{1,2}})(?![\d:])(?:,?\s+(\d{{4}}))?\b", month_day, text)
    parts = "|".join(p for p, _ in _TL_PARTS)
    text = re.sub(rf"\bika-?\s?(\d{{1,2}})\b(?!\s+(?:ng\s+|sa\s+)?(?:{parts}))", nth, text)
    return text, None


def _tl_clock(text: str, now_local: datetime, part: str | None = None) -> tuple[str, str | None]:
    spans = []
    for pattern, found in _TL_PARTS:
        for match in re.finditer(rf"\b(?:(?:ng|sa|nang)\s+)?(?:{pattern})\b", text):
            if any(s <= match.start() < e for s, e in spans):
                continue
            spans.append(match.span())
            part = part or found
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]

    converted = []
    spanish = "|".join(sorted(_TL_SPANISH, key=len, reverse=True))
    minutes = "|".join(sorted(_TL_MINUTES, key=len, reverse=True))

    def clock(match: re.Match) -> str:
        number = match.group("hour")
        hour = int(number) if number.isdigit() else _TL_SPANISH[number]
        minute = int(match.group("minute") or 0)
        if match.group("words"):
            minute = _TL_MINUTES[" ".join(match.group("words").split())]
        elif match.group("before"):
            hour, minute = (hour - 1) % 24, 45
        value = _clock(hour, minute, part)
        if value is None:
            return match.group(0)
        converted.append(value)
        return value

    text = re.sub(
        rf"\b(?:alas|ala|ika)[- ]?\s?(?P<hour>\d{{1,2}}|{spanish})(?::(?P<minute>\d{{2}}))?\b"
        rf"(?:\s+(?P<words>{minutes})\b|\s+(?P<before>menos\s+kinse)\b)?",
        clock, text)
    if part is not None and not converted:
        if part == NOON:
            if not re.search(r"\b\d{1,2}\b(?![:/.-]\d)", re.sub(r"\d{4}-\d{2}-\d{2}", " ", text)):
                text += " 12:00 "
            return " ".join(text.split()), AFTERNOON
        return " ".join(text.split()), part
    return " ".join(text.split()), None


_TL_FILLER = re.compile(r"\b(?:ng|nang|sa|na|po|ho|mga|bandang|ang|ay|lang|lamang|oras|ng\s+alas)\b")

SUPPLEMENTS["tl"] = (
    _tl_relative,
    _tl_days,
    _tl_dates,
    _tl_clock,
    lambda text, now_local: (" ".join(_TL_FILLER.sub(" ", text).split()), None),
)
