"""Logs never carry a whole phone number: one filter, on every handler, masks them in every line.

It sits on handlers rather than loggers, so a record from any logger (ours, twilio's, rq's,
werkzeug's) is masked on its way out, and it masks the finished message (arguments already
put in), tracebacks and stack dumps included.
"""
from __future__ import annotations

import logging
import re

from .phones import mask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Libraries that log whole requests (twilio's client logs every form it sends, To and Body
# included; urllib3 logs request lines with their query string; SQLAlchemy logs bound
# parameters): held at WARNING whatever level the root logger has.
QUIET = ("twilio.http_client", "urllib3", "requests", "sqlalchemy.engine", "sqlalchemy.pool")

# What looks like a phone number: E.164 ("+12125551234", "+1 212-555-1234", or "%2B12125551234"
# inside a URL-encoded query string), any bare run of 10 to 15 digits, and a North American number
# written with separators ("(212) 555-1234", "212.555.1234"). Never inside a word or a sid.
# Any other run of 10 to 15 digits (an epoch second) is masked too: better one too many.
PHONE_LIKE = re.compile(
    r"""
    (?<![\w%+])
    (?:
        (?:\+|%2[Bb])\ ?\d(?:[\ .()-]{0,2}\d){6,14}
      | \d{10,15}
      | \(?\d{3}\)?[\ .-]?\d{3}[\ .-]\d{4}
    )
    (?!\w)
    """,
    re.VERBOSE,
)


def mask_numbers(text: str) -> str:
    """Replace everything phone-number-like in `text` by its masked form (`***` and the last 4 digits)."""
    return PHONE_LIKE.sub(lambda found: mask(found.group()), text)


class MaskPhoneNumbers(logging.Filter):
    """Mask phone numbers in a record's finished message, its traceback and its stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format: the handler reports it as it always does
            return True
        record.msg, record.args = mask_numbers(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_numbers(record.stack_info)
        return True


MASK = MaskPhoneNumbers()


def protect() -> None:
    """Put the mask on every handler there is now, and hold the libraries that log requests at WARNING.

    Called wherever logging is set up (the CLI, the web app, the worker); calling it again is harmless.
    """
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    handlers = list(logging.getLogger().handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.extend(logger.handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, MaskPhoneNumbers) for f in handler.filters):
            handler.addFilter(MASK)


def configure(level: int = logging.INFO) -> None:
    """Log to stderr at `level` (unless something set up logging already), with numbers masked."""
    logging.basicConfig(level=level, format=FORMAT)
    protect()
