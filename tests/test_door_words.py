"""Words at the door: two words a helper of a visit says, so a resident can tell them from a stranger."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import create_engine, inspect, select, text

from hotline import dispatch, needs
from hotline.config import PROJECT_ROOT
from hotline.i18n import Translator, door_words
from hotline.migrate import downgrade, upgrade
from hotline.models import Contact, InboundMessage, Need, OutboxMessage
from hotline.sms import count_segments

from .conftest import PUBLIC_URL, TEST_DATABASE_URL, sign
from .console import signed_in
from .console import text as page_text
from .test_ride_dispatch import BOOKED, DRIVER, RIDER, add_driver, book, claim, ride, run_due, sent
from .test_volunteers import AFTERNOON, add_volunteer, code_in, request_food, sent_to

LOCALES = PROJECT_ROOT / "locales"
HELPER = "+16175554001"
OTHER_HELPER = "+16175554002"


@pytest.fixture
def travel():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def picks(monkeypatch):
    """Make the pairs predictable: the first claim gets words 0 and 1, the next words 1 and 2..."""

    class Counting:
        def __init__(self):
            self.values = itertools.chain.from_iterable((n, 0) for n in itertools.count())

        def randbelow(self, _limit: int) -> int:
            return next(self.values)

    monkeypatch.setattr(door_words, "secrets", Counting())


def words_of(code: str) -> list[str]:
    return door_words.words(Translator(code, LOCALES))


def the_need(db) -> Need:
    with db.session() as session:
        return session.scalars(select(Need).order_by(Need.id.desc())).first()


def resident_need(db, settings, phone: str, *, category="food", language="es", only_called=False) -> str:
    """A resident's request, offered to volunteers at once; return its reference."""
    with db.session() as session:
        contact = Contact(phone=phone, language=language)
        session.add(contact)
        session.flush()
        if only_called:
            session.add(InboundMessage(message_sid="CAdoor:0", contact_id=contact.id, channel="voice", body="start"))
        need = needs.create(session, contact, category=category, details="arroz y leche", location="Elm St, 02139",
                            language=language, channel="voice" if only_called else "sms")
        dispatch.start(session, settings, need, datetime.now(timezone.utc))
        return need.ref


def take(make_phone, db, number: str) -> str:
    """The volunteer at `number` claims what they were offered last; return the reply."""
    return make_phone(number).text(code_in(sent_to(db, number, "offer")[-1]))


# -- the claim ---------------------------------------------------------------------------------


def test_a_spanish_food_claim_gives_both_sides_the_same_spanish_words(db, phone, make_phone, travel):
    add_volunteer(db, HELPER, "Rosa", languages="es")
    request_food(phone, language="2", details="arroz y leche para 3")
    reply = take(make_phone, db, HELPER)
    pair = the_need(db).door_words
    first, second = pair.split(" ")
    assert first != second and {first, second} <= set(words_of("es"))
    assert f'diga "{pair}"' in reply and count_segments(reply).segments <= 2
    told = sent_to(db, phone.number, "claimed")[0]
    assert f'le va a decir "{pair}"' in told and "no abra" in told
    assert count_segments(told).segments <= 2


def test_a_russian_resident_s_words_reach_an_english_helper_in_russian(db, settings, make_phone, travel):
    add_volunteer(db, HELPER, "Rosa", languages="en,ru")
    resident_need(db, settings, "+15551230077", language="ru")
    reply = take(make_phone, db, HELPER)
    pair = the_need(db).door_words
    assert set(pair.split(" ")) <= set(words_of("ru"))
    # An English reply with Russian words in it would be Unicode: the words come in a text of their own.
    door = sent_to(db, HELPER, "door")
    said = [text for text in [reply, *door] if pair in text]
    assert said and all(count_segments(text).segments <= 2 for text in [reply, *door])
    assert f'Say "{pair}" at the door' in said[0]
    told = sent_to(db, "+15551230077", "claimed")[0]
    assert f"«{pair}»" in told and "не открывайте" in told and count_segments(told).segments <= 2


def test_a_resident_who_only_calls_hears_the_words_twice_on_the_call(db, settings, client, make_phone, travel):
    add_volunteer(db, HELPER, "Rosa", languages="en,es")
    resident_need(db, settings, "+15551230088", only_called=True)
    take(make_phone, db, HELPER)
    pair = the_need(db).door_words
    with db.session() as session:
        call = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "claimed")).one()
        assert call.channel == "call"
        call_id = call.id
    url = f"{PUBLIC_URL}/twilio/voice/notify?o={call_id}"
    form = {"CallSid": "CAdoor1", "From": "+15550001111", "To": "+15551230088"}
    response = client.post(url.removeprefix(PUBLIC_URL), data=form, headers={"X-Twilio-Signature": sign(url, form)})
    said = " ".join(say.text for say in ET.fromstring(response.data).iter("Say"))
    assert said.count(pair) == 2 and "Rosa" in said and "no abra la puerta" in said


