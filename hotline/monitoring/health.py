"""The health of this install, cheaply: database and Redis reachable, the backlog, live workers.

Public (`GET /healthz`), so it tells counts and ages only, never a number or a message.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from ..background.liveness import workers
from ..clock import now as utcnow
from ..outbound.backlog import backlog
from ..services import Hotline

log = logging.getLogger(__name__)

OK = "ok"
UNREACHABLE = "unreachable"
# `hotline doctor` sends a random word in this header; the answer carries PROOF_HEADER, made with this
# install's secret key, so the doctor knows PUBLIC_URL reaches this install and not another one.
CHECK_HEADER = "X-Hotline-Check"
PROOF_HEADER = "X-Hotline-Proof"


def proof(secret_key: str, word: str) -> str:
    """What this install answers to `word`: only one with the same secret key answers the same."""
    return hmac.new(secret_key.encode(), f"healthz:{word}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Health:
    database: str
    redis: str | None  # None: no REDIS_URL, queued work runs in the web process
    workers: int | None  # live `hotline worker` processes (None: no Redis, or Redis unreachable)
    backlog: int
    backlog_age_seconds: int
    backlog_limit_seconds: int

    @property
    def problems(self) -> list[str]:
        """What makes this install unable to do its work right now."""
        found = []
        if self.database != OK:
            found.append("database unreachable")
        if self.workers == 0:
            found.append("no worker alive")
        if self.backlog_age_seconds > self.backlog_limit_seconds:
            found.append(f"messages waiting over {self.backlog_limit_seconds}s")
        return found

    @property
    def status_code(self) -> int:
        return 503 if self.problems else 200

    def as_json(self) -> dict[str, Any]:
        # Redis down is "degraded", not failing: messages wait in the outbox and the sweep enqueues them.
        status = "failing" if self.problems else ("degraded" if self.redis not in (None, OK) else OK)
        answer: dict[str, Any] = {"status": status, "database": self.database}
        if self.redis is not None:
            answer["redis"] = self.redis
        if self.workers is not None:
            answer["workers"] = self.workers
        answer.update(backlog=self.backlog, backlog_age_seconds=self.backlog_age_seconds)
        if self.problems:
            answer["problems"] = self.problems
        return answer


def check(hotline: Hotline, now: datetime | None = None) -> Health:
    """Look at the database, Redis, the workers and the backlog; never raise."""
    now = now or utcnow()
    database, due, age = OK, 0, 0
    try:
        # A reading transaction: on SQLite it takes no write lock from the webhooks.
        session = hotline.db.open(read_only=True)
        try:
            session.execute(text("SELECT 1"))
            found = backlog(session, now)
            due, age = found.due, found.oldest_seconds
        finally:
            session.rollback()
            session.close()
    except Exception:  # noqa: BLE001 - the health check reports, never raises
        log.exception("health check: database unreachable")
        database = UNREACHABLE
    redis = alive = None
    if hotline.redis is not None:
        try:
            hotline.redis.ping()
            redis = OK
            alive = len(workers(hotline.redis, now))
        except Exception:  # noqa: BLE001 - the health check reports, never raises
            log.warning("health check: redis unreachable")
            redis = UNREACHABLE
    return Health(database, redis, alive, due, age, hotline.settings.health_backlog_seconds)
