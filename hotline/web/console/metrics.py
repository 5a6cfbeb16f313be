"""`GET /metrics`: Prometheus' text, for a scraper with METRICS_TOKEN or anyone signed in to the console."""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, g, request

from ...clock import now as utcnow
from ...monitoring import metrics
from ..twilio import hotline

bp = Blueprint("metrics", __name__)


def token_given() -> bool:
    """Tell whether the request carries `Authorization: Bearer <METRICS_TOKEN>`."""
    expected = hotline().settings.metrics_token
    scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


@bp.get("/metrics")
def index():
    if not token_given() and g.get("user") is None:
        # No data to strangers: the same answer whether or not a token is set.
        return Response("Sign in to the console, or send Authorization: Bearer <METRICS_TOKEN>.\n", 401,
                        {"WWW-Authenticate": 'Bearer realm="hotline metrics"', "Content-Type": "text/plain"})
    return Response(metrics.exposition(g.db_session, hotline(), utcnow()), 200, {"Content-Type": metrics.CONTENT_TYPE})
