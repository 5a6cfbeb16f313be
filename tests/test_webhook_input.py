"""Hostile input to every /twilio route is answered with 4xx (or taken, cleaned), never 5xx.

Signed as Twilio signs, so each request reaches the code behind the signature check; run with
TEST_DATABASE_URL set, it is PostgreSQL that refuses what SQLite would store (NUL bytes, values
longer than a column).
"""
from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from hotline.models import DeliveryReport, InboundMessage, Recording

from .conftest import PUBLIC_URL, sign

CALLER = "+15551234567"


def sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def forms() -> dict[str, tuple[dict, set[str]]]:
    """Every webhook: a well-formed request, and which of its fields are keys (refused, never cut)."""
    call = sid("CA")
    return {
        "/twilio/sms": ({"From": CALLER, "To": "+15550001111", "Body": "I need food", "MessageSid": sid("SM")},
                        {"From", "MessageSid"}),
        "/twilio/status": ({"MessageSid": sid("SM"), "MessageStatus": "delivered", "ErrorCode": "30003"},
                           {"MessageSid"}),
        "/twilio/voice": ({"CallSid": call, "From": CALLER, "To": "+15550001111"}, {"CallSid", "From"}),
        "/twilio/voice/answer?t=1": ({"CallSid": call, "From": CALLER, "Digits": "1", "SpeechResult": "food please"},
                                     {"CallSid", "From"}),
        "/twilio/voice/recorded?t=1": ({"CallSid": call, "From": CALLER, "RecordingSid": sid("RE"),
                                        "RecordingUrl": "https://api.twilio.com/rec", "RecordingDuration": "7"},
                                       {"CallSid", "From", "RecordingSid"}),
        "/twilio/voice/status": ({"CallSid": call, "CallStatus": "completed"}, {"CallSid"}),
        "/twilio/voice/transcription": ({"RecordingSid": sid("RE"), "CallSid": call, "TranscriptionText": "my words",
                                         "TranscriptionStatus": "completed",
                                         "RecordingUrl": "https://api.twilio.com/rec"},
                                        {"RecordingSid", "CallSid"}),
        "/twilio/voice/notify?o=1": ({"CallSid": call, "From": "+15550001111"}, set()),
        "/twilio/voice/notify/answer?o=1": ({"CallSid": call, "Digits": "1"}, set()),
    }


ROUTES = list(forms())
FIELDS = [(path, name) for path, (form, _) in forms().items() for name in form]


def post(client, path: str, form: dict):
    return client.post(path, data=form, headers={"X-Twilio-Signature": sign(f"{PUBLIC_URL}{path}", form)})


def post_raw(client, path: str, body: bytes):
    """Post a urlencoded body as bytes, signed over the values the server decodes from it, as Twilio would."""
    decoded = Request(EnvironBuilder(method="POST", data=body,
                                     content_type="application/x-www-form-urlencoded").get_environ()).form
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": sign(f"{PUBLIC_URL}{path}", decoded)})
    assert response.status_code != 403
    return response


def expect(path: str, name: str, response, *, key: bool) -> None:
    assert response.status_code < 500, (path, name, response.data)
    if key:
        assert response.status_code == 400, (path, name, response.data)


def test_well_formed_requests_are_taken(client):
    for path, (form, _) in forms().items():
        assert post(client, path, form).status_code in (200, 204), path


@pytest.mark.parametrize("path, name", FIELDS)
@pytest.mark.parametrize("hostile", ["\x00", "\x1b[2J", "\x7f", "\u0085", " "], ids=["nul", "escape", "del", "nel", "space"])
def test_control_characters_in_any_field_are_refused_in_keys_and_dropped_from_text(client, path, name, hostile):
    form, keys = forms()[path]
    form[name] = form[name][:5] + hostile + form[name][5:]
    response = post(client, path, form)
    expect(path, name, response, key=name in keys)


@pytest.mark.parametrize("path, name", FIELDS)
def test_over_long_values_in_any_field_are_refused_in_keys_and_cut_in_text(client, path, name):
    form, keys = forms()[path]
    form[name] = form[name] + "9" * 5000
    expect(path, name, post(client, path, form), key=name in keys)


