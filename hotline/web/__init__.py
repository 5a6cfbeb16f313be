"""The web edge: the only package that imports Flask, besides the app factory.

`init_app` registers the Twilio webhooks (`sms`, `voice`), the recorded prompts calls play, the
health check and the coordinators' console on an app made by `hotline.create_app`.
"""
from __future__ import annotations

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

from .. import malloc
from ..services import Hotline
from . import access_log, console, health, open, sms, voice
from .console import access, labels, spend


def init_app(app: Flask, services: Hotline) -> None:
    """Register every blueprint, the console's pages and the error answers."""
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(voice.audio_bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(open.bp)
    console.init_app(app, services, exempt=(sms.bp, voice.bp, voice.audio_bp, health.bp, open.bp))
    # Outermost, after any proxy fix: every request is logged, whatever answers it.
    app.wsgi_app = access_log.AccessLog(app.wsgi_app)

    @app.context_processor
    def console_context():
        return {"user": g.get("user"), "can": access.can,
                "unsigned_webhooks": services.settings.unsigned_webhooks == "allowed",
                "budget_banner": spend.banner(),
                "role_name": lambda role: labels.name(labels.ROLE, role)}

    @app.teardown_request
    def release_memory(_error):
        # What the request freed goes back to the system (hotline/malloc.py), now and then.
        malloc.release()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        page = console.http_error_page(error)
        if page is not None:
            return page
        return jsonify(error=error.name, description=error.description), error.code
