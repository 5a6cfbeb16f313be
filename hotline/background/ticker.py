"""A thread that enqueues a job at a fixed interval, once per interval across every process."""
from __future__ import annotations

import logging
import threading

from .. import clock
from ..services import Hotline

log = logging.getLogger(__name__)


class Ticker(threading.Thread):
    """Enqueue `job_name` every `seconds`, starting now; with Redis, one process per interval does."""

    def __init__(self, hotline: Hotline, job_name: str, seconds: float):
        super().__init__(name=f"hotline-ticker-{job_name}", daemon=True)
        self.hotline = hotline
        self.job_name = job_name
        self.seconds = max(1.0, float(seconds))
        self._stop_event = threading.Event()

    def tick(self, now: float | None = None) -> bool:
        """Enqueue the job for the current interval unless another process already has."""
        bucket = int((now if now is not None else clock.timestamp()) // self.seconds)
        job_id = f"{self.job_name}-{bucket}"
        try:
            redis = self.hotline.redis
            if redis is not None and not redis.set(f"hotline:tick:{job_id}", 1, nx=True, ex=int(self.seconds * 2) + 1):
                return False
            self.hotline.queue.enqueue(self.job_name, job_id=job_id)
            return True
        except Exception as error:  # noqa: BLE001 - the next tick tries again
            log.warning("could not enqueue %s: %s", self.job_name, error)
            return False

    def run(self) -> None:
        while True:
            self.tick()
            wait = self.seconds - (clock.timestamp() % self.seconds)
            if self._stop_event.wait(wait):
                return

    def stop(self) -> None:
        self._stop_event.set()


def start_sweeper(hotline: Hotline, periodic: dict[str, float]) -> list[Ticker]:
    """Start a ticker in this process for every periodic job: {job name: seconds between runs}."""
    tickers = [Ticker(hotline, name, seconds) for name, seconds in periodic.items()]
    for ticker in tickers:
        ticker.start()
    return tickers
