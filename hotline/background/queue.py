"""The job queue: RQ on Redis when REDIS_URL is set, background threads in this process otherwise.

Jobs are plain functions registered by name (`hotline.background.registry`); only their names and JSON
arguments (ids, never objects) are queued. Both backends run the same job code, retry a job
that raises (a database or network hiccup) after `RETRY_INTERVALS`, and run scheduled jobs
when they fall due. A job may run more than once (a retry, a sweep, a duplicate id), so every
job checks the database before it acts.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Collection, Protocol

from .. import clock
from ..db import background_thread
from ..services import current
from .registry import check, run

log = logging.getLogger(__name__)

QUEUE_NAME = "hotline"
# Seconds before each retry of a job that raised; then it is given up (and logged).
RETRY_INTERVALS = (10, 60, 300)
# The function RQ imports and calls: it looks the job up by name and runs it in the app context.
RUNNER = "hotline.jobs.run"
# Seconds a job may run before RQ stops it.
JOB_TIMEOUT = 300
# How long RQ keeps finished and failed jobs for inspection (`rq info`, dashboards).
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600
# A kicked job is enqueued once until it starts: this flag (in Redis) says one is waiting.
KICK_PREFIX = "hotline:kick:"
# A flag whose job was lost (Redis emptied under it) lets the next kick through after this long.
KICK_TTL_SECONDS = 30


class JobQueue(Protocol):
    def enqueue(self, job_name: str, *args: Any, job_id: str | None = None) -> None: ...
    def enqueue_at(self, when: datetime, job_name: str, *args: Any, job_id: str | None = None) -> None: ...
    def enqueue_in(self, delay: timedelta, job_name: str, *args: Any, job_id: str | None = None) -> None: ...
    def kick(self, job_name: str) -> None: ...
    def taken(self, job_name: str) -> None: ...
    def close(self) -> None: ...


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("naive datetime given to the job queue")
    return when.astimezone(timezone.utc)


def enqueue(job_name: str, *args: Any, job_id: str | None = None) -> None:
    """Run `job_name(*args)` as soon as a worker is free."""
    current().queue.enqueue(job_name, *args, job_id=job_id)


def enqueue_at(when: datetime, job_name: str, *args: Any, job_id: str | None = None) -> None:
    """Run `job_name(*args)` at `when` (an aware datetime) or soon after."""
    current().queue.enqueue_at(when, job_name, *args, job_id=job_id)


def enqueue_in(delay: timedelta, job_name: str, *args: Any, job_id: str | None = None) -> None:
    """Run `job_name(*args)` after `delay`."""
    current().queue.enqueue_in(delay, job_name, *args, job_id=job_id)


class RQQueue:
    """Jobs on an RQ queue in Redis, for `hotline worker` processes (run with the scheduler)."""

    def __init__(self, connection, name: str = QUEUE_NAME):
        # Imported here: a process without REDIS_URL never loads RQ and Redis (about 9 MB).
        from rq import Queue, Retry
        from rq.serializers import JSONSerializer

        self.retry = Retry
        self.connection = connection
        self.rq = Queue(name, connection=connection, serializer=JSONSerializer, default_timeout=JOB_TIMEOUT)

    def _options(self, job_name: str, job_id: str | None) -> dict[str, Any]:
        return {
            "job_id": job_id,
            "description": job_name,
            "retry": self.retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            "result_ttl": RESULT_TTL,
            "failure_ttl": FAILURE_TTL,
        }

    def enqueue(self, job_name: str, *args: Any, job_id: str | None = None) -> None:
        check(job_name, args, job_id)
        self.rq.enqueue_call(RUNNER, args=[job_name, *args], **self._options(job_name, job_id))

    def enqueue_at(self, when: datetime, job_name: str, *args: Any, job_id: str | None = None) -> None:
        check(job_name, args, job_id)
        self.rq.enqueue_at(_aware(when), RUNNER, args=[job_name, *args], **self._options(job_name, job_id))

    def enqueue_in(self, delay: timedelta, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self.enqueue_at(clock.now() + delay, job_name, *args, job_id=job_id)

    def kick(self, job_name: str) -> None:
        """Enqueue `job_name` (no arguments) unless one is already waiting to start: one SET when it is."""
        check(job_name, ())
        if self.connection.set(KICK_PREFIX + job_name, 1, nx=True, ex=KICK_TTL_SECONDS):
            try:
                self.rq.enqueue_call(RUNNER, args=[job_name], **self._options(job_name, None))
            except Exception:
                # No job went on the queue: the next kick must not be taken for a waiting one.
                self.connection.delete(KICK_PREFIX + job_name)
                raise

    def taken(self, job_name: str) -> None:
        """A kicked job has started: the next kick enqueues another."""
        self.connection.delete(KICK_PREFIX + job_name)

    def close(self) -> None:
        pass


class QueueUnavailable(RuntimeError):
    """Redis failed a moment ago: this process leaves it alone for a while."""


class PausingQueue:
    """A web process's queue: after Redis fails, it is left alone for `pause` seconds.

    A hung Redis would otherwise cost every webhook its timeout; while paused, enqueueing fails
    at once and the sweep enqueues the committed rows instead.
    """

    def __init__(self, queue: "JobQueue", pause: float, clock=time.monotonic):
        from redis.exceptions import RedisError

        self.failures = (RedisError, OSError)
        self.queue = queue
        self.pause = pause
        self.clock = clock
        self._until = 0.0

    def __getattr__(self, name: str):
        return getattr(self.queue, name)

    @property
    def paused(self) -> bool:
        return self.clock() < self._until

    def _call(self, method: str, *args: Any, **kwargs: Any) -> None:
        if self.paused:
            raise QueueUnavailable(f"Redis failed less than {self.pause:.0f}s ago")
        try:
            getattr(self.queue, method)(*args, **kwargs)
        except self.failures as error:
            self._until = self.clock() + self.pause
            log.warning("Redis failed (%s): enqueueing left to the sweep for %.0fs", type(error).__name__, self.pause)
            raise

    def enqueue(self, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self._call("enqueue", job_name, *args, job_id=job_id)

    def enqueue_at(self, when: datetime, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self._call("enqueue_at", when, job_name, *args, job_id=job_id)

    def enqueue_in(self, delay: timedelta, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self._call("enqueue_in", delay, job_name, *args, job_id=job_id)

    def kick(self, job_name: str) -> None:
        self._call("kick", job_name)

    def close(self) -> None:
        self.queue.close()


@dataclass(order=True)
class _Entry:
    run_at: float
    seq: int
    job_name: str = field(compare=False)
    args: tuple = field(compare=False)
    job_id: str | None = field(compare=False, default=None)
    attempt: int = field(compare=False, default=0)
    cancelled: bool = field(compare=False, default=False)


class InProcessQueue:
    """Jobs on a timer heap in this process, run by background threads after the request is answered.

    With `threads=0` nothing runs by itself: `drain()` runs whatever is due, which is how tests
    and `hotline chat` stay deterministic (time travel makes scheduled jobs due).
    """

    def __init__(self, threads: int = 2, retry_intervals: tuple[int, ...] = RETRY_INTERVALS):
        self.thread_count = threads
        self.retry_intervals = retry_intervals
        self._heap: list[_Entry] = []
        self._by_id: dict[str, _Entry] = {}
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._running = 0
        # Jobs that raised on every attempt: (job name, args, last error).
        self.failed: list[tuple[str, tuple, str]] = []

    # Scheduling ---------------------------------------------------------------------------

    def _push(self, run_at: float, job_name: str, args: tuple, job_id: str | None, attempt: int = 0) -> None:
        with self._cond:
            if job_id is not None and job_id in self._by_id:
                # Like RQ, the same id replaces the waiting job rather than adding a second one.
                self._by_id[job_id].cancelled = True
            entry = _Entry(run_at, next(self._seq), job_name, tuple(args), job_id, attempt)
            heapq.heappush(self._heap, entry)
            if job_id is not None:
                self._by_id[job_id] = entry
            self._cond.notify()
        self._start()

    def enqueue(self, job_name: str, *args: Any, job_id: str | None = None) -> None:
        check(job_name, args, job_id)
        self._push(clock.timestamp(), job_name, args, job_id)

    def enqueue_at(self, when: datetime, job_name: str, *args: Any, job_id: str | None = None) -> None:
        check(job_name, args, job_id)
        self._push(_aware(when).timestamp(), job_name, args, job_id)

    def enqueue_in(self, delay: timedelta, job_name: str, *args: Any, job_id: str | None = None) -> None:
        check(job_name, args, job_id)
        self._push(clock.timestamp() + delay.total_seconds(), job_name, args, job_id)

    def kick(self, job_name: str) -> None:
        """Run `job_name` (no arguments) soon, once however many times it is kicked before it starts."""
        check(job_name, ())
        self._push(clock.timestamp(), job_name, (), f"kick-{job_name}")

    def taken(self, job_name: str) -> None:
        """Nothing to do: a waiting kicked job leaves the heap when it starts."""

    def pending(self) -> list[tuple[datetime, str, tuple]]:
        """Jobs waiting to run: (when, job name, args), soonest first."""
        with self._cond:
            live = sorted(e for e in self._heap if not e.cancelled)
        return [(datetime.fromtimestamp(e.run_at, timezone.utc), e.job_name, e.args) for e in live]

    # Running ------------------------------------------------------------------------------

    def _pop_due(self, now: float, only: Collection[str] | None = None) -> _Entry | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        if only is not None:
            due = [e for e in self._heap if not e.cancelled and e.run_at <= now and e.job_name in only]
            if not due:
                return None
            entry = min(due)
            self._heap.remove(entry)
            heapq.heapify(self._heap)
            if entry.job_id is not None and self._by_id.get(entry.job_id) is entry:
                del self._by_id[entry.job_id]
            return entry
        if self._heap and self._heap[0].run_at <= now:
            entry = heapq.heappop(self._heap)
            if entry.job_id is not None and self._by_id.get(entry.job_id) is entry:
                del self._by_id[entry.job_id]
            return entry
        return None

    def _run(self, entry: _Entry) -> None:
        try:
            run(entry.job_name, *entry.args)
        except Exception as error:  # noqa: BLE001 - a failing job is retried, never fatal
            if entry.attempt < len(self.retry_intervals):
                delay = self.retry_intervals[entry.attempt]
                log.warning("job %s failed (%s); retrying in %ss", entry.job_name, error, delay, exc_info=True)
                self._push(clock.timestamp() + delay, entry.job_name, entry.args, entry.job_id, entry.attempt + 1)
            else:
                log.error("job %s failed for good: %s", entry.job_name, error, exc_info=True)
                self.failed.append((entry.job_name, entry.args, repr(error)))

    def drain(self, max_jobs: int = 10_000, *, only: Collection[str] | None = None) -> int:
        """Run every job that is due now (of these names, when given), including those the jobs
        enqueue; return how many ran."""
        ran = 0
        while ran < max_jobs:
            with self._cond:
                entry = self._pop_due(clock.timestamp(), only)
            if entry is None:
                break
            self._run(entry)
            ran += 1
        return ran

    run_pending = drain

    def _start(self) -> None:
        if self.thread_count <= 0 or self._threads or self._stopping:
            return
        with self._cond:
            if self._threads:
                return
            for number in range(self.thread_count):
                thread = threading.Thread(target=self._work, name=f"hotline-jobs-{number}", daemon=True)
                self._threads.append(thread)
                thread.start()

    def start(self) -> None:
        """Start the background threads (they also start on the first job)."""
        self._start()

    def _work(self) -> None:
        # A request waiting to write goes first: a resident waits on its answer, a job on nobody.
        background_thread()
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    entry = self._pop_due(clock.timestamp())
                    if entry is not None:
                        self._running += 1
                        break
                    wait = (self._heap[0].run_at - clock.timestamp()) if self._heap else None
                    self._cond.wait(timeout=None if wait is None else max(0.01, min(wait, 60)))
            try:
                self._run(entry)
            finally:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()

    def idle(self) -> bool:
        """Tell whether nothing is due and nothing is running."""
        with self._cond:
            due = any(not e.cancelled and e.run_at <= clock.timestamp() for e in self._heap)
            return not due and self._running == 0

    def close(self, timeout: float = 5.0) -> None:
        """Stop the background threads, letting a running job finish."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout)
        self._threads = []
