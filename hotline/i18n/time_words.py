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

from unidecode import unidecode

from . import clock_words

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
    clock_words.english,
    _sub(r"\b(?:tmrw?|tmw|tmrow|2morrow|tomm?orr?ow)\b", "tomorrow"),
    _sub(r"\bnxt\b", "next"),
    _nth_day(r"\b(?:the |on the )?(\d{1,2})(?:st|nd|rd|th)\b"
             r"(?! of\b| (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"),
    _drop(r"\bo'?clock\b"),
    _sub(r"\bhalf past (\d{1,2})\b", r"\1:30"),
    _sub(r"\bin the (?=morning|afternoon|evening)|\bat (?=night)", ""),
)

SUPPLEMENTS["es"] = (
    clock_words.spanish,
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


def _zh_number_or_words(numeral: str) -> str:
    # Two numerals side by side with no 十 or 零 between them (三四点) are "three or four": they
    # stay words, which a reading never guesses around.
    if len(numeral) > 1 and not re.search("[十零〇]", numeral):
        return numeral
    return str(zh_number(numeral))


def _zh_numerals(text: str, now_local: datetime) -> tuple[str, None]:
    text = re.sub(_ZH_NUMERAL + r"(?=[点點时時分月日号號])", lambda m: _zh_number_or_words(m.group(0)), text)
    text = re.sub(r"(?<=[点點时時])" + _ZH_NUMERAL, lambda m: _zh_number_or_words(m.group(0)), text)
    # "两个小时后": the library reads "2小时后" but neither the numeral nor the measure word.
    text = re.sub(rf"({_ZH_NUMERAL}|\d+)\s*个?\s*(?=(?:小时|钟头|分钟|天)\s*(?:后|以后|之后))",
                  lambda m: m.group(1) if m.group(1).isdigit() else str(zh_number(m.group(1))), text)
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
    # 12/5 is the 5th of December: Chinese writes the month first.
    text = re.sub(r"(?<![\d/.-])()(\d{1,2})/(\d{1,2})(?![\d/])", month_day, text)
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

    # ("3点4点" is two hours, not 3:04.)
    text = re.sub(rf"({periods})?\s*(\d{{1,2}})\s*[点點时時](?:钟|鐘)?\s*(半|一刻|三刻|\d{{1,2}}(?!\s*[点點时時\d])\s*分?)?",
                  replace, text)

    def part(match: re.Match) -> str:
        found.append(_ZH_PARTS[match.group(0)])
        return " 12:00 " if match.group(0) == "中午" else " "  # 中午 alone is noon

    text = re.sub(periods, part, text)
    return " ".join(text.split()), (found[0] if found else None)


# Traditional forms people type on phones set to them: 禮拜五, 週五, 後天, 兩個小時.
_ZH_TRADITIONAL = str.maketrans({"禮": "礼", "週": "周", "後": "后", "個": "个", "這": "这", "兩": "两",
                                 "點": "点", "時": "时", "號": "号", "鐘": "钟", "裡": "里"})


def _zh_traditional(text: str, now_local: datetime) -> tuple[str, None]:
    return text.translate(_ZH_TRADITIONAL), None


SUPPLEMENTS["zh"] = (
    _zh_traditional,
    _part(r"今晚", NIGHT, " 今天 "),
    _part(r"明晚", NIGHT, " 明天 "),
    _part(r"今早", MORNING, " 今天 "),
    _part(r"明早", MORNING, " 明天 "),
    _zh_week,
    _zh_numerals,
    _zh_dates,
    clock_words.chinese_quarters,
    _zh_clock,
)


# Korean: the part of the day comes before the hour (오후 3시, "pm 3"), hours may be written in
# native numerals (세 시, read in clock_words), and spaces are often left out (내일오후3시). Parts
# of the day with an hour become a 24-hour time; relative days, "next week's Tuesday", 12월 5일,
# 5일 and 12/5 (month first, as Korean writes it) become dates.
_KO_PARTS = {
    "새벽": EARLY_MORNING, "아침": MORNING, "오전": MORNING, "낮": AFTERNOON, "점심": AFTERNOON,
    "오후": AFTERNOON, "저녁": EVENING, "밤": NIGHT,
}
_KO_MERIDIEM = {"오전": "am", "오후": "pm"}
_KO_WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_KO_NOT_HOUR = r"(?!\s*간)"  # 2시간 is "2 hours", not "2 o'clock"


def _ko_days(text: str, now_local: datetime) -> tuple[str, None]:
    today = now_local.date()

    def later(days: int) -> str:
        return f" {(today + timedelta(days=days)).isoformat()} "

    text = re.sub(r"(?:내일|낼)\s*모레", later(2), text)
    text = re.sub(r"모레", later(2), text)
    text = re.sub(r"글피", later(3), text)
    text = re.sub(r"(\d{1,2})\s*일\s*(?:후|뒤)", lambda m: later(int(m.group(1))), text)
    text = re.sub(r"(?<![가-힣])낼(?![가-힣])|(?<![가-힣])낼(?=(?:" + "|".join(_KO_PARTS) + r"|\d))",
                  " 내일 ", text)
    # A particle or polite ending stuck to a day ("금요일에", "내일은") hides the word.
    text = re.sub(r"(요일|내일|오늘)(?:에는|에|은|는|이요|요)(?![가-힣])", r"\1", text)
    text = re.sub(r"(오늘|내일)", r" \1 ", text)
    return text, None


def _ko_week(text: str, now_local: datetime) -> tuple[str, None]:
    def replace(match: re.Match) -> str:
        monday = now_local.date() - timedelta(days=now_local.weekday())
        weeks = 0 if match.group(1) == "이번" else 1
        return f" {(monday + timedelta(weeks=weeks, days=_KO_WEEKDAYS[match.group(2)])).isoformat()} "

    text = re.sub(r"(다음|담|이번)\s*주\s*([월화수목금토일])(?:요일)?", replace, text)
    text = re.sub(r"다음주", "다음 주", text)
    # "오는 금요일", "이번 금요일": the coming Friday, which is how a bare weekday is read anyway.
    text = re.sub(r"(?:오는|이번)\s*(?=[월화수목금토일]요일)", " ", text)
    return text, None


def _ko_dates(text: str, now_local: datetime) -> tuple[str, None]:
    today = now_local.date()

    def month_day(year: str | None, month: int, day: int, original: str) -> str:
        years = (int(year),) if year else (today.year, today.year + 1)
        for y in years:
            try:
                candidate = date(y, month, day)
            except ValueError:
                return original
            if candidate >= today or year:
                return f" {candidate.isoformat()} "
        return original

    text = re.sub(r"(?:(\d{4})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일",
                  lambda m: month_day(m.group(1), int(m.group(2)), int(m.group(3)), m.group(0)), text)
    # 12/5 is the 5th of December: Korean writes the month first.
    text = re.sub(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})(?![\d/])",
                  lambda m: month_day(None, int(m.group(1)), int(m.group(2)), m.group(0)), text)

    def day_only(match: re.Match) -> str:
        found = day_of_month(int(match.group(1)), today)
        return f" {found.isoformat()} " if found else match.group(0)

    text = re.sub(r"(?<!\d)(\d{1,2})\s*일(?!\s*(?:간|동안))", day_only, text)
    return text, None


