"""Residents and news texts (RESIDENT_UPDATES): asked once after a request, answered in their own
words, UPDATES to turn them on or off, broadcasts only to those who said yes for that kind of help,
never after STOP, outside quiet hours, and gone with the rest when they DELETE."""
from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import create_app
from hotline.models import AuditEntry, Contact, Conversation, OutboxMessage, UpdateConsent

from hotline.i18n import Translator
from hotline.sms import count_segments

from .conftest import Phone, reply_messages
from .console import post, signed_in
from .console import text as page_text
from .test_broadcasts import send_form
from .test_volunteers import add_volunteer, request_food

NOON = datetime(2026, 12, 8, 17, 0, tzinfo=timezone.utc)  # noon in New York
ASKED = "Want news texts about this kind of help (Food)?"


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=True) as clock:
        yield clock


@pytest.fixture
def news_app(settings):
    app = create_app(replace(settings, resident_updates=("food", "housing")))
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def news_db(news_app):
    return news_app.extensions["hotline"].db


def phone_on(app, number: str) -> Phone:
    return Phone(app.test_client(), number)


def consent(db, number: str) -> dict[str, bool]:
    with db.session() as session:
        rows = session.execute(select(UpdateConsent.kind, UpdateConsent.wanted).join(
            Contact, Contact.id == UpdateConsent.contact_id).where(Contact.phone == number)).all()
        return dict(rows)


def flow_of(db, number: str) -> str:
    with db.session() as session:
        return session.scalars(select(Conversation.flow).join(Contact).where(Contact.phone == number)).one()


def test_residents_are_never_asked_about_news_unless_the_hotline_offers_it(phone, db):
    done = request_food(phone)
    assert "Your request number is" in done
    assert "news" not in done
    assert flow_of(db, phone.number) == "home"
    assert "news" not in phone.text("UPDATES")


@pytest.mark.parametrize("answer", ["sure", "yes please", "1"])
def test_asked_once_after_a_request_and_a_natural_yes_is_kept(news_app, news_db, answer):
    phone = phone_on(news_app, "+15551230001")
    done = request_food(phone)
    assert "Your request number is" in done and ASKED in done
    assert phone.text(answer).startswith("OK, we will text you news about Food. Reply UPDATES to stop.")
    assert consent(news_db, phone.number) == {"food": True}
    assert flow_of(news_db, phone.number) == "home"
    # Never asked twice about the same kind.
    assert ASKED not in request_food(phone, details="milk and bread")


def test_a_no_in_spanish_is_kept(news_app, news_db):
    phone = phone_on(news_app, "+15551230002")
    request_food(phone, language="2", details="comida para 3")
    asked = phone.notices[-1]  # in a text of its own after the request's number
    assert "novedades" in asked.lower() or "noticias" in asked.lower()
    phone.text("no gracias")
    assert consent(news_db, phone.number) == {"food": False}


def test_updates_word_turns_news_on_and_off(news_app, news_db):
    phone = phone_on(news_app, "+15551230003")
    request_food(phone)
    phone.text("2")
    assert consent(news_db, phone.number) == {"food": False}
    assert phone.text("UPDATES") == "You will get news texts about Food. Reply UPDATES to stop them."
    assert consent(news_db, phone.number) == {"food": True}
    assert phone.text("updates") == "You will get no more news texts. Reply UPDATES to get them again."
    assert consent(news_db, phone.number) == {"food": False}


def test_updates_word_in_spanish(news_app, news_db):
    phone = phone_on(news_app, "+15551230004")
    phone.text("hola")
    phone.text("2")  # Español
    reply = phone.text("NOVEDADES")
    assert "NOVEDADES" in reply
    assert consent(news_db, phone.number) == {"food": True, "housing": True}


def residents(app, db):
    """Ana said yes to food news, Bo no, Cy yes then STOP, Dee yes to housing only."""
    for number, answer in (("+15551230011", "sure"), ("+15551230012", "no"), ("+15551230013", "sure")):
        phone = phone_on(app, number)
        request_food(phone)
        phone.text(answer)
    phone_on(app, "+15551230013").text("STOP")
    dee = phone_on(app, "+15551230014")
    dee.text("hi")
    dee.text("1")
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == dee.number)).one()
        session.add(UpdateConsent(contact_id=contact.id, kind="housing", wanted=True, source="keyword", at=NOON))