def test_help_that_does_not_come_to_the_door_has_no_words(db, settings, make_phone, travel):
    add_volunteer(db, HELPER, "Rosa", skills="money,housing", languages="en,es")
    for category in ("money", "housing"):
        resident_need(db, settings, f"+1555123009{len(category)}", category=category)
        reply = take(make_phone, db, HELPER)
        assert the_need(db).door_words is None
        assert "at the door" not in reply and sent_to(db, HELPER, "door") == []
        told = sent_to(db, f"+1555123009{len(category)}", "claimed")[0]
        assert "puerta" not in told and "abra" not in told


def test_a_claim_after_a_helper_gives_it_back_brings_new_words(db, phone, make_phone, travel, picks):
    add_volunteer(db, HELPER, "Rosa", languages="es")
    request_food(phone, language="2")
    take(make_phone, db, HELPER)
    first = the_need(db).door_words
    add_volunteer(db, OTHER_HELPER, "Tomás", languages="es")
    make_phone(HELPER).text(f"DEJAR {code_in(sent_to(db, HELPER, 'offer')[-1])}")
    assert the_need(db).door_words is None  # what Rosa knew lets nobody in
    reply = take(make_phone, db, OTHER_HELPER)
    second = the_need(db).door_words
    assert second != first and second in reply and first not in reply
    told = sent_to(db, phone.number, "claimed")
    assert len(told) == 2 and first in told[0] and second in told[1] and first not in told[1]


def test_status_repeats_the_words_while_a_helper_is_on_the_way(db, phone, make_phone, travel):
    add_volunteer(db, HELPER, "Rosa", languages="es")
    request_food(phone, language="2")
    assert "puerta" not in phone.text("ESTADO") and "decir" not in phone.text("MENU")
    take(make_phone, db, HELPER)
    pair = the_need(db).door_words
    reply = phone.text("ESTADO")
    assert f'Al llegar le va a decir "{pair}".' in reply and count_segments(reply).segments <= 2


# -- rides ---------------------------------------------------------------------------------------


def test_ride_reminders_repeat_the_words_to_rider_and_driver(app, db):
    with time_machine.travel(BOOKED, tick=False) as clock:
        add_driver(db, DRIVER, "Dana")
        ride_id = book(app, db, language="es")
        claim(app, db, DRIVER)
        pair = ride(db, ride_id).need.door_words
        assert pair and set(pair.split(" ")) <= set(words_of("es"))
        assert f'"{pair}"' in sent(db, RIDER, "claimed")[0]
        clock.move_to(datetime(2026, 12, 2, 23, 0, tzinfo=timezone.utc))  # the evening before
        run_due(app)
        clock.move_to(datetime(2026, 12, 3, 19, 0, tzinfo=timezone.utc))  # an hour before
        run_due(app)
    to_rider = sent(db, RIDER, "reminder")
    to_driver = sent(db, DRIVER, "reminder") + sent(db, DRIVER, "door")
    assert len(to_rider) == 2 and all(f'le va a decir "{pair}"' in text for text in to_rider)
    assert sum(pair in text for text in to_driver) == 2
    assert all(count_segments(text).segments <= 2 for text in to_rider + to_driver)


# -- the console ---------------------------------------------------------------------------------


def test_coordinators_see_the_words_on_the_need_page_and_viewers_never(app, db, phone, make_phone, travel):
    add_volunteer(db, HELPER, "Rosa", languages="es")
    request_food(phone, language="2")
    take(make_phone, db, HELPER)
    need = the_need(db)
    coordinator = page_text(signed_in(app, db, "coordinator").get(f"/needs/{need.ref}"))
    assert f"Words at the door {need.door_words}" in coordinator
    viewer = page_text(signed_in(app, db, "viewer").get(f"/needs/{need.ref}"))
    assert need.door_words not in viewer and "Words at the door" not in viewer
    assert "New words at the door" in viewer  # that there were some, not which


# -- the words themselves ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["en", "es", "fr", "ht", "ko", "ar", "ru", "tl", "vi", "zh"])
def test_every_language_has_forty_different_words_and_picks_two_different_ones(code):
    words = words_of(code)
    assert len(words) == len(set(words)) == 40 and all(word.strip() == word and word for word in words)
    for _ in range(50):
        first, second = None, None
        pair = door_words.pick(Translator(code, LOCALES))
        for word in words:  # a word may hold a space ("quả táo"): find the two it is made of
            if pair.startswith(word + " ") and pair[len(word) + 1:] in words:
                first, second = word, pair[len(word) + 1:]
        assert first is not None and first != second, pair


# -- the migration -------------------------------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path, testrun_uid):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'doors.db'}"
        return
    from sqlalchemy.engine import make_url

    url = make_url(TEST_DATABASE_URL)
    name = f"hotline_doors_{testrun_uid[:8]}_{tmp_path.name[-12:]}".lower().replace("-", "_")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migration_0010_adds_the_words_and_takes_them_away_again(empty_database):
    def columns() -> set[str]:
        engine = create_engine(empty_database)
        try:
            return {column["name"] for column in inspect(engine).get_columns("needs")}
        finally:
            engine.dispose()

    upgrade(empty_database, "0009")
    assert "door_words" not in columns()
    upgrade(empty_database, "0010")
    assert "door_words" in columns()
    downgrade(empty_database, "0009")
    assert "door_words" not in columns()
    upgrade(empty_database)
    assert "door_words" in columns()
