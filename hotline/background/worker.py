"""The RQ worker that runs the hotline's queued jobs (with its scheduler) in this process."""
from __future__ import annotations

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from ..services import Hotline


def make_worker(hotline: Hotline, name: str | None = None) -> SimpleWorker:
    """An RQ worker for the hotline's queue that runs jobs in this process.

    Jobs are short and share this process's database pool and pacing connection, so they run
    in the worker itself (SimpleWorker) rather than in a fork per job. SIGTERM (or Ctrl+C)
    lets the current job finish before the worker exits; a second one stops it at once.
    """
    return SimpleWorker(
        [hotline.queue.rq], connection=hotline.redis, serializer=JSONSerializer, name=name
    )
