"""Days as coordinators name them: dates typed in a URL or a form, on the hotline's clock."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from ...clock import now as utcnow
from ..twilio import hotline
from .i18n import translator

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Outside these a date is a typing slip, and far enough out it would not convert to UTC at all.
FIRST = date(2000, 1, 1)
LAST = date(2199, 12, 31)


def zone() -> ZoneInfo:
    return ZoneInfo(hotline().settings.hotline_timezone)


def today() -> date:
    return utcnow().astimezone(zone()).date()


def read(raw: str | None) -> date | None:
    """A YYYY-MM-DD date, or None when it is not one (or not a plausible one)."""
    if not raw or not ISO_DATE.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if FIRST <= day <= LAST else None


def start(day: date) -> datetime:
    """The moment a day begins on the hotline's clock, in UTC (a daylight-saving day included)."""
    return datetime.combine(day, time(0), tzinfo=zone()).astimezone(ZoneInfo("UTC"))


def local_day(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def long(day: date) -> str:
    """A day written out in the reader's language: Thursday, December 3, 2026."""
    return format_date(day, "full", locale=translator().babel_locale)


def clock(moment: datetime | None) -> str:
    """The time of day of a moment, as the reader writes it, on the hotline's clock."""
    if moment is None:
        return ""
    return format_time(moment, "short", tzinfo=zone(), locale=translator().babel_locale)


def wall(moment: datetime | None) -> str:
    """A moment on the hotline's clock as spreadsheets read it: 2026-12-03 15:00."""
    if moment is None:
        return ""
    return moment.astimezone(zone()).strftime("%Y-%m-%d %H:%M")
