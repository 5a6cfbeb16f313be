"""The services one process runs with, and the process-wide accessor jobs find them through.

`hotline.wiring.build` assembles them from the settings; this module only holds them, so every
layer can reach the queue, the transport and the database without importing how they are made.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .config import Settings
from .db import Database

if TYPE_CHECKING:
    # Imported where a connection is made: a process without REDIS_URL never loads it (about 7 MB).
    from redis import Redis

    from .background.queue import JobQueue
    from .outbound.pacing import Pacer
    from .outbound.transports import Transport

log = logging.getLogger(__name__)

# The worker's Redis: it cannot work without it, so it waits a while for an answer.
REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10, "health_check_interval": 30}


def redis_from_url(url: str, *, timeout: float | None = None) -> Redis:
    """A Redis client; with `timeout` (a web process), one that never waits longer for an answer.

    A web process only asks Redis to enqueue, and the sweep enqueues whatever it could not:
    a webhook must answer Twilio in time, so a hung Redis costs it one short timeout, never
    a retry (a refused connection, which fails at once, is tried once more).
    """
    from redis import Redis
    from redis.backoff import ExponentialBackoff, NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.retry import Retry

    if timeout is None:
        return Redis.from_url(url, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1), **REDIS_OPTIONS)
    return Redis.from_url(url, retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
                          socket_connect_timeout=timeout, socket_timeout=timeout, health_check_interval=0)


@dataclass
class Hotline:
    """The services one app (or worker) runs with."""

    settings: Settings
    db: Database
    queue: "JobQueue | None" = None
    transport: "Transport | None" = None
    pacer: "Pacer | None" = None
    redis: "Redis | None" = None
    # The web app, when there is one: jobs run inside its app context.
    app: Any = None
    # Pacing waits through this, so tests can move a controlled clock instead of sleeping.
    sleep: Callable[[float], None] = field(default=time.sleep)
    # Makes the queue and pacer that share a Redis connection (set by `hotline.wiring.build`).
    redis_backends: "Callable[[Redis], tuple[JobQueue, Pacer]] | None" = None
    # Set when the process is asked to stop: a job sending a batch stops after the text in hand.
    stopping: threading.Event = field(default_factory=threading.Event)

    def use_redis(self, connection: Redis) -> None:
        """Queue jobs on RQ and share pacing through this Redis connection."""
        if self.redis_backends is None:
            raise RuntimeError("these services were not built to use Redis")
        if self.queue is not None:
            self.queue.close()
        self.redis = connection
        self.queue, self.pacer = self.redis_backends(connection)

    def close(self) -> None:
        """Stop background work and release connections."""
        self.stopping.set()
        if self.queue is not None:
            self.queue.close()
        if _current is self:
            uninstall()
        self.db.dispose()


_current: Hotline | None = None
# Services that stand in for the installed ones in this thread (or task) only: a practice sandbox
# inside a live web process runs its jobs and hooks on its own database, queue and transport,
# while the process's other requests and its background threads keep the installed services.
_scoped: ContextVar[Hotline | None] = ContextVar("hotline_scoped_services", default=None)


def install(hotline: Hotline) -> None:
    """Make these the services that jobs and after-commit hooks in this process use."""
    global _current
    _current = hotline


def uninstall() -> None:
    global _current
    _current = None


def current_or_none() -> Hotline | None:
    return _scoped.get() or _current


def scoped_or_none() -> Hotline | None:
    """Return the services standing in for the installed ones here, if any."""
    return _scoped.get()


@contextmanager
def scoped(hotline: Hotline) -> Iterator[Hotline]:
    """Make `hotline` the services of this thread (or task) only, for the block's length."""
    token = _scoped.set(hotline)
    try:
        yield hotline
    finally:
        _scoped.reset(token)


def current() -> Hotline:
    """Return this process's services (or those scoped here); create_app and the worker install them."""
    hotline = current_or_none()
    if hotline is None:
        raise RuntimeError("no hotline services installed: call create_app() or run the worker")
    return hotline
