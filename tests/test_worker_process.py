"""`python worker.py` as a real process: SIGTERM finishes the job, SIGKILL loses nothing.

These need a Redis that another process can reach, so they run when TEST_REDIS_URL is set
(as CI does); the same paths are covered in-process on fakeredis by test_outbox_queueing.py.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ACCOUNT_SID, AUTH_TOKEN, HOTLINE_NUMBER, PUBLIC_URL, TEST_REDIS_URL, redis_url_for_worker
from .fake_twilio import slow, timeout_after_create
from hotline.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="a worker process needs a real Redis (TEST_REDIS_URL)")


@pytest.fixture
def backend():
    return "rq"


# `python worker.py` with the root logger at DEBUG, set up before the worker's own logging is.
AT_DEBUG = ["-c", "import logging, runpy; logging.basicConfig(level=logging.DEBUG); "
                  "runpy.run_path('worker.py', run_name='__main__')"]


def start_worker(harness, *, argv=("worker.py",), **overrides) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": harness.settings.database_url,
        "REDIS_URL": redis_url_for_worker(TEST_REDIS_URL),
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": HOTLINE_NUMBER,
        "TWILIO_API_BASE_URL": harness.fake.base_url,
        "PUBLIC_URL": PUBLIC_URL,
        "SMS_RATE_PER_SECOND": "20",
        "TWILIO_TIMEOUT_SECONDS": "3",
        "OUTBOX_STALE_SECONDS": "1",
        "OUTBOX_SWEEP_SECONDS": "1",
        "RECONCILE_DELAY_SECONDS": "1",
        **overrides,
    }
    return subprocess.Popen(
        [sys.executable, *argv], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # Its own process group: killing it takes its scheduler process along, as a host dying would.
        start_new_session=True,
    )


def wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop(process: subprocess.Popen) -> str:
    kill(process)
    output, _ = process.communicate(timeout=10)
    return output


def test_worker_finishes_the_current_job_on_sigterm(harness):
    harness.fake.then(slow(1.5))
    outbox_id = harness.queue("+15557654321")
    worker = start_worker(harness)
    try:
        wait_for(lambda: harness.fake.requests)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        output = stop(worker)
    assert harness.row(outbox_id).status == "queued", output
    assert len(harness.fake.requests) == 1


def test_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(harness):
    harness.fake.then(slow(2.5))
    ids = [harness.queue(f"+1555765{n:04d}", f"Offer {n}") for n in range(3)]
    first = start_worker(harness)
    try:
        wait_for(lambda: harness.fake.requests)
        kill(first)
        first.wait(timeout=10)
    finally:
        stop(first)
    assert harness.row(ids[0]).status == "submitting"
    second = start_worker(harness)
    try:
        wait_for(lambda: all(harness.row(i).status == "queued" for i in ids), timeout=30)
    finally:
        output = stop(second)
    for n, outbox_id in enumerate(ids):
        assert len(harness.fake.sent_to(f"+1555765{n:04d}")) == 1, output
    assert len(harness.fake.requests) == 3


def test_worker_at_debug_logs_no_whole_number_even_while_reconciling(harness):
    numbers = ["+16175550142", "+442079460958"]
    harness.fake.then(timeout_after_create(1.0))
    ids = [harness.queue(number, f"Offer for {number[-4:]}") for number in numbers]
    worker = start_worker(harness, argv=AT_DEBUG, TWILIO_TIMEOUT_SECONDS="0.5")
    try:
        wait_for(lambda: all(harness.row(i).status == "queued" for i in ids), timeout=30)
    finally:
        output = stop(worker)
    assert [len(harness.fake.sent_to(number)) for number in numbers] == [1, 1]  # reconciled, not sent twice
    assert "DEBUG" in output, output
    for number in [*numbers, HOTLINE_NUMBER]:
        assert number[-10:] not in output.replace("%2B", "+"), output
