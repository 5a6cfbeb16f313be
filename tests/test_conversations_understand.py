"""Conversations that understand people: the first text counts, nothing typed is lost, language
is easy to change, volunteers' words reach the resident, and nobody is promised what will not come."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hotline import create_app
from hotline.cli import main
from hotline.models import Contact, Conversation, Need, OutboxMessage

from .conftest import Phone, reply_messages
from .test_volunteers import add_volunteer, code_in, request_food, travel  # noqa: F401  (fixture)

RESIDENT = "+15551230000"


def state(db, number) -> Conversation:
    with db.session() as session:
        found = session.scalars(select(Conversation).join(Contact).where(Contact.phone == number)).one()
        session.expunge(found)
        return found


def language_of(db, number) -> str | None:
    with db.session() as session:
        return session.scalars(select(Contact.language).where(Contact.phone == number)).one()


def sent_to(db, number, kind=None) -> list[str]:
    with db.session() as session:
        query = select(OutboxMessage.body).where(OutboxMessage.to == number).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))


# -- the first text counts ----------------------------------------------------------------------

FIRST_TEXTS = [
    # (first text, language it is answered in, the question that follows, what is kept as the details)
    ("I need food for my family", "en", "location", "I need food for my family"),
    ("hola necesito comida", "es", "details", None),
    ("necesito comida para mis hijos y mi esposa", "es", "location", "necesito comida para mis hijos y mi esposa"),
    ("我需要吃的", "zh", "details", None),
    ("tôi cần thức ăn cho gia đình", "vi", "location", "tôi cần thức ăn cho gia đình"),
    ("mwen bezwen manje", "ht", "details", None),
    ("أحتاج طعام لعائلتي", "ar", "details", None),
    ("j'ai besoin de nourriture pour ma famille", "fr", "location", "j'ai besoin de nourriture pour ma famille"),
    ("мне нужна еда", "ru", "details", None),
    ("음식이 필요해요", "ko", "details", None),
    ("kailangan ko ng pagkain para sa pamilya", "tl", "location", "kailangan ko ng pagkain para sa pamilya"),
]


@pytest.mark.parametrize("first, language, step, details", FIRST_TEXTS)
def test_a_first_text_that_says_what_is_needed_starts_that_request(make_phone, db, first, language, step, details):
    phone = make_phone(RESIDENT)
    phone.text(first)
    assert language_of(db, RESIDENT) == language
    found = state(db, RESIDENT)
    assert (found.flow, found.step, found.data.get("category")) == ("intake", step, "food")
    assert found.data.get("details") == details


def test_a_first_text_naming_a_ride_keeps_its_words_with_the_ride(make_phone, db):
    phone = make_phone(RESIDENT)
    assert "Where should the driver pick you up?" in phone.text("I need a ride to the clinic tomorrow at 3")
    assert state(db, RESIDENT).data.get("said") == "I need a ride to the clinic tomorrow at 3"


def test_a_first_text_that_names_no_kind_of_help_is_not_taken_for_the_details(make_phone, db):
    phone = make_phone(RESIDENT)
    reply = phone.text("please can someone help my mother this week")
    assert "What do you need help with?" in reply
    # A greeting or a plea is not what is needed: the details are asked.
    assert "What health help do you need?" in phone.text("5")


@pytest.mark.parametrize("word, language, expected", [
    ("AYUDA", "es", "Este servicio le conecta con vecinos"),
    ("帮助", "zh", "这条热线帮您联系"),
    ("مساعدة", "ar", "نصلك بجيران"),
    ("ESTADO", "es", "No tiene solicitudes abiertas."),
    ("VOLUNTARIO", "es", "¿Cuál es su primer nombre?"),
])
def test_a_first_command_word_in_a_language_is_answered_in_it(make_phone, db, word, language, expected):
    reply = make_phone(RESIDENT).text(word)
    assert expected in reply
    assert language_of(db, RESIDENT) == language


# -- nothing typed is lost ------------------------------------------------------------------------

def at_the_read_back(phone) -> None:
    phone.text("hi"); phone.text("1"); phone.text("1"); phone.text("milk"); phone.text("02139")


def test_help_and_status_at_the_read_back_keep_the_draft_and_say_how_to_go_on(make_phone, db):
    phone = make_phone(RESIDENT)
    at_the_read_back(phone)
    assert "connects you with neighbors" in phone.text("HELP")
    reply = phone.text("STATUS")
    assert "You have no open requests yet." in reply
    assert "Your request is not sent yet: reply 1 to send it, 2 to change something." in reply
    assert "Your request number is" in phone.text("1")
    with db.session() as session:
        assert session.scalars(select(Need.details)).one() == "milk"


def test_stop_then_start_keeps_the_draft(make_phone, db):
    phone = make_phone(RESIDENT)
    at_the_read_back(phone)
    assert phone.text("STOP") == ""
    reply = phone.text("START")
    assert "You will get texts from the hotline again" in reply and "reply 1 to send it" in reply
    assert "Your request number is" in phone.text("1")


def test_start_before_any_language_is_chosen_sends_the_welcome_and_the_languages_each_in_two_segments(make_phone, db):
    from hotline.sms import count_segments

    phone = make_phone(RESIDENT)
    assert phone.text("STOP") == ""
    response = phone.post("START")
    texts = reply_messages(response.data)
    assert "You will get texts from the hotline again" in texts[0]
    assert any("1 English" in t and "2 Español" in t for t in texts)
    assert all(count_segments(t).segments <= 2 for t in texts), [count_segments(t).segments for t in texts]


def test_volunteer_in_the_middle_of_a_request_keeps_the_request(make_phone, db):
    phone = make_phone(RESIDENT)
    at_the_read_back(phone)
    assert "Your request is not sent yet" in phone.text("VOLUNTEER")
    assert state(db, RESIDENT).step == "confirm"


def test_a_language_switch_in_the_middle_comes_back_to_the_same_question(make_phone, db):
    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("1"); phone.text("1")
    menu = phone.text("LANGUAGE")
    assert "1 English" in menu and "10 Tagalog" in menu and ": 1-10" in menu
    assert "¿Qué comida necesita" in phone.text("2")
    assert state(db, RESIDENT).data.get("category") == "food"


@pytest.mark.parametrize("word", ["IDIOMA", "0"])
def test_idioma_or_0_at_a_menu_brings_the_languages_in_spanish(make_phone, db, word):
    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("2")
    assert "1 English" in phone.text(word)


def test_help_says_how_to_change_language(make_phone):
    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("1")
    assert "LANGUAGE for another language" in phone.text("HELP")


# -- volunteers' words reach the resident -----------------------------------------------------------

def test_a_volunteer_who_answers_an_offer_with_yes_is_told_to_send_the_code(db, phone, make_phone, travel):
    add_volunteer(db, "+16175550101", "Dana")
    request_food(phone)
    dana = make_phone("+16175550101")
    offer = sent_to(db, dana.number, "offer")[0]
    code = code_in(offer)
    for answer in ("yes", "I'll take it", "sí"):
        reply = dana.text(answer)
        assert reply == f"Reply {code} to take task {code}. For help for yourself, reply MENU.", answer
    assert state(db, dana.number).flow == "home"
    assert "is yours" in dana.text(code)


def test_a_volunteer_with_one_task_reaches_the_resident_without_a_code(db, phone, make_phone, travel):
    add_volunteer(db, "+16175550101", "Dana")
    request_food(phone)
    dana = make_phone("+16175550101")
    dana.text(code_in(sent_to(db, dana.number, "offer")[0]))
    assert "Sent to the resident" in dana.text("Ya llegué, estoy afuera")
    assert "Dana (volunteer): Ya llegué, estoy afuera" in sent_to(db, phone.number, "relay")


def test_a_volunteer_can_still_ask_for_help_with_menu(db, phone, make_phone, travel):
    add_volunteer(db, "+16175550101", "Dana")
    request_food(phone)
    dana = make_phone("+16175550101")
    assert "What do you need help with?" in dana.text("MENU")


# -- honest promises --------------------------------------------------------------------------------

def test_without_coordinator_phones_nobody_is_promised_a_call(make_phone, db):
    reply = request_food(make_phone(RESIDENT))
    assert "coordinator" not in reply
    assert "it is saved and we will keep looking. Reply STATUS tomorrow to check on it." in reply
    with db.session() as session:
        assert session.scalars(select(Need.attention)).one() == "nobody_found"


def test_with_coordinator_phones_a_coordinator_follows_up(settings, db):
    app = create_app(replace(settings, coordinator_phones=("+16175559999",)))
    reply = request_food(Phone(app.test_client(), RESIDENT))
    assert "a coordinator will follow up with you" in reply
    assert sent_to(db, "+16175559999", "alert")
    app.extensions["hotline"].close()


def test_hotline_needs_lists_what_waits_for_a_person(make_phone, db, settings, monkeypatch):
    request_food(make_phone(RESIDENT))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    waiting = CliRunner().invoke(main, ["needs", "--waiting"])
    assert waiting.exit_code == 0 and "waiting: nobody_found" in waiting.output
    assert "***0000" in waiting.output and RESIDENT not in waiting.output
    listed = CliRunner().invoke(main, ["needs"])
    assert re.search(r"\d{6}\s+unmet\s+food", listed.output)


# -- what a sentence that only starts like an answer must not do ---------------------------------

def test_a_sentence_that_starts_with_no_never_cancels_a_ride(make_phone, db):
    from datetime import datetime, timedelta, timezone

    from hotline import rides
    from hotline.models import Ask

    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("1")
    with db.session() as session:
        contact = session.scalars(select(Contact)).one()
        now = datetime.now(timezone.utc)
        ride = rides.book(session, contact, pickup="12 Elm St", destination="Clinic",
                          local_time=(now + timedelta(days=2)).strftime("%Y-%m-%dT15:00"), time_zone="UTC",
                          language="en", now=now)
        session.add(Ask(contact_id=contact.id, kind="ride_rider", subject_id=ride.id,
                        created_at=now + timedelta(seconds=1), expires_at=now + timedelta(hours=24)))
        ride_id = ride.id
    for casual in ("No problem, see you tomorrow", "No rush, I'm home all day", "N ap tann ou demen maten",
                   "No hay problema, ahí estaré"):
        phone.text(casual)
        with db.session() as session:
            assert session.get(rides.Ride, ride_id).status != rides.CANCELLED, casual
    assert "cancelled" in phone.text("no")


def test_y_for_and_at_the_read_back_does_not_send_the_request(make_phone, db):
    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("2"); phone.text("1"); phone.text("arroz"); phone.text("02139")
    phone.text("Y también leche para el bebé")
    with db.session() as session:
        assert session.scalars(select(Need)).all() == []


def test_a_no_that_goes_on_about_a_wheelchair_is_asked_again(make_phone, db):
    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("1")
    with db.session() as session:
        found = session.scalars(select(Conversation)).one()
        found.flow, found.step = "ride", "mobility"
        found.data = {"pickup": "12 Elm St", "destination": "Clinic", "when": "2026-03-05T15:00", "back_plan": "none"}
    reply = phone.text("No, but my mother uses a wheelchair")
    assert state(db, RESIDENT).step == "mobility" and "Sorry" in reply


@pytest.mark.parametrize("first, category", [
    ("عندي مشاكل صحية", None),       # health problems: not food, though مشاكل holds اكل
    ("У меня беда", None),            # trouble: not food, though беда holds еда
    ("아파트 수리가 필요해요", None),   # apartment repair: not health, though 아파트 starts like 아파
    ("I need a doctor appointment", None),
    ("Hi, can you help me please", None),
    ("배고파요", "food"),
])
def test_words_inside_other_words_are_not_a_kind_of_help(make_phone, db, first, category):
    phone = make_phone(RESIDENT)
    phone.text(first)
    found = state(db, RESIDENT)
    assert found.data.get("category") == category
    assert "details" not in found.data and "said" not in found.data or category


def test_an_unclear_answer_after_typing_in_a_guessed_language_keeps_the_request(make_phone, db):
    phone = make_phone(RESIDENT)
    phone.text("Necesito comida para mis hijos")
    phone.text("Calle Elm 12, 02139")  # answering in Spanish settles the language
    reply = phone.text("Perfecto, gracias")
    assert reply.startswith("Disculpe") and "Revise, por favor" in reply  # asked again, nothing lost
    assert "Su solicitud es la" in phone.text("sí")


def test_an_unclear_first_choice_in_a_guessed_language_asks_again_in_it_with_the_way_to_another(make_phone, db):
    phone = make_phone(RESIDENT)
    assert "¿Con qué necesita ayuda?" in phone.text("hola, buenas tardes, necesito ayuda por favor")
    for unclear in ("no sé", "sí", "x"):
        reply = phone.text(unclear)
        # Not the menu of ten languages, where a "3" meant for this question would switch to Chinese.
        assert "no le comprendo" in reply and "Para otro idioma, responda 0" in reply
        assert "¿Con qué necesita ayuda?" in reply and "1 English" not in reply
    assert "¿Qué comida necesita" in phone.text("1")
    with db.session() as session:
        assert session.scalars(select(Contact.language).where(Contact.phone == RESIDENT)).one() == "es"


def test_a_first_choice_answered_in_another_language_brings_the_languages_and_keeps_what_was_said(make_phone, db):
    phone = make_phone(RESIDENT)
    assert "¿Con qué necesita ayuda?" in phone.text("hola, buenas tardes, necesito ayuda por favor")
    sorry, languages = reply_messages(phone.post("sorry I do not understand what you are asking me").data)
    # The menu of languages fills two segments alone: the sorry goes before it, in a text of its own.
    assert "no le comprendo" in sorry and "1 English" in languages
    assert "What do you need help with?" in phone.text("1")


def test_a_language_named_at_the_menu_comes_back_to_the_request(make_phone, db):
    phone = make_phone(RESIDENT)
    phone.text("hi"); phone.text("2"); phone.text("1")
    phone.text("IDIOMA")
    assert "What food do you need" in phone.text("English")
    assert state(db, RESIDENT).data.get("category") == "food"
