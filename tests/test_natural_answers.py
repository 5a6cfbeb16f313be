"""Answers people give, in every shipped language: words for yes, no, none and numbers at every
kind of question, walked through the signed webhook."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import needs
from hotline.models import Ask, Contact, Conversation, Need, NeedEvent

from .conftest import Phone

# For each language: its place in the menu of languages, and how people there say one, two,
# yes, no and none (not the exact words the hotline shows).
SAID = {
    "en": dict(pick="1", one="one", two="two", yes="yeah", no="no", none="none"),
    "es": dict(pick="2", one="uno", two="dos", yes="sí", no="no", none="ninguno"),
    "zh": dict(pick="3", one="一", two="两", yes="是的", no="不", none="没有"),
    "vi": dict(pick="4", one="một", two="hai", yes="vâng", no="không", none="không có"),
    "ht": dict(pick="5", one="en", two="de", yes="wi", no="non", none="anyen"),
    "ar": dict(pick="6", one="واحد", two="اثنين", yes="نعم", no="لا", none="لا شيء"),
    "fr": dict(pick="7", one="un", two="deux", yes="oui", no="non", none="aucun"),
    "ru": dict(pick="8", one="один", two="два", yes="да", no="нет", none="ничего"),
    "ko": dict(pick="9", one="하나", two="둘", yes="네", no="아니요", none="없어요"),
    "tl": dict(pick="10", one="isa", two="dalawa", yes="oo", no="hindi", none="wala"),
}
NOW = "2026-03-03 20:00:00+00:00"  # a Tuesday afternoon in New York


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def conversation(db, number) -> Conversation:
    with db.session() as session:
        found = session.scalars(select(Conversation).join(Contact).where(Contact.phone == number)).one()
        session.expunge(found)
        return found


def place(db, number, flow, step, data):
    """Put the conversation at a question, as if the earlier ones had been answered."""
    with db.session() as session:
        found = session.scalars(select(Conversation).join(Contact).where(Contact.phone == number)).one()
        found.flow, found.step, found.data = flow, step, dict(data)
        found.updated_at = datetime.now(timezone.utc)


@pytest.mark.parametrize("code", SAID)
def test_a_request_made_with_words_only(client, db, code):
    said = SAID[code]
    phone = Phone(client, "+15551234567")
    phone.text("hi")
    phone.text(said["pick"])
    phone.text(said["one"])  # the first kind of help: food
    assert conversation(db, phone.number).step == "details", code
    phone.text("rice and beans for 4")
    phone.text("02139")
    assert conversation(db, phone.number).step == "confirm"
    # "no" at the read-back: change something, nothing is sent.
    phone.text(said["no"])
    assert conversation(db, phone.number).step == "change", code
    phone.text(said["two"])  # what you need
    phone.text("rice, beans and milk for 4")
    # "yes" at the read-back sends it.
    reply = phone.text(said["yes"])
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.details == "rice, beans and milk for 4" and need.language == code
        assert need.ref in reply


@pytest.mark.parametrize("code", SAID)
def test_ride_questions_answered_with_words(client, db, code):
    said = SAID[code]
    phone = Phone(client, "+15551234567")
    phone.text("hi")
    phone.text(said["pick"])
    base = {"pickup": "12 Elm St, 02139", "destination": "Riverside Clinic", "when": "2026-03-05T15:00"}
    # "no" to "Do you need a ride back?": no ride back.
    place(db, phone.number, "ride", "back", base)
    phone.text(said["no"])
    state = conversation(db, phone.number)
    assert (state.step, state.data.get("back_plan")) == ("mobility", "none"), code
    # "none" (and "no") to "Does anyone need any of these?".
    for answer in (said["none"], said["no"]):
        place(db, phone.number, "ride", "mobility", {**base, "back_plan": "none"})
        phone.text(answer)
        state = conversation(db, phone.number)
        assert (state.step, state.data.get("mobility")) == ("riders", []), (code, answer)
    # "two" to "How many people are riding?".
    phone.text(said["two"])
    state = conversation(db, phone.number)
    assert (state.step, state.data.get("riders")) == ("confirm", 2), code


def asked_if_helped(client, db, code: str) -> Phone:
    """A resident reading `code`, between requests, asked after a helper's DONE whether they got help."""
    phone = Phone(client, "+15551234567")
    phone.text("hi")
    phone.text(SAID[code]["pick"])
    with db.session() as session:
        contact = session.scalars(select(Contact)).one()
        need = needs.create(session, contact, category="food", details="rice", location="02139", language=code,
                            now=datetime.now(timezone.utc))
        need.status = needs.DONE
        session.add(Ask(contact_id=contact.id, kind="got_help", subject_id=need.id,
                        created_at=datetime.now(timezone.utc) + timedelta(seconds=1),
                        expires_at=datetime.now(timezone.utc) + timedelta(hours=72)))
    place(db, phone.number, "home", "idle", {})
    return phone


