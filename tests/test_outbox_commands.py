"""The operator's view (`hotline outbox`), `hotline chat` showing other numbers' messages, the console."""
from __future__ import annotations

import io
import logging
from dataclasses import replace

import pytest
from click.testing import CliRunner

from .fake_twilio import error
from hotline.cli import chat as chat_module
from hotline.cli import main
from hotline.outbound.outbox import queue_sms
from hotline.services import install

VOLUNTEER = "+15557654321"


@pytest.fixture
def backend():
    return "rq"


def _env(harness) -> dict:
    settings = harness.settings
    return {
        "DATABASE_URL": settings.database_url,
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "",
        "REDIS_URL": "",
        "QUEUE_THREADS": "0",
    }


def test_outbox_command_lists_rows_by_status_with_reasons(harness):
    harness.fake.then(error(400, 21211))
    failed = harness.queue(VOLUNTEER)
    harness.make_contact("+15550009999", opted_out=True)
    skipped = harness.queue("+15550009999")
    sent = harness.queue("+15550008888", "Thanks for helping!")
    harness.settle(60)
    result = CliRunner().invoke(main, ["outbox"], env=_env(harness))
    assert result.exit_code == 0, result.output
    assert "failed: 1" in result.output and "queued: 1" in result.output and "skipped: 1" in result.output
    lines = {int(line.split()[0]): line for line in result.output.splitlines()[1:]}
    assert "failed" in lines[failed] and "21211" in lines[failed] and "***4321" in lines[failed]
    assert "recipient opted out" in lines[skipped]
    assert "queued" in lines[sent]
    assert VOLUNTEER not in result.output
    only_failed = CliRunner().invoke(main, ["outbox", "--status", "failed"], env=_env(harness))
    assert [int(line.split()[0]) for line in only_failed.output.splitlines()[1:]] == [failed]


def test_outbox_retry_queues_a_failed_message_again_and_it_is_sent(harness):
    harness.fake.then(error(400, 21606))
    outbox_id = harness.queue(VOLUNTEER)
    harness.settle(60)
    assert harness.row(outbox_id).status == "failed"
    result = CliRunner().invoke(main, ["outbox", "retry", str(outbox_id)], env=_env(harness))
    assert result.exit_code == 0, result.output
    row = harness.row(outbox_id)
    assert row.status == "pending" and row.attempts == 0 and row.reason == "retried by an operator"
    install(harness.hotline)  # the command ran as its own process would, with its own services
    # That process had no worker: the running hotline's sweep picks the row up.
    harness.clock.shift(harness.settings.outbox_stale_seconds + 1)
    harness.sweep()
    harness.settle(60)
    assert harness.row(outbox_id).status == "queued"
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1


def test_outbox_retry_refuses_a_message_that_did_not_fail(harness):
    outbox_id = harness.queue(VOLUNTEER)
    harness.run_jobs()
    result = CliRunner().invoke(main, ["outbox", "retry", str(outbox_id)], env=_env(harness))
    assert result.exit_code != 0
    assert "only failed, undelivered or expired" in result.output
    assert CliRunner().invoke(main, ["outbox", "retry", "999"], env=_env(harness)).exit_code != 0


def test_chat_shows_what_the_hotline_sent_to_other_numbers_with_numbers_masked(settings, monkeypatch):
    real = chat_module.handle_message

    def handle_and_notify(db, settings, sender, body, **kwargs):
        outcome = real(db, settings, sender, body, **kwargs)
        with db.session() as session:
            queue_sms(session, VOLUNTEER, f"New request: {body}", kind="offer")
        return outcome

    monkeypatch.setattr(chat_module, "handle_message", handle_and_notify)
    session = chat_module.ChatSession(replace(settings, twilio_auth_token=""), "+15551234567")
    output: list[str] = []
    session.loop(io.StringIO("hello\n"), lambda text="", nl=True: output.append(text))
    assert "< 1 English" in output
    assert "to ***4321: New request: hello" in output
    assert output.index("to ***4321: New request: hello") > output.index("< 1 English")
    assert not any(VOLUNTEER in line for line in output)
    session.db.dispose()


def test_console_transport_logs_messages_with_the_number_masked(harness, caplog):
    from hotline.outbound.transports import ConsoleTransport

    harness.hotline.transport = console = ConsoleTransport()
    caplog.set_level(logging.INFO, logger="hotline")
    outbox_id = harness.queue(VOLUNTEER, "Your helper is on the way.")
    harness.run_jobs()
    assert harness.row(outbox_id).status == "sent"
    assert [m.body for m in console.sent] == ["Your helper is on the way."]
    assert "***4321" in caplog.text
    assert VOLUNTEER not in caplog.text
    assert harness.fake.requests == []
