"""What every Twilio webhook shares: the signature check, bounded fields and TwiML answers."""
from __future__ import annotations

import logging
import re
from collections.abc import Collection
from functools import wraps

from flask import Response, abort, current_app, request
from twilio.request_validator import SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm

from ..db import once_more_if_disconnected
from ..services import Hotline

log = logging.getLogger(__name__)

# Twilio's sids are 34 characters; anything much longer is not Twilio's (and no sid column holds it).
MAX_SID = 64
# Longest sender kept (From): E.164 is at most 16 characters; "client:..." and SIP names run longer.
MAX_FROM = 64
# Longest status word: the delivery_reports column holds 24 characters.
MAX_STATUS = 24

# A key names a row or a person: printable ASCII, no spaces (sids, numbers, "client:alice").
_KEY = re.compile(r"[\x21-\x7e]+")
# A status is a word of lower-case letters, "-" and "_" ("in-progress", "partially_delivered").
_STATUS = re.compile(r"[a-z][a-z_-]*")
# Control characters free text never keeps (NUL breaks PostgreSQL; the rest break XML and logs).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
    """Refuse with 403 any request not signed by Twilio; run a signed one again if the database connection drops.

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
        # Twilio does not retry a 500: a connection lost mid-request is tried once more here.
        return once_more_if_disconnected(view, *args, **kwargs)

    return wrapper


def field(name: str, max_length: int, *, key: bool = False, required: bool = False,
          statuses: Collection[str] | None = None, aliases: tuple[str, ...] = ()) -> str:
    """Read one field of a webhook's form, cleaned and within what its column holds.

    Every webhook reads every field through here, so nothing a request carries reaches the
    database unbounded or unclean:
    - a key (`key=True`: a sid, From) is refused with 400 when it has a control character, a
      space or anything not ASCII, or is longer than `max_length`: cut or cleaned, it would name
      something else;
    - a status (`statuses` given) is lower-cased and refused with 400 unless it is a word of
      letters, "-" and "_" within `max_length`; a well-formed status Twilio may add later that is
      not in `statuses` is still returned (and kept where it is recorded), so nothing is lost;
    - anything else is free text: control characters (NUL included) are dropped and it is cut to
      `max_length`.
    A missing or empty field is "" unless `required`, then 400. `aliases` are older names of the
    same field (SmsSid for MessageSid), read when the field itself is empty.
    """
    raw = ""
    for each in (name, *aliases):
        raw = (request.form.get(each) or "").strip()
        if raw:
            break
    if not raw:
        if required:
            abort(400, description=f"{name} is required")
        return ""
    if statuses is not None:
        value = raw.lower()
        if len(value) > max_length or not _STATUS.fullmatch(value):
            abort(400, description=f"{name} is not a status")
        if value not in statuses:
            log.info("%s %r is not one the hotline knows; kept, nothing else changes", name, value)
        return value
    if key:
        if len(raw) > max_length or not _KEY.fullmatch(raw):
            abort(400, description=f"{name} is not a valid value")
        return raw
    return _CONTROL.sub("", raw).strip()[:max_length]


def twiml(response) -> Response:
    """Answer with TwiML (a response object or its XML), as text/xml."""
    return Response(str(response), status=200, mimetype="text/xml")