def _ko_clock(text: str, now_local: datetime) -> tuple[str, str | None]:
    found: list[str] = []
    parts = "|".join(_KO_PARTS)
    text = re.sub(r"정오|낮\s*열두\s*시", " 12:00 ", text)

    def replace(match: re.Match) -> str:
        period, hour = match.group(1), int(match.group(2))
        minutes = match.group(3) or match.group(4) or ""
        minute = 30 if minutes.strip() == "반" else int(re.sub(r"\D", "", minutes) or 0)
        if period:
            value = hour_for(hour, _KO_PARTS[period], _KO_MERIDIEM.get(period))
            return f" {value:02d}:{minute:02d} "
        if minutes:
            return f" {hour}:{minute:02d} "
        return f" {hour} "  # a lone hour: read like "at 3"

    text = re.sub(
        rf"(?:({parts})\s*)?(\d{{1,2}})(?:\s*시{_KO_NOT_HOUR}\s*(반|\d{{1,2}}\s*분)?|:(\d{{2}}))"
        r"(?:에|쯤|경|까지|요|에요|이요)?",
        lambda m: replace(m) if (m.group(1) or "시" in m.group(0)) else m.group(0), text)

    def part(match: re.Match) -> str:
        found.append(_KO_PARTS[match.group(1)])
        return " 12:00 " if match.group(1) == "점심" else " "

    text = re.sub(rf"({parts})(?:때|에|쯤)?", part, text)
    return " ".join(text.split()), (found[0] if found else None)


