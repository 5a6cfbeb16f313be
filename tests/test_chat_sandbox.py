"""`hotline chat` cannot hurt live data: a sandbox by default, the configured database only when asked, never a send."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text

from hotline.cli import main
from hotline.db import Database
from hotline.models import Base, Need, OutboxMessage
from hotline.volunteers import ACTIVE, VolunteerSpec, save

from .test_commands_enqueue import queued_deliveries, redis_env  # noqa: F401 - a fixture

REAL_VOLUNTEER = "+16175550142"
# A weekday afternoon in Boston: nobody is in their quiet hours, offers go out at once.
AFTERNOON = datetime(2026, 3, 4, 19, 0, tzinfo=timezone.utc)
REQUEST = "hello\n1\n1\nGroceries for two\n02139\n1\n"


def env_for(url: str, **more: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "REDIS_URL": "", "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "",
            "QUEUE_THREADS": "0", "HOTLINE_TIMEZONE": "America/New_York", **more}


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                  for table in Base.metadata.sorted_tables}
    engine.dispose()
    return counts


@pytest.fixture
def live(database_url) -> str:
    """The configured database, with one real volunteer who takes food requests anywhere."""
    db = Database(database_url)
    with db.session() as session:
        save(session, VolunteerSpec(phone=REAL_VOLUNTEER, first_name="Rosa", skills=["food"], languages=["en"],
                                    areas="*", consent_method="signed up", status=ACTIVE))
    db.dispose()
    return database_url


def chat(url: str, script: str, *args: str, **env: str):
    with time_machine.travel(AFTERNOON, tick=False):
        return CliRunner().invoke(main, ["chat", *args, "+15551234567"], input=script, env=env_for(url, **env))


def test_chat_by_default_shows_offers_to_demo_volunteers_and_leaves_the_configured_database_untouched(live):
    before = row_counts(live)
    result = chat(live, REQUEST + "/as +15550100001\nhelp\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "Your request number is" in result.output
    assert "to ***0001: New task" in result.output
    assert "(now texting as ***0001)" in result.output
    assert "***0142" not in result.output
    assert row_counts(live) == before


def test_chat_sandbox_keeps_the_configured_settings(live):
    result = chat(live, "hello\n1\nhelp\n/wait 1h\n/quit\n", HOTLINE_TIMEZONE="Europe/Paris", EMERGENCY_NUMBER="112")
    assert result.exit_code == 0, result.output
    assert "(it is now Wed 04 Mar 21:00 in Europe/Paris)" in result.output
    assert "112" in result.output and "911" not in result.output


def test_chat_on_the_live_database_needs_the_flag_and_warns(live):
    before = row_counts(live)
    result = chat(live, REQUEST + "/quit\n", "--live-database")
    assert result.exit_code == 0, result.output
    assert "WARNING: --live-database" in result.output
    assert row_counts(live)["needs"] == before["needs"] + 1


def test_chat_on_the_live_database_marks_nothing_sent_and_leaves_offers_for_the_hotlines_sending(live):
    result = chat(live, REQUEST + "/quit\n", "--live-database")
    assert result.exit_code == 0, result.output
    db = Database(live)
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        shown = [(row.to, row.status, row.twilio_sid, row.sent_at) for row in session.scalars(select(OutboxMessage))]
    db.dispose()
    # The first wave is the running hotline's to send (its dispatch job, or the dispatch sweep): it is due.
    assert need.wave == 0 and need.next_wave_at is not None
    assert all(status == "pending" and sid is None and sent is None for _, status, sid, sent in shown), shown
    assert REAL_VOLUNTEER not in result.output


def test_chat_on_the_live_database_hands_the_first_wave_to_the_workers_when_redis_is_set(live, redis_conn,
                                                                                         redis_env):
    result = chat(live, REQUEST + "/quit\n", "--live-database", **redis_env)
    assert result.exit_code == 0, result.output
    db = Database(live)
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        sent = session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))).all()
    db.dispose()
    assert ["dispatch_start", need.id] in queued_deliveries(redis_conn)
    assert sent == []


def test_chat_on_the_live_database_will_not_let_time_pass(live):
    result = chat(live, "/wait 2h\n/quit\n", "--live-database")
    assert "/wait lets time pass in the sandbox only" in result.output
    assert "(it is now" not in result.output


def test_chat_on_the_live_database_refuses_an_outdated_schema(tmp_path):
    from hotline.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'behind.db'}"
    upgrade(url, "0011")
    result = chat(url, "/quit\n", "--live-database")
    assert result.exit_code != 0
    assert "`hotline db upgrade`" in result.output
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0011"
    engine.dispose()
