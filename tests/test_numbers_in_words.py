"""Numbers in texts are written the way each language writes them."""
from __future__ import annotations

import pytest
from babel.numbers import format_decimal

from hotline.config import PROJECT_ROOT
from hotline.i18n.languages import REGISTRY
from hotline.i18n.translator import Translator

LOCALES = PROJECT_ROOT / "locales"


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_small_counts_read_as_the_language_writes_them(code):
    translator = Translator(code, LOCALES)
    for n in (0, 1, 2, 7, 30, 365, 999, -1, -999):
        assert translator._number(n) == format_decimal(n, locale=translator.babel_locale), n


@pytest.mark.parametrize("code, written", [("en", "12,345"), ("fr", "12 345"), ("ru", "12 345"), ("vi", "12.345")])
def test_large_counts_are_grouped_as_the_language_groups_them_with_plain_spaces(code, written):
    assert Translator(code, LOCALES)._number(12345) == written