SUPPLEMENTS["ko"] = (
    _ko_days,
    _ko_week,
    _ko_dates,
    clock_words.korean,
    _ko_clock,
)


# French: "15h", "15h30", "3 heures" become clock times; the parts of the day ("du matin",
# "de l'après-midi", "ce soir") are taken out for the hour to be read by; "midi", "et demie",
# "moins le quart", "après-demain", "mardi prochain" and the polite words are spelled the way
# the library reads them. Apostrophes may be typed curly or straight, accents left out.
_FR_WEEKDAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)\.?"


def _fr_quarter_to(match: re.Match) -> str:
    hour = int(match.group(1))
    return f" {(hour - 1) % 24}:45 "


SUPPLEMENTS["fr"] = (
    _sub(r"[’‘`´]", "'"),
    clock_words.french,
    _drop(r"\b(?:s'? ?il (?:vous|te) pla[iî]t|svp|stp|svpl|merci(?: beaucoup)?|si possible)\b"),
    # Little words the library would take for a weekday ("je" Thursday, "ma" Tuesday, "sa"
    # Saturday) or a unit ("j'" day, "m'" month) when they come in a sentence.
    _sub(r"\b[jmtsldnc]'", " "),
    _drop(r"\b(?:je|ma|me|sa|ta|te|se|ne|lu|ve|di)\b"),
    _sub(r"\b(?:aujourd' ?hui|aujourdhui|auj)\b", "aujourd'hui"),
    _sub(r"\bapr[eè]s[ -]?demain\b", "en 2 jours"),
    _sub(r"\b(?:2main|dmain|demin)\b", "demain"),
    _part(r"\bce matin\b", MORNING, " aujourd'hui "),
    _part(r"\bcet? apr[eè]s[ -]?midi\b|\bcet? aprem\b", AFTERNOON, " aujourd'hui "),
    _part(r"\bce soir\b", EVENING, " aujourd'hui "),
    _part(r"\bcette nuit\b", NIGHT, " aujourd'hui "),
    _part(r"\b(?:(?:du|le|au|en) )?matin\b|\bmatinée\b", MORNING),
    _part(r"\b(?:(?:de l'|l'|dans l'|en |cet? )?apr[eè]s[ -]?midi|(?:l')?aprem)\b", AFTERNOON),
    _part(r"\b(?:(?:du|le|au|en|dans la) )?soir(?:ée)?\b", EVENING),
    _part(r"\b(?:(?:de|la|dans la|en) )?nuit\b", NIGHT),
    _sub(r"\bmidi et demie?\b", " 12:30 "),
    _sub(r"\bminuit\b", " 00:00 "),
    _sub(r"\b(?:[aà] )?midi\b", " 12:00 "),
    _sub(r"\b(\d{1,2}) ?(?:h|heures?) et demie?\b", r" \1:30 "),
    _sub(r"\b(\d{1,2}) ?(?:h|heures?) et quart\b", r" \1:15 "),
    _sub(r"\b(\d{1,2}) ?(?:h|heures?) moins (?:le )?quart\b", _fr_quarter_to),
    # "15h", "15h30", "15 h 30", "15 heures": a clock time, but "dans 2 heures" stays a duration.
    _sub(r"(?<!\bdans )(?<!\ben )\b(\d{1,2}) ?(?:h|heures?) ?(\d{2})?\b",
         lambda m: f" {m.group(1)}:{m.group(2) or '00'} "),
    _nth_day(r"\ble (\d{1,2})(?:er|e|ème)?\b(?![:/.\d])"
             r"(?! (?:janv|f[eé]v|mars|avr|mai|juin|juil|ao[uû]|sept|oct|nov|d[eé]c))"),
    # "mardi prochain" is the coming Tuesday; "le", "à" and "vers" change nothing.
    _sub(rf"\b({_FR_WEEKDAYS}) prochaine?\b", r"\1"),
    _drop(r"\b(?:le|vers|pour|à|a)\b"),
)


