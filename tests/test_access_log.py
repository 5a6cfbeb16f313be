"""Logging: one access line per request without query or body, numbers masked; LOG_LEVEL sets the level."""
from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest

from hotline import logs

from .conftest import PUBLIC_URL, sign


@pytest.fixture
def log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(logs.FORMAT))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logs.protect()
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def access_lines(stream) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if " hotline.access: " in line]


def test_each_request_is_logged_once_with_method_path_status_and_milliseconds(client, log_output):
    client.get("/healthz")
    client.get("/nowhere")
    lines = access_lines(log_output)
    assert len(lines) == 2
    assert lines[0].split(" hotline.access: ")[1].startswith("GET /healthz -> 200 ")
    assert lines[0].endswith("ms")
    assert lines[1].split(" hotline.access: ")[1].startswith("GET /nowhere -> 404 ")


def test_the_access_log_has_no_query_string_no_body_and_no_whole_number(client, log_output):
    params = {"From": "+15551234567", "To": "+15550001111", "Body": "I need food at 12 Elm St", "MessageSid": "SM" + "1" * 32,
              "AccountSid": "AC" + "0" * 32, "NumMedia": "0"}
    query = "token=secret-value&to=%2B15557654321"
    signature = sign(f"{PUBLIC_URL}/twilio/sms?{query}", params)
    assert client.post(f"/twilio/sms?{query}", data=params, headers={"X-Twilio-Signature": signature}).status_code == 200
    client.get("/volunteers/+15557654321/x?y=1")
    client.get("/bad%0aGET%20/forged%20200%201ms")
    output = "\n".join(access_lines(log_output))
    assert "POST /twilio/sms -> 200 " in output
    assert "?" not in output and "secret-value" not in output and "Elm St" not in output
    assert "5551234567" not in output and "5557654321" not in output
    assert "/volunteers/***4321/x -> 404" in output
    # A number at the end of the path is masked, and the status still follows it.
    client.get("/needs/+15557654321")
    assert "GET /needs/***4321 -> " in access_lines(log_output)[-1]
    # A line break smuggled into the path stays inside its own line.
    assert len(access_lines(log_output)) == 4
    assert "/bad\\x0aGET /forged 200 1ms -> 404 " in output


def test_log_level_sets_what_the_processes_log():
    # A fresh process: the hotline's own handler serves, at LOG_LEVEL.
    script = ("import logging; from hotline import logs; logs.configure('WARNING'); "
              "logging.getLogger('hotline').info('quiet'); logging.getLogger('hotline').warning('to +15551234567'); "
              "logs.configure('DEBUG'); logging.getLogger('hotline').debug('loud')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "quiet" not in result.stderr
    assert "WARNING hotline: to ***4567" in result.stderr
    assert "DEBUG hotline: loud" in result.stderr
    assert result.stderr.count("to ***4567") == 1


def test_an_unknown_log_level_is_refused_at_start_naming_the_variable(database_url, tmp_path):
    from hotline.config import Settings, UnsafeSettings

    with pytest.raises(UnsafeSettings, match="LOG_LEVEL='chatty': one of DEBUG, INFO, WARNING, ERROR, CRITICAL"):
        Settings.from_env({"database_url": database_url, "instance_path": str(tmp_path)},
                          environ={"LOG_LEVEL": "chatty"})
