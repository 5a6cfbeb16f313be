"""The `hotline` command: migrations, chat, and the one-command start."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from hotline.cli import main
from hotline.models import Base, Need


def test_migrations_create_exactly_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_db_upgrade_creates_a_database_from_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    with engine.connect() as connection:
        assert {"contacts", "conversations", "needs"} <= set(engine.dialect.get_table_names(connection))
    engine.dispose()


def test_chat_talks_to_the_hotline_as_a_number_through_the_same_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = "hola\n2\n1\narroz y frijoles\nCalle 5 y Main\n1\n/quit\n"
    result = CliRunner().invoke(main, ["chat", "+15551234567"], input=script, env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "> hola" in result.output
    assert "< 2 Español" in result.output
    assert "< ¿Qué comida necesita y para cuántas personas?" in result.output
    assert re.search(r"Su solicitud es la \d+", result.output)
    # A sandbox: the configured database is not even created.
    assert not (tmp_path / "chat.db").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_hotline_run_serves_on_the_embedded_default_with_one_command(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "DATABASE_URL", "REDIS_URL", "PUBLIC_URL"))}
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    process = subprocess.Popen(
        [sys.executable, "-m", "hotline", "run", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    health = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(process.stdout.read().decode() if process.poll() is not None else "timeout")
                time.sleep(0.2)
        assert health["status"] == "ok"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/twilio/sms",
            data=b"From=%2B15551234567&Body=hello&MessageSid=SMrun1",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/xml")
            assert b"Espa\xc3\xb1ol" in response.read()
        assert (tmp_path / "instance" / "hotline.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
    # Without PUBLIC_URL, the banner names the port it serves on.
    assert f"SMS webhook: http://localhost:{port}/twilio/sms" in process.stdout.read().decode()


def _run_without_serving(monkeypatch, tmp_path, args, env):
    """Invoke `hotline run` up to the point it would serve; return its output and the app."""
    from hotline.cli import server

    served = {}
    monkeypatch.setattr(server, "serve", lambda make_app, host, port, threads: served.update(app=make_app(), port=port))
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "INSTANCE_PATH": str(tmp_path / "instance"),
           "TWILIO_ACCOUNT_SID": None, "TWILIO_AUTH_TOKEN": None, "REDIS_URL": None, "PUBLIC_URL": None, **env}
    result = CliRunner().invoke(main, ["run", *args], env=env)
    assert result.exit_code == 0, result.output
    app = served["app"]
    public_url = app.extensions["hotline"].settings.public_url
    app.extensions["hotline"].close()
    return result.output, public_url, served["port"]


def test_hotline_run_on_another_port_names_that_port_in_the_webhook_url_and_runs_with_it(monkeypatch, tmp_path):
    output, public_url, port = _run_without_serving(monkeypatch, tmp_path, ["--port", "5101"], {})
    assert port == 5101
    assert "SMS webhook: http://localhost:5101/twilio/sms" in output and ":5000" not in output
    assert public_url == "http://localhost:5101"
    # The first-admin link is on the same address, once.
    assert output.count("http://localhost:5101/setup/") == 1


def test_hotline_run_on_a_named_host_uses_that_host(monkeypatch, tmp_path):
    output, public_url, _ = _run_without_serving(monkeypatch, tmp_path, ["--host", "10.0.0.5", "--port", "8080"], {})
    assert public_url == "http://10.0.0.5:8080" and "SMS webhook: http://10.0.0.5:8080/twilio/sms" in output


def test_hotline_run_keeps_a_public_url_that_is_set(monkeypatch, tmp_path):
    output, public_url, _ = _run_without_serving(
        monkeypatch, tmp_path, ["--port", "5101"], {"PUBLIC_URL": "https://hotline.example.org"})
    assert public_url == "https://hotline.example.org"
    assert "SMS webhook: https://hotline.example.org/twilio/sms" in output