@pytest.mark.parametrize("code", SAID)
def test_a_question_sent_outside_the_conversation_is_answered_with_words(client, db, code):
    phone = asked_if_helped(client, db, code)
    phone.text(SAID[code]["yes"])
    with db.session() as session:
        ask = session.scalars(select(Ask)).one()
        assert ask.answer == "1", code
        assert session.scalars(select(NeedEvent.kind).where(NeedEvent.kind == "confirmed")).one()
    # Still between requests: "yes" started nothing new.
    assert conversation(db, phone.number).flow == "home"


# A yes said with thanks, as people answer "did you get the help you needed?".
YES_WITH_THANKS = {
    "en": "Yes, thank you!", "es": "Sí, gracias!", "zh": "是的，谢谢", "vi": "vâng, cảm ơn", "ht": "wi mèsi",
    "ar": "نعم شكرا", "fr": "oui merci beaucoup", "ru": "да, спасибо", "ko": "네 감사합니다", "tl": "oo, salamat po",
}


@pytest.mark.parametrize("code", SAID)
def test_a_yes_said_with_thanks_answers_the_question_sent_outside_the_conversation(client, db, code):
    phone = asked_if_helped(client, db, code)
    phone.text(YES_WITH_THANKS[code])
    with db.session() as session:
        assert session.scalars(select(Ask.answer)).one() == "1", code
    assert conversation(db, phone.number).flow == "home"


@pytest.mark.parametrize("said, meaning", [
    ("claro que sí", "yes"), ("Claro que no", "no"), ("no, gracias", "no"), ("por favor, sí", "yes"),
    ("gracias", None), ("Gracias Ana, muy amable", None), ("Sí, muchas gracias", "yes"),
])
def test_thanks_and_please_around_an_answer_are_set_aside_and_alone_answer_nothing(said, meaning):
    from hotline.i18n.answer_words import answers_for

    assert answers_for(("es", "en"), "locales").meaning(said, whole=True) == meaning


def test_a_sentence_that_starts_like_an_answer_is_still_no_answer_with_thanks_around_it():
    from hotline.i18n.answer_words import answers_for

    answers = answers_for(("en",), "locales")
    for said in ("No problem, see you tomorrow, thanks", "Thanks, no problem at all", "yes I need more food please"):
        assert answers.meaning(said, whole=True) is None, said


@pytest.mark.parametrize("code", SAID)
def test_withdrawing_is_confirmed_with_words(client, db, code):
    said = SAID[code]
    phone = Phone(client, "+15551234567")
    phone.text("hi")
    phone.text(said["pick"])
    with db.session() as session:
        contact = session.scalars(select(Contact)).one()
        need = needs.create(session, contact, category="food", details="rice", location="02139", language=code,
                            now=datetime.now(timezone.utc))
        need_id = need.id
    place(db, phone.number, "status", "withdraw", {"need": need_id})
    phone.text(said["yes"])
    with db.session() as session:
        assert session.get(Need, need_id).status == needs.WITHDRAWN, code


@pytest.mark.parametrize("language, answer", [("English", "yes"), ("Español", "sí"), ("Kreyòl", "wi"),
                                              ("Español", "9"), ("Tiếng Việt", "12")])
def test_a_yes_or_a_menu_number_is_never_taken_as_where_the_resident_is(client, db, language, answer):
    phone = Phone(client, "+15557770501")
    phone.text(language)
    phone.text("1")
    where = phone.text("rice and beans for four")
    again = phone.text(answer)
    assert again.endswith(where)  # asked again, after a note
    assert again != where
    check = phone.text("Elm Street 02139")
    assert "Elm Street 02139" in check


@pytest.mark.parametrize("number", ["cinco", "senk", "cinq", "five"])
def test_the_menu_of_languages_takes_a_number_in_words_in_any_language(client, db, number):
    phone = Phone(client, "+15557770502")
    menu = phone.text("?")
    fifth = menu.splitlines()[5].split(" ", 1)[1]  # the fifth language, named in itself
    phone.text(number)
    with db.session() as session:
        code = session.scalars(select(Contact.language).where(Contact.phone == phone.number)).one()
    from hotline.i18n import languages
    assert languages.get(code).native_name == fifth


def test_a_sentence_at_the_menu_of_languages_is_answered_in_its_language(client, db):
    phone = Phone(client, "+15557770503")
    phone.text("bonjou")
    reply = phone.text("hola necesito comida para mi familia")
    assert "¿Con qué necesita ayuda?" in reply and "español" in reply


def test_a_number_in_words_is_not_taken_for_where_the_resident_is(phone, db):
    phone.text("hi"); phone.text("2"); phone.text("1")
    phone.text("arroz y frijoles para cinco")
    reply = phone.text("dos")
    assert "no le comprendo" in reply and "¿Dónde está?" in reply
    assert "Cerca de: Calle Elm 12" in phone.text("Calle Elm 12")