# Arabic: Arabic-Indic digits become 0-9, short vowels and the tatweel are taken out, the
# colloquial words for tomorrow and the day after (بكرة, بعد بكرة), half and quarter hours
# (ونص, وربع, إلا ربع) and the parts of the day (صباحا, العصر, مساء, بالليل) are read, and
# "next" (القادم, الجاي) after a weekday and the polite words around a time are let be.
_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_AR_MARKS = re.compile("[\u064b-\u0652\u0640\u0670]")
_AR_TOMORROW = r"(?:غدا|الغد|غد|بكرة|بكرا|بكره|بكرى|باكر|غدوة|غدوه|غدوا)"
_AR_WEEKDAYS = r"(?:ال)?(?:سبت|أحد|احد|إثنين|اثنين|اثنبن|ثلاثاء|ثلاثا|ثلاثه|أربعاء|اربعاء|اربعا|خميس|جمعة|جمعه)"


def _ar_clean(text: str, now_local: datetime) -> tuple[str, None]:
    text = _AR_MARKS.sub("", text.translate(_AR_DIGITS))
    text = re.sub(r"[،؟؛]", " ", text)
    return " ".join(text.split()), None


def _ar_day_after(text: str, now_local: datetime) -> tuple[str, None]:
    day = (now_local.date() + timedelta(days=2)).isoformat()
    return " ".join(re.sub(rf"\bبعد {_AR_TOMORROW}(?!\w)", f" {day} ", text).split()), None


def _ar_quarter_to(match: re.Match) -> str:
    return f" {(int(match.group(1)) - 1) % 24}:45 "


