"""Logs never carry a whole phone number: one filter, on every handler, masks them in every line.

It sits on handlers rather than loggers, so a record from any logger (ours, twilio's, rq's,
werkzeug's) is masked on its way out, and it masks the finished message (arguments already
put in), tracebacks and stack dumps included.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from .phones import mask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Libraries that log whole requests (twilio's client logs every form it sends, To and Body
# included; urllib3 and Werkzeug's development server log request lines with their query string;
# SQLAlchemy logs bound parameters): held at WARNING whatever level the root logger has. The
# hotline's own access log (hotline.web.access_log) says what a request line should.
QUIET = ("twilio.http_client", "urllib3", "requests", "sqlalchemy.engine", "sqlalchemy.pool", "werkzeug")
# The handler `configure` puts on the root logger, known by its name so a later call only sets the level.
HANDLER = "hotline"

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


# Set while a practice sandbox works in this thread: its made-up texts and calls are no news for the
# live hotline's log, so only its warnings and errors are written.
_hushed: ContextVar[bool] = ContextVar("hotline_logs_hushed", default=False)


@contextmanager
def hushed() -> Iterator[None]:
    """Leave out records below WARNING logged in this thread (or task) for the block's length."""
    token = _hushed.set(True)
    try:
        yield
    finally:
        _hushed.reset(token)


class MaskPhoneNumbers(logging.Filter):
    """Mask phone numbers in a record's finished message, its traceback and its stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and _hushed.get():
            return False
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


def level_of(name: str | int) -> int:
    """A level given by name (LOG_LEVEL) or number; INFO for a name logging does not know."""
    if isinstance(name, int):
        return name
    return logging.getLevelNamesMapping().get(str(name).strip().upper(), logging.INFO)


def configure(level: str | int = "INFO") -> None:
    """Set up logging for this process: the one entry point of the web app, the worker and the CLI.

    The first call logs to stderr through one handler on the root logger, unless the host set up
    handlers of its own (a log config given to gunicorn, a test runner): then theirs serve, and
    their level stands. Every call sets the level of ours, and masks numbers on every handler.
    """
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if handler.get_name() == HANDLER]
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.set_name(HANDLER)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        ours = [handler]
    if ours:
        root.setLevel(level_of(level))
    protect()
