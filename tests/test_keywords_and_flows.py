"""Keywords that work anywhere, opting out and back in, languages, idle restarts, duplicates."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from hotline.models import Contact, Need

from .conftest import Phone, reply_text


def file_food_request(phone, language="1", details="bread", place="Main St") -> str:
    phone.text("hi")
    phone.text(language)
    phone.text("1")
    phone.text(details)
    phone.text(place)
    done = phone.text("1")
    return done


def contact(db, number="+15551234567") -> Contact:
    with db.session() as session:
        return session.scalars(select(Contact).where(Contact.phone == number)).one()


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop ", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                                  "REVOKE", "OPTOUT"])
def test_carrier_opt_out_words_record_the_opt_out_and_send_nothing(phone, db, word):
    phone.text("hi")
    assert phone.text(word) == ""
    assert contact(db).opted_out is True


def test_an_opted_out_number_gets_no_reply_to_anything_else(phone, db):
    phone.text("hi")
    phone.text("STOP")
    assert phone.text("1") == ""
    assert phone.text("HELP") == ""
    assert contact(db).opted_out is True


@pytest.mark.parametrize("word", ["START", "unstop", "YES"])
def test_opting_back_in_is_recorded_and_answered(phone, db, word):
    phone.text("hi")
    phone.text("1")
    phone.text("STOP")
    reply = phone.text(word)
    assert "You will get texts from the hotline again" in reply
    assert "What do you need help with?" in reply
    assert contact(db).opted_out is False


def test_yes_or_start_at_a_question_gets_a_hint_of_what_to_send_instead(phone):
    phone.text("hi")
    phone.text("1")
    for word in ("YES", "start", "Yes"):
        reply = phone.text(word)
        assert reply == ("YES and START are words for your phone company. To answer, reply with the number "
                         "of your choice.")
    assert "What food do you need" in phone.text("one")


def test_help_answers_in_the_residents_language_and_asks_the_open_question_again(phone):
    phone.text("hi")
    phone.text("2")
    reply = phone.text("ayuda")
    assert "le conecta con vecinos" in reply
    assert "MENU" in reply and "ESTADO" in reply and "911" in reply
    # The question still stands; it is not repeated.
    assert "¿Con qué necesita ayuda?" not in reply
    assert "¿Qué comida necesita" in phone.text("1")


@pytest.mark.parametrize("word", ["HELP", "info", "Help!"])
def test_help_words_in_english(phone, word):
    phone.text("hi")
    assert "This hotline connects you with neighbors" in phone.text(word)


@pytest.mark.parametrize("word", ["GIUP", "trợ giúp", "TRỢ GIÚP"])
def test_help_words_in_vietnamese_as_people_type_them(phone, word):
    phone.text("hi")
    phone.text("Tiếng Việt")
    assert "Đường dây nối quý vị với hàng xóm" in phone.text(word)


def test_english_commands_also_work_for_a_spanish_speaker(phone):
    phone.text("hi")
    phone.text("2")
    assert "le conecta con vecinos" in phone.text("HELP")


def test_menu_starts_over_from_any_step(phone):
    phone.text("hi"); phone.text("1"); phone.text("1"); phone.text("bread")
    assert "What do you need help with?" in phone.text("menu")


def test_language_name_switches_language_mid_flow_and_repeats_the_question(phone, db):
    phone.text("hi"); phone.text("1"); phone.text("1")
    reply = phone.text("Español")
    assert "¿Qué comida necesita" in reply
    assert contact(db).language == "es"
    assert "¿Dónde está?" in phone.text("pan")
    assert "Where are you?" in phone.text("english")


def test_language_name_works_without_accents_and_in_any_case(phone, db):
    phone.text("hi")
    assert "¿Con qué necesita ayuda?" in phone.text("ESPANOL")
    assert contact(db).language == "es"


def test_language_name_as_first_message_skips_the_menu(phone, db):
    assert "¿Con qué necesita ayuda?" in phone.text("español")


def test_quiet_conversation_starts_over_with_a_welcome_back(phone):
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False) as traveller:
        phone.text("hi"); phone.text("1"); phone.text("1")
        traveller.shift(timedelta(hours=25))
        reply = phone.text("2")  # meant as an answer to yesterday's question
        assert "Welcome back" in reply
        assert "What do you need help with?" in reply


def test_conversation_within_the_idle_time_continues(phone):
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False) as traveller:
        phone.text("hi"); phone.text("1"); phone.text("1")
        traveller.shift(timedelta(hours=23))
        assert "Where are you?" in phone.text("bread")


def test_open_request_in_same_category_is_offered_to_add_to(phone, db):
    file_food_request(phone)
    with db.session() as session:
        ref = session.scalars(select(Need.ref)).one()
    reply = phone.text("1")  # food again
    assert f"You already have request {ref}" in reply
    assert "1 Add to that request" in reply
    assert f"What would you like to add to request {ref}?" in phone.text("1")
    assert f"I added that to request {ref}" in phone.text("also milk")
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.details == "bread\nalso milk"
        # Nobody volunteers in this test, so the need went to the coordinators before more was added.
        assert [e.kind for e in need.events] == ["created", "unmet", "added"]


def test_resident_may_still_file_a_second_request_in_the_same_category(phone, db):
    file_food_request(phone)
    phone.text("1")
    assert "food do you need" in phone.text("2")
    phone.text("diapers"); phone.text("Main St"); phone.text("1")
    with db.session() as session:
        assert len(session.scalars(select(Need)).all()) == 2


def test_status_lists_open_requests_and_withdraws_one(phone, db):
    file_food_request(phone)
    with db.session() as session:
        ref = session.scalars(select(Need.ref)).one()
    listing = phone.text("STATUS")
    assert "You have 1 open request" in listing
    assert f"1 Food ({ref}): still looking for help" in listing
    assert f"Withdraw request {ref}?" in phone.text("1")
    assert f"Request {ref} is withdrawn" in phone.text("1")
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.status == "withdrawn"
        assert [e.kind for e in need.events] == ["created", "unmet", "withdrawn"]
    assert "You have no open requests" in phone.text("status")


def test_status_in_spanish_and_keeping_the_request(phone, db):
    file_food_request(phone, language="2", details="pan", place="Calle 5")
    listing = phone.text("ESTADO")
    assert "Tiene 1 solicitud abierta" in listing and "Comida (" in listing
    phone.text("1")
    assert "sigue abierta" in phone.text("2")
    with db.session() as session:
        assert session.scalars(select(Need.status)).one() == "unmet"


def test_what_else_is_needed_written_at_the_status_list_starts_that_request(phone, db):
    file_food_request(phone, language="2", details="pan", place="Calle 5")
    assert "Tiene 1 solicitud abierta" in phone.text("ESTADO")
    reply = phone.text("también necesito un aventón a la clínica")
    assert "no le comprendo" not in reply and "pasamos por usted" in reply
    with db.session() as session:
        assert session.scalars(select(Need.status)).one() == "unmet"  # the food request stays as it was


def test_after_status_with_nothing_open_a_category_starts_a_request(phone):
    phone.text("hi"); phone.text("1")
    assert "You have no open requests" in phone.text("STATUS")
    assert "food do you need" in phone.text("food")


def test_carrier_words_are_never_command_words_in_any_language(app):
    from hotline.flows.engine import enabled_languages
    from hotline.i18n import Translator, keywords as kw

    settings = app.extensions["hotline"].settings
    for lang in enabled_languages(settings):
        translator = Translator(lang.code, settings.locales_dir)
        for command in kw.COMMANDS:
            for word in kw.command_words(translator, command):
                if command == "help" and word.upper() in kw.CARRIER_HELP:
                    continue  # HELP and INFO mean help to the carrier too
                assert word.upper() not in kw.CARRIER_WORDS, (lang.code, command, word)


def test_first_message_in_spanish_is_answered_in_spanish_with_a_way_out(phone, db):
    reply = phone.text("hola necesito comida")
    assert "Le escribiré en español. Para otro idioma, responda 0." in reply
    # What the first text asked for is kept: the food questions, not the menu.
    assert "¿Qué comida necesita y para cuántas personas?" in reply
    assert contact(db).language == "es"
    menu = phone.text("0")
    assert "1 English" in menu and "2 Español" in menu
    assert "What food do you need, and for how many people?" in phone.text("1")


@pytest.mark.parametrize("text", ["hola", "hi", "ok", "food", "1", "🙏"])
def test_unsure_first_message_gets_the_language_menu(phone, db, text):
    reply = phone.text(text)
    assert "1 English" in reply and "2 Español" in reply
    assert contact(db).language is None


def test_a_wrong_guess_is_not_kept_once_the_answer_makes_no_sense(phone, db):
    phone.text("necesito ayuda por favor")
    reply = reply_text(phone.post("what does this mean").data)
    assert "1 English" in reply and "2 Español" in reply


def test_an_answer_in_the_guessed_language_confirms_it(phone, db):
    phone.text("necesito ayuda por favor")
    phone.text("1")
    assert contact(db).language_source == "chosen"
    assert "Please write your answer in words." not in phone.text("0")  # 0 is now just an answer


def test_ascii_fallback_spells_spanish_plainly_to_stay_in_one_encoding(settings, db):
    from dataclasses import replace

    from hotline import create_app
    from hotline.sms import count_segments

    app = create_app(replace(settings, sms_ascii_fallback=True))
    phone = Phone(app.test_client(), "+15551239876")
    reply = phone.text("español")
    assert "¿Con qué necesita ayuda?" in reply  # "é" is in GSM-7 and stays
    reply = phone.text("1")
    assert "¿Qué comida necesita y para cuantas personas?" in reply  # "á" is not: it becomes "a"
    assert count_segments(reply).encoding == "GSM-7"
    app.extensions["hotline"].close()


def test_a_first_message_in_kreyol_is_answered_in_kreyol(phone, db):
    phone.text("mwen bezwen manje pou pitit mwen")
    assert contact(db).language == "ht"
