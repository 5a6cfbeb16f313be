"""The RQ worker that runs the hotline's queued jobs (with its scheduler) in this process."""
from __future__ import annotations

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from ..services import Hotline

# How long the worker's command listener waits for a message before it looks whether to stop.
LISTEN_SECONDS = 1


class Worker(SimpleWorker):
    """RQ's SimpleWorker, listening for commands in short waits so that it stops at once.

    RQ listens for commands (stop the job, shut down) on a pub/sub thread waiting 60 seconds at a
    time, and redis-py 8 waits for that thread when it is stopped: every worker exit (a SIGTERM on
    deploy, the end of a burst) took up to a minute, longer than most hosts wait before SIGKILL.
    """

    def subscribe(self) -> None:
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=LISTEN_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )


def make_worker(hotline: Hotline, name: str | None = None) -> Worker:
    """An RQ worker for the hotline's queue that runs jobs in this process.

    Jobs are short and share this process's database pool and pacing connection, so they run
    in the worker itself (SimpleWorker) rather than in a fork per job. SIGTERM (or Ctrl+C)
    lets the current job finish before the worker exits; a second one stops it at once.
    """
    return Worker([hotline.queue.rq], connection=hotline.redis, serializer=JSONSerializer, name=name)
