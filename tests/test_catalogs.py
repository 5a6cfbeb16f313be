"""The message catalogs: current with the code, complete, consistent, and cheap to send."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from unidecode import unidecode

from hotline import needs
from hotline.config import PROJECT_ROOT
from hotline.i18n import Translator, catalogs, door_words, keywords as kw, languages
from hotline.i18n.translator import CONSOLE, available, catalog_path
from hotline.sms import count_segments

LOCALES = PROJECT_ROOT / "locales"
SHIPPED = available(LOCALES)

# Realistic values for every placeholder, long enough to be honest about the cost.
SAMPLE = {
    "ref": "482913", "code": "427", "name": "Guadalupe", "area": "02139", "language": "Español",
    "details": "groceries for 3 people, no pork", "location": "Main St and 5th Ave, 02139",
    "emergency": "911", "n": 3, "example": "DONE 427", "text": "On my way, 10 minutes",
    "category": "Emergency money", "status": "STATUS", "menu": "MENU", "tasks": "TASKS",
    "pause": "PAUSE", "resume": "RESUME", "done": "DONE", "drop": "DROP", "word": "VOLUNTEER",
    "pass": "PASS", "rest": "REST", "waves": 3,
    "when": "Thursday, December 3, 3:00 PM", "day": "Thursday, December 3", "time": "3:00 PM",
    "limit": "Monday, January 25", "max": 8, "pickup": "Main St and 5th", "destination": "City Hospital",
    "back": "5:00 PM", "needs": " (wheelchair, walker)", "riders": 2, "to": "02114", "codes": "427, 318, 905",
    "words": "Portuguese and Ukrainian", "languages": "inglés, español y francés",
    "areas": "02139, 02140, Riverside, Central Square, East Cambri...",
    "since": "Thursday, December 3", "days": 30, "requests": 12, "messages": 140, "recordings": 3,
    "request": "Food (482913): a volunteer is on it",
    "spent": 16400, "budget": 20000, "ok": "OK", "note": "NOTE",
    "week_asked": 120, "week_helped": ">115", "month_asked": 480, "month_helped": ">475",
    "schedule": "Monday, Wednesday, Friday at 9:00 AM", "next": "Dec 8, 9:00 AM", "start": "7:00 AM", "end": "9:00 PM",
    "amount": "US$ 1,250.00", "how": "by mobile payment", "minutes": 30, "keys": "1#",
    "kind": "Emergency money", "kinds": "Food, Housing, Emergency money", "number": 142,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_shipped_languages_include_english_and_spanish_and_are_registered():
    assert {"en", "es"} <= set(SHIPPED)
    assert set(SHIPPED) <= set(languages.REGISTRY)


def test_template_is_current_with_the_code():
    problems, _ = catalogs.check(LOCALES)
    assert problems == []


def test_the_consoles_template_is_current_with_the_code():
    problems, _ = catalogs.check(LOCALES, domain=CONSOLE)
    assert problems == []


@pytest.mark.parametrize("code", SHIPPED)
def test_the_console_is_translated_completely_in_every_shipped_language(code):
    _, reports = catalogs.check(LOCALES, [code], domain=CONSOLE)
    report = reports[0]
    assert report.missing == [] and report.fuzzy == [] and report.errors == [], report.missing[:10]
    with catalog_path(LOCALES, code, CONSOLE).open("rb") as fp:
        catalog = read_po(fp, locale=code)
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names = set(PLACEHOLDER.findall(ids[-1])) | set(re.findall(r"%\((\w+)\)", ids[-1]))
        for string in strings:
            found = set(re.findall(r"%\((\w+)\)", string))
            assert found <= names | {"num", "n"}, (code, message.id, string)


@pytest.mark.parametrize("code", SHIPPED)
def test_catalog_is_complete_with_no_fuzzy_entries_and_no_format_errors(code):
    _, reports = catalogs.check(LOCALES, [code])
    report = reports[0]
    assert report.missing == [] and report.fuzzy == [] and report.errors == []


@pytest.mark.parametrize("code", SHIPPED)
def test_every_translation_keeps_the_placeholders_of_its_message(code):
    with catalog_path(LOCALES, code).open("rb") as fp:
        catalog = read_po(fp, locale=code)
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string:
                assert set(PLACEHOLDER.findall(string)) <= expected | {"n"}, (code, message.id, string)
                # Every placeholder but the count must survive, or the reader loses the code or number.
                assert expected - {"n"} <= set(PLACEHOLDER.findall(string)), (code, message.id, string)


def _values_for(translator: Translator) -> dict:
    values = dict(SAMPLE)
    for command in kw.COMMANDS:
        values[command] = kw.shown_word(translator, command)
    values["category"] = max((translator._(label) for label in needs.CATEGORIES.values()), key=len)
    # The words said at a door, at their costliest in this language.
    values["pair"] = door_words.longest(translator)
    return values


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_fits_two_sms_segments_with_realistic_values(code):
    translator = Translator(code, LOCALES)
    values = _values_for(translator)
    with catalog_path(LOCALES, code).open("rb") as fp:
        catalog = read_po(fp, locale=code)
    too_long = []
    for message in catalog:
        # Command words, what a call says and the phrases that give an auto-reply away are never texted.
        if not message.id or message.context in ("command", "auto-reply") or "voice" in (message.context or ""):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, string in zip(ids * len(strings), strings):
            text = (string or msgid) % values if "%(" in (string or msgid) else (string or msgid)
            count = count_segments(text)
            if count.segments > 2:
                too_long.append(f"{count.segments} {count.encoding}: {text!r}")
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize("code", SHIPPED)
def test_command_words_are_recognised_with_and_without_accents_and_never_carrier_words(code):
    translator = Translator(code, LOCALES)
    for command in kw.COMMANDS:
        for word in kw.command_words(translator, command):
            assert kw.match_command(word, [translator], tuple(kw.COMMANDS)) == command, (code, word)
            assert kw.match_command(word.lower(), [translator], tuple(kw.COMMANDS)) == command
            if languages.REGISTRY[code].latin_script:
                assert kw.match_command(unidecode(word), [translator], tuple(kw.COMMANDS)) == command
            if not (command == "help" and word.upper() in kw.CARRIER_HELP):
                assert word.upper() not in kw.CARRIER_WORDS, (code, command, word)


@pytest.mark.parametrize("code", SHIPPED)
def test_each_language_is_recognised_by_its_own_name_with_and_without_accents(code):
    lang = languages.REGISTRY[code]
    assert kw.normalize(lang.native_name) in {kw.normalize(n) for n in lang.names}
    if lang.latin_script:
        assert kw.normalize(unidecode(lang.native_name)) == kw.normalize(lang.native_name)
