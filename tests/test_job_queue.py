"""The job queue later features schedule work on: RQ with its scheduler, or in-process threads."""
from __future__ import annotations

import json
import threading
import zlib
from datetime import timedelta

import pytest
from flask import has_app_context

from hotline import jobs
from hotline.clock import now as utcnow
from hotline.background.queue import InProcessQueue, enqueue, enqueue_at, enqueue_in

CALLS: list[tuple] = []
FAILURES_LEFT = {"count": 0}


@jobs.job("test_record")
def record(*args):
    CALLS.append((args, has_app_context()))
    return "ok"


@jobs.job("test_flaky")
def flaky(label):
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise ConnectionError("database went away")
    CALLS.append(((label,), has_app_context()))


@pytest.fixture(autouse=True)
def clean():
    CALLS.clear()
    FAILURES_LEFT["count"] = 0
    yield
    CALLS.clear()


def test_job_runs_with_its_arguments_inside_the_app_context(harness):
    with harness.app.app_context():
        enqueue("test_record", 7, "offer")
    harness.run_jobs()
    assert CALLS == [((7, "offer"), True)]


def test_scheduled_job_runs_only_once_it_is_due(harness):
    enqueue_at(utcnow() + timedelta(hours=3), "test_record", "reminder")
    enqueue_in(timedelta(minutes=10), "test_record", "timeout")
    harness.run_jobs()
    assert CALLS == []
    harness.later(11 * 60)
    assert [args for args, _ in CALLS] == [("timeout",)]
    harness.later(3 * 3600)
    assert [args for args, _ in CALLS] == [("timeout",), ("reminder",)]


def test_job_that_raises_is_retried_with_backoff(harness):
    FAILURES_LEFT["count"] = 2
    enqueue("test_flaky", "dispatch-wave")
    harness.run_jobs()
    assert CALLS == []
    harness.settle(600)
    assert [args for args, _ in CALLS] == [("dispatch-wave",)]


def test_jobs_take_ids_and_plain_values_never_objects(harness):
    with pytest.raises(TypeError):
        enqueue("test_record", object())
    with pytest.raises(KeyError):
        enqueue("no_such_job", 1)
    with pytest.raises(ValueError):
        enqueue("test_record", 1, job_id="has spaces.and dots")


def test_rq_jobs_are_stored_as_json_naming_the_job_and_its_ids(redis_conn, harness):
    if harness.backend != "rq":
        pytest.skip("RQ only")
    enqueue("test_record", 42, job_id="record-42")
    job = harness.hotline.queue.rq.fetch_job("record-42")
    raw = redis_conn.hget(job.key, "data")
    try:
        raw = zlib.decompress(raw)
    except zlib.error:
        pass
    function, _instance, args, kwargs = json.loads(raw.decode())
    assert (function, args, kwargs) == ("hotline.jobs.run", ["test_record", 42], {})


def test_in_process_queue_runs_jobs_on_background_threads():
    done = threading.Event()

    @jobs.job("test_signal")
    def signal():
        done.set()

    queue = InProcessQueue(threads=1)
    from hotline.services import Hotline, current_or_none, install, uninstall

    previous = current_or_none()
    install(Hotline(settings=None, db=None, queue=queue))
    try:
        queue.enqueue("test_signal")
        assert done.wait(5)
    finally:
        queue.close()
        if previous is not None:
            install(previous)
        else:
            uninstall()


def test_same_job_id_replaces_a_waiting_in_process_job():
    queue = InProcessQueue(threads=0)
    queue.enqueue_in(timedelta(hours=1), "test_record", 1, job_id="reminder-9")
    queue.enqueue_in(timedelta(hours=2), "test_record", 2, job_id="reminder-9")
    assert [args for _, _, args in queue.pending()] == [(2,)]


def test_without_redis_messages_go_out_on_background_threads_after_the_request(settings):
    import time
    from dataclasses import replace

    from hotline import create_app
    from hotline.models import OutboxMessage
    from hotline.outbound.outbox import queue_sms

    app = create_app(replace(settings, queue_threads=1, outbox_sweep_seconds=3600))
    hotline = app.extensions["hotline"]
    try:
        with hotline.db.session() as session:
            outbox_id = queue_sms(session, "+15557654321", "Your helper is on the way.", kind="claimed").id
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with hotline.db.session() as session:
                if session.get(OutboxMessage, outbox_id).status == "sent":
                    break
            time.sleep(0.02)
        assert [m.body for m in hotline.transport.sent] == ["Your helper is on the way."]
    finally:
        hotline.close()
