"""The SMS webhooks: a text comes in (`/twilio/sms`), a delivery report comes in (`/twilio/status`)."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from .. import urls
from ..inbound import handle_message
from ..outbound.delivery import record_status
from ..phones import mask
from .twilio import MAX_SID, hotline, twilio_signed, twiml

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__)


@bp.post(urls.SMS)
@twilio_signed
def sms():
    sender = request.form.get("From", "").strip()
    if not sender:
        abort(400, description="From is required")
    message_sid = (request.form.get("MessageSid") or request.form.get("SmsSid") or "").strip() or None
    if message_sid is not None and len(message_sid) > MAX_SID:
        abort(400, description="MessageSid is too long")
    services = hotline()
    outcome = handle_message(services.db, services.settings, sender[:64], request.form.get("Body", ""),
                             message_sid=message_sid)
    log.info("sms from %s answered%s", mask(sender), " (retry)" if outcome.duplicate else "")
    response = MessagingResponse()
    if outcome.text:
        response.message(outcome.text)
    if outcome.notice:
        response.message(outcome.notice)
    return twiml(response)


@bp.post(urls.STATUS)
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
    outcome = record_status(hotline().db, sid, message_status.strip().lower(), error_code)
    log.info("status %s for %s%s: %s", message_status, sid, f" ({error_code})" if error_code else "", outcome)
    return Response(status=204)
