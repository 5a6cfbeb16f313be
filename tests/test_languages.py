"""Every shipped language, end to end: a whole request, its commands, its menu, its budget."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline.config import PROJECT_ROOT
from hotline.flows.engine import enabled_languages
from hotline.i18n import Translator, keywords as kw, languages
from hotline.i18n.translator import available
from hotline.models import Contact, Need
from hotline.sms import count_segments

from .conftest import Phone

SHIPPED = available(PROJECT_ROOT / "locales")


@pytest.mark.parametrize("code", SHIPPED)
def test_a_whole_request_in_each_language_through_the_signed_webhook(client, db, code):
    lang = languages.REGISTRY[code]
    t = Translator(code, PROJECT_ROOT / "locales")
    phone = Phone(client, f"+1555777{SHIPPED.index(code):04d}")
    menu = phone.text(lang.native_name)
    assert t._("What do you need help with? Reply with a number:") in menu
    assert "1 " + t._("Food") in menu
    assert t._("What food do you need, and for how many people?") in phone.text("1")
    assert t._("Where are you? A neighborhood, cross streets or ZIP code is enough.") in phone.text("rice, milk")
    check = phone.text("Main St 02139")
    assert "rice, milk" in check and "Main St 02139" in check
    done = phone.text("1")
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone.number)).one()
        need = session.scalars(select(Need).where(Need.contact_id == contact.id)).one()
    assert contact.language == code and need.language == code
    assert need.ref in done
    for reply in (menu, check, done):
        assert count_segments(reply).segments <= 2, reply


def test_the_language_menu_names_every_language_in_itself_within_two_segments(client):
    reply = Phone(client, "+15557770999").text("?")
    for i, lang in enumerate(enabled_languages_now(), 1):
        assert f"{i} {lang.native_name}" in reply
    assert count_segments(reply).segments <= 2, reply


def enabled_languages_now():
    from hotline.config import Settings

    return enabled_languages(Settings.from_env({"locales_dir": str(PROJECT_ROOT / "locales")}, environ={}))


@pytest.mark.parametrize("code", SHIPPED)
def test_each_language_has_its_own_command_words(code):
    t = Translator(code, PROJECT_ROOT / "locales")
    for command in kw.COMMANDS:
        assert kw.command_words(t, command), (code, command)


@pytest.mark.parametrize("code", [c for c in SHIPPED if languages.REGISTRY[c].dateparser_code])
def test_each_language_reads_tomorrow_at_three_in_the_afternoon(code):
    from hotline import times

    examples = {
        "en": "tomorrow 3pm", "es": "mañana a las 3 de la tarde", "zh": "明天下午三点",
        "vi": "ngày mai 3 giờ chiều", "ar": "غدا الساعة 3 مساء", "fr": "demain à 15h",
        "ru": "завтра в 15:00", "ko": "내일 오후 3시", "tl": "bukas ng 3 ng hapon",
    }
    now = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
    with time_machine.travel(now, tick=False):
        from datetime import timedelta

        when = times.parse_when(examples[code], code, now, "America/New_York", timedelta(days=60))
    assert when.ok, (code, when)
    assert when.wall == "2026-12-02T15:00", (code, when)


@pytest.mark.parametrize("code", [c for c in SHIPPED if languages.REGISTRY[c].dateparser_code])
def test_the_time_examples_in_each_language_are_understood_when_typed_back(code):
    from datetime import timedelta

    from hotline import times
    from hotline.flows import ride

    t = Translator(code, PROJECT_ROOT / "locales")
    now = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
    horizon = timedelta(days=60)
    assert times.parse_when(t._(ride.EXAMPLE), code, now, "America/New_York", horizon).ok, code
    day = times.parse_when(t._(ride.EXAMPLE_DAY), code, now, "America/New_York", horizon)
    assert (day.problem, day.missing) == (times.AMBIGUOUS, "time"), (code, day)
    back = times.parse_when(t._(ride.EXAMPLE_BACK), code, now, "America/New_York", horizon)
    assert (back.problem, back.missing, back.clock is not None) == (times.AMBIGUOUS, "day", True), (code, back)
    for each in t._(ride.EXAMPLE_TIME).split():
        if any(ch.isdigit() for ch in each):
            assert times.parse_when(each, code, now, "America/New_York", horizon).clock is not None, (code, each)


NAMES = [
    ("Arabic", "ar"), ("عربي", "ar"), ("العربيه", "ar"), ("بالعربي", "ar"),
    ("French", "fr"), ("francais", "fr"), ("FRANÇAIS", "fr"), ("en français", "fr"),
]


@pytest.mark.parametrize("text, code", NAMES)
def test_texting_a_common_name_of_a_language_switches_to_it(client, code, text):
    if code not in SHIPPED:
        pytest.skip(f"no {code} catalog")
    t = Translator(code, PROJECT_ROOT / "locales")
    phone = Phone(client, f"+1555666{NAMES.index((text, code)):04d}")
    assert t._("What do you need help with? Reply with a number:") in phone.text(text)
