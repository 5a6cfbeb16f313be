"""A locales folder with a Haitian Creole catalog and a few recorded sentences, for calls in a language Twilio cannot speak."""
from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.catalog import Catalog

from hotline.config import PROJECT_ROOT
from hotline.i18n.catalogs import write_catalog
from hotline.voice.audio import audio_key

KREYOL = {
    ("voice", "What do you need help with?"): "Ki èd ou bezwen?",
    ("voice", "For %(language)s, press %(digit)s."): "Pou %(language)s, peze %(digit)s.",
    ("voice", "%(label)s: press %(digit)s."): "%(label)s: peze %(digit)s.",
    (None, "Food"): "Manje",
}
RECORDED = ["Ki èd ou bezwen?", "Pou Kreyòl, peze 3.", "Manje: peze 1."]


def locales_with(root: Path, codes=("en", "es")) -> Path:
    """Copy the template and the catalogs of only these languages, so menus hold what a test expects."""
    locales = root / "locales"
    locales.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "locales" / "messages.pot", locales / "messages.pot")
    for code in codes:
        shutil.copytree(PROJECT_ROOT / "locales" / code, locales / code, ignore=shutil.ignore_patterns("*.mo", "audio"))
    return locales


def locales_with_haitian(root: Path) -> Path:
    """English and Spanish catalogs, and a small Kreyòl one with recordings of three sentences."""
    locales = locales_with(root)
    catalog = Catalog(locale="ht", project="hotline", charset="utf-8")
    for (context, msgid), msgstr in KREYOL.items():
        catalog.add(msgid, msgstr, context=context, flags=("python-format",) if "%(" in msgid else ())
    write_catalog(catalog, locales / "ht" / "LC_MESSAGES" / "messages.po")
    audio = locales / "ht" / "audio"
    audio.mkdir()
    for sentence in RECORDED:
        (audio / f"{audio_key(sentence)}.mp3").write_bytes(b"ID3 recorded " + sentence.encode())
    return locales


def locales_with_every_language(root: Path) -> Path:
    """Copy the shipped catalogs and give every other registered language an empty one, so all ten are offered."""
    from hotline.i18n import languages

    locales = root / "locales"
    shutil.copytree(PROJECT_ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    for code in languages.REGISTRY:
        path = locales / code / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            write_catalog(Catalog(locale=code, project="hotline", charset="utf-8"), path)
    return locales
