"""Webhooks fail closed: without a token nothing unsigned is taken, unless no Twilio account is set
(the console transport) or ALLOW_UNSIGNED_WEBHOOKS says so, loudly."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hotline import create_app
from hotline.cli import main, server
from hotline.config import PROJECT_ROOT, UnsafeSettings
from hotline.models import Contact, Need, Offer, OutboxMessage

from .conftest import ACCOUNT_SID
from .scenario import RESIDENT, VOLUNTEER, food_run, new_sid

BANNER = "Testing only: ALLOW_UNSIGNED_WEBHOOKS is on"


@pytest.fixture
def backend():
    return "inprocess"


def snapshot(db) -> tuple:
    """Everything a forged request could change: needs, offers, opt-outs, outbox rows."""
    with db.session() as session:
        return (
            [(n.ref, n.status) for n in session.scalars(select(Need).order_by(Need.id))],
            [(o.code, o.status) for o in session.scalars(select(Offer).order_by(Offer.id))],
            [(c.phone, c.opted_out) for c in session.scalars(select(Contact).order_by(Contact.id))],
            [(m.id, m.status, m.twilio_sid) for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))],
        )


def forged_requests(sid: str):
    """Every task code from the volunteer's number, a STOP from the resident, and a status callback."""
    for code in range(1000):
        yield "/twilio/sms", {"From": VOLUNTEER, "To": "+15550001111", "Body": f"{code:03d}", "MessageSid": new_sid()}
    yield "/twilio/sms", {"From": VOLUNTEER, "Body": "CLAIM", "MessageSid": new_sid()}
    yield "/twilio/sms", {"From": RESIDENT, "Body": "STOP", "MessageSid": new_sid()}
    yield "/twilio/status", {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "21610"}
    yield "/twilio/voice", {"CallSid": new_sid("CA"), "From": RESIDENT}
    yield "/twilio/voice/status", {"CallSid": new_sid("CA"), "CallStatus": "completed"}
    yield "/twilio/voice/transcription", {"RecordingSid": new_sid("RE"), "TranscriptionText": "hi"}


def offer_sid(db) -> str:
    with db.session() as session:
        return session.scalar(select(OutboxMessage.twilio_sid).where(OutboxMessage.kind == "offer"))


def test_unsigned_brute_force_of_task_codes_gets_only_403s_and_changes_nothing(harness):
    food_run(harness)
    sid = offer_sid(harness.db)
    before = snapshot(harness.db)
    answers = {harness.client.post(path, data=form).status_code for path, form in forged_requests(sid)}
    assert answers == {403}
    harness.run_jobs()
    assert snapshot(harness.db) == before
    assert len(harness.fake.requests) == 1  # the offer, and nothing the forgeries caused


def test_a_wrong_signature_is_as_good_as_none(harness):
    code = food_run(harness)
    before = snapshot(harness.db)
    response = harness.client.post("/twilio/sms", data={"From": VOLUNTEER, "Body": code, "MessageSid": new_sid()},
                                   headers={"X-Twilio-Signature": "c2lnbmVk"})
    assert response.status_code == 403
    assert snapshot(harness.db) == before


def test_a_twilio_account_without_a_token_refuses_to_start(twilio_settings):
    with pytest.raises(UnsafeSettings) as refused:
        create_app(replace(twilio_settings, twilio_auth_token=""))
    assert "TWILIO_AUTH_TOKEN" in str(refused.value) and "ALLOW_UNSIGNED_WEBHOOKS=1" in str(refused.value)


def test_if_the_token_goes_missing_after_start_every_webhook_is_refused(harness):
    """The start check is not the only guard: the signature check itself fails closed."""
    sid = new_sid()
    harness.hotline.settings = replace(harness.settings, twilio_auth_token="")
    answers = {harness.client.post(path, data=form).status_code for path, form in forged_requests(sid)}
    assert answers == {403}


