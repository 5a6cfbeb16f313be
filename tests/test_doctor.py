"""`hotline doctor`: each check's ok and fix-this line, against a fake Twilio API, and the exit status."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from hotline import create_app
from hotline.background.worker import make_worker
from hotline.cli import main
from hotline.migrate import downgrade, upgrade
from hotline.monitoring import doctor

from .conftest import ACCOUNT_SID, AUTH_TOKEN, HOTLINE_NUMBER, PUBLIC_URL
from .console import add_user
from .fake_twilio import FakeTwilio, closed_port

SERVICE_SID = "MG" + "b2" * 16
COORDINATOR = "+16175550100"
RIGHT = {"sms_url": f"{PUBLIC_URL}/twilio/sms", "voice_url": f"{PUBLIC_URL}/twilio/voice",
         "status_callback": f"{PUBLIC_URL}/twilio/voice/status"}


class Answers(BaseAdapter):
    """Answer requests to PUBLIC_URL from a WSGI app (the hotline), or with a fixed answer."""

    def __init__(self, app=None, *, status: int = 200, headers: dict | None = None, body: bytes = b""):
        super().__init__()
        self.client = app.test_client() if app is not None else None
        self.fixed = (status, headers or {}, body)

    def send(self, request, **kwargs):
        response = requests.Response()
        if self.client is not None:
            parts = urlsplit(request.url)
            answer = self.client.open(parts.path, method=request.method, headers=dict(request.headers),
                                      query_string=parts.query)
            response.status_code, headers, response._content = answer.status_code, dict(answer.headers), answer.get_data()
        else:
            response.status_code, headers, response._content = self.fixed
        response.headers = CaseInsensitiveDict(headers)
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


def reaching(adapter: BaseAdapter) -> requests.Session:
    session = requests.Session()
    session.mount(PUBLIC_URL, adapter)
    return session


@pytest.fixture
def ready(settings, fake_twilio):
    """Settings of a hotline set up right, its number pointing here."""
    fake_twilio.numbers[HOTLINE_NUMBER] = dict(RIGHT)
    return replace(settings, twilio_account_sid=ACCOUNT_SID, twilio_phone_number=HOTLINE_NUMBER,
                   twilio_api_base_url=fake_twilio.base_url, twilio_timeout_seconds=2.0,
                   coordinator_phones=(COORDINATOR,), sms_monthly_segment_budget=5000,
                   call_monthly_minute_budget=600, secret_key="the-install-secret-key-0123456789")


@pytest.fixture
def served(ready):
    """The hotline's web side, answering at PUBLIC_URL, with an admin account."""
    app = create_app(ready)
    add_user(app.extensions["hotline"].db, "admin@example.org", "admin")
    yield reaching(Answers(app))
    app.extensions["hotline"].close()


def findings(settings, http=None, redis=None) -> list[doctor.Finding]:
    http = http or reaching(Answers(status=599))
    return [found for _topic, found_in in doctor.examine(settings, http=http, redis_connection=redis)
            for found in found_in]


def line(found: list[doctor.Finding], words: str) -> doctor.Finding:
    matching = [f for f in found if words in f.what]
    assert len(matching) == 1, (words, found)
    return matching[0]


def to_fix(found: list[doctor.Finding]) -> list[str]:
    return [f.what for f in found if f.state == doctor.FIX]


# The whole command ------------------------------------------------------------------------------

def environment(settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url, "INSTANCE_PATH": settings.instance_path,
        "LOCALES_DIR": settings.locales_dir, "PUBLIC_URL": PUBLIC_URL, "SECRET_KEY": settings.secret_key,
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid, "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_PHONE_NUMBER": settings.twilio_phone_number, "TWILIO_API_BASE_URL": settings.twilio_api_base_url,
        "COORDINATOR_PHONES": ",".join(settings.coordinator_phones), "REDIS_URL": "",
        "SMS_MONTHLY_SEGMENT_BUDGET": str(settings.sms_monthly_segment_budget),
        "CALL_MONTHLY_MINUTE_BUDGET": str(settings.call_monthly_minute_budget),
    }


