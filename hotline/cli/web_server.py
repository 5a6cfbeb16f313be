"""The production WSGI server `hotline run` serves with: gunicorn, one worker with threads.

One worker process, because on the embedded default the queued work runs in that process
(and the pacer counts there); its threads answer webhooks side by side. The app is made in the
worker, after the fork, so the queue's threads and the sweeps run where the requests do.

SIGTERM and SIGINT (Ctrl-C) both stop gracefully: no new connections, requests in flight are
answered, then the queue lets a running job finish. Queued work that had not started stays in
the database (outbox rows, a request's first wave due now) and the sweeps pick it up at the next
start. Where gunicorn cannot run (Windows: no fork), waitress serves instead, with the same
threads.
"""
from __future__ import annotations

import logging
import signal
from typing import Callable

log = logging.getLogger(__name__)

# Seconds a stopping server gives requests in flight (webhooks answer in well under one).
GRACEFUL_SECONDS = 10
# Seconds a request may take before its worker is restarted (a console export is the longest).
REQUEST_TIMEOUT_SECONDS = 120


def serve(make_app: Callable, host: str, port: int, threads: int) -> None:
    """Serve the app `make_app()` returns on host:port with `threads` threads until stopped."""
    try:
        from gunicorn.app.base import BaseApplication
        from gunicorn.arbiter import Arbiter
    except ImportError:  # no gunicorn where there is no fork (Windows)
        _serve_waitress(make_app, host, port, threads)
        return

    class GracefulArbiter(Arbiter):
        def handle_int(self):
            # Ctrl-C stops like SIGTERM: requests in flight are answered first.
            raise StopIteration

    class Server(BaseApplication):
        def load_config(self):
            settings = {
                "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                "workers": 1,
                "worker_class": "gthread",
                "threads": threads,
                "graceful_timeout": GRACEFUL_SECONDS,
                "timeout": REQUEST_TIMEOUT_SECONDS,
                "post_worker_init": _graceful_interrupt,
                "worker_exit": _close_services,
                # The hotline's own logging is set up already; gunicorn's lines join it on stderr.
                "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return make_app()

        def run(self):
            GracefulArbiter(self).run()

    Server().run()


def _graceful_interrupt(worker) -> None:
    # A terminal's Ctrl-C reaches the worker too: stop it the graceful way, as SIGTERM does.
    signal.signal(signal.SIGINT, worker.handle_exit)


def _close_services(_server, worker) -> None:
    """Stop the queue (a running job finishes) and release the database, as the worker exits."""
    app = getattr(worker, "wsgi", None)
    hotline = app.extensions.get("hotline") if app is not None and hasattr(app, "extensions") else None
    if hotline is not None:
        hotline.close()


def _serve_waitress(make_app: Callable, host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    app = make_app()
    try:
        waitress_serve(app, host=host, port=port, threads=threads)
    finally:
        app.extensions["hotline"].close()
