"""Translations loaded straight from the .po catalogs (compiled .mo in an installed wheel), one small
Translator per language."""
from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .languages import get

# What residents and volunteers read and hear (every text within two SMS segments).
DOMAIN = "messages"
# What coordinators read in the web console.
CONSOLE = "console"
_lock = threading.Lock()


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with a context for extraction; translate it later with pgettext."""
    return context, message


def catalog_path(locales_dir: str | Path, code: str, domain: str = DOMAIN) -> Path:
    return Path(locales_dir) / code / "LC_MESSAGES" / f"{domain}.po"


def compiled_path(locales_dir: str | Path, code: str, domain: str = DOMAIN) -> Path:
    return catalog_path(locales_dir, code, domain).with_suffix(".mo")


def catalog_for(locales_dir: str | Path, code: str, domain: str = DOMAIN) -> Catalog | None:
    """Read a language's catalog: the .po where translators keep it, else the compiled .mo."""
    source = catalog_path(locales_dir, code, domain)
    if source.exists():
        with source.open("rb") as fp:
            return read_po(fp, locale=code)
    compiled = compiled_path(locales_dir, code, domain)
    if compiled.exists():
        with compiled.open("rb") as fp:
            return read_mo(fp)
    return None


@lru_cache(maxsize=64)
def _load(locales_dir: str, code: str, domain: str = DOMAIN) -> NullTranslations:
    # A checkout's .po is compiled in memory, so there is no build step to forget; an installed
    # wheel has only the .mo its build compiled.
    source = catalog_path(locales_dir, code, domain)
    if source.exists():
        with source.open("rb") as fp:
            catalog = read_po(fp, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(buffer, domain=domain)
    compiled = compiled_path(locales_dir, code, domain)
    if compiled.exists():
        with compiled.open("rb") as fp:
            return Translations(fp, domain=domain)
    return NullTranslations()


def load_all(locales_dir: str | Path, domain: str = DOMAIN) -> None:
    """Compile every language's catalog now, so that no one's text waits for one to be read."""
    for code in {"en", *available(locales_dir, domain)}:
        with _lock:
            _load(str(locales_dir), code, domain)


def available(locales_dir: str | Path, domain: str = DOMAIN) -> list[str]:
    """List the language codes that have a catalog."""
    root = Path(locales_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if catalog_path(root, p.name, domain).exists() or compiled_path(root, p.name, domain).exists())


class Translator:
    """Translate and format messages for one language."""

    def __init__(self, code: str, locales_dir: str | Path, domain: str = DOMAIN):
        self.code = code
        lang = get(code)
        self.babel_locale = lang.babel_locale if lang else code
        with _lock:
            self._t = _load(str(locales_dir), code, domain)

    @property
    def catalog(self):
        """The language's loaded catalog, shared by every translator of the language."""
        return self._t

    def _format(self, values: dict) -> dict:
        return {k: self._number(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in values.items()}

    def _number(self, n: int) -> str:
        # Counts are numbers the person reads: written the way their locale writes them. Below a
        # thousand every registered language writes plain digits (a test holds each to it), and
        # asking babel would keep the locale's whole CLDR data, about 1 MB a language, in memory.
        if -1000 < n < 1000:
            return str(n)
        # No-break spaces (French, Russian groupings) would make a whole SMS cost double.
        return format_decimal(n, locale=self.babel_locale).replace("\u202f", " ").replace("\xa0", " ")

    def _(self, message: str, **values) -> str:
        text = self._t.gettext(message)
        return text % self._format(values) if values else text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text % self._format({"n": n, **values})

    def pgettext(self, context: str, message: str, **values) -> str:
        text = self._t.pgettext(context, message)
        return text % self._format(values) if values else text

    def marked(self, marked: str | tuple[str, str], **values) -> str:
        """Translate a message marked earlier with N_ or NP_."""
        if isinstance(marked, tuple):
            return self.pgettext(*marked, **values)
        return self._(marked, **values)
