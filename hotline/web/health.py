"""`GET /healthz`: the database and Redis reachable, the backlog's age, live workers; 503 when stuck."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from .. import urls
from ..monitoring import health
from .twilio import hotline

bp = Blueprint("health", __name__)


@bp.get(urls.HEALTH)
def healthz():
    found = health.check(hotline())
    response = jsonify(found.as_json())
    # A probe must see the state of now, never a proxy's copy.
    response.headers["Cache-Control"] = "no-store"
    word = request.headers.get(health.CHECK_HEADER, "")[:64]
    if word:
        response.headers[health.PROOF_HEADER] = health.proof(current_app.secret_key, word)
    return response, found.status_code
