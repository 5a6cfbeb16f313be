"""What every Twilio webhook shares: the signature check, bounded fields and TwiML answers."""
from __future__ import annotations

import logging
from functools import wraps

from flask import Response, abort, current_app, request
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm

from ..services import Hotline

log = logging.getLogger(__name__)

# Twilio's sids are 34 characters; anything much longer is not Twilio's.
MAX_SID = 64


def hotline() -> Hotline:
    """The services of the app answering this request."""
    return current_app.extensions["hotline"]


def public_url_of_request() -> str:
    """The URL Twilio signed: PUBLIC_URL + path + the raw query string, never request.url."""
    settings = hotline().settings
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw_uri:
        path_and_query = raw_uri
    else:
        path_and_query = request.path
        if request.query_string:
            path_and_query += "?" + request.query_string.decode("latin-1")
    return settings.public_url.rstrip("/") + path_and_query


def twilio_signed(view):
    """Refuse with 403 any request not signed by Twilio.

    Without an auth token nothing can be checked, so every request is refused, unless no Twilio
    account is set (the console transport: texts never leave this machine) or
    ALLOW_UNSIGNED_WEBHOOKS is on.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        settings = hotline().settings
        if not settings.twilio_auth_token:
            if not settings.unsigned_webhooks:
                log.warning("refused request to %s: TWILIO_AUTH_TOKEN is not set", request.path)
                abort(403)
        else:
            signature = request.headers.get("X-Twilio-Signature", "")
            validator = RequestValidator(settings.twilio_auth_token)
            algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
            valid = signature and validator.validate(public_url_of_request(), request.form, signature, algorithm)
            if not valid:
                log.warning("refused unsigned or wrongly signed request to %s", request.path)
                abort(403)
        return view(*args, **kwargs)

    return wrapper


def twiml(response) -> Response:
    """Answer with TwiML (a response object or its XML), as text/xml."""
    return Response(str(response), status=200, mimetype="text/xml")