def test_a_resident_broadcast_reaches_only_those_who_said_yes_and_never_after_stop(news_app, news_db):
    residents(news_app, news_db)
    coordinator = signed_in(news_app, news_db, "coordinator")
    page = coordinator.get("/broadcasts?choose=1&audience=residents&kind=food")
    words = html.unescape(page_text(page))
    assert "1 resident will get this broadcast." in words
    assert "texted STOP 1" in words
    preview = post(coordinator, "/broadcasts/preview", {"audience": "residents", "kind": "food", "language": "",
                                                        "text_en": "Free groceries Saturday 10-2 at the library."})
    assert preview.status_code == 200, page_text(preview)
    response = coordinator.post("/broadcasts/send", data=send_form(preview))
    assert response.status_code == 302
    with news_db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")).all()
        assert [(row.to, row.body) for row in rows] == [
            ("+15551230011", "Free groceries Saturday 10-2 at the library.\nReply UPDATES to stop these news texts.")]
    # A resident's answer to news is theirs, like any text: no reply kept for the console.
    assert "Thank you, the coordinators" not in phone_on(news_app, "+15551230011").text("thanks!")


def test_a_resident_broadcast_waits_for_the_end_of_quiet_hours(news_app, news_db, at_noon):
    phone = phone_on(news_app, "+15551230021")
    request_food(phone)
    phone.text("sure")
    at_noon.move_to(datetime(2026, 12, 9, 3, 30, tzinfo=timezone.utc))  # 22:30 in New York
    coordinator = signed_in(news_app, news_db, "admin")
    preview = post(coordinator, "/broadcasts/preview",
                   {"audience": "residents", "kind": "food", "text_en": "Pantry open tomorrow 9-12."})
    coordinator.post("/broadcasts/send", data=send_form(preview))
    with news_db.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")).one()
        assert row.send_after == datetime(2026, 12, 9, 13, 0, tzinfo=timezone.utc)  # 08:00 in New York


def test_residents_cannot_be_chosen_where_news_is_not_offered(app, db):
    coordinator = signed_in(app, db, "coordinator")
    response = post(coordinator, "/broadcasts/preview", {"audience": "residents", "kind": "food", "text_en": "Hi"})
    assert response.status_code == 400
    assert 'name="audience"' not in coordinator.get("/broadcasts").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["ride", "", "x" * 200])
def test_news_about_a_kind_not_offered_is_refused(news_app, news_db, kind):
    coordinator = signed_in(news_app, news_db, "coordinator")
    response = post(coordinator, "/broadcasts/preview", {"audience": "residents", "kind": kind, "text_en": "Hi"})
    assert response.status_code == 400
    assert "Choose the kind of help the news is about." in html.unescape(page_text(response))


def test_delete_erases_the_answer_about_news(news_app, news_db):
    phone = phone_on(news_app, "+15551230031")
    request_food(phone)
    phone.text("sure")
    phone.text("DELETE")
    phone.text("1")
    with news_db.session() as session:
        assert session.scalars(select(UpdateConsent)).all() == []


def test_the_measure_under_a_residents_box_counts_the_stop_line(news_app, news_db):
    coordinator = signed_in(news_app, news_db, "coordinator")
    for_volunteers = post(coordinator, "/broadcasts/measure", {"language": "en", "count": "1", "text_en": "a" * 150})
    for_residents = post(coordinator, "/broadcasts/measure",
                         {"language": "en", "count": "1", "audience": "residents", "text_en": "a" * 150})
    assert "Segments: 1 (GSM-7)" in page_text(for_volunteers)
    assert "Segments: 2 (GSM-7)" in page_text(for_residents)


def test_words_for_their_volunteer_at_the_news_question_reach_the_volunteer(news_app, news_db):
    add_volunteer(news_db, "+16175550201", "Ana")
    phone = phone_on(news_app, "+15551230041")
    assert ASKED in request_food(phone)
    with news_db.session() as session:
        offer = session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "offer")).one()
    code = re.search(r"\b(\d{3})\b", offer).group(1)
    ana = phone_on(news_app, "+16175550201")
    ana.text(code)
    assert ana.text(f"{code} Which apartment are you in?") == f"Sent to the resident of task {code}."
    assert phone.text("Apartment 4B, ring twice") == "Sent to Ana."
    with news_db.session() as session:
        relayed = session.scalars(select(OutboxMessage.body).join(Contact, Contact.id == OutboxMessage.contact_id)
                                  .where(OutboxMessage.kind == "relay", Contact.phone == ana.number)).all()
    assert relayed == [f"{code} from the resident: Apartment 4B, ring twice"]
    assert consent(news_db, phone.number) == {}
    assert flow_of(news_db, phone.number) == "home"


