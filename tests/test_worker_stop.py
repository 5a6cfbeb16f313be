"""A worker stops promptly: within 10 s of SIGTERM (after the message it is sending), and its
scheduler process never outlives it, even when the worker is killed outright.

Ten seconds is what Docker and most hosts wait after SIGTERM before they kill. These need a
Redis that another process can reach, so they run when TEST_REDIS_URL is set, as CI does.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
import redis
from rq import Worker as RQWorker

from .conftest import TEST_REDIS_URL, redis_url_for_worker
from .fake_twilio import slow
from .test_worker_process import start_worker, stop, wait_for

pytestmark = [
    pytest.mark.skipif(not TEST_REDIS_URL, reason="a worker process needs a real Redis (TEST_REDIS_URL)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the scheduler process in /proc"),
]

GRACE_SECONDS = 10
ENTRY_POINTS = {"python worker.py": ("worker.py",), "hotline worker": ("-m", "hotline", "worker")}


@pytest.fixture
def backend():
    return "rq"


@pytest.fixture(params=list(ENTRY_POINTS))
def argv(request) -> tuple[str, ...]:
    return ENTRY_POINTS[request.param]


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The command name is in parentheses and may hold spaces: the parent follows the last ')'.
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def started(worker) -> list[int]:
    """Wait until the worker listens and its scheduler process runs; return the scheduler's pid."""
    connection = redis.Redis.from_url(redis_url_for_worker(TEST_REDIS_URL))
    try:
        wait_for(lambda: RQWorker.count(connection=connection) > 0 and children(worker.pid), timeout=30)
    finally:
        connection.close()
    return children(worker.pid)


def stopped_within(worker, seconds: float) -> None:
    assert worker.wait(timeout=seconds) == 0


def test_an_idle_worker_stops_within_ten_seconds_of_sigterm_and_takes_its_scheduler_along(harness, argv):
    worker = start_worker(harness, argv=argv)
    try:
        scheduler = started(worker)
        worker.send_signal(signal.SIGTERM)
        stopped_within(worker, GRACE_SECONDS)
    finally:
        output = stop(worker)
    assert not any(alive(pid) for pid in scheduler), output


def test_a_worker_sending_a_message_finishes_it_and_stops_within_ten_seconds_of_sigterm(harness, argv):
    # Twilio takes 4 s to answer the first message (within the worker's timeout); the second
    # waits for the next worker.
    harness.fake.then(slow(4))
    first = harness.queue("+15557654321", "Offer 1")
    worker = start_worker(harness, argv=argv, TWILIO_TIMEOUT_SECONDS="8")
    try:
        started(worker)
        second = harness.queue("+15557654322", "Offer 2")
        wait_for(lambda: harness.fake.requests)
        worker.send_signal(signal.SIGTERM)
        stopped_within(worker, GRACE_SECONDS)
    finally:
        output = stop(worker)
    assert harness.row(first).status == "queued", output
    assert len(harness.fake.sent_to("+15557654321")) == 1
    assert harness.row(second).status == "pending" and not harness.fake.sent_to("+15557654322"), output
    # Not lost: the next worker sends the second, and the first not again.
    after = start_worker(harness, argv=argv, TWILIO_TIMEOUT_SECONDS="8")
    try:
        wait_for(lambda: harness.row(second).status == "queued", timeout=30)
    finally:
        output = stop(after)
    assert [len(harness.fake.sent_to(n)) for n in ("+15557654321", "+15557654322")] == [1, 1], output


def test_a_worker_killed_outright_leaves_no_scheduler_behind(harness):
    worker = start_worker(harness)
    try:
        scheduler = started(worker)
        # Only the worker, not its process group: as an out-of-memory kill would.
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        wait_for(lambda: not any(alive(pid) for pid in scheduler), timeout=GRACE_SECONDS)
    finally:
        stop(worker)
