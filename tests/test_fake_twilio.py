"""The fake Twilio answers the real twilio Client as Twilio's OpenAPI description says."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from .conftest import ACCOUNT_SID, AUTH_TOKEN, HOTLINE_NUMBER
from .fake_twilio import MESSAGE_FIELDS, SPEC, error
from hotline.outbound.transports import _twilio_http_client


@pytest.fixture
def client(fake_twilio):
    from twilio.rest import Client

    return Client(ACCOUNT_SID, AUTH_TOKEN, http_client=_twilio_http_client(fake_twilio.base_url, 2))


def test_fake_reads_its_fields_from_twilios_own_description():
    assert SPEC.exists()
    assert {"sid", "status", "num_segments", "error_code", "date_created"} <= MESSAGE_FIELDS


def test_create_list_and_fetch_answer_with_twilios_fields(client, fake_twilio):
    message = client.messages.create(to="+15557654321", from_=HOTLINE_NUMBER, body="hello")
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued" and message.num_segments == "1"
    assert set(fake_twilio.messages[0]) == MESSAGE_FIELDS
    [listed] = client.messages.list(to="+15557654321", limit=20)
    assert listed.sid == message.sid and listed.direction == "outbound-api"
    assert client.messages(message.sid).fetch().body == "hello"


def test_scripted_error_reaches_the_client_as_twilio_sends_it(client, fake_twilio):
    fake_twilio.then(error(400, 21610))
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+15557654321", from_=HOTLINE_NUMBER, body="hello")
    assert raised.value.status == 400 and raised.value.code == 21610
    assert fake_twilio.messages == []


def test_wrong_credentials_are_refused(fake_twilio):
    from twilio.rest import Client

    wrong = Client(ACCOUNT_SID, "nope", http_client=_twilio_http_client(fake_twilio.base_url, 2))
    with pytest.raises(TwilioRestException) as raised:
        wrong.messages.create(to="+15557654321", from_=HOTLINE_NUMBER, body="hello")
    assert raised.value.status == 401
