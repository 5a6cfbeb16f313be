"""Calling a resident from a need's page, in Chromium: a coordinator saves their own phone, presses
"Call the resident", and Twilio's two legs get the TwiML the twilio library's VoiceResponse builds."""
from __future__ import annotations

import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline.i18n import Translator, languages
from hotline.i18n.spoken import speakable
from hotline.models import OutboxMessage

from ..conftest import HOTLINE_NUMBER, sign
from .helpers import add_need, axe, number_shown, sign_in

RESIDENT = "+15551234567"


@pytest.fixture
def settings(twilio_settings):
    # Calls are placed through (a stand-in for) Twilio: without an account the page refuses them.
    return twilio_settings


def twilio_asks(site: str, path: str, form: dict) -> bytes:
    """A webhook as Twilio posts it to the live server, signed for its address."""
    url = site + path
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(),
                                     headers={"X-Twilio-Signature": sign(url, form)})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.headers.get_content_type() == "text/xml"
        return response.read()


def same_twiml(got: bytes, expected: VoiceResponse) -> bool:
    return ET.canonicalize(got.decode(), strip_text=True) == ET.canonicalize(str(expected), strip_text=True)


def said(code: str, message: str, **values) -> dict:
    lang = languages.REGISTRY[code]
    return {"message": speakable(Translator(code, "locales").pgettext("voice", message, **values)),
            "language": lang.say_language, "voice": lang.say_voice}


def test_a_coordinator_saves_their_phone_and_is_put_through_to_the_resident(open_page, site, app, db):
    ref = add_need(db, RESIDENT, "food", "Groceries for 3 people", "Elm St, 02139", "es")
    page = open_page()
    sign_in(page, db, "coordinator")

    # Without a phone of their own, the page says what to do and leads there.
    page.goto(f"/needs/{ref}")
    card = page.get_by_role("region", name="Call the resident")
    expect(card).to_contain_text("Save your own phone first")
    card.get_by_role("link", name="Your phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_label("Phone number, with the country code").fill("not a number")
    page.get_by_role("button", name="Save my phone").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not a phone number the hotline can call")
    expect(page.get_by_label("Phone number, with the country code")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []
    page.get_by_label("Phone number, with the country code").fill("(617) 555-0123")
    page.get_by_role("button", name="Save my phone").click()
    expect(page.get_by_role("status")).to_contain_text("Your phone is saved.")
    expect(page.locator("main")).to_contain_text("Saved: ***0123")
    assert axe(page) == []

    page.goto(f"/needs/{ref}")
    card = page.get_by_role("region", name="Call the resident")
    expect(card).to_contain_text("The hotline rings your phone (***0123)")
    assert axe(page) == []
    card.get_by_role("button", name="Call the resident").click()
    expect(page.get_by_role("status")).to_contain_text("The hotline is calling your phone now.")
    # A second click cannot place a second call while this one is under way.
    card = page.get_by_role("region", name="Call the resident")
    expect(card).to_contain_text("A call to this resident is already under way.")
    expect(card.get_by_role("button", name="Call the resident")).to_be_disabled()
    expect(page.get_by_role("list", name="Everything that happened")).to_contain_text("Call to the resident asked")
    html = page.content()
    assert not number_shown(html, RESIDENT) and not number_shown(html, "+16175550123")
    assert axe(page) == []

    # The outbox places the call to the coordinator's phone.
    app.extensions["hotline"].queue.drain()
    with db.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "bridge")).one()
        assert row.to == "+16175550123" and row.twilio_sid
    leg = {"CallSid": row.twilio_sid, "AccountSid": "AC" + "0" * 32, "From": HOTLINE_NUMBER, "To": row.to,
           "Direction": "outbound-api", "CallStatus": "in-progress"}

    # First leg: the coordinator picks up and hears which request, in the console's language.
    first = twilio_asks(site, f"/twilio/voice/notify?o={row.id}", leg)
    expected = VoiceResponse()
    gather = expected.gather(input="dtmf", num_digits=1, timeout=6,
                             action=f"{site}/twilio/voice/bridge/connect?o={row.id}")
    gather.say(**said("en", "This is the hotline, calling for request %(ref)s. Press 1 to be put through to the "
                            "resident now. They will see the hotline's number, not yours.", ref=ref))
    expected.say(**said("en", "No key was pressed, so nobody was called. Goodbye."))
    expected.hangup()
    assert same_twiml(first, expected)

    # Second leg: on 1, the resident is dialled with the hotline's number as caller ID.
    second = twilio_asks(site, f"/twilio/voice/bridge/connect?o={row.id}", {**leg, "Digits": "1"})
    expected = VoiceResponse()
    expected.say(**said("en", "Calling the resident now. Please stay on the line."))
    dial = expected.dial(caller_id=HOTLINE_NUMBER, timeout=30, method="POST",
                         action=f"{site}/twilio/voice/bridge/done?o={row.id}")
    dial.number(RESIDENT, url=f"{site}/twilio/voice/bridge/resident?o={row.id}", method="POST")
    assert same_twiml(second, expected)

    # The resident picks up and hears, in Spanish, who is on the line.
    whisper = twilio_asks(site, f"/twilio/voice/bridge/resident?o={row.id}",
                          {**leg, "CallSid": "CA" + "5" * 32, "To": RESIDENT, "ParentCallSid": row.twilio_sid})
    expected = VoiceResponse()
    expected.say(**said("es", "This is the mutual aid hotline. A coordinator is on the line about your request "
                              "%(ref)s.", ref=ref))
    assert same_twiml(whisper, expected)

    twilio_asks(site, f"/twilio/voice/bridge/done?o={row.id}",
                {**leg, "DialCallStatus": "completed", "DialCallDuration": "95"})
    page.reload()
    history = page.get_by_role("list", name="Everything that happened")
    expect(history).to_contain_text("Talked with the resident by phone")
    expect(history).to_contain_text("1:35")


def test_a_viewer_chooses_the_consoles_language_on_their_account_page(open_page, db):
    page = open_page()
    sign_in(page, db, "viewer")
    page.get_by_role("link", name="viewer@example.org").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_label("Phone number, with the country code")).to_have_count(0)
    assert axe(page) == []
    page.get_by_label("The console is written for you in").select_option("es")
    page.get_by_role("button", name="Save my language").click()
    es = Translator("es", "locales", "console")
    expect(page.get_by_role("status")).to_contain_text(es._("Your language is saved."))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/needs")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert axe(page) == []
