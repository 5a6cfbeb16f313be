"""An installed hotline reads the .mo catalogs its build compiled, and says exactly what a checkout says."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from hotline import create_app
from hotline.config import PROJECT_ROOT, shipped_languages
from hotline.i18n import Translator
from hotline.i18n.catalogs import DOMAINS, read_catalog
from hotline.i18n.compiled import compile_tree
from hotline.i18n.translator import available, catalog_path
from hotline.voice.sentences import sentences

from .conftest import Phone

LOCALES = PROJECT_ROOT / "locales"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """The locales folder a wheel carries: what the build compiles, and no .po file."""
    target = tmp_path_factory.mktemp("package") / "locales"
    compile_tree(LOCALES, target)
    return target


def test_the_build_compiles_every_catalog_of_every_language_and_no_po_file(compiled):
    assert not list(compiled.rglob("*.po"))
    for domain in DOMAINS:
        assert available(compiled, domain) == available(LOCALES, domain)
        assert len(available(compiled, domain)) == 10
    assert shipped_languages(str(compiled)) == shipped_languages(str(LOCALES))


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_reads_the_same_from_the_compiled_catalogs(compiled, domain):
    for code in available(LOCALES, domain):
        source, built = Translator(code, LOCALES, domain), Translator(code, compiled, domain)
        for message in read_catalog(catalog_path(LOCALES, code, domain), code):
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                for n in (1, 2, 5, 21):
                    assert built._t.ngettext(*message.id[:2], n) == source._t.ngettext(*message.id[:2], n)
            elif message.context:
                assert built._t.pgettext(message.context, message.id) == source._t.pgettext(message.context, message.id)
            else:
                assert built._t.gettext(message.id) == source._t.gettext(message.id), (code, message.id)


def test_a_spanish_conversation_runs_on_the_compiled_catalogs(settings, compiled):
    app = create_app(replace(settings, locales_dir=str(compiled)))
    try:
        phone = Phone(app.test_client(), "+15551234567")
        phone.text("hola")
        assert "1 Comida" in phone.text("2")
        assert phone.text("1") == "¿Qué comida necesita y para cuántas personas?"
    finally:
        app.extensions["hotline"].close()


def test_a_calls_sentences_to_record_are_listed_from_the_compiled_catalog_as_from_the_po(settings, compiled):
    assert set(sentences(replace(settings, locales_dir=str(compiled)), "es")) == set(sentences(settings, "es"))


def test_recordings_ship_beside_the_compiled_catalogs(tmp_path):
    source = tmp_path / "locales"
    shutil.copytree(LOCALES / "ht", source / "ht")
    (source / "ht" / "audio").mkdir(exist_ok=True)
    (source / "ht" / "audio" / "0123456789abcdef.mp3").write_bytes(b"ID3")
    (source / "ht" / "audio" / "notes.txt").write_text("not a recording")
    compile_tree(source, tmp_path / "package")
    assert (tmp_path / "package" / "ht" / "audio" / "0123456789abcdef.mp3").read_bytes() == b"ID3"
    assert not (tmp_path / "package" / "ht" / "audio" / "notes.txt").exists()
    # The synthesized placeholders ship with the list that marks them as placeholders.
    shipped = (LOCALES / "ht" / "audio" / "synthesized.tsv").read_text(encoding="utf-8")
    assert (tmp_path / "package" / "ht" / "audio" / "synthesized.tsv").read_text(encoding="utf-8") == shipped
