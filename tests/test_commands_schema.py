"""Only `hotline run` and `hotline db upgrade` migrate; every other command refuses a schema that is not current."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from hotline.cli import main
from hotline.cli.server import run_worker
from hotline.config import PROJECT_ROOT
from hotline.migrate import heads, upgrade

COMMANDS = [
    ["volunteers", "list"],
    ["volunteers", "approve", "+16175550101"],
    ["volunteers", "add", "+16175550101", "--name", "Ana", "--skills", "food", "--areas", "*"],
    ["users", "list"],
    ["needs"],
    ["outbox"],
    ["outbox", "retry", "1"],
    ["forget", "+16175550101", "--reason", "asked", "--yes"],
    ["retention"],
    ["block", "+16175550101", "--reason", "abuse"],
    ["unblock", "+16175550101"],
    ["chat", "--live-database", "+16175550101"],
]


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = engine.dialect.get_table_names(connection)
            if "alembic_version" not in names:
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def behind(tmp_path) -> str:
    """A database one migration behind this version."""
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    upgrade(url, "0011")
    return url


def env_for(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "REDIS_URL": "", "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "",
            "QUEUE_THREADS": "0"}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_an_outdated_schema_refuses_and_names_db_upgrade_without_migrating(behind, command):
    result = CliRunner().invoke(main, command, env=env_for(behind), input="/quit\n")
    assert result.exit_code != 0
    assert "is at 0011" in result.output and "`hotline db upgrade`" in result.output, result.output
    assert "Traceback" not in result.output
    assert revision_of(behind) == "0011"


@pytest.mark.parametrize("command", [["volunteers", "list"], ["needs"], ["users", "list"]], ids=" ".join)
def test_a_command_on_an_empty_database_refuses_and_creates_no_tables(tmp_path, command):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(main, command, env=env_for(url))
    assert result.exit_code != 0
    assert "no hotline tables yet: run `hotline db upgrade`" in result.output, result.output
    assert revision_of(url) is None


def test_a_command_on_a_current_schema_runs(database_url):
    result = CliRunner().invoke(main, ["volunteers", "list"], env=env_for(database_url))
    assert result.exit_code == 0, result.output
    assert "0 volunteer(s)" in result.output


def test_db_upgrade_brings_an_outdated_schema_up_to_date(behind):
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env_for(behind))
    assert result.exit_code == 0, result.output
    assert {revision_of(behind)} == set(heads())


def test_a_schema_a_newer_version_migrated_is_refused_too(behind):
    engine = create_engine(behind)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    result = CliRunner().invoke(main, ["needs"], env=env_for(behind))
    assert result.exit_code != 0
    assert "0099, which this version of the hotline does not know" in result.output


def test_the_worker_refuses_an_outdated_schema_with_the_command_to_run(behind, settings):
    # Refused before it ever reaches Redis: nothing listens on this port.
    outdated = replace(settings, database_url=behind, redis_url="redis://127.0.0.1:9/0")
    with pytest.raises(SystemExit) as refused:
        run_worker(outdated)
    assert "`hotline db upgrade`" in str(refused.value.code)
    assert revision_of(behind) == "0011"


def clean_env(url: str, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL", "REDIS_URL"))}
    return {**env, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance")}


def test_python_worker_py_refuses_an_outdated_schema(behind, tmp_path):
    done = subprocess.run([sys.executable, "worker.py"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
                          env={**clean_env(behind, tmp_path), "REDIS_URL": "redis://127.0.0.1:9/0"})
    assert done.returncode != 0
    assert "`hotline db upgrade`" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert revision_of(behind) == "0011"


def test_gunicorns_wsgi_app_refuses_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=60, env=clean_env(url, tmp_path))
    assert done.returncode != 0
    assert "no hotline tables yet: run `hotline db upgrade`" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert revision_of(url) is None


def test_the_start_check_knows_the_migrations_alembic_knows():
    from alembic.script import ScriptDirectory

    from hotline.migrate import alembic_config, revisions

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert set(heads()) == set(script.get_heads())
    assert revisions() == {rev.revision: frozenset(rev._all_down_revisions) for rev in script.walk_revisions()}


def test_a_web_worker_without_redis_or_twilio_loads_neither_nor_alembic(database_url, tmp_path):
    # Alembic (with Mako and Pygments), Redis with RQ, and Twilio's REST client with requests are
    # about 25 MB a process: a web worker on the embedded default needs none of them.
    script = "import json, sys, wsgi; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} | set(sys.modules))))"
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
                          env={**clean_env(database_url, tmp_path), "REDIS_URL": ""})
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not loaded & {"alembic", "mako", "pygments", "redis", "rq", "requests", "urllib3", "twilio.rest"}
