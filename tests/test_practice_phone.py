"""The practice phone (`/try`): a sandbox per signed-in person where nothing touches live data or a phone."""
from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from hotline import create_app
from hotline.models import Base
from hotline.outbound.transports import TwilioTransport
from hotline.sandbox import practice

from .console import csrf_token, signed_in, text


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                  for table in Base.metadata.sorted_tables}
    engine.dispose()
    return counts


@pytest.fixture
def settings(settings, tmp_path):
    # Each test's sandboxes in a folder of their own (the instance path names it).
    return replace(settings, instance_path=str(tmp_path / "instance"))


@pytest.fixture
def no_twilio(monkeypatch):
    """Any attempt to reach Twilio fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the practice phone reached for Twilio")

    for name in ("send_sms", "create_call", "find_sms", "find_call", "delete_recording", "client"):
        monkeypatch.setattr(TwilioTransport, name, refuse)


class Practising:
    """A signed-in console user at /try."""

    def __init__(self, client):
        self.client = client
        self.token = csrf_token(client, "/try")

    def post(self, path: str, **data):
        return self.client.post(path, data={**data, "csrf_token": self.token})

    def text(self, phone: str, body: str) -> str:
        response = self.post("/try/text", phone=phone, body=body)
        assert response.status_code == 303, response.get_data(as_text=True)
        return self.page(phone)

    def call(self, phone: str, **data) -> str:
        response = self.post("/try/call", phone=phone, **data)
        assert response.status_code == 303, response.get_data(as_text=True)
        return self.page(phone)

    def page(self, phone: str) -> str:
        response = self.client.get(f"/try?phone={phone}")
        assert response.status_code == 200
        return text(response)


def spanish_food_request(me: Practising) -> str:
    """A made-up resident who reads Spanish asks for food; return the offer Ana got."""
    assert me.post("/try/language", phone="resident", language="es").status_code == 303
    assert "¿Con qué necesita ayuda?" in me.text("resident", "hola")
    assert "¿Qué comida necesita" in me.text("resident", "1")
    assert "¿Dónde está?" in me.text("resident", "Comida para dos personas")
    assert "Revise, por favor" in me.text("resident", "02139")
    assert "Su solicitud es la" in me.text("resident", "1")
    offer = me.page("ana")
    assert "New task" in offer
    return offer


def test_a_spanish_request_reaches_the_demo_volunteers_who_claim_it_with_its_code(app, db, no_twilio):
    me = Practising(signed_in(app, db, "coordinator"))
    before = row_counts(app.extensions["hotline"].settings.database_url)
    offer = spanish_food_request(me)
    code = re.search(r"Reply (\d+) to take it", offer).group(1)
    assert f"Task {code} is yours, thank you!" in me.text("ana", code)
    # The resident hears, in Spanish, that a neighbour is coming; never the volunteer's number.
    resident = me.page("resident").split("+15550100010", 1)[1]
    assert "Buenas noticias: Ana" in resident
    assert "+15550100001" not in resident
    # Nothing of it is in the live database.
    assert row_counts(app.extensions["hotline"].settings.database_url) == before


def test_the_practice_phone_never_sends_through_twilio_even_when_twilio_is_set_up(twilio_settings, fake_twilio, db,
                                                                                   tmp_path):
    live = create_app(replace(twilio_settings, instance_path=str(tmp_path / "with-twilio")))
    live.config["TESTING"] = True
    try:
        me = Practising(signed_in(live, live.extensions["hotline"].db, "viewer"))
        spanish_food_request(me)
        me.call("resident", action="call")
    finally:
        live.extensions["hotline"].close()
    assert fake_twilio.requests == []


def test_a_call_shows_the_spoken_lines_and_takes_keys(app, db, no_twilio):
    me = Practising(signed_in(app, db, "viewer"))
    page = me.call("resident", action="call")
    assert "Called the hotline." in page
    # A first call: the language menu, each language said in its own voice.
    assert "For English, press 1." in page and "Para Español, oprima 2." in page
    # Kreyòl has no voice: its line is a recording, shown with the words it says.
    assert "Pou Kreyòl, peze 5." in page and "recording of the caller" not in page
    page = me.call("resident", action="key", key="2")
    assert "Pressed 2" in page
    assert "Comida: oprima 1." in page
    page = me.call("resident", action="key", key="1")
    assert "¿Qué comida necesita" in page
    assert "What the caller says" in page
    page = me.call("resident", action="words", words="arroz y frijoles")
    assert "Said: arroz y frijoles" in page
    assert "arroz y frijoles" in page.split("Said: arroz y frijoles")[-1]  # read back
    page = me.call("resident", action="hangup")
    assert "Hung up." in page and "Call the hotline" in page


def test_two_people_have_separate_sandboxes(app, db):
    first = Practising(signed_in(app, db, "coordinator", "one@example.org"))
    second = Practising(signed_in(app, db, "viewer", "two@example.org"))
    first.text("resident", "hello")
    assert "hello" in first.page("resident")
    assert "hello" not in second.page("resident")
    assert "Nothing yet" in second.page("resident")


def test_start_again_throws_the_sandbox_away(app, db):
    me = Practising(signed_in(app, db, "coordinator"))
    me.text("resident", "hello")
    folders = practice.Practice(app.extensions["hotline"].settings).folders()
    assert len(folders) == 1
    assert me.post("/try/reset", phone="resident").status_code == 303
    assert not folders[0].exists()
    assert "Nothing yet" in me.page("resident")


def test_an_idle_sandbox_expires_and_is_cleaned_up_when_anyone_opens_the_page(app, db):
    me = Practising(signed_in(app, db, "coordinator", "one@example.org"))
    me.text("resident", "hello")
    folder = practice.Practice(app.extensions["hotline"].settings).folders()[0]
    old = time.time() - practice.IDLE_MINUTES * 60 - 5
    os.utime(folder / practice.STATE_FILE, (old, old))
    other = signed_in(app, db, "viewer", "two@example.org")
    assert other.get("/try").status_code == 200
    assert not folder.exists()
    # Its owner starts afresh.
    assert "Nothing yet" in me.page("resident")


def test_no_more_sandboxes_than_the_limit(app, db, monkeypatch):
    monkeypatch.setattr(practice, "LIMIT", 1)
    app.extensions["practice"].limit = 1
    first = Practising(signed_in(app, db, "coordinator", "one@example.org"))
    first.text("resident", "hello")
    client = signed_in(app, db, "viewer", "two@example.org")
    response = client.get("/try")
    assert response.status_code == 503
    assert "Too many practice phones" in text(response)


def test_sandboxes_live_in_a_temporary_folder_never_the_configured_database(app, db):
    me = Practising(signed_in(app, db, "coordinator"))
    me.text("resident", "hello")
    folder = practice.Practice(app.extensions["hotline"].settings).folders()[0]
    assert (folder / "sandbox.db").exists()
    live = app.extensions["hotline"].settings.database_url
    assert str(folder) not in live
    assert Path(tempfile.gettempdir()) in folder.parents


def test_the_practice_phone_needs_a_signed_in_account(client):
    response = client.get("/try")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/try/text", data={"phone": "resident", "body": "hi"}).status_code in (302, 400)


@pytest.mark.parametrize("data, status", [
    ({"phone": "resident", "body": "hi"}, 400),  # no CSRF token
])
def test_a_form_without_its_csrf_token_is_refused(app, db, data, status):
    client = signed_in(app, db, "coordinator")
    assert client.post("/try/text", data=data).status_code == status


@pytest.mark.parametrize("path, data", [
    ("/try/text", {"phone": "mallory", "body": "hi"}),
    ("/try/text", {"phone": "resident"}),
    ("/try/text", {"phone": "resident", "body": "x" * 1601}),
    ("/try/text", {"phone": "resident", "body": "   "}),
    ("/try/text", {"phone": ["resident", "ana"], "body": "hi"}),
    ("/try/language", {"phone": "resident", "language": "xx"}),
    ("/try/language", {"phone": "ana", "language": "es"}),
    ("/try/call", {"phone": "resident", "action": "dance"}),
    ("/try/call", {"phone": "resident", "action": "key", "key": "A"}),
    ("/try/call", {"phone": "resident", "action": "keys", "keys": "12ab"}),
    ("/try/call", {"phone": "resident", "action": "keys", "keys": "1" * 33}),
    ("/try/call", {"phone": "resident", "action": "words", "words": "w" * 1001}),
])
def test_malformed_or_oversized_input_is_refused(app, db, path, data):
    me = Practising(signed_in(app, db, "coordinator"))
    assert me.post(path, **data).status_code == 400
    assert "Nothing yet" in me.page("resident")


def test_an_oversized_request_is_refused(app, db):
    me = Practising(signed_in(app, db, "coordinator"))
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert me.post("/try/text", phone="resident", body="x" * (limit + 1)).status_code == 413


def test_the_live_log_gets_no_line_for_made_up_texts_and_calls(app, db, caplog):
    import logging

    me = Practising(signed_in(app, db, "coordinator"))
    with caplog.at_level(logging.INFO):
        me.text("resident", "hello")
        me.call("resident", action="call")
    # The console's own line per request stays; the sandbox's calls and texts are not news.
    assert {record.name for record in caplog.records} == {"hotline.access"}


def test_signing_out_throws_the_sandbox_away(app, db):
    me = Practising(signed_in(app, db, "coordinator"))
    me.text("resident", "hello")
    folder = practice.Practice(app.extensions["hotline"].settings).folders()[0]
    assert me.post("/logout").status_code == 302
    assert not folder.exists()


def test_a_call_in_a_language_without_speech_recognition_takes_the_typed_words_as_a_recording(app, db):
    me = Practising(signed_in(app, db, "coordinator"))
    assert me.post("/try/language", phone="resident", language="ht").status_code == 303
    page = me.call("resident", action="call")
    assert "We have no voice for Kreyòl yet" in page
    page = me.call("resident", action="key", key="1")
    assert "The hotline records the answer: type what the caller says." in page
    page = me.call("resident", action="words", words="diri ak pwa pou twa moun")
    assert "Said: diri ak pwa pou twa moun" in page
    assert "Where are you?" in page.split("Said: diri ak pwa pou twa moun")[-1]


def test_texts_sent_at_once_to_one_sandbox_are_all_kept(app, db):
    import threading

    client = signed_in(app, db, "coordinator")
    me = Practising(client)
    me.text("resident", "hello")  # the sandbox exists before the rush
    cookie = client.get_cookie("hotline_console").value
    failures = []

    def send(number: int) -> None:
        other = app.test_client()
        other.set_cookie("hotline_console", cookie)
        response = other.post("/try/text", data={"phone": f"{'ana' if number % 2 else 'ben'}",
                                                 "body": f"message {number}", "csrf_token": me.token})
        if response.status_code != 303:
            failures.append(response.status_code)

    threads = [threading.Thread(target=send, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    sent = me.page("ana") + me.page("ben")
    assert all(f"message {number}" in sent for number in range(6))


def test_an_unknown_phone_is_refused(app, db):
    client = signed_in(app, db, "viewer")
    assert client.get("/try?phone=mallory").status_code == 400
