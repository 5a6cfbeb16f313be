"""STATS: this week's and this month's requests received and helped, in one text, small numbers hidden as on /open."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from .. import figures
from .engine import Ctx


def stats_text(ctx: Ctx) -> str:
    k = ctx.settings.open_min_count
    week, month = figures.this_week_and_month(ctx.session, zone=ZoneInfo(ctx.settings.hotline_timezone),
                                              now=ctx.now, min_count=k)
    # Translators: the answer to STATS; it must fit one text. "<5" and ">35" stand for numbers too
    # small to show ("fewer than 5", "more than 35"), "-" for one left out.
    return ctx._("This week: %(week_asked)s asked, %(week_helped)s helped. This month: %(month_asked)s asked, "
                 "%(month_helped)s helped.", week_asked=asked(week, k), week_helped=helped(week, k),
                 month_asked=asked(month, k), month_helped=helped(month, k))


def asked(counts: figures.Helped, k: int) -> int | str:
    if counts.received is None:
        # Hidden although not small: shown beside the month, it would tell of a few days' requests.
        return "-" if counts.hidden == figures.HIDDEN else f"<{k}"
    return counts.received


def helped(counts: figures.Helped, k: int) -> int | str:
    if counts.helped is not None:
        return counts.helped
    if counts.hidden == figures.ALL_BUT_FEW and counts.received is not None:
        return f">{counts.received - k}"  # fewer than k were not helped
    return "-" if counts.hidden == figures.HIDDEN else f"<{k}"
