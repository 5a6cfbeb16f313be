"""The SMS webhooks: a text comes in (`/twilio/sms`), a delivery report comes in (`/twilio/status`)."""
from __future__ import annotations

import logging

from flask import Blueprint, Response
from twilio.twiml.messaging_response import MessagingResponse

from .. import urls
from ..inbound import handle_message
from ..outbound.delivery import TWILIO_STATUSES, record_status
from ..phones import mask
from ..sms import MAX_BODY_CHARS
from .twilio import MAX_FROM, MAX_SID, MAX_STATUS, field, hotline, twilio_signed, twiml

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__)


@bp.post(urls.SMS)
@twilio_signed
def sms():
    sender = field("From", MAX_FROM, key=True, required=True)
    message_sid = field("MessageSid", MAX_SID, key=True, aliases=("SmsSid",)) or None
    body = field("Body", MAX_BODY_CHARS)
    services = hotline()
    outcome = handle_message(services.db, services.settings, sender, body, message_sid=message_sid)
    log.info("sms from %s answered%s", mask(sender), " (retry)" if outcome.duplicate else "")
    response = MessagingResponse()
    if outcome.text:
        response.message(outcome.text)
    if outcome.question:
        response.message(outcome.question)
    if outcome.notice:
        response.message(outcome.notice)
    return twiml(response)


@bp.post(urls.STATUS)
@twilio_signed
def status():
    """Record a delivery status callback; Twilio may send them twice and in any order.

    A status the hotline does not know yet is recorded all the same (and moves nothing), so a
    report is never lost; one no column could hold is refused with 400.
    """
    sid = field("MessageSid", MAX_SID, key=True, required=True, aliases=("SmsSid",))
    message_status = field("MessageStatus", MAX_STATUS, required=True, statuses=TWILIO_STATUSES,
                           aliases=("SmsStatus",))
    raw_code = field("ErrorCode", 16)
    error_code = int(raw_code) if raw_code.isascii() and raw_code.isdigit() and len(raw_code) < 10 else None
    outcome = record_status(hotline().db, sid, message_status, error_code)
    log.info("status %s for %s%s: %s", message_status, sid, f" ({error_code})" if error_code else "", outcome)
    return Response(status=204)
