"""Missed calls: a resident who rings and hangs up before the menu is called back once, in their
language, a few minutes later; not when they called or texted again, not at night, not twice."""
from __future__ import annotations

import logging
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline.i18n import Translator, languages
from hotline.i18n.spoken import speakable
from hotline.models import Contact, OutboxMessage

from .conftest import HOTLINE_NUMBER, PUBLIC_URL, Phone, sign
from .twiml_check import twiml_problems
from .voice_caller import Call

RESIDENT = "+15553334444"
# 14:00 in America/New_York (the tests' HOTLINE_TIMEZONE), a Tuesday.
AFTERNOON = datetime(2026, 3, 3, 19, 0, tzinfo=timezone.utc)
# 23:30 there.
NIGHT = datetime(2026, 3, 4, 4, 30, tzinfo=timezone.utc)


def at(harness, moment: datetime) -> None:
    harness.clock.move_to(moment)


def resident(harness, language="es", **values) -> None:
    harness.make_contact(RESIDENT, language=language, **values)


def ends(harness, sid: str, status: str = "completed", caller: str = RESIDENT, duration: int = 4):
    """Twilio reports that a call that came in has ended (the number's call status callback)."""
    url = f"{PUBLIC_URL}/twilio/voice/status"
    form = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": caller, "To": HOTLINE_NUMBER,
            "Direction": "inbound", "CallStatus": status, "CallDuration": str(duration), "ApiVersion": "2010-04-01"}
    response = harness.client.post("/twilio/voice/status", data=form, headers={"X-Twilio-Signature": sign(url, form)})
    assert response.status_code == 204
    return response


def rings_and_hangs_up(harness, caller: str = RESIDENT) -> str:
    """A call that reaches the hotline's first words and ends there."""
    call = Call(harness.client, caller).dial()
    ends(harness, call.call_sid, caller=caller)
    return call.call_sid


def call_backs(harness) -> list[OutboxMessage]:
    with harness.db.session() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "missed_call")))


def test_a_missed_call_is_called_back_once_in_their_language_with_the_menu(harness):
    at(harness, AFTERNOON)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.run_jobs()
    assert harness.fake.calls_to(RESIDENT) == []  # not at once: in a few minutes
    harness.later(3 * 60 + 1)
    [call] = harness.fake.calls_to(RESIDENT)
    params = harness.fake.call_params[call["sid"]]
    assert params["From"] == HOTLINE_NUMBER
    [row] = call_backs(harness)

    # Picked up: who is calling, in Spanish, then the hotline's own menu, as if they had called.
    form = {"CallSid": call["sid"], "AccountSid": "AC" + "0" * 32, "From": HOTLINE_NUMBER, "To": RESIDENT,
            "Direction": "outbound-api", "CallStatus": "in-progress"}
    response = harness.client.post(params["Url"].removeprefix(PUBLIC_URL), data=form,
                                   headers={"X-Twilio-Signature": sign(params["Url"], form)})
    assert twiml_problems(response.data, PUBLIC_URL) == []
    lang = languages.REGISTRY["es"]
    expected = VoiceResponse()
    expected.say(speakable(Translator("es", "locales").pgettext(
        "voice", "Hello, this is the mutual aid hotline, calling you back. You called us a little while ago.")),
        language=lang.say_language, voice=lang.say_voice)
    expected.redirect(f"{PUBLIC_URL}/twilio/voice", method="POST")
    assert ET.canonicalize(response.data.decode(), strip_text=True) == ET.canonicalize(str(expected),
                                                                                       strip_text=True)
    redirect = ET.fromstring(response.data).find("Redirect").text
    menu = harness.client.post("/twilio/voice", data=form, headers={"X-Twilio-Signature": sign(redirect, form)})
    assert menu.status_code == 200
    says = [s for s in ET.fromstring(menu.data).iter("Say")]
    assert says and all(s.get("language") == "es-US" for s in says)
    assert ET.fromstring(menu.data).find("Gather") is not None

    # Unanswered or answered, it is one call: never tried again, never a second within the window.
    path, cb, headers = harness.fake.call_callback(call["sid"], "no-answer")
    harness.client.post(path, data=cb, headers=headers)
    rings_and_hangs_up(harness)
    harness.settle(3600)
    assert len(harness.fake.calls_to(RESIDENT)) == 1


