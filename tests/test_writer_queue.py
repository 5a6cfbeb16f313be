"""SQLite's one writer: a webhook's write goes before queued work's, which is never starved."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from hotline.db import BACKGROUND_MAX_WAIT_SECONDS, Database, WriterQueue, background_thread


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _waiting(queue: WriterQueue, requests: int, background: int) -> None:
    """Wait until that many writers of each kind are in line."""
    end = time.monotonic() + 10
    while (len(queue._requests), len(queue._background)) != (requests, background):
        assert time.monotonic() < end, "the writers never lined up"
        time.sleep(0.005)


def _writer(queue: WriterQueue, name: str, order: list[str], *, background: bool) -> threading.Thread:
    def write():
        if background:
            background_thread()
        assert queue.acquire(timeout=10)
        order.append(name)
        queue.release()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_a_request_waiting_to_write_goes_before_queued_work_that_came_first():
    queue, order = WriterQueue(clock=Clock()), []
    assert queue.acquire(timeout=1)
    threads = [_writer(queue, "job", order, background=True)]
    _waiting(queue, 0, 1)
    threads.append(_writer(queue, "webhook", order, background=False))
    _waiting(queue, 1, 1)
    queue.release()
    for thread in threads:
        thread.join(10)
    assert order == ["webhook", "job"]


def test_queued_work_that_waited_long_enough_goes_before_later_requests():
    clock = Clock()
    queue, order = WriterQueue(clock=clock), []
    assert queue.acquire(timeout=1)
    threads = [_writer(queue, "job", order, background=True)]
    _waiting(queue, 0, 1)
    threads.append(_writer(queue, "webhook", order, background=False))
    _waiting(queue, 1, 1)
    clock.now += BACKGROUND_MAX_WAIT_SECONDS
    queue.release()
    for thread in threads:
        thread.join(10)
    assert order == ["job", "webhook"]


def test_writers_of_one_kind_write_in_the_order_they_came():
    queue, order = WriterQueue(clock=Clock()), []
    assert queue.acquire(timeout=1)
    threads = []
    for n in range(4):
        threads.append(_writer(queue, f"webhook {n}", order, background=False))
        _waiting(queue, n + 1, 0)
    queue.release()
    for thread in threads:
        thread.join(10)
    assert order == [f"webhook {n}" for n in range(4)]


def test_a_writer_that_gives_up_waiting_leaves_the_line_and_the_lock_still_passes_on():
    queue = WriterQueue(clock=Clock())
    assert queue.acquire(timeout=1)
    assert not queue.acquire(timeout=0.05)
    assert (len(queue._requests), len(queue._background)) == (0, 0)
    queue.release()
    assert queue.acquire(timeout=1)
    queue.release()


def test_reading_while_a_write_is_open_does_not_wait_for_it(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'hotline.db'}")
    try:
        with db.session() as session:
            session.execute(text("CREATE TABLE t (n INTEGER)"))
        with db.session() as writing:
            writing.execute(text("INSERT INTO t VALUES (1)"))
            done = []
            reader = threading.Thread(target=lambda: done.append(_count(db)), daemon=True)
            reader.start()
            reader.join(5)
            # The reader saw the table as it was before this write, without waiting for it.
            assert done == [0]
        assert _count(db) == 1
    finally:
        db.dispose()


def _count(db: Database) -> int:
    with db.session(read_only=True) as session:
        return session.execute(text("SELECT count(*) FROM t")).scalar_one()


@pytest.mark.parametrize("kind", ["request", "background"])
def test_a_write_still_goes_through_for_either_kind_of_thread(tmp_path, kind):
    db = Database(f"sqlite:///{tmp_path / 'hotline.db'}")
    results = []

    def write():
        if kind == "background":
            background_thread()
        with db.session() as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS t (n INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
        results.append(_count(db))

    try:
        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        thread.join(10)
        assert results == [1]
    finally:
        db.dispose()
