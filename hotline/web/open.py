"""Open records, no login: `/open` (a page in the reader's language), `/open.json`, `/open.csv`, and its charts.

The figures are read at most once per OPEN_CACHE_SECONDS by each process (one reader computes while
the others wait for the result), and answers say how long a browser or proxy may keep them, so a
surge of visitors does not reach the database. They come from `hotline.figures`, where the
small-number rule lives.
"""
from __future__ import annotations

import csv
import io
import threading
import time
from datetime import date, timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_timedelta
from babel.numbers import format_decimal, format_percent
from flask import Blueprint, Response, abort, g, jsonify, render_template, url_for

from .. import figures, fund
from ..clock import now as utcnow
from ..i18n import languages
from ..i18n.translator import CONSOLE, Translator
from .console import labels
from .console.i18n import console_languages, reader_language
from .twilio import hotline

bp = Blueprint("open", __name__)

# A chart is an image: it runs no script and loads nothing, and its own styles are all it has.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
CHARTS = ("weeks", "time", "fund")


class Cache:
    """Values kept for a while; one caller computes a missing value while others wait for it.

    Each value is stored with the moment it was computed, so what is drawn from it (a page, a
    chart) can be kept under that moment and is never paired with older or newer figures.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Any, tuple[float, float, Any]] = {}

    def get(self, key: Any, seconds: float, compute: Callable[[], Any]) -> tuple[Any, float]:
        """The value and when it was computed."""
        with self._lock:
            now = time.monotonic()
            found = self._values.get(key)
            if found is not None and found[0] > now:
                return found[2], found[1]
            for old in [k for k, (expires, _, _) in self._values.items() if expires <= now]:
                del self._values[old]
            value = compute()
            self._values[key] = (now + seconds, now, value)
            return value, now

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


cache = Cache()


def current() -> tuple[figures.Figures, float]:
    """The figures, read from the database at most once per OPEN_CACHE_SECONDS, and when they were read."""
    services = hotline()
    settings = services.settings

    def read() -> figures.Figures:
        session = services.db.open(read_only=True)
        try:
            found = figures.collect(session, zone=ZoneInfo(settings.hotline_timezone), now=utcnow(),
                                    weeks=settings.open_weeks, min_count=settings.open_min_count)
            found.extra["fund"] = figures.fund_figures(session, currency=settings.fund_currency,
                                                       min_count=settings.open_min_count)
            return found
        finally:
            session.rollback()
            session.close()

    return cache.get("figures", settings.open_cache_seconds, read)


def choose_language() -> Translator:
    g.console_t = Translator(reader_language(), hotline().settings.locales_dir, CONSOLE)
    return g.console_t


def cached(response: Response, vary_language: bool = False) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={hotline().settings.open_cache_seconds}"
    if vary_language:
        response.headers["Vary"] = "Accept-Language"
    return response


# --- the page -----------------------------------------------------------------------------------


class Words:
    """How figures read on the page, in the reader's language."""

    def __init__(self, t: Translator, found: figures.Figures):
        self.t = t
        self.locale = t.babel_locale
        self.k = found.min_count

    def count(self, value: int | None) -> str:
        if value is None:
            return self.t._("fewer than %(n)s", n=self.k)
        return format_decimal(value, locale=self.locale)

    def helped(self, counts: figures.Helped) -> str:
        if counts.helped is not None:
            return format_decimal(counts.helped, locale=self.locale)
        if counts.hidden == figures.ALL_BUT_FEW:
            return self.t._("all but fewer than %(n)s", n=self.k)
        if counts.hidden == figures.HIDDEN:
            return self.t._("not shown")
        return self.t._("fewer than %(n)s", n=self.k)

    def share(self, counts: figures.Helped | figures.Checkins) -> str:
        share = counts.share
        return "–" if share is None else format_percent(share, locale=self.locale)

    def shown(self, value: int | None, about: int | None) -> str:
        """A count that is hidden ("not shown") while the people it is about are many enough to show."""
        if value is None and about is not None:
            return self.t._("not shown")
        return self.count(value)

    def total_hours(self, value: float | None) -> str:
        """A sum of hours ("12.5")."""
        if value is None:
            return self.t._("fewer than %(n)s", n=self.k)
        return format_decimal(value, format="#,##0.#", locale=self.locale)

    def hours(self, value: float | None) -> str:
        """A median time in the reader's words ("4 hours", "2 días"), from CLDR."""
        if value is None:
            return self.t._("too few to say")
        # Up to two days it reads in hours (a day and a half is "36 hours"), then in days.
        return format_timedelta(timedelta(hours=value), threshold=2, locale=self.locale)

    def week(self, monday: date) -> str:
        return format_date(monday, "medium", locale=self.locale)

    def period(self, period: figures.Period) -> str:
        if period.start == period.end:
            return self.t._("week of %(day)s", day=self.week(period.start))
        return self.t._("weeks of %(first)s to %(last)s", first=self.week(period.start), last=self.week(period.end))

    def category(self, key: str, merged: tuple[str, ...] = ()) -> str:
        if key == figures.OTHERS:
            return self.t._("Other kinds together")
        return self.t._(labels.CATEGORY.get(key, key))

    def money(self, cents: int, currency: str) -> str:
        return fund.money(cents, currency, self.locale)

    def month(self, first: date) -> str:
        return format_skeleton("yMMMM", first, locale=self.locale)

    def fund_source(self, key: str) -> str:
        return self.t._(labels.FUND_SOURCE.get(key, key))

    def fund_method(self, key: str) -> str:
        return self.t._(labels.FUND_METHOD.get(key, key))

    def language(self, key: str) -> str:
        if key == figures.OTHERS:
            return self.t._("Other languages together")
        known = languages.REGISTRY.get(key)
        return known.native_name if known else key