def test_other_words_at_the_news_question_are_read_as_a_new_message(news_app, news_db):
    phone = phone_on(news_app, "+15551230042")
    assert ASKED in request_food(phone)
    reply = phone.text("I also need diapers")
    assert "Sorry" not in reply and ASKED not in reply
    assert consent(news_db, phone.number) == {}
    assert flow_of(news_db, phone.number) == "intake"
    # A number that is no choice is still asked again, never taken as a choice of the main menu.
    phone2 = phone_on(news_app, "+15551230043")
    request_food(phone2)
    assert phone2.text("3").startswith("Please reply with a number from 1 to 2.")
    assert flow_of(news_db, phone2.number) == "updates"


def test_stop_then_start_brings_no_news_back_until_they_say_yes_again(news_app, news_db):
    phone = phone_on(news_app, "+15551230051")
    request_food(phone)
    phone.text("sure")
    phone.text("STOP")
    assert phone.text("START").startswith("Welcome back.")
    assert consent(news_db, phone.number) == {"food": False}
    coordinator = signed_in(news_app, news_db, "coordinator")

    def chosen() -> str:
        return html.unescape(page_text(coordinator.get("/broadcasts?choose=1&audience=residents&kind=food")))

    assert "1 resident will get this broadcast." not in chosen()
    assert "0 residents will get this broadcast." in chosen()
    # Asked again after their next request, since STOP answered nothing; or UPDATES turns news on.
    assert "You already have request" in request_food(phone, details="milk and bread")
    phone.text("2")  # a new request
    phone.text("milk and bread")
    phone.text("Elm St, 02139")
    assert ASKED in phone.text("1")
    phone.text("no")
    assert phone.text("UPDATES") == "You will get news texts about Food. Reply UPDATES to stop them."
    assert "1 resident will get this broadcast." in chosen()


@pytest.mark.parametrize("language", ["en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl"])
def test_the_request_number_and_the_news_question_each_fit_two_segments(news_app, news_db, language):
    phone = phone_on(news_app, "+15551230061")
    phone.text("hi")
    with news_db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone.number)).one()
        contact.language, contact.language_source = language, "chosen"
    phone.text("MENU")
    phone.text("1")
    phone.text("groceries for 3")
    phone.text("Elm St, 02139")
    phone.notices.clear()
    response = phone.post("1")
    texts = reply_messages(response.data)
    no = Translator(language, news_app.extensions["hotline"].settings.locales_dir)._("No")
    assert texts[-1].endswith(f"\n2 {no}"), texts  # the question, asked last
    assert re.search(r"\d{6}", texts[0])  # the request's number comes first
    assert all(count_segments(text).segments <= 2 for text in texts), [count_segments(t) for t in texts]
    # Twilio retrying the webhook gets the same texts again.
    assert reply_messages(phone.post("1", sid=phone.last_sid).data) == texts


def test_news_to_residents_is_audited_as_news_to_residents_never_as_to_volunteers(news_app, news_db):
    phone = phone_on(news_app, "+15551230071")
    request_food(phone)
    phone.text("sure")
    coordinator = signed_in(news_app, news_db, "coordinator")
    preview = post(coordinator, "/broadcasts/preview",
                   {"audience": "residents", "kind": "food", "text_en": "Pantry open tomorrow 9-12."})
    coordinator.post("/broadcasts/send", data=send_form(preview))
    with news_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "news_sent")).one()
        assert entry.after["filters"]["audience"] == "residents" and entry.after["filters"]["kind"] == "food"
        assert phone.number[2:] not in str(entry.after)
    audit = html.unescape(page_text(coordinator.get("/audit")))
    assert "Sent news texts to residents who asked for them" in audit
    assert "Sent a broadcast to volunteers" not in audit
