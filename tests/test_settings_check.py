"""Settings are checked at start: every problem at once, one line each, naming its variable."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from hotline.cli import main, server
from hotline.config import PROJECT_ROOT, Settings, UnsafeSettings
from hotline.db import MissingDriver, make_engine

from .conftest import ACCOUNT_SID


def refused(**env) -> list[str]:
    """The lines of the refusal for these environment variables (none when they start)."""
    try:
        Settings.from_env(environ=env)
    except UnsafeSettings as error:
        return [line.strip()[2:] for line in str(error).splitlines()[1:]]
    return []


def line_for(variable: str, lines: list[str]) -> str:
    matching = [line for line in lines if line.startswith(variable)]
    assert len(matching) == 1, lines
    return matching[0]


def test_the_defaults_start():
    assert refused() == []


def test_a_time_zone_that_is_not_a_zoneinfo_name_is_refused_at_start_not_at_the_confirm_step():
    line = line_for("HOTLINE_TIMEZONE", refused(HOTLINE_TIMEZONE="Eastern"))
    assert "'Eastern'" in line and "time zone" in line
    assert refused(HOTLINE_TIMEZONE="America/Chicago") == []


@pytest.mark.parametrize("variable", ["TWILIO_PHONE_NUMBER", "COORDINATOR_PHONES", "OTHER_HOTLINE_NUMBERS"])
def test_a_mistyped_phone_number_is_named_with_its_variable_not_dropped(variable):
    value = "+16175550123, 555-01" if variable != "TWILIO_PHONE_NUMBER" else "555-01"
    line = line_for(variable, refused(**{variable: value}))
    assert "not a phone number" in line
    assert "16175550123" not in line  # numbers are masked, the good ones not even shown


def test_phone_numbers_written_loosely_are_read_as_e164():
    loaded = Settings.from_env(environ={"TWILIO_PHONE_NUMBER": "(617) 555-0199",
                                        "OTHER_HOTLINE_NUMBERS": "+1 617 555 0142"})
    assert loaded.twilio_phone_number == "+16175550199"
    assert loaded.other_hotline_numbers == ("+16175550142",)


@pytest.mark.parametrize("url", ["hotline.example.org", "ftp://hotline.example.org", "https://", "http://:80"])
def test_public_url_must_be_a_web_address_with_a_host(url):
    assert "http:// or https://" in line_for("PUBLIC_URL", refused(PUBLIC_URL=url))


def test_public_url_must_be_https_with_a_twilio_account_except_on_this_machine():
    account = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "token"}
    assert "https://" in line_for("PUBLIC_URL", refused(PUBLIC_URL="http://hotline.example.org", **account))
    assert refused(PUBLIC_URL="https://hotline.example.org", **account) == []
    assert refused(PUBLIC_URL="http://127.0.0.1:5000", **account) == []
    assert refused(PUBLIC_URL="http://localhost:5000", **account) == []
    assert refused(PUBLIC_URL="http://hotline.example.org") == []  # no account: messages stay here


def test_twilio_api_base_url_must_be_a_web_address():
    assert line_for("TWILIO_API_BASE_URL", refused(TWILIO_API_BASE_URL="api.twilio.com"))


@pytest.mark.parametrize(("variable", "value", "words"), [
    ("SMS_DAILY_SEGMENT_BUDGET", "-5", "must not be negative"),
    ("SMS_RATE_PER_SECOND", "0", "at least"),
    ("CALLS_PER_SECOND", "-1", "at least"),
    ("WAVE_SIZE", "0", "at least 1"),
    ("MAX_WAVES", "0", "at least 1"),
    ("WAVE_MINUTES", "0", "at least"),
    ("TWILIO_TIMEOUT_SECONDS", "0", "at least"),
    ("VOICE_GATHER_TIMEOUT", "90", "at most 60"),
    ("REMINDER_EVENING_HOUR", "24", "at most 23"),
    ("RETAIN_AUDIT_DAYS", "7", "at least 30"),
])
def test_a_number_out_of_range_is_named_with_its_bound(variable, value, words):
    line = line_for(variable, refused(**{variable: value}))
    assert words in line and value in line


def test_zero_still_turns_off_what_zero_turns_off():
    off = {name: "0" for name in ("SMS_DAILY_SEGMENT_BUDGET", "INBOUND_PER_MINUTE", "INBOUND_PER_HOUR",
                                  "REPLIES_PER_HOUR", "LOOP_ROUNDS", "SURGE_FIRST_TEXTS_PER_MINUTE",
                                  "QUEUE_THREADS", "OUTBOX_DEFAULT_TTL_HOURS")}
    assert refused(**off) == []


def test_the_longest_retry_wait_cannot_be_shorter_than_the_first():
    assert "SEND_RETRY_SECONDS" in line_for("SEND_RETRY_MAX_SECONDS",
                                            refused(SEND_RETRY_SECONDS="60", SEND_RETRY_MAX_SECONDS="30"))


@pytest.mark.parametrize(("variable", "value", "words"), [
    ("WAVE_SIZE", "three", "not a whole number"),
    ("WAVE_MINUTES", "15min", "not a number"),
    ("SMS_RATE_PER_SECOND", "nan", "not a number"),
    ("ALLOW_UNSIGNED_WEBHOOKS", "maybe", "not yes or no"),
])
def test_a_value_that_cannot_be_read_names_its_variable(variable, value, words):
    line = line_for(variable, refused(**{variable: value}))
    assert words in line and value in line


def test_a_language_that_does_not_ship_is_refused_with_the_ones_that_do():
    line = line_for("DEFAULT_LANGUAGE", refused(DEFAULT_LANGUAGE="de"))
    assert "es" in line and "zh" in line
    assert refused(DEFAULT_LANGUAGE="ht") == []


def test_an_unknown_region_is_refused():
    assert line_for("DEFAULT_REGION", refused(DEFAULT_REGION="us"))
    assert refused(DEFAULT_REGION="CA") == []


def test_every_problem_is_listed_at_once():
    lines = refused(HOTLINE_TIMEZONE="Nowhere", WAVE_SIZE="x", DEFAULT_REGION="XX", PUBLIC_URL="example.org",
                    COORDINATOR_PHONES="12", TWILIO_ACCOUNT_SID=ACCOUNT_SID)
    assert [line.split("=")[0].split(":")[0].split(" ")[0] for line in lines] == [
        "WAVE_SIZE", "COORDINATOR_PHONES", "TWILIO_ACCOUNT_SID", "HOTLINE_TIMEZONE", "PUBLIC_URL", "DEFAULT_REGION"]


@pytest.mark.parametrize("url", ["postgres://hotline:secret@db.example.org:5432/hotline",
                                 "postgresql://hotline:secret@db.example.org:5432/hotline"])
def test_postgres_urls_as_hosts_give_them_use_the_psycopg_3_driver(url):
    loaded = Settings.from_env(environ={"DATABASE_URL": url})
    assert loaded.database_url == "postgresql+psycopg://hotline:secret@db.example.org:5432/hotline"


def test_a_missing_postgres_driver_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # importing it now fails, as when it is not installed
    line = line_for("DATABASE_URL", refused(DATABASE_URL="postgres://db.example.org/hotline"))
    assert "pip install 'hotline[postgres]'" in line
    with pytest.raises(MissingDriver, match=r"hotline\[postgres\]"):
        make_engine("postgresql+psycopg://db.example.org/hotline")


def _env(tmp_path, **extra) -> dict:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "INSTANCE_PATH": str(tmp_path / "instance"),
            "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "", "REDIS_URL": "redis://127.0.0.1:1/0",
            "PUBLIC_URL": "", "HOTLINE_TIMEZONE": "Eastern", "WAVE_SIZE": "0", **extra}


@pytest.mark.parametrize("command", [["run"], ["worker", "--burst"], ["needs"], ["db", "upgrade"]])
def test_hotline_commands_refuse_bad_settings_with_the_list_and_no_traceback(command, monkeypatch, tmp_path):
    monkeypatch.setattr(server, "serve", lambda *a, **k: pytest.fail("served with bad settings"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, command, env=_env(tmp_path))
    assert result.exit_code != 0
    assert "HOTLINE_TIMEZONE='Eastern'" in result.output and "WAVE_SIZE=0" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run.db").exists()  # refused before touching the database


@pytest.mark.parametrize("entry", [["-c", "import wsgi"], ["worker.py"]])
def test_gunicorn_and_worker_py_refuse_bad_settings_with_the_list_and_no_traceback(entry, tmp_path):
    import os

    env = {**os.environ, **_env(tmp_path)}
    done = subprocess.run([sys.executable, *entry], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert "HOTLINE_TIMEZONE='Eastern'" in done.stderr and "WAVE_SIZE=0" in done.stderr
    assert "Traceback" not in done.stderr