@bp.get("/open")
def page():
    t = choose_language()
    found, read_at = current()

    def render() -> str:
        return render_template(
            "open/page.html", f=found, w=Words(t, found), languages_list=console_languages(),
            charts={name: url_for("open.chart", name=name, lang=t.code) for name in CHARTS})

    # Kept with the figures it shows: a page is never newer or older than its numbers.
    html, _ = cache.get(("page", t.code, read_at), hotline().settings.open_cache_seconds, render)
    return cached(Response(html), vary_language=True)


# --- data ---------------------------------------------------------------------------------------


def _counts(counts: figures.Helped) -> dict[str, Any]:
    share = counts.share
    return {
        "received": counts.received,
        "helped": counts.helped,
        "share_helped": None if share is None else round(share, 4),
        # Why a count is null: "few" (fewer than min_count), "all_but_few" (fewer than min_count
        # were not helped), "hidden" (shown, it would let a smaller row be worked out).
        "received_hidden": "few" if counts.received is None else "",
        "helped_hidden": counts.hidden if counts.helped is None else "",
    }


def as_json(found: figures.Figures) -> dict[str, Any]:
    return {
        "min_count": found.min_count,
        "first_week": found.first_week.isoformat(),
        "last_week": found.last_week.isoformat(),
        "timezone": hotline().settings.hotline_timezone,
        "totals": _counts(found.totals),
        "weeks": [{"first_week": p.start.isoformat(), "last_week": p.end.isoformat(), **_counts(p.counts),
                   "median_hours_to_claim": p.hours_to_claim} for p in found.weeks],
        "categories": [{"category": r.key, "merged": list(r.merged), **_counts(r.counts)} for r in found.categories],
        "languages": [{"language": r.key, "merged": list(r.merged), **_counts(r.counts)} for r in found.languages],
        "median_hours_to_claim": found.hours_to_claim,
        "median_hours_to_done": found.hours_to_done,
        "rides_given": found.rides_given,
        "volunteers_active": found.volunteers_active,
        "checkins": checkins_json(found.checkins),
        "fund": fund_json(found.extra["fund"]),
    }


def checkins_json(c: figures.Checkins) -> dict[str, Any]:
    """Check-ins: null where the figure would be about fewer than min_count people."""
    share = c.share
    return {"people": c.people, "made": c.made, "answered": c.answered,
            "share_answered": None if share is None else round(share, 4),
            "visits": c.visits, "visit_hours": c.visit_hours}


def _units(cents: int, currency: str) -> str:
    """Minor units as an exact decimal string in the currency's units ("150.00")."""
    return str(fund.units(cents, currency))


def fund_json(f: figures.FundFigures) -> dict[str, Any]:
    """The fund's figures: amounts as integer minor units (cents), beside the currency."""
    return {
        "currency": f.currency,
        "minor_units": fund.precision(f.currency),
        "balance_cents": f.balance,
        "money_in_cents": f.money_in,
        "money_out_cents": f.money_out,
        "households_helped": f.households,
        "households_helped_hidden": "few" if f.households is None else "",
        "months": [{"month": m.month.isoformat()[:7], "money_in_cents": m.money_in, "money_out_cents": m.money_out}
                   for m in f.months],
        "categories": [{"category": c.key, "merged": list(c.merged), "money_out_cents": c.money_out}
                       for c in f.categories],
    }


@bp.get("/open.json")
def data_json():
    return cached(jsonify(as_json(current()[0])))


CSV_HEADER = ["section", "key", "first_week", "last_week", "received", "helped", "share_helped",
              "received_hidden", "helped_hidden", "value"]