def _env(tmp_path, **extra) -> dict:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "INSTANCE_PATH": str(tmp_path / "instance"),
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "", "ALLOW_UNSIGNED_WEBHOOKS": "",
            "REDIS_URL": "", "PUBLIC_URL": "", **extra}


@pytest.mark.parametrize("command", [["run"], ["worker", "--burst"]])
def test_hotline_run_and_worker_refuse_to_start_and_say_what_to_set(command, monkeypatch, tmp_path):
    monkeypatch.setattr(server, "serve", lambda *a, **k: pytest.fail("served without a token"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, command, env=_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0"))
    assert result.exit_code != 0
    assert "TWILIO_AUTH_TOKEN" in result.output and "ALLOW_UNSIGNED_WEBHOOKS=1" in result.output
    assert not (tmp_path / "run.db").exists()  # refused before touching the database


@pytest.mark.parametrize("entry", [
    ["-c", "import wsgi"],  # what gunicorn wsgi:app does
    ["worker.py"],
])
def test_gunicorn_and_worker_py_refuse_to_start_and_say_what_to_set(entry, tmp_path):
    env = {**os.environ, **_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")}
    done = subprocess.run([sys.executable, *entry], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert "TWILIO_AUTH_TOKEN" in done.stderr and "ALLOW_UNSIGNED_WEBHOOKS=1" in done.stderr


def test_console_transport_still_takes_unsigned_requests(settings):
    app = create_app(replace(settings, twilio_auth_token="", twilio_account_sid=""))
    try:
        client = app.test_client()
        response = client.post("/twilio/sms", data={"From": RESIDENT, "Body": "hi", "MessageSid": new_sid()})
        assert response.status_code == 200
        assert BANNER not in client.get("/login").get_data(as_text=True)
    finally:
        app.extensions["hotline"].close()


@pytest.fixture
def unsigned_app(twilio_settings, caplog):
    caplog.set_level(logging.WARNING)
    app = create_app(replace(twilio_settings, twilio_auth_token="", allow_unsigned_webhooks=True))
    yield app
    app.extensions["hotline"].close()


def test_allow_unsigned_webhooks_serves_them_and_warns_at_start(unsigned_app, caplog):
    warnings = [r for r in caplog.get_records("setup") if r.levelno == logging.WARNING and "ALLOW_UNSIGNED_WEBHOOKS" in r.getMessage()]
    assert len(warnings) == 1
    response = unsigned_app.test_client().post("/twilio/sms", data={"From": RESIDENT, "Body": "hi",
                                                                    "MessageSid": new_sid()})
    assert response.status_code == 200


@pytest.mark.parametrize("lang, words", [
    ("en", BANNER),
    ("es", "Solo para pruebas"),
    ("ar", "للاختبار فقط"),
    ("zh", "仅供测试"),
])
def test_allow_unsigned_webhooks_puts_a_banner_on_every_console_page(unsigned_app, lang, words):
    client = unsigned_app.test_client()
    page = client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert words in page and 'role="alert"' in page
    missing = client.get(f"/nowhere?lang={lang}")
    assert missing.status_code == 404 and "ALLOW_UNSIGNED_WEBHOOKS" in missing.get_data(as_text=True)


def test_the_worker_warns_at_every_start_too(twilio_settings, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)

    class Idle:
        def work(self, **_):
            return True

    monkeypatch.setattr(server, "make_worker", lambda hotline: Idle())
    settings = replace(twilio_settings, twilio_auth_token="", allow_unsigned_webhooks=True,
                       redis_url="redis://127.0.0.1:1/0")
    server.run_worker(settings, burst=True)
    assert any("ALLOW_UNSIGNED_WEBHOOKS" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_a_token_wins_over_allow_unsigned_webhooks(twilio_settings):
    app = create_app(replace(twilio_settings, allow_unsigned_webhooks=True))
    try:
        client = app.test_client()
        assert client.post("/twilio/sms", data={"From": RESIDENT, "Body": "hi"}).status_code == 403
        assert BANNER not in client.get("/login").get_data(as_text=True)
    finally:
        app.extensions["hotline"].close()
