"""`GET /healthz`: can this process reach its database and Redis."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from .. import urls
from .twilio import hotline

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get(urls.HEALTH)
def healthz():
    services = hotline()
    try:
        with services.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - the health check reports, never raises
        log.exception("health check: database unreachable")
        database = "unreachable"
    checks = {"database": database}
    if services.redis is not None:
        try:
            services.redis.ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001 - the health check reports, never raises
            log.warning("health check: redis unreachable")
            # Still serving: messages wait in the outbox until Redis is back.
            checks["redis"] = "unreachable"
    status = 200 if database == "ok" else 503
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "degraded", **checks), status