def as_csv(found: figures.Figures) -> str:
    data = as_json(found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)

    def row(section: str, key: str, first: str, last: str, counts: dict | None = None, value: Any = None):
        c = counts or {}
        writer.writerow([section, key, first, last, _cell(c.get("received")), _cell(c.get("helped")),
                         _cell(c.get("share_helped")), c.get("received_hidden", ""), c.get("helped_hidden", ""),
                         _cell(value)])

    row("totals", "all", data["first_week"], data["last_week"], data["totals"])
    for week in data["weeks"]:
        row("weeks", "", week["first_week"], week["last_week"], week)
    for category in data["categories"]:
        row("categories", category["category"], data["first_week"], data["last_week"], category)
    for language in data["languages"]:
        row("languages", language["language"], data["first_week"], data["last_week"], language)
    for key in ("median_hours_to_claim", "median_hours_to_done", "rides_given", "volunteers_active"):
        row("figures", key, data["first_week"], data["last_week"], value=data[key])
    for key, value in data["checkins"].items():
        row("checkins", key, data["first_week"], data["last_week"], value=value)
    for week in data["weeks"]:
        row("median_hours_to_claim", "", week["first_week"], week["last_week"], value=week["median_hours_to_claim"])
    return out.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@bp.get("/open.csv")
def data_csv():
    response = Response(as_csv(current()[0]), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=hotline-open-records.csv"
    return cached(response)


FUND_CSV_HEADER = ["entry", "date", "direction", "kind", "category", "amount", "currency", "note", "donor", "reverses"]


def fund_csv(f: figures.FundFigures) -> str:
    """Every counted entry, money in as +, money out as -, a reversal the opposite of its entry: the
    amounts add up to the balance. No request, no resident, a donor's name only by their leave, and
    money out dated by the Monday of its week."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FUND_CSV_HEADER)
    for line in f.lines:
        writer.writerow([line.entry, line.day.isoformat(), line.direction, line.kind, line.category,
                         _units(line.signed_cents, f.currency), f.currency, _safe_cell(line.note),
                         _safe_cell(line.donor), _cell(line.reverses)])
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not read as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/open/fund.csv")
def fund_data_csv():
    response = Response(fund_csv(current()[0].extra["fund"]), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=hotline-emergency-fund.csv"
    return cached(response)


# --- charts -------------------------------------------------------------------------------------


@bp.get("/open/<name>.svg")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    t = choose_language()
    found, read_at = current()
    svg, _ = cache.get(("chart", name, t.code, read_at), hotline().settings.open_cache_seconds,
                    lambda: draw(name, found, Words(t, found)))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP
    return cached(response, vary_language=True)


def draw(name: str, found: figures.Figures, words: Words) -> bytes:
    """Draw a chart as SVG; hidden figures are gaps, their numbers are in the table beside."""
    import pygal  # only the page's charts need it
    from pygal.etree import etree
    from pygal.style import Style

    style = Style(background="white", plot_background="white", foreground="#1a1a1a",
                  foreground_strong="#1a1a1a", foreground_subtle="#595959", colors=("#1d5fa8", "#2e7d32"),
                  font_family="system-ui, sans-serif", label_font_size=13, major_label_font_size=13,
                  legend_font_size=14, title_font_size=16, value_font_size=12)
    t = words.t
    labels_ = [words.week(p.start) for p in found.weeks]
    common = dict(style=style, js=[], width=760, height=360, x_label_rotation=30, show_y_guides=True,
                  legend_at_bottom=True, print_values=False, explicit_size=False,
                  no_data_text=t._("Too few requests yet to show"), disable_xml_declaration=False)
    if name == "weeks":
        drawing = pygal.Bar(title=t._("Requests each week"), **common)
        drawing.x_labels = labels_
        drawing.add(t._("Received"), [p.counts.received for p in found.weeks])
        drawing.add(t._("Helped"), [p.counts.helped for p in found.weeks])
    elif name == "fund":
        f = found.extra["fund"]
        drawing = pygal.Bar(title=t._("Emergency fund: money in and out each month"), **common)
        drawing.x_labels = [words.month(m.month) for m in f.months]
        drawing.value_formatter = lambda value: words.money(int(round(value * 10 ** fund.precision(f.currency))),
                                                            f.currency)
        drawing.add(t._("Money in"), [float(fund.units(m.money_in, f.currency)) for m in f.months])
        drawing.add(t._("Money out"), [float(fund.units(m.money_out, f.currency)) for m in f.months])
    else:
        drawing = pygal.Bar(title=t._("Median hours until a helper said yes"), show_legend=False, **common)
        drawing.x_labels = labels_
        drawing.add(t._("Hours"), [p.hours_to_claim for p in found.weeks])
    # pygal always writes its settings into a script for its tooltips; an image needs none.
    root = drawing.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)

