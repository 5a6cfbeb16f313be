"""Daylight: whether a moment falls after dark where the group is.

With HOTLINE_LOCATION, dark is after the local sunset and before the next sunrise there (astral
works them out, daylight-saving changes included); without it, from SAFETY_AFTER_HOUR until
SAFETY_UNTIL_HOUR on the wall clock of HOTLINE_TIMEZONE.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sunrise, sunset

from .config import Settings, location


def after_dark(settings: Settings, moment: datetime) -> bool:
    """Tell whether `moment` (aware) is after dark for the group."""
    zone = ZoneInfo(settings.hotline_timezone)
    local = moment.astimezone(zone)
    place = location(settings.hotline_location) if settings.hotline_location else None
    if place is not None:
        light = _daylight(place, local.date().toordinal(), settings.hotline_timezone)
        if light is not None:
            rise, down = light
            return not (rise <= moment < down)
    return by_the_clock(local.hour, settings.safety_after_hour, settings.safety_until_hour)


def by_the_clock(hour: int, after: int, until: int) -> bool:
    """Whether a local hour is in the dark hours after..until (which wrap past midnight)."""
    if after == until:
        return False
    if after > until:
        return hour >= after or hour < until
    return after <= hour < until


@lru_cache(maxsize=64)
def _daylight(place: tuple[float, float], day: int, zone: str) -> tuple[datetime, datetime] | None:
    """Sunrise and sunset of a local day (as aware moments), or None where the sun does not rise or set."""
    observer = Observer(latitude=place[0], longitude=place[1])
    date = datetime.fromordinal(day).date()
    try:
        return sunrise(observer, date, tzinfo=ZoneInfo(zone)), sunset(observer, date, tzinfo=ZoneInfo(zone))
    except ValueError:
        # Polar day or night: the clock's hours decide.
        return None
