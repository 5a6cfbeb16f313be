"""Twilio webhooks: signature check, then a thin shell over the engine, TwiML out."""
from __future__ import annotations

import logging
from functools import wraps

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from .delivery import record_status
from .inbound import handle_message
from .phones import mask

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__, url_prefix="/twilio")
MAX_SID = 64


def public_url_of_request() -> str:
    """The URL Twilio signed: PUBLIC_URL + path + the raw query string, never request.url."""
    settings = current_app.extensions["hotline"].settings
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw_uri:
        path_and_query = raw_uri
    else:
        path_and_query = request.path
        if request.query_string:
            path_and_query += "?" + request.query_string.decode("latin-1")
    return settings.public_url.rstrip("/") + path_and_query


def twilio_signed(view):
    """Refuse with 403 any request not signed by Twilio, when an auth token is set."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        settings = current_app.extensions["hotline"].settings
        if settings.twilio_auth_token:
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
    return Response(str(response), status=200, mimetype="text/xml")


@bp.post("/sms")
@twilio_signed
def sms():
    sender = request.form.get("From", "").strip()
    if not sender:
        abort(400, description="From is required")
    message_sid = (request.form.get("MessageSid") or request.form.get("SmsSid") or "").strip() or None
    if message_sid is not None and len(message_sid) > MAX_SID:
        abort(400, description="MessageSid is too long")
    hotline = current_app.extensions["hotline"]
    outcome = handle_message(hotline.db, hotline.settings, sender[:64], request.form.get("Body", ""),
                             message_sid=message_sid)
    log.info("sms from %s answered%s", mask(sender), " (retry)" if outcome.duplicate else "")
    response = MessagingResponse()
    if outcome.text:
        response.message(outcome.text)
    return twiml(response)


@bp.post("/status")
@twilio_signed
def status():
    """Record a delivery status callback; Twilio may send them twice and in any order."""
    sid = (request.form.get("MessageSid") or request.form.get("SmsSid") or "").strip()
    message_status = (request.form.get("MessageStatus") or request.form.get("SmsStatus") or "").strip()
    if not sid or not message_status:
        abort(400, description="MessageSid and MessageStatus are required")
    if len(sid) > MAX_SID or len(message_status) > 32:
        abort(400, description="MessageSid or MessageStatus is too long")
    raw_code = (request.form.get("ErrorCode") or "").strip()
    error_code = int(raw_code) if raw_code.isascii() and raw_code.isdigit() and len(raw_code) < 10 else None
    hotline = current_app.extensions["hotline"]
    outcome = record_status(hotline.db, sid, message_status.strip().lower(), error_code)
    log.info("status %s for %s%s: %s", message_status, sid, f" ({error_code})" if error_code else "", outcome)
    return Response(status=204)