SUPPLEMENTS["ar"] = (
    _ar_clean,
    clock_words.arabic,
    _drop(r"(?:من فضلك|لو سمحت(?:ي|وا|م)?|رجاء|الرجاء|شكرا(?: لك| جزيلا)?|الله يخليك|"
          r"(?:إن|ان) ?شاء الله|انشالله|إنشالله)"),
    _ar_day_after,
    _sub(rf"(?<!\w){_AR_TOMORROW}(?!\w)", " غدا "),
    _sub(r"(?<!\w)(?:النهارده|النهاردة|اليوم ده|هاليوم)(?!\w)", " اليوم "),
    _part(r"(?<!\w)(?:الليلة|الليله|هالليلة)(?!\w)", NIGHT, " اليوم "),
    _part(r"(?<!\w)(?:هذا المساء|هالمسا)(?!\w)", EVENING, " اليوم "),
    _part(r"(?<!\w)(?:هذا الصباح|الصبح اليوم)(?!\w)", MORNING, " اليوم "),
    # Half and quarter hours, and "a quarter to".
    _sub(r"(\d{1,2}) ?(?:و ?(?:ال)?نص(?:ف)?)(?!\w)", r" \1:30 "),
    _sub(r"(\d{1,2}) ?(?:و ?(?:ال)?ربع)(?!\w)", r" \1:15 "),
    _sub(r"(\d{1,2}) ?(?:إلا|الا|غير) ?(?:ال)?ربع(?!\w)", _ar_quarter_to),
    # The parts of the day: after an hour they say am or pm, alone they name the hour.
    _part(r"(?<!\w)(?:بعد الظهر|بعد الظهيرة|العصر|عصرا|عصر|بالعصر|العصرية)(?!\w)", AFTERNOON),
    _part(r"(\d{1,2}(?::\d{2})?) ?(?:ظهرا|الظهر|بالظهر|الظهيرة)(?!\w)", AFTERNOON, r" \1 "),
    _sub(r"(?<!\w)(?:في |عند |ب)?(?:الظهر|ظهرا|الظهيرة)(?!\w)", " 12:00 "),
    _part(r"(?<!\w)(?:الفجر|فجرا|بالفجر)(?!\w)", EARLY_MORNING),
    _part(r"(?<!\w)(?:صباحا|صباح|الصباح|بالصباح|الصبح|صبحا|الصبحية|بالصبح)(?!\w)", MORNING),
    _part(r"(?<!\w)(?:مساء|مساءا|المساء|بالمساء|مسا|المسا|بالمسا|المغرب|مغربا|عشية|العشية)(?!\w)", EVENING),
    _part(r"(?<!\w)(?:ليلا|الليل|بالليل|في الليل)(?!\w)", NIGHT),
    # "يوم الخميس", "يوم 5": the word "day" before a weekday or a day of the month.
    _nth_day(r"(?<!\w)(?:يوم|بتاريخ) (\d{1,2})(?!\d)(?! ?(?:/|ديسمبر|يناير|فبراير|مارس|أبريل|ابريل|مايو|"
             r"يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|نوفمبر))"),
    _drop(rf"(?<!\w)(?:يوم|بتاريخ)(?= {_AR_WEEKDAYS}(?!\w)| \d)"),
    _sub(r"(?<!\w)(?:بعد|خلال) (?:ساعة|ساعه)(?: واحدة)?(?!\w)", " بعد 1 ساعة "),
    _sub(r"(?<!\w)(?:بعد|خلال) (?:نص|نصف) (?:ساعة|ساعه)(?!\w)", " بعد 30 دقيقة "),
    _sub(rf"(?<!\w)({_AR_WEEKDAYS}) (?:القادم|القادمة|القادمه|المقبل|المقبلة|المقبله|الجاي|الجاية|الجايه|اللي جاي)(?!\w)",
         r"\1"),
    _drop(r"(?<!\w)(?:الساعه|ع الساعة|على الساعة|عالساعة|في تمام|تمام)(?!\w)"),
)


