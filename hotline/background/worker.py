"""The RQ worker that runs the hotline's queued jobs (with its scheduler) in this process."""
from __future__ import annotations

import os

from rq import SimpleWorker
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from ..services import Hotline

# How long the worker's command listener waits for a message before it looks whether to stop.
LISTEN_SECONDS = 1


class Scheduler(RQScheduler):
    """RQ's scheduler process, which stops when the worker that started it is gone.

    RQ forks it from the worker and stops it when the worker stops; a worker killed outright
    (SIGKILL, out of memory) left it running on its own, holding the scheduler lock and
    enqueueing for nobody, unless the whole process group was killed.
    """

    parent_pid: int | None = None

    def start(self):
        self.parent_pid = os.getpid()
        return super().start()

    def heartbeat(self) -> None:
        # Once a second: a child whose parent died is handed to another process.
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            self.log.warning("Scheduler: the worker that started it (PID %s) is gone, stopping", self.parent_pid)
            self.request_stop()
            return
        super().heartbeat()


class Worker(SimpleWorker):
    """RQ's SimpleWorker, listening for commands in short waits so that it stops at once.

    RQ listens for commands (stop the job, shut down) on a pub/sub thread waiting 60 seconds at a
    time, and redis-py 8 waits for that thread when it is stopped: every worker exit (a SIGTERM on
    deploy, the end of a burst) took up to a minute, longer than most hosts wait before SIGKILL.
    """

    hotline: Hotline | None = None

    def request_stop(self, signum, frame):
        """Warm shutdown, as RQ's; a job sending a batch of texts stops after the one in hand."""
        if self.hotline is not None:
            self.hotline.stopping.set()
        return super().request_stop(signum, frame)

    def subscribe(self) -> None:
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=LISTEN_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def _start_scheduler(self, burst: bool = False, logging_level: str | None = "INFO",
                         date_format: str = DEFAULT_LOGGING_DATE_FORMAT, log_format: str = DEFAULT_LOGGING_FORMAT):
        """Start the scheduler process as RQ does, as a `Scheduler` (a burst forks none: RQ's own serves)."""
        if burst:
            return super()._start_scheduler(burst, logging_level, date_format, log_format)
        self.scheduler = Scheduler(self.queues, connection=self.connection, serializer=self.serializer,
                                   logging_level=logging_level if logging_level is not None else self.log.level,
                                   date_format=date_format, log_format=log_format)
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            self.scheduler.start()


def make_worker(hotline: Hotline, name: str | None = None) -> Worker:
    """An RQ worker for the hotline's queue that runs jobs in this process.

    Jobs are short and share this process's database pool and pacing connection, so they run
    in the worker itself (SimpleWorker) rather than in a fork per job. SIGTERM (or Ctrl+C)
    lets the current job finish before the worker exits; a second one stops it at once.
    """
    worker = Worker([hotline.queue.rq], connection=hotline.redis, serializer=JSONSerializer, name=name)
    worker.hotline = hotline
    return worker