@pytest.mark.parametrize("path, name", FIELDS)
def test_bytes_that_are_not_utf8_in_any_field_never_fail(client, path, name):
    form, keys = forms()[path]
    body = "&".join(f"{k}={quote(v)}" for k, v in form.items() if k != name).encode() + f"&{name}=".encode()
    for bad in (b"%FF%FEx%C3", b"\xff\xfe\xc3x"):
        assert post_raw(client, path, body + bad).status_code < 500, (path, name, bad)


@pytest.mark.parametrize("path", [path for path in ROUTES if "/notify" not in path])
def test_missing_fields_are_refused(client, path):
    response = post(client, path, {})
    assert response.status_code == 400, response.data


@pytest.mark.parametrize("path", [path for path in ROUTES if "/notify" in path])
def test_a_placed_call_without_its_form_hangs_up(client, path):
    """What a placed call says is found from its outbox id in the address; its form adds nothing needed."""
    response = post(client, path, {})
    assert response.status_code == 200 and b"<Hangup" in response.data


@pytest.mark.parametrize("path", ["/twilio/voice/notify", "/twilio/voice/notify/answer", "/twilio/voice/answer?t=x",
                                  "/twilio/voice/notify?o=99999999999999999999999"])
def test_bad_query_numbers_are_refused(client, path):
    assert post(client, path, {"CallSid": sid("CA"), "From": CALLER}).status_code == 400


@pytest.mark.parametrize("path", ROUTES)
def test_the_same_request_twice_is_answered_alike(client, path):
    form, _ = forms()[path]
    first, second = post(client, path, form), post(client, path, form)
    assert first.status_code == second.status_code and first.status_code < 400
    if path == "/twilio/sms":
        assert first.data == second.data


@pytest.mark.parametrize("path", ROUTES)
def test_a_field_sent_twice_is_read_once(client, path):
    form, _ = forms()[path]
    pairs = [*form.items(), *form.items()]
    response = post_raw(client, path, "&".join(f"{k}={quote(v)}" for k, v in pairs).encode())
    assert response.status_code < 400, response.data


@pytest.mark.parametrize("path, status_field", [("/twilio/status", "MessageStatus"), ("/twilio/voice/status", "CallStatus")])
@pytest.mark.parametrize("length", [25, 32, 200])
def test_a_status_longer_than_any_status_is_refused(client, db, path, status_field, length):
    form, _ = forms()[path]
    form[status_field] = "x" * length
    assert post(client, path, form).status_code == 400
    with db.session() as session:
        assert session.scalars(select(DeliveryReport)).first() is None


@pytest.mark.parametrize("path, status_field", [("/twilio/status", "MessageStatus"), ("/twilio/voice/status", "CallStatus")])
def test_an_unknown_status_is_kept_and_moves_nothing(client, db, path, status_field):
    form, _ = forms()[path]
    form[status_field] = "Teleported"
    assert post(client, path, form).status_code == 204
    with db.session() as session:
        [report] = session.scalars(select(DeliveryReport))
        assert report.message_status == "teleported"


@pytest.mark.parametrize("path, status_field", [("/twilio/status", "MessageStatus"), ("/twilio/voice/status", "CallStatus"),
                                                ("/twilio/voice/transcription", "TranscriptionStatus")])
@pytest.mark.parametrize("status", ["deliv ered", "delivered;drop", "dé", "1", "in progress\x00"])
def test_a_status_that_is_not_a_word_is_refused(client, path, status_field, status):
    form, _ = forms()[path]
    form[status_field] = status
    assert post(client, path, form).status_code == 400


def test_text_keeps_its_words_without_control_characters(client, db):
    form, _ = forms()["/twilio/sms"]
    form["Body"] = "I need\x00 food\x1b"
    assert post(client, "/twilio/sms", form).status_code == 200
    path = "/twilio/voice/transcription"
    transcription, _ = forms()[path]
    transcription["TranscriptionText"] = "my\x00 words " + "w" * 20_000
    assert post(client, path, transcription).status_code == 204
    with db.session() as session:
        [inbound] = session.scalars(select(InboundMessage))
        assert inbound.body == "I need food"
        [recording] = session.scalars(select(Recording))
        assert recording.transcription.startswith("my words w") and "\x00" not in recording.transcription