def test_no_call_back_after_they_texted_meanwhile(harness):
    at(harness, AFTERNOON)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.clock.shift(60)
    Phone(harness.client, RESIDENT).text("hola")
    harness.settle(600)
    assert harness.fake.calls_to(RESIDENT) == [] and call_backs(harness) == []


def test_no_call_back_after_they_called_again_and_heard_the_menu(harness):
    at(harness, AFTERNOON)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.clock.shift(60)
    again = Call(harness.client, RESIDENT).dial()
    again.press("1")
    ends(harness, again.call_sid, duration=40)
    harness.settle(600)
    assert harness.fake.calls_to(RESIDENT) == []


def test_a_call_that_went_past_the_menu_is_not_a_missed_call(harness):
    at(harness, AFTERNOON)
    resident(harness)
    call = Call(harness.client, RESIDENT).dial()
    call.press("1")
    ends(harness, call.call_sid, duration=30)
    harness.settle(600)
    assert call_backs(harness) == []


def test_a_call_that_ended_while_ringing_is_called_back_too(harness):
    at(harness, AFTERNOON)
    ends(harness, "CA" + uuid.uuid4().hex, status="canceled", duration=0)
    harness.settle(600)
    assert len(harness.fake.calls_to(RESIDENT)) == 1


def test_a_missed_call_at_night_is_called_back_in_the_morning(harness):
    at(harness, NIGHT)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.settle(3 * 3600)
    assert harness.fake.calls_to(RESIDENT) == []  # 02:30 there: still night
    harness.settle(6 * 3600)
    [call] = harness.fake.calls_to(RESIDENT)
    [row] = call_backs(harness)
    local = row.created_at.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert local.hour == 8 and local.date().isoformat() == "2026-03-04"


@pytest.mark.parametrize("caller", ["+266696687", "anonymous", HOTLINE_NUMBER])
def test_hidden_or_hotline_numbers_are_never_called_back(harness, caller):
    at(harness, AFTERNOON)
    ends(harness, "CA" + uuid.uuid4().hex, caller=caller)
    harness.settle(600)
    assert harness.fake.calls == []


def test_an_opted_out_or_blocked_number_is_not_called_back(harness):
    at(harness, AFTERNOON)
    resident(harness, opted_out=True)
    harness.make_contact("+15553335555", blocked_at=AFTERNOON)
    rings_and_hangs_up(harness)
    ends(harness, "CA" + uuid.uuid4().hex, caller="+15553335555")
    harness.settle(600)
    assert harness.fake.calls == []


def test_opting_out_meanwhile_stops_the_call_back(harness):
    at(harness, AFTERNOON)
    resident(harness)
    rings_and_hangs_up(harness)
    with harness.db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == RESIDENT)).one().opted_out = True
    harness.settle(600)
    assert harness.fake.calls == []


def test_call_backs_can_be_turned_off_and_the_delay_set(harness):
    at(harness, AFTERNOON)
    harness.hotline.settings = replace(harness.hotline.settings, missed_call_delay_minutes=10)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.settle(9 * 60)
    assert harness.fake.calls == []
    harness.settle(2 * 60)
    assert len(harness.fake.calls_to(RESIDENT)) == 1
    harness.hotline.settings = replace(harness.hotline.settings, missed_call_back=False,
                                       missed_call_window_hours=0)
    rings_and_hangs_up(harness)
    harness.settle(3600)
    assert len(harness.fake.calls_to(RESIDENT)) == 1


def test_a_retried_status_report_schedules_one_call_back(harness):
    at(harness, AFTERNOON)
    resident(harness)
    call = Call(harness.client, RESIDENT).dial()
    ends(harness, call.call_sid)
    ends(harness, call.call_sid)
    harness.settle(600)
    assert len(harness.fake.calls_to(RESIDENT)) == 1


