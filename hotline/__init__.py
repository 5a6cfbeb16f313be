"""Hotline: an SMS and voice hotline for mutual-aid networks."""
from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, jsonify
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from .config import Settings
from .services import Hotline, build, install

log = logging.getLogger(__name__)

__all__ = ["create_app", "Hotline"]


def create_app(config: dict[str, Any] | Settings | None = None) -> Flask:
    """Create the web app: webhooks, health check and (later) the dashboard."""
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    app = Flask(__name__, instance_path=settings.instance_path)
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    hotline = build(settings)
    hotline.app = app
    app.extensions["hotline"] = hotline
    # Jobs and after-commit hooks in this process find the services through this.
    install(hotline)
    if not settings.redis_url and settings.queue_threads > 0:
        from .ticker import start_sweeper

        start_sweeper(hotline)
    if not settings.twilio_auth_token:
        log.warning("TWILIO_AUTH_TOKEN is not set: webhook signatures are not checked")

    from .voice_webhooks import audio_bp
    from .voice_webhooks import bp as voice_bp
    from .webhooks import bp as twilio_bp

    app.register_blueprint(twilio_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(audio_bp)

    @app.get("/healthz")
    def healthz():
        hotline = app.extensions["hotline"]
        try:
            with hotline.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database = "ok"
        except Exception:  # noqa: BLE001 - the health check reports, never raises
            log.exception("health check: database unreachable")
            database = "unreachable"
        checks = {"database": database}
        if hotline.redis is not None:
            try:
                hotline.redis.ping()
                checks["redis"] = "ok"
            except Exception:  # noqa: BLE001 - the health check reports, never raises
                log.warning("health check: redis unreachable")
                # Still serving: messages wait in the outbox until Redis is back.
                checks["redis"] = "unreachable"
        status = 200 if database == "ok" else 503
        healthy = all(value == "ok" for value in checks.values())
        return jsonify(status="ok" if healthy else "degraded", **checks), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=error.name, description=error.description), error.code

    return app
