"""Which `hotline worker` processes are alive: RQ's worker registry, read with their heartbeats."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .queue import QUEUE_NAME

if TYPE_CHECKING:
    from redis import Redis

# A worker sends a heartbeat at least this often while it waits for jobs (RQ's worker_ttl is 420 s,
# and its key expires 60 s after that): one silent longer than this has died without saying so.
HEARTBEAT_SECONDS = 480


@dataclass(frozen=True)
class Seen:
    """A worker as the registry knows it."""

    name: str
    state: str
    last_heartbeat: datetime | None


def workers(connection: Redis, now: datetime) -> list[Seen]:
    """The workers serving the hotline's queue whose last heartbeat is recent (a stopped worker
    leaves the registry; a killed one drops out once its heartbeat is older than HEARTBEAT_SECONDS)."""
    from rq import Queue, Worker

    found = []
    for worker in Worker.all(queue=Queue(QUEUE_NAME, connection=connection)):
        beat = worker.last_heartbeat
        if beat is not None and (now - beat).total_seconds() > HEARTBEAT_SECONDS:
            continue
        found.append(Seen(worker.name, worker.get_state(), beat))
    return found