def test_the_number_of_a_missed_call_never_reaches_a_log_line(harness, caplog):
    caplog.set_level(logging.DEBUG)
    at(harness, AFTERNOON)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.settle(600)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "calling back" in logged and RESIDENT[2:] not in logged


def test_an_unsigned_call_status_report_is_refused(harness):
    form = {"CallSid": "CA1", "From": RESIDENT, "Direction": "inbound", "CallStatus": "completed"}
    assert harness.client.post("/twilio/voice/status", data=form).status_code == 403
    assert harness.client.post("/twilio/voice/status", data=form,
                               headers={"X-Twilio-Signature": "forged"}).status_code == 403
    harness.settle(600)
    assert harness.fake.calls == []


def test_a_call_back_lost_with_the_queue_is_placed_by_the_sweep_once(harness, monkeypatch):
    from hotline import jobs
    from hotline.outbound import outbox
    from hotline.voice import missed

    at(harness, AFTERNOON)
    resident(harness)
    enqueue = outbox.enqueue_now

    def queue_down_for_call_backs(job_name, *args, **kwargs):
        if job_name == missed.JOB:
            return False  # as when Redis cannot be reached: logged, and the job is gone
        return enqueue(job_name, *args, **kwargs)

    monkeypatch.setattr(outbox, "enqueue_now", queue_down_for_call_backs)
    rings_and_hangs_up(harness)
    harness.later(10 * 60)
    assert harness.fake.calls_to(RESIDENT) == []
    assert jobs.periodic(harness.hotline.settings)["missed_call_sweep"] == 60
    assert missed.sweep(harness.db, harness.hotline.settings).startswith("1 call back")
    harness.run_jobs()
    assert len(harness.fake.calls_to(RESIDENT)) == 1
    # The sweep comes round again: that missed call was called back, nothing more.
    harness.later(60)
    assert missed.sweep(harness.db, harness.hotline.settings).startswith("0 call back")
    harness.settle(3600)
    assert len(harness.fake.calls_to(RESIDENT)) == 1 and len(call_backs(harness)) == 1


def test_the_sweep_leaves_a_missed_call_already_called_back_alone(harness):
    from hotline.voice import missed

    at(harness, AFTERNOON)
    resident(harness)
    rings_and_hangs_up(harness)
    harness.later(3 * 60 + 1)
    assert len(harness.fake.calls_to(RESIDENT)) == 1
    harness.later(10 * 60)
    assert missed.sweep(harness.db, harness.hotline.settings).startswith("0 call back")
    assert len(call_backs(harness)) == 1


@pytest.mark.parametrize("local, allowed", [
    ("08:00", True), ("20:30", True), ("20:31", False), ("20:59", False), ("21:00", False), ("07:59", False)])
def test_a_call_back_is_queued_only_if_it_rings_before_the_latest_hour_even_when_held(harness, local, allowed):
    from zoneinfo import ZoneInfo

    from hotline.voice import missed

    zone = ZoneInfo("America/New_York")
    hour, minute = map(int, local.split(":"))
    moment = datetime(2026, 3, 3, hour, minute, tzinfo=zone).astimezone(timezone.utc)
    when = missed.allowed_at(harness.hotline.settings, moment)
    assert (when == moment) is allowed
    if not allowed:
        assert when.astimezone(zone).hour == 8 and when > moment
    else:
        assert when + missed.TTL <= datetime(2026, 3, 3, 21, 0, tzinfo=zone)


def test_a_call_at_twenty_to_nine_in_the_evening_is_called_back_in_the_morning(harness):
    from zoneinfo import ZoneInfo

    at(harness, datetime(2026, 3, 3, 20, 40, tzinfo=ZoneInfo("America/New_York")).astimezone(timezone.utc))
    resident(harness)
    rings_and_hangs_up(harness)
    harness.settle(3600)
    assert harness.fake.calls_to(RESIDENT) == []
    harness.settle(12 * 3600)
    [row] = call_backs(harness)
    assert row.created_at.astimezone(ZoneInfo("America/New_York")).hour == 8