def test_a_hotline_set_up_right_is_ready_and_the_exit_status_is_zero(ready, served, monkeypatch):
    monkeypatch.setattr(doctor, "http_session", lambda: served)
    result = CliRunner().invoke(main, ["doctor"], env=environment(ready))
    assert result.exit_code == 0, result.output
    assert "FIX" not in result.output
    assert "ok   PUBLIC_URL (https://hotline.example.org) reaches this hotline" in result.output
    assert "ok   texts to the number come here (https://hotline.example.org/twilio/sms)" in result.output
    assert result.output.rstrip().endswith("Ready: nothing to fix.")


def test_anything_to_fix_makes_the_exit_status_one_and_says_what_fixes_it(ready, served, monkeypatch):
    monkeypatch.setattr(doctor, "http_session", lambda: served)
    result = CliRunner().invoke(main, ["doctor"], env={**environment(ready), "COORDINATOR_PHONES": ""})
    assert result.exit_code == 1
    assert "FIX  COORDINATOR_PHONES is not set" in result.output
    assert "-> set COORDINATOR_PHONES to coordinators' numbers" in result.output
    assert result.output.rstrip().endswith("1 thing to fix before going live.")


def test_settings_the_hotline_would_refuse_are_listed_first(ready):
    result = CliRunner().invoke(main, ["doctor"], env={**environment(ready), "HOTLINE_TIMEZONE": "Mars/Olympus"})
    assert result.exit_code == 1
    assert "HOTLINE_TIMEZONE='Mars/Olympus': not a time zone name" in result.output


# Twilio -----------------------------------------------------------------------------------------

def test_no_twilio_account_must_be_fixed(settings):
    found = line(findings(settings), "no Twilio account")
    assert found.state == doctor.FIX and "TWILIO_ACCOUNT_SID" in found.fix


def test_webhooks_taken_unsigned_must_be_fixed(ready):
    found = line(findings(replace(ready, twilio_auth_token="", allow_unsigned_webhooks=True)), "TWILIO_AUTH_TOKEN")
    assert found.state == doctor.FIX and "remove ALLOW_UNSIGNED_WEBHOOKS" in found.fix


def test_credentials_twilio_refuses_must_be_fixed(ready):
    found = findings(replace(ready, twilio_auth_token="not-the-token"))
    refused = line(found, "Twilio refused the credentials")
    assert refused.state == doctor.FIX and "401" in refused.what and "TWILIO_AUTH_TOKEN" in refused.fix


def test_twilio_unreachable_must_be_fixed(ready):
    found = line(findings(replace(ready, twilio_api_base_url=f"http://127.0.0.1:{closed_port()}")), "did not answer")
    assert found.state == doctor.FIX


@pytest.mark.parametrize("status, kind, words", [("suspended", "Full", "the Twilio account is suspended"),
                                                 ("active", "Trial", "the Twilio account is a trial")])
def test_an_account_that_cannot_text_everyone_must_be_fixed(ready, fake_twilio, status, kind, words):
    fake_twilio.account_status, fake_twilio.account_type = status, kind
    assert line(findings(ready), words).state == doctor.FIX


def test_an_active_account_with_its_number_pointing_here_is_ok(ready):
    found = findings(ready)
    assert line(found, "Twilio accepts the credentials").state == doctor.OK
    assert line(found, "texts to the number come here").state == doctor.OK
    assert line(found, "calls to the number come here").state == doctor.OK
    assert line(found, "call status reports come here").state == doctor.OK


def test_a_number_of_another_account_must_be_fixed(ready, fake_twilio):
    fake_twilio.numbers.clear()
    found = line(findings(ready), "is not a number of this Twilio account")
    assert found.state == doctor.FIX and "***1111" in found.what and HOTLINE_NUMBER not in found.what


def test_webhooks_pointing_elsewhere_must_be_fixed_with_the_address_to_set(ready, fake_twilio):
    fake_twilio.numbers[HOTLINE_NUMBER] = {"sms_url": "https://old.example.org/sms", "voice_url": "",
                                           "status_callback": "https://old.example.org/status"}
    found = findings(ready)
    texts = line(found, "texts to the number go to")
    assert texts.state == doctor.FIX and "https://old.example.org/sms" in texts.what
    assert texts.fix == 'in the Twilio console, the number\'s "A message comes in": Webhook, POST, ' \
                        'https://hotline.example.org/twilio/sms'
    calls = line(found, "calls to the number go to")
    assert calls.state == doctor.FIX and "(nowhere)" in calls.what and calls.fix.endswith(f"{PUBLIC_URL}/twilio/voice")
    assert line(found, "call status reports go to").state == doctor.FIX