# Russian: the library reads most of it; these help with hours written with "часа", "ч" or a dot
# ("в 15.30"), parts of the day after an hour ("в 3 часа дня"), "next week", noon, and days of
# the month ("5-го", "5 числа"). Hours and minutes in words, "в половине четвёртого" (3:30)
# among them, are read in clock_words.
_RU_MONTHS = (r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*")
_RU_WEEKDAYS = {
    "понедельник": 0, "пн": 0, "вторник": 1, "вт": 1, "среда": 2, "среду": 2, "ср": 2,
    "четверг": 3, "чт": 3, "пятница": 4, "пятницу": 4, "пт": 4, "суббота": 5, "субботу": 5, "сб": 5,
    "воскресенье": 6, "вс": 6,
}
_RU_WEEKDAY = "(" + "|".join(sorted(_RU_WEEKDAYS, key=len, reverse=True)) + ")"
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
    clock_words.russian,
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
_HT_PARTS = (
    (r"\b(?:nan |la |le )?(?:apr[eè] ?midi|lapr[eè] ?midi)\b", AFTERNOON),
    (r"\b(?:nan |le )?maten\b|\bdimaten\b", MORNING),
    (r"\b(?:nan |le |la )?asw[eè]\b|\bdiswa\b", EVENING),
    (r"\b(?:nan |la )?nwit\b|\blannwit\b|\bdinwit\b", NIGHT),
)


def _ht_hours(text: str, now_local: datetime) -> tuple[str, None]:
    """"3è", "3 è", "3è30", "3è edmi", "15h": hours as "H:MM", which every language reads (hours in
    words, "twazè", are "3è" by now: clock_words.kreyol)."""
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
    clock_words.kreyol,
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
    return {"time": clock, "day": f"{weekday} {day}", "short": f"{day} a {clock}",
            "date": f"{day} {moment.year}"}.get(style, f"{weekday} {day} a {clock}")


# Locales the date library has no words for: how a moment is written, by style ("long",
# "short", "day", "time", "date"). Kreyòl: "jedi 3 desanm a 3:00 PM", as it is said and read back.
OWN_FORMATS: dict[str, Callable[[datetime, str], str]] = {"ht": _kreyol_format}


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
    return _clock_result(text, part, converted)


_VI_FILLER = re.compile(r"\b(?:" + "|".join(_vi(w) for w in (
    "lúc", "vào", "khoảng", "tầm", "chừng", "đón", "ngày", "giờ", "đúng", "nhé", "nha", "ạ", "ơi",
)) + r")\b")


SUPPLEMENTS["vi"] = (
    clock_words.vietnamese_counts,
    _vi_relative,
    _vi_days,
    _vi_dates,
    clock_words.vietnamese_hours,
    _vi_clock,
    lambda text, now_local: (" ".join(_VI_FILLER.sub(" ", text).split()), None),
)


# -- Tagalog --------------------------------------------------------------------------------
# Hours come as "alas-3", "alas tres" (Spanish numbers, read in clock_words), "3 ng hapon",
# "alas-3:30" or the English "3pm"; days as "bukas", "sa makalawa", "sa Huwebes", "sa susunod na
# Martes", "ika-5". "Linggo" is Sunday, but "susunod na linggo" is next week.

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

    def clock(match: re.Match) -> str:
        value = _clock(int(match.group(1)), int(match.group(2) or 0), part)
        if value is None:
            return match.group(0)
        converted.append(value)
        return value

    # Hours and minutes in words are digits by now (clock_words.tagalog).
    text = re.sub(r"\b(?:alas|ala|ika)[- ]?\s?(\d{1,2})(?::(\d{2}))?\b", clock, text)
    return _clock_result(text, part, converted)


_TL_FILLER = re.compile(r"\b(?:ng|nang|sa|na|po|ho|mga|bandang|ang|ay|lang|lamang|oras|ng\s+alas)\b")

SUPPLEMENTS["tl"] = (
    clock_words.tagalog,
    clock_words.english,
    _tl_relative,
    _tl_days,
    _tl_dates,
    _tl_clock,
    lambda text, now_local: (" ".join(_TL_FILLER.sub(" ", text).split()), None),
)


def _clock_result(text: str, part: str | None, converted: list) -> tuple[str, str | None]:
    """Finish a clock rewrite: a part of the day left with no hour of its own goes to the shared rules.

    A lone number before the part of the day ("3 chiều mai") is read by the part returned; noon
    alone is 12:00.
    """
    if part is not None and not converted:
        if part == NOON:
            if not re.search(r"\b\d{1,2}\b(?![:/.-]\d)", re.sub(r"\d{4}-\d{2}-\d{2}", " ", text)):
                text += " 12:00 "
            return " ".join(text.split()), AFTERNOON
        return " ".join(text.split()), part
    return " ".join(text.split()), None
