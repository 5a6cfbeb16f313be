"""What a command queues to send goes on the Redis queue at once, as the web side's does."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import select

from hotline import wiring
from hotline.background.queue import QUEUE_NAME
from hotline.cli import main
from hotline.db import Database
from hotline.models import OutboxMessage

from .conftest import TEST_REDIS_URL, redis_url_for_worker

VOLUNTEER = "+16175550101"


@pytest.fixture
def redis_env(redis_conn, monkeypatch) -> dict[str, str]:
    """REDIS_URL for the command, reaching the test's Redis (fakeredis is handed over, a real one by URL)."""
    if TEST_REDIS_URL:
        return {"REDIS_URL": redis_url_for_worker(TEST_REDIS_URL)}
    monkeypatch.setattr(wiring, "redis_from_url", lambda url, **options: redis_conn)
    return {"REDIS_URL": "redis://fake.invalid/0"}


def env_for(url: str, **more: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "REDIS_URL": "", "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "",
            "QUEUE_THREADS": "0", **more}


def queued_deliveries(redis_conn) -> list[list]:
    queue = Queue(QUEUE_NAME, connection=redis_conn, serializer=JSONSerializer)
    return [job.args for job in queue.get_jobs()]


def outbox_rows(url: str) -> list[OutboxMessage]:
    db = Database(url)
    with db.session() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    db.dispose()
    return rows


def add_pending_volunteer(url: str) -> None:
    added = CliRunner().invoke(main, ["volunteers", "add", VOLUNTEER, "--name", "Ana", "--skills", "food",
                                      "--areas", "*"], env=env_for(url))
    assert added.exit_code == 0, added.output


def test_approving_a_volunteer_at_the_command_line_queues_the_welcome_for_the_workers_at_once(
        database_url, redis_conn, redis_env):
    add_pending_volunteer(database_url)
    result = CliRunner().invoke(main, ["volunteers", "approve", VOLUNTEER], env=env_for(database_url, **redis_env))
    assert result.exit_code == 0, result.output
    [welcome] = outbox_rows(database_url)
    assert welcome.status == "pending"
    # Due texts go out through one draining job, which the commit kicked.
    assert queued_deliveries(redis_conn) == [["deliver_due"]]


def test_retrying_a_failed_message_at_the_command_line_queues_it_for_the_workers_at_once(
        database_url, redis_conn, redis_env):
    add_pending_volunteer(database_url)
    CliRunner().invoke(main, ["volunteers", "approve", VOLUNTEER], env=env_for(database_url))
    [welcome] = outbox_rows(database_url)
    db = Database(database_url)
    with db.session() as session:
        session.get(OutboxMessage, welcome.id).status = "failed"
    db.dispose()
    result = CliRunner().invoke(main, ["outbox", "retry", str(welcome.id)], env=env_for(database_url, **redis_env))
    assert result.exit_code == 0, result.output
    # Due texts go out through one draining job, which the commit kicked.
    assert queued_deliveries(redis_conn) == [["deliver_due"]]


def test_without_redis_an_approval_says_the_running_hotline_sends_the_welcome(database_url):
    add_pending_volunteer(database_url)
    result = CliRunner().invoke(main, ["volunteers", "approve", VOLUNTEER], env=env_for(database_url))
    assert result.exit_code == 0, result.output
    assert "`hotline run` sends what this queued" in result.output
    assert [row.status for row in outbox_rows(database_url)] == ["pending"]


def test_a_command_that_sends_nothing_never_touches_redis(database_url, monkeypatch):
    monkeypatch.setattr(wiring, "redis_from_url", lambda *a, **k: pytest.fail("Redis was reached"))
    result = CliRunner().invoke(main, ["needs"], env=env_for(database_url, REDIS_URL="redis://127.0.0.1:9/0"))
    assert result.exit_code == 0, result.output