def test_a_webhook_by_get_must_be_fixed(ready, fake_twilio):
    fake_twilio.numbers[HOTLINE_NUMBER] = {**RIGHT, "sms_method": "GET"}
    assert line(findings(ready), "texts to the number go to GET").state == doctor.FIX


def test_no_call_status_callback_is_only_a_note(ready, fake_twilio):
    fake_twilio.numbers[HOTLINE_NUMBER] = {**RIGHT, "status_callback": ""}
    found = line(findings(ready), "not counted toward the call budget")
    assert found.state == doctor.WARN and found.fix.endswith(f"{PUBLIC_URL}/twilio/voice/status")


def test_a_messaging_service_must_send_texts_here(ready, fake_twilio):
    service = replace(ready, twilio_phone_number="", twilio_messaging_service_sid=SERVICE_SID)
    assert line(findings(service), "is not a Messaging Service of this account").state == doctor.FIX
    fake_twilio.services[SERVICE_SID] = {"inbound_request_url": "https://old.example.org/sms"}
    wrong = line(findings(service), "texts to the Messaging Service go to")
    assert wrong.state == doctor.FIX and wrong.fix.endswith(f"{PUBLIC_URL}/twilio/sms")
    fake_twilio.services[SERVICE_SID] = {"inbound_request_url": f"{PUBLIC_URL}/twilio/sms"}
    assert line(findings(service), "texts to the Messaging Service come here").state == doctor.OK


def test_a_messaging_service_deferring_to_its_number_is_checked_on_the_number(ready, fake_twilio):
    both = replace(ready, twilio_messaging_service_sid=SERVICE_SID)
    fake_twilio.services[SERVICE_SID] = {"use_inbound_webhook_on_number": True}
    fake_twilio.numbers[HOTLINE_NUMBER] = {**RIGHT, "sms_url": "https://old.example.org/sms"}
    assert line(findings(both), "texts to the number go to").state == doctor.FIX
    # Without deferring, the service's own URL decides, and the number's is left alone.
    fake_twilio.services[SERVICE_SID] = {"inbound_request_url": f"{PUBLIC_URL}/twilio/sms"}
    assert not [f for f in findings(both) if "texts to the number" in f.what]


# PUBLIC_URL -------------------------------------------------------------------------------------

def test_public_url_reaching_this_hotline_is_ok(ready, served):
    assert line(findings(ready, served), "reaches this hotline").state == doctor.OK


def test_nothing_answering_at_public_url_must_be_fixed(ready):
    found = line(findings(ready, requests.Session()), "nothing answers at PUBLIC_URL")
    assert found.state == doctor.FIX and "hotline run" in found.fix


def test_a_redirect_at_public_url_must_be_fixed(ready):
    moved = reaching(Answers(status=301, headers={"Location": "https://www.hotline.example.org/healthz"}))
    found = line(findings(ready, moved), "PUBLIC_URL redirects to https://www.hotline.example.org/healthz")
    assert found.state == doctor.FIX


def test_another_site_at_public_url_must_be_fixed(ready):
    page = reaching(Answers(headers={"Content-Type": "text/html"}, body=b"<html>parked domain</html>"))
    assert line(findings(ready, page), "something other than the hotline answers").state == doctor.FIX


def test_another_install_at_public_url_must_be_fixed(ready, served):
    elsewhere = replace(ready, secret_key="another-install-key-9876543210")
    found = line(findings(elsewhere, served), "but not this one")
    assert found.state == doctor.FIX and "SECRET_KEY" in found.fix


def test_the_instance_key_is_read_where_the_web_processes_keep_it(ready, fake_twilio):
    keyless = replace(ready, secret_key="")
    app = create_app(keyless)  # makes the key in the instance folder, as the first web process does
    try:
        assert line(findings(keyless, reaching(Answers(app))), "reaches this hotline").state == doctor.OK
    finally:
        app.extensions["hotline"].close()


