"""`hotline run` (the web side, and the queued work without Redis) and `hotline worker`."""
from __future__ import annotations

import logging
import os
from dataclasses import replace

import click
from dotenv import load_dotenv

from .. import accounts, create_app, logs
from ..clock import now as utcnow
from ..background.ticker import start_sweeper
from ..background.worker import make_worker
from ..config import Settings, problems, refusal
from ..db import Database
from ..jobs import periodic
from ..migrate import OutdatedSchema, upgrade
from .common import settings as read_settings
from .common import setup_logging
from .web_server import serve

log = logging.getLogger(__name__)

# Threads answering requests in `hotline run`: a small group's peak, a handful of texts at once.
DEFAULT_THREADS = 8


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1, 64),
              envvar="WEB_THREADS", show_envvar=True, help="Requests answered at once.")
def run(host: str, port: int, threads: int) -> None:
    """Serve the hotline: webhooks, dashboard and (without Redis) the queued work."""
    setup_logging()
    local = local_url(host, port)
    settings = served_settings(read_settings(), local)
    refuse_unsafe(settings)
    upgrade(settings.database_url)
    first_admin_link(settings, local)
    out = logging.getLogger("hotline")
    out.info("database: %s", settings.database_url.split("@")[-1])
    if not settings.twilio_configured:
        out.info("no Twilio credentials: messages to other numbers are printed here")
    if not settings.coordinator_phones:
        out.warning("COORDINATOR_PHONES is not set: nobody is texted when a request finds no volunteer; "
                    "they wait in the console's list and in `hotline needs --waiting`")
    if settings.redis_url:
        out.info("REDIS_URL is set: run `hotline worker` to send messages and run scheduled work")
    else:
        out.info("no REDIS_URL: queued work runs in this process")
    click.echo(f"Hotline listening on http://{host}:{port} with {threads} threads "
               f"(SMS webhook: {settings.public_url}/twilio/sms)")
    # The app (its queue threads and sweeps) is made in the serving process, once it is forked.
    serve(lambda: create_app(settings), host, port, threads)


def refuse_unsafe(settings: Settings) -> None:
    """Stop before anything starts when a setting is wrong, listing what to fix."""
    found = problems(settings)
    if found:
        raise SystemExit(refusal(found))


def local_url(host: str, port: int) -> str:
    """The address `hotline run` serves on, as a browser on this machine reaches it."""
    if host in ("127.0.0.1", "0.0.0.0", "::", ""):
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def served_settings(settings: Settings, local: str, environ=None) -> Settings:
    """Without PUBLIC_URL, the address served on is the public one: for the banner, signatures
    and the callback addresses Twilio is given, not the default's port 5000."""
    environ = os.environ if environ is None else environ
    if environ.get("PUBLIC_URL"):
        return settings
    return replace(settings, public_url=local)


def first_admin_link(settings: Settings, local_url: str) -> None:
    """On a fresh install with no account, print a one-time link that creates the first admin."""
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            token = accounts.new_setup_token(session, utcnow())
    finally:
        db.dispose()
    if token is None:
        return
    click.echo("No console account yet. Create the first admin (this link works once, for a day):")
    click.echo(f"  {local_url}/setup/{token}")
    if settings.public_url.rstrip("/") != local_url:
        click.echo(f"  or {settings.public_url.rstrip('/')}/setup/{token}")


def run_worker(settings: Settings | None = None, *, burst: bool = False) -> bool:
    """Work the queue with the scheduler (scheduled jobs and retries) until told to stop."""
    settings = settings or read_settings()
    refuse_unsafe(settings)
    if not settings.redis_url:
        raise SystemExit("REDIS_URL is not set: without Redis, `hotline run` does the queued work itself")
    # Before RQ sets up handlers of its own (it does when none are set), so that ours, masked, serve.
    logs.configure(settings.log_level)
    try:
        app = create_app(settings, worker=True)
    except OutdatedSchema as refused:
        # The release step (`hotline db upgrade`) migrates; a worker never does it behind the web's back.
        raise SystemExit(f"hotline worker: {refused}") from None
    hotline = app.extensions["hotline"]
    if not burst:
        start_sweeper(hotline, periodic(settings))
    log.info("worker: database %s, sending through %s", settings.database_url.split("@")[-1], hotline.transport.name)
    return make_worker(hotline).work(burst=burst, with_scheduler=True, logging_level=logs.level_of(settings.log_level))


@click.command()
@click.option("--burst", is_flag=True, help="Run what is queued and due, then exit.")
def worker(burst: bool) -> None:
    """Run the queued work (sending, scheduled jobs, sweeps) from Redis, with the scheduler."""
    setup_logging()
    run_worker(read_settings(), burst=burst)


def worker_main() -> None:
    """Run the worker from `python worker.py`."""
    setup_logging()
    load_dotenv()
    run_worker()
