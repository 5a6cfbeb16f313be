"""The access log: one line per request (`GET /needs -> 200 12ms`), under any server.

Never the query string or the body: a query can carry a number or a token, a body a person's
words. Numbers left in a path are masked like every log line (hotline.logs).
"""
from __future__ import annotations

import logging
import re
import time

log = logging.getLogger("hotline.access")

# Control characters a path could smuggle into the log (a decoded %0a would start a fake line).
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LONGEST_PATH = 200


def printable_path(environ: dict) -> str:
    """The request's path as a log shows it: without its query, control characters escaped, cut short."""
    raw = (environ.get("SCRIPT_NAME") or "") + (environ.get("PATH_INFO") or "") or "/"
    # WSGI gives the path's bytes as latin-1 characters.
    path = raw.encode("latin-1", "replace").decode("utf-8", "replace")
    path = UNPRINTABLE.sub(lambda found: f"\\x{ord(found.group()):02x}", path)
    return path if len(path) <= LONGEST_PATH else path[:LONGEST_PATH] + "..."


class AccessLog:
    """WSGI middleware logging each request once its answer has started."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        status = ["500"]  # unless the app starts an answer: an error no handler caught

        def start(line, headers, exc_info=None):
            status[0] = line.split(" ", 1)[0]
            return start_response(line, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            # "->" keeps the status apart from a path ending in digits (the mask would read both as one number).
            log.info("%s %s -> %s %.0fms", environ.get("REQUEST_METHOD", "-"), printable_path(environ), status[0],
                     elapsed)