def test_a_local_public_url_with_a_twilio_account_must_be_fixed(ready):
    found = line(findings(replace(ready, public_url="http://localhost:5000")), "Twilio cannot reach")
    assert found.state == doctor.FIX


def test_a_failing_hotline_at_public_url_must_be_fixed(ready, redis_conn):
    app = create_app(replace(ready, redis_url="redis://unused"))
    hotline = app.extensions["hotline"]
    hotline.use_redis(redis_conn)
    try:
        found = line(findings(ready, reaching(Answers(app))), "says it is failing")
        assert found.state == doctor.FIX and "no worker alive" in found.what
    finally:
        hotline.close()


# Database ---------------------------------------------------------------------------------------

def test_a_reachable_current_database_with_an_admin_is_ok(ready, served):
    found = findings(ready, served)
    assert line(found, "the database answers").state == doctor.OK
    assert line(found, "schema is up to date").state == doctor.OK
    assert line(found, "1 admin account for the console").state == doctor.OK


def test_no_admin_account_must_be_fixed(ready):
    found = line(findings(ready), "no console account can manage the others")
    assert found.state == doctor.FIX and found.fix == "hotline users add EMAIL --role admin"


def test_an_outdated_schema_must_be_upgraded(ready):
    downgrade(ready.database_url, "-1")
    try:
        found = line(findings(ready), "the database schema is at")
        assert found.state == doctor.FIX and found.fix == "hotline db upgrade"
    finally:
        # On PostgreSQL the next tests start from this same database.
        upgrade(ready.database_url)


def test_a_missing_database_file_is_not_made_but_must_be_upgraded(ready, tmp_path):
    path = tmp_path / "nowhere" / "hotline.db"
    found = line(findings(replace(ready, database_url=f"sqlite:///{path}")), "no database yet")
    assert found.state == doctor.FIX and found.fix == "hotline db upgrade"
    assert not path.parent.exists()


def test_an_unreachable_database_must_be_fixed(ready):
    url = f"postgresql+psycopg://hotline:secret-password@127.0.0.1:{closed_port()}/hotline"
    found = line(findings(replace(ready, database_url=url)), "the database does not answer")
    assert found.state == doctor.FIX and "secret-password" not in found.what


# Redis and workers ------------------------------------------------------------------------------

def test_without_redis_the_web_process_does_the_queued_work(ready):
    assert line(findings(ready), "no REDIS_URL").state == doctor.OK


def test_redis_without_a_live_worker_must_be_fixed_and_with_one_is_ok(ready, redis_conn, served):
    queued = replace(ready, redis_url="redis://unused")
    found = line(findings(queued, served, redis_conn), "no worker is alive")
    assert found.state == doctor.FIX and "hotline worker" in found.fix
    app = create_app(ready)
    hotline = app.extensions["hotline"]
    hotline.use_redis(redis_conn)
    try:
        make_worker(hotline).register_birth()
        assert line(findings(queued, served, redis_conn), "1 worker alive").state == doctor.OK
    finally:
        hotline.close()


def test_redis_unreachable_must_be_fixed(ready):
    found = line(findings(replace(ready, redis_url=f"redis://127.0.0.1:{closed_port()}/0")), "Redis does not answer")
    assert found.state == doctor.FIX


# People and budget ------------------------------------------------------------------------------

def test_coordinator_phones_and_a_monthly_budget_must_be_set(ready):
    found = findings(replace(ready, coordinator_phones=(), sms_monthly_segment_budget=0, call_monthly_minute_budget=0))
    assert line(found, "COORDINATOR_PHONES is not set").state == doctor.FIX
    assert line(found, "no monthly SMS budget").state == doctor.FIX
    assert line(found, "no monthly call budget").state == doctor.WARN
    found = findings(ready)
    assert line(found, "1 coordinator phone to alert").state == doctor.OK
    assert line(found, "monthly SMS budget: 5000 segments").state == doctor.OK


def test_the_fake_twilio_serves_only_the_account_it_was_made_for():
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    try:
        answer = requests.get(f"{fake.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}.json", auth=(ACCOUNT_SID, "wrong"))
        assert answer.status_code == 401
    finally:
        fake.stop()
