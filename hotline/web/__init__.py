"""The web edge: the only package that imports Flask, besides the app factory.

`init_app` registers the Twilio webhooks (`sms`, `voice`), the recorded prompts calls play,
and the health check on an app made by `hotline.create_app`.
"""
from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from . import health, sms, voice


def init_app(app: Flask) -> None:
    """Register every blueprint and the JSON error answers."""
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(voice.audio_bp)
    app.register_blueprint(health.bp)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=error.name, description=error.description), error.code
