"""The worker process: RQ with its scheduler, running the hotline's jobs in the app context."""
from __future__ import annotations

import logging

from .config import Settings

log = logging.getLogger(__name__)


def make_worker(hotline, name: str | None = None):
    """An RQ worker for the hotline's queue that runs jobs in this process.

    Jobs are short and share this process's database pool and pacing connection, so they run
    in the worker itself (SimpleWorker) rather than in a fork per job. SIGTERM (or Ctrl+C)
    lets the current job finish before the worker exits; a second one stops it at once.
    """
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    return SimpleWorker(
        [hotline.queue.rq], connection=hotline.redis, serializer=JSONSerializer, name=name
    )


def run_worker(settings: Settings | None = None, *, burst: bool = False) -> bool:
    """Work the queue with the scheduler (scheduled jobs and retries) until told to stop."""
    from . import create_app
    from .ticker import start_sweeper

    settings = settings or Settings.from_env()
    if not settings.redis_url:
        raise SystemExit("REDIS_URL is not set: without Redis, `hotline run` does the queued work itself")
    app = create_app(settings)
    hotline = app.extensions["hotline"]
    if not burst:
        start_sweeper(hotline)
    log.info("worker: database %s, sending through %s", settings.database_url.split("@")[-1], hotline.transport.name)
    return make_worker(hotline).work(burst=burst, with_scheduler=True, logging_level="INFO")


def main() -> None:
    """Run the worker from `python worker.py`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        from dotenv import load_dotenv

        load_dotenv()
    except ImportError:  # pragma: no cover
        pass
    run_worker()
