"""The console's words in the reader's language, and dates in the hotline's time zone.

The console has its own catalogs (`locales/<ll>/LC_MESSAGES/console.po`), apart from what residents
read; the language is the account's choice, else the browser's, else the hotline's default.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from flask import Flask, g, request
from markupsafe import Markup

from ...i18n import languages
from ...i18n.translator import CONSOLE, Translator, available
from ..twilio import hotline


def console_languages() -> list[languages.Language]:
    """The languages the console can be read in: those with a console catalog, English always."""
    have = set(available(hotline().settings.locales_dir, CONSOLE)) | {"en"}
    return [lang for code, lang in languages.REGISTRY.items() if code in have]


def reader_language(preferred: str | None = None) -> str:
    """The language a web page is read in: `?lang=`, else `preferred` (an account's), else the browser's,
    else the hotline's default, among those the pages are translated into."""
    settings = hotline().settings
    codes = [lang.code for lang in console_languages()]
    for chosen in (request.args.get("lang"), preferred):
        if chosen in codes:
            return chosen
    return request.accept_languages.best_match(codes) or (
        settings.default_language if settings.default_language in codes else "en")


def choose_language() -> None:
    user = g.get("user")
    chosen = reader_language(user.language if user is not None else None)
    g.console_t = Translator(chosen, hotline().settings.locales_dir, CONSOLE)


def translator() -> Translator:
    t = g.get("console_t")
    if t is None:
        t = g.console_t = Translator("en", hotline().settings.locales_dir, CONSOLE)
    return t


def gettext(message: str, **values) -> str:
    return translator()._(message, **values)


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    return translator().ngettext(singular, plural, n, **values)


# For code that builds words before a request has chosen a language (labels in tables).
_ = gettext


def _zone() -> ZoneInfo:
    return ZoneInfo(hotline().settings.hotline_timezone)


def when(moment: datetime | None, style: str = "short") -> str:
    """A moment as the reader writes it, on the hotline's clock."""
    if moment is None:
        return ""
    return format_datetime(moment, style, tzinfo=_zone(), locale=translator().babel_locale)


def day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_date(moment.astimezone(_zone()), "full", locale=translator().babel_locale)


def ago(moment: datetime | None, now: datetime) -> str:
    """How long ago, in words ("3 hours")."""
    if moment is None:
        return ""
    return format_timedelta(now - moment, threshold=1.1, locale=translator().babel_locale)


def machine_time(moment: datetime | None) -> str:
    """A moment for a <time datetime="..."> attribute."""
    return moment.isoformat(timespec="seconds") if moment else ""


# A phone number, whole or masked ("+15550100010", "***0002"): read left to right whatever the page's direction.
NUMBER = re.compile(r"\+\d{6,15}|\*{3}\d{1,4}")
LEFT_TO_RIGHT, END = "\u2066", "\u2069"  # Unicode's left-to-right isolate and its end


def _rtl() -> bool:
    known = languages.REGISTRY.get(translator().code)
    return bool(known and known.rtl)


def isolate_numbers(value):
    """On a right-to-left page, keep each phone number in the order it is dialled ("0002***" otherwise)."""
    if not isinstance(value, str) or not _rtl() or not NUMBER.search(value):
        return value
    isolated = NUMBER.sub(lambda m: f"{LEFT_TO_RIGHT}{m.group(0)}{END}", value)
    return Markup(isolated) if isinstance(value, Markup) else isolated


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Looked up at each call: one environment serves every reader, each in their language.
    app.jinja_env.install_gettext_callables(
        lambda message: translator()._t.gettext(message),
        lambda singular, plural, n: translator()._t.ngettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(when=when, day=day, machine_time=machine_time)
    app.jinja_env.finalize = isolate_numbers

    @app.context_processor
    def words():
        return {"lang": translator().code, "rtl": _rtl(),
                "console_languages": console_languages(), "ago": ago, "timedelta": timedelta,
                "Markup": Markup}
