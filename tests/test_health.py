"""`GET /healthz`: backlog age and live workers, and a 503 when messages are stuck or nobody works."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hotline.background.worker import make_worker
from hotline.models import OutboxMessage

VOLUNTEER = "+15557654321"


def health(harness):
    response = harness.client.get("/healthz")
    return response.status_code, response.get_json()


def rq_only(harness):
    if harness.backend != "rq":
        pytest.skip("workers are RQ's")


def test_health_counts_the_live_workers(harness):
    rq_only(harness)
    first, second = make_worker(harness.hotline, name="one"), make_worker(harness.hotline, name="two")
    first.register_birth()
    second.register_birth()
    assert health(harness) == (200, {"status": "ok", "database": "ok", "redis": "ok", "workers": 2, "backlog": 0,
                                     "backlog_age_seconds": 0})
    second.register_death()
    assert health(harness)[1]["workers"] == 1


def test_health_is_503_when_redis_is_used_and_no_worker_is_alive(harness):
    rq_only(harness)
    status, answer = health(harness)
    assert status == 503
    assert answer["status"] == "failing" and answer["workers"] == 0
    assert answer["problems"] == ["no worker alive"]


def test_a_worker_killed_without_a_word_stops_counting_once_its_heartbeat_is_old(harness):
    rq_only(harness)
    worker = make_worker(harness.hotline, name="killed")
    worker.register_birth()
    # A SIGKILL leaves the registry entry behind; only the heartbeat tells it is gone.
    old = datetime.now(timezone.utc) - timedelta(minutes=9)
    harness.redis.hset(worker.key, "last_heartbeat", old.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    status, answer = health(harness)
    assert (status, answer["workers"]) == (503, 0)


def test_health_is_503_once_a_due_message_waited_past_the_threshold(harness):
    if harness.backend == "rq":
        make_worker(harness.hotline).register_birth()
    harness.queue(VOLUNTEER, "Can you take a food run?")
    harness.clock.shift(60)
    status, answer = health(harness)
    assert status == 200
    assert answer["backlog"] == 1 and 60 <= answer["backlog_age_seconds"] < 120
    harness.clock.shift(harness.settings.health_backlog_seconds)
    status, answer = health(harness)
    assert status == 503
    assert answer["problems"] == [f"messages waiting over {harness.settings.health_backlog_seconds}s"]
    # Once the worker sends it, the hotline is healthy again.
    harness.run_jobs()
    assert health(harness)[0] == 200
    assert health(harness)[1]["backlog"] == 0


def test_the_sweep_re_enqueueing_a_stuck_message_does_not_hide_its_age(harness):
    if harness.backend == "rq":
        make_worker(harness.hotline).register_birth()
    outbox_id = harness.queue(VOLUNTEER, "Can you take a food run?")
    harness.clock.shift(harness.settings.health_backlog_seconds + 30)
    # What the sweep does to a row whose job was lost: due again now.
    with harness.db.session() as session:
        session.get(OutboxMessage, outbox_id).next_attempt_at = datetime.now(timezone.utc)
    assert health(harness)[0] == 503


def test_messages_waiting_on_purpose_are_not_backlog(harness):
    if harness.backend == "rq":
        make_worker(harness.hotline).register_birth()
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    harness.queue(VOLUNTEER, "Reminder for tomorrow", send_after=later)
    held = harness.queue("+15557654322", "An offer held by the budget")
    with harness.db.session() as session:
        row = session.get(OutboxMessage, held)
        row.held_for, row.next_attempt_at = "sms:month", later
    harness.clock.shift(harness.settings.health_backlog_seconds + 60)
    assert health(harness)[0] == 200
    assert health(harness)[1]["backlog"] == 0


def test_health_answers_counts_only_and_is_never_cached(harness):
    harness.queue(VOLUNTEER, "Can you take a food run?")
    response = harness.client.get("/healthz")
    assert "5557654321"[-4:] not in response.get_data(as_text=True)
    assert "food" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
